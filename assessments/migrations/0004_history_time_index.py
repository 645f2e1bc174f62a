from django.db import migrations, models

# The audit log (platforms.audit) reads each history table newest first, a page at a time
# (ORDER BY at DESC, id DESC LIMIT n, optionally from a cursor): an index in that order.


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_framework_translations"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="roundevent",
            index=models.Index(fields=["-at", "-id"], name="round_event_audit_time"),
        ),
    ]
