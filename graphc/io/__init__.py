"""Export and serialization."""
