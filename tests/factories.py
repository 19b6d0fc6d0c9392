"""factory_boy factories: one per model, realistic defaults, fictional people."""

import hashlib
import secrets
from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from partners.accounts.models import Invitation, Membership, User
from partners.accounts.roles import Role
from partners.agreements.models import PartnershipAgreement
from partners.directory.models import Contact, Organisation, OrganisationKind

PASSWORD = "correct-horse-battery-9"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@centre.example")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    preferred_language = "en"
    password = factory.django.Password(PASSWORD)


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    kind = OrganisationKind.NETWORK
    name = factory.Sequence(lambda n: f"Chambre de Métiers n°{n}")
    country = "FR"
    city = "Montclar"

    @factory.post_generation
    def _network(obj, create, extracted, **kwargs):
        if create and obj.network_id != obj.pk:
            obj.network_id = obj.pk
            obj.save(update_fields=["network"])


class CentreFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.TRAINING_CENTRE
    name = factory.Sequence(lambda n: f"CFA des Métiers n°{n}")
    parent = factory.SubFactory(NetworkFactory)
    network = factory.LazyAttribute(lambda o: o.parent.network or o.parent)
    country = "FR"
    city = "Lavalette"


class HostCompanyFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.HOST_COMPANY
    name = factory.Sequence(lambda n: f"Panadería Ejemplo {n} S.L.")
    country = "ES"
    city = "Valencia"
    network = None
    owner_centre = None


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(CentreFactory)
    role = Role.REFERENT


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(HostCompanyFactory)
    first_name = factory.Faker("first_name", locale="es_ES")
    last_name = factory.Faker("last_name", locale="es_ES")
    email = factory.Sequence(lambda n: f"tutor{n}@host.example")
    preferred_language = "es"
    languages = ["es", "en"]
    is_tutor = True


# --- mobility ---------------------------------------------------------------------------------
import datetime  # noqa: E402

from mobility.catalogue import services as catalogue  # noqa: E402
from mobility.catalogue.models import ActivityType  # noqa: E402
from mobility.learners.models import Learner, Qualification, Unit  # noqa: E402
from mobility.mobilities.models import Mobility, MobilityStatus  # noqa: E402
from mobility.projects.models import Project  # noqa: E402


def activity(code: str = "vet-short-term") -> ActivityType:
    """A seeded activity type (the catalogue is installed on first use: tests flush tables)."""
    found = ActivityType.objects.filter(code=code).first()
    if found is None:
        catalogue.install()
        found = ActivityType.objects.get(code=code)
    return found


class QualificationFactory(DjangoModelFactory):
    class Meta:
        model = Qualification

    code = factory.Sequence(lambda n: f"CAP-{n}")
    title = "Boulanger"
    diploma = "CAP"
    eqf_level = 3
    trade = "Boulangerie"
    isced_f = "0721"


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    qualification = factory.SubFactory(QualificationFactory)
    code = factory.Sequence(lambda n: f"UP{n}")
    title = "Préparation des produits"


class LearnerFactory(DjangoModelFactory):
    class Meta:
        model = Learner

    centre = factory.SubFactory(CentreFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    date_of_birth = datetime.date(2004, 5, 17)
    email = factory.Sequence(lambda n: f"learner{n}@apprentis.example")
    nationality = "FR"
    qualification = factory.SubFactory(QualificationFactory)
    trade = "Boulangerie"


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    organisation = factory.SubFactory(CentreFactory)
    title = "Apprentis sans frontières"
    grant_agreement_number = factory.Sequence(lambda n: f"2025-1-FR01-KA121-VET-{n:09d}")
    key_action = "KA121"
    call_year = 2025
    start_date = datetime.date(2025, 9, 1)
    end_date = datetime.date(2027, 8, 31)


class MobilityFactory(DjangoModelFactory):
    """A planned-ready mobility; pass ``status=`` to place it anywhere in the workflow."""

    class Meta:
        model = Mobility

    participant = factory.SubFactory(LearnerFactory)
    centre = factory.LazyAttribute(lambda o: o.participant.centre)
    sending_organisation = factory.LazyAttribute(lambda o: o.participant.centre)
    activity_type = factory.LazyFunction(activity)
    host_organisation = factory.SubFactory(HostCompanyFactory)
    host_tutor = factory.SubFactory(ContactFactory, organisation=factory.SelfAttribute("..host_organisation"))
    host_city = "Valencia"
    host_country = "ES"
    planned_start = datetime.date(2026, 3, 2)
    planned_end = datetime.date(2026, 3, 27)
    status = MobilityStatus.DRAFT
    # far above any id a test reaches: planning names a mobility MOB-<year>-<id> (mobilities/services.py)
    reference = factory.Sequence(lambda n: f"MOB-2026-{900000 + n:06d}")


# --- Partners: directory, agreements, invitations ---------------------------------------------
class DirectoryEntryFactory(HostCompanyFactory):
    """A host company of a network's shared directory, created by ``owner_centre``."""

    owner_centre = factory.SubFactory(CentreFactory)
    network = factory.LazyAttribute(lambda o: o.owner_centre.network or o.owner_centre)


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = PartnershipAgreement
        skip_postgeneration_save = True

    owner_centre = factory.SubFactory(CentreFactory)
    title = factory.Sequence(lambda n: f"Memorandum of understanding n°{n}")
    reference = factory.Sequence(lambda n: f"MoU-{n:04d}")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    scope = "CAP Boulanger"

    @factory.post_generation
    def partners(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.partners.set(extracted)


def make_invitation(
    *, organisation, invited_by, email="new.person@centre.example", role=Role.REFERENT, **extra
):
    """A pending invitation and its token (the token itself is never stored)."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        organisation=organisation,
        role=role,
        invited_by=invited_by,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=timezone.now() + timedelta(days=7),
        **extra,
    )
    return invitation, token


# --- tutors, learners and employers (guest pages, evaluations) -------------------------------
from mobility.agreements.models import AgreementOutcome, LearningAgreement  # noqa: E402


class LearningAgreementFactory(DjangoModelFactory):
    class Meta:
        model = LearningAgreement

    mobility = factory.SubFactory(MobilityFactory)
    version = 1
    language = "fr"
    objectives = "Découvrir la boulangerie espagnole et ses pains traditionnels."
    tasks = "Pétrissage, façonnage, cuisson au four à bois."
    placement_language = "es"


class AgreementOutcomeFactory(DjangoModelFactory):
    class Meta:
        model = AgreementOutcome

    agreement = factory.SubFactory(LearningAgreementFactory)
    description = factory.Sequence(lambda n: f"Réaliser une pâte levée n°{n} en autonomie")
    order = factory.Sequence(lambda n: n)
