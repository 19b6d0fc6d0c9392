"""The mobility page's sub-forms: a task, a follow-up, a document, a signature, a move that needs a
reason. The page draws them only when they come back with an error (or, for the document form, when
its section opens by itself on a missing document); otherwise each ``<details>`` holds a link to the
form's fragment (``mobility:mobility-form``), which htmx fetches when the section is opened and
which, without JavaScript, is a page of its own. Every form posts to the page's usual endpoints.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mobility.agreements import selectors as agreements_selectors
from mobility.agreements import services as agreements_services
from mobility.agreements.forms import SignatureForm
from mobility.agreements.models import Party
from mobility.catalogue import selectors as catalogue_selectors
from mobility.documents import selectors as documents_selectors
from mobility.documents.forms import DocumentForm
from mobility.mobilities import services
from mobility.mobilities.forms import TransitionForm
from mobility.mobilities.models import MobilityStatus
from mobility.tracking.forms import ChecklistAddForm, FollowUpForm

#: Moves that need a reason, asked for in a small form of their own.
NEEDS_REASON = (MobilityStatus.CANCELLED, MobilityStatus.INTERRUPTED)

#: The template of each kind of sub-form (``templates/mobility/subforms/``) and its heading.
TEMPLATES = {
    "checklist": ("mobility/subforms/checklist.html", _("Add a task")),
    "followup": ("mobility/subforms/followup.html", _("Record a follow-up")),
    "document": ("mobility/subforms/document.html", _("Upload a document")),
    "sign": ("mobility/subforms/signature.html", _("Record a signature")),
    "to": ("mobility/subforms/transition.html", _("Change the status")),
}


def url(mobility: Any, name: str) -> str:
    return reverse("mobility:mobility-form", args=[mobility.pk, name])


def choices_from(field: Any, rows: list[Any]) -> None:
    """A model choice field's options from rows the page read already (the same rows its queryset
    would give, in the same order), so that drawing the form costs no query. Validation still goes
    through the field's queryset."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = empty + [(row.pk, field.label_from_instance(row)) for row in rows]


def signer_default(mobility: Any, party: str) -> str:
    learner = mobility.participant
    return {
        Party.LEARNER: learner.full_name,
        Party.GUARDIAN: learner.guardian_name,
        Party.HOST: mobility.host_tutor.full_name if mobility.host_tutor_id else "",
        Party.INTERMEDIARY: mobility.intermediary.display_name if mobility.intermediary_id else "",
    }.get(party, "")


def signature_form(mobility: Any, party: str) -> SignatureForm:
    return SignatureForm(
        prefix=f"sign-{party}", initial={"party": party, "signer_name": signer_default(mobility, party)}
    )


def transition_form(target: str) -> TransitionForm:
    return TransitionForm(prefix=f"to-{target}", initial={"to_status": target})


def document_form(*, missing: list[Any], document_types: list[Any]) -> DocumentForm:
    form = DocumentForm(initial={"document_type": missing[0].pk if missing else None})
    choices_from(form.fields["document_type"], document_types)
    return form


def fragment(
    mobility: Any, name: str, *, transition_label: Callable[[str], Any]
) -> tuple[str, Any, dict[str, Any]]:
    """The template, heading and context of the sub-form ``name`` of ``mobility`` (a fresh form);
    404 for a name the page does not offer in the mobility's state. ``transition_label``: how the
    page words the move to a status."""
    kind, _sep, arg = name.partition("-")
    if kind not in TEMPLATES or bool(arg) != (kind in ("sign", "to")):
        raise Http404
    template, heading = TEMPLATES[kind]
    context: dict[str, Any] = {"mobility": mobility}
    if kind == "checklist":
        context["form"] = ChecklistAddForm()
    elif kind == "followup":
        context["form"] = FollowUpForm(mobility=mobility)
    elif kind == "document":
        missing = documents_selectors.missing_documents(mobility=mobility)
        context["form"] = document_form(
            missing=missing, document_types=list(catalogue_selectors.document_type_list())
        )
    elif kind == "sign":
        agreement = agreements_selectors.agreement_current(mobility=mobility)
        if (
            agreement is None
            or arg not in agreements_services.agreement_required_parties(agreement=agreement)
            or agreement.signatures.filter(party=arg).exists()
        ):
            raise Http404
        context["row"] = {"party": arg, "label": Party(arg).label, "form": signature_form(mobility, arg)}
    else:
        if arg not in NEEDS_REASON or arg not in services.TRANSITIONS.get(mobility.status, ()):
            raise Http404
        label = transition_label(arg)
        context["t"] = {"status": arg, "label": label, "form": transition_form(arg)}
        heading = label
    return template, heading, context
