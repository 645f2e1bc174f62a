from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone


def backfill_member_counts(apps, schema_editor):
    """People with an active membership per platform, and per party among current members (as
    platforms.services.platform_member_count_refresh counts them)."""
    Platform = apps.get_model("platforms", "Platform")
    Membership = apps.get_model("platforms", "Membership")
    people = (
        Membership.objects.filter(platform=OuterRef("pk"), status="active")
        .order_by()
        .values("platform")
        .annotate(n=Count("user", distinct=True))
        .values("n")[:1]
    )
    Platform.objects.update(member_count=Coalesce(Subquery(people), 0))
    today = timezone.localdate()
    current = Membership.objects.filter(status="active").filter(
        Q(term_start__isnull=True) | Q(term_start__lte=today),
        Q(term_end__isnull=True) | Q(term_end__gte=today),
    )
    by_platform: dict[int, dict[str, int]] = {}
    rows = (
        current.order_by()
        .values("platform", "party")
        .annotate(n=Count("user", distinct=True))
        .values_list("platform", "party", "n")
    )
    for platform_id, party, n in rows.iterator():
        by_platform.setdefault(platform_id, {})[party] = n
    for platform_id, counts in by_platform.items():
        Platform.objects.filter(pk=platform_id).update(party_counts=counts)


class Migration(migrations.Migration):
    dependencies = [
        ("platforms", "0009_territory_names_uz"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="platform",
            name="member_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="members"),
        ),
        migrations.AddField(
            model_name="platform",
            name="party_counts",
            field=models.JSONField(default=dict, editable=False),
        ),
        migrations.RunPython(backfill_member_counts, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                condition=models.Q(("status", "active")),
                fields=["platform", "party", "role", "id"],
                name="membership_active_order",
            ),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                condition=models.Q(
                    ("status", "active"),
                    models.Q(("role", "secretariat"), ("party", "delegate"), _connector="OR"),
                ),
                fields=["platform"],
                name="membership_term_holders",
            ),
        ),
        migrations.AddIndex(
            model_name="membership",
            index=models.Index(
                condition=models.Q(("status", "requested")),
                fields=["platform", "created_at", "id"],
                name="membership_requests",
            ),
        ),
        migrations.AddIndex(
            model_name="platformevent",
            index=models.Index(
                condition=models.Q(("membership__isnull", False)),
                fields=["platform", "-at", "-id"],
                name="event_membership_history",
            ),
        ),
    ]
