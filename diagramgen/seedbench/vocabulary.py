"""The seed benchmark's own vocabulary: the things its flowchart requests name.

Read off the seed project's 900 requests; the data generator draws seed-style flows from these
lists and the evaluation checks that a flow keeps each term its request mentions.
"""

from __future__ import annotations

# The things the seed's flowchart requests name (read off its 900 requests): a faithful flow
# has a node labelled with each one the request mentions.
SEED_FLOW_TERMS = sorted(
    {
        "png file", "jpg file", "picture", "figure", "image", "data store", "data storage",
        "database",
        "db", "sentence", "text", "string", "tokens", "python code", "python file", "code file",
        "function", "table", "pandas dataframe", "experiment result", "line chart", "chart",
        "histogram", "graph", "language model", "llm", "cnn model", "deep learning model",
        "machine learning model", "ai model", "neural network", "nn", "pca", "feature engineering",
        "pre-processing", "pytorch tensor", "tensorflow tensor", "tensors", "tensor", "buffers",
        "buffer", "numeric values", "matrices", "matrix", "numpy array",
    },
    key=len,
    reverse=True,
)  # fmt: skip

# Seed-style flow parts: the data and the processes its requests name, with our node type.
SEED_DATA = {"matrices": "data", "data store": "db", "table": "chart", "pandas dataframe": "data", "png file": "image", "jpg file": "image", "text": "text", "string": "text", "numpy array": "data", "pytorch tensor": "data", "database": "db", "histogram": "chart", "graph": "chart", "sentence": "text", "buffer": "data", "tokens": "text", "figure": "image"}  # fmt: skip
SEED_PROCESSES = {"PCA": "process", "NN": "model", "CNN model": "model", "pre-processing": "process", "code file": "func", "python file": "func", "function": "func", "LLM": "model", "deep learning model": "model", "feature engineering": "process"}  # fmt: skip
