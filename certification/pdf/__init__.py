"""Documents as PDF: the context builders, the templates' labels, HTML to PDF/A-3."""
