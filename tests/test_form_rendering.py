"""Drop-down lists written out by the platform's form renderer are Django's templates' HTML exactly."""

import datetime

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from mobility.site.rendering import FormRenderer

BAIT = "\"><script>alert(1)</script>&amp;'{{ x }}"


class _TemplatesOnly(FormRenderer):
    """The same renderer drawing every widget through its templates."""

    def render(self, template_name, context, request=None):
        return TemplatesSetting.render(self, template_name, context, request)


class _OwnOption(forms.Select):
    option_template_name = "django/forms/widgets/input_option.html"


WIDGETS = [
    (forms.Select(choices=[("a", "Alpha"), ("b", BAIT)]), "b"),
    (forms.Select(choices=[("", "—"), (BAIT, "value bait")]), BAIT),
    (forms.Select(attrs={"class": "x", "data-on": True, "hidden": False, "aria-label": BAIT}), None),
    (forms.Select(choices=[("Europe", [("fr", "France"), ("de", "Deutschland")]), ("x", "Other")]), "de"),
    (forms.Select(choices=[(1, 1000), (2, datetime.date(2026, 12, 8)), (3, mark_safe("<b>safe</b>"))]), 2),
    (forms.Select(choices=[(mark_safe("<i>"), "safe value"), (("t", 1), "tuple value")]), None),
    (forms.Select(choices=[("l", gettext_lazy("Status"))]), "l"),
    (forms.SelectMultiple(choices=[("a", "A"), ("b", "B"), ("c", "C")]), ["a", "c"]),
    (forms.NullBooleanSelect(), True),
    (forms.Select(choices=[]), None),
    (_OwnOption(choices=[("a", "A"), ("b", BAIT)]), "a"),
]


@pytest.mark.parametrize("widget,value", WIDGETS)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_select_is_the_templates_html(widget, value, language):
    with override(language):
        fast = widget.render(
            "field", value, attrs={"id": "id_field", "required": True}, renderer=FormRenderer()
        )
        slow = widget.render(
            "field", value, attrs={"id": "id_field", "required": True}, renderer=_TemplatesOnly()
        )
    assert fast == slow
    assert "<script>" not in fast


def test_the_fast_path_is_taken():
    """The equality above would hold trivially if the renderer never took its own path."""
    calls = []

    class Counting(FormRenderer):
        def get_template(self, template_name):
            calls.append(template_name)
            return super().get_template(template_name)

    forms.Select(choices=[("a", "A")]).render("f", "a", renderer=Counting())
    assert calls == []


def test_a_form_with_drop_downs_renders_the_same():
    class Form(forms.Form):
        status = forms.ChoiceField(choices=[("", "—"), ("draft", "Draft"), ("x", BAIT)], required=False)
        kinds = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")])

    form = Form({"status": "x", "kinds": ["b"]})
    assert form.render(renderer=FormRenderer()) == form.render(renderer=_TemplatesOnly())
