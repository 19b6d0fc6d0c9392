"""Django finds an app's models in ``<app>.models``: each sub-domain's models are imported here."""

from mobility.agreements import models as agreements  # noqa: F401
from mobility.care import models as care  # noqa: F401
from mobility.catalogue import models as catalogue  # noqa: F401
from mobility.data import models as data  # noqa: F401
from mobility.documents import models as documents  # noqa: F401
from mobility.evaluations import models as evaluations  # noqa: F401
from mobility.funding import models as funding  # noqa: F401
from mobility.guests import models as guests  # noqa: F401
from mobility.learners import models as learners  # noqa: F401
from mobility.mobilities import models as mobilities  # noqa: F401
from mobility.projects import models as projects  # noqa: F401
from mobility.quality import models as quality  # noqa: F401
from mobility.recruitment import models as recruitment  # noqa: F401
from mobility.site import models as site  # noqa: F401
from mobility.tracking import models as tracking  # noqa: F401
