"""Organisations, people, memberships, agreements and the audit log: the base layer."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .roles import Role


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


# --- Users ------------------------------------------------------------------------------------
class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in: staff of a centre or a chamber. Tutors and employers never need one."""

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="fr"
    )
    is_staff = models.BooleanField(
        _("Django admin access"),
        default=False,
        help_text=_("Lets this person open the technical administration site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email


# --- Organisations ----------------------------------------------------------------------------
class OrganisationKind(models.TextChoices):
    NETWORK = "network", _("Network or chamber")
    TRAINING_CENTRE = "training_centre", _("Training centre")
    INTERMEDIARY = "intermediary", _("Intermediary organisation")
    HOST_COMPANY = "host_company", _("Host company")
    SENDING_EMPLOYER = "sending_employer", _("Sending employer")
    PARTNER_SCHOOL = "partner_school", _("Partner school")


#: Kinds whose members log in and own learner data (the tenants).
TENANT_KINDS = (OrganisationKind.NETWORK, OrganisationKind.TRAINING_CENTRE)
#: Kinds that make up a network's shared directory of partners.
DIRECTORY_KINDS = (
    OrganisationKind.HOST_COMPANY,
    OrganisationKind.SENDING_EMPLOYER,
    OrganisationKind.INTERMEDIARY,
    OrganisationKind.PARTNER_SCHOOL,
)


class NaceSection(models.TextChoices):
    """Sections of the statistical classification of economic activities (NACE Rev. 2)."""

    A = "A", _("Agriculture, forestry and fishing")
    B = "B", _("Mining and quarrying")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, gas, steam and air conditioning supply")
    E = "E", _("Water supply, sewerage, waste management")
    F = "F", _("Construction")
    G = "G", _("Wholesale and retail trade, repair of motor vehicles")
    H = "H", _("Transportation and storage")
    I = "I", _("Accommodation and food service activities")  # noqa: E741
    J = "J", _("Information and communication")
    K = "K", _("Financial and insurance activities")
    L = "L", _("Real estate activities")
    M = "M", _("Professional, scientific and technical activities")
    N = "N", _("Administrative and support service activities")
    O = "O", _("Public administration and defence")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Human health and social work activities")
    R = "R", _("Arts, entertainment and recreation")
    S = "S", _("Other service activities")
    T = "T", _("Activities of households as employers")
    U = "U", _("Activities of extraterritorial organisations")


oid_validator = RegexValidator(
    r"^E\d{8}$", _("An OID is the letter E followed by 8 digits, for example E10012345.")
)
pic_validator = RegexValidator(r"^\d{9}$", _("A PIC is made of 9 digits, for example 949123456."))
phone_validator = RegexValidator(
    r"^\+?[0-9 ().\-/]{6,25}$",
    _("Enter a phone number with digits, spaces and an optional leading + (for example +34 912 345 678)."),
)

_LEGAL_FORMS = re.compile(
    r"\b(sarl|sas|sasu|sa|eurl|gmbh|ag|kg|ohg|ug|ltd|limited|plc|llc|inc|bv|nv|srl|spa|sl|slu|sau|"
    r"oy|ab|as|aps|sp z o ?o|lda|ehf|co|cie|et|and|und|y|e)\b"
)


def normalise_name(name: str) -> str:
    """Folds case, accents, punctuation and legal forms so that "Garage Müller GmbH" = "garage muller"."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = _LEGAL_FORMS.sub(" ", text)
    return " ".join(text.split())


class Organisation(TimeStamped):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices, db_index=True)
    name = models.CharField(_("legal name"), max_length=200)
    short_name = models.CharField(_("usual name"), max_length=100, blank=True)
    normalised_name = models.CharField(max_length=200, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("A chamber owns its training centres."),
    )
    # The root network this record belongs to: shared-directory entries are visible across it.
    network = models.ForeignKey(
        "self",
        verbose_name=_("network"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    # The centre whose staff created a directory entry: they (and admins) may edit it.
    owner_centre = models.ForeignKey(
        "self",
        verbose_name=_("created by centre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    country = CountryField(_("country"))
    city = models.CharField(_("city"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    oid = models.CharField(
        _("Erasmus+ OID"), max_length=9, blank=True, validators=[oid_validator], db_index=True
    )
    pic = models.CharField(_("PIC"), max_length=9, blank=True, validators=[pic_validator])
    national_id = models.CharField(
        _("national id or VAT number"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_("SIRET, VAT number, company register number…"),
    )
    sector = models.CharField(_("sector (NACE)"), max_length=1, choices=NaceSection.choices, blank=True)
    is_sme = models.BooleanField(_("fewer than 250 staff"), null=True, blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["network", "kind"], name="org_network_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="organisation_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs) -> None:
        self.normalised_name = normalise_name(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "normalised_name"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("partners:organisation-detail", kwargs={"pk": self.pk})

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_tenant(self) -> bool:
        return self.kind in TENANT_KINDS

    @property
    def is_directory_entry(self) -> bool:
        """Host companies, employers, intermediaries and schools: the network's shared directory."""
        return self.kind in DIRECTORY_KINDS

    def clean_fields(self, exclude=None) -> None:
        # Identifiers are typed in every way ("e 1000 0042", "949 123 456"): normalise them
        # before their format is checked.
        self.oid = (self.oid or "").strip().upper().replace(" ", "")
        self.pic = (self.pic or "").strip().replace(" ", "")
        self.national_id = (self.national_id or "").strip().upper().replace(" ", "")
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        super().clean()
        if self.kind == OrganisationKind.TRAINING_CENTRE and self.parent_id is None:
            raise ValidationError({"parent": _("A training centre belongs to a network or chamber.")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An organisation cannot be its own parent.")})
        if (
            self.kind == OrganisationKind.TRAINING_CENTRE
            and self.parent_id
            and self.parent.kind != OrganisationKind.NETWORK
        ):
            raise ValidationError({"parent": _("A training centre belongs to a network or chamber.")})


class Membership(TimeStamped):
    """Gives a user a role in an organisation; the role applies to every centre below it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_user_org_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


class Invitation(TimeStamped):
    """An administrator's invitation: the invited person follows the link and sets a password."""

    email = models.EmailField(_("e-mail address"))
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES, default="fr")
    #: The SHA-256 of the token the last e-mail that left carried; NULL while none has (or after a
    #: resend, until the new e-mail leaves). NULL, not "": several invitations may wait at once.
    token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


# --- People outside the platform --------------------------------------------------------------
def _spoken_languages() -> list[tuple[str, Any]]:
    from django.conf import global_settings

    names = dict(global_settings.LANGUAGES)
    eu_official = ["bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it"]
    eu_official += ["lt", "lv", "nl", "pl", "pt", "ro", "sk", "sl", "sv"]
    others = [
        "ar",
        "ca",
        "eu",
        "gl",
        "is",
        "nb",
        "sq",
        "sr",
        "mk",
        "tr",
        "uk",
        "ru",
        "zh-hans",
        "ja",
        "ko",
        "hi",
    ]
    codes = eu_official + others
    # Django's own catalogues translate these names; Maltese is the one it lacks.
    return [(code, _(names[code])) for code in codes] + [("mt", _("Maltese"))]


#: Languages a contact may speak: the EU's official ones and those host partners often use.
SPOKEN_LANGUAGES = _spoken_languages()


class Contact(TimeStamped):
    """A person of an organisation: host tutor, employer contact, reference person. No account."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    position = models.CharField(_("position"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, default="en", help_text=_("Used for e-mails and pages.")
    )
    is_tutor = models.BooleanField(_("host tutor"), default=False)
    is_employer_contact = models.BooleanField(_("sending-employer contact"), default=False)
    is_reference_person = models.BooleanField(_("reference person"), default=False)
    # The centre whose staff added this person: they (and admins) may edit the record.
    owner_centre = models.ForeignKey(
        Organisation,
        verbose_name=_("added by centre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("partners:contact-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        self.email = (self.email or "").strip().lower()
        known = {code for code, _label in SPOKEN_LANGUAGES}
        if not isinstance(self.languages, list) or any(code not in known for code in self.languages):
            raise ValidationError({"languages": _("Choose languages from the list.")})
        if self.preferred_language not in known:
            raise ValidationError({"preferred_language": _("Choose a language from the list.")})
        if self.is_tutor and not self.email:
            # The tutor's links and reminders are e-mailed: without an address they never arrive.
            raise ValidationError({"email": _("A host tutor needs an e-mail address.")})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def agreement_upload_to(instance: PartnershipAgreement, filename: str) -> str:
    return f"agreements/{instance.owner_centre_id}/{timezone.now():%Y%m}/{filename}"


class PartnershipAgreement(TimeStamped):
    """A memorandum of understanding between the centre and partner organisations."""

    owner_centre = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="owned_agreements", verbose_name=_("centre")
    )
    partners = models.ManyToManyField(Organisation, related_name="agreements", verbose_name=_("partners"))
    title = models.CharField(_("title"), max_length=200)
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    scope = models.TextField(_("scope"), blank=True, help_text=_("Trades and qualifications covered."))
    signed_copy = models.FileField(_("signed copy"), upload_to=agreement_upload_to, blank=True)

    class Meta:
        verbose_name = _("partnership agreement")
        verbose_name_plural = _("partnership agreements")
        ordering = ["valid_until"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="agreement_valid_until_after_from",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end of validity is before its start.")})

    def state_on(self, day: date) -> str:
        """Upcoming, current, expiring (ends within EXPIRY_NOTICE_DAYS) or expired on ``day``."""
        if self.valid_until < day:
            return "expired"
        if self.valid_from > day:
            return "upcoming"
        if (self.valid_until - day).days <= EXPIRY_NOTICE_DAYS:
            return "expiring"
        return "current"

    @property
    def state(self) -> str:
        return self.state_on(timezone.localdate())


#: Agreements ending within this many days are listed for the referent.
EXPIRY_NOTICE_DAYS = 60


# --- Audit log --------------------------------------------------------------------------------
class AuditEntry(models.Model):
    """Who did what, when, to which object. Append-only (a PostgreSQL trigger refuses changes).

    Never holds a learner's personal data itself: objects are named by type and id, and changed
    fields by name, so that erasing a learner leaves nothing here to erase.
    """

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(max_length=60, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    centre = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            # a person's recent entries of one kind: the hourly export budget reads its list pages
            models.Index(fields=["actor", "action", "at"], name="audit_actor_action_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


# --- Outgoing e-mail --------------------------------------------------------------------------
class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundEmail(models.Model):
    """One e-mail the platform sends, rendered in the recipient's language and delivered by a worker.

    The row is the truth: a broker outage delays delivery, it never loses the message. Rows that
    belong to a mobility (``related_type``/``related_id``) make up its visible outbox.
    """

    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    to = models.EmailField(_("to"))
    to_name = models.CharField(_("recipient"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    centre = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    related_type = models.CharField(max_length=60, blank=True)
    related_id = models.CharField(max_length=40, blank=True)
    sent_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: Marks the placeholders the message's templates wrote; text that only looks like one stays as is.
    nonce = models.CharField(max_length=32, blank=True, editable=False)
    #: The secrets the message may carry, as ``[kind, reference]`` pairs bound when it was queued.
    placeholders = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["related_type", "related_id"], name="email_related_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"


from .models_tokens import ApiToken  # noqa: E402, F401  (own module: its migration stays separate)
