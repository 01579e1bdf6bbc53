"""Forms of the plan page's workflow: steps, sign-offs, reviewers, comments and enactment.

They only read what the user typed; who may do what stays with actions.py and registry.py
(docs/decisions/0004-plan-workflow.md), which the views call.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hopnhat.apps.plans.models import CommentStatus, PlanStatus

# What the button of each step says (actions.STEPS: source → target).
STEP_LABELS: dict[tuple[str, str], Any] = {
    (PlanStatus.DRAFT, PlanStatus.CONSULTATION): _("Open for consultation"),
    (PlanStatus.CONSULTATION, PlanStatus.DRAFT): _("Return to draft"),
    (PlanStatus.AGREED, PlanStatus.CONSULTATION): _("Reopen the consultation"),
    (PlanStatus.AGREED, PlanStatus.SUBMITTED): _("Submit to the Government"),
    (PlanStatus.SUBMITTED, PlanStatus.UNDER_APPRAISAL): _("Start the appraisal"),
    (PlanStatus.UNDER_APPRAISAL, PlanStatus.CONSULTATION): _("Return for consultation"),
    (PlanStatus.UNDER_APPRAISAL, PlanStatus.APPROVED): _("Record the approval"),
}
DEFAULT_ISSUER = "Ủy ban Thường vụ Quốc hội"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class StyledForm(forms.Form):
    """Bootstrap classes on every widget: the templates render the fields one by one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault(
                "class", "form-select form-select-sm" if select else "form-control form-control-sm"
            )


class StatusForm(StyledForm):
    # Any status is accepted here: whether the step exists and is yours is the action's call,
    # so that a refusal is audited and a step that does not exist is explained.
    to = forms.ChoiceField(label=_("Next status"), choices=PlanStatus.choices)
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class SignoffForm(StyledForm):
    locality = forms.CharField(label=_("Locality"), max_length=10)


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.get_username()})"


class ReviewerForm(StyledForm):
    user = ReviewerChoiceField(label=_("Reviewer"), queryset=None, to_field_name="username")

    def __init__(self, *args: Any, reviewers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = reviewers


class CommentForm(StyledForm):
    text = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit_key = forms.ChoiceField(label=_("On"), required=False)

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit_key"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("The whole plan")), *units]


class ResolveCommentForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (CommentStatus.ADDRESSED, _("Addressed")),
            (CommentStatus.DECLINED, _("Declined")),
            (CommentStatus.OPEN, _("Reopen")),
        ],
    )
    response = forms.CharField(
        label=_("Response (required when declined)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("status") == CommentStatus.DECLINED
            and not (data.get("response") or "").strip()
        ):
            self.add_error("response", _("Declining a comment needs an explanation."))
        return data


class EnactForm(StyledForm):
    effective_date = forms.DateField(label=_("Effective date"), widget=DateInput())
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=60,
        help_text=_("For example 1669/NQ-UBTVQH15."),
    )
    signed_on = forms.DateField(label=_("Date of the document"), widget=DateInput())
    issuer = forms.CharField(label=_("Issuer"), max_length=120, initial=DEFAULT_ISSUER)
    clause = forms.CharField(
        label=_("Clause"),
        max_length=60,
        required=False,
        help_text=_("For example: khoản 28 Điều 1."),
    )
    title = forms.CharField(
        label=_("Title of the document (optional)"), max_length=300, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        effective: datetime.date | None = data.get("effective_date")
        signed: datetime.date | None = data.get("signed_on")
        if effective and signed and signed > effective:
            self.add_error("signed_on", _("The document cannot be signed after it takes effect."))
        return data
