"""Groups of mobilities that travel together."""
