"""The user's own settings page: profile, and personal API tokens."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from partners.accounts import services, tokens
from partners.accounts.forms import ProfileForm
from partners.accounts.models import ApiScope


@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(
            user=request.user, acting_user=request.user, data=form.cleaned_data, request=request
        )
        messages.success(request, _("Your settings have been saved."))
        response = redirect("account_settings")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            request.user.preferred_language,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        )
        return response
    return render(request, "partners/account_settings.html", {"form": form, **_tokens_context(request)})


# --- Personal API tokens ----------------------------------------------------------------------
class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What uses it, for example “Student information system sync”."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"),
        choices=[
            ("30", gettext_lazy("30 days")),
            ("90", gettext_lazy("90 days")),
            ("365", gettext_lazy("1 year")),
            ("", gettext_lazy("Until revoked")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
        initial="90",
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("The token may"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ApiScope.READ],
        help_text=gettext_lazy(
            "Give a script only what it needs: a synchronisation that reads does not need to change data "
            "or to download files (documents, certificates, exports)."
        ),
        error_messages={"required": gettext_lazy("Choose what the token may do.")},
    )


def _tokens_context(request: HttpRequest, token_form: ApiTokenForm | None = None) -> dict:
    return {
        "api_tokens": list(tokens.api_token_list_for_user(user=request.user)),
        "token_form": token_form or ApiTokenForm(auto_id="token_%s"),
        "max_api_tokens": tokens.MAX_ACTIVE_TOKENS,
    }


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    """Creates a token and shows it in this response only: it is stored nowhere but as a hash."""
    form = ApiTokenForm(request.POST, auto_id="token_%s")
    if form.is_valid():
        try:
            token, raw = tokens.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
                scopes=form.cleaned_data["scopes"],
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            return render(
                request,
                "partners/account_settings.html",
                {
                    "form": ProfileForm(instance=request.user),
                    "new_token": raw,
                    "new_token_name": token.name,
                    **_tokens_context(request),
                },
            )
    return render(
        request,
        "partners/account_settings.html",
        {"form": ProfileForm(instance=request.user), **_tokens_context(request, form)},
        status=400,
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = tokens.api_token_get_for_user(user=request.user, pk=pk)
    tokens.api_token_revoke(token=token, acting_user=request.user, request=request)
    messages.success(
        request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("account_settings")
