"""Citizen polls: who may answer, once; answers unlinkable to people; the display rules."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from assessments import selectors, services
from assessments.models import Poll, PollAnswer, PollParticipation, Residence
from tests.assessments.conftest import make_round, publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ANSWERS = {
    "job": "4",
    "confidence": "5",
    "rely": "3",
    "respect": "4",
    "fair": "4",
    "listen": "2",
    "safe_dark": "3",
    "knows_inspector": "yes",
    "contacted": "no",
    "top_concern": "Темно у школы",
}


@pytest.fixture
def poll(forum, sam, unit):
    round_ = make_round(forum, sam, [unit])
    services.round_open(round_=round_, actor=sam)
    return round_.poll


def test_a_resident_answers_once(poll, rita):
    services.poll_respond(poll=poll, user=rita, answers=ANSWERS)
    with pytest.raises(ValidationError) as exc:
        services.poll_respond(poll=poll, user=rita, answers=ANSWERS)
    assert "already answered" in " ".join(exc.value.messages)
    assert PollAnswer.objects.count() == 1 and PollParticipation.objects.count() == 1


def test_residents_only_and_verified_only(poll, cyril, forum):
    with pytest.raises(PermissionDenied) as exc:
        services.poll_respond(poll=poll, user=cyril, answers=ANSWERS)
    assert "Only residents" in str(exc.value)
    Residence.objects.create(user=cyril, territory=forum.territory.parent)  # the rayon: wider
    with pytest.raises(PermissionDenied):
        services.poll_respond(poll=poll, user=cyril, answers=ANSWERS)
    unverified = UserFactory(verified=False)
    Residence.objects.create(user=unverified, territory=forum.territory)
    with pytest.raises(PermissionDenied) as exc:
        services.poll_respond(poll=poll, user=unverified, answers=ANSWERS)
    assert "Confirm your e-mail" in str(exc.value)
    assert not PollAnswer.objects.exists() and not PollParticipation.objects.exists()


def test_answers_off_the_scale_are_refused(poll, rita):
    with pytest.raises(ValidationError):
        services.poll_respond(poll=poll, user=rita, answers={**ANSWERS, "safe_dark": "5"})
    assert not PollParticipation.objects.exists()


def test_a_closed_poll_takes_no_answers(forum, sam, raters, unit, rita):
    round_ = publish(forum, sam, raters, [unit])
    with pytest.raises(ValidationError):
        services.poll_respond(poll=round_.poll, user=rita, answers=ANSWERS)


def test_answer_table_cannot_be_joined_to_a_user(poll, forum):
    """Read the answer table as the database gives it: no user column, no time finer than a
    day, a random key, and rows not in the order they came."""
    users = []
    for i in range(30):
        u = UserFactory()
        Residence.objects.create(user=u, territory=forum.territory)
        services.poll_respond(
            poll=poll, user=u, answers={**ANSWERS, "top_concern": f"answer-{i:02d}"}
        )
        users.append(u)
    table = PollAnswer._meta.db_table
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
        relations = connection.introspection.get_relations(cursor, table)
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - a fixed table name
        rows = cursor.fetchall()
    assert not any("user" in c for c in columns)
    assert {target for _col, (_f, target) in relations.items()} == {Poll._meta.db_table}
    types = {f.column: f.get_internal_type() for f in PollAnswer._meta.fields}
    assert "DateTimeField" not in types.values() and types["id"] == "UUIDField"
    concerns = [row[columns.index("top_concern")] for row in rows]
    assert sorted(concerns) == [f"answer-{i:02d}" for i in range(30)]
    assert concerns != sorted(concerns)  # physical order is not submission order (p = 1/30!)
    participation_columns = {f.column for f in PollParticipation._meta.fields}
    assert participation_columns == {"id", "poll_id", "user_id"}


def test_paper_batch_all_or_nothing(poll, sam, alice):
    with pytest.raises(ValidationError) as exc:
        services.poll_paper_batch(
            poll=poll, actor=sam, lines="4,4,4,4,4,4,3,y,n\n9,4,4,4,4,4,3,y,n"
        )
    assert "Line 2" in " ".join(exc.value.messages)
    assert not PollAnswer.objects.exists()
    with pytest.raises(PermissionDenied):
        services.poll_paper_batch(poll=poll, actor=alice, lines="4,4,4,4,4,4,3,y,n")
    n = services.poll_paper_batch(
        poll=poll, actor=sam, lines="4,4,4,4,4,4,3,y,n\n-,2,2,2,2,2,1,n,-,Драки у бара"
    )
    assert n == 2 and PollAnswer.objects.filter(paper=True).count() == 2


def _figures(n, *, n_paper=0, positive=None, method="portal", paper_positive=None):
    a = {"n": n, "n_paper": n_paper}
    pos = positive if positive is not None else n // 2
    ppos = paper_positive if paper_positive is not None else n_paper // 2
    for field, _ in selectors.POLL_QUESTIONS:
        a.update(
            {
                f"{field}_n": n,
                f"{field}_pos": pos,
                f"{field}_n_paper": n_paper,
                f"{field}_pos_paper": ppos,
            }
        )
    return selectors.poll_figures(a, method=method)


@pytest.mark.parametrize(
    ("n", "shown", "indicative"),
    [(9, False, False), (10, True, True), (99, True, True), (100, True, False)],
)
def test_display_thresholds(n, shown, indicative):
    f = _figures(n)
    assert (f["shown"], f["indicative"], f["n"]) == (shown, indicative, n)
    assert bool(f["questions"]) == shown  # under 10: the count and nothing else


def test_margin_only_for_a_random_sample():
    assert "margin" not in _figures(400, positive=200)["questions"][0]
    assert _figures(400, positive=200)["self_selected"]
    q = _figures(400, positive=200, method=Poll.Method.SAMPLE)["questions"][0]
    assert q["percent"] == 50 and q["margin"] == 4.9  # 1.96 * sqrt(.25/400) = 4.9 points


def test_no_breakdown_that_reveals_a_hidden_group_by_subtraction():
    """105 answers, 9 on paper: showing the portal's 96 would give the paper 9 by subtraction,
    so neither part is shown; with 10 on paper both are."""
    hidden = _figures(105, n_paper=9, positive=60, paper_positive=3)
    assert hidden["breakdown"] is False
    assert all("portal" not in q and "paper" not in q for q in hidden["questions"])
    shown = _figures(110, n_paper=10, positive=60, paper_positive=3)
    assert shown["breakdown"] is True
    q = shown["questions"][0]
    assert q["paper"] == {"answered": 10, "percent": 30}
    assert q["portal"] == {"answered": 100, "percent": 57}


def test_a_question_with_too_few_answers_is_hidden_alone():
    a = {"n": 50, "n_paper": 0}
    for field, _ in selectors.POLL_QUESTIONS:
        a.update(
            {f"{field}_n": 50, f"{field}_pos": 25, f"{field}_n_paper": 0, f"{field}_pos_paper": 0}
        )
    a["contacted_n"], a["contacted_pos"] = 9, 4
    rows = {q["field"]: q for q in selectors.poll_figures(a, method="portal")["questions"]}
    assert (
        rows["job"]["shown"]
        and not rows["contacted"]["shown"]
        and "percent" not in rows["contacted"]
    )


def test_results_from_the_database_match_hand_counts(poll, sam):
    lines = "\n".join(
        ["5,5,5,5,5,5,4,y,y"] * 6 + ["1,1,1,1,1,1,1,n,n"] * 4 + ["3,-,3,3,3,3,2,-,-"] * 2
    )
    services.poll_paper_batch(poll=poll, actor=sam, lines=lines)
    r = selectors.poll_results(poll)
    rows = {q["field"]: q for q in r["questions"]}
    assert r["n"] == 12 and r["indicative"]
    assert rows["job"]["answered"] == 12 and rows["job"]["percent"] == 50  # 6 of 12
    assert rows["confidence"]["answered"] == 10 and rows["confidence"]["percent"] == 60
    assert rows["knows_inspector"]["answered"] == 10 and rows["knows_inspector"]["percent"] == 60


@pytest.mark.django_db(transaction=True)
def test_one_response_under_20_concurrent_submissions(forum, sam, unit, rita):
    """Twenty simultaneous submissions of one user: one answer, one participation."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    round_ = make_round(forum, sam, [unit])
    services.round_open(round_=round_, actor=sam)
    poll = round_.poll
    barrier = threading.Barrier(20)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            services.poll_respond(poll=poll, user=rita, answers=ANSWERS)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1 and outcomes.count("refused") == 19
    assert PollParticipation.objects.filter(poll=poll).count() == 1
    assert PollAnswer.objects.filter(poll=poll).count() == 1
