"""What every list of the REST API shares: strict query parameters and filters."""
