from django.db import migrations


def load(apps, schema_editor):
    from assessments.defaults import frameworks_load

    frameworks_load(apps.get_model("assessments", "Framework"), apps.get_model("assessments", "Criterion"))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
