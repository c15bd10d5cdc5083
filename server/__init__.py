"""nnplay's FastAPI service: sessions, REST, WebSocket streaming. Thin: no math here."""

__version__ = "0.1.0"
