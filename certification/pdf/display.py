"""The picture the EU's viewer and wallet show for a credential (``displayParameter``): a small
PNG card with the certificate's title, holder, activity, dates and issuer, drawn with Pillow."""

from __future__ import annotations

import base64
import io
from functools import cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf")
WIDTH, HEIGHT = 1240, 877  # A4 landscape at 150 dpi


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_FILES:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def display_image(content: dict[str, Any]) -> str:
    """The base64 PNG of a certificate's frozen content."""
    primary = content["languages"][0]
    description = content["description"]
    holder = content["holder"]
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 90), fill=(0, 51, 153))
    draw.text((50, 22), "Europass Mobility", font=_font(40), fill="white")
    lines = [
        (f"{holder['first_name']} {holder['last_name']}".strip(), 44),
        ((description.get("activity") or {}).get(primary, ""), 30),
        (
            ", ".join(
                p for p in (description.get("host_city"), description["host_country"].get(primary)) if p
            ),
            28,
        ),
        (f"{description['start']} — {description['end']}", 28),
        (content["issuer"]["name"], 28),
        (content["number"], 24),
    ]
    y = 160
    for text, size in lines:
        draw.text((50, y), text[:70], font=_font(size), fill=(20, 20, 20))
        y += size + 40
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return base64.b64encode(out.getvalue()).decode("ascii")
