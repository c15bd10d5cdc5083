"""Pure encoders from engine arrays to JSON tensors and binary frames (no session here)."""
