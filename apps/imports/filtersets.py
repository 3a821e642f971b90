"""django-filter filtersets of the imports app's lists."""

from __future__ import annotations

import django_filters as df

from .models import ImportKind, ImportRun, ImportStatus


class ImportRunFilterSet(df.FilterSet):
    kind = df.ChoiceFilter(choices=ImportKind.choices, label="Kind", empty_label="Any kind")
    status = df.ChoiceFilter(choices=ImportStatus.choices, label="Status", empty_label="Any status")

    class Meta:
        model = ImportRun
        fields = []
