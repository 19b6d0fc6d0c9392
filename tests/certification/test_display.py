"""The credential's display card: the picture the EU's viewer and wallet show."""

import base64
import io

from PIL import Image, ImageChops, ImageDraw

from certification.pdf import display

CONTENT = {
    "languages": ["fr"],
    "number": "EM-2026-ABCD-EFGH-JKMN-PQRS",
    "holder": {"first_name": "Léa", "last_name": "Martin-Ørsted"},
    "issuer": {"name": "CFA des Métiers de la Vallée"},
    "description": {
        "activity": {"fr": "Mobilité de courte durée d'apprenants"},
        "host_city": "Sevilla",
        "host_country": {"fr": "Espagne"},
        "start": "2026-01-05",
        "end": "2026-02-13",
    },
}


def _card(content=CONTENT) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(display.display_image(content))))


def _full_colour(lines) -> Image.Image:
    """The same card drawn in full colour, as the palette stands for it."""
    image = Image.new("RGB", (display.WIDTH, display.HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, display.WIDTH, display.BAND_HEIGHT), fill=display.BAND)
    draw.text((50, 22), "Europass Mobility", font=display._font(40), fill="white")
    y = 160
    for text, size in lines:
        draw.text((50, y), text, font=display._font(size), fill=display.TEXT)
        y += size + 40
    return image


def test_it_is_a_png_of_the_card_size_with_a_palette():
    card = _card()
    assert card.format == "PNG"
    assert card.size == (display.WIDTH, display.HEIGHT)
    assert card.mode == "P"


def test_it_looks_as_the_card_drawn_in_full_colour():
    """Band, title, text and their anti-aliased edges within one step of 256 of the full-colour card."""
    expected = _full_colour(
        [
            ("Léa Martin-Ørsted", 44),
            ("Mobilité de courte durée d'apprenants", 30),
            ("Sevilla, Espagne", 28),
            ("2026-01-05 — 2026-02-13", 28),
            ("CFA des Métiers de la Vallée", 28),
            ("EM-2026-ABCD-EFGH-JKMN-PQRS", 24),
        ]
    )
    difference = ImageChops.difference(_card().convert("RGB"), expected)
    assert max(high for _low, high in difference.getextrema()) <= 2
    assert _card().convert("RGB").getpixel((5, 5)) == display.BAND


def test_the_text_is_what_the_certificate_says():
    """A different holder gives a different card: the text is drawn, not a fixed picture."""
    other = {**CONTENT, "holder": {"first_name": "Jonas", "last_name": "Keller"}}
    assert ImageChops.difference(_card().convert("RGB"), _card(other).convert("RGB")).getbbox() is not None
