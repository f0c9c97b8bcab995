"""Stage 3 of the pipeline: pure functions from the model to text (no I/O)."""
