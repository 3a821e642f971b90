"""Forms of the /manage/ pages. They validate; the services in apps.*.services_admin write."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator

from apps.accounts.models import Role, User
from apps.core.models import OrgLevel, OrgUnit
from apps.core.periods import Period
from apps.kpis.models import Benchmark, EnteredMeasure, Polarity, Target
from apps.kpis.registry import Basis, load
from apps.scorecards.models import BookletRecipient


def registry():
    return load()


def measure_choices(*, entered: bool | None = None, keep: str = "") -> list[tuple[str, str]]:
    """(code, "label (code)") for the registry's measures; `keep` adds a stored code the registry no longer
    has, so an old row can still be edited (and moved to a current code)."""
    measures = [m for m in registry().values() if entered is None or m.entered == entered]
    choices = [(m.code, f"{m.label} ({m.code})") for m in sorted(measures, key=lambda m: m.code)]
    if keep and keep not in {c for c, _ in choices}:
        choices.append((keep, f"{keep} (not in the registry)"))
    return [("", "---------"), *choices]


BASIS_CHOICES = [
    ("", "Headline basis of the measure"),
    *[(v, v) for k, v in vars(Basis).items() if k.isupper() and isinstance(v, str)],
]


def validate_period(value: str) -> str:
    try:
        period = Period.parse((value or "").strip())
    except ValueError:
        raise ValidationError("Enter a period as YYYY-MM, e.g. 2024-03.") from None
    if not Period(1990, 1) <= period <= Period(2100, 12):
        raise ValidationError("The period must be between 1990-01 and 2100-12.")
    return str(period)


class PeriodField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("help_text", "YYYY-MM")
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return validate_period(value) if value else value


def org_unit_label(unit: OrgUnit) -> str:
    return f"{unit.name} ({unit.get_level_display().lower()}, {unit.code})"


class OrgUnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return org_unit_label(obj)


class OrgUnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


# --- users ---------------------------------------------------------------------------------------------


class UserForm(forms.ModelForm):
    teams = OrgUnitsChoiceField(
        queryset=OrgUnit.objects.filter(level=OrgLevel.TEAM).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A team manager sees the children of these teams.",
    )
    services = OrgUnitsChoiceField(
        queryset=OrgUnit.objects.filter(level=OrgLevel.SERVICE).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A head of service sees the children of every team in these services.",
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        if self.instance.pk:
            units = list(self.instance.org_units.all())
            self.initial.setdefault("teams", [u.pk for u in units if u.level == OrgLevel.TEAM])
            self.initial.setdefault("services", [u.pk for u in units if u.level == OrgLevel.SERVICE])

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == Role.TEAM_MANAGER and not data.get("teams"):
            self.add_error("teams", "A team manager needs at least one team.")
        if role == Role.HEAD_OF_SERVICE and not data.get("services"):
            self.add_error("services", "A head of service needs at least one service.")
        return data

    def user_data(self) -> dict:
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        data["org_units"] = [*self.cleaned_data.get("teams", []), *self.cleaned_data.get("services", [])]
        return data


class UserCreateForm(UserForm):
    class Meta(UserForm.Meta):
        fields = ["username", *UserForm.Meta.fields]


# --- org units -----------------------------------------------------------------------------------------


class OrgUnitForm(forms.ModelForm):
    parent = OrgUnitChoiceField(
        queryset=OrgUnit.objects.filter(level=OrgLevel.SERVICE).order_by("name"),
        label="Service",
        help_text="Move the team by choosing another service.",
    )

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "parent"]

    def __init__(self, *args, level: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.level = level
        if level == OrgLevel.SERVICE:
            # A service always hangs from the LA: nothing to choose.
            del self.fields["parent"]

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code:
            raise ValidationError("Enter a code.")
        return code


# --- targets, benchmarks, entered measures -------------------------------------------------------------


class TargetForm(forms.ModelForm):
    measure = forms.ChoiceField()
    basis = forms.ChoiceField(choices=BASIS_CHOICES, required=False)
    org_unit = OrgUnitChoiceField(queryset=OrgUnit.objects.order_by("level", "name"), label="Org unit")

    class Meta:
        model = Target
        fields = [
            "measure",
            "financial_year",
            "org_unit",
            "basis",
            "value",
            "amber_tolerance",
            "tolerance_kind",
        ]
        help_texts = {"financial_year": "The year the financial year starts in: 2024 = 2024/25."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = measure_choices(keep=self.instance.measure or "")
        self.fields["financial_year"].min_value = 1990
        self.fields["financial_year"].widget.attrs.update({"min": 1990, "max": 2100})

    def clean_financial_year(self):
        year = self.cleaned_data["financial_year"]
        if not 1990 <= year <= 2100:
            raise ValidationError("Enter a year between 1990 and 2100.")
        return year

    def clean(self):
        data = super().clean()
        measure = registry().get(data.get("measure") or "")
        if measure is None:
            return data
        basis = data.get("basis")
        if basis and basis not in measure.bases:
            self.add_error("basis", f"{measure.code} is stored on: {', '.join(measure.bases)}.")
        unit = data.get("org_unit")
        if measure.la_only and unit is not None and unit.level != OrgLevel.LA:
            self.add_error("org_unit", f"{measure.code} is computed for the whole local authority only.")
        return data


class BenchmarkForm(forms.ModelForm):
    measure = forms.ChoiceField()

    class Meta:
        model = Benchmark
        fields = ["measure", "year", "kind", "label", "value", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = measure_choices(keep=self.instance.measure or "")

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 1990 <= year <= 2100:
            raise ValidationError("Enter a year between 1990 and 2100.")
        return year


class EnteredMeasureForm(forms.ModelForm):
    kpi_code = forms.ChoiceField(label="Measure")
    period = PeriodField()
    org_unit = OrgUnitChoiceField(queryset=OrgUnit.objects.order_by("level", "name"), label="Org unit")

    class Meta:
        model = EnteredMeasure
        fields = ["kpi_code", "period", "org_unit", "value", "numerator", "denominator", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"note": "Where the figure comes from."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kpi_code"].choices = measure_choices(entered=True, keep=self.instance.kpi_code or "")

    def clean(self):
        data = super().clean()
        value, num, den = data.get("value"), data.get("numerator"), data.get("denominator")
        if den is not None and num is None:
            self.add_error("numerator", "A denominator needs a numerator.")
        elif (
            value is None and num is None and not self.has_error("value") and not self.has_error("numerator")
        ):
            raise ValidationError("Enter a value, or a numerator (and denominator).")
        if den is not None and den < 0:
            self.add_error("denominator", "A denominator cannot be negative.")
        return data

    def _post_clean(self):
        # The model's check constraints say the same as clean() above, less readably: skip them once the form
        # has already said why (the row is not saved either way).
        if self.errors:
            return
        super()._post_clean()


# --- baseline and measure settings ---------------------------------------------------------------------


class BaselineForm(forms.Form):
    period = PeriodField(help_text="YYYY-MM: the month scorecards compare against.")
    label = forms.CharField(max_length=100, initial="Last Ofsted inspection")


class MeasureSettingForm(forms.Form):
    polarity = forms.ChoiceField(
        choices=[("", "Registry default"), *Polarity.choices], required=False, label="Polarity override"
    )
    parameters = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        required=False,
        help_text="A JSON object; only the measure's own parameters; blank or {} = the defaults.",
    )

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure

    def clean_parameters(self):
        text = (self.cleaned_data.get("parameters") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"Not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})."
            ) from None
        if not isinstance(value, dict):
            raise ValidationError('Enter a JSON object, e.g. {"visit_standard_wd": 20}.')
        known = self.measure.params
        unknown = sorted(set(value) - set(known))
        if unknown:
            allowed = ", ".join(sorted(known)) or "none"
            raise ValidationError(f"Unknown parameter(s): {', '.join(unknown)}. This measure's: {allowed}.")
        errors = []
        for key, given in value.items():
            default = known[key]
            if isinstance(default, bool) and not isinstance(given, bool):
                errors.append(f"{key} must be true or false.")
            elif isinstance(default, int) and not isinstance(default, bool):
                if isinstance(given, bool) or not isinstance(given, int):
                    errors.append(f"{key} must be a whole number.")
                elif given < 0:
                    errors.append(f"{key} cannot be negative.")
            elif isinstance(default, float):
                if isinstance(given, bool) or not isinstance(given, int | float):
                    errors.append(f"{key} must be a number.")
                elif given < 0:
                    errors.append(f"{key} cannot be negative.")
            elif isinstance(default, str) and not isinstance(given, str):
                errors.append(f"{key} must be text.")
        if errors:
            raise ValidationError(errors)
        return value


class ApiKeyForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        help_text="The key reads what this user may read. Give a system its own user, with the role it needs.",
    )
    name = forms.CharField(
        max_length=100, help_text="What will use the key, e.g. 'case system nightly push'."
    )
    days = forms.IntegerField(
        required=False, min_value=1, max_value=3650, help_text="How long the key works; blank: until revoked."
    )


class BookletRecipientForm(forms.ModelForm):
    org_unit = OrgUnitChoiceField(
        queryset=OrgUnit.objects.filter(level=OrgLevel.SERVICE).order_by("name"),
        required=False,
        label="Booklet of",
        empty_label="The LA",
        help_text="The LA's booklet, or one service's.",
    )

    class Meta:
        model = BookletRecipient
        fields = ["name", "email", "org_unit", "active"]


class TimescaleForm(forms.ModelForm):
    """A case-tracking timescale's steps; the model's constraints (a step is an amount with its unit) are
    checked again by the service's full_clean."""

    class Meta:
        from apps.scorecards.models import Timescale

        model = Timescale
        fields = [
            "first_amount",
            "first_unit",
            "then_amount",
            "then_unit",
            "later_amount",
            "later_unit",
            "due_soon",
        ]

    def __init__(self, *args, **kwargs):
        from apps.scorecards.choices import STEPS

        super().__init__(*args, **kwargs)
        first, then, later = STEPS.get(self.instance.kind, ("", "", ""))
        self.fields["first_amount"].help_text = first
        self.fields["then_amount"].help_text = then or "not used for this kind"
        self.fields["later_amount"].help_text = later or "not used for this kind"
        self.fields["first_amount"].validators.append(MinValueValidator(1))

    def clean(self):
        data = super().clean()
        for step in ("then", "later"):
            amount, unit = data.get(f"{step}_amount"), data.get(f"{step}_unit")
            if amount and not unit:
                self.add_error(f"{step}_unit", "Choose the unit of this step.")
            if unit and not amount:
                self.add_error(f"{step}_amount", "Enter the amount of this step, or clear its unit.")
        return data
