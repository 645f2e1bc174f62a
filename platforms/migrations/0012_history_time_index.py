from django.db import migrations, models

# The audit log (platforms.audit) reads each history table newest first, a page at a time
# (ORDER BY at DESC, id DESC LIMIT n, optionally from a cursor): an index in that order.


class Migration(migrations.Migration):
    dependencies = [
        ("platforms", "0011_import_job"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="forumacknowledgement",
            index=models.Index(fields=["-at", "-id"], name="acknowledgement_audit_time"),
        ),
    ]
