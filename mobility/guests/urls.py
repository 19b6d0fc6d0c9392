"""Pages for people without an account: ``t/<key>`` opens a personal link, ``guest/`` holds the pages."""

from django.urls import path, re_path

from mobility.guests.views import documents as views_documents
from mobility.guests.views import evaluation as views_evaluation
from mobility.guests.views import links as views_links
from mobility.guests.views import pages as views

app_name = "guest"

urlpatterns = [
    # A personal link: lookup + secret, url-safe base64. The trailing slash is optional because
    # mail programs sometimes drop it.
    re_path(r"^t/(?P<key>[A-Za-z0-9_-]{1,200})/?$", views_links.exchange, name="exchange"),
    path("guest/", views.home, name="home"),
    path("guest/lost/", views_links.lost, name="lost"),
    path("guest/code/", views_links.code, name="code"),
    path("guest/leave/", views_links.leave, name="leave"),
    path("guest/renew/<str:lookup>/", views_links.renew, name="renew"),
    path("guest/<int:pk>/", views.mobility_summary, name="mobility"),
    path("guest/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("guest/<int:pk>/agreement/", views.agreement, name="agreement"),
    path("guest/<int:pk>/follow-ups/", views.followups, name="followups"),
    path("guest/<int:pk>/evaluation/", views_evaluation.evaluation, name="evaluation"),
    path("guest/<int:pk>/evaluation/view/", views_evaluation.evaluation_view, name="evaluation_view"),
    path("guest/<int:pk>/documents/", views_documents.documents, name="documents"),
    path("guest/<int:pk>/documents/<int:document_pk>/", views_documents.document_download, name="document"),
    path("guest/<int:pk>/tasks/<int:item_pk>/", views_documents.checklist_done, name="checklist_done"),
    path("guest/<int:pk>/feedback/", views_evaluation.feedback, name="feedback"),
]
