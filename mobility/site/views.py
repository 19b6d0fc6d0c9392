"""Pages of the platform that belong to no single area: health, errors, privacy notice."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mobility.site import health


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, broker and worker heartbeat: 200 when all are up, 503 otherwise."""
    checks = {
        "database": health.check_database(),
        "broker": health.check_broker(),
        "worker": health.check_workers(),
    }
    ok = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if ok else "degraded", **checks}, status=200 if ok else 503)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "mobility/privacy.html", {"retention_years": settings.RETENTION_YEARS})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        # A request refused before the API saw it (an invalid Host header): the API's error shape.
        from django.http import JsonResponse

        return JsonResponse(
            {"status": 400, "code": "bad_request", "detail": "Bad request.", "errors": []}, status=400
        )
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: whatever broke may be what they need.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
