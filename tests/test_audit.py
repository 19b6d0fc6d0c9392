import pytest
from django.db import DatabaseError, connection, transaction

from partners.audit.models import AuditEntry
from partners.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_audit_entries_cannot_be_changed_in_the_database():
    entry = audit_record(action="test.write")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="test.rewritten")
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.write"


def test_audit_entries_cannot_be_deleted_in_the_database():
    entry = audit_record(action="test.write")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def _truncate(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


@pytest.fixture
def constraints_checked():
    """The test's own inserts leave deferred foreign-key checks pending, and TRUNCATE refuses a
    table with pending checks before any trigger runs: run them now."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_audit_table_cannot_be_truncated_in_the_database(constraints_checked):
    entry = audit_record(action="test.write")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE partners_auditentry")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_truncating_a_table_it_refers_to_does_not_empty_it_either(referent_a, constraints_checked):
    entry = audit_record(action="test.write", actor=referent_a)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE partners_user CASCADE")
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_audit_entries_hold_no_values_of_personal_fields():
    from partners.audit.services import changes_between

    changes = changes_between(
        {"last_name": "Dupont", "status": "draft"}, {"last_name": "Durand", "status": "planned"}
    )
    assert changes == {"last_name": None, "status": ["draft", "planned"]}
