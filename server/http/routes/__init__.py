"""HTTP and WebSocket routes. Each route parses, makes one call, returns."""
