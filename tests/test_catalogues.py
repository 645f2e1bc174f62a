"""The committed translation catalogues are complete, valid and compiled.

Every msgid of the portal must be translated in Kyrgyz, Russian and Uzbek (English falls
back to the msgid): an untranslated or fuzzy entry shows English, or a wrong guess, to a
villager who reads Kyrgyz or Uzbek. ``msgfmt --check`` also catches placeholders
(``%(name)s``) that differ between msgid and msgstr, which would crash the page.

The .mo files are what Django reads; a .po edited without recompiling would silently keep
the old wording, so each .po entry's translation must be the one found in the .mo.
"""

import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ["ky", "ru", "uz"]
MSGFMT = shutil.which("msgfmt")
needs_msgfmt = pytest.mark.skipif(
    MSGFMT is None, reason="msgfmt (GNU gettext) is not installed; CI installs gettext"
)


def _po(lang):
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def _mo(lang):
    return LOCALE / lang / "LC_MESSAGES" / "django.mo"


@needs_msgfmt
@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_is_complete_and_valid(lang, tmp_path):
    result = subprocess.run(  # noqa: S603 - msgfmt on our own catalogue
        [MSGFMT, "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(_po(lang))],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C", "LANGUAGE": "C"},
    )
    report = result.stderr.strip()
    assert result.returncode == 0, f"msgfmt --check failed for {lang}:\n{report}"
    assert "fuzzy" not in report, f"{lang} has fuzzy entries: {report}"
    assert "untranslated" not in report, f"{lang} has untranslated entries: {report}"
    assert re.search(r"\d+ translated message", report), report


def _entries(po_path):
    """(context, msgid, msgid_plural, [msgstr...]) of each live, non-fuzzy .po entry."""
    text = po_path.read_text(encoding="utf-8")
    entries = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.splitlines() if not ln.startswith("#~")]
        if not lines or any(ln.startswith("#,") and "fuzzy" in ln for ln in lines):
            continue
        fields, current = {}, None
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                current = match[1]
                fields[current] = _unescape(match[2])
            elif line.startswith('"') and current:
                fields[current] += _unescape(line[1:-1])
        if not fields.get("msgid"):
            continue  # the header
        if "msgid_plural" in fields:
            forms = [fields[k] for k in sorted(k for k in fields if k.startswith("msgstr["))]
        else:
            forms = [fields.get("msgstr", "")]
        entries.append((fields.get("msgctxt"), fields["msgid"], fields.get("msgid_plural"), forms))
    return entries


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(s):
    """Undo PO string escapes without touching non-ASCII text."""
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[0]), s)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_the_po(lang):
    assert _mo(lang).exists(), f"{_mo(lang)} is missing: run compilemessages"
    with _mo(lang).open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    catalog = mo._catalog
    stale = []
    for context, msgid, plural, forms in _entries(_po(lang)):
        key = f"{context}\x04{msgid}" if context is not None else msgid
        if plural is None:
            if forms[0] and catalog.get(key) != forms[0]:
                stale.append(msgid)
        else:
            for n, form in enumerate(forms):
                if form and catalog.get((key, n)) != form:
                    stale.append(f"{msgid} [{n}]")
                    break
    assert not stale, (
        f"{lang}: django.mo is older than django.po for {len(stale)} entries, e.g. "
        f"{stale[:5]}; run compilemessages"
    )
