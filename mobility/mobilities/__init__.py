"""Mobilities: planning, statuses, the mobility's page."""
