"""One module per CLI command (click's ``examples/complex`` layout)."""
