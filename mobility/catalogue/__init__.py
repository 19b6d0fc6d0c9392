"""Catalogues: activity types, document types, checklist templates."""
