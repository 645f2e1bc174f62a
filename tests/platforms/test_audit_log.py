"""The audit log: every history table refuses UPDATE and DELETE in PostgreSQL, even from raw
SQL; system administrators read all of them as one log, filtered by platform, actor and date,
paged by keyset without gaps or repeats."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from forums import services as forum_services
from forums.models import ProposalEvent
from platforms.audit import SOURCES, audit_entries, cursor_decode, cursor_encode
from platforms.history import history_models, install_append_only_triggers
from platforms.models import PlatformEvent, Role
from platforms.services import membership_grant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database triggers are PostgreSQL's"
)


def _value(field):
    if isinstance(field, models.ForeignKey):
        return 1  # any id: foreign keys are not checked while the row is planted
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.localdate()
    if isinstance(field, models.DecimalField | models.IntegerField):
        return 1
    return "x"


def plant(model):
    """One row in `model`'s table, written with foreign-key checks off (replica role)."""
    values = {
        f.attname: _value(f)
        for f in model._meta.concrete_fields
        if not f.primary_key or not isinstance(f, models.AutoField)
    }
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        model._base_manager.bulk_create([model(**values)])
        cursor.execute("SET LOCAL session_replication_role = origin")
    return model._base_manager.order_by("-pk").values_list("pk", flat=True).first()


@postgres_only
@pytest.mark.parametrize("model", history_models(), ids=lambda m: m._meta.label)
def test_every_history_table_refuses_update_and_delete_even_in_raw_sql(model):
    install_append_only_triggers()
    table, pk_column = model._meta.db_table, model._meta.pk.column
    text = next(
        f.column
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.primary_key
    )
    with transaction.atomic():
        pk = plant(model)
        statements = [
            f'UPDATE "{table}" SET "{text}" = "{text}" || \'!\' WHERE "{pk_column}" = %s',  # noqa: S608
            f'UPDATE "{table}" SET "{pk_column}" = "{pk_column}" + 1000000 WHERE "{pk_column}" = %s',  # noqa: S608
            f'DELETE FROM "{table}" WHERE "{pk_column}" = %s',  # noqa: S608
        ]
        for sql in statements:
            with pytest.raises(IntegrityError) as exc, transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(sql, [pk])
            assert "append-only" in str(exc.value)
        assert model._base_manager.filter(pk=pk).exists()
        # the ORM paths around save()/delete() are refused too
        with pytest.raises(IntegrityError), transaction.atomic():
            model._base_manager.filter(pk=pk).delete()
        transaction.set_rollback(True)


def test_every_history_table_is_in_the_audit_log_or_named_as_a_detail():
    """A new history table is either read by the log or consciously left to its own page."""
    details = {
        # per-figure, per-version and per-review rows, shown on their own pages
        "assessments.ProfileFigure",
        "assessments.RecommendationUpdate",
        "forums.ProblemReview",
        "reporting.PlanEndorsement",
        "reporting.ReportVersion",
    }
    logged = {s.model.lower() for s in SOURCES}
    for model in history_models():
        label = model._meta.label
        assert label.lower() in logged or label in details, f"{label} is not in the audit log"


# --- the log ------------------------------------------------------------------------------------


@pytest.fixture
def events(forum, council, sam, alice):
    """Role and membership changes on the forum and the council, and a proposal's timeline."""
    membership_grant(
        platform=council, user=UserFactory(), party="ngo", role=Role.ADMIN, actor=None,
        check=False,
    )  # fmt: skip
    proposal = forum_services.proposal_create(
        platform=forum, author=alice, title="Lights", body="Dark.", category="school", submit=True
    )
    return proposal


def test_the_log_reads_every_kind_newest_first_and_filters(events, forum, council, alice):
    rows, cursor = audit_entries()
    assert cursor is None
    sources = {r["log_source"] for r in rows}
    assert {"platform", "proposal"} <= sources
    times = [r["log_at"] for r in rows]
    assert times == sorted(times, reverse=True)

    forum_rows, _ = audit_entries(platform=forum)
    assert forum_rows and all(r["platform"] == forum for r in forum_rows)
    assert not any(r["platform"] == council for r in forum_rows)
    below, _ = audit_entries(platform=council, include_below=True)
    assert {r["platform"] for r in below} == {forum, council}

    by_alice, _ = audit_entries(actor=alice)
    assert by_alice and all(r["actor"] == alice for r in by_alice)
    assert {r["log_kind"] for r in by_alice} >= {"created", "submitted"}

    tomorrow = timezone.now() + timedelta(days=1)
    assert audit_entries(since=tomorrow)[0] == []
    assert audit_entries(until=tomorrow)[0] == rows


def test_keyset_pages_have_no_gaps_or_repeats_even_at_one_instant(forum, alice):
    """Sixty rows from two tables written at the same microsecond: pages of 25 list each once."""
    proposal = forum_services.proposal_create(
        platform=forum, author=alice, title="T", body="B", category="school"
    )
    at = timezone.now()
    PlatformEvent.objects.bulk_create(
        PlatformEvent(platform=forum, kind="role", new=str(i), at=at) for i in range(30)
    )
    ProposalEvent.objects.bulk_create(
        ProposalEvent(proposal=proposal, platform=forum, kind="vote", note=str(i), at=at)
        for i in range(30)
    )
    total = len(audit_entries(platform=forum, size=1000)[0])
    seen, cursor, pages = [], None, 0
    while True:
        rows, cursor = audit_entries(platform=forum, cursor=cursor, size=25)
        seen += [(r["log_source"], r["pk"]) for r in rows]
        pages += 1
        if cursor is None:
            break
        cursor = cursor_decode(cursor_encode(cursor))  # through the query string
    assert pages == -(-total // 25)
    assert len(seen) == len(set(seen)) == total >= 61


def test_a_page_costs_the_same_few_queries(forum, alice, django_assert_num_queries):
    for _ in range(5):
        forum_services.proposal_create(
            platform=forum, author=alice, title="T", body="B", category="school", submit=True
        )
    # the UNION of every table, the platforms named, the actors named
    with django_assert_num_queries(3):
        rows, _ = audit_entries(size=10)
    assert len(rows) == 10


def test_only_system_administrators_open_the_page(client, events, sysadmin, sam, forum):
    url = reverse("platforms:audit")
    assert client.get(url).status_code == 302  # to the admin sign-in
    client.force_login(sam)
    assert client.get(url).status_code == 302
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(sysadmin)
    response = client.get(url, {"platform": forum.pk, "actor": "nobody@example.org"})
    assert response.status_code == 200
    assert "No account has this e-mail address." in response.content.decode()
    html = client.get(url, {"platform": forum.pk}).content.decode()
    assert 'data-source="proposal"' in html and 'data-source="platform"' in html


def test_the_page_pages_and_survives_a_forged_cursor(client, sysadmin, forum, alice):
    proposal = forum_services.proposal_create(
        platform=forum, author=alice, title="T", body="B", category="school"
    )
    ProposalEvent.objects.bulk_create(
        ProposalEvent(proposal=proposal, platform=forum, kind="vote", note=f"n{i}")
        for i in range(60)
    )
    client.force_login(sysadmin)
    url = reverse("platforms:audit")
    first = client.get(url)
    assert first.context["next_query"].startswith("after=")
    second = client.get(f"{url}?{first.context['next_query']}")
    assert second.status_code == 200 and len(second.context["rows"]) >= 11
    for forged in ["x", "2026-01-01T00:00:00~99~1", "~~", "2026-13-45~0~1", "\x00"]:
        assert client.get(url, {"after": forged}).status_code == 200
