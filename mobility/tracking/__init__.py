"""Checklists and follow-ups around a mobility."""
