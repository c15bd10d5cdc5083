"""Datasets: MNIST (shipped or a user's IDX files), generated shapes, the user's own samples,
image archives, and stratified splits. Everything yields a ``Dataset``."""

from engine.datasets.dataset import Dataset

__all__ = ["Dataset"]
