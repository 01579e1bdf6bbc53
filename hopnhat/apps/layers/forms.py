from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hopnhat.apps.directory.models import Organisation
from hopnhat.apps.layers.models import RepairPolicy, SourceFormat


class LayerUploadForm(forms.Form):
    org = forms.ChoiceField(label=_("Owner organisation"))
    name = forms.CharField(label=_("Layer name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    valid_on = forms.DateField(
        label=_("Valid on (vintage)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date on which the units of this file are valid."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "GeoJSON, zipped Shapefile (.zip with .shp, .shx, .dbf and .prj), GeoPackage (.gpkg) "
            "or CSV with a WKT column or lon/lat columns. Each feature needs the fields “code” "
            "and “name”."
        ),
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Detect from the file")), *SourceFormat.choices],
    )
    policy = forms.ChoiceField(
        label=_("Invalid geometries"),
        choices=RepairPolicy.choices,
        initial=RepairPolicy.REFUSE,
        widget=forms.RadioSelect,
    )
    crs = forms.CharField(
        label=_("Coordinate reference system (optional)"),
        required=False,
        max_length=2000,
        help_text=_(
            "Leave empty to use the one the file declares. Otherwise e.g. “EPSG:9210” or "
            "“VN-2000 TM-3 105°45′” (Hải Phòng), “VN-2000 TM-3 105°30′” (Hải Dương)."
        ),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["org"]
        assert isinstance(org_field, forms.ChoiceField)
        org_field.choices = [(o.code, f"{o.name} ({o.code})") for o in organisations]
        for name, field in self.fields.items():
            if name != "policy":
                field.widget.attrs.setdefault(
                    "class",
                    "form-select" if isinstance(field, forms.ChoiceField) else "form-control",
                )
