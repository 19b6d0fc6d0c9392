"""Certificates through the real job path vs bare WeasyPrint renders of the same HTML.

* Data: a group of evaluated mobilities of one centre, with everything a certificate prints
  (signed agreement with outcomes, validated tutor evaluation with assessments, recognised unit).
  Made once on the seeded data; the certificates a run issues are deleted again, so every run
  renders the same documents.
* Real path: certificate rows and jobs created by the services the pages call (the mobility
  page's ``certificate_issue``; for the burst, the group page's request itself, through gunicorn,
  which calls ``group_certificates_request``: a group this size is issued by a worker); a real
  ``celery worker`` process renders them; a figure stops when every row is ready.
* Bare: ``weasyprint.HTML(string=html).write_pdf(...)`` of the HTML the worker renders for the same
  certificate, with the same stylesheet, PDF/A-3b variant and attachment; stylesheet and fonts
  parsed once (the best WeasyPrint can do), one process, one core.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from certification.models import Certificate, CertificateStatus, DocumentJob, GroupIssue, JobStatus
from certification.pdf import documents
from certification.pdf.html import PDF_VARIANT, STYLESHEET, static_path
from certification.services import certificates as services
from mobility.agreements.models import AgreementOutcome, LearningAgreement, Signature
from mobility.evaluations.models import (
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    OutcomeAssessment,
    Recognition,
)
from mobility.learners.models import Qualification, Unit
from mobility.mobilities.models import Mobility, MobilityGroup, MobilityStatus
from partners.accounts.models import User
from partners.directory.models import Organisation, OrganisationKind

from .processes import cpu_seconds, running_worker, wait_for, worker_rss_mb

GROUP_NAME = "Benchmark: certificates of a whole promotion"
PAST = (MobilityStatus.COMPLETED, MobilityStatus.EVALUATED, MobilityStatus.CERTIFIED)


# --- Data ---------------------------------------------------------------------------------------
def certificate_centre() -> Organisation:
    """The last synthetic centre (the page benchmarks use the first one: no interference)."""
    return Organisation.objects.filter(kind=OrganisationKind.TRAINING_CENTRE).order_by("-pk").first()


def referent_of(centre: Organisation) -> User:
    return User.objects.get(email=f"referent{centre.pk}@scale.example")


def _units(qualification: Qualification) -> list[Unit]:
    units = list(qualification.units.order_by("order"))
    if not units:
        units = Unit.objects.bulk_create(
            Unit(qualification=qualification, code=f"UP{i}", title=title, order=i)
            for i, title in enumerate(
                ("Réalisation de produits", "Organisation du poste", "Hygiène et sécurité"), start=1
            )
        )
    return units


def prepare_group(*, size: int) -> MobilityGroup:
    """The benchmark's group of ``size`` evaluated mobilities, ready for their certificates (made once)."""
    centre = certificate_centre()
    group = MobilityGroup.objects.filter(centre=centre, name=GROUP_NAME).first()
    if group is not None and Mobility.objects.filter(group=group).count() == size:
        return group
    with transaction.atomic():
        if group is None:
            first = Mobility.objects.filter(centre=centre).order_by("pk").first()
            group = MobilityGroup.objects.create(
                centre=centre,
                name=GROUP_NAME,
                activity_type_id=first.activity_type_id,
                host_city=first.host_city,
                host_country=first.host_country,
                planned_start=first.planned_start,
                planned_end=first.planned_end,
            )
        Mobility.objects.filter(group=group).update(group=None)
        candidates = list(
            Mobility.objects.filter(centre=centre, status__in=PAST)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(candidates) < size:
            others = Mobility.objects.filter(centre=centre).exclude(pk__in=candidates).order_by("pk")
            candidates += list(others.values_list("pk", flat=True)[: size - len(candidates)])
        ids = candidates[:size]
        if len(ids) < size:
            raise RuntimeError(f"centre {centre} has {len(ids)} mobilities, the benchmark needs {size}")
        _make_evaluated(ids)
        Mobility.objects.filter(pk__in=ids).update(group=group)
    return group


def _make_evaluated(ids: list[int]) -> None:
    """What an evaluated mobility has when its certificate is issued (as tests/certification/factories.py)."""
    mobilities = list(Mobility.objects.filter(pk__in=ids).select_related("participant", "host_tutor"))
    done = set(
        Evaluation.objects.filter(
            mobility_id__in=ids, kind=EvaluationKind.TUTOR, status=EvaluationStatus.VALIDATED
        ).values_list("mobility_id", flat=True)
    )
    todo = [m for m in mobilities if m.pk not in done]
    qualification = Qualification.objects.get(code="SCALE-CAP")
    units = _units(qualification)
    now = timezone.now()
    agreements = {a.mobility_id: a for a in LearningAgreement.objects.filter(mobility__in=todo, version=1)}
    outcomes, signatures, evaluations, recognitions, links = [], [], [], [], []
    for m in todo:
        agreement = agreements.get(m.pk) or LearningAgreement.objects.create(mobility=m, version=1)
        agreement.status = "signed"
        agreement.tasks = "Pétrissage, façonnage, cuisson ; accueil de la clientèle."
        agreement.hours_per_week = 35
        agreement.assessor = "Tutrice ou tuteur en entreprise"
        agreement.assessment_method = "Observation en situation de travail"
        agreement.placement_language = m.host_country.code.lower() if m.host_country else "en"
        agreement.save(
            update_fields=[
                "status",
                "tasks",
                "hours_per_week",
                "assessor",
                "assessment_method",
                "placement_language",
            ]
        )
        unit = units[m.pk % len(units)]
        links.append(LearningAgreement.units.through(learningagreement_id=agreement.pk, unit_id=unit.pk))
        for order, text in enumerate(
            (
                "Réaliser une fournée complète en autonomie",
                "Appliquer les règles d'hygiène du pays d'accueil",
                "Présenter les produits à la clientèle dans la langue du pays",
            )
        ):
            outcomes.append(
                AgreementOutcome(
                    agreement=agreement, unit=unit if order == 0 else None, description=text, order=order
                )
            )
        for party, name in (
            ("learner", f"{m.participant.first_name} {m.participant.last_name}"),
            ("sending", "Camille Rousseau"),
            ("host", m.host_tutor.full_name if m.host_tutor else "Tutor"),
        ):
            signatures.append(Signature(agreement=agreement, party=party, signer_name=name, method="in_app"))
        start = m.actual_start or m.planned_start
        end = m.actual_end or m.planned_end
        evaluations.append(
            Evaluation(
                mobility=m,
                kind=EvaluationKind.TUTOR,
                status=EvaluationStatus.VALIDATED,
                language="en",
                author_name=m.host_tutor.full_name if m.host_tutor else "Tutor",
                tasks_carried_out="Bread and pastry production, shop counter, cleaning of the bakehouse.",
                job_related_skills="Shapes loaves and baguettes on their own; follows the production plan.",
                language_skills=[
                    {
                        "language": "en",
                        "listening": "B1",
                        "reading": "B1",
                        "spoken_interaction": "A2",
                        "spoken_production": "A2",
                        "writing": "A2",
                    }
                ],
                digital_skills={"information": "basic", "communication": "independent"},
                organisational_skills="Organises their workstation alone.",
                communication_skills="Talks with the team in simple English.",
                other_skills="Punctual and careful.",
                attended_from=start,
                attended_to=end,
                absence_days=0,
                overall_comment="A very good placement.",
                submitted_at=now,
                reviewed_at=now,
            )
        )
        recognitions.append(
            Recognition(
                mobility=m, unit=unit, decision="recognised", decided_on=end + datetime.timedelta(days=20)
            )
        )
    AgreementOutcome.objects.bulk_create(outcomes, batch_size=2000)
    Signature.objects.bulk_create(signatures, batch_size=2000)
    LearningAgreement.units.through.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    Evaluation.objects.bulk_create(evaluations, batch_size=2000)
    Recognition.objects.bulk_create(recognitions, batch_size=2000)
    by_mobility = {
        e.mobility_id: e for e in Evaluation.objects.filter(mobility__in=todo, kind=EvaluationKind.TUTOR)
    }
    assessments = [
        OutcomeAssessment(
            evaluation=by_mobility[o.agreement.mobility_id],
            outcome=o,
            result=("achieved", "achieved", "partly")[o.order % 3],
        )
        for o in AgreementOutcome.objects.filter(agreement__mobility__in=todo).select_related("agreement")
    ]
    OutcomeAssessment.objects.bulk_create(assessments, batch_size=2000)
    for m in mobilities:
        if m.status != MobilityStatus.EVALUATED or not m.actual_start or not m.actual_end:
            Mobility.objects.filter(pk=m.pk).update(
                status=MobilityStatus.EVALUATED,
                actual_start=m.actual_start or m.planned_start,
                actual_end=m.actual_end or m.planned_end,
            )


def group_reset(group: MobilityGroup) -> None:
    """Removes the certificates a run issued for the group (rows and files): the next run starts alike."""
    mobilities = Mobility.objects.filter(group=group)
    with transaction.atomic():
        DocumentJob.objects.filter(mobility__in=mobilities).delete()
        DocumentJob.objects.filter(certificate__mobility__in=mobilities).delete()
        DocumentJob.objects.filter(group=group).delete()
        GroupIssue.objects.filter(group=group).delete()
        Certificate.objects.filter(mobility__in=mobilities).delete()
        mobilities.exclude(status=MobilityStatus.EVALUATED).update(status=MobilityStatus.EVALUATED)
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "certificates" / str(group.centre_id), ignore_errors=True)


