from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hopnhat.apps.directory.models import Organisation


class OrganisationProfileForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    aliases_text = forms.CharField(
        label=_("Aliases (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "address", "phone", "email", "website", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.visible_fields():
            field.field.widget.attrs.setdefault("class", "form-control")

    def clean_aliases_text(self) -> list[str]:
        text = self.cleaned_data.get("aliases_text") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]
