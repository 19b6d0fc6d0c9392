"""Pages of the base layer: partner directory, contacts, agreements, team."""
