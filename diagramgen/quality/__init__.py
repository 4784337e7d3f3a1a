"""Stage 6, quality: how good a drawn diagram is, and how faithful to its request.

- `metrics`: the exact 0-5 readability of a Diagram (overlaps, crossings, legibility ...);
- `fidelity`: how closely a candidate follows its request (numbers, layers, labels);
- `match`: a structure compared with the one that was asked for (evaluation, mining);
- `readability_cnn`: the CNN that scores any diagram image 0-5 (torch, for training);
- `readability_image`: the same CNN in NumPy, which scores images without torch.

In: `Diagram`, its `Structure`, images. Out: scores. Imports the core modules, `request`
(what a request states) and `render` (thumbnails); never the pipeline.
"""
