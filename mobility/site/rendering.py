"""How every Django form of the platform is rendered: labelled fields, errors tied to them.

Drop-down lists are written out here rather than through Django's three widget templates (the
list, one per option, the attributes of each): a country or organisation list of a few hundred
options otherwise costs an include per option and is the larger part of a filter form's rendering.
The HTML is the templates' own, character for character (``tests/test_form_rendering.py``).
"""

from typing import Any

from django.forms.renderers import TemplatesSetting
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT_TEMPLATE:
            return self._select(context, request).strip()
        return super().render(template_name, context, request)

    def _select(self, context: dict[str, Any], request: Any) -> str:
        widget = context["widget"]
        escaping = Context(autoescape=True)
        parts = [f'<select name="{_text(widget["name"], escaping)}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name, escaping)}">')
            for option in group_choices:
                if option["template_name"] == OPTION_TEMPLATE:
                    parts.append(
                        f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                        f"{_text(option['label'], escaping)}</option>\n"
                    )
                else:  # a widget of its own option template: drawn by it, as the include would
                    parts.append(
                        "\n  "
                        + self.get_template(option["template_name"]).render(
                            {**context, "widget": option}, request=request
                        )
                    )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every part escaped above)


def _text(value: Any, context: Context) -> str:
    """``{{ value }}``: localised and escaped as a template variable is."""
    return render_value_in_context(value, context)


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the filter keeps what is already safe, the rest is escaped."""
    return conditional_escape(value if isinstance(value, SafeData) else str(value))


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``: ``False`` leaves the attribute out, ``True`` writes its name."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{_formatted(value)}"')
    return "".join(parts)
