"""The audit log refuses TRUNCATE too: a statement-level trigger, since TRUNCATE fires no row
trigger (the UPDATE and DELETE ones of 0003 do not see it). It also fires when the table would be
emptied by ``TRUNCATE … CASCADE`` on a table it refers to."""

from django.db import migrations

POSTGRES_UP = """
DROP TRIGGER IF EXISTS partners_auditentry_no_truncate ON partners_auditentry;
CREATE TRIGGER partners_auditentry_no_truncate
    BEFORE TRUNCATE ON partners_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION partners_audit_append_only();
"""
POSTGRES_DOWN = "DROP TRIGGER IF EXISTS partners_auditentry_no_truncate ON partners_auditentry;"


def forwards(apps, schema_editor):
    # SQLite has no TRUNCATE (Django empties its tables with DELETE, which 0003 refuses already).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("partners", "0010_invited_addresses_verified")]

    operations = [migrations.RunPython(forwards, backwards)]
