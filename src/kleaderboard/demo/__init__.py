"""The embedded default: tiny models trained from zero on CPU, evaluated and published."""
