"""Recruitment's writes, one module per topic: calls, applying, agreements and links, selection,
turning a selection into a mobility."""
