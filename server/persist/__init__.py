"""What is written to disk: the SQLite store, the blob codec, the exported model file."""
