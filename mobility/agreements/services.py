"""Writing a learning agreement (a new version once signed) and signing it, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.agreements import translation
from mobility.agreements.models import (
    AGREEMENT_FIELDS,
    AgreementOutcome,
    AgreementStatus,
    LearningAgreement,
    Party,
    Signature,
    SignatureMethod,
)
from mobility.documents.services import file_removed_on_failure
from mobility.mobilities.models import Mobility
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record
from partners.text_limits import text_too_long
from partners.uploads import check_upload

# --- Learning agreement -----------------------------------------------------------------------


def agreement_required_parties(*, agreement: LearningAgreement) -> list[str]:
    mobility = agreement.mobility
    parties = [Party.LEARNER]
    if mobility.participant.is_minor_on(mobility.planned_start):
        parties.append(Party.GUARDIAN)
    parties += [Party.SENDING, Party.HOST]
    if mobility.intermediary_id:
        parties.append(Party.INTERMEDIARY)
    return parties


def agreement_missing_parties(*, agreement: LearningAgreement) -> list[str]:
    signed = {s.party for s in agreement.signatures.all()}
    return [p for p in agreement_required_parties(agreement=agreement) if p not in signed]


def _agreement_changes(
    current: LearningAgreement,
    values: dict[str, Any],
    outcomes: list[dict[str, Any]] | None,
    units: list[Any] | None,
) -> bool:
    """Whether saving these values would change anything in ``current``."""
    if any(getattr(current, name) != value for name, value in values.items()):
        return True
    if units is not None and {u.pk for u in units} != {u.pk for u in current.units.all()}:
        return True
    if outcomes is not None:

        def unit_id(row: dict[str, Any]) -> Any:
            unit = row.get("unit")
            return getattr(unit, "pk", unit)

        wanted = [
            (unit_id(row), row.get("category") or "skills", (row.get("description") or "").strip())
            for row in outcomes
            if (row.get("description") or "").strip()
        ]
        present = [(o.unit_id, o.category, o.description) for o in current.outcomes.all()]
        if wanted != present:
            return True
    return False


def _translations_checked(given: Any) -> dict[str, Any]:
    """Translations sent whole (the API): one of the platform's languages each, texts under the ceiling."""
    if given in (None, ""):
        return {}
    message = _("Give the translations as an object: a language code, then its texts.")
    if not isinstance(given, dict):
        raise ValidationError({"translations": message})
    languages = dict(translation.translation_languages())
    for code, entry in given.items():
        if code not in languages or not isinstance(entry, dict):
            raise ValidationError({"translations": message})
        for name, text in entry.items():
            texts = text if name == "outcomes" and isinstance(text, list) else [text]
            for one in texts:
                if name == "source":
                    continue
                if not isinstance(one, str):
                    raise ValidationError({"translations": message})
                too_long = text_too_long(f"{_('translations')} ({code}, {name})", one)
                if too_long:
                    raise ValidationError({"translations": too_long})
    return given


def _translations_stamped(agreement: LearningAgreement) -> bool:
    """Translations sent without saying what they were made from are taken as made from the text as
    saved now (later edits then mark them outdated). Whether any was stamped."""
    stamped = False
    for entry in (agreement.translations or {}).values():
        if isinstance(entry, dict) and not isinstance(entry.get("source"), dict):
            entry["source"] = {
                **{
                    name: translation.fingerprint(getattr(agreement, name))
                    for name in translation.TRANSLATED_FIELDS
                },
                "outcomes": [translation.fingerprint(o.description) for o in agreement.outcomes.all()],
            }
            stamped = True
    return stamped


