from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "certification"
    verbose_name = _("Certificates and documents")

    def ready(self) -> None:
        from certification import api, panels  # noqa: F401  (API endpoints; sections on the mobility, group and project pages)
        from certification.privacy import CERTIFICATES
        from mobility.privacy.holders import holder_register

        # What certification keeps about a learner, for the archive and the erasure (mobility sits below).
        holder_register(CERTIFICATES)

        from certification.seal import load_seal, seal_configured

        if seal_configured():
            load_seal()  # a configured seal that cannot seal stops the start, with its reason
