"""User-written text placed inside the portal's own sentences."""

import datetime
import re

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext

# Explicit embeddings, overrides and isolates, and the marks: U+200E/F, U+202A-E, U+2066-9.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Right-to-left letters (Hebrew, Arabic and their presentation forms).
RTL_LETTERS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
FSI, PDI = "\u2068", "\u2069"


def one_line_name(text: str) -> str:
    """A name as typed, on one line: no control or direction characters, single spaces."""
    text = BIDI_CONTROLS.sub("", str(text or ""))
    return " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", text).split())


def needs_isolation(text: str) -> bool:
    return bool(text) and bool(BIDI_CONTROLS.search(text) or RTL_LETTERS.search(text))


def isolate(text) -> str:
    """Plain text (a notification, an e-mail) with user content that cannot reorder what follows.

    Wrapped in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE, which closes every embedding or
    override opened inside; left as it is when it holds nothing that could reorder text.
    """
    text = "" if text is None else str(text)
    return f"{FSI}{text}{PDI}" if needs_isolation(text) else text


def bdi(text):
    """HTML: the text escaped inside <bdi>, so its direction stays inside it."""
    return format_html("<bdi>{}</bdi>", "" if text is None else text)


class Message:
    """A sentence of the catalogue with its parameters, worded when it is read.

    str() renders it in the active language, so a notification built by one person is written
    in each reader's language (accounts.services.notify renders it per recipient). The msgid is
    marked with gettext_lazy or gettext_noop so makemessages finds it. Parameters may be user
    content (already isolated by the caller), lazy labels (a TextChoices label, not
    get_FOO_display(), which is already worded) or other Messages; dates and times are written
    in the reader's format.
    """

    def __init__(self, msgid, params: dict | None = None):
        self.msgid = msgid
        self.params = params or {}

    def __str__(self) -> str:
        # a lazy msgid words itself; a gettext_noop one is looked up here
        text = str(self.msgid) if isinstance(self.msgid, Promise) else gettext(self.msgid)
        if not self.params:
            return text
        return text % {k: _param(v) for k, v in self.params.items()}

    def __repr__(self) -> str:
        return f"Message({str(self.msgid)!r}, {self.params!r})"

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, Message)
            and str(self.msgid) == str(other.msgid)
            and self.params == other.params
        )

    __hash__ = None


def _param(value):
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, (Message, Promise)):
        return str(value)
    if isinstance(value, str) and not value.startswith(FSI):
        # user content (a name, a title) can never reorder the sentence around it
        return isolate(value)
    return value
