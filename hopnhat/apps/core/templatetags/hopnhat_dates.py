from __future__ import annotations

import datetime as dt

from django import template
from django.utils.safestring import SafeString

from hopnhat.apps.core import dates

register = template.Library()


@register.simple_tag
def date_input(
    name: str,
    value: dt.date | str | None,
    input_id: str,
    css_class: str = "form-control",
    required: bool = False,
) -> SafeString:
    """{% date_input "on" filters.day "map-on" required=True %}: a date field that submits ISO."""
    return dates.date_input(
        name=name, value=value, input_id=input_id, css_class=css_class, required=required
    )
