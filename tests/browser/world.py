"""A centre's working data, built through the services, for the browser tests that visit every page.

One centre (the cast's centre A), one of everything a page shows: a learner placed in Valencia
whose mobility is under way (agreement with outcomes, checklist, follow-ups, a document, a tutor
and a learner with their links), a certified-ready mobility whose tutor evaluation is submitted,
a group, a project, a partnership agreement, an import with a row in error, an export. Names carry
accents, as they do in real life.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from mobility.agreements import services as agreements_services
from mobility.catalogue.models import DocumentType
from mobility.data.exports.jobs import export_job_request
from mobility.data.imports.services import import_batch_create
from mobility.documents import services as documents_services
from mobility.evaluations.models import EvaluationStatus
from mobility.groups import services
from mobility.mobilities import services as mobilities_services
from mobility.mobilities.models import MobilityStatus
from tests import factories
from tests.certification.factories import evaluated_mobility

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LEARNERS_CSV = (
    "Nom;Prénom;Date de naissance;Courriel\n"
    "Martin;Léa;17/05/2004;lea.martin@apprentis.example\n"
    "Nguyen;Linh;31/02/2002;linh.nguyen@apprentis.example\n"
).encode()


@dataclass
class World:
    centre: Any
    referent: Any
    host: Any
    tutor: Any
    learner: Any
    mobility: Any
    agreement: Any
    evaluated: Any
    group: Any
    project: Any
    partnership: Any
    import_batch: Any
    export: Any


def build(*, centre: Any, chamber: Any, referent: Any) -> World:
    host = factories.HostCompanyFactory(
        name="Panadería Sol S.L.", city="Valencia", country="ES", network=chamber
    )
    tutor = factories.ContactFactory(
        organisation=host,
        first_name="Lucía",
        last_name="García Núñez",
        email="lucia@panaderia-sol.example",
        preferred_language="es",
        is_tutor=True,
    )
    employer = factories.HostCompanyFactory(kind="sending_employer", name="Boulangerie Lefèvre", country="FR")
    employer_contact = factories.ContactFactory(
        organisation=employer,
        first_name="Paul",
        last_name="Lefèvre",
        email="paul@boulangerie-lefevre.example",
        preferred_language="fr",
        is_tutor=False,
        is_employer_contact=True,
    )
    learner = factories.LearnerFactory(
        centre=centre,
        first_name="Maëlle",
        last_name="Kervella-Hervé",
        email="maelle.kervella@apprentis.example",
        employer=employer,
        employer_contact=employer_contact,
        preferred_language="fr",
    )
    project = factories.ProjectFactory(organisation=centre, title="Apprentis sans frontières 2026")
    mobility = mobilities_services.mobility_create(
        centre=centre,
        data={
            "participant": learner,
            "activity_type": factories.activity(),
            "project": project,
            "host_organisation": host,
            "host_tutor": tutor,
            "host_city": "Valencia",
            "host_country": "ES",
            "main_language": "es",
            "planned_start": datetime.date(2026, 3, 2),
            "planned_end": datetime.date(2026, 3, 27),
        },
        acting_user=referent,
    )
    agreement = agreements_services.agreement_save(
        mobility=mobility,
        data={
            "objectives": "Découvrir la boulangerie espagnole et ses pains traditionnels.",
            "tasks": "Pétrissage, façonnage, cuisson au four à sole.",
            "placement_language": "es",
        },
        outcomes=[
            {"description": "Pétrir une pâte à pain en suivant la fiche technique"},
            {"description": "Cuire au four à sole en surveillant la coloration"},
        ],
        units=None,
        acting_user=referent,
    )
    documents_services.document_upload(
        learner=learner,
        document_type=DocumentType.objects.get(code="insurance"),
        upload=SimpleUploadedFile("assurance-kervella.pdf", PDF, content_type="application/pdf"),
        mobility=mobility,
        acting_user=referent,
    )
    # Under way, as on the day the tutor evaluates (the transitions' own rules are tested elsewhere).
    type(mobility).objects.filter(pk=mobility.pk).update(status=MobilityStatus.IN_PROGRESS)
    mobility.refresh_from_db()

    evaluated = evaluated_mobility(
        participant=factories.LearnerFactory(centre=centre, first_name="Zoë", last_name="O'Brien-Núñez"),
        host_organisation=host,
        host_tutor=tutor,
    )
    evaluated.evaluations.update(status=EvaluationStatus.SUBMITTED, reviewed_at=None)

    group = services.group_create(
        centre=centre,
        data={
            "name": "Valence printemps 2026",
            "activity_type": factories.activity("group-exploration"),
            "host_city": "Valencia",
            "host_country": "ES",
            "planned_start": datetime.date(2026, 4, 13),
            "planned_end": datetime.date(2026, 4, 17),
        },
        participants=[factories.LearnerFactory(centre=centre, first_name="Élodie", last_name="Dubœuf")],
        acting_user=referent,
    )
    partnership = factories.AgreementFactory(
        owner_centre=centre, title="Convention de partenariat Valencia", partners=[host]
    )
    import_batch = import_batch_create(
        centre=centre,
        kind="learners",
        upload=SimpleUploadedFile("apprentis.csv", LEARNERS_CSV, content_type="text/csv"),
        acting_user=referent,
    )
    export = export_job_request(user=referent, kind="learners", file_format="csv", params={})
    return World(
        centre=centre,
        referent=referent,
        host=host,
        tutor=tutor,
        learner=learner,
        mobility=mobility,
        agreement=agreement,
        evaluated=evaluated,
        group=group,
        project=project,
        partnership=partnership,
        import_batch=import_batch,
        export=export,
    )
