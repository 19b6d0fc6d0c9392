from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners and access")

    def ready(self) -> None:
        from . import dashboard, signals  # noqa: F401  (dashboard panels; login audit and lockout counters)
