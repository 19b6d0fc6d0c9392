"""The audit log is append-only, enforced by the database itself: UPDATE and DELETE are refused."""

from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION partners_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only (%% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS partners_auditentry_append_only ON partners_auditentry;
CREATE TRIGGER partners_auditentry_append_only
    BEFORE UPDATE OR DELETE ON partners_auditentry
    FOR EACH ROW EXECUTE FUNCTION partners_audit_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS partners_auditentry_append_only ON partners_auditentry;
DROP FUNCTION IF EXISTS partners_audit_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER IF NOT EXISTS partners_auditentry_no_update BEFORE UPDATE ON partners_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;""",
    """CREATE TRIGGER IF NOT EXISTS partners_auditentry_no_delete BEFORE DELETE ON partners_auditentry
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS partners_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS partners_auditentry_no_delete;",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_outbound_email")]

    operations = [migrations.RunPython(forwards, backwards)]
