"""HTML → PDF with WeasyPrint, kept lean for throughput and closed to the outside world.

* The shared stylesheet and the font configuration are parsed once per worker process.
* The URL fetcher serves files under the static folders and ``data:`` URIs only: no network, no
  media, no other local file — whatever a template or a user-provided text points to.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import mimetypes
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)


#: Every PDF we produce is an archival PDF/A-3 (attachments allowed, for the digital credential).
PDF_VARIANT = "pdf/a-3b"

STYLESHEET = "css/pdf.css"

_BASE_URL = "file:///static/"


class RefusedResource(ValueError):
    """A document asked for something outside the static files."""


def _static_roots() -> list[Path]:
    return [Path(p).resolve() for p in settings.STATICFILES_DIRS]


def static_path(relative: str) -> Path | None:
    """The file under a static folder that ``relative`` names, or None (never outside them)."""
    relative = relative.lstrip("/")
    for root in _static_roots():
        candidate = (root / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    return None


class StaticOnlyFetcher(URLFetcher):
    """Serves ``file:///static/<path>`` from the static folders and ``data:`` URIs; refuses the rest."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "file"), fail_on_errors=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedResource(f"refused: {url[:80]}")
        path = unquote(parts.path)
        if not path.startswith("/static/"):
            raise RefusedResource(f"refused: {url[:80]}")
        found = static_path(path.removeprefix("/static/"))
        if found is None:
            raise RefusedResource(f"not a static file: {url[:80]}")
        mime = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, found.read_bytes(), {"Content-Type": mime})


_local = threading.local()


def _fetcher() -> StaticOnlyFetcher:
    fetcher = getattr(_local, "fetcher", None)
    if fetcher is None:
        fetcher = _local.fetcher = StaticOnlyFetcher()
    return fetcher


@lru_cache(maxsize=1)
def font_configuration() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=4)
def stylesheet(name: str = STYLESHEET) -> CSS:
    """The parsed stylesheet, shared by every render of this process."""
    path = static_path(name)
    if path is None:
        raise FileNotFoundError(name)
    return CSS(
        string=path.read_text(encoding="utf-8"),
        base_url=_BASE_URL + name,
        url_fetcher=_fetcher(),
        font_config=font_configuration(),
    )


#: Images used by many documents (logos): WeasyPrint's decoded-image cache, bounded.
_image_cache: dict = {}


def _cache() -> dict:
    if len(_image_cache) > 64:
        _image_cache.clear()
    return _image_cache


@dataclass(frozen=True)
class PdfAttachment:
    name: str
    content: bytes
    description: str = ""
    relationship: str = "Alternative"


def html_to_pdf(html: str, *, attachments: tuple[PdfAttachment, ...] = (), title: str = "") -> bytes:
    """Renders a document's HTML into a PDF/A-3 with the shared stylesheet."""
    document = HTML(string=html, base_url=_BASE_URL, url_fetcher=_fetcher())
    files = [
        Attachment(
            string=a.content,
            name=a.name,
            description=a.description,
            relationship=a.relationship,
            url_fetcher=_fetcher(),
        )
        for a in attachments
    ]
    return document.write_pdf(
        stylesheets=[stylesheet()],
        font_config=font_configuration(),
        attachments=files,
        pdf_variant=PDF_VARIANT,
        cache=_cache(),
    )


def render_html(template: str, context: dict, *, language: str) -> str:
    with translation.override(language):
        return render_to_string(template, context)


def qr_svg(data: str) -> str:
    """An inline SVG QR code (medium error correction, dark modules only)."""
    qr = segno.make(data, error="m", micro=False)
    return qr.svg_inline(scale=3, border=0, dark="#17202b", omitsize=False)


def logo_data_uri(storage_name: str) -> str:
    """A centre's uploaded logo as a ``data:`` URI (the renderer reads no media file itself).

    Only raster images are used: an uploaded SVG could point anywhere.
    """
    if not storage_name:
        return ""
    mime = mimetypes.guess_type(storage_name)[0] or ""
    if mime not in ("image/png", "image/jpeg"):
        return ""
    try:
        with default_storage.open(storage_name, "rb") as handle:
            data = handle.read(2_000_000)
    except OSError:
        logger.warning("logo %s could not be read", storage_name)
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
