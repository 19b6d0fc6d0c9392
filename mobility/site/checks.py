"""System checks of the platform's own settings (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from mobility.site.addresses import site_url_problem


@checks.register(checks.Tags.security, deploy=True)
def check_site_url(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``check --deploy``: the address certificates and e-mails carry."""
    problem = site_url_problem(settings.SITE_URL)
    if not problem:
        return []
    return [
        checks.Warning(
            f"SITE_URL: {problem}.",
            hint="Set SITE_URL to the public https:// address (see README, Configuration).",
            id="mobility.W001",
        )
    ]
