"""The money pages: a mobility's grant inputs, issuing the grant agreement, payments, the month's
payments for the accountant (CSV/XLSX), the rate tables."""

from __future__ import annotations

import io
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mobility.data.spreadsheets import Rows, write_csv, write_xlsx
from mobility.funding import selectors, services
from mobility.funding.forms import FundingForm, PaymentForm, RateTableForm, SignatureForm
from mobility.funding.models import GrantPayment, MobilityFunding, RateTable
from mobility.mobilities import selectors as mobilities_selectors
from mobility.site.staff import AuthenticatedRequest, form_page, require_manage, staff_required
from partners.accounts.access import get_access, hidden
from partners.accounts.roles import Capability
from partners.directory.models import Organisation
from partners.pages import errors_to_messages


def _back(pk: int) -> HttpResponse:
    from django.urls import reverse

    return redirect(reverse("mobility:mobility-detail", args=[pk]) + "#grant")


@staff_required
def grant_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mobility = mobilities_selectors.mobility_get_for_user(user=request.user, pk=pk)
    require_manage(request, mobility.centre_id)
    funding = selectors.funding_for(mobility)
    form = FundingForm(request.POST if request.method == "POST" else None, instance=funding)

    def saved(_funding: MobilityFunding) -> HttpResponse:
        messages.success(request, _("The changes have been saved."))
        return _back(mobility.pk)

    return form_page(
        request,
        form,
        save=lambda: services.funding_update(
            mobility=mobility, data=form.service_data(), acting_user=request.user, request=request
        ),
        saved=saved,
        template="funding/grant_form.html",
        context=lambda: {"mobility": mobility, "grant": selectors.mobility_grant(mobility)},
    )


