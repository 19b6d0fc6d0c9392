"""Demo projects, mobilities and groups, each walked through the real services to its status."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from mobility.agreements import services as agreements_services
from mobility.agreements.models import Party, SignatureMethod
from mobility.catalogue.models import ActivityType, DocumentType, ParticipantKind
from mobility.demo import data
from mobility.demo.data import (
    DEMO_DOMAIN,
    DEMO_LANGUAGE_LEVELS,
    HOST_LANGUAGES,
    OUTSIDE_EUROPE,
    SHARE,
    TASKS,
    TRADE_SECTORS,
    Plan,
)
from mobility.demo.people import demo_pdf, in_days
from mobility.demo.translations import agreement_translate_for_host
from mobility.documents import services as documents_services
from mobility.evaluations.models import (
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    OutcomeAssessment,
    OutcomeResult,
    RecognitionDecision,
)
from mobility.evaluations.services.recognition import recognition_record, recognition_units
from mobility.groups import services as groups_services
from mobility.learners import services as learners_services
from mobility.learners.models import Learner
from mobility.mobilities import services
from mobility.mobilities.models import Mobility, MobilityGroup, MobilityStatus
from mobility.projects import services as projects_services
from mobility.projects.models import Project
from mobility.tracking import services as tracking_services
from partners.accounts.models import User
from partners.directory.models import Contact, Organisation


def _project_for(projects: list[Project], start: date, end: date) -> Project | None:
    """The most recent project whose dates hold the mobility."""
    newest_first = sorted(projects, key=lambda p: p.start_date, reverse=True)
    return next((p for p in newest_first if p.start_date <= start and end <= p.end_date), None)


def seed_projects(centre: Organisation, referent: User) -> list[Project]:
    today = timezone.localdate()
    rows = [
        (f"{today.year - 1}-1-FR01-KA121-VET-{centre.pk:04d}0001", f"Accréditation Erasmus+ {today.year - 1}", today.year - 1,
         date(today.year - 1, 6, 1), date(today.year + 1, 8, 31)),
        (f"{today.year}-1-FR01-KA121-VET-{centre.pk:04d}0002", f"Accréditation Erasmus+ {today.year}", today.year,
         date(today.year, 6, 1), date(today.year + 2, 8, 31)),
    ]  # fmt: skip
    projects = []
    for number, title, year, start, end in rows:
        project = Project.objects.filter(grant_agreement_number=number).first()
        if project is None:
            project = projects_services.project_create(
                organisation=centre,
                data={
                    "title": f"{title} — {centre.display_name}",
                    "grant_agreement_number": number,
                    "key_action": "KA121",
                    "call_year": year,
                    "start_date": start,
                    "end_date": end,
                    "budget_lines": [
                        {"code": "OS", "label": "Soutien organisationnel", "amount": 18000.0},
                        {"code": "TRAV", "label": "Voyage", "amount": 12500.0},
                        {"code": "IND", "label": "Soutien individuel", "amount": 46000.0},
                    ],
                },
                acting_user=referent,
            )
        projects.append(project)
    return projects


def _agreement_and_signatures(mobility: Mobility, referent: User, plan: Plan, rng: random.Random) -> None:
    learner = mobility.participant
    units = list(learner.qualification.units.all()) if learner.qualification_id else []
    chosen = units[:2] if mobility.duration_days > 14 else units[:1]
    outcomes = []
    for unit in chosen:
        for line in unit.suggested_outcomes.splitlines()[:2]:
            outcomes.append({"unit": unit, "category": "skills", "description": line})
    if not outcomes:
        outcomes = [
            {
                "category": "knowledge",
                "description": "Observe l'organisation de la formation en entreprise et en rend compte à l'équipe pédagogique",
            }
        ]
    guide = mobility.activity_type.guidance_in("fr")
    agreement = agreements_services.agreement_save(
        mobility=mobility,
        data={
            "language": "fr",
            "placement_language": HOST_LANGUAGES.get(mobility.host_country.code, "en"),
            "objectives": guide.get("objectives", ""),
            "tasks": TASKS,
            "hours_per_week": 35,
            "working_schedule": "du lundi au vendredi, horaires de l'entreprise",
            "assessor": f"{mobility.host_tutor.full_name}, tuteur d'accueil"
            if mobility.host_tutor_id
            else "Le tuteur d'accueil",
            "assessment_method": guide.get("assessment", ""),
            "assessment_timing": "Dernière semaine du stage",
            "recognition_arrangements": "Les unités évaluées à l'étranger sont prises en compte par le jury du CFA "
            "au vu de la grille d'évaluation signée.",
        },
        outcomes=outcomes,
        units=chosen,
        acting_user=referent,
    )
    agreement_translate_for_host(agreement=agreement, mobility=mobility, referent=referent)
    for party in agreements_services.agreement_required_parties(agreement=agreement):
        outside = party == Party.HOST and plan.host_signs_outside
        names = {
            Party.LEARNER: learner.full_name,
            Party.GUARDIAN: learner.guardian_name,
            Party.SENDING: referent.get_full_name(),
            Party.HOST: mobility.host_tutor.full_name if mobility.host_tutor_id else "Host",
            Party.INTERMEDIARY: mobility.intermediary.display_name if mobility.intermediary_id else "",
        }
        agreements_services.agreement_sign(
            agreement=agreement,
            party=party,
            signer_name=names.get(party) or "Signataire",
            method=SignatureMethod.OUTSIDE if outside else SignatureMethod.IN_APP,
            scan=demo_pdf(f"contrat-signe-{mobility.reference}") if outside else None,
            acting_user=referent,
        )


def _documents(mobility: Mobility, referent: User, doc_types: dict[str, DocumentType]) -> None:
    learner = mobility.participant
    minor = learner.is_minor_on(mobility.planned_start)
    for doc_type in mobility.activity_type.required_documents.all():
        if doc_type.required_for_minors_only and not minor:
            continue
        valid_until = (
            mobility.planned_end + timedelta(days=30) if doc_type.code in ("insurance", "ehic") else None
        )
        documents_services.document_upload(
            learner=learner,
            mobility=mobility,
            document_type=doc_type,
            upload=demo_pdf(f"{doc_type.code}-{learner.last_name.lower()}"),
            valid_until=valid_until,
            acting_user=referent,
        )
    if minor and not learner.consents.exists():
        learners_services.consent_record(
            learner=learner,
            given_on=min(timezone.localdate(), mobility.planned_start - timedelta(days=30)),
            given_by=learner.guardian_name or f"Parent de {learner.first_name}",
            scan=demo_pdf(f"autorisation-{learner.last_name.lower()}"),
            acting_user=referent,
        )


def _tick_past_work(mobility: Mobility, referent: User, rng: random.Random, keep_late: bool) -> None:
    """Tasks and follow-ups whose date has passed were done (but for a few, so that some are late)."""
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    label = referent.get_full_name()
    for item in mobility.checklist.filter(done_at__isnull=True, due_date__lt=today):
        if keep_late and rng.random() < 0.12:
            continue
        item.done_at = datetime.combine(item.due_date, time(10, 30), tzinfo=tz)
        item.done_by = referent
        item.done_by_label = label
        item.save(update_fields=["done_at", "done_by", "done_by_label"])
    notes = [
        "Bonne intégration dans l'équipe, le tuteur est satisfait.",
        "Un peu de fatigue avec les horaires du matin, sinon tout va bien.",
        "Progrès nets sur le façonnage ; travaille en autonomie sur une partie de la production.",
        "Point avec le tuteur : ponctualité à surveiller, bonne attitude.",
    ]
    followups = list(mobility.followups.filter(done_on__isnull=True, scheduled_for__lt=today))
    for index, followup in enumerate(followups):
        if keep_late and index == len(followups) - 1 and rng.random() < 0.5:
            continue
        tracking_services.followup_record(
            mobility=mobility,
            followup=followup,
            data={
                "done_on": followup.scheduled_for,
                "channel": rng.choice(["phone", "video", "message"]),
                "notes": rng.choice(notes),
                "wellbeing": rng.choice([3, 4, 4, 5]),
                "needs_attention": False,
            },
            acting_user=referent,
        )


def _evaluate(mobility: Mobility, referent: User) -> None:
    """A validated tutor evaluation with every Europass section, so that a demo certificate is complete."""
    agreement = mobility.agreements.order_by("-version").first()
    language = mobility.main_language or (agreement.placement_language if agreement else "") or "en"
    levels = DEMO_LANGUAGE_LEVELS[mobility.pk % len(DEMO_LANGUAGE_LEVELS)]
    evaluation, created = Evaluation.objects.get_or_create(
        mobility=mobility,
        kind=EvaluationKind.TUTOR,
        defaults={
            "status": EvaluationStatus.VALIDATED,
            "language": mobility.host_tutor.preferred_language if mobility.host_tutor_id else "en",
            "author_name": mobility.host_tutor.full_name if mobility.host_tutor_id else "",
            "tasks_carried_out": TASKS,
            "job_related_skills": "Works carefully and follows the recipes and hygiene rules of the company.",
            "language_skills": [{"language": language, **levels}],
            "digital_skills": {
                "information": "independent",
                "communication": "independent",
                "safety": "basic",
            },
            "digital_comment": "Uses the company's ordering tablet and stock spreadsheet on their own.",
            "organisational_skills": "Plans their tasks for the day and keeps the workstation tidy.",
            "communication_skills": "Asks for explanations and reports to the team in the host language.",
            "other_skills": "Punctual, curious, adapted quickly to another way of working.",
            "attended_from": mobility.start,
            "attended_to": mobility.end,
            "absence_days": 0,
            "overall_comment": "A motivated apprentice who quickly found their place in the team.",
            "signatory_name": mobility.host_tutor.full_name if mobility.host_tutor_id else "",
            "signatory_position": mobility.host_tutor.position if mobility.host_tutor_id else "",
            "submitted_at": timezone.now(),
            "reviewed_at": timezone.now(),
            "reviewed_by": referent,
        },
    )
    if created and agreement is not None:
        OutcomeAssessment.objects.bulk_create(
            [
                OutcomeAssessment(evaluation=evaluation, outcome=o, result=OutcomeResult.ACHIEVED)
                for o in agreement.outcomes.all()
            ]
        )


def _recognise(mobility: Mobility, referent: User) -> None:
    """The centre recognises the units assessed abroad, two weeks after the return (never in the future)."""
    mobility.refresh_from_db(fields=["status"])  # the transitions ran on a locked copy of the row
    units = recognition_units(mobility=mobility)
    if not units or mobility.recognitions.exists():
        return
    decided_on = min(mobility.end + timedelta(days=14), timezone.localdate())
    recognition_record(
        mobility=mobility,
        decisions=[
            {"unit": unit, "decision": RecognitionDecision.RECOGNISED, "decided_on": decided_on}
            for unit in units
        ],
        acting_user=referent,
    )


def _walk(mobility: Mobility, plan: Plan, referent: User, rng: random.Random, doc_types: dict) -> None:
    """Takes a draft through the workflow, as the referent would, to the planned status."""
    target = plan.status
    step = lambda status, **kw: services.mobility_transition(  # noqa: E731
        mobility=mobility, to_status=status, acting_user=referent, **kw
    )
    if target == MobilityStatus.DRAFT:
        _tick_past_work(mobility, referent, rng, keep_late=True)
        return
    if target == MobilityStatus.CANCELLED:
        step(MobilityStatus.PLANNED)
        step(
            MobilityStatus.CANCELLED,
            reason="L'entreprise d'accueil a dû annuler l'accueil (travaux dans l'atelier).",
        )
        return
    step(MobilityStatus.PLANNED)
    if target == MobilityStatus.PLANNED:
        if rng.random() < 0.5:
            _agreement_and_signatures(mobility, referent, plan, rng)
        _tick_past_work(mobility, referent, rng, keep_late=True)
        return
    _agreement_and_signatures(mobility, referent, plan, rng)
    _documents(mobility, referent, doc_types)
    step(MobilityStatus.CONFIRMED)
    if target == MobilityStatus.CONFIRMED:
        _tick_past_work(mobility, referent, rng, keep_late=True)
        return
    step(MobilityStatus.IN_PROGRESS)
    if target == MobilityStatus.IN_PROGRESS:
        _tick_past_work(mobility, referent, rng, keep_late=True)
        return
    if target == MobilityStatus.INTERRUPTED:
        step(
            MobilityStatus.INTERRUPTED,
            reason="Retour anticipé pour raison familiale grave.",
            force_majeure=True,
        )
        _tick_past_work(mobility, referent, rng, keep_late=False)
        return
    step(MobilityStatus.COMPLETED)
    _tick_past_work(mobility, referent, rng, keep_late=target == MobilityStatus.COMPLETED)
    if target == MobilityStatus.COMPLETED:
        return
    _evaluate(mobility, referent)
    step(MobilityStatus.EVALUATED)
    _recognise(mobility, referent)
    if target == MobilityStatus.CERTIFIED:
        step(MobilityStatus.CERTIFIED)


def _host_for(plan: Plan, hosts: list[Organisation], learner: Learner, rng: random.Random) -> Organisation:
    """A host of the learner's trade, in Europe (or beyond for a placement outside Europe)."""
    outside = plan.activity == "placement-outside-europe"
    where = [h for h in hosts if (h.country.code in OUTSIDE_EUROPE) == outside] or hosts
    sectors = TRADE_SECTORS.get(learner.trade, ())
    return rng.choice([h for h in where if h.sector in sectors] or where)


