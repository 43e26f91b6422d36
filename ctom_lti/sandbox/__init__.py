"""A local Canvas-compatible platform (LTI 1.3) and REST API subset, for the demo and tests."""
