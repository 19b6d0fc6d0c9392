"""Django finds an app's models in ``<app>.models``: each sub-domain's models are imported here."""

from partners.accounts import models as accounts  # noqa: F401
from partners.agreements import models as agreements  # noqa: F401
from partners.audit import models as audit  # noqa: F401
from partners.broker import models as broker  # noqa: F401
from partners.directory import models as directory  # noqa: F401
from partners.emails import models as emails  # noqa: F401
from partners.quality import models as quality  # noqa: F401
