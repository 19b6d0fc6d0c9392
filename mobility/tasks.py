"""Celery tasks of the mobility domain: each loads by id and calls one service."""

from celery import shared_task
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone


@shared_task(name="mobility.tasks.ping")
def ping(token: str) -> str:
    """Leaves a mark in the shared cache: proof that a worker picked up and ran a task."""
    cache.set(f"celery-ping:{token}", "pong", 300)
    return token


@shared_task(name="mobility.tasks.clear_expired_sessions")
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(name="mobility.tasks.follow_dates")
def follow_dates() -> dict:
    """Mobilities start and end with their dates (confirmed → in progress → completed)."""
    from .services import mobilities_follow_dates

    return mobilities_follow_dates()


from .imports import tasks as _data_tasks  # noqa: E402, F401  (imports and exports: registered here)


# --- Tutors, learners and employers -----------------------------------------------------------
@shared_task(name="mobility.tasks.guest_lost_link")
def guest_lost_link(email: str, request_id: str, language: str) -> int | None:
    """Someone lost their link: fresh links and a code to the address, if it has live links."""
    from django.utils import translation

    from .guests import lost_link_send

    with translation.override(language):
        message = lost_link_send(email=email, request_id=request_id, language=language)
    return message.pk if message else None


@shared_task(name="mobility.tasks.send_tutor_reminders")
def send_tutor_reminders() -> int:
    """Daily: tutors who have not confirmed the placement or sent the evaluation are reminded."""
    from .evaluations import reminders_send_due

    return reminders_send_due()


@shared_task(name="mobility.tasks.evaluated_mobilities_follow")
def evaluated_mobilities_follow() -> int:
    """Completed mobilities whose evaluation is already validated move to "evaluated"."""
    from .evaluations import evaluated_mobilities_follow as follow

    return follow()


# --- Data protection ------------------------------------------------------------------------------
@shared_task(name="mobility.tasks.apply_retention")
def apply_retention() -> dict:
    """Nightly: learners past the retention period are anonymised, expired documents deleted."""
    from .privacy import retention_apply, retention_plan

    return retention_apply(retention_plan())
