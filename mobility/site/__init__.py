"""The platform around the domain: health, errors, languages, security headers, shared page helpers."""
