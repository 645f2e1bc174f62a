from django.db import migrations


def load(apps, schema_editor):
    from platforms.services import territories_load

    territories_load(model=apps.get_model("platforms", "Territory"))


class Migration(migrations.Migration):
    dependencies = [("platforms", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
