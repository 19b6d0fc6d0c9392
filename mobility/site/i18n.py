"""The language a page is shown in: ``?lang=``, else the switcher's choice (cookie), else the user's
preference, else the browser's (Accept-Language), else English.

A logged-in user's choice in the switcher is remembered on their account, so it follows them to
another device; people without an account keep it in a cookie (their invitation's language first).
A code the platform has no catalogue for — from a cookie, a link, a header, an account, an
invitation or an import — never raises and never reaches a page: it falls back to English.
"""

from collections.abc import Callable

from django.conf import global_settings, settings
from django.conf.locale import LANG_INFO
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

SUPPORTED = {code for code, _ in settings.LANGUAGES}

#: The names Django's own catalogues translate. LANG_INFO spells a few differently ("Norwegian
#: Bokmal" there, "Norwegian Bokmål" here): looked up under LANG_INFO's spelling they stay English.
_TRANSLATABLE_NAMES = dict(global_settings.LANGUAGES)

#: The query parameter that switches a page's language (links in e-mails, a shared address).
QUERY_PARAMETER = "lang"


def supported(code: str | None) -> str | None:
    """``code`` reduced to a language the platform is translated into ("de-AT" → "de"), else None."""
    if not isinstance(code, str):
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED else None


def supported_or_default(code: str | None) -> str:
    """The language to show or write in for ``code``: a supported one, else English (the default)."""
    return supported(code) or settings.LANGUAGE_CODE


def language_name(code: str | None, *, local: bool = False) -> str:
    """The name of any language code, in the reader's language (``local``: in that language itself).

    Data holds codes the platform is not translated into (a tutor writing Portuguese) and sometimes
    codes nobody knows: those show as they are, where Django's own filters would raise KeyError.
    """
    raw = (code or "").strip()
    if not raw:
        return ""
    try:
        info = translation.get_language_info(raw)
    except KeyError:
        info = LANG_INFO.get(raw.lower().split("-")[0])
    if not info:
        return raw
    if local:
        return str(info["name_local"])
    code = info.get("code", raw.lower())
    name = translation.gettext(_TRANSLATABLE_NAMES.get(code, info["name"]))
    if (translation.get_language() or "").split("-")[0] in LOWERCASE_LANGUAGE_NAMES:
        # "stage en anglais", not "en Anglais": lists capitalise the name where they show it alone.
        name = name[:1].lower() + name[1:]
    return name


#: Reader languages that write language names in lower case inside a sentence.
LOWERCASE_LANGUAGE_NAMES = frozenset({"fr", "es", "it"})


class UserLanguageMiddleware:
    """Runs after authentication: a user without a language cookie gets their preferred language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        asked = supported(request.GET.get(QUERY_PARAMETER))
        language = asked
        if language is None and supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)) is None:
            # No usable choice in the cookie (none, or a code we do not know): the account's language.
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                language = supported(getattr(user, "preferred_language", None))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if asked and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != asked:
            # ``?lang=`` switches the page and the next ones, as the switcher does (an unknown code
            # is ignored: the page comes in the language it would have had anyway).
            language_cookie_set(response, asked)
        return response


def language_cookie_set(response: HttpResponse, code: str | None) -> HttpResponse:
    """Remembers the language of someone without an account (only ever a supported code)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        supported_or_default(code),
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        httponly=False,
    )
    return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's switcher, plus: a logged-in user's choice becomes their preferred language."""
    response = django_set_language(request)
    language = supported(request.POST.get("language"))
    user = getattr(request, "user", None)
    if language and user is not None and user.is_authenticated and user.preferred_language != language:
        from partners.accounts.services import user_update_profile

        user_update_profile(
            user=user, acting_user=user, data={"preferred_language": language}, request=request
        )
    return response