def issue(*, group: MobilityGroup, user: User, count: int) -> list[int]:
    """Issues the certificates of the group's first ``count`` mobilities with the service of the
    mobility page, in one transaction: the jobs are published together when it commits."""
    with transaction.atomic():
        certificates = [
            services.certificate_issue(mobility=m, acting_user=user)
            for m in Mobility.objects.filter(group=group).order_by("pk")[:count]
        ]
    return [c.pk for c in certificates]


def warm_up(worker, *, group: MobilityGroup, user: User) -> None:
    """Each pool process renders until it has loaded its fonts, as in a worker that has been running.

    A process has rendered when its CPU time has grown by more than a render's worth since it was
    forked (the first render loads fonts and templates: 0.5–3 s of CPU depending on the machine).
    """
    children = worker.child_pids()
    idle = {pid: cpu_seconds(pid) for pid in children}
    for _attempt in range(20):
        if all(cpu_seconds(pid) - idle[pid] >= 0.5 for pid in children):
            return
        group_reset(group)
        ids = issue(group=group, user=user, count=2 * len(children))
        wait_ready(ids, group=group, timeout=120)
    raise RuntimeError("the worker's pool processes did not all take a render")


def wait_ready(certificate_ids: list[int] | None, *, group: MobilityGroup, timeout: float) -> None:
    rows = Certificate.objects.filter(mobility__group=group)
    if certificate_ids is not None:
        rows = rows.filter(pk__in=certificate_ids)
    expected = rows.count()

    def finished() -> bool:
        failed = rows.filter(status=CertificateStatus.FAILED).first()
        if failed is not None:
            raise RuntimeError(f"certificate {failed.number} failed: {failed.job.error}")
        return rows.filter(status=CertificateStatus.READY).count() == expected

    wait_for(finished, timeout=timeout, what=f"{expected} certificates to be ready", interval=0.1)


