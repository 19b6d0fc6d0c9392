from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners and access")

    def ready(self) -> None:
        from . import dashboard, signals  # noqa: F401  (dashboard panels; login audit and lockout counters)
        from .emails import register_issuer
        from .services import invitation_email_issue

        # An invitation's token is made when its e-mail leaves, never stored.
        register_issuer("invitation", invitation_email_issue, shown_as=_("personal link"))
