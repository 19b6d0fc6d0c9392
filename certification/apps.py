from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certificates and documents")

    def ready(self) -> None:
        from . import api, panels  # noqa: F401  (API endpoints; sections on the mobility, group and project pages)
