"""Every button style is readable, measured from computed colours (axe only flags 1:1 for review).

The author's "Withdraw" was white on white; destructive actions ask before they act.
"""

import pytest

from forums import services
from tests.e2e.test_journeys import login, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The WCAG contrast ratio of each button's text against the first opaque background behind it.
CONTRASTS = """
() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let n = el; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll("button, .button, summary.button, a.button")]
    .filter((el) => el.offsetParent !== null)
    .map((el) => {
      const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(background(el));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      return { text: el.innerText.trim(), ratio: Math.round(ratio * 100) / 100 };
    });
}
"""


def test_every_button_on_the_authors_page_is_readable_and_withdraw_asks_first(
    live_server, browser, forum
):
    from platforms.models import Party
    from tests.conftest import _grant

    author = _grant(forum, party=Party.CITIZEN)
    proposal = services.proposal_create(
        platform=forum, author=author, title="Фонари", body="Темно", category="road", submit=True
    )
    page = new_page(browser)
    login(page, live_server, author.email)
    for hover in (False, True):
        page.goto(live_server.url + proposal.get_absolute_url())
        page.click("summary:has-text('Withdraw the proposal')")
        if hover:
            page.hover("button.danger")
        low = [b for b in page.evaluate(CONTRASTS) if b["ratio"] < 4.5]
        assert not low, f"buttons below 4.5:1: {low}"
    # the first click only opened the question; nothing changed yet
    proposal.refresh_from_db()
    assert proposal.state == "submitted"
    page.click("button.danger")
    page.wait_for_load_state()
    proposal.refresh_from_db()
    assert proposal.state == "withdrawn"
