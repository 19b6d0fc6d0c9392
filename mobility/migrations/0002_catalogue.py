from django.db import migrations


def install(apps, schema_editor):
    from mobility.catalogue import services as catalogue

    catalogue.install(apps)


class Migration(migrations.Migration):
    dependencies = [("mobility", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
