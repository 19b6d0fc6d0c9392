"""The guest pages, one module per topic."""