@staff_required
@require_POST
def grant_issue(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mobility = mobilities_selectors.mobility_get_for_user(user=request.user, pk=pk)
    require_manage(request, mobility.centre_id)
    try:
        services.grant_issue(mobility=mobility, acting_user=request.user, request=request)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The grant agreement has been issued and its payments scheduled."))
    return _back(mobility.pk)


@staff_required
def grant_sign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A party's signature of the grant agreement or the apprentice's agreement (in the platform, or
    on paper with the scan)."""
    mobility = mobilities_selectors.mobility_get_for_user(user=request.user, pk=pk)
    require_manage(request, mobility.centre_id)
    form = SignatureForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"document": request.GET.get("document", "grant"), "method": "in_app"},
    )

    def saved(_signature: object) -> HttpResponse:
        messages.success(request, _("The signature has been recorded."))
        return _back(mobility.pk)

    return form_page(
        request,
        form,
        save=lambda: services.funding_sign(
            mobility=mobility,
            document=form.cleaned_data["document"],
            party=form.cleaned_data["party"],
            signer_name=form.cleaned_data["signer_name"],
            method=form.cleaned_data["method"],
            scan=form.cleaned_data.get("scan"),
            acting_user=request.user,
            request=request,
        ),
        saved=saved,
        template="funding/signature_form.html",
        context=lambda: {"mobility": mobility},
    )


def _payment(request: AuthenticatedRequest, pk: int) -> GrantPayment:
    try:
        return (
            selectors.payments_for_user(user=request.user).select_related("funding__mobility").get(pk=int(pk))
        )
    except (GrantPayment.DoesNotExist, ValueError) as exc:
        raise hidden(GrantPayment, pk) from exc


@staff_required
def payment_paid(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    payment = _payment(request, pk)
    mobility = payment.funding.mobility
    require_manage(request, mobility.centre_id)
    form = PaymentForm(
        request.POST if request.method == "POST" else None,
        instance=payment,
        initial={"paid_on": payment.paid_on or timezone.localdate()},
    )

    def saved(_payment: GrantPayment) -> HttpResponse:
        messages.success(request, _("The payment has been recorded."))
        return _back(mobility.pk)

    return form_page(
        request,
        form,
        save=lambda: services.payment_mark_paid(
            payment=payment,
            paid_on=form.cleaned_data["paid_on"],
            reference=form.cleaned_data.get("reference") or "",
            acting_user=request.user,
            request=request,
        ),
        saved=saved,
        template="funding/payment_form.html",
        context=lambda: {"payment": payment, "mobility": mobility},
    )


def _month(request: AuthenticatedRequest) -> date:
    try:
        return date.fromisoformat((request.GET.get("month") or "") + "-01")
    except ValueError:
        return timezone.localdate().replace(day=1)


@staff_required
@require_safe
def payments_due(request: AuthenticatedRequest) -> HttpResponse:
    month = _month(request)
    payments = list(selectors.payments_due_for_user(user=request.user, month=month))
    file_format = request.GET.get("format", "")
    if file_format in ("csv", "xlsx"):
        rows = Rows(
            title=_("Payments due"),
            header=[_("Due on"), _("Mobility"), _("Participant"), _("Kind"), _("Amount (EUR)"), _("Centre")],
            rows=[
                [
                    p.due_on.isoformat(),
                    p.funding.mobility.reference,
                    p.funding.mobility.participant.full_name,
                    str(p.get_kind_display()),
                    p.amount,
                    p.funding.mobility.centre.name,
                ]
                for p in payments
            ],
        )
        out = io.BytesIO()
        if file_format == "csv":
            write_csv(rows, out)
            content_type = "text/csv; charset=utf-8"
        else:
            write_xlsx(rows, out)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        services.download_record(
            action="payments.download", acting_user=request.user, rows=len(payments), request=request
        )
        response = HttpResponse(out.getvalue(), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="payments-due-{month:%Y-%m}.{file_format}"'
        return response
    total = sum((p.amount for p in payments), 0)
    return render(
        request, "funding/payments_due.html", {"payments": payments, "month": month, "total": total}
    )


@staff_required
@require_safe
def rate_table_list(request: AuthenticatedRequest) -> HttpResponse:
    tables = list(
        selectors.rate_table_list_for_user(user=request.user).prefetch_related("travel_rates", "daily_rates")
    )
    networks = (
        get_access(request.user).orgs_with(Capability.MANAGE_CATALOGUE) & get_access(request.user).network_ids
    )
    return render(request, "funding/rate_tables.html", {"tables": tables, "can_edit": bool(networks)})


def _network(request: AuthenticatedRequest) -> Organisation:
    """The network whose tables the user keeps (its administrators only)."""
    access = get_access(request.user)
    ids = access.orgs_with(Capability.MANAGE_CATALOGUE) & access.network_ids
    network = Organisation.objects.filter(pk__in=ids).order_by("name").first()
    if network is None:
        raise PermissionDenied
    return network


@staff_required
def rate_table_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    """A network's own table: a new one (copied from a shipped one with ``?from=``), or its edit."""
    network = _network(request)
    table = None
    initial: dict = {}
    if pk is not None:
        table = selectors.rate_table_list_for_user(user=request.user).filter(pk=pk).first()
        if table is None:
            raise hidden(RateTable, pk)
        if table.network_id != network.pk:
            raise PermissionDenied
        initial = RateTableForm.initial_for(table)
    elif request.GET.get("from", "").isdigit():
        source = (
            selectors.rate_table_list_for_user(user=request.user).filter(pk=int(request.GET["from"])).first()
        )
        if source is not None:
            initial = RateTableForm.initial_for(source)
    form = RateTableForm(request.POST if request.method == "POST" else None, initial=initial)

    def saved(_table: RateTable) -> HttpResponse:
        messages.success(request, _("The changes have been saved."))
        return redirect("mobility:rate-table-list")

    return form_page(
        request,
        form,
        save=lambda: services.rate_table_save(
            network=network, table=table, acting_user=request.user, request=request, **form.service_data()
        ),
        saved=saved,
        template="funding/rate_table_form.html",
        context=lambda: {"table": table, "network": network},
    )


@staff_required
@require_safe
def project_budget_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The project's budget as CSV or XLSX (formula-safe), next to the activity report."""
    from mobility.projects import selectors as projects_selectors

    project = projects_selectors.project_get_for_user(user=request.user, pk=pk)
    budget = selectors.project_budget(user=request.user, project=project)
    rows = Rows(
        title=_("Budget"),
        header=[_("Line"), _("Awarded"), _("Committed"), _("Realised"), _("Forecast"), _("Remaining")],
        rows=[
            [
                line.label or _("Total"),
                line.awarded,
                line.committed,
                line.realised,
                line.forecast,
                line.remaining,
            ]
            for line in [*budget["lines"], budget["total"]]
        ],
    )
    out = io.BytesIO()
    if request.GET.get("format") == "xlsx":
        write_xlsx(rows, out)
        content_type, extension = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"
    else:
        write_csv(rows, out)
        content_type, extension = "text/csv; charset=utf-8", "csv"
    services.download_record(
        action="budget.download",
        acting_user=request.user,
        target=project,
        rows=len(budget["lines"]),
        request=request,
    )
    response = HttpResponse(out.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="budget-{project.pk}.{extension}"'
    return response
