"""Writes of money: the shipped rate tables, a network's own tables, a mobility's grant inputs, the
participant's grant agreement (which freezes the grant and schedules its payments) and payments."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.funding import selectors
from mobility.funding.models import RATE_TABLE_FIGURES, GrantPayment, MobilityFunding, PaymentKind, RateTable
from mobility.funding.shipped_rates import SHIPPED_TABLES
from mobility.mobilities.models import Mobility
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record, model_update

FUNDING_FIELDS = (
    "sending_city",
    "manual_band",
    "manual_band_reason",
    "zero_grant",
    "real_travel_costs",
    "inclusion_real_costs",
    "course_days",
    "prefinancing_percent",
)


# --- Rate tables ------------------------------------------------------------------------------
def install(apps: Any = None) -> None:
    """Creates the shipped tables that are missing (works with historical models in a migration)."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Table = apps.get_model("mobility", "RateTable")
    Travel = apps.get_model("mobility", "TravelRate")
    for row in SHIPPED_TABLES:
        if Table.objects.filter(
            network__isnull=True, call_year=row["call_year"], national_agency=""
        ).exists():
            continue
        figures = {name: value for name, (value, _source) in row["figures"].items()}
        sources = {name: source for name, (_value, source) in row["figures"].items()}
        table = Table.objects.create(
            call_year=row["call_year"],
            sources=sources,
            source=_("Shipped with the platform; daily rates are set by each national agency."),
            **figures,
        )
        Travel.objects.bulk_create([Travel(table=table, **band) for band in row["bands"]])


def _amount(value: Any, field: str, errors: dict[str, list[str]], *, share: bool = False) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", ".").strip())
    except InvalidOperation:
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    if not number.is_finite() or number < 0:
        errors.setdefault(field, []).append(_("An amount cannot be negative."))
    elif share and number > 1:
        errors.setdefault(field, []).append(_("A share is between 0 and 1."))
    return number


