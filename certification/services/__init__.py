"""Services of certification, one module per topic; the worker side apart from the request side."""
