"""A page in Kyrgyz, Russian or Uzbek holds no English UI string.

Every page of the journeys (tests/support/pages.py: the demo's records, reached by following
links as each role) is rendered in ky, ru and uz, and every form is also sent empty so that its
error messages show. The English msgids of the catalogues whose translation differs from the
msgid (the project's, Django's and allauth's) are looked for in the visible text: text nodes
plus the attributes a screen reader reads (alt, title, placeholder, aria-label, button values),
outside scripts, styles and anything marked with another language (the language menu lists
"English" in English on purpose). A msgid counts when it has at least four words, or is one
of the short words of the navigation and forms listed below, which no Russian, Kyrgyz or Uzbek
text contains by accident.
"""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from allauth import account as allauth_account
from django.conf import settings

from tests.support.pages import demo_roles, pages_by_role
from tests.test_catalogues import _entries

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGS = ["ky", "ru", "uz"]
# Short UI words: a button or a menu entry in English is a leak however short it is.
UI_WORDS = {
    "Directory", "Proposals", "Library of practice", "Hot spots", "Assessments", "Reports",
    "My page", "Notifications", "Sign in", "Sign out", "Register", "Change", "Language",
    "Submit", "Save", "Search", "Cancel", "Edit", "Delete", "Next", "Previous", "Back", "Filter",
    "Status", "Meetings", "Agenda", "Minutes", "Print", "Send", "Publish", "Vote", "Join",
    "Proposal", "Meeting", "Decision", "Decisions", "Members", "Password", "Email", "Title",
    "Description", "Category", "Apply", "Download", "Respond", "Answer", "Overdue", "Open",
    "Closed", "Draft", "Published", "Forum", "Council", "Yes", "No", "Abstain", "Show",
    "Read more", "Print the agenda", "Scorecard", "Statistics", "Profile", "Settings",
}  # fmt: skip
SPOKEN_ATTRS = {"alt", "title", "placeholder", "aria-label"}
SKIP_TAGS = {"script", "style", "template", "svg", "code", "pre"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{[^}]*\}")


class VisibleText(HTMLParser):
    """Text a reader sees or hears, in the page's own language."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its content)

    def hidden(self):
        return any(h for _t, h in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        hides = tag in SKIP_TAGS or (lang is not None and tag != "html") or "hidden" in attrs
        if not self.hidden() and not hides:
            for name in SPOKEN_ATTRS:
                if attrs.get(name):
                    self.parts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in VOID:
            self.stack.append((tag, hides))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self.hidden() and data.strip():
            self.parts.append(data)

    def text(self):
        return " ".join(" ".join(self.parts).split())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return parser.text()


def _fragments(msgid: str) -> list[str]:
    """The literal runs of a msgid, placeholders and markup taken out."""
    plain = re.sub(r"<[^>]+>", " ", msgid)
    return [" ".join(f.split()) for f in PLACEHOLDER.split(plain) if f.strip()]


def _english_strings(lang: str) -> set[str]:
    """English UI strings that have a different translation in `lang`."""
    found = set()
    for _ctx, msgid, plural, forms in _entries(LOCALE / lang / "LC_MESSAGES" / "django.po"):
        if forms and forms[0] and forms[0] != msgid:
            found.add(msgid)
            if plural:
                found.add(plural)
    for mo in (
        Path(django.__file__).parent / "conf" / "locale" / lang / "LC_MESSAGES" / "django.mo",
        Path(allauth_account.__file__).parent.parent
        / "locale"
        / lang
        / "LC_MESSAGES"
        / "django.mo",
    ):
        if mo.exists():
            with mo.open("rb") as fh:
                catalog = gettext.GNUTranslations(fh)._catalog
            for key, value in catalog.items():
                msgid = key[0] if isinstance(key, tuple) else key
                msgid = msgid.split("\x04")[-1]
                if msgid and value and value != msgid:
                    found.add(msgid)
    return found


def _needles(lang: str) -> list[tuple[str, re.Pattern]]:
    needles = {}
    for msgid in _english_strings(lang):
        for fragment in _fragments(msgid):
            if len(fragment.split()) >= 4 or fragment in UI_WORDS:
                needles[fragment] = re.compile(
                    r"(?<![\w-])" + re.escape(fragment).replace(r"\ ", r"\s+") + r"(?![\w-])"
                )
    return sorted(needles.items())


def leaks_in(text: str, needles) -> list[str]:
    return [fragment for fragment, pattern in needles if pattern.search(text)]


class _Forms(HTMLParser):
    """POST forms in <main> that have a field to fill (not one-button actions)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.in_main = False
        self.current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        elif tag == "form" and self.in_main and (attrs.get("method") or "").lower() == "post":
            self.current = {"action": attrs.get("action") or "", "fields": 0, "csrf": ""}
        elif self.current is not None and tag in ("input", "textarea", "select"):
            kind = attrs.get("type", "text")
            if attrs.get("name") == "csrfmiddlewaretoken":
                self.current["csrf"] = attrs.get("value", "")
            elif tag != "input" or kind in ("text", "email", "password", "number", "date", "url"):
                self.current["fields"] += 1

    def handle_endtag(self, tag):
        if tag == "form" and self.current is not None:
            if self.current["fields"]:
                self.forms.append(self.current)
            self.current = None
        elif tag == "main":
            self.in_main = False


def _empty_form_posts(client, path, html):
    """The pages that answer each real form sent empty: they show the form's errors."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms[:2]:
        action = form["action"] or path
        if not action.startswith("/") or "logout" in action or "setlang" in action:
            continue
        response = client.post(action, {"csrfmiddlewaretoken": form["csrf"]})
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            yield f"POST {action}", response.content.decode()


@pytest.fixture
def roles(db):
    return demo_roles()


def test_no_english_ui_string_on_any_page_in_kyrgyz_russian_and_uzbek(client, roles):
    needles = {lang: _needles(lang) for lang in LANGS}
    assert all(len(n) > 200 for n in needles.values()), {k: len(v) for k, v in needles.items()}
    found: dict[str, set[str]] = {}
    rendered = 0
    for role, paths in pages_by_role(roles).items():
        client.logout()
        if roles[role] is not None:
            client.force_login(roles[role])
        for lang in LANGS:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, (role, lang, path, response.status_code)
                html = response.content.decode()
                pages = [(path, html)]
                if lang == "ky":  # error messages come from the same catalogues in each language
                    pages += list(_empty_form_posts(client, path, html))
                for where, body in pages:
                    rendered += 1
                    assert f'lang="{lang}"' in body[:300], (role, lang, where)
                    for fragment in leaks_in(visible_text(body), needles[lang]):
                        found.setdefault(f"{lang} {fragment!r}", set()).add(f"{role} {where}")
    report = "\n".join(f"{k}: {sorted(v)[:3]}" for k, v in sorted(found.items()))
    print(f"{rendered} pages rendered, {len(found)} English strings found")  # noqa: T201
    assert not found, f"English UI strings on translated pages:\n{report}"
