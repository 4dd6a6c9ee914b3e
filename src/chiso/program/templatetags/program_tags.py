"""``{% light x %}``: a traffic light with its label, as one tag (the board draws about a hundred;
an ``{% include %}`` per light cost more than the rest of the table)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from chiso.program.models import Light

register = template.Library()

_LABELS = dict(Light.choices)


@register.simple_tag
def light(value):
    value = value if value in _LABELS else Light.GREY
    label = str(_LABELS[value])
    return format_html(
        '<span class="light {}" title="{}"></span><span class="light-label">{}</span>', value, label, label
    )
