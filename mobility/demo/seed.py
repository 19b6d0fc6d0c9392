"""Demo data (``python manage.py seed_demo``): realistic, fictional, idempotent."""

from __future__ import annotations

import random

from mobility.catalogue import services as catalogue
from mobility.demo import data
from mobility.demo.data import REFERENTS
from mobility.demo.funding import seed_grants, seed_rate_tables
from mobility.demo.people import seed_employers, seed_hosts, seed_learners, seed_qualifications
from mobility.demo.placements import seed_mobilities, seed_projects
from mobility.demo.quality import seed_quality
from mobility.demo.recruitment import seed_calls
from mobility.mobilities.models import Mobility, MobilityStatus
from partners.accounts.models import User
from partners.directory.models import Organisation, OrganisationKind


# --- Entry point ------------------------------------------------------------------------------
def seed(context: dict) -> None:
    catalogue.install()
    qualifications = seed_qualifications()
    centres = Organisation.objects.filter(
        kind=OrganisationKind.TRAINING_CENTRE, name__in=list(data.LEARNERS_PER_CENTRE)
    )
    for centre in centres.select_related("parent").order_by("pk"):
        referent = User.objects.filter(email=REFERENTS[centre.name]).first()
        if referent is None:
            continue
        network = Organisation.objects.get(pk=centre.network_id or centre.parent_id)
        rng = random.Random(f"demo-{centre.name}")
        hosts = seed_hosts(network, centre)
        employers = seed_employers(centre, network)
        seed_learners(centre, data.LEARNERS_PER_CENTRE[centre.name], qualifications, employers, referent, rng)
        projects = seed_projects(centre, referent)
        seed_mobilities(centre, referent, hosts, projects, rng)
        seed_rate_tables(network)
        seed_grants(centre, referent)
        seed_quality(centre, referent, rng)
        seed_calls(centre, referent, hosts)
    context.setdefault("notes", []).append(
        "  Demo learners, mobilities, groups and documents are in the three Valdoise centres and Norvelle."
    )


# --- Links for trying the tutor's and the learner's pages -------------------------------------
def _guest_showcase() -> Mobility | None:
    """An in-progress placement of CFA Montclar with a tutor: the one whose links the demo prints."""
    return (
        Mobility.objects.filter(
            centre__name="CFA des Métiers de Montclar",
            status=MobilityStatus.IN_PROGRESS,
            host_tutor__isnull=False,
            participant__email__gt="",
        )
        .exclude(host_tutor__email="")
        .order_by("pk")
        .first()
    )


def after_commit(context: dict) -> None:
    """Invites (once) the tutor and the learner of one placement and prints fresh links to try."""
    from mobility.guests.models import GuestRole
    from mobility.guests.services import links as guests

    mobility = _guest_showcase()
    referent = User.objects.filter(email=REFERENTS.get("CFA des Métiers de Montclar", "")).first()
    if mobility is None or referent is None:
        return
    notes = context.setdefault("notes", [])
    for role, label in ((GuestRole.TUTOR, "host tutor"), (GuestRole.LEARNER, "learner")):
        link = guests.live_link(mobility=mobility, role=role)
        if link is None:
            link = guests.access_link_invite(mobility=mobility, role=role, acting_user=referent)
        notes.append(f"  The {label}'s pages of {mobility.reference}: {guests.issue_link_url(link.pk)}")
