"""One module per CLI verb; each exposes plain functions the CLI calls."""