def agreement_save(
    *,
    mobility: Mobility,
    data: dict[str, Any],
    outcomes: list[dict[str, Any]] | None,
    units: list[Any] | None,
    acting_user: User | None,
    request: HttpRequest | None = None,
) -> LearningAgreement:
    """Writes the learning agreement. Once anyone has signed, a change makes a new version."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    values = {k: v for k, v in data.items() if k in AGREEMENT_FIELDS}
    if "translations" in values:
        values["translations"] = _translations_checked(values["translations"])
    with transaction.atomic():
        Mobility.objects.select_for_update().filter(pk=mobility.pk).first()
        current = mobility.agreements.order_by("-version").first()
        if units is not None and mobility.participant.qualification_id:
            foreign = [u for u in units if u.qualification_id != mobility.participant.qualification_id]
            if foreign:
                raise ValidationError({"units": _("Choose units of the learner's own qualification.")})
        new_version = current is None or current.signatures.exists()
        if current is not None and new_version and not _agreement_changes(current, values, outcomes, units):
            # Saving a signed version unchanged must not void its signatures.
            return current
        if new_version:
            agreement = LearningAgreement(mobility=mobility, version=(current.version + 1) if current else 1)
            if current is not None:
                for name in AGREEMENT_FIELDS:
                    setattr(agreement, name, getattr(current, name))
        else:
            agreement = current
        for name, value in values.items():
            setattr(agreement, name, value)
        agreement.status = AgreementStatus.DRAFT
        agreement.full_clean()
        agreement.save()
        if new_version and current is not None:
            current.status = AgreementStatus.SUPERSEDED
            current.save(update_fields=["status", "updated_at"])
        if units is not None:
            agreement.units.set(units)
        elif new_version and current is not None:
            agreement.units.set(current.units.all())
        if outcomes is not None:
            agreement.outcomes.all().delete()
            rows = []
            for index, row in enumerate(outcomes):
                description = (row.get("description") or "").strip()
                if not description:
                    continue
                outcome = AgreementOutcome(
                    agreement=agreement,
                    unit=row.get("unit"),
                    category=row.get("category") or "skills",
                    description=description,
                    order=index,
                )
                outcome.full_clean(exclude=["agreement"])
                rows.append(outcome)
            AgreementOutcome.objects.bulk_create(rows)
        elif new_version and current is not None:
            AgreementOutcome.objects.bulk_create(
                [
                    AgreementOutcome(
                        agreement=agreement,
                        unit=o.unit,
                        category=o.category,
                        description=o.description,
                        order=o.order,
                    )
                    for o in current.outcomes.all()
                ]
            )
        if "translations" in values and _translations_stamped(agreement):
            agreement.save(update_fields=["translations", "updated_at"])
        audit_record(
            action="agreement.new_version" if new_version else "agreement.update",
            actor=acting_user,
            target=agreement,
            centre_id=mobility.centre_id,
            data={"version": agreement.version, "changes": sorted(values)},
            request=request,
        )
    return agreement


def agreement_sign(
    *,
    agreement: LearningAgreement,
    party: str,
    signer_name: str,
    method: str,
    scan: Any = None,
    acting_user: User | None,
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> Signature:
    """Records one party's signature: in the platform, or outside with the signed scan uploaded."""
    if acting_user is not None:
        require_capability(acting_user, Capability.MANAGE_LEARNERS, agreement.mobility.centre_id)
    if not signer_name.strip():
        raise ValidationError({"signer_name": _("Enter the name of the person who signs.")})
    if method == SignatureMethod.OUTSIDE and not scan:
        raise ValidationError(
            {"scan": _("Upload the signed scan when the agreement was signed outside the platform.")}
        )
    checked = check_upload(scan) if scan else None
    from partners.http import client_ip

    with transaction.atomic():
        agreement = (
            LearningAgreement.objects.select_for_update(of=("self",))
            .select_related("mobility__participant")
            .get(pk=agreement.pk)
        )
        if agreement.status == AgreementStatus.SUPERSEDED:
            raise ValidationError(
                _("This version has been replaced by a newer one; sign the current version.")
            )
        if party not in agreement_required_parties(agreement=agreement):
            raise ValidationError({"party": _("This party does not sign this agreement.")})
        if not agreement.outcomes.exists() and not agreement.objectives.strip():
            raise ValidationError(
                _("The agreement has no objectives or learning outcomes yet: nothing to sign.")
            )
        if agreement.signatures.filter(party=party).exists():
            raise ValidationError({"party": _("This party has already signed this version.")})
        signature = Signature(
            agreement=agreement,
            party=party,
            signer_name=signer_name.strip()[:200],
            method=method,
            recorded_by=acting_user,
            ip=client_ip(request),
        )
        signature.full_clean(exclude=["scan"])
        with file_removed_on_failure(signature, "scan"):
            if checked:
                signature.scan.save(checked.safe_name, checked.file, save=False)
            signature.save()
            missing = agreement_missing_parties(agreement=agreement)
            agreement.status = AgreementStatus.SIGNED if not missing else AgreementStatus.SIGNING
            agreement.save(update_fields=["status", "updated_at"])
            audit_record(
                action="agreement.sign",
                actor=acting_user,
                actor_label=actor_label,
                target=agreement,
                centre_id=agreement.mobility.centre_id,
                data={"party": party, "method": method, "version": agreement.version},
                request=request,
            )
    return signature


