import pytest


@pytest.fixture(autouse=True)
def _shipped_rate_tables(request):
    """The shipped rate tables, as the migration installs them: a transactional test elsewhere in
    the run flushes every table, so they are put back (when missing) before each funding test."""
    if "db" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    from mobility.funding import services

    request.getfixturevalue("db")
    services.install()
