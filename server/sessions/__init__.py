"""A session's state and transitions (raising server.errors.ApiError), its training and data."""
