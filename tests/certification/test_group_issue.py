"""A large group's certificates are issued by a worker: the request answers at once, the row is the truth."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import Certificate, CertificateStatus, GroupIssue, IssueStatus
from certification.panels import group_progress_context
from certification.services import certificates as services_certificates
from certification.services import groups as services
from certification.services import issuing as services_issuing
from certification.services import sweeps as services_sweeps
from mobility.mobilities.models import Mobility
from partners.accounts.models import Membership
from partners.audit.models import AuditEntry
from tests import factories as base
from tests.workers import Worker, wait_for

from .conftest import run_jobs
from .factories import GroupFactory, evaluated_mobility


@pytest.fixture(autouse=True)
def _fresh_breaker(monkeypatch):
    monkeypatch.setattr("partners.broker.services._quiet_until", 0.0)


@pytest.fixture
def large(settings):
    """Groups of more than one waiting certificate count as large."""
    settings.GROUP_ISSUE_IN_REQUEST = 1


def _group(centre, count=3):
    group = GroupFactory(centre=centre)
    for _ in range(count):
        evaluated_mobility(group=group, participant=base.LearnerFactory(centre=centre))
    return group


def _post(client, group):
    return client.post(reverse("certification:group-issue", args=[group.pk]), {"next": "/documents/"})


@pytest.mark.django_db
def test_a_small_group_is_still_issued_in_the_request(client_of, referent_a, centre_a, settings):
    settings.GROUP_ISSUE_IN_REQUEST = 3
    group = _group(centre_a, count=3)
    assert _post(client_of(referent_a), group).status_code == 302
    assert Certificate.objects.filter(mobility__group=group).count() == 3
    assert not GroupIssue.objects.exists()


@pytest.mark.django_db
def test_a_large_group_is_recorded_and_the_request_issues_nothing_itself(
    client_of, referent_a, centre_a, large
):
    group = _group(centre_a, count=3)
    response = _post(client_of(referent_a), group)
    assert response.status_code == 302
    issue = GroupIssue.objects.get()
    assert (issue.status, issue.total, issue.issued, issue.requested_by) == (
        IssueStatus.REQUESTED,
        3,
        0,
        referent_a,
    )
    assert not Certificate.objects.exists()
    assert AuditEntry.objects.filter(action="certificate.group_issue", target_id=str(group.pk)).exists()
    progress = group_progress_context(group=group)
    assert (progress["total"], progress["ready"], progress["pending"]) == (3, 0, 3)
    assert progress["issuing"] == issue


@pytest.mark.django_db
def test_a_second_click_while_it_runs_records_nothing_more(client_of, referent_a, centre_a, large):
    group = _group(centre_a, count=2)
    client = client_of(referent_a)
    _post(client, group)
    _post(client, group)
    assert GroupIssue.objects.count() == 1


@pytest.mark.django_db
def test_the_run_issues_each_waiting_certificate_once_whatever_the_deliveries(referent_a, centre_a, large):
    group = _group(centre_a, count=3)
    _issued, issue = services.group_certificates_request(group=group, acting_user=referent_a)
    done = services_issuing.group_issue_run(issue_id=issue.pk)
    assert (done.status, done.issued, done.attempts) == (IssueStatus.DONE, 3, 1)
    assert done.finished_at is not None
    services_issuing.group_issue_run(issue_id=issue.pk)  # a second delivery
    assert Certificate.objects.filter(mobility__group=group).count() == 3
    run_jobs()
    assert set(Certificate.objects.values_list("status", flat=True)) == {CertificateStatus.READY}
    assert services.active_group_issue(group=group) is None


@pytest.mark.django_db
def test_a_run_cut_short_issues_only_what_is_still_waiting(referent_a, centre_a, large):
    group = _group(centre_a, count=3)
    _issued, issue = services.group_certificates_request(group=group, acting_user=referent_a)
    first = Mobility.objects.filter(group=group).order_by("pk").first()
    services_certificates.certificate_issue(
        mobility=first, acting_user=referent_a
    )  # as if a first run had begun
    GroupIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.ISSUING, attempts=1)
    done = services_issuing.group_issue_run(issue_id=issue.pk)
    assert (done.status, done.issued, done.attempts) == (IssueStatus.DONE, 2, 2)
    assert Certificate.objects.filter(mobility__group=group).count() == 3


@pytest.mark.django_db
def test_a_requester_who_lost_the_right_to_issue_gets_a_failure_with_the_reason(referent_a, centre_a, large):
    group = _group(centre_a, count=2)
    _issued, issue = services.group_certificates_request(group=group, acting_user=referent_a)
    Membership.objects.filter(user=referent_a).update(is_active=False)
    done = services_issuing.group_issue_run(issue_id=issue.pk)
    assert done.status == IssueStatus.FAILED and "no longer issue" in done.error
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_the_sweeper_publishes_a_lost_request_again(referent_a, centre_a, large, monkeypatch, settings):
    settings.DOCUMENT_JOB_PUBLISH_GRACE = 10
    group = _group(centre_a, count=2)
    _issued, issue = services.group_certificates_request(group=group, acting_user=referent_a)
    published = []
    monkeypatch.setattr(services, "_publish_group_issue", lambda pk: published.append(pk) or True)
    assert services_sweeps.document_jobs_republish_stale() == 0  # too recent: its own publication may come
    GroupIssue.objects.filter(pk=issue.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert services_sweeps.document_jobs_republish_stale() == 1
    assert published == [issue.pk]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_issues_and_renders_a_large_group(client_of, referent_a, centre_a, settings):
    """Through the page, the broker and a worker process, as in production."""
    settings.GROUP_ISSUE_IN_REQUEST = 1
    group = _group(centre_a, count=3)
    worker = Worker(concurrency=1)
    try:
        worker.wait_ready()
        assert _post(client_of(referent_a), group).status_code == 302
        issue = GroupIssue.objects.get()
        wait_for(
            lambda: (
                Certificate.objects.filter(mobility__group=group, status=CertificateStatus.READY).count() == 3
            ),
            timeout=120,
            what=f"the group's certificates (worker log: {worker.log_path})",
        )
    finally:
        worker.stop()
    issue.refresh_from_db()
    assert (issue.status, issue.issued) == (IssueStatus.DONE, 3)


@pytest.mark.django_db
def test_a_failed_run_is_shown_on_the_group_with_its_reason(client_of, referent_a, centre_a, large):
    group = _group(centre_a, count=2)
    _issued, issue = services.group_certificates_request(group=group, acting_user=referent_a)
    GroupIssue.objects.filter(pk=issue.pk).update(status=IssueStatus.FAILED, error="The disk is full.")
    client = client_of(referent_a)
    client.cookies["mobility_language"] = "en"
    response = client.get(reverse("certification:group-progress", args=[group.pk]))
    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert "could not all be issued: The disk is full." in text


@pytest.mark.django_db
def test_a_group_is_read_and_issued_set_by_set_not_one_by_one(referent_a, centre_a, large):
    """What the certificates print (agreements, evaluations, recognitions…) is read once per batch of
    ``ISSUE_BATCH`` mobilities, and the batch's certificates, jobs and audit entries are written
    together: within a batch the number of queries does not grow with the certificates."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def issue(count):
        group = _group(centre_a, count=count)
        _certificates, issue = services.group_certificates_request(group=group, acting_user=referent_a)
        with CaptureQueriesContext(connection) as captured:
            services_issuing.group_issue_run(issue_id=issue.pk)
        assert Certificate.objects.filter(mobility__group=group).count() == count
        reads = [q for q in captured.captured_queries if 'FROM "mobility_recognition"' in q["sql"]]
        return len(captured), len(reads)

    few, few_reads = issue(2)
    many, many_reads = issue(6)
    assert few_reads == many_reads == 1
    per_certificate = (many - few) / 4
    print(f"queries: 2 certificates {few}, 6 certificates {many}, {per_certificate} per certificate")
    assert per_certificate == 0, per_certificate


