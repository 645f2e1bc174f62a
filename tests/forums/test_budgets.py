"""The proposal page costs the same few queries for every signed-in persona, at any size."""

import pytest

from forums import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# session, user, proposal with its relations, the user's memberships (the snapshot every check
# reads), the user's liaison posts (the snapshot: answering, assigning, the header's link),
# timeline, published responses, escalations, attachments, comments, supporter count, the
# header's unread count; then per persona what only they see (below)
BASE = 12
EXTRA = {
    "alice": 0,
    "sam": 1,  # the secretariat's meetings to put it on the agenda
    "paula": 0,
    "leo": 1,  # the officer's own unpublished answers
    "sysadmin": 1,  # answers for every unit: its own unpublished answers
}


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize("persona", list(EXTRA))
def test_proposal_page_budget_per_persona(
    client,
    request,
    proposal,
    alice,
    sam,
    paula,
    leo,
    sysadmin,
    persona,
    size,
    django_assert_num_queries,
):
    for i in range(size):
        services.comment_add(proposal=proposal, author=alice, body=f"c{i}")
        services.response_log(proposal=proposal, actor=leo, status="in_progress", text=f"s{i}")
        services.proposal_support(proposal=proposal, user=UserFactory())
    client.force_login(request.getfixturevalue(persona))
    with django_assert_num_queries(BASE + EXTRA[persona]):
        response = client.get(proposal.get_absolute_url())
    assert response.status_code == 200
