"""Celery tasks of certification: each loads a row by id and calls one service."""
