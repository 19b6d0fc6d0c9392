"""Demo data of the base layer: the chambers, centres, accounts and directory."""
