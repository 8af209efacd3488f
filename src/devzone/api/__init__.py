"""The HTTP API under /api/v1/: authentication, error format, and the routers of every app."""
