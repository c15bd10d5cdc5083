"""Pydantic models of every request body and WebSocket command (docs/protocol.md)."""