def job_span(certificate_ids: list[int]) -> float:
    """Seconds from the first job's publication to the last job's end (database timestamps)."""
    span = DocumentJob.objects.filter(certificate_id__in=certificate_ids, status=JobStatus.READY).aggregate(
        first=Min("published_at"), last=Max("finished_at")
    )
    return (span["last"] - span["first"]).total_seconds()


# --- Bare WeasyPrint ----------------------------------------------------------------------------
def certificate_html(group: MobilityGroup, user: User) -> tuple[str, tuple]:
    """The HTML and attachments the worker hands to ``html_to_pdf`` for one group certificate.

    The certificate is issued by the service and rolled back (nothing published); its frozen content
    goes through ``documents.render_certificate`` with the PDF step captured.
    """
    first = Mobility.objects.filter(group=group).order_by("pk").first()
    with transaction.atomic():
        certificate = services.certificate_issue(mobility=first, acting_user=user)
        # as stored in the row and read back by the worker
        content = json.loads(json.dumps(certificate.content))
        credential = json.loads(json.dumps(certificate.credential))
        transaction.set_rollback(True)
    captured: dict = {}

    class Captured(Exception):
        pass

    def capture(html: str, *, attachments: tuple = (), title: str = "") -> bytes:
        captured.update(html=html, attachments=attachments)
        raise Captured  # what follows the PDF step (the PAdES seal) needs a real PDF

    with mock.patch.object(documents, "html_to_pdf", capture), contextlib.suppress(Captured):
        documents.render_certificate(content, credential)
    return captured["html"], captured["attachments"]


