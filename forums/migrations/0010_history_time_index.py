from django.db import migrations, models

# The audit log (platforms.audit) reads each history table newest first, a page at a time
# (ORDER BY at DESC, id DESC LIMIT n, optionally from a cursor): an index in that order.


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0009_tracker_keyset_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="minutescorrection",
            index=models.Index(fields=["-at", "-id"], name="minutes_correction_audit_time"),
        ),
        migrations.AddIndex(
            model_name="problemevent",
            index=models.Index(fields=["-at", "-id"], name="problem_event_audit_time"),
        ),
        migrations.AddIndex(
            model_name="proposalevent",
            index=models.Index(fields=["-at", "-id"], name="proposal_event_audit_time"),
        ),
    ]
