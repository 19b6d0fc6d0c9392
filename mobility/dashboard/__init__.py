"""The referent's dashboard and timeline."""
