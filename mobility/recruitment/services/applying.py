"""A candidate's side: starting an application, verifying the e-mail address by a code, saving and
coming back, uploads, submitting; the personal links of the candidate, the employer and the guardian,
and the agreements these two give. Secrets (links, codes) are made when their e-mail leaves."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.documents.services import file_removed_on_failure
from mobility.evaluations.models import CEFR_SKILLS, CefrLevel
from mobility.recruitment.models import (
    Answer,
    Application,
    ApplicationFile,
    ApplicationLink,
    ApplicationStatus,
    Call,
    CallPlace,
    FileKind,
    Preference,
    TokenRole,
)
from partners.audit.services import audit_record
from partners.emails.models import OutboundEmail
from partners.emails.secrets import Placeholders
from partners.emails.services import email_queue
from partners.uploads import check_upload

CODE_TTL = timedelta(minutes=30)
MAX_CODE_FAILURES = 5
LINK_TTL = timedelta(days=120)
#: What the candidate fills in on the first screen.
IDENTITY_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "email",
    "phone",
    "national_id",
    "trade",
    "training_year",
    "eqf_level",
    "language",
    "is_apprentice",
    "employer_name",
    "employer_contact_name",
    "employer_email",
    "guardian_name",
    "guardian_email",
)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _check_accepting(call: Call) -> None:
    today = timezone.localdate()
    if not call.is_accepting(today):
        if call.status == "open" and today > call.closes_on:
            raise ValidationError(
                _("Applications closed on %(date)s.") % {"date": call.closes_on.strftime("%d/%m/%Y")}
            )
        if call.status == "open" and today < call.opens_on:
            raise ValidationError(
                _("Applications open on %(date)s.") % {"date": call.opens_on.strftime("%d/%m/%Y")}
            )
        raise ValidationError(_("This call is not accepting applications."))


def _check_identity(application: Application) -> None:
    call = application.call
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if application.centre_id not in call.centre_ids:
        errors["centre"] = _("This call is not for that training centre.")
    if application.date_of_birth and application.date_of_birth >= today:
        errors["date_of_birth"] = _("The date of birth is in the future.")
    elif application.date_of_birth and application.is_minor_on(today):
        if not application.guardian_name:
            errors["guardian_name"] = _("A minor needs a guardian: enter their name.")
        if not application.guardian_email:
            errors["guardian_email"] = _("Your guardian's e-mail address is needed for their agreement.")
    if application.is_apprentice:
        if not application.employer_name:
            errors["employer_name"] = _("An apprentice names their employer.")
        if not application.employer_email:
            errors["employer_email"] = _("Your employer's e-mail address is needed for their agreement.")
    if errors:
        raise ValidationError(errors)


def _duplicate_check(application: Application) -> None:
    others = Application.objects.filter(call_id=application.call_id).exclude(pk=application.pk)
    if others.filter(email__iexact=application.email).exists():
        raise ValidationError({"email": _("An application to this call already uses this e-mail address.")})
    if application.national_id and others.filter(national_id=application.national_id).exists():
        raise ValidationError({"national_id": _("This learner has already applied to this call.")})


def application_start(
    *, call: Call, centre_id: int, data: dict[str, Any], request: Any = None
) -> Application:
    """A candidate's first save: the identity, a draft, and an e-mail with a code to verify the address."""
    _check_accepting(call)
    application = Application(
        call=call, centre_id=centre_id, **{k: v for k, v in data.items() if k in IDENTITY_FIELDS}
    )
    application.email = (application.email or "").strip().lower()
    application.national_id = (application.national_id or "").strip().upper()
    application.full_clean(exclude=["call", "centre"], validate_constraints=False)
    _check_identity(application)
    _duplicate_check(application)
    if not data.get("consent"):
        raise ValidationError({"consent": _("Agree to the processing of your data to apply.")})
    application.consent_at = timezone.now()
    try:
        with transaction.atomic():
            application.save()
            audit_record(
                action="application.start",
                actor_label=str(TokenRole.APPLICANT.label),
                target=application,
                centre_id=application.centre_id,
                request=request,
            )
            email_code_send(application=application)
    except IntegrityError as exc:  # two starts at once with the same address
        raise ValidationError(
            {"email": _("An application to this call already uses this e-mail address.")}
        ) from exc
    return application


def email_code_send(*, application: Application) -> OutboundEmail:
    """The code that proves the candidate reads this address (made when the e-mail leaves)."""
    placeholders = Placeholders()
    code = placeholders.add("appcode", application.pk)
    application.email_code_sent_at = timezone.now()
    application.save(update_fields=["email_code_sent_at"])
    return email_queue(
        kind="application_code",
        to=application.email,
        to_name=application.full_name,
        template="recruitment/code",
        context={
            "application": application,
            "code": code,
            "call_title": application.call.text(application.language)[0],
        },
        language=application.language,
        centre_id=application.centre_id,
        related=application,
        placeholders=placeholders,
    )


