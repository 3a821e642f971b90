"""Forms of the scorecard-layout pages. They validate input; apps.scorecards.services_admin checks a row
against the KPI registry and writes."""

from __future__ import annotations

from django import forms

from apps.kpis.registry import load
from apps.scorecards.models import POLARITY_CHOICES, LayoutRow, LayoutSection, ScorecardLayout

from .forms import BASIS_CHOICES, measure_choices


class LayoutForm(forms.ModelForm):
    class Meta:
        model = ScorecardLayout
        fields = ["name", "slug", "description", "is_default"]
        labels = {"is_default": "Default layout (shown when no layout is chosen)"}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class SectionForm(forms.ModelForm):
    class Meta:
        model = LayoutSection
        fields = ["title"]
        help_texts = {"title": "e.g. a theme of the improvement plan"}


def dimension_choices() -> list[tuple[str, str]]:
    dims = sorted({d for m in load().values() for d in m.breakdowns})
    return [("", "None (the measure's whole)"), *[(d, d) for d in dims]]


class RowForm(forms.ModelForm):
    measure = forms.ChoiceField(required=False, help_text="Leave empty for a row that only links to a page.")
    basis = forms.ChoiceField(choices=BASIS_CHOICES, required=False)
    dimension = forms.ChoiceField(
        required=False, label="Breakdown dimension", help_text="For a sub-row: one part of the measure."
    )
    polarity = forms.ChoiceField(
        choices=[("", "The measure's polarity"), *POLARITY_CHOICES],
        required=False,
        help_text="Set it for a part whose better direction differs from the whole (agency staff: lower).",
    )

    class Meta:
        model = LayoutRow
        fields = [
            "plan_ref",
            "measure",
            "basis",
            "dimension",
            "breakdown",
            "figure",
            "polarity",
            "headline",
            "by_org_unit",
            "label",
            "page_url",
        ]
        labels = {"breakdown": "Breakdown value", "headline": "Headline row"}
        help_texts = {"breakdown": 'e.g. "from_home", "regular|good"'}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = measure_choices(keep=self.instance.measure or "")
        self.fields["dimension"].choices = dimension_choices()

    def _post_clean(self):
        # The service validates the row against the registry and the model's constraints; skip the
        # ModelForm's own instance validation so the errors are reported once, from one place.
        pass

    def row_data(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in self.Meta.fields}
