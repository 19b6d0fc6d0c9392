"""The picture the EU's viewer and wallet show for a credential (``displayParameter``): a small
PNG card with the certificate's title, holder, activity, dates and issuer, drawn with Pillow.

The card is drawn in one 8-bit channel and saved with a palette of its two colour ramps: the blue
band and its white title take the values 0–127, the white page and its dark text 128–255, each
anti-aliased along its ramp. The PNG is a third of the size of a full-colour one, and is written
without the slow search for the best colours (a certificate is issued in tens of milliseconds,
not a hundred).
"""

from __future__ import annotations

import base64
import io
from functools import cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont

FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf")
WIDTH, HEIGHT = 1240, 877  # A4 landscape at 150 dpi
BAND, BAND_HEIGHT, TEXT = (0, 51, 153), 90, (20, 20, 20)


def _ramp(start: tuple[int, int, int], end: tuple[int, int, int]) -> list[int]:
    """128 colours from ``start`` to ``end``."""
    return [round(a + (b - a) * i / 127) for i in range(128) for a, b in zip(start, end, strict=True)]


#: values 0–127: the band (0) to its white title (127); 128–255: the dark text (128) to the page (255)
PALETTE = _ramp(BAND, (255, 255, 255)) + _ramp(TEXT, (255, 255, 255))


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
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, BAND_HEIGHT), fill=0)
    draw.text((50, 22), "Europass Mobility", font=_font(40), fill=127)
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
        draw.text((50, y), text[:70], font=_font(size), fill=128)
        y += size + 40
    card = Image.frombytes("P", image.size, image.tobytes())
    card.putpalette(PALETTE)
    out = io.BytesIO()
    card.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode("ascii")