def bare_renderer(html: str, attachments: tuple) -> Callable[[], bytes]:
    from weasyprint import CSS, HTML, Attachment
    from weasyprint.text.fonts import FontConfiguration

    # the certificate names the platform's logo relatively: the same file, read from the static folder
    base_url = Path(settings.STATICFILES_DIRS[0]).resolve().as_uri() + "/"
    fonts = FontConfiguration()
    css = CSS(string=static_path(STYLESHEET).read_text(encoding="utf-8"), font_config=fonts)

    def render() -> bytes:
        files = [
            Attachment(string=a.content, name=a.name, description=a.description, relationship=a.relationship)
            for a in attachments
        ]
        return HTML(string=html, base_url=base_url).write_pdf(
            stylesheets=[css], font_config=fonts, attachments=files, pdf_variant=PDF_VARIANT
        )

    return render


def bare_rate(render: Callable[[], bytes], count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        render()
    return count / (time.perf_counter() - started)


def _bare_child(render: Callable[[], bytes], count: int, rates) -> None:
    rates.put(bare_rate(render, count))


def bare_parallel_rate(render: Callable[[], bytes], count: int, processes: int) -> float:
    """Bare renders per second of ``processes`` processes rendering at once (forked from this one,
    fonts and stylesheet already loaded): what the machine's cores deliver together, which on
    shared virtual cores is less than ``processes`` times one core's rate."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    rates = context.Queue()
    children = [context.Process(target=_bare_child, args=(render, count, rates)) for _ in range(processes)]
    for child in children:
        child.start()
    found = [rates.get(timeout=count * 30 + 60) for _ in children]
    for child in children:
        child.join()
    return sum(found)


# --- Figures ------------------------------------------------------------------------------------
def bench_worker_throughput(
    *, group: MobilityGroup, user: User, batch: int, rounds: int, total_renders: int, log
) -> dict[str, float]:
    """certificate_ratio (alternating rounds of bare renders and worker batches, best of each), then
    the worker's memory once its process has rendered ``total_renders`` certificates."""
    render = bare_renderer(*certificate_html(group, user))
    render()  # fonts loaded once per process, in both paths
    results: dict[str, float] = {}
    # one process renders everything: no recycling after N tasks or M kB, so that growth shows
    env = {"WORKER_MAX_TASKS_PER_CHILD": "1000000", "WORKER_MAX_MEMORY_PER_CHILD_KB": "100000000"}
    group_reset(group)
    with running_worker(concurrency=1, env=env) as worker:
        rendered = 0
        ids = issue(group=group, user=user, count=2)  # the worker's first renders load its fonts
        wait_ready(ids, group=group, timeout=120)
        rendered += len(ids)
        results["worker_rss_mb_after_2"] = worker_rss_mb(worker)["largest_child"]
        bare, real = [], []
        for index in range(rounds):
            bare.append(bare_rate(render, batch))
            group_reset(group)
            ids = issue(group=group, user=user, count=batch)
            wait_ready(ids, group=group, timeout=batch * 10 + 60)
            real.append(len(ids) / job_span(ids))
            rendered += len(ids)
            log(f"round {index + 1}: bare {bare[-1]:.2f}/s, worker {real[-1]:.2f}/s")
        results["bare_renders_per_s"] = round(max(bare), 2)
        results["worker_certificates_per_s"] = round(max(real), 2)
        results["certificate_ratio"] = round(max(real) / max(bare), 2)
        size = Mobility.objects.filter(group=group).count()
        while rendered < total_renders:
            group_reset(group)
            ids = issue(group=group, user=user, count=min(size, total_renders - rendered))
            wait_ready(ids, group=group, timeout=len(ids) * 10 + 60)
            rendered += len(ids)
            log(f"{rendered} renders in the worker process")
        memory = worker_rss_mb(worker)
        results[f"worker_rss_mb_after_{total_renders}"] = memory["largest_child"]
        results["worker_main_rss_mb"] = memory["main"]
    group_reset(group)
    return results


def bench_burst(
    *, group: MobilityGroup, user: User, client, bare_per_s: float, cores: int, log
) -> dict[str, float]:
    """The whole group's certificates asked for with one click of the group page (through gunicorn),
    rendered by a worker with one process per core: wall time vs the ideal, and the response time."""
    from django.urls import reverse

    results: dict[str, float] = {}
    size = Mobility.objects.filter(group=group).count()
    trivial = sorted(client.get("/bench/ping/")[1] for _ in range(40))
    render = bare_renderer(*certificate_html(group, user))
    render()
    bare = [bare_per_s, bare_rate(render, 10)]  # the best single-core rate of the run: the strictest ideal
    group_reset(group)
    with running_worker(concurrency=cores) as worker:
        warm_up(worker, group=group, user=user)
        group_reset(group)
        url = reverse("certification:group-issue", args=[group.pk])
        started = timezone.now()
        status, seconds, _size = client.post(url, {"next": "/documents/"})
        if status != 302:
            raise RuntimeError(f"POST {url} answered {status} (gunicorn log: var/bench/gunicorn.log)")
        log(f"the request for {size} certificates answered in {seconds:.2f} s")
        # a group this size is issued by the worker (GroupIssue), then rendered: wait for both
        wait_for(
            lambda: Certificate.objects.filter(mobility__group=group).count() == size,
            timeout=size * 2 + 120,
            what=f"the {size} certificates to be issued (worker log: {worker.log_path})",
            interval=0.2,
        )
        wait_ready(None, group=group, timeout=size * 5 + 120)
        last = DocumentJob.objects.filter(certificate__mobility__group=group).aggregate(
            last=Max("finished_at")
        )
        wall = (last["last"] - started).total_seconds()
        results["burst_rss_mb_per_process"] = worker_rss_mb(worker)["largest_child"]
    issued = Certificate.objects.filter(mobility__group=group).aggregate(last=Max("created_at"))["last"]
    bare.append(bare_rate(render, 10))
    ideal = size / max(bare) / cores
    # the same renders with every core rendering at once, as the machine really delivers them
    parallel = max(bare_parallel_rate(render, 10, cores) for _round in range(2))
    median_trivial = trivial[len(trivial) // 2]
    results.update(
        {
            f"burst_{size}_wall_s": round(wall, 1),
            f"burst_{size}_issued_s": round((issued - started).total_seconds(), 1),
            f"burst_{size}_ideal_s": round(ideal, 1),
            f"burst_{size}_ratio": round(wall / ideal, 2),
            "bare_parallel_renders_per_s": round(parallel, 2),
            f"burst_{size}_parallel_ideal_s": round(size / parallel, 1),
            f"burst_{size}_ratio_parallel": round(wall / (size / parallel), 2),
            f"enqueue_{size}_s": round(seconds, 2),
            "trivial_request_ms": round(median_trivial * 1000, 1),
            f"enqueue_{size}_ratio": round(seconds / median_trivial, 1),
        }
    )
    group_reset(group)
    return results
