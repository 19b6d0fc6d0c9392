import pytest
from django.db import DatabaseError, transaction

from partners.audit import audit_record
from partners.models import AuditEntry

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


def test_audit_entries_hold_no_values_of_personal_fields():
    from partners.audit import changes_between

    changes = changes_between(
        {"last_name": "Dupont", "status": "draft"}, {"last_name": "Durand", "status": "planned"}
    )
    assert changes == {"last_name": None, "status": ["draft", "planned"]}
