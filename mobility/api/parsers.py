"""The API's JSON parser: a body that is not JSON gets a message in the caller's language, with where it breaks."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's parser, whose "JSON parse error - …" is English whatever ``Accept-Language`` says."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, json.JSONDecodeError):
                raise ParseError(
                    _("The body is not valid JSON: line %(line)s, column %(column)s (%(error)s).")
                    % {"line": cause.lineno, "column": cause.colno, "error": cause.msg}
                ) from cause
            if isinstance(cause, UnicodeDecodeError):
                raise ParseError(_("The body is not valid UTF-8 text.")) from cause
            if isinstance(cause, ValueError):  # NaN or Infinity, which JSON does not have
                raise ParseError(_("The body is not valid JSON: %(error)s.") % {"error": cause}) from cause
            raise
