"""Matrix of the referent's pages: learners, mobilities (agreement, checklist, follow-ups,
documents), timeline, groups and projects.

Centre A's objects come from the builders below. A page of centre A's object answers 404 to the
outsider and 403 to the operator (logged in, member of nothing: these pages are for members).
Read-only colleagues see every page (200) but get 403 on every form and action. A POST carries
no data unless said: a form then answers 400 (nothing saved), an action on its object 302.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories

from .base import Route, expect, world_object

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")


# --- Centre A's objects -----------------------------------------------------------------------
@world_object
def learner(w):
    qualification = factories.QualificationFactory()
    factories.UnitFactory(qualification=qualification, suggested_outcomes="Réalise une pâte levée")
    return factories.LearnerFactory(centre=w.centre_a, qualification=qualification)


@world_object
def mobility(w):
    from mobility.mobilities import services

    return services.mobility_create(
        centre=w.centre_a,
        data={
            "participant": w.learner,
            "activity_type": factories.activity(),
            "host_organisation": w.host_company,
            "host_tutor": w.tutor_contact,
            "planned_start": datetime.date(2026, 3, 2),
            "planned_end": datetime.date(2026, 3, 27),
        },
        acting_user=w.referent_a,
    )


@world_object
def learning_agreement(w):
    from mobility.agreements import services

    return services.agreement_save(
        mobility=w.mobility,
        data={"objectives": "Travailler en boulangerie"},
        outcomes=[{"description": "Réalise une pâte levée selon la fiche"}],
        units=None,
        acting_user=w.referent_a,
    )


@world_object
def signature(w):
    from mobility.agreements import services

    return services.agreement_sign(
        agreement=w.learning_agreement,
        party="host",
        signer_name="Tutor",
        method="outside",
        scan=_pdf(),
        acting_user=w.referent_a,
    )


@world_object
def consent(w):
    from mobility.learners import services

    return services.consent_record(
        learner=w.learner,
        given_on=datetime.date(2026, 1, 5),
        given_by="Parent",
        scan=_pdf(),
        acting_user=w.referent_a,
    )


@world_object
def learner_document(w):
    from mobility.catalogue.models import DocumentType
    from mobility.documents import services

    return services.document_upload(
        learner=w.learner,
        mobility=w.mobility,
        document_type=DocumentType.objects.get(code="insurance"),
        upload=_pdf(),
        acting_user=w.referent_a,
    )


@world_object
def task(w):
    return w.mobility.checklist.order_by("pk").first()


@world_object
def mobility_group(w):
    from mobility.groups import services

    return services.group_create(
        centre=w.centre_a,
        data={
            "name": "Valence avril",
            "activity_type": factories.activity("group-exploration"),
            "host_city": "Valencia",
            "host_country": "ES",
            "planned_start": datetime.date(2026, 4, 13),
            "planned_end": datetime.date(2026, 4, 17),
        },
        participants=[factories.LearnerFactory(centre=w.centre_a)],
        acting_user=w.referent_a,
    )


@world_object
def project(w):
    return factories.ProjectFactory(organisation=w.centre_a)


def pk(name):
    return lambda w: {"pk": getattr(w, name).pk}


# --- Expected outcomes ------------------------------------------------------------------------
# A list of one's own centres' rows (the outsider sees theirs).
LIST = expect(referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=403)
# A form to create something in one's own centre (the outsider has a centre of their own).
CREATE = expect(referent_b=200, readonly_a=403, referent_a=200, chamber_admin=200, operator=403)
# A page about centre A's object.
OBJECT = expect(referent_b=404, readonly_a=200, referent_a=200, chamber_admin=200, operator=403)
# A form about centre A's object.
EDIT = expect(referent_b=404, readonly_a=403, referent_a=200, chamber_admin=200, operator=403)
# An empty POST to a form or action about centre A's object: refused as invalid, nothing saved.
POST_INVALID = expect(referent_b=404, readonly_a=403, referent_a=400, chamber_admin=400, operator=403)
# A POST that acts on centre A's object and goes back to its page.
POST_ACTS = expect(referent_b=404, readonly_a=403, referent_a=302, chamber_admin=302, operator=403)

ROUTES = [
    # Learners
    Route("mobility:learner-list", LIST),
    Route("mobility:learner-create", CREATE),
    Route("mobility:learner-detail", OBJECT, kwargs=pk("learner")),
    Route("mobility:learner-edit", EDIT, kwargs=pk("learner")),
    Route("mobility:consent-create", EDIT, kwargs=pk("learner")),
    Route("mobility:learner-document-upload", POST_INVALID, kwargs=pk("learner"), method="post"),
    Route("mobility:consent-scan", OBJECT, kwargs=pk("consent")),
    Route("mobility:learner-privacy", EDIT, kwargs=pk("learner")),
    Route("mobility:learner-personal-data-export", EDIT, kwargs=pk("learner"), method="post"),
    Route("mobility:learner-erase", POST_INVALID, kwargs=pk("learner"), method="post"),
    # Mobilities
    Route("mobility:mobility-list", LIST),
    Route("mobility:mobility-create", CREATE),
    Route("mobility:mobility-detail", OBJECT, kwargs=pk("mobility")),
    Route("mobility:mobility-edit", EDIT, kwargs=pk("mobility")),
    # a sub-form of the mobility page, drawn when its section is opened (for those who may fill it in)
    Route("mobility:mobility-form", EDIT, kwargs=lambda w: {"pk": w.mobility.pk, "name": "checklist"}),
    Route(
        "mobility:mobility-transition",
        POST_ACTS,
        kwargs=pk("mobility"),
        method="post",
        data=lambda w: {"target": "planned", "to-planned-to_status": "planned"},
    ),
    Route("mobility:agreement-edit", EDIT, kwargs=pk("mobility")),
    Route(
        "mobility:agreement-sign",
        POST_ACTS,
        kwargs=lambda w: {"pk": w.learning_agreement.mobility_id},
        method="post",
        data=lambda w: {
            "party": "learner",
            "sign-learner-party": "learner",
            "sign-learner-signer_name": "Léa",
            "sign-learner-method": "in_app",
        },
    ),
    Route("mobility:checklist-add", POST_INVALID, kwargs=pk("mobility"), method="post"),
    Route("mobility:followup-record", POST_INVALID, kwargs=pk("mobility"), method="post"),
    Route("mobility:document-upload", POST_INVALID, kwargs=pk("mobility"), method="post"),
    Route("mobility:agreement-version", OBJECT, kwargs=pk("learning_agreement")),
    Route("mobility:agreement-translate", EDIT, kwargs=pk("learning_agreement")),
    Route("mobility:signature-scan", OBJECT, kwargs=pk("signature")),
    Route(
        "mobility:checklist-toggle", POST_ACTS, kwargs=pk("task"), method="post", data=lambda w: {"done": "1"}
    ),
    Route("mobility:document-download", OBJECT, kwargs=pk("learner_document")),
    Route("mobility:document-delete", POST_ACTS, kwargs=pk("learner_document"), method="post"),
    # The tutors of a host: a member asking about another network's organisation gets no option.
    Route(
        "mobility:contact-options",
        LIST,
        query=lambda w: f"role=tutor&host_organisation={w.host_company.pk}",
    ),
    # Planning views
    Route("mobility:timeline", LIST),
    Route("mobility:group-list", LIST),
    Route("mobility:group-create", CREATE),
    Route("mobility:group-detail", OBJECT, kwargs=pk("mobility_group")),
    Route("mobility:group-edit", EDIT, kwargs=pk("mobility_group")),
    Route("mobility:group-add-members", EDIT, kwargs=pk("mobility_group")),
    Route(
        "mobility:group-member",
        POST_ACTS,
        kwargs=lambda w: {"pk": w.mobility_group.pk, "mobility_pk": w.mobility_group.mobilities.get().pk},
        method="post",
    ),
    Route("mobility:group-send-links", POST_ACTS, kwargs=pk("mobility_group"), method="post"),
    Route("mobility:group-confirm-all", POST_ACTS, kwargs=pk("mobility_group"), method="post"),
    # The pickers' searches: only one's own centres' learners, one's networks' contacts.
    Route("mobility:picker-learners", CREATE, query=lambda w: "q=a"),
    Route(
        "mobility:picker-contacts",
        LIST,
        query=lambda w: f"role=tutor&organisation={w.host_company.pk}&q=a",
    ),
    Route("mobility:project-list", LIST),
    Route("mobility:project-create", CREATE),
    Route("mobility:project-detail", OBJECT, kwargs=pk("project")),
    Route("mobility:project-edit", EDIT, kwargs=pk("project")),
]
