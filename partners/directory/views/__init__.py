"""The directory's pages."""
