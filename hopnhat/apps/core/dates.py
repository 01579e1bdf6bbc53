"""Date fields written the site's way, not the browser's.

A native <input type="date"> shows dates in the browser's locale: an English browser shows
06/30/2025 on the Vietnamese site, where officials write 30/06/2025. Our date fields are text
fields in the active language's DATE_INPUT_FORMATS (hopnhat/config/formats/), checked by
hopnhat/static/hopnhat/dates.js as one types and by the server on submit, with one message.

Filter forms keep ISO dates in their URLs (``?on=2025-06-30``): the script moves the field's
name to a hidden ISO copy (``iso=True``); forms the server validates read the text as typed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

# The merger's effective date: a real date every official recognises, shown as the example.
EXAMPLE_DATE = dt.date(2025, 7, 1)
# strftime directives a date field may use, and how they read to a person typing.
READABLE = {"%d": "dd", "%m": "mm", "%Y": "yyyy"}
VALUE_SLOT = "{value}"  # filled in by dates.js with what was typed


def input_formats() -> list[str]:
    """The active language's accepted date formats made of day, month and year only."""
    formats = [str(pattern) for pattern in get_format("DATE_INPUT_FORMATS")]
    return [pattern for pattern in formats if _is_day_month_year(pattern)]


def _is_day_month_year(pattern: str) -> bool:
    rest = pattern
    for directive in READABLE:
        if rest.count(directive) != 1:
            return False
        rest = rest.replace(directive, "")
    return "%" not in rest and all(not char.isalnum() for char in rest)


def readable(pattern: str) -> str:
    for directive, letters in READABLE.items():
        pattern = pattern.replace(directive, letters)
    return pattern


def display_format() -> str:
    """How dates are written in the active language: "%d/%m/%Y" in Vietnamese."""
    return input_formats()[0]


def invalid_date_message(value: str) -> str:
    return gettext(
        "“%(value)s” is not a date. Write it as %(format)s, for example %(example)s."
    ) % {
        "value": value,
        "format": readable(display_format()),
        "example": EXAMPLE_DATE.strftime(display_format()),
    }


def date_input_attrs(*, iso: bool = False) -> dict[str, str]:
    """The attributes dates.js and people need: the formats, a placeholder and the message."""
    return {
        "data-date-input": "iso" if iso else "text",
        "data-date-formats": " ".join(readable(pattern) for pattern in input_formats()),
        "data-date-invalid": invalid_date_message(VALUE_SLOT),
        "placeholder": readable(display_format()),
        "inputmode": "numeric",
        "autocomplete": "off",
        "maxlength": "10",
        "size": "10",
    }


def parse_date(text: str | None) -> dt.date | None:
    """A date sent by one of our fields: ISO (the scripted filters) or as typed; None if neither."""
    text = (text or "").strip()
    for pattern in ["%Y-%m-%d", *input_formats()]:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def format_date(value: dt.date | None) -> str:
    return value.strftime(display_format()) if value else ""


def date_input(
    *,
    name: str,
    value: dt.date | str | None,
    input_id: str,
    css_class: str = "form-control",
    required: bool = False,
    iso: bool = True,
) -> SafeString:
    """A date field for a hand-written form (filters): the same field as LocalDateInput's.

    The value may be the text of a submitted field: a date in it is shown the site's way,
    anything else as it was typed, so that the person sees what to correct.
    """
    if isinstance(value, str):
        value = parse_date(value) or value
    shown = value if isinstance(value, str) else format_date(value)
    attrs = date_input_attrs(iso=iso)
    if required:
        attrs["required"] = "required"
    extra = " ".join(format_html('{}="{}"', key, attribute) for key, attribute in attrs.items())
    return format_html(
        '<input type="text" class="{}" id="{}" name="{}" value="{}" {}>',
        css_class,
        input_id,
        name,
        shown,
        SafeString(extra),
    )


class LocalDateInput(forms.DateInput):
    """A text field in the active language's date format (DATE_INPUT_FORMATS[0])."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=None)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # Built per render: the formats and the message follow the language of the request.
        return super().get_context(name, value, {**date_input_attrs(), **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return format_date(value)
        return super().format_value(value)


class LocalDateField(forms.DateField):
    """A date field that names the format it expects when it cannot read what was typed."""

    widget = LocalDateInput

    def to_python(self, value: Any) -> dt.date | None:
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                invalid_date_message(str(value).strip()), code="invalid"
            ) from None
