"""E-mails: rendered and queued by a service, delivered by a worker."""
