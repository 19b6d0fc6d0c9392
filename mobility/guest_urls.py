"""Pages for people without an account: ``t/<key>`` opens a personal link, ``guest/`` holds the pages."""

from django.urls import path, re_path

from . import guest_views as views

app_name = "guest"

urlpatterns = [
    # A personal link: lookup + secret, url-safe base64. The trailing slash is optional because
    # mail programs sometimes drop it.
    re_path(r"^t/(?P<key>[A-Za-z0-9_-]{1,200})/?$", views.exchange, name="exchange"),
    path("guest/", views.home, name="home"),
    path("guest/lost/", views.lost, name="lost"),
    path("guest/code/", views.code, name="code"),
    path("guest/leave/", views.leave, name="leave"),
    path("guest/renew/<str:lookup>/", views.renew, name="renew"),
    path("guest/<int:pk>/", views.mobility_summary, name="mobility"),
    path("guest/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("guest/<int:pk>/agreement/", views.agreement, name="agreement"),
    path("guest/<int:pk>/follow-ups/", views.followups, name="followups"),
    path("guest/<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("guest/<int:pk>/evaluation/view/", views.evaluation_view, name="evaluation_view"),
    path("guest/<int:pk>/documents/", views.documents, name="documents"),
    path("guest/<int:pk>/documents/<int:document_pk>/", views.document_download, name="document"),
    path("guest/<int:pk>/tasks/<int:item_pk>/", views.checklist_done, name="checklist_done"),
    path("guest/<int:pk>/feedback/", views.feedback, name="feedback"),
]
