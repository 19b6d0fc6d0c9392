"""The quality record of a host: status with its reason (and the warning when choosing it), labels with
their expiry, the checklist after a placement, the figures; badges and filters in the directory."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.quality import record
from mobility.quality.models import CheckItem, PlacementCheck
from partners.audit.models import AuditEntry
from partners.quality import selectors as partner_quality
from partners.quality import services as quality
from partners.quality.models import HostStatus

from .. import factories
from .test_mobility_pages import _mobility_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement(centre_a, host, tutor):
    return factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_a, trade="Boulanger"), host_organisation=host,
        host_tutor=tutor, status=MobilityStatus.COMPLETED,
        planned_start=datetime.date(2026, 3, 2), planned_end=datetime.date(2026, 3, 27),
    )  # fmt: skip


def test_a_status_needs_a_reason_and_is_audited(host, referent_a, readonly_a):
    with pytest.raises(ValidationError) as exc:
        quality.host_status_set(organisation=host, status="watch", reason=" ", acting_user=referent_a)
    assert list(exc.value.message_dict) == ["reason"] and not HostStatus.objects.exists()
    quality.host_status_set(
        organisation=host, status="watch", reason="Tutor often absent", acting_user=referent_a
    )
    assert HostStatus.objects.get().set_by == referent_a
    assert AuditEntry.objects.filter(action="organisation.quality_status").exists()
    with pytest.raises(PermissionDenied):
        quality.host_status_set(organisation=host, status="avoid", reason="x", acting_user=readonly_a)


def test_a_label_expiring_before_its_date_names_the_field(host, referent_a):
    with pytest.raises(ValidationError) as exc:
        quality.label_add(organisation=host, acting_user=referent_a, scan=None,
                          data={"name": "EQAMOB", "issuer": "Chambre des métiers", "awarded_on": datetime.date(2026, 5, 1),
                                "expires_on": datetime.date(2025, 5, 1)})  # fmt: skip
    assert list(exc.value.message_dict) == ["expires_on"]
    assert not partner_quality.labels_of(organisation_id=host.pk)


def test_labels_ending_within_60_days_are_listed(host, referent_a, referent_b):
    today = timezone.localdate()
    for name, days in (("Soon", 30), ("Later", 90)):
        quality.label_add(organisation=host, acting_user=referent_a, scan=None,
                          data={"name": name, "issuer": "CMA", "awarded_on": today - datetime.timedelta(days=700),
                                "expires_on": today + datetime.timedelta(days=days)})  # fmt: skip
    assert [label.name for label in partner_quality.labels_expiring_for_user(user=referent_a)] == ["Soon"]
    assert not partner_quality.labels_expiring_for_user(user=referent_b).exists()


def test_choosing_a_host_to_watch_shows_the_reason_before_saving(client_of, referent_a, learner, host, tutor):
    quality.host_status_set(
        organisation=host, status="watch", reason="Tutor <b>often</b> absent", acting_user=referent_a
    )
    client = client_of(referent_a)
    response = client.post("/mobilities/new/", _mobility_post(learner, host, tutor))
    html = response.content.decode()
    assert response.status_code == 400 and "Tutor &lt;b&gt;often&lt;/b&gt; absent" in html
    assert not Mobility.objects.filter(participant=learner).exists()
    response = client.post("/mobilities/new/", _mobility_post(learner, host, tutor, confirm_host=host.pk))
    assert response.status_code == 302 and Mobility.objects.filter(participant=learner).exists()


def test_the_checklist_and_the_record(
    client_of, referent_a, referent_b, placement, host, django_assert_max_num_queries
):
    items = list(CheckItem.objects.filter(network__isnull=True))
    assert len(items) == 7
    answers = {f"item{i.pk}": "yes" for i in items}
    with pytest.raises(ValidationError):
        record.placement_check_save(mobility=placement, answers={}, comment="", acting_user=referent_a)
    client = client_of(referent_a)
    response = client.post(
        f"/quality/mobilities/{placement.pk}/checklist/", {**answers, "comment": '=HYPERLINK("x")'}
    )
    assert response.status_code == 302
    assert PlacementCheck.objects.get().answers.count() == 7
    with django_assert_max_num_queries(25):
        html = client.get(f"/quality/organisations/{host.pk}/").content.decode()
    assert "Boulanger" in html and "7 / 7" not in html and "1 / 1" in html
    response = client.post(
        f"/quality/organisations/{host.pk}/status/", {"status": "watch", "reason": "Late evaluations"}
    )
    assert response.status_code == 302
    directory = client.get("/partners/?quality=watch").content.decode()
    assert host.display_name in directory and "To watch" in directory
    assert host.display_name not in client.get("/partners/?quality=recommended").content.decode()
    assert "Late evaluations" in client.get(f"/partners/{host.pk}/").content.decode()
    assert client_of(referent_b).get(f"/quality/organisations/{host.pk}/").status_code == 404
