"""User-written text placed inside the portal's own sentences."""

import re

from django.utils.html import format_html

# Explicit embeddings, overrides and isolates, and the marks: U+200E/F, U+202A-E, U+2066-9.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Right-to-left letters (Hebrew, Arabic and their presentation forms).
RTL_LETTERS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
FSI, PDI = "\u2068", "\u2069"


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
