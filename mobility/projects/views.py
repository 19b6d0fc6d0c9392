"""The referent's pages for projects: list, detail with its mobilities, create, edit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from mobility.groups import selectors as groups_selectors
from mobility.mobilities.views import mobility_list_context
from mobility.projects import selectors, services
from mobility.projects.forms import ProjectForm
from mobility.site.staff import (
    AuthenticatedRequest,
    can_manage,
    form_page,
    paginate,
    require_manage,
    saved_to,
    staff_required,
)
from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.directory.models import Organisation


def _beneficiaries(request: AuthenticatedRequest) -> list[Organisation]:
    """Chambers and centres where the user may hold a project."""
    ids = get_access(request.user).orgs_with(Capability.MANAGE_LEARNERS)
    return list(Organisation.objects.filter(pk__in=ids).order_by("kind", "name"))


@staff_required
@require_safe
def project_list(request: AuthenticatedRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    projects = selectors.project_list_with_counts_for_user(user=request.user, search=search)
    return render(
        request,
        "mobility/project_list.html",
        {"page": paginate(request, projects), "search": search, "can_create": bool(_beneficiaries(request))},
    )


@staff_required
@require_safe
def project_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    context = mobility_list_context(request, groups=False, fixed={"project_id": project.pk})
    context["filter_form"].fields.pop("project", None)
    context.update(
        {
            "project": project,
            "groups": list(groups_selectors.group_list_for_user(user=request.user).filter(project=project)),
            "can_manage": can_manage(request, project.organisation_id),
        }
    )
    return render(request, "mobility/project_detail.html", context)


@staff_required
def project_create(request: AuthenticatedRequest) -> HttpResponse:
    organisations = _beneficiaries(request)
    if not organisations:
        raise PermissionDenied
    form = ProjectForm(request.POST if request.method == "POST" else None, organisations=organisations)
    return form_page(
        request,
        form,
        save=lambda: services.project_create(
            organisation=form.cleaned_data["organisation"],
            data=form.service_data(),
            acting_user=request.user,
            request=request,
        ),
        saved=saved_to(request, _("The project has been created."), "mobility:project-detail"),
        template="mobility/project_form.html",
        context=lambda: {"project": None},
    )


@staff_required
def project_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    require_manage(request, project.organisation_id)
    form = ProjectForm(
        request.POST if request.method == "POST" else None,
        instance=project,
        organisations=[project.organisation],
    )
    return form_page(
        request,
        form,
        save=lambda: services.project_update(
            project=project, data=form.service_data(), acting_user=request.user, request=request
        ),
        saved=saved_to(request, _("The changes have been saved."), "mobility:project-detail"),
        template="mobility/project_form.html",
        context=lambda: {"project": selectors.project_get_for_user(user=request.user, pk=pk)},
    )
