"""The platform's URLs plus a trivial authenticated page: the baseline of the page latencies.

It goes through the same middleware, session and authentication as every page, and does nothing else.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from mobility.urls import handler400, handler403, handler404, handler500  # noqa: F401
from mobility.urls import urlpatterns as platform


@login_required
def ping(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ping/", ping, name="bench-ping"), *platform]
