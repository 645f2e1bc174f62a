from django.db import migrations, models

# The audit log (platforms.audit) reads each history table newest first, a page at a time
# (ORDER BY at DESC, id DESC LIMIT n, optionally from a cursor): an index in that order.


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="planevent",
            index=models.Index(fields=["-at", "-id"], name="plan_event_audit_time"),
        ),
        migrations.AddIndex(
            model_name="reportevent",
            index=models.Index(fields=["-at", "-id"], name="report_event_audit_time"),
        ),
    ]
