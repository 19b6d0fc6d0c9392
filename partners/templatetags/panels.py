from django import template
from django.utils.safestring import SafeString, mark_safe

from partners import panels as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot: str, obj) -> SafeString:
    request = context.get("request")
    return mark_safe("".join(registry.render(slot, request, obj)))  # noqa: S308
