"""Demo and national-scale data."""
