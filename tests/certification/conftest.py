import pytest
from django.utils import translation

from certification.models import DocumentJob, JobStatus
from certification.services.renders import document_job_run
from tests import factories as base

from .factories import evaluated_mobility

ACCENTED_NAMES = [
    ("Łukasz", "Żółć"),
    ("Σοφία", "Παπαδοπούλου"),
    ("Mette", "Ørsted-Jørgensen"),
    ("Zoë", "O'Brien-Núñez"),
    ("Алексей", "Смирнов"),
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Every test writes its files in its own folder; the cast's passwords hash fast."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _language_reset():
    """Requests activate the user's language in this thread; the next test must not inherit it."""
    yield
    translation.deactivate()


@pytest.fixture
def learner_a(centre_a):
    return base.LearnerFactory(
        centre=centre_a, first_name="Łukasz", last_name="Żółć", preferred_language="fr"
    )


@pytest.fixture
def mobility_a(centre_a, learner_a):
    return evaluated_mobility(participant=learner_a)


@pytest.fixture
def mobility_b(centre_b):
    return evaluated_mobility(centre=centre_b)


def run_jobs() -> list[DocumentJob]:
    """Renders every waiting job here and now, as a worker would."""
    done = []
    for pk in (
        DocumentJob.objects.filter(status=JobStatus.REQUESTED).order_by("pk").values_list("pk", flat=True)
    ):
        done.append(document_job_run(job_id=pk))
    return done
