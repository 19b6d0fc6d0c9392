"""Page and e-mail text as a given reader sees it: the source string through that language's catalogue."""

from django.utils import translation
from django.utils.html import escape


def translated(text: str, language: str, **values: object) -> str:
    """``text`` (an English message id) in ``language``, formatted with ``values`` if any."""
    with translation.override(language):
        message = translation.gettext(text)
    return message % values if values else message


def as_html(text: str, language: str, **values: object) -> str:
    """The same, escaped as a template renders it."""
    return escape(translated(text, language, **values))
