"""Pages that forums print for a meeting on paper print cleanly on A4 (issue 15.7).

With print media emulated, a proposal, a meeting's agenda and minutes, a police unit's
scorecard and an annual report show no menu, language switch, form or button, in black on
white; Chromium's PDF of a meeting and of a report on A4 has a sane number of pages (kept
under $ARTEFACTS_DIR for a person to look at). Each meeting page links to its print view
(?print=1), which shows the page as it prints, also without JavaScript.
"""

import io

import pikepdf
import pytest

from assessments.models import Round, Subject
from forums.models import Meeting, Proposal
from reporting.models import AnnualReport
from tests.e2e.conftest import artefacts_dir
from tests.support.pages import demo_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HIDDEN_ON_PAPER = ["header.site-header", "header nav", ".lang", "footer.site-footer"]


def _pdf_pages(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


@pytest.fixture
def demo(db):
    roles = demo_roles()
    meeting = (
        Meeting.objects.filter(minutes_published_at__isnull=False).order_by("pk").first()
        or Meeting.objects.order_by("pk").first()
    )
    subject = Subject.objects.filter(round__state=Round.State.PUBLISHED).order_by("pk").first()
    report = AnnualReport.objects.filter(status__in=AnnualReport.PUBLIC_STATUSES).first()
    assert meeting and subject and report, "the demo holds a meeting, a scorecard and a report"
    return {
        "roles": roles,
        "meeting": meeting.get_absolute_url(),
        "proposal": Proposal.objects.exclude(state="draft")
        .order_by("pk")
        .first()
        .get_absolute_url(),
        "scorecard": f"/assessments/units/{subject.unit_id}/",
        "report": report.get_absolute_url(),
    }


def _visible(page, selector) -> bool:
    return any(el.is_visible() for el in page.locator(selector).all())


def test_pages_print_cleanly_on_a4_and_meetings_link_to_their_print_view(
    live_server, page, page_without_js, browser, demo
):
    """One test, one demo: seeding it is the slow part."""
    _printed_pages_hide_menus_and_forms_and_print_black_on_white(live_server, page, demo)
    _a_meeting_and_a_report_print_on_a_sane_number_of_a4_pages(live_server, browser, demo)
    _each_meeting_links_to_a_print_view_that_works_without_javascript(
        live_server, page_without_js, demo
    )


def _printed_pages_hide_menus_and_forms_and_print_black_on_white(live_server, page, demo):
    for name in ("proposal", "meeting", "scorecard", "report"):
        page.emulate_media(media="screen")
        page.goto(live_server.url + demo[name])
        assert _visible(page, "header nav"), name
        page.emulate_media(media="print")
        for selector in HIDDEN_ON_PAPER + ["main form", "main button", "main .button"]:
            assert not _visible(page, selector), (name, selector)
        colours = page.evaluate(
            "() => [getComputedStyle(document.body).color,"
            " getComputedStyle(document.body).backgroundColor,"
            " getComputedStyle(document.querySelector('main a') || document.body).color]"
        )
        assert colours[0] == "rgb(0, 0, 0)", (name, colours)
        assert colours[1] in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), (name, colours)
        assert colours[2] == "rgb(0, 0, 0)", (name, colours)
        assert page.locator("h1").is_visible(), name


def _a_meeting_and_a_report_print_on_a_sane_number_of_a4_pages(live_server, browser, demo):
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    out = artefacts_dir() / "print"
    out.mkdir(exist_ok=True)
    try:
        counts = {}
        for name, most in (("meeting", 4), ("report", 25), ("proposal", 8), ("scorecard", 12)):
            page.goto(live_server.url + demo[name])
            page.emulate_media(media="print")
            data = page.pdf(format="A4", print_background=False)
            (out / f"{name}.pdf").write_bytes(data)
            counts[name] = _pdf_pages(data)
            assert 1 <= counts[name] <= most, (name, counts)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            box = [float(v) for v in pdf.pages[0].mediabox]
        # A4 is 595 x 842 points (Chromium rounds it to 8.27 x 11.7 inches)
        assert abs(box[2] - 595.3) < 2 and abs(box[3] - 841.9) < 2, box
    finally:
        context.close()
    print(f"A4 pages: {counts}")  # noqa: T201


def _each_meeting_links_to_a_print_view_that_works_without_javascript(
    live_server, page_without_js, demo
):
    page = page_without_js
    page.goto(live_server.url + demo["meeting"])
    link = page.locator("[data-testid=print-agenda]")
    assert link.is_visible()
    with page.expect_navigation():
        link.click()
    assert page.url.endswith("?print=1")
    assert "print-view" in (page.locator("body").get_attribute("class") or "")
    assert not _visible(page, "header nav")
    assert not _visible(page, "main form")
    assert page.locator("h1").is_visible()
    assert page.locator("[data-testid=agenda]").is_visible()
