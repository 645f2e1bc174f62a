from django.db import migrations

# Two helpers added a reporting migration on the same afternoon: the audit log's time indexes
# and the yearly figure summaries. Nothing to do but join them.


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0002_history_time_index"),
        ("reporting", "0002_platform_year_summaries"),
    ]

    operations = []
