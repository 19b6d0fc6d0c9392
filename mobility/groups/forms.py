"""The referent's forms for groups: the group, adding members, one member's dates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mobility.catalogue import selectors as catalogue_selectors
from mobility.catalogue.models import ParticipantKind
from mobility.learners import selectors as learners_selectors
from mobility.learners.models import Learner
from mobility.mobilities import selectors
from mobility.mobilities.models import GROUP_FIELDS, Mobility, MobilityGroup
from mobility.projects import selectors as projects_selectors
from mobility.site.forms import (
    ActivityChoiceField,
    CentreChoiceField,
    ContactChoiceField,
    DateInput,
    OrganisationChoiceField,
    ParticipantsField,
    SearchCheckboxes,
    _options_attrs,
    organisation_picker,
)
from partners.directory.models import Organisation

# --- Groups -----------------------------------------------------------------------------------


class GroupForm(forms.ModelForm):
    centre = CentreChoiceField(queryset=Organisation.objects.none(), label=_("Training centre"))

    class Meta:
        model = MobilityGroup
        fields = GROUP_FIELDS
        widgets = {
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "accompanying_persons": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, centres: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk or len(centres) == 1:
            del self.fields["centre"]
        else:
            self.fields["centre"].queryset = Organisation.objects.filter(pk__in=[c.pk for c in centres])
        self.fields["activity_type"] = ActivityChoiceField(
            queryset=catalogue_selectors.activity_type_list_for_user(user=user).filter(
                participant_kind=ParticipantKind.LEARNER
            ),
            label=_("Activity"),
        )
        self.fields["project"].queryset = projects_selectors.project_list_for_user(user=user)
        self.fields["accompanying_persons"].help_text = _(
            "One per line: name, role, phone. The first one is recorded on each member's mobility."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The group comes back before it leaves."))
        return data

    def validate_unique(self) -> None:
        pass

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in GROUP_FIELDS if name in self.cleaned_data}


class GroupMembersForm(forms.Form):
    """Learners to send with the group, and the host they share at first (adjusted per learner later)."""

    participants = ParticipantsField(
        queryset=Learner.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Participants"),
        error_messages={"required": _("Choose at least one participant.")},
    )
    host_organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label=_("Host organisation for everyone"),
        help_text=_("Optional: each participant's host company and tutor can be changed afterwards."),
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        centre_ids: Any,
        exclude_ids: Any = (),
        group_id: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        params: dict[str, Any] = {"kind": ParticipantKind.LEARNER}
        params.update({"group": group_id} if group_id else {"centre": ",".join(str(c) for c in centre_ids)})
        self.fields["participants"].widget = SearchCheckboxes(
            source="mobility:picker-learners", params=params
        )
        self.fields["host_organisation"].widget = organisation_picker("host")
        self.fields["participants"].queryset = (
            learners_selectors.learner_choices_for_centres(
                centre_ids=centre_ids, kind=ParticipantKind.LEARNER
            )
            .exclude(pk__in=list(exclude_ids))
            .only("id", "first_name", "last_name", "trade", "training_year", "centre_id")
        )
        self.fields["host_organisation"].queryset = selectors.directory_for_user(
            user=user, kinds=selectors.HOST_KINDS
        )


class GroupMemberForm(forms.Form):
    """One member's host company and tutor, on the group page."""

    host_organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(), required=False, label=_("Host organisation")
    )
    host_tutor = ContactChoiceField(
        queryset=Organisation.objects.none(), required=False, label=_("Host tutor")
    )

    def __init__(self, *args: Any, user: Any, mobility: Mobility, host_queryset: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"m{mobility.pk}")
        kwargs.setdefault(
            "initial",
            {"host_organisation": mobility.host_organisation_id, "host_tutor": mobility.host_tutor_id},
        )
        super().__init__(*args, **kwargs)
        self.fields["host_organisation"].queryset = host_queryset
        target = f"#id_{self.prefix}-host_tutor"
        self.fields["host_organisation"].widget.attrs.update(_options_attrs("tutor", target))
        host_id = (
            self.data.get(self.add_prefix("host_organisation"))
            if self.is_bound
            else mobility.host_organisation_id
        )
        self.fields["host_tutor"].queryset = selectors.contacts_for_user(
            user=user, organisation_id=host_id, tutors_only=True
        )
