"""Small compiled tables and default configuration, read lazily with importlib.resources."""
