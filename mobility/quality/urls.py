"""End-of-stay reports: the participant's questionnaire (guest page) and the referent's pages."""

from django.urls import path

from mobility.quality.views import guest, staff

app_name = "quality"

urlpatterns = [
    path("guest/<int:pk>/report/", guest.report, name="guest_report"),
    path("quality/reports/", staff.reports, name="reports"),
    path("quality/mobilities/<int:pk>/report/", staff.report, name="report"),
    path("quality/mobilities/<int:pk>/report/send/", staff.report_send, name="report_send"),
    path("quality/mobilities/<int:pk>/checklist/", staff.placement_check, name="placement_check"),
    path("quality/organisations/<int:pk>/", staff.organisation_record, name="organisation"),
    path("quality/organisations/<int:pk>/status/", staff.organisation_status, name="organisation_status"),
    path("quality/organisations/<int:pk>/labels/", staff.organisation_label, name="organisation_label"),
]
