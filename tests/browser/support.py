"""What the browser tests share: logging in, personal links, axe-core, phone checks, screenshots.

axe-core runs inside the page (axe-playwright-python carries its own copy, no network): a page
passes when axe finds no violation of impact "serious" or "critical"; a failure lists each one with
the elements concerned, so that it can be fixed from the test output alone.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page

from mobility.guests.services import links as guests

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
#: Screenshots and printed pages land here, to be looked at (kept out of git).
RESULTS = Path(settings.BASE_DIR) / "test-results"
BLOCKING = ("serious", "critical")
#: WCAG 2.5.5: a target at least 44 × 44 CSS pixels.
TOUCH = 44

_axe = Axe()


# --- Who is looking -----------------------------------------------------------------------------
def log_in(context: BrowserContext, live_server: Any, user: Any, language: str | None = None) -> None:
    """Opens a session for ``user`` in the browser, as if they had logged in (no MFA detour)."""
    client = Client()
    client.force_login(user)
    cookies = [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url,
        }
    ]
    if language:
        cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url})
    context.add_cookies(cookies)


def personal_link(*, mobility: Any, role: str, referent: Any) -> str:
    """The address a tutor or learner receives by e-mail (settings.SITE_URL must be the live server)."""
    link = guests.access_link_invite(mobility=mobility, role=role, acting_user=referent)
    return guests.issue_link_url(link.pk)


def open_page(page: Page, url: str) -> None:
    """Goes to ``url`` and insists on a real page: an error page would pass axe for nothing."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"


# --- axe-core -----------------------------------------------------------------------------------
def axe_violations(page: Page, impacts: tuple[str, ...] = BLOCKING) -> list[dict[str, Any]]:
    result = _axe.run(page, options={"resultTypes": ["violations"]})
    return [v for v in result.response["violations"] if v["impact"] in impacts]