def seed_mobilities(
    centre: Organisation,
    referent: User,
    hosts: list[Organisation],
    projects: list[Project],
    rng: random.Random,
) -> None:
    if Mobility.objects.filter(centre=centre).exists():
        return
    doc_types = {t.code: t for t in DocumentType.objects.all()}
    activities = {a.code: a for a in ActivityType.objects.all()}
    tutors = {}
    for contact in Contact.objects.filter(organisation__in=hosts, is_tutor=True).order_by("pk"):
        tutors.setdefault(contact.organisation_id, contact)
    learners = list(
        Learner.objects.filter(centre=centre, kind=ParticipantKind.LEARNER, email__endswith=DEMO_DOMAIN)
        .select_related("qualification")
        .order_by("pk")
    )
    rng.shuffle(learners)
    plans = data.PLANS[SHARE.get(centre.name, slice(0, None, 3))]
    for plan, learner in zip(plans, learners, strict=False):
        host = _host_for(plan, hosts, learner, rng)
        start = in_days(plan.start)
        end = start + timedelta(days=plan.days - 1)
        mobility = services.mobility_create(
            centre=centre,
            data={
                "participant": learner,
                "project": _project_for(projects, start, end),
                "activity_type": activities[plan.activity],
                "host_organisation": host,
                "host_tutor": tutors.get(host.pk),
                "planned_start": start,
                "planned_end": end,
                "travel_days": 2,
                "green_travel": rng.random() < 0.25,
                "main_language": HOST_LANGUAGES.get(host.country.code, "en"),
                "distance_band": "500-1999"
                if host.country.code in ("ES", "DE", "IT", "IE", "PT")
                else "4000-7999",
            },
            acting_user=referent,
        )
        _walk(mobility, plan, referent, rng, doc_types)
    _staff_mobility(centre, referent, hosts, projects, activities, tutors)
    _groups(centre, referent, hosts, projects, learners[len(plans) :], activities, rng, doc_types)


