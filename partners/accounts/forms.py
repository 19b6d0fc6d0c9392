"""The forms of accounts: profile, team filters, invitation and its acceptance, role change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from partners.accounts import selectors
from partners.accounts.models import Membership, User
from partners.accounts.roles import Role
from partners.directory.models import (
    Organisation,
)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_language"]


# --- Team -------------------------------------------------------------------------------------
class TeamFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or e-mail")}),
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("yes", _("Active")), ("no", _("Deactivated"))],
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("Role"))
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.user = user
        organisations = selectors.tenant_choices_for_manager(user=user)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].label_from_instance = lambda o: o.display_name
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
        offered: list[str] = []
        for org in organisations:
            for role in selectors.roles_grantable_by(user=user, organisation_id=org.pk):
                if role not in offered:
                    offered.append(role)
        self.fields["role"].choices = [(r, Role(r).label) for r in Role.values if r in offered]
        self.fields["role"].initial = Role.REFERENT
        self.fields["language"].initial = getattr(user, "preferred_language", "fr")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        org, role = data.get("organisation"), data.get("role")
        if org and role and role not in selectors.roles_grantable_by(user=self.user, organisation_id=org.pk):
            self.add_error("role", _("You cannot give this role in this organisation."))
        return data


class MembershipRoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        grantable = selectors.roles_grantable_by(user=user, organisation_id=self.instance.organisation_id)
        self.fields["role"].choices = [(r, Role(r).label) for r in Role.values if r in grantable]


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", ValidationError(_("The two passwords differ."), code="mismatch"))
        return data
