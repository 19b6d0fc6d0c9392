"""Money: rate tables per call year and national agency, a mobility's grant (computed, then frozen when
the participant's grant agreement is issued) and the payments made to the participant.

Every amount is data: a missing figure stays empty (``None``) and is shown as missing, never as zero.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobility.agreements.models import SignatureMethod
from mobility.catalogue.models import ParticipantKind
from mobility.mobilities.models import DistanceBand, Mobility
from partners.accounts.models import User
from partners.directory.models import Organisation, TimeStamped

AMOUNT = {"max_digits": 10, "decimal_places": 2, "null": True, "blank": True}
SHARE = {"max_digits": 4, "decimal_places": 3, "null": True, "blank": True}

#: The figures a rate table holds besides its travel bands and daily rates (the form and the services).
RATE_TABLE_FIGURES = (
    "day15_factor",
    "organisational_support",
    "inclusion_support",
    "course_fee_per_day",
    "course_fee_cap",
    "travel_days_funded",
    "green_travel_days_funded",
    "exceptional_threshold",
    "exceptional_share",
)


class CountryGroup(models.IntegerChoices):
    GROUP_1 = 1, _("Group 1")
    GROUP_2 = 2, _("Group 2")
    GROUP_3 = 3, _("Group 3")
    GROUP_4 = 4, _("Group 4")


class RateTable(TimeStamped):
    """The unit costs of one call year as a national agency sets them (for one network, or shipped)."""

    network = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("network"),
        help_text=_("Empty: shipped with the platform, read by every network that has no table of its own."),
    )
    call_year = models.PositiveSmallIntegerField(
        _("call year"), validators=[MinValueValidator(2014), MaxValueValidator(2100)]
    )
    national_agency = models.CharField(
        _("national agency"), max_length=10, blank=True, help_text=_("FR01, DE02…; empty: any agency.")
    )
    day15_factor = models.DecimalField(
        _("factor from the 15th day"), **SHARE, help_text=_("Share of the daily rate paid from the 15th day.")
    )
    organisational_support = models.DecimalField(_("organisational support per participant"), **AMOUNT)
    inclusion_support = models.DecimalField(_("inclusion support for the organisation"), **AMOUNT)
    course_fee_per_day = models.DecimalField(_("course fees per day"), **AMOUNT)
    course_fee_cap = models.DecimalField(_("course fees per participant, at most"), **AMOUNT)
    travel_days_funded = models.PositiveSmallIntegerField(_("travel days funded"), null=True, blank=True)
    green_travel_days_funded = models.PositiveSmallIntegerField(
        _("travel days funded with green travel"), null=True, blank=True
    )
    exceptional_threshold = models.DecimalField(
        _("exceptional costs when the unit cost covers less than"), **SHARE
    )
    exceptional_share = models.DecimalField(_("exceptional costs: share of real costs"), **SHARE)
    sources = models.JSONField(
        _("sources"), default=dict, blank=True, help_text=_("Where each figure comes from, by field.")
    )
    source = models.TextField(_("source"), blank=True)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("rate table")
        verbose_name_plural = _("rate tables")
        ordering = ["-call_year", "national_agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["call_year", "national_agency"],
                condition=Q(network__isnull=True),
                name="ratetable_shipped_unique",
            ),
            models.UniqueConstraint(
                fields=["network", "call_year", "national_agency"],
                condition=Q(network__isnull=False),
                name="ratetable_network_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call_year} {self.national_agency or '*'}"


class TravelRate(models.Model):
    """Travel support per participant (round trip) for a band of one-way distance."""

    table = models.ForeignKey(RateTable, on_delete=models.CASCADE, related_name="travel_rates")
    min_km = models.PositiveIntegerField(_("from (km)"))
    max_km = models.PositiveIntegerField(_("to (km)"), null=True, blank=True, help_text=_("Empty: no limit."))
    standard = models.DecimalField(_("standard travel"), **AMOUNT)
    green = models.DecimalField(_("green travel"), **AMOUNT)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("travel band")
        verbose_name_plural = _("travel bands")
        ordering = ["table", "min_km"]

    def __str__(self) -> str:
        return f"{self.min_km}–{self.max_km or '∞'} km"


class DailyRate(models.Model):
    """Individual support per day, by receiving-country group and kind of participant."""

    table = models.ForeignKey(RateTable, on_delete=models.CASCADE, related_name="daily_rates")
    country_group = models.PositiveSmallIntegerField(_("country group"), choices=CountryGroup.choices)
    participant_kind = models.CharField(_("participants"), max_length=10, choices=ParticipantKind.choices)
    amount = models.DecimalField(_("per day"), **AMOUNT)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("daily rate")
        verbose_name_plural = _("daily rates")
        ordering = ["table", "participant_kind", "country_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "country_group", "participant_kind"], name="dailyrate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_kind} {self.country_group}"


class MobilityFunding(TimeStamped):
    """What the grant of one mobility needs beyond the mobility itself, and the grant once frozen."""

    mobility = models.OneToOneField(Mobility, on_delete=models.CASCADE, related_name="funding")
    sending_city = models.CharField(
        _("sending town"), max_length=100, blank=True, help_text=_("Empty: the sending organisation's town.")
    )
    manual_band = models.CharField(
        _("distance band entered by hand"), max_length=10, choices=DistanceBand.choices, blank=True
    )
    manual_band_reason = models.CharField(
        _("why the band is entered by hand"),
        max_length=300,
        blank=True,
        help_text=_("E.g. the result of the EU distance calculator for a town the platform does not know."),
    )
    zero_grant = models.BooleanField(_("zero-grant participant"), default=False)
    real_travel_costs = models.DecimalField(
        _("real travel costs (expensive travel)"),
        **AMOUNT,
        validators=[MinValueValidator(0)],
        help_text=_("Only for exceptional costs for expensive travel."),
    )
    inclusion_real_costs = models.DecimalField(
        _("inclusion support: real costs of the participant"), **AMOUNT, validators=[MinValueValidator(0)]
    )
    course_days = models.PositiveSmallIntegerField(_("course days (staff courses)"), null=True, blank=True)
    prefinancing_percent = models.PositiveSmallIntegerField(
        _("pre-financing (%)"), default=80, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    frozen = models.JSONField(_("grant as issued"), null=True, blank=True)
    issued_at = models.DateTimeField(_("grant agreement issued"), null=True, blank=True)
    issued_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("mobility grant")
        verbose_name_plural = _("mobility grants")

    def __str__(self) -> str:
        return str(self.mobility)


class PaymentKind(models.TextChoices):
    PREFINANCING = "prefinancing", _("Pre-financing")
    BALANCE = "balance", _("Balance")


class GrantPayment(TimeStamped):
    """A payment to the participant scheduled by the grant agreement."""

    funding = models.ForeignKey(MobilityFunding, on_delete=models.CASCADE, related_name="payments")
    kind = models.CharField(_("kind"), max_length=20, choices=PaymentKind.choices)
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(
        _("amount"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="grantpayment_amount_positive"),
        ]


class FundingDocument(models.TextChoices):
    GRANT = "grant", _("Participant's grant agreement")
    APPRENTICE = "apprentice", _("Apprentice's mobility agreement")


class SignatureParty(models.TextChoices):
    PARTICIPANT = "participant", _("Participant (or legal representative)")
    SENDING = "sending", _("Sending organisation")
    EMPLOYER = "employer", _("Employer")
    HOST = "host", _("Host organisation")


#: Who signs each document.
SIGNING_PARTIES = {
    FundingDocument.GRANT: (SignatureParty.PARTICIPANT, SignatureParty.SENDING),
    FundingDocument.APPRENTICE: (
        SignatureParty.PARTICIPANT,
        SignatureParty.EMPLOYER,
        SignatureParty.SENDING,
        SignatureParty.HOST,
    ),
}


def funding_signature_upload_to(instance: FundingSignature, filename: str) -> str:
    return f"signatures/{instance.funding.mobility.centre_id}/grant-{instance.funding_id}/{filename}"


class FundingSignature(models.Model):
    """One party's signature of the grant agreement or the apprentice's agreement: in the platform, or
    on paper with the signed scan uploaded (like the learning agreement)."""

    funding = models.ForeignKey(MobilityFunding, on_delete=models.CASCADE, related_name="signatures")
    document = models.CharField(_("document"), max_length=12, choices=FundingDocument.choices)
    party = models.CharField(_("party"), max_length=12, choices=SignatureParty.choices)
    signer_name = models.CharField(_("signed by"), max_length=200)
    method = models.CharField(_("how"), max_length=10, choices=SignatureMethod.choices)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    scan = models.FileField(_("signed scan"), upload_to=funding_signature_upload_to, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["funding", "document", "party"], name="fundingsignature_party_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_document_display()} — {self.get_party_display()}: {self.signer_name}"