# --- Translations -----------------------------------------------------------------------------


def _translation_limit(name: str) -> int | None:
    """A translated text may be as long as the original's field allows (the text ceiling for long texts)."""
    field = LearningAgreement._meta.get_field(name)
    return getattr(field, "max_length", None) if not isinstance(field, models.TextField) else None


def agreement_translation_save(
    *,
    agreement: LearningAgreement,
    language: str,
    texts: dict[str, str],
    outcomes: list[str],
    acting_user: User | None,
    basis: str | None = None,
    request: HttpRequest | None = None,
) -> LearningAgreement:
    """Writes the agreement's texts in one of the platform's languages (not its own), each text under
    the ceiling and remembered with the original it was translated from; all typed blank removes that
    language. The agreement itself, its version and its signatures are left as they are."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, agreement.mobility.centre_id)
    code = translation.base_language(language)
    if code not in dict(translation.translation_languages()):
        raise ValidationError({"language": _("Choose one of the platform's languages.")})
    if code == translation.base_language(agreement.language):
        raise ValidationError(
            {"language": _("The agreement is written in this language: choose another language.")}
        )
    with transaction.atomic():
        agreement = (
            LearningAgreement.objects.select_for_update(of=("self",))
            .select_related("mobility")
            .get(pk=agreement.pk)
        )
        if agreement.status == AgreementStatus.SUPERSEDED:
            raise ValidationError(
                _("This version has been replaced by a newer one; translate the current version.")
            )
        if basis is not None and basis != translation.basis(agreement):
            # the boxes were drawn from texts changed since: a translation must not be dated from these
            raise ValidationError(
                _(
                    "The agreement was changed while you were translating it: check each box against "
                    "the original as it now reads, then save again."
                ),
                code="changed",
            )
        errors: dict[str, str] = {}
        entry: dict[str, Any] = {}
        sources: dict[str, Any] = {}
        for name in translation.TRANSLATED_FIELDS:
            original = getattr(agreement, name) or ""
            text = (texts.get(name) or "").strip()
            if not original.strip() or not text:
                continue
            label = str(LearningAgreement._meta.get_field(name).verbose_name)
            message = text_too_long(label, text, _translation_limit(name))
            if message:
                errors[name] = message
            entry[name], sources[name] = text, translation.fingerprint(original)
        rows = list(agreement.outcomes.all())
        outcome_texts = []
        for index in range(len(rows)):
            text = (outcomes[index] if index < len(outcomes) else "").strip()
            message = text_too_long(_("Learning outcome %(number)s") % {"number": index + 1}, text)
            if message:
                errors[f"outcome_{index}"] = message
            outcome_texts.append(text)
        if errors:
            raise ValidationError(errors)
        translations = dict(agreement.translations or {})
        had = code in translations
        if entry or any(outcome_texts):
            sources["outcomes"] = [translation.fingerprint(o.description) for o in rows]
            translations[code] = {
                **entry,
                "outcomes": outcome_texts,
                "source": sources,
                "updated_at": timezone.now().isoformat(timespec="seconds"),
                "updated_by": (acting_user.get_full_name() or acting_user.email) if acting_user else "",
            }
            action = "agreement.translate"
        elif had:
            del translations[code]
            action = "agreement.translation_remove"
        else:
            return agreement
        agreement.translations = translations
        agreement.save(update_fields=["translations", "updated_at"])
        audit_record(
            action=action,
            actor=acting_user,
            target=agreement,
            centre_id=agreement.mobility.centre_id,
            data={
                "version": agreement.version,
                "language": code,
                "parts": sorted(entry) + [f"outcome_{i}" for i, t in enumerate(outcome_texts) if t],
            },
            request=request,
        )
    return agreement