def _staff_mobility(centre, referent, hosts, projects, activities, tutors) -> None:
    staff = Learner.objects.filter(
        centre=centre, kind=ParticipantKind.STAFF, email__endswith=DEMO_DOMAIN
    ).first()
    if staff is None:
        return
    host = hosts[0]
    start = in_days(33)
    mobility = services.mobility_create(
        centre=centre,
        data={
            "participant": staff,
            "project": _project_for(projects, start, start + timedelta(days=4)),
            "activity_type": activities["staff-job-shadowing"],
            "host_organisation": host,
            "host_tutor": tutors.get(host.pk),
            "planned_start": start,
            "planned_end": start + timedelta(days=4),
        },
        acting_user=referent,
    )
    services.mobility_transition(mobility=mobility, to_status=MobilityStatus.PLANNED, acting_user=referent)


def _groups(centre, referent, hosts, projects, learners, activities, rng, doc_types) -> None:
    """Group explorations: learners who leave together, each then placed with a host of the city."""
    specs = data.GROUPS.get(centre.name, [])
    if not specs or MobilityGroup.objects.filter(centre=centre).exists():
        return
    for when, offset, size, accompanying in specs:
        # Learners of one trade, in the city that has the most hosts of that trade.
        trades = Counter(learner.trade for learner in learners)
        trade = trades.most_common(1)[0][0] if trades else ""
        members = [learner for learner in learners if learner.trade == trade][:size]
        if len(members) < size:
            return
        learners = [learner for learner in learners if learner not in members]
        sectors = TRADE_SECTORS.get(trade, ())
        by_city: dict[tuple[str, str], list[Organisation]] = {}
        for host in hosts:
            if host.country.code not in OUTSIDE_EUROPE and (host.sector in sectors or not sectors):
                by_city.setdefault((host.city, host.country.code), []).append(host)
        if not by_city:
            by_city = {(hosts[0].city, hosts[0].country.code): [hosts[0]]}
        (city, country), city_hosts = max(by_city.items(), key=lambda item: len(item[1]))
        tutors = {
            c.organisation_id: c for c in Contact.objects.filter(organisation__in=city_hosts, is_tutor=True)
        }
        start = in_days(offset)
        end = start + timedelta(days=4)
        group = groups_services.group_create(
            centre=centre,
            data={
                "name": f"Exploration {city} {start:%m/%Y}",
                "project": _project_for(projects, start, end),
                "activity_type": activities["group-exploration"],
                "host_city": city,
                "host_country": country,
                "planned_start": start,
                "planned_end": end,
                "accompanying_persons": accompanying,
            },
            participants=members,
            host_organisation=city_hosts[0],
            acting_user=referent,
        )
        for index, mobility in enumerate(group.mobilities.select_related("participant").order_by("pk")):
            host = city_hosts[index % len(city_hosts)]
            services.mobility_update(
                mobility=mobility,
                data={"host_organisation": host, "host_tutor": tutors.get(host.pk)},
                acting_user=referent,
            )
            mobility.refresh_from_db()
            status = MobilityStatus.CONFIRMED if when == "upcoming" else MobilityStatus.EVALUATED
            if when == "upcoming" and index % 3 == 2:
                status = MobilityStatus.PLANNED
            _walk(mobility, Plan(status, offset, 5), referent, rng, doc_types)