def email_code_issue(message: OutboundEmail, reference: str) -> str:
    """At delivery: a fresh code for the application the message is about, to its own address."""
    if not reference.isdigit():
        return "······"
    with transaction.atomic():
        application = Application.objects.select_for_update().filter(pk=int(reference)).first()
        if application is None or application.email.lower() != message.to.lower():
            return "······"
        code = f"{secrets.randbelow(1_000_000):06d}"
        application.email_code_hash = _hash(code)
        application.email_code_sent_at = timezone.now()
        application.email_code_failures = 0
        application.save(update_fields=["email_code_hash", "email_code_sent_at", "email_code_failures"])
    return code


def email_code_verify(*, application: Application, code: str) -> Application:
    """The candidate types the code: right, fresh, and within a few tries."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.email_verified_at:
            return application
        fresh = application.email_code_sent_at and timezone.now() - application.email_code_sent_at < CODE_TTL
        if (
            application.email_code_failures >= MAX_CODE_FAILURES
            or not fresh
            or not application.email_code_hash
        ):
            raise ValidationError({"code": _("This code has expired: ask for a new one.")})
        if not hmac.compare_digest(application.email_code_hash, _hash((code or "").strip())):
            application.email_code_failures += 1
            application.save(update_fields=["email_code_failures"])
            raise ValidationError({"code": _("This code is not the one we sent.")})
        application.email_verified_at = timezone.now()
        application.email_code_hash = ""
        application.save(update_fields=["email_verified_at", "email_code_hash"])
    return application


def _editable(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(_("This application has been submitted and can no longer be changed."))
    _check_accepting(application.call)


def application_save(
    *,
    application: Application,
    motivation: str,
    cefr: dict[str, str],
    preferences: list[CallPlace],
    request: Any = None,
) -> Application:
    """Saves the answers so far (the candidate may come back later)."""
    _editable(application)
    levels = set(CefrLevel.values)
    skills = {code for code, _label in CEFR_SKILLS}
    bad = [k for k, v in cefr.items() if k not in skills or (v and v not in levels)]
    if bad:
        raise ValidationError({"cefr": _("Choose a level from A1 to C2 for each skill.")})
    if len({p.pk for p in preferences}) != len(preferences):
        raise ValidationError({"preferences": _("Each destination can be chosen once only.")})
    if any(p.call_id != application.call_id for p in preferences):
        raise ValidationError({"preferences": _("This destination is not offered by the call.")})
    with transaction.atomic():
        application.motivation = motivation
        application.cefr = {k: v for k, v in cefr.items() if v}
        application.save(update_fields=["motivation", "cefr", "updated_at"])
        application.preferences.all().delete()
        Preference.objects.bulk_create(
            [Preference(application=application, place=p, rank=i) for i, p in enumerate(preferences, start=1)]
        )
    return application


def application_file_upload(
    *, application: Application, kind: str, upload: Any, request: Any = None
) -> ApplicationFile:
    """A CV or a letter, checked by content and size; a new one replaces the earlier one."""
    _editable(application)
    if kind not in FileKind.values:
        raise ValidationError({"kind": _("Unknown kind of file.")})
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({kind: exc.messages}) from exc
    item = ApplicationFile(
        application=application,
        kind=kind,
        original_name=checked.safe_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    with transaction.atomic(), file_removed_on_failure(item, "file"):
        old = list(application.files.filter(kind=kind))
        for f in old:
            f.file.delete(save=False)
            f.delete()
        item.file.save(checked.safe_name, checked.file, save=False)
        item.save()
    return item


def application_submit(*, application: Application, request: Any = None) -> Application:
    """Submits a complete application; the candidate gets a confirmation with their link, the
    employer (apprentice) and the guardian (minor) a link to agree."""
    with transaction.atomic():
        application = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        _editable(application)
        call = application.call
        errors: dict[str, str] = {}
        if not application.email_verified_at:
            errors["code"] = _("Verify your e-mail address with the code we sent first.")
        if not application.preferences.exists():
            errors["preferences"] = _("Choose at least one destination.")
        kinds = set(application.files.values_list("kind", flat=True))
        if call.asks_cv and FileKind.CV not in kinds:
            errors["cv"] = _("The call asks for a CV.")
        if call.asks_letter and FileKind.LETTER not in kinds and not application.motivation.strip():
            errors["letter"] = _("The call asks for a motivation letter (a file, or written in the field).")
        if call.language and len(application.cefr) < len(CEFR_SKILLS):
            errors["cefr"] = _("Assess your level in each of the five skills.")
        if errors:
            raise ValidationError(errors)
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = timezone.now()
        application.learner = learner_match(application)
        application.save(update_fields=["status", "submitted_at", "learner", "updated_at"])
        audit_record(
            action="application.submit",
            actor_label=str(TokenRole.APPLICANT.label),
            target=application,
            centre_id=application.centre_id,
            request=request,
        )
        link_send(application=application, role=TokenRole.APPLICANT, template="recruitment/submitted")
        if application.is_apprentice:
            link_send(application=application, role=TokenRole.EMPLOYER, template="recruitment/employer")
        if application.is_minor_on(timezone.localdate()):
            link_send(application=application, role=TokenRole.GUARDIAN, template="recruitment/guardian")
    return application


def learner_match(application: Application) -> Any:
    """The centre's learner this candidate is, by the centre's stable key (the national learner id)."""
    from mobility.learners.models import Learner

    if not application.national_id:
        return None
    return Learner.objects.filter(
        centre_id=application.centre_id, national_id=application.national_id, anonymised_at__isnull=True
    ).first()


# --- Personal links -------------------------------------------------------------------------------
def _recipient(application: Application, role: str) -> tuple[str, str]:
    if role == TokenRole.EMPLOYER:
        return application.employer_email, application.employer_contact_name or application.employer_name
    if role == TokenRole.GUARDIAN:
        return application.guardian_email, application.guardian_name
    return application.email, application.full_name


def link_send(
    *, application: Application, role: str, template: str, context: dict[str, Any] | None = None
) -> OutboundEmail:
    """An e-mail with a personal link to the application for ``role``; the secret is made at delivery."""
    to, name = _recipient(application, role)
    link = ApplicationLink.objects.create(
        application=application,
        role=role,
        token_hash="pending-" + secrets.token_hex(24),
        expires_at=timezone.now() + LINK_TTL,
    )
    placeholders = Placeholders()
    url = placeholders.add("applink", link.pk)
    return email_queue(
        kind=f"application_{role}",
        to=to,
        to_name=name,
        template=template,
        context={
            "application": application,
            "url": url,
            "call_title": application.call.text(application.language)[0],
            **(context or {}),
        },
        language=application.language,
        centre_id=application.centre_id,
        related=application,
        placeholders=placeholders,
    )


def email_link_issue(message: OutboundEmail, reference: str) -> str:
    """At delivery: the secret of an application link bound to this message's application."""
    fallback = settings.SITE_URL + reverse("recruitment:lost")
    if not reference.isdigit():
        return fallback
    with transaction.atomic():
        link = ApplicationLink.objects.select_for_update().filter(pk=int(reference)).first()
        if (
            link is None
            or str(link.application_id) != message.related_id
            or link.expires_at <= timezone.now()
        ):
            return fallback
        secret = secrets.token_urlsafe(24)
        link.token_hash = _hash(secret)
        link.save(update_fields=["token_hash"])
    return settings.SITE_URL + reverse("recruitment:exchange", kwargs={"key": secret})


