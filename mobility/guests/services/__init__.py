"""Services of the guest pages, one module per topic."""
