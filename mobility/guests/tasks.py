"""Lost-link requests are answered by a worker, so the page takes the same time for any address."""

from celery import shared_task


# --- Tutors, learners and employers -----------------------------------------------------------
@shared_task(name="mobility.tasks.guest_lost_link")
def guest_lost_link(email: str, request_id: str, language: str) -> int | None:
    """Someone lost their link: fresh links and a code to the address, if it has live links."""
    from django.utils import translation

    from mobility.guests.services.links import lost_link_send

    with translation.override(language):
        message = lost_link_send(email=email, request_id=request_id, language=language)
    return message.pk if message else None
