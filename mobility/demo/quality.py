"""Demo data for quality and care: end-of-stay answers, incidents, a checklist, host statuses, labels."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from mobility.care import services as care
from mobility.care.models import Incident
from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.quality import record
from mobility.quality.models import ParticipantReport, ReportAnswer
from mobility.quality.selectors import REPORTABLE, report_questions_for
from partners.accounts.models import User
from partners.directory.models import Organisation
from partners.quality import services as partner_quality
from partners.quality.models import HostStatus, QualityLabel

COMMENTS = (
    "Très bon accueil, l'équipe m'a beaucoup appris.",
    "Le tuteur était souvent absent la deuxième semaine.",
    "Logement un peu loin, mais le travail était passionnant.",
)


def seed_quality(centre: Organisation, referent: User, rng: random.Random) -> None:
    ended = list(
        Mobility.objects.filter(centre=centre, status__in=REPORTABLE, planned_end__lt=timezone.localdate())
        .exclude(status=MobilityStatus.IN_PROGRESS)
        .select_related("host_organisation")
        .order_by("pk")[:12]
    )
    for i, mobility in enumerate(ended):
        report, created = ParticipantReport.objects.get_or_create(mobility=mobility)
        if not created or i % 4 == 3:
            continue  # one in four has not answered yet
        answers = []
        for question in report_questions_for(mobility=mobility):
            if question.kind == "rating":
                answers.append(
                    ReportAnswer(report=report, question=question, rating=rng.choice((3, 4, 4, 5, 5)))
                )
            elif question.kind == "yes_no":
                answers.append(ReportAnswer(report=report, question=question, yes_no=rng.random() > 0.2))
            else:
                answers.append(ReportAnswer(report=report, question=question, text=rng.choice(COMMENTS)))
        ReportAnswer.objects.bulk_create(answers)
        report.answered_at, report.language = report.sent_at + timedelta(days=2), "fr"
        report.save(update_fields=["answered_at", "language"])
    hosted = [m for m in ended if m.host_organisation_id]
    if hosted and not hasattr(hosted[0], "placement_check"):
        items = record.check_items_for(mobility=hosted[0])
        answers = {f"item{item.pk}": ("no" if item.code == "language-support" else "yes") for item in items}
        record.placement_check_save(mobility=hosted[0], answers=answers, comment="Bon stage, pas de soutien linguistique.",
                                    acting_user=referent)  # fmt: skip
    hosts = list(dict.fromkeys(m.host_organisation for m in hosted))
    if hosts and not HostStatus.objects.filter(organisation=hosts[0]).exists():
        partner_quality.host_status_set(organisation=hosts[0], status="recommended", acting_user=referent,
                                        reason="Accueil structuré, tuteur disponible, évaluations à l'heure.")  # fmt: skip
    if len(hosts) > 1 and not HostStatus.objects.filter(organisation=hosts[1]).exists():
        partner_quality.host_status_set(organisation=hosts[1], status="watch", acting_user=referent,
                                        reason="Deux évaluations en retard ; tuteur peu joignable.")  # fmt: skip
    if hosts and not QualityLabel.objects.filter(organisation=hosts[0]).exists():
        today = timezone.localdate()
        partner_quality.label_add(organisation=hosts[0], acting_user=referent, scan=None, data={
            "name": "EQAMOB", "issuer": "Chambre de métiers et de l'artisanat",
            "awarded_on": today - timedelta(days=700), "expires_on": today + timedelta(days=45)})  # fmt: skip
    running = Mobility.objects.filter(centre=centre, status=MobilityStatus.IN_PROGRESS).order_by("pk").first()
    if running is not None and not Incident.objects.filter(mobility=running).exists():
        day = max(running.start, min(timezone.localdate(), running.end))
        care.incident_record(mobility=running, acting_user=referent, data={
            "kind": "illness", "severity": "moderate", "occurred_on": day, "place": running.host_city,
            "description": "Fièvre, consultation chez un médecin près du logement.",
            "actions": "Rendez-vous médical, repos deux jours, tuteur prévenu.",
            "informed": "Tuteur 9 h 15, référent 9 h 40, famille 10 h.", "guardians_informed_at": None,
            "led_to_interruption": False})  # fmt: skip
