"""Readable ASCII slugs for platform addresses: transliterated, unique in one query, no route word.

A small table rather than a dependency (unidecode): it is forty letters, and it follows the
romanisation Kyrgyzstan's own English names use (Жалал-Абад -> jalal-abad, Үч-Коргон ->
uch-korgon, Кең-Суу -> keng-suu), where a general table writes ж as "zh".
"""

import re
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.text import slugify

# Russian, Kyrgyz (ң ө ү) and Uzbek Cyrillic (ў қ ғ ҳ) letters; Uzbek Latin is already ASCII
# except for its apostrophe letters (oʻ gʻ), whose marks are dropped below.
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ң": "ng", "ө": "o", "ү": "u", "ў": "o", "қ": "q", "ғ": "g", "ҳ": "h",
    "і": "i", "є": "ye", "ї": "yi", "ґ": "g",
}  # fmt: skip
APOSTROPHES = "ʻʼ'`’‘"
TRANSLATION = str.maketrans({**CYRILLIC, **dict.fromkeys(APOSTROPHES, "")})

SLUG_MAX = 100
FALLBACK = "platform"
# Words kept for addresses the portal may add under /platforms/ before it has routes for them.
EXTRA_RESERVED = frozenset({"new", "import", "export", "search", "edit", "delete", "api", "feed"})
PREFIX = "platforms/"


def transliterate(text: str) -> str:
    """Latin letters for Cyrillic (Russian, Kyrgyz, Uzbek) text; other characters unchanged."""
    return text.lower().translate(TRANSLATION)


def slug_base(name: str) -> str:
    """The readable part of a slug: transliterated, ASCII, hyphenated, at most 100 characters."""
    base = slugify(transliterate(name or ""))[:SLUG_MAX].strip("-")
    return base or FALLBACK


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


@cache
def reserved_slugs() -> frozenset[str]:
    """The fixed first words of the addresses under /platforms/ (register, …): never a slug.

    Read from the URL configuration, so a route added later is reserved without a list to keep.
    """
    words = set(EXTRA_RESERVED)
    for route in _routes(get_resolver().url_patterns):
        route = route.lstrip("^")
        if not route.startswith(PREFIX):
            continue
        first = route[len(PREFIX) :].split("/", 1)[0]
        if first and not re.search(r"[<>(\[\\?*+$]", first):
            words.add(first)
    return frozenset(words)


def unique_slug(name: str, *, model=None, exclude_pk: int | None = None) -> str:
    """A free slug for `name`, found in one query: `base`, or `base-N` with the next free N.

    The query reads the slugs that start with the base; a route word is never returned bare.
    """
    if model is None:
        from platforms.models import Platform

        model = Platform
    base = slug_base(name)
    taken = model.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    numbered = re.compile(rf"^{re.escape(base)}-(\d+)$")
    used, numbers = False, set()
    for slug in taken.values_list("slug", flat=True):
        if slug == base:
            used = True
        elif match := numbered.match(slug):
            numbers.add(int(match[1]))
    if not used and base not in reserved_slugs():
        return base
    n = 2
    while n in numbers:
        n += 1
    return f"{base}-{n}"
