"""End-of-stay reports: the participant's questionnaire (guest page) and the referent's pages."""

from django.urls import path

from mobility.quality.views import guest, staff

app_name = "quality"

urlpatterns = [
    path("guest/<int:pk>/report/", guest.report, name="guest_report"),
    path("quality/reports/", staff.reports, name="reports"),
    path("quality/mobilities/<int:pk>/report/", staff.report, name="report"),
    path("quality/mobilities/<int:pk>/report/send/", staff.report_send, name="report_send"),
]