def describe_violations(violations: list[dict[str, Any]], where: str) -> str:
    lines = [f"{where}: {len(violations)} serious or critical accessibility violation(s)"]
    for violation in violations:
        lines.append(
            f"  - {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:5]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"      {' '.join(node['target'])}: {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"      … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(violations, where or page.url)


# --- Phones -------------------------------------------------------------------------------------
_OVERFLOW_JS = """
(width) => {
  // Elements reaching past the screen's right edge, outermost first; a table or timeline that
  // scrolls inside its own box is fine (the page itself does not move sideways).
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let inner = false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (scrolls(up) || found.includes(up)) { inner = true; break; }
    }
    if (!inner) found.push(el);
  }
  return {
    scrollWidth: document.scrollingElement.scrollWidth,
    offenders: found.slice(0, 5).map((el) => el.tagName.toLowerCase()
      + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + ' (right edge at ' + Math.round(el.getBoundingClientRect().right) + ' px): '
      + JSON.stringify((el.innerText || el.value || '').trim().slice(0, 40))),
  };
}
"""


def horizontal_overflow(page: Page) -> list[str]:
    """What makes the page wider than the screen (empty when it does not scroll sideways).

    The screen's width is the viewport's, not ``innerWidth``: a mobile browser zooms out to show
    content that overflows, and ``innerWidth`` then grows with it.
    """
    width = page.viewport_size["width"]
    found = page.evaluate(_OVERFLOW_JS, width)
    if found["scrollWidth"] <= width:
        return []
    return [f"the page is {found['scrollWidth']} px wide on a {width} px screen", *found["offenders"]]


_TARGETS_JS = """
(minimum) => {
  const small = [];
  const seen = new Set();
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const name = (el) => (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '')
    .trim().split('\\n')[0].slice(0, 40);
  for (const el of document.querySelectorAll('a[href], button, select, textarea, input, summary, [role=button]')) {
    if (el.matches('input[type=hidden]') || el.closest('.visually-hidden, .skip-link')) continue;
    const closed = el.closest('details:not([open])');
    if (closed && !(el.tagName === 'SUMMARY' && el.parentElement === closed)) continue;
    // A radio button or a check box is hit through its label.
    let target = el;
    if (el.matches('input[type=radio], input[type=checkbox]')) target = el.closest('label') || el.labels?.[0] || el;
    // A link inside a sentence is exempt (WCAG 2.5.5 "inline" exception).
    if (el.tagName === 'A' && getComputedStyle(el).display === 'inline'
        && (el.parentElement.innerText || '').trim() !== (el.innerText || '').trim()) continue;
    if (seen.has(target) || !shown(target)) continue;
    seen.add(target);
    const box = target.getBoundingClientRect();
    if (box.width < minimum - 0.5 || box.height < minimum - 0.5) {
      small.push(`${el.tagName.toLowerCase()} ${JSON.stringify(name(el))}: ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return small;
}
"""


_OVERLAPS_JS = """
(selector) => {
  // Side-by-side parts of one row (a name and its badge) drawn over each other.
  // Measured on their content, not their box: a word too long for a squeezed box spills out of it.
  const drawn = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return range.getBoundingClientRect();
  };
  const found = [];
  for (const row of document.querySelectorAll(selector)) {
    const parts = [...row.children].filter((el) => el.getBoundingClientRect().width > 0);
    for (let i = 0; i < parts.length; i++) {
      for (let j = i + 1; j < parts.length; j++) {
        const a = drawn(parts[i]), b = drawn(parts[j]);
        const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (x > 1 && y > 1) {
          found.push(`${JSON.stringify(parts[i].innerText.trim().slice(0, 30))} under ${JSON.stringify(parts[j].innerText.trim().slice(0, 30))}`);
        }
      }
    }
  }
  return found;
}
"""


def overlapping_parts(page: Page, rows: str) -> list[str]:
    """Children of the elements matching ``rows`` that are drawn over one another."""
    return page.evaluate(_OVERLAPS_JS, rows)


def small_touch_targets(page: Page, minimum: int = TOUCH) -> list[str]:
    """Controls a thumb cannot hit reliably: smaller than ``minimum`` px in either direction."""
    return page.evaluate(_TARGETS_JS, minimum)


# --- Focus --------------------------------------------------------------------------------------
_FOCUS_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const css = getComputedStyle(el);
  const rgb = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  // The colour behind the ring: the first opaque background from the parent up.
  let behind = [255, 255, 255];
  for (let up = el.parentElement; up; up = up.parentElement) {
    const bg = rgb(getComputedStyle(up).backgroundColor);
    if (bg.length === 3 || (bg.length === 4 && bg[3] > 0.9)) { behind = bg.slice(0, 3); break; }
  }
  const ring = rgb(css.outlineColor).slice(0, 3);
  const [a, b] = [luminance(ring), luminance(behind)].sort((x, y) => y - x);
  return {
    element: el.tagName.toLowerCase() + ' ' + JSON.stringify((el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().split('\\n')[0].slice(0, 40)),
    outline: css.outlineStyle !== 'none' ? parseFloat(css.outlineWidth) : 0,
    contrast: Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100,
    shown: el.getBoundingClientRect().width > 0,
  };
}
"""


def focus_indicator(page: Page) -> dict[str, Any] | None:
    """The focused element, the width of its focus outline and the outline's contrast with what
    surrounds it (WCAG 2.4.7 visible focus; 3:1 as 1.4.11 asks of non-text contrast)."""
    return page.evaluate(_FOCUS_JS)


def tab_through(page: Page, stops: int) -> list[str]:
    """Presses Tab ``stops`` times; returns what was focused without a clearly visible ring."""
    weak = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        focus = focus_indicator(page)
        if focus is None:
            continue
        if not focus["shown"] or focus["outline"] < 2 or focus["contrast"] < 3:
            weak.append(f"{focus['element']}: outline {focus['outline']} px, contrast {focus['contrast']}:1")
    return weak


# --- Looking at pages ---------------------------------------------------------------------------
def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Saves a screenshot under test-results/ (to be opened and looked at, not compared)."""
    path = RESULTS / f"{re.sub(r'[^A-Za-z0-9_./-]+', '-', name)}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=full_page)
    return path


# --- Paper --------------------------------------------------------------------------------------
#: The printable width of A4 with the print stylesheet's margins (210 mm − 2 × 14 mm ≈ 688 CSS px).
A4_CONTENT = {"width": 688, "height": 980}

_PRINT_JS = """
() => {
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const describe = (el) => el.tagName.toLowerCase()
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
    + ' ' + JSON.stringify((el.innerText || el.value || '').trim().split('\\n')[0].slice(0, 40));
  const screenOnly = 'header, nav, footer, .skip-link, button, .button, select, textarea, summary, '
    + 'input:not([type=hidden])';
  const clipped = [...document.querySelectorAll('main *')].filter((el) => {
    if (el.closest('.visually-hidden')) return false;  // clipped on purpose: for screen readers
    const css = getComputedStyle(el);
    return shown(el) && ['hidden', 'auto', 'scroll', 'clip'].includes(css.overflowX)
      && el.scrollWidth > el.clientWidth + 1;
  });
  return {
    onPaper: [...document.querySelectorAll(screenOnly)].filter(shown).map(describe),
    emptyFrames: [...document.querySelectorAll('.card, .callout, section, fieldset')]
      .filter((el) => shown(el) && !el.innerText.trim() && !el.querySelector('img, svg')).map(describe),
    clipped: clipped.map(describe),
    tooWide: document.scrollingElement.scrollWidth > window.innerWidth
      ? [`the page is ${document.scrollingElement.scrollWidth} px wide for ${window.innerWidth} px of paper`] : [],
  };
}
"""


def print_problems(page: Page) -> list[str]:
    """The page as the print stylesheet lays it out on A4: what should not be on paper (navigation,
    buttons, form controls), empty frames, content cut off or wider than the paper."""
    page.set_viewport_size(A4_CONTENT)
    page.emulate_media(media="print")
    found = page.evaluate(_PRINT_JS)
    return (
        [f"on paper but of no use there: {item}" for item in found["onPaper"]]
        + [f"an empty frame: {item}" for item in found["emptyFrames"]]
        + [f"cut off: {item}" for item in found["clipped"]]
        + found["tooWide"]
    )


def printed_text(page: Page, name: str) -> tuple[str, int]:
    """Prints the page to PDF (kept under test-results/print/) and returns its text and page count."""
    from pypdf import PdfReader

    path = RESULTS / "print" / f"{name}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.emulate_media(media="print")
    page.pdf(path=path, format="A4", print_background=True)
    reader = PdfReader(path)
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    # NFKC undoes the typographic ligatures of the PDF ("ﬁ" → "fi").
    return " ".join(unicodedata.normalize("NFKC", text).split()), len(reader.pages)
