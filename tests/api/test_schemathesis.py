"""Property-based run of the whole API against its own OpenAPI schema (schemathesis).

Every operation gets a fixed, bounded number of generated requests — schema-valid ones and
schema-violating ones — sent as a referent of centre A with a personal token, over demo-like
data in two centres. No request may cause a server error; every response (status, content type,
body, headers) must match the schema; a schema-violating request must be refused with a 4xx.
Path ids are often replaced by real ids of centre A (to reach real objects) or of centre B
(which must stay invisible).

One test walks every operation (rather than one test per operation) so that the data is built
once: the whole run stays within a couple of minutes on a small machine.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import token_for

#: Requests per operation and generation mode (valid / invalid): bounded, and the same every run.
EXAMPLES = 8

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture
def same_connection():
    """The WSGI app runs inside the test's transaction: it must not close the connection per request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _real_ids(path, world_a, world_b):
    for prefix, key in (
        ("/api/v1/mobilities/", "mobility"),
        ("/api/v1/learners/", "learner"),
        ("/api/v1/documents/", "document"),
        ("/api/v1/projects/", "project"),
    ):
        if path.startswith(prefix):
            return world_a[key].pk, world_b[key].pk
    return None


def _run_operation(operation, mode, token, world_a, world_b):
    checks = [*CHECKS, negative_data_rejection] if mode == GenerationMode.NEGATIVE else CHECKS
    ids = _real_ids(operation.path, world_a, world_b)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        phases=[Phase.explicit, Phase.generate],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        generated = (case.path_parameters or {}).get("id")
        if ids and isinstance(generated, int) and not isinstance(generated, bool):
            # two cases in three reach a real object: centre A's (visible) or centre B's (a 404)
            case.path_parameters["id"] = ids[generated % 3] if generated % 3 < 2 else generated
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=checks)

    run()


def test_api_conforms_to_its_schema(db, referent_a, world_a, world_b, same_connection, settings):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "token": None}
    token = token_for(referent_a)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run_operation(operation, mode, token, world_a, world_b)
            except Unsatisfiable:
                continue  # nothing can violate the schema of an operation without inputs
            except Exception as exc:
                failures.append(f"{operation.label} [{mode.value}]\n{exc}")
    assert operations >= 25
    assert not failures, "\n\n".join(failures)
