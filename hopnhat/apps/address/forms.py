from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_BULK_BYTES = 300 * 1024 * 1024  # about a million rows of addresses


class ConvertForm(forms.Form):
    q = forms.CharField(
        label=_("Address"),
        max_length=500,
        widget=forms.TextInput(
            attrs={"placeholder": _("e.g. số 5 Lê Lợi, P. Trần Hưng Đạo, TP Hải Dương")}
        ),
    )
    on = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_("The units valid on this date; empty: today."),
    )
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Table (CSV or XLSX)"),
        help_text=_("One address per row, up to 1,000,000 rows; CSV in UTF-8 or XLSX."),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BULK_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB."),
                params={"size": MAX_BULK_BYTES // 2**20},
            )
        return upload


class SubUnitImportForm(forms.Form):
    org = forms.ChoiceField(label=_("Organisation"))
    file = forms.FileField(
        label=_("Sub-unit table (CSV or XLSX)"),
        help_text=_("Columns: old_commune_code, sub_unit_name, new_unit_code, optional note."),
    )

    def __init__(self, *args: object, organisations: list[tuple[str, str]], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["org"].choices = organisations  # type: ignore[attr-defined]
