"""Stage 7, personal: this user's taste. Their 0-5 ratings live in SQLite (`store`); diagrams
become latents by the auto-encoder (`autoencoder`); a distance-weighted k-NN over the latents
of the diagrams they rated predicts their score for a new one (`knn`); `ratings` is the one
place a rated diagram is registered with its latent (the CLI and the web app both use it).

Imports the core modules, `render` and `quality`; never the pipeline.
"""
