"""The shared directory of organisations and contacts."""