def link_open(*, key: str) -> ApplicationLink | None:
    """The live link a key opens, or None."""
    link = ApplicationLink.objects.select_related("application").filter(token_hash=_hash(key or "")).first()
    if link is None or link.expires_at <= timezone.now():
        return None
    link.last_used_at = timezone.now()
    link.save(update_fields=["last_used_at"])
    return link


def agreement_record(
    *, application: Application, role: str, agreed: bool, by: str, reason: str = "", request: Any = None
) -> Application:
    """The employer's or the guardian's answer, with who and when; a refusal gives its reason."""
    if role not in (TokenRole.EMPLOYER, TokenRole.GUARDIAN):
        raise ValidationError(_("Only the employer or the guardian agrees."))
    if not (by or "").strip():
        raise ValidationError({"by": _("Give your name.")})
    if role == TokenRole.EMPLOYER and not agreed and not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the refusal: the candidate is told.")})
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITING):
            raise ValidationError(_("This application is no longer awaiting an agreement."))
        answer = Answer.AGREED if agreed else Answer.REFUSED
        prefix = "employer" if role == TokenRole.EMPLOYER else "guardian"
        setattr(application, f"{prefix}_answer", answer)
        setattr(application, f"{prefix}_answer_by", by.strip()[:200])
        setattr(application, f"{prefix}_answer_at", timezone.now())
        fields = [f"{prefix}_answer", f"{prefix}_answer_by", f"{prefix}_answer_at", "updated_at"]
        if role == TokenRole.EMPLOYER:
            application.employer_reason = (reason or "").strip()
            fields.append("employer_reason")
        application.save(update_fields=fields)
        audit_record(
            action=f"application.{prefix}_answer",
            actor_label=by.strip()[:200],
            target=application,
            centre_id=application.centre_id,
            data={"answer": answer},
            request=request,
        )
    return application
