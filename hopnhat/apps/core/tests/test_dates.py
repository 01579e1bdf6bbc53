"""Date fields in the site's language: dd/mm/yyyy in Vietnamese, the ISO form in English."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from hopnhat.apps.core.dates import LocalDateField, parse_date

END_OF_JUNE = dt.date(2025, 6, 30)


class DayForm(forms.Form):
    on = LocalDateField()


@pytest.mark.parametrize(("language", "shown"), [("vi", "30/06/2025"), ("en", "2025-06-30")])
def test_a_date_field_shows_its_date_in_the_format_of_the_language(
    language: str, shown: str
) -> None:
    with translation.override(language):
        html = str(DayForm(initial={"on": END_OF_JUNE})["on"])
    assert 'type="text"' in html
    assert f'value="{shown}"' in html
    assert 'type="date"' not in html


@pytest.mark.parametrize(
    ("language", "typed"),
    [("vi", "30/06/2025"), ("vi", "30-06-2025"), ("vi", "2025-06-30"), ("en", "2025-06-30")],
)
def test_a_date_field_reads_the_formats_of_the_language(language: str, typed: str) -> None:
    with translation.override(language):
        form = DayForm(data={"on": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == END_OF_JUNE


@pytest.mark.parametrize(
    ("language", "expected_format", "example"),
    [("vi", "dd/mm/yyyy", "01/07/2025"), ("en", "yyyy-mm-dd", "2025-07-01")],
)
def test_a_day_that_does_not_exist_is_refused_with_the_format_to_use(
    language: str, expected_format: str, example: str
) -> None:
    with translation.override(language):
        form = DayForm(data={"on": "31/02/2025"})
        assert not form.is_valid()
        errors = form.errors["on"]
    assert len(errors) == 1
    assert "“31/02/2025”" in errors[0]
    assert expected_format in errors[0]
    assert example in errors[0]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-06-30", END_OF_JUNE),
        ("30/06/2025", END_OF_JUNE),
        (" 30/06/2025 ", END_OF_JUNE),
        ("31/02/2025", None),
        ("06/30/2025", None),
        ("", None),
        (None, None),
    ],
)
def test_a_date_parameter_is_read_in_iso_or_as_typed(text: str | None, day: dt.date | None) -> None:
    with translation.override("vi"):
        assert parse_date(text) == day


def test_the_template_tag_renders_a_text_field_that_submits_an_iso_copy() -> None:
    template = Template('{% load hopnhat_dates %}{% date_input "on" day "map-on" required=True %}')
    with translation.override("vi"):
        html = template.render(Context({"day": END_OF_JUNE}))
    assert html.startswith('<input type="text" class="form-control" id="map-on" name="on"')
    assert 'value="30/06/2025"' in html
    assert 'data-date-input="iso"' in html
    assert 'data-date-formats="dd/mm/yyyy dd-mm-yyyy yyyy-mm-dd"' in html
    assert 'placeholder="dd/mm/yyyy"' in html
    assert "{value}" in html  # the slot dates.js fills with what was typed
    assert 'required="required"' in html


@pytest.mark.parametrize(
    ("submitted", "shown"), [("2025-06-30", "30/06/2025"), ("31/02/2025", "31/02/2025"), ("", "")]
)
def test_the_template_tag_shows_a_submitted_text_the_site_s_way_or_as_typed(
    submitted: str, shown: str
) -> None:
    template = Template('{% load hopnhat_dates %}{% date_input "on" day "id_on" %}')
    with translation.override("vi"):
        html = template.render(Context({"day": submitted}))
    assert f'value="{shown}"' in html
