"""Every page of the journeys, as each role, on a 360 px phone and a 1280 px desktop.

The pages are those of the demo (seed_demo) reached by following links as each role
(tests/support/pages.py); a page already seen as another role is not visited again. On each:
axe-core finds no serious or critical violation; a full-page screenshot is kept under
$ARTEFACTS_DIR (default /tmp/op-artefacts) for a person to look at; at 360 px nothing scrolls
sideways, the menu's links and the forms' buttons and fields are at least 44 px tall and wide,
the Tab key moves a visible focus (an outline or a ring), and every chart has a table beside it.
Pages are read in Kyrgyz, whose words are the longest of the four languages.
"""

import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.e2e.conftest import artefacts_dir
from tests.support.pages import demo_roles, pages_by_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (360, 1280)
# on a phone: the name, the language switch and one row of menu (296 px when the menu wrapped)
HEADER_MAX = 160
LANG = "ky"

# Elements a thumb must hit: the menu, the language switch, and the controls of forms.
TAP_TARGETS = """() => {
  const sel = ['header nav a', 'header nav button', '.lang select', '.lang button',
               'main form button', 'main form input[type=submit]', 'main form select',
               'main form input[type=text]', 'main form input[type=email]',
               'main form input[type=password]', 'main form input[type=search]',
               'main a.button', 'main summary.button'].join(',');
  const small = [];
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;  // not shown (a closed <details>)
    if (r.height < 43.5 || r.width < 43.5)
      small.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return small;
}"""

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const ring = s.boxShadow && s.boxShadow !== 'none';
  return {tag: el.tagName.toLowerCase(), visible: outline || ring};
}"""

CHARTS_WITHOUT_TABLE = """() => {
  const bad = [];
  for (const img of document.querySelectorAll('main img[src^="data:image/svg"], main figure.chart, main svg.chart')) {
    const box = img.closest('section, article, .chart-block') || img.parentElement.parentElement;
    if (!box || !box.querySelector('table')) bad.push(img.getAttribute('alt') || img.tagName);
  }
  return bad;
}"""


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def _session_cookie(live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}


def _context(browser, live_server, user, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="ky-KG")
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": LANG, "url": live_server.url}]
    if user is not None:
        cookies.append(_session_cookie(live_server, user))
    context.add_cookies(cookies)
    return context


def _check_focus(page) -> list[str]:
    problems = []
    for _ in range(3):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS)
        if state is None:
            problems.append("Tab left the focus on the page body")
        elif not state["visible"]:
            problems.append(f"focused {state['tag']} shows no outline or ring")
    return problems


def test_every_page_passes_axe_fits_a_phone_and_is_kept_as_a_screenshot(
    live_server, browser, axe_results
):
    roles = demo_roles()
    pages = pages_by_role(roles, lang=LANG)
    assert sum(map(len, pages.values())) >= 30, pages
    assert "/accounts/login/" in pages["anonymous"], pages["anonymous"]
    out = artefacts_dir() / "every-page"
    failures: list[str] = []
    summary = []
    for role, paths in pages.items():
        for width in WIDTHS:
            context = _context(browser, live_server, roles[role], width)
            page = context.new_page()
            page.set_default_timeout(20000)
            try:
                for path in paths:
                    response = page.goto(live_server.url + path)
                    where = f"{role} {width}px {path}"
                    if response is None or response.status != 200:
                        failures.append(f"{where}: HTTP {response and response.status}")
                        continue
                    shot = out / role / str(width) / f"{_slug(path)}.png"
                    shot.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(shot), full_page=True)
                    bad = axe_results(page)
                    failures += [f"{where}: axe {v}" for v in bad]
                    record = {"role": role, "width": width, "path": path, "axe": bad}
                    if width == 360:
                        scroll = page.evaluate(
                            "() => [document.documentElement.scrollWidth,"
                            " document.documentElement.clientWidth]"
                        )
                        if scroll[0] > scroll[1]:
                            failures.append(f"{where}: scrolls sideways {scroll}")
                        small = page.evaluate(TAP_TARGETS)
                        failures += [f"{where}: tap target {s}" for s in small]
                        failures += [f"{where}: {p}" for p in _check_focus(page)]
                        charts = page.evaluate(CHARTS_WITHOUT_TABLE)
                        failures += [f"{where}: chart without a table: {c}" for c in charts]
                        # the menu scrolls sideways in one row: the page starts on the first screen
                        header = page.evaluate(
                            "document.querySelector('.site-header').offsetHeight"
                        )
                        if header > HEADER_MAX:
                            failures.append(f"{where}: header {header} px tall")
                        record.update(scroll=scroll, small_targets=small, header=header)
                    summary.append(record)
            finally:
                context.close()
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    visited = len({(r["role"], r["path"]) for r in summary})
    print(f"{visited} pages x {len(WIDTHS)} widths; artefacts in {out}")  # noqa: T201
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures[:80])
    assert visited >= 30 and os.listdir(out)
    assert Path(out / "anonymous" / "360").exists()
