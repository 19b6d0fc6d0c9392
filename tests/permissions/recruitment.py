"""Matrix of recruitment: the referent's pages of calls and applications (namespace ``mobility``) and
the candidate's, employer's and guardian's pages without an account (namespace ``recruitment``).

The world: centre A's open call with one place and a grid, and one submitted application. A guest
page without a recruitment session (every role of the cast: their guest session is for a mobility,
not an application) leads to the "link no longer works" page (302); the public call page is for
everyone.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from tests import factories

from .base import Route, everyone, expect, world_object

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@world_object
def call(w):
    from mobility.recruitment.services import calls

    today = timezone.localdate()
    call = calls.call_create(
        centre=w.centre_a,
        data={
            "title": "Boulangers à Valence",
            "activity_type": factories.activity(),
            "opens_on": today - datetime.timedelta(days=3),
            "closes_on": today + datetime.timedelta(days=20),
        },
        acting_user=w.referent_a,
    )
    start = today + datetime.timedelta(days=60)
    calls.place_add(
        call=call,
        data={
            "host_organisation": w.host_company,
            "places": 2,
            "start": start,
            "end": start + datetime.timedelta(days=20),
        },
        acting_user=w.referent_a,
    )
    calls.criterion_add(
        call=call, data={"label": "Motivation", "weight": 2, "max_points": 10}, acting_user=w.referent_a
    )
    return calls.call_transition(call=call, to_status="open", acting_user=w.referent_a)


@world_object
def application(w):
    from mobility.recruitment.models import Application, ApplicationStatus

    return Application.objects.create(
        call=w.call,
        centre=w.centre_a,
        first_name="Léa",
        last_name="Moreau",
        date_of_birth=datetime.date(2004, 5, 17),
        email="lea.moreau@apprentis.example",
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )


@world_object
def application_file(w):
    from mobility.recruitment.models import ApplicationFile

    item = ApplicationFile(
        application=w.application,
        kind="cv",
        original_name="cv.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
    )
    item.file.save("cv.pdf", ContentFile(PDF), save=False)
    item.save()
    return item


def call_pk(w):
    return {"pk": w.call.pk}


def application_pk(w):
    return {"pk": w.application.pk}


LIST = expect(referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=403)
CREATE = expect(referent_b=200, readonly_a=403, referent_a=200, chamber_admin=200, operator=403)
OBJECT = expect(referent_b=404, readonly_a=200, referent_a=200, chamber_admin=200, operator=403)
EDIT = expect(referent_b=404, readonly_a=403, referent_a=200, chamber_admin=200, operator=403)
POST_INVALID = expect(referent_b=404, readonly_a=403, referent_a=400, chamber_admin=400, operator=403)
POST_ACTS = expect(referent_b=404, readonly_a=403, referent_a=302, chamber_admin=302, operator=403)
NO_SESSION = everyone(302)

ROUTES = [
    Route("mobility:call-list", LIST),
    Route("mobility:call-create", CREATE),
    Route("mobility:call-detail", OBJECT, kwargs=call_pk),
    Route("mobility:call-edit", EDIT, kwargs=call_pk),
    Route("mobility:call-place-add", POST_INVALID, kwargs=call_pk, method="post"),
    Route("mobility:call-criterion-add", POST_INVALID, kwargs=call_pk, method="post"),
    Route("mobility:call-transition", POST_ACTS, kwargs=call_pk, method="post"),
    Route("mobility:call-tell-learners", POST_ACTS, kwargs=call_pk, method="post"),
    Route("mobility:call-allocate", POST_ACTS, kwargs=call_pk, method="post"),
    Route("mobility:call-group", POST_ACTS, kwargs=call_pk, method="post"),
    Route("mobility:call-report", OBJECT, kwargs=call_pk),
    Route("mobility:call-report-xlsx", EDIT, kwargs=call_pk),
    Route("mobility:call-report-pdf", POST_ACTS, kwargs=call_pk, method="post"),
    Route("mobility:application-detail", OBJECT, kwargs=application_pk),
    Route("mobility:application-score", POST_INVALID, kwargs=application_pk, method="post"),
    Route("mobility:application-decide", POST_INVALID, kwargs=application_pk, method="post"),
    Route("mobility:application-appeal-decide", POST_INVALID, kwargs=application_pk, method="post"),
    Route("mobility:application-to-mobility", POST_ACTS, kwargs=application_pk, method="post"),
    Route(
        "mobility:application-file",
        OBJECT,
        kwargs=lambda w: {"pk": w.application.pk, "file_pk": w.application_file.pk},
    ),
    # Without a recruitment session, every guest page leads to the "link no longer works" page.
    Route("recruitment:application", NO_SESSION),
    Route("recruitment:verify", NO_SESSION, method="post"),
    Route("recruitment:resend-code", NO_SESSION, method="post"),
    Route("recruitment:save", NO_SESSION, method="post"),
    Route("recruitment:upload", NO_SESSION, method="post"),
    Route("recruitment:appeal", NO_SESSION, method="post"),
    Route("recruitment:agreement", NO_SESSION),
    Route("recruitment:exchange", NO_SESSION, kwargs=lambda w: {"key": "not-a-real-key"}),
    Route("recruitment:lost", everyone(200)),
    Route("recruitment:call", everyone(200), kwargs=lambda w: {"key": w.call.public_key}),
    Route("recruitment:start", everyone(400), kwargs=lambda w: {"key": w.call.public_key}, method="post"),
]

ROUTES += [
    Route(
        "api:call-list",
        expect(
            anonymous=401, referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=403
        ),
    ),
    Route(
        "api:call-detail",
        expect(
            anonymous=401, referent_b=404, readonly_a=200, referent_a=200, chamber_admin=200, operator=403
        ),
        kwargs=call_pk,
    ),
    Route(
        "api:application-list",
        expect(
            anonymous=401, referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=403
        ),
    ),
    Route(
        "api:application-detail",
        expect(
            anonymous=401, referent_b=404, readonly_a=200, referent_a=200, chamber_admin=200, operator=403
        ),
        kwargs=application_pk,
    ),
]
