""""""

from django.conf import settings
from django.http import HttpRequest

from partners.accounts.access import get_access
from partners.accounts.roles import Role


def platform(request: HttpRequest) -> dict:
    """The organisation and role shown in the header, and the demo flag."""
    user = getattr(request, "user", None)
    access = get_access(user)
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "access": access,
        "current_role": access.highest_role(),
        "current_role_label": Role(access.highest_role()).label if access.highest_role() else "",
    }
