"""Exports: rows a user may take away, written inline or by a worker."""
