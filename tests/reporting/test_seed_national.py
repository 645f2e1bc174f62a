"""The national generator: deterministic from its seed, sized by --scale, and consistent with
what the app maintains itself (guardian grants, member counts, answered-at fields, counters)."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Min

from accounts.models import Notification, User
from assessments.models import PollAnswer, Round
from forums.models import Escalation, PoliceResponse, Proposal, ProposalEvent
from forums.problems.models import Practice
from platforms.models import Membership, Platform
from platforms.roles import roles_rebuild
from reporting.models import AnnualReport
from reporting.national import PHASES, generate
from reporting.national.base import DEMO_PASSWORD, DOMAIN, Sizes

pytestmark = pytest.mark.django_db
# the real day: terms and deadlines are read against it (determinism holds within a day)
TODAY = None
# (model, fields compared on the first rows): ids, links, texts and times included
FIRST_ROWS = [
    (User, ["id", "email", "first_name", "last_name", "date_joined", "gender"]),
    (Platform, ["id", "name", "slug", "level", "parent_id", "path", "kind", "created_at"]),
    (Membership, ["id", "user_id", "platform_id", "party", "role", "status", "term_start"]),
    (Proposal, ["id", "title", "body", "state", "origin_id", "platform_id", "submitted_at"]),
    (ProposalEvent, ["id", "proposal_id", "kind", "new_state", "actor_id", "at"]),
    (PoliceResponse, ["id", "proposal_id", "status", "text", "published_at"]),
    (Notification, ["id", "user_id", "title", "created_at"]),
    (PollAnswer, ["id", "poll_id", "day", "job", "top_concern"]),
]


def run(scale: float, seed: int, phases=PHASES) -> dict:
    """Generate inside a savepoint, read what came out, and roll it back."""
    with transaction.atomic():
        result = generate(scale=scale, seed=seed, phases=phases, verbose=False, today=TODAY)
        snapshot = {
            "tables": {t: rows for t, (rows, _s) in result["tables"].items()},
            "first": {
                m.__name__: list(m.objects.order_by("pk").values(*fields)[:3])
                for m, fields in FIRST_ROWS
            },
        }
        transaction.set_rollback(True)
    return snapshot


def test_same_seed_gives_the_same_rows_and_counts():
    first, second = run(0.001, seed=11), run(0.001, seed=11)
    assert first["tables"] == second["tables"]
    assert first["first"] == second["first"]
    assert all(first["first"][m.__name__] for m, _f in FIRST_ROWS)
    other = run(0.001, seed=12, phases=("structure", "proposals"))
    assert other["first"]["Proposal"] != first["first"]["Proposal"]


def test_counts_follow_the_scale_and_the_app_invariants_hold():
    sizes = Sizes(0.003)
    generate(scale=0.003, seed=5, verbose=False, today=TODAY)
    assert User.objects.filter(email__endswith="@" + DOMAIN).count() == sizes["users"]
    assert Platform.objects.filter(level="community").count() == sizes["forums"]
    assert Platform.objects.filter(level="community", kind="lcpc").count() == sizes["lcpcs"]
    assert Proposal.objects.count() == sizes["proposals"]
    assert Notification.objects.count() == sizes["notifications"]
    assert Round.objects.count() == sizes["rounds"]
    assert PollAnswer.objects.count() <= sizes["poll_answers"]
    assert Platform.objects.filter(level="national").count() == 1
    # a council for every rayon and city
    from platforms.models import Territory

    councils = Territory.objects.filter(kind__in=Territory.COUNCIL_KINDS).count()
    assert Platform.objects.filter(level="district").count() == councils
    assert AnnualReport.objects.filter(status="published", platform__level="national").exists()
    # guardian's cache equals the roles: a rebuild finds nothing to change
    assert roles_rebuild() == {"added": 0, "removed": 0}
    # every platform's member counter, where the app keeps one, matches its memberships
    from reporting.national import recount

    assert all(fixed == 0 for fixed in recount().values())
    # the answered-at fields follow the first published answer of each party
    firsts = dict(
        PoliceResponse.objects.filter(responder="police", published_at__isnull=False)
        .values_list("proposal_id")
        .annotate(first=Min("published_at"))
    )
    answered = dict(
        Proposal.objects.filter(police_answered_at__isnull=False).values_list(
            "pk", "police_answered_at"
        )
    )
    assert answered == firsts
    # registration numbers are those the service writes, unique per platform and year
    for e in Escalation.objects.filter(status="registered").select_related("to_platform")[:20]:
        assert e.number.endswith(f"-{e.year}-{e.sequence:04d}")
    for practice in Practice.objects.all():
        assert practice.adoption_count == practice.adoptions.count()
    for m in Membership.objects.filter(party="delegate").select_related("delegated_from")[:20]:
        m.full_clean()
    for p in Platform.objects.order_by("?")[:10]:
        p.full_clean()
    demo = User.objects.get(email=f"liaison@{DOMAIN}")
    assert demo.check_password(DEMO_PASSWORD)
    assert not User.objects.filter(email__startswith="user").first().has_usable_password()


def test_command_refuses_a_database_with_platforms(capsys):
    from django.core.management.base import CommandError

    from tests.factories import PlatformFactory

    PlatformFactory()
    with pytest.raises(CommandError):
        call_command("seed_national", "--scale", "0.001")
