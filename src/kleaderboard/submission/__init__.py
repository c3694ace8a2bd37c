"""The submission side: the typed manifest, the loss log, the submissions/ tree, scaffolding, reads."""
