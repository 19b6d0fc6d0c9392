"""Services of the evaluations, one module per topic."""
