"""nnplay's NumPy engine: layers, models, losses, optimizers, traces, datasets, training.

The engine imports nothing from ``server``, prints nothing and knows nothing of JSON.
"""
