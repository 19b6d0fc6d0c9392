"""Content negotiation of the API (its own module: DRF imports it while it is still loading)."""

from typing import Any

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class JsonFallbackNegotiation(DefaultContentNegotiation):
    """Answers JSON (or the file) whatever ``Accept`` says, rather than a bare 406."""

    def select_renderer(self, request: Any, renderers: list, format_suffix: str | None = None) -> tuple:
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except exceptions.NotAcceptable:
            return renderers[0], renderers[0].media_type
