"""Script-like content typed into the forms never runs, and long strings never widen a page.

Real headless Chromium: a member and the secretariat store `<script>`, `<img onerror>` and
`javascript:` content through the forms (profile name, proposal, comment, meeting, thematic
group, SARA problem), then every page that shows it is opened on a 360 px screen. Any dialog,
console error or page error fails the test (a script that ran, or one the CSP had to block, both
log), and so does a page wider than the screen.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from forums.models import Comment, Meeting, Proposal
from forums.problems.models import Problem
from platforms.models import ThematicGroup
from tests.forums import problem_builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
LINK = "javascript:alert(1)"
LONG = "Ж" * 300


def _session(live_server, user) -> dict:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}


class Watched:
    """A page whose dialogs, console errors and uncaught errors are collected."""

    def __init__(self, browser, live_server, user=None):
        self.context = browser.new_context(viewport={"width": 360, "height": 740})
        if user is not None:
            self.context.add_cookies([_session(live_server, user)])
        self.page = self.context.new_page()
        self.page.set_default_timeout(15000)
        self.base = live_server.url
        self.problems: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on(
            "console",
            lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    def _dialog(self, dialog):
        self.problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def goto(self, path):
        response = self.page.goto(self.base + path)
        assert response.status < 500, (path, response.status)
        return response

    def submit(self, path, fields: dict, selects: dict | None = None):
        """Fill the form that holds the first field and submit it with its own button."""
        self.goto(path)
        first = next(iter(fields))
        form = self.page.locator(f"form:has([name='{first}'])").first
        for name, value in fields.items():
            form.locator(f"[name='{name}']").fill(value)
        for name, value in (selects or {}).items():
            form.locator(f"select[name='{name}']").select_option(value)
        with self.page.expect_navigation():
            form.locator("button[type=submit], input[type=submit]").first.click()

    def check(self, path):
        self.goto(path)
        width = self.page.evaluate("() => document.documentElement.scrollWidth")
        if width > 360:
            self.problems.append(f"{path} is {width} px wide")
        # the text is shown as text, never as markup
        html = self.page.content()
        if re.search(r"<img[^>]+onerror", html) or "<script>alert(1)" in html:
            self.problems.append(f"{path} contains live markup from user content")


@pytest.fixture
def staged(browser, live_server, forum, alice, sam):
    """The hostile content, stored through the forms by the people who may use them."""
    member = Watched(browser, live_server, alice)
    member.submit(reverse("accounts:profile"), {"display_name": f"{IMG}{LONG}"})
    member.submit(
        reverse("forums:proposal_new", kwargs={"slug": forum.slug}),
        {
            "title": f"{SCRIPT} {LONG[:150]}",
            "body": f"{IMG} {LINK} https://example.org/{'a' * 3000}",
            "place": f"{LINK} {LONG}",
        },
        {"category": "youth"},
    )
    proposal = Proposal.objects.filter(author=alice).latest("pk")
    member.submit(proposal.get_absolute_url(), {"body": f"{SCRIPT} {LINK} {LONG}"})
    secretariat = Watched(browser, live_server, sam)
    secretariat.submit(
        reverse("forums:meeting_new", kwargs={"slug": forum.slug}),
        {"title": f"{IMG} meeting", "location": f"{LINK}{LONG}", "starts_at": "2030-05-01T10:00"},
    )
    secretariat.submit(
        reverse("platforms:group_new", kwargs={"slug": forum.slug}),
        {"name": f"{SCRIPT} group", "description": f"{IMG} {LONG}"},
    )
    problem = problem_builders.record(forum, alice)
    member.submit(
        reverse("forums:problem_edit", kwargs={"pk": problem.pk, "stage": "scanning"}),
        {"title": f"{SCRIPT} problem {LONG[:100]}", "place": f"{IMG}{LONG[:150]}"},
    )
    stored = {
        "proposal": proposal,
        "meeting": Meeting.objects.get(platform=forum, title__startswith="<img"),
        "group": ThematicGroup.objects.get(platform=forum, name__startswith="<script>"),
        "problem": Problem.objects.get(pk=problem.pk),
    }
    assert Comment.objects.filter(proposal=proposal, body__startswith="<script>").exists()
    assert stored["problem"].title.startswith("<script>")
    assert member.problems == [] and secretariat.problems == [], (
        member.problems + secretariat.problems
    )
    member.context.close()
    secretariat.context.close()
    return stored


def test_stored_script_never_runs_and_long_strings_fit(browser, live_server, forum, staged, alice):
    proposal, meeting, group, problem = (
        staged["proposal"],
        staged["meeting"],
        staged["group"],
        staged["problem"],
    )
    pages = [
        proposal.get_absolute_url(),
        reverse("forums:tracker"),
        reverse("forums:tracker") + "?q=script",
        forum.get_absolute_url(),
        reverse("platforms:history", kwargs={"slug": forum.slug}),
        reverse("platforms:group", kwargs={"slug": forum.slug, "pk": group.pk}),
        reverse("forums:meetings", kwargs={"slug": forum.slug}),
        meeting.get_absolute_url(),
        reverse("forums:problems", kwargs={"slug": forum.slug}),
        problem.get_absolute_url(),
        reverse("forums:hotspots"),
    ]
    signed_in = [reverse("forums:my"), reverse("accounts:notifications"), *pages]
    # the watcher itself notices a dialog (so a silent pass means nothing ran)
    probe = Watched(browser, live_server)
    probe.goto("/")
    probe.page.evaluate("() => window.alert('probe')")
    assert probe.problems == ["dialog: probe"]
    probe.context.close()
    for user, paths in ((None, pages), (alice, signed_in)):
        visitor = Watched(browser, live_server, user)
        for path in paths:
            visitor.check(path)
        assert visitor.problems == [], "\n".join(visitor.problems)
        visitor.context.close()