def validate_bands(bands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Bands sorted by distance, contiguous (no gap, no overlap), amounts not negative; else the band
    and field at fault are named."""
    errors: dict[str, list[str]] = {}
    clean = []
    for i, band in enumerate(bands, start=1):
        try:
            lo = int(band["min_km"])
            hi = None if band.get("max_km") in (None, "") else int(band["max_km"])
        except (TypeError, ValueError, KeyError):
            errors.setdefault("bands", []).append(_("Band %(n)s: enter its distances in km.") % {"n": i})
            continue
        if hi is not None and hi < lo:
            errors.setdefault("bands", []).append(_("Band %(n)s ends before it starts.") % {"n": i})
        row = {"min_km": lo, "max_km": hi, "source": str(band.get("source") or "")[:300]}
        for name in ("standard", "green"):
            row[name] = _amount(band.get(name), f"band_{i}", errors)
        clean.append(row)
    clean.sort(key=lambda b: b["min_km"])
    for before, after in pairwise(clean):
        if before["max_km"] is None or after["min_km"] <= before["max_km"]:
            errors.setdefault("bands", []).append(
                _("The bands from %(a)s km and from %(b)s km overlap.")
                % {"a": before["min_km"], "b": after["min_km"]}
            )
        elif after["min_km"] != before["max_km"] + 1:
            errors.setdefault("bands", []).append(
                _("There is a gap between %(a)s km and %(b)s km.")
                % {"a": before["max_km"], "b": after["min_km"]}
            )
    if errors:
        named: dict[str, list[str]] = {}
        for field, messages in errors.items():
            if field.startswith("band_"):
                n = field.removeprefix("band_")
                messages = [_("Band %(n)s: %(message)s") % {"n": n, "message": m} for m in messages]
            named.setdefault("bands", []).extend(messages)
        raise ValidationError(named)
    return clean


def rate_table_save(
    *,
    network: Any,
    call_year: int,
    national_agency: str,
    figures: dict[str, Any],
    sources: dict[str, str],
    bands: list[dict[str, Any]],
    daily: dict[tuple[int, str], Any],
    acting_user: User | None,
    table: RateTable | None = None,
    request: HttpRequest | None = None,
) -> RateTable:
    """Creates or replaces a network's rate table, all of it or nothing (audited)."""
    require_capability(acting_user, Capability.MANAGE_CATALOGUE, network.pk)
    errors: dict[str, list[str]] = {}
    values = {}
    for name in RATE_TABLE_FIGURES:
        share = name in {"day15_factor", "exceptional_threshold", "exceptional_share"}
        number = _amount(figures.get(name), name, errors, share=share)
        values[name] = int(number) if number is not None and name.endswith("days_funded") else number
    daily_amounts = {key: _amount(v, f"daily_{key[1]}_{key[0]}", errors) for key, v in daily.items()}
    try:
        clean_bands = validate_bands(bands)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        clean_bands = []
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        creating = table is None
        table = table or RateTable(network=network)
        if table.network_id != network.pk:
            raise ValidationError(_("This rate table belongs to another network."))
        table.call_year = call_year
        table.national_agency = (national_agency or "").strip().upper()
        for name, value in values.items():
            setattr(table, name, value)
        table.sources = {k: str(v)[:300] for k, v in sources.items() if v}
        table.updated_by = acting_user
        table.full_clean()
        table.save()
        table.travel_rates.all().delete()
        table.travel_rates.bulk_create([table.travel_rates.model(table=table, **b) for b in clean_bands])
        table.daily_rates.all().delete()
        table.daily_rates.bulk_create(
            [
                table.daily_rates.model(table=table, country_group=g, participant_kind=k, amount=a)
                for (g, k), a in daily_amounts.items()
            ]
        )
        audit_record(
            action="ratetable.create" if creating else "ratetable.update",
            actor=acting_user,
            target=table,
            data={
                "call_year": call_year,
                "figures": {k: None if v is None else str(v) for k, v in values.items()},
            },
            request=request,
        )
    return table


# --- A mobility's grant -----------------------------------------------------------------------
def funding_update(
    *, mobility: Mobility, data: dict[str, Any], acting_user: User | None, request: HttpRequest | None = None
) -> MobilityFunding:
    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    values = {k: v for k, v in data.items() if k in FUNDING_FIELDS}
    if values.get("manual_band") and not str(values.get("manual_band_reason") or "").strip():
        raise ValidationError({"manual_band_reason": _("Say why the band is entered by hand.")})
    with transaction.atomic():
        funding, _created = MobilityFunding.objects.select_for_update().get_or_create(mobility=mobility)
        funding, _changed = model_update(
            instance=funding,
            data=values,
            acting_user=acting_user,
            action="grant.update",
            centre_id=mobility.centre_id,
            request=request,
        )
    return funding


def _payment_schedule(mobility: Mobility, total: Decimal, percent: int) -> list[tuple[str, date, Decimal]]:
    first = (total * percent / 100).quantize(Decimal("0.01"))
    before = max(timezone.localdate(), mobility.start - timedelta(days=7))
    rows = [(PaymentKind.PREFINANCING, before, first)] if first else []
    if total - first:
        rows.append((PaymentKind.BALANCE, max(before, mobility.end + timedelta(days=30)), total - first))
    return rows


def grant_issue(
    *, mobility: Mobility, acting_user: User | None, request: HttpRequest | None = None
) -> MobilityFunding:
    """Issues the participant's grant agreement: freezes the grant and schedules the payments.

    Issuing again (an amendment) freezes the current grant and reschedules what is not paid yet."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    with transaction.atomic():
        funding, _created = MobilityFunding.objects.select_for_update().get_or_create(mobility=mobility)
        project = mobility.project
        if project and (mobility.start < project.start_date or mobility.end > project.end_date):
            raise ValidationError(
                {
                    "planned_start": _("The mobility's dates fall outside the project (%(start)s – %(end)s).")
                    % {"start": project.start_date.isoformat(), "end": project.end_date.isoformat()}
                }
            )
        result = selectors.mobility_grant(mobility)
        if not result.grant.complete:
            raise ValidationError(
                _("The grant cannot be computed: %(missing)s.")
                % {"missing": ", ".join(str(selectors.missing_label(m)) for m in result.grant.missing)}
            )
        total = result.grant.total or Decimal("0")
        paid = sum((p.amount for p in funding.payments.filter(paid_on__isnull=False)), Decimal("0"))
        if paid > total:
            raise ValidationError(
                _("More has been paid than the new grant: record a recovery outside the platform.")
            )
        amendment = funding.issued_at is not None
        if amendment:  # the amended agreement is signed again
            funding.signatures.filter(document="grant").delete()
        funding.payments.filter(paid_on__isnull=True).delete()
        schedule = _payment_schedule(mobility, total - paid, funding.prefinancing_percent if not paid else 0)
        GrantPayment.objects.bulk_create(
            [GrantPayment(funding=funding, kind=k, due_on=d, amount=a) for k, d, a in schedule]
        )
        funding.frozen = result.grant.as_dict()
        funding.issued_at = timezone.now()
        funding.issued_by = acting_user
        funding.save(update_fields=["frozen", "issued_at", "issued_by", "updated_at"])
        audit_record(
            action="grant.amend" if amendment else "grant.issue",
            actor=acting_user,
            target=funding,
            centre_id=mobility.centre_id,
            data={"total": str(total)},
            request=request,
        )
    return funding


def payment_mark_paid(
    *,
    payment: GrantPayment,
    paid_on: date,
    reference: str,
    acting_user: User | None,
    request: HttpRequest | None = None,
) -> GrantPayment:
    mobility = payment.funding.mobility
    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    if paid_on is None:
        raise ValidationError({"paid_on": _("Enter the date of the payment.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("A payment cannot be recorded in the future.")})
    # A fresh row: a form may have written into the caller's instance already.
    payment = GrantPayment.objects.get(pk=payment.pk)
    payment, _changed = model_update(
        instance=payment,
        data={"paid_on": paid_on, "reference": (reference or "").strip()},
        acting_user=acting_user,
        action="payment.paid",
        centre_id=mobility.centre_id,
        request=request,
    )
    return payment


def download_record(
    *,
    action: str,
    acting_user: User | None,
    target: Any = None,
    centre_id: int | None = None,
    rows: int = 0,
    request: HttpRequest | None = None,
) -> None:
    """Who took a file of amounts and payments (a spreadsheet leaves the platform)."""
    audit_record(
        action=action,
        actor=acting_user,
        target=target,
        centre_id=centre_id,
        data={"rows": rows},
        request=request,
    )


def funding_sign(
    *,
    mobility: Mobility,
    document: str,
    party: str,
    signer_name: str,
    method: str,
    scan: Any = None,
    acting_user: User | None,
    request: HttpRequest | None = None,
) -> Any:
    """Records one party's signature of the grant agreement (once issued) or of the apprentice's
    agreement: in the platform, or outside with the signed scan uploaded."""
    from mobility.agreements.models import SignatureMethod
    from mobility.documents.services import file_removed_on_failure
    from mobility.funding.models import SIGNING_PARTIES, FundingSignature
    from partners.uploads import check_upload

    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    if document not in SIGNING_PARTIES:
        raise ValidationError({"document": _("Choose the document.")})
    if party not in SIGNING_PARTIES[document]:
        raise ValidationError({"party": _("This party does not sign this document.")})
    if not (signer_name or "").strip():
        raise ValidationError({"signer_name": _("Enter the name of the person who signs.")})
    if method == SignatureMethod.OUTSIDE and not scan:
        raise ValidationError({"scan": _("Upload the signed scan when the document was signed on paper.")})
    checked = check_upload(scan) if scan else None
    with transaction.atomic():
        funding, _created = MobilityFunding.objects.select_for_update().get_or_create(mobility=mobility)
        if document == "grant" and not funding.issued_at:
            raise ValidationError(
                {"document": _("Issue the grant agreement first: its amounts are then frozen.")}
            )
        if funding.signatures.filter(document=document, party=party).exists():
            raise ValidationError({"party": _("This party has already signed this document.")})
        signature = FundingSignature(
            funding=funding,
            document=document,
            party=party,
            signer_name=signer_name.strip()[:200],
            method=method,
            recorded_by=acting_user,
        )
        signature.full_clean(exclude=["scan"])
        with file_removed_on_failure(signature, "scan"):
            if checked:
                signature.scan.save(checked.safe_name, checked.file, save=False)
            signature.save()
            audit_record(
                action="grant.sign",
                actor=acting_user,
                target=funding,
                centre_id=mobility.centre_id,
                data={"document": document, "party": party, "method": method},
                request=request,
            )
    return signature
