"""Duty of care: incidents of a mobility, who is abroad now, the emergency sheet."""

from django.urls import path

from mobility.care import views

app_name = "care"

urlpatterns = [
    path("abroad-now/", views.abroad_now, name="abroad_now"),
    path("abroad-now/sheet/", views.emergency_sheet, name="emergency_sheet"),
    path("mobilities/<int:pk>/incidents/", views.incidents, name="incidents"),
    path("mobilities/<int:pk>/incidents/<int:incident_pk>/", views.incident_edit, name="incident_edit"),
]
