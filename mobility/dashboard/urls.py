"""The timeline (namespace ``mobility``; the dashboard is the site's home, in ``mobility.urls``)."""

from django.urls import path

from mobility.dashboard import views

urlpatterns = [
    path("timeline/", views.timeline, name="timeline"),
]
