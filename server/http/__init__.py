"""The HTTP face: app, CLI, routes, schemas, body parsing, middlewares, the WebSocket."""
