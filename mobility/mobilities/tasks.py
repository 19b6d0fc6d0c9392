"""Mobilities follow their dates every night (confirmed → in progress → completed)."""

from celery import shared_task


@shared_task(name="mobility.tasks.follow_dates")
def follow_dates() -> dict:
    """Mobilities start and end with their dates (confirmed → in progress → completed)."""
    from mobility.mobilities.services import mobilities_follow_dates

    return mobilities_follow_dates()
