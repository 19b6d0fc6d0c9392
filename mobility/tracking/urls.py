"""Checklist tasks and follow-ups (namespace ``mobility``)."""

from django.urls import path

from mobility.tracking import views

urlpatterns = [
    path("mobilities/<int:pk>/checklist/", views.checklist_add, name="checklist-add"),
    path("mobilities/<int:pk>/followups/", views.followup_record, name="followup-record"),
    path("tasks/<int:pk>/toggle/", views.checklist_toggle, name="checklist-toggle"),
]
