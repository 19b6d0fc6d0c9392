"""Mobilities' pages (namespace ``mobility``, composed in ``mobility.urls``)."""

from django.urls import path

from mobility.mobilities import pickers, views

urlpatterns = [
    path("mobilities/", views.mobility_list, name="mobility-list"),
    path("mobilities/new/", views.mobility_create, name="mobility-create"),
    path("mobilities/<int:pk>/", views.mobility_detail, name="mobility-detail"),
    path("mobilities/<int:pk>/edit/", views.mobility_edit, name="mobility-edit"),
    path("mobilities/<int:pk>/forms/<slug:name>/", views.mobility_form, name="mobility-form"),
    path("mobilities/<int:pk>/status/", views.mobility_transition, name="mobility-transition"),
    path("mobilities/<int:pk>/agreement/sign/", views.mobility_sign, name="agreement-sign"),
    path("contacts/options/", views.contact_options, name="contact-options"),
    path("pickers/contacts/", pickers.picker_contacts, name="picker-contacts"),
    path("pickers/learners/", pickers.picker_learners, name="picker-learners"),
]
