"""The browser upload's form (/imports/new/)."""

from __future__ import annotations

from django import forms

from . import sniff


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files (Django's documented pattern for <input type=file multiple>)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def format_choices() -> list[tuple[str, str]]:
    return [(code, f"{label}: {rule.wants}") for code, label, rule in sniff.formats()]


class UploadForm(forms.Form):
    format = forms.ChoiceField(
        label="Format",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the format of the files."},
    )
    files = MultipleFileField(
        label="Files",
        required=False,  # an empty choice gets the format's own message (uploads.check_files)
        help_text="For an SSDA903 return, choose all its CSV files at once. The type is read from each "
        "file's content, whatever it is called.",
    )
    year = forms.IntegerField(
        label="Collection year (optional)",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="The year its 31 March falls in (2018 for 2017/18). Left blank, it is read from the return.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = format_choices()
        self.fields["files"].widget.attrs["aria-describedby"] = "id_files_help"
        self.fields["year"].widget.attrs["aria-describedby"] = "id_year_help"