@pytest.mark.django_db
def test_a_number_drawn_twice_in_a_batch_issues_it_one_by_one(referent_a, centre_a, large, monkeypatch):
    group = _group(centre_a, count=2)
    _issued, issue = services.group_certificates_request(group=group, acting_user=referent_a)
    drawn = iter(["EM-2026-AAAA-AAAA-AAAA-AAAA"] * 2 + [f"EM-2026-BBBB-BBBB-BBBB-BBB{i}" for i in range(5)])
    monkeypatch.setattr(services_certificates, "certificate_number_new", lambda: next(drawn))
    done = services_issuing.group_issue_run(issue_id=issue.pk)
    assert (done.status, done.issued) == (IssueStatus.DONE, 2)
    numbers = sorted(Certificate.objects.filter(mobility__group=group).values_list("number", flat=True))
    assert numbers == ["EM-2026-BBBB-BBBB-BBBB-BBB0", "EM-2026-BBBB-BBBB-BBBB-BBB1"]
    assert AuditEntry.objects.filter(action="certificate.issue").count() == 2


@pytest.mark.django_db
def test_a_mobility_changed_since_the_request_is_left_out_and_the_others_issued(referent_a, centre_a, large):
    group = _group(centre_a, count=3)
    _issued, issue = services.group_certificates_request(group=group, acting_user=referent_a)
    changed = Mobility.objects.filter(group=group).order_by("pk")[1]
    changed.evaluations.update(status="submitted")  # its evaluation is no longer validated
    done = services_issuing.group_issue_run(issue_id=issue.pk)
    assert (done.status, done.issued) == (IssueStatus.DONE, 2)
    issued = set(Certificate.objects.filter(mobility__group=group).values_list("mobility_id", flat=True))
    assert changed.pk not in issued and len(issued) == 2
    jobs = {
        c.job.mobility_id for c in Certificate.objects.filter(mobility__group=group).select_related("job")
    }
    assert jobs == issued
    entries = AuditEntry.objects.filter(action="certificate.issue", actor=referent_a)
    assert sorted(e.data["mobility"] for e in entries) == sorted(issued)
