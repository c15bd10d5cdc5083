"""Live sessions: the manager (memory, unloading, expiry) and the worker pool and its locks."""
