"""Prints a fresh personal link for a mobility's tutor, learner or employer (support and demos).

The link is as valid as the e-mailed ones (same lookup, a new secret); the command is audited.
Use it when a person cannot receive e-mail and the referent gives them the link by another channel.
"""

from django.core.management.base import BaseCommand, CommandError

from mobility.guests.models import AccessLink, GuestRole
from mobility.guests.services import links as guests
from mobility.mobilities.models import Mobility
from partners.audit.services import audit_record


class Command(BaseCommand):
    help = "Print a fresh personal link (tutor, learner or employer) of a mobility, by its reference."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="The mobility's reference, e.g. MOB-2026-000123.")
        parser.add_argument("role", choices=GuestRole.values)

    def handle(self, *args, reference: str, role: str, **options):
        mobility = Mobility.objects.filter(reference=reference).first()
        if mobility is None:
            raise CommandError(f"No mobility {reference}.")
        link = AccessLink.objects.filter(mobility=mobility, role=role, revoked_at__isnull=True).first()
        if link is None or not link.is_usable:
            raise CommandError(
                f"No valid {role} link on {reference}: send the invitation from the mobility's page first."
            )
        url = guests.issue_link_url(link.pk)
        audit_record(
            action="access_link.issued_by_command",
            actor_label="operator",
            target=link,
            centre_id=mobility.centre_id,
            data={"role": role},
        )
        self.stdout.write(url)
