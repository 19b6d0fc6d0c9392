"""Document jobs, certificate downloads and the public verification page."""

from django.urls import path

from certification.views import certificates as views_certificates
from certification.views import documents as views
from certification.views import guest as guest_views
from certification.views import jobs as views_jobs
from certification.views import verification as views_verification

app_name = "certification"

urlpatterns = [
    path("documents/", views_jobs.job_list, name="job-list"),
    path("documents/jobs/<int:pk>/", views_jobs.job_detail, name="job-detail"),
    path("documents/jobs/<int:pk>/status/", views_jobs.job_status, name="job-status"),
    path("documents/jobs/<int:pk>/download/", views_jobs.job_download, name="job-download"),
    path("documents/jobs/<int:pk>/retry/", views_jobs.job_retry, name="job-retry"),
    path("documents/mobility/<int:mobility_id>/", views.mobility_documents, name="mobility-documents"),
    path("documents/group/<int:group_id>/", views.group_documents, name="group-documents"),
    path("documents/project/<int:project_id>/", views.project_documents, name="project-documents"),
    path("certificates/<int:pk>/", views_certificates.certificate_detail, name="certificate-detail"),
    path(
        "certificates/<int:pk>/reissue/", views_certificates.certificate_reissue, name="certificate-reissue"
    ),
    path("certificates/<int:pk>/revoke/", views_certificates.certificate_revoke, name="certificate-revoke"),
    path("certificates/<int:pk>/pdf/", views_certificates.certificate_download, name="certificate-download"),
    path(
        "certificates/<int:pk>/credential/",
        views_certificates.certificate_credential,
        name="certificate-credential",
    ),
    path(
        "documents/mobility/<int:mobility_id>/certificate/",
        views_certificates.certificate_issue,
        name="certificate-issue",
    ),
    path(
        "documents/mobility/<int:mobility_id>/attendance/",
        views.attendance_request,
        name="attendance-request",
    ),
    path(
        "documents/mobility/<int:mobility_id>/grant-agreement/",
        views.funding_document_request,
        {"kind": "grant_agreement"},
        name="grant-agreement-request",
    ),
    path(
        "documents/mobility/<int:mobility_id>/apprentice-agreement/",
        views.funding_document_request,
        {"kind": "apprentice_agreement"},
        name="apprentice-agreement-request",
    ),
    path("documents/agreement/<int:agreement_id>/", views.agreement_pdf, name="agreement-pdf"),
    path("documents/group/<int:group_id>/certificates/", views.group_issue, name="group-issue"),
    path("documents/group/<int:group_id>/progress/", views.group_progress, name="group-progress"),
    path("documents/group/<int:group_id>/bundle/", views.group_bundle, name="group-bundle"),
    path("documents/project/<int:project_id>/bundle/", views.project_bundle, name="project-bundle"),
    # The learner's own certificate, from their space (guest link or learner account).
    path("guest/<int:pk>/certificate/", guest_views.certificate_download, name="guest-certificate"),
    path(
        "guest/<int:pk>/certificate/credential/", guest_views.certificate_credential, name="guest-credential"
    ),
    path("verify/", views_verification.verify_lookup, name="verify-lookup"),
    path("verify/<str:number>/", views_verification.verify, name="verify"),
    path("verify/<str:number>/status/", views_verification.verify_status, name="verify-status"),
]
