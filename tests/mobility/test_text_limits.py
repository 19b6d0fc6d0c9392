"""Every free text has a ceiling, refused with a message naming the field: pages, API, services."""

import pytest
from django.core.exceptions import ValidationError

from mobility.mobilities import services
from mobility.mobilities.models import Mobility

from .test_mobility_pages import _mobility_post

pytestmark = pytest.mark.django_db

HUGE = "x" * 3_000_000


def test_a_3_mb_note_on_the_mobility_page_is_refused_naming_the_field(
    client_of, referent_a, mobility, learner, host, tutor
):
    response = client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/edit/", _mobility_post(learner, host, tutor, notes=HUGE)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 10 000 characters" in html and "Notes" in html
    assert Mobility.objects.get(pk=mobility.pk).notes == ""


def test_the_service_refuses_it_whatever_the_path(mobility, referent_a, settings):
    settings.TEXT_MAX_CHARS = 50
    with pytest.raises(ValidationError) as exc:
        services.mobility_update(mobility=mobility, data={"notes": "y" * 51}, acting_user=referent_a)
    assert "notes" in exc.value.message_dict
    services.mobility_update(mobility=mobility, data={"notes": "y" * 50}, acting_user=referent_a)


def test_the_api_answers_400_naming_the_field(client_of, referent_a, mobility, settings):
    settings.TEXT_MAX_CHARS = 50
    response = client_of(referent_a).patch(
        f"/api/v1/mobilities/{mobility.pk}/", {"notes": "z" * 51}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "notes" in response.content.decode()


def test_a_guest_evaluation_text_over_the_ceiling_is_refused_naming_the_field(mobility, settings):
    from mobility.evaluations.models import EvaluationKind
    from mobility.evaluations.services import evaluation as evaluations

    settings.TEXT_MAX_CHARS = 100
    with pytest.raises(ValidationError) as exc:
        evaluations.evaluation_save_draft(
            mobility=mobility, kind=EvaluationKind.TUTOR, data={"overall_comment": "w" * 101}, assessments={},
            author_name="L", language="fr", actor_label="L",
        )  # fmt: skip
    assert "overall_comment" in exc.value.message_dict


def test_text_the_platform_writes_itself_is_not_capped(settings):
    """A sealed credential (tens of kilobytes of JWS written by the platform) is not a typed text."""
    from certification.models import Certificate
    from partners.text_limits import text_fields_too_long

    settings.TEXT_MAX_CHARS = 100
    certificate = Certificate(sealed_credential="x" * 1_000, revoked_reason="y" * 1_000)
    assert set(text_fields_too_long(certificate)) == {"revoked_reason"}
