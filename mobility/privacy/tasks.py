"""Nightly: the retention sweep."""

from celery import shared_task


# --- Data protection ------------------------------------------------------------------------------
@shared_task(name="mobility.tasks.apply_retention")
def apply_retention() -> dict:
    """Nightly: learners past the retention period are anonymised, expired documents deleted."""
    from mobility.privacy.retention import retention_apply, retention_plan

    return retention_apply(retention_plan())
