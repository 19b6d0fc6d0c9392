"""Groups' pages (namespace ``mobility``)."""

from django.urls import path

from mobility.groups import views

urlpatterns = [
    path("groups/", views.group_list, name="group-list"),
    path("groups/new/", views.group_create, name="group-create"),
    path("groups/<int:pk>/", views.group_detail, name="group-detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group-edit"),
    path("groups/<int:pk>/members/", views.group_add_members, name="group-add-members"),
    path("groups/<int:pk>/members/<int:mobility_pk>/", views.group_member, name="group-member"),
    path("groups/<int:pk>/send-links/", views.group_send_links, name="group-send-links"),
    path("groups/<int:pk>/confirm-all/", views.group_confirm_all, name="group-confirm-all"),
]
