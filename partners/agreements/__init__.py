"""Partnership agreements between organisations."""
