"""Pages of the mobility domain: learners, mobilities, groups, projects, timeline."""

from django.urls import path

from .views import agreements, groups, learners, mobilities, projects, timeline, tracking

app_name = "mobility"

urlpatterns = [
    # Learners
    path("learners/", learners.learner_list, name="learner-list"),
    path("learners/new/", learners.learner_create, name="learner-create"),
    path("learners/<int:pk>/", learners.learner_detail, name="learner-detail"),
    path("learners/<int:pk>/edit/", learners.learner_edit, name="learner-edit"),
    path("learners/<int:pk>/consent/", learners.consent_create, name="consent-create"),
    path("learners/<int:pk>/personal-data/", learners.learner_privacy, name="learner-privacy"),
    path(
        "learners/<int:pk>/personal-data/export/",
        learners.learner_personal_data_export,
        name="learner-personal-data-export",
    ),
    path("learners/<int:pk>/erase/", learners.learner_erase, name="learner-erase"),
    path("learners/<int:pk>/documents/", learners.learner_document_upload, name="learner-document-upload"),
    path("consents/<int:pk>/scan/", learners.consent_scan, name="consent-scan"),
    # Mobilities
    path("mobilities/", mobilities.mobility_list, name="mobility-list"),
    path("mobilities/new/", mobilities.mobility_create, name="mobility-create"),
    path("mobilities/<int:pk>/", mobilities.mobility_detail, name="mobility-detail"),
    path("mobilities/<int:pk>/edit/", mobilities.mobility_edit, name="mobility-edit"),
    path("mobilities/<int:pk>/status/", mobilities.mobility_transition, name="mobility-transition"),
    path("mobilities/<int:pk>/agreement/", agreements.agreement_edit, name="agreement-edit"),
    path("mobilities/<int:pk>/agreement/sign/", mobilities.mobility_sign, name="agreement-sign"),
    path("mobilities/<int:pk>/checklist/", tracking.checklist_add, name="checklist-add"),
    path("mobilities/<int:pk>/followups/", tracking.followup_record, name="followup-record"),
    path("mobilities/<int:pk>/documents/", tracking.document_upload, name="document-upload"),
    path("agreements/<int:pk>/", agreements.agreement_version, name="agreement-version"),
    path("signatures/<int:pk>/scan/", agreements.signature_scan, name="signature-scan"),
    path("tasks/<int:pk>/toggle/", tracking.checklist_toggle, name="checklist-toggle"),
    path("documents/<int:pk>/", tracking.document_download, name="document-download"),
    path("documents/<int:pk>/delete/", tracking.document_delete, name="document-delete"),
    path("contacts/options/", mobilities.contact_options, name="contact-options"),
    # Planning views
    path("timeline/", timeline.timeline, name="timeline"),
    path("groups/", groups.group_list, name="group-list"),
    path("groups/new/", groups.group_create, name="group-create"),
    path("groups/<int:pk>/", groups.group_detail, name="group-detail"),
    path("groups/<int:pk>/edit/", groups.group_edit, name="group-edit"),
    path("groups/<int:pk>/members/", groups.group_add_members, name="group-add-members"),
    path("groups/<int:pk>/members/<int:mobility_pk>/", groups.group_member, name="group-member"),
    path("projects/", projects.project_list, name="project-list"),
    path("projects/new/", projects.project_create, name="project-create"),
    path("projects/<int:pk>/", projects.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="project-edit"),
]
