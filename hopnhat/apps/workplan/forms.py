from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from hopnhat.apps.core.dates import LocalDateField
from hopnhat.apps.workplan.models import ObstacleStatus


class IntakeForm(forms.Form):
    owner_org = forms.ChoiceField(label=_("Filed for"))
    text = forms.CharField(
        label=_("Paste the text"), widget=forms.Textarea(attrs={"rows": 12}), required=False
    )
    file = forms.FileField(label=_("or upload a TXT, DOCX or PDF file"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("text") and not data.get("file"):
            raise forms.ValidationError(_("Paste the text or upload a file."))
        return data


class ProgressForm(forms.Form):
    on = LocalDateField(label=_("Date"))
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(
        label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reason_for_delay = forms.CharField(
        label=_("Reason for delay"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    proposal = forms.CharField(
        label=_("Proposal"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence = forms.FileField(label=_("Evidence file"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ExtensionForm(forms.Form):
    requested_deadline = LocalDateField(label=_("New deadline"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class ObstacleForm(forms.Form):
    raised_by_org = forms.ChoiceField(label=_("Raised by"))
    text = forms.CharField(
        label=_("Obstacle or recommendation"), widget=forms.Textarea(attrs={"rows": 3})
    )
    addressed_to = forms.CharField(label=_("Addressed to"), max_length=300, initial="Bộ Nội vụ")
    raised_on = LocalDateField(label=_("Raised on"), initial=dt.date.today)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(label=_("Status"), choices=ObstacleStatus.choices)
