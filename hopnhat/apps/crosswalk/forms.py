from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hopnhat.apps.crosswalk.importers import MAX_UPLOAD_BYTES
from hopnhat.apps.territory.models import NEW_VINTAGE_START


class CrosswalkForm(forms.Form):
    file = forms.FileField(
        label=_("Table (CSV or XLSX)"),
        help_text=_("One row per old unit; CSV in UTF-8 with commas or semicolons, or XLSX."),
    )
    key = forms.CharField(
        label=_("Column of old codes"),
        max_length=200,
        help_text=_("The header of the column holding the old unit codes, e.g. ma_xa."),
    )
    columns = forms.CharField(
        label=_("Columns to sum"),
        max_length=2000,
        required=False,
        help_text=_("Comma-separated headers; leave empty to sum every numeric column."),
    )
    sheet = forms.CharField(
        label=_("Sheet (XLSX)"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the first sheet."),
    )
    weighting = forms.ChoiceField(
        label=_("Split divided units by"),
        choices=[("population", _("Population share")), ("area", _("Area share"))],
        initial="population",
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[("commune", _("Commune level")), ("province", _("Province level"))],
        initial="commune",
    )
    on = forms.DateField(
        label=_("Date of the new units"),
        initial=NEW_VINTAGE_START,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=_("The old codes are those valid the day before."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.visible_fields():
            css = "form-select" if isinstance(field.field, forms.ChoiceField) else "form-control"
            field.field.widget.attrs.setdefault("class", css)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB."),
                params={"size": MAX_UPLOAD_BYTES // 2**20},
            )
        return upload
