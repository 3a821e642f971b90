"""/manage/scorecard-layouts/: admins edit scorecard layouts (sections, rows, order, basis, headline rows,
the default layout). Admin-only through AdminOnlyMixin; every write goes through
apps.scorecards.services_admin, which audits it."""

from __future__ import annotations

import django_filters as df
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View

from apps.kpis.registry import load
from apps.scorecards import services_admin as layouts
from apps.scorecards.models import LayoutRow, LayoutSection, ScorecardLayout

from . import layout_forms, tables
from .views import AdminOnlyMixin, ListPage, RecordDelete, _apply_errors, _form_page


class LayoutFilterSet(df.FilterSet):
    name = df.CharFilter(lookup_expr="icontains", label="Name")

    class Meta:
        model = ScorecardLayout
        fields = ["name"]


class LayoutList(ListPage):
    title = "Scorecard layouts"
    new_url = "manage:layout_new"
    new_label = "New layout"
    intro = "Which measures a scorecard shows, under which headings and plan IDs, in what order."
    table_class = tables.LayoutTable
    filterset_class = LayoutFilterSet
    queryset = ScorecardLayout.objects.annotate(
        section_count=Count("sections", distinct=True), row_count=Count("sections__rows", distinct=True)
    ).order_by("-is_default", "name")


class LayoutDetail(AdminOnlyMixin, View):
    def get(self, request, pk):
        layout = get_object_or_404(ScorecardLayout, pk=pk)
        sections = list(layout.sections.order_by("order").prefetch_related("rows"))
        registry = load()
        for section in sections:
            section.sorted_rows = sorted(section.rows.all(), key=lambda r: (r.order, r.pk))
            for row in section.sorted_rows:
                m = registry.get(row.measure)
                row.measure_label = m.label if m else ""
                row.shown_basis = row.basis or (m.headline if m else "")
        return render(request, "manage/layout_detail.html", {"layout": layout, "sections": sections})


class LayoutEdit(AdminOnlyMixin, View):
    def _layout(self):
        return get_object_or_404(ScorecardLayout, pk=self.kwargs["pk"]) if "pk" in self.kwargs else None

    def _title(self, layout):
        return f"Edit layout {layout.name}" if layout else "New scorecard layout"

    def _back(self, layout):
        return reverse("manage:layout_detail", args=[layout.pk]) if layout else reverse("manage:layouts")

    def get(self, request, **kwargs):
        layout = self._layout()
        form = layout_forms.LayoutForm(instance=layout)
        return _form_page(request, form=form, title=self._title(layout), back=self._back(layout))

    def post(self, request, **kwargs):
        layout = self._layout()
        form = layout_forms.LayoutForm(request.POST, instance=layout or ScorecardLayout())
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form.Meta.fields}
            try:
                if layout is None:
                    layout = layouts.layout_create(actor=request.user, data=data)
                    messages.success(request, f"Created layout {layout.name}.")
                else:
                    changed = layouts.layout_update(actor=request.user, layout=layout, data=data)
                    messages.success(request, f"Saved {layout.name}." if changed else "Nothing changed.")
                return redirect("manage:layout_detail", pk=layout.pk)
            except ValidationError as exc:
                _apply_errors(form, exc)
        return _form_page(request, form=form, title=self._title(layout), back=self._back(layout))


class _Delete(RecordDelete):
    """A layout, section or row: `back` and `perform` say where to return and which audited service."""

    def back(self, obj):
        raise NotImplementedError

    def perform(self, request, obj):
        raise NotImplementedError


class LayoutDelete(_Delete):
    model, noun = ScorecardLayout, "layout"

    def back(self, obj):
        return reverse("manage:layout_detail", args=[obj.pk])

    def after(self, obj):
        return reverse("manage:layouts")

    def perform(self, request, obj):
        layouts.layout_delete(actor=request.user, layout=obj)


class SectionEdit(AdminOnlyMixin, View):
    """New section (`new`: pk is the layout's) or edit one (pk is the section's)."""

    new = False

    def _objects(self):
        if self.new:
            return get_object_or_404(ScorecardLayout, pk=self.kwargs["pk"]), None
        section = get_object_or_404(LayoutSection.objects.select_related("layout"), pk=self.kwargs["pk"])
        return section.layout, section

    def get(self, request, **kwargs):
        layout, section = self._objects()
        title = f"Edit section {section}" if section else f"New section of {layout}"
        back = reverse("manage:layout_detail", args=[layout.pk])
        return _form_page(request, form=layout_forms.SectionForm(instance=section), title=title, back=back)

    def post(self, request, **kwargs):
        layout, section = self._objects()
        form = layout_forms.SectionForm(request.POST, instance=section or LayoutSection(layout=layout))
        back = reverse("manage:layout_detail", args=[layout.pk])
        if form.is_valid():
            try:
                if section is None:
                    layouts.section_create(
                        actor=request.user, layout=layout, title=form.cleaned_data["title"]
                    )
                    messages.success(request, "Added the section.")
                else:
                    layouts.section_update(
                        actor=request.user, section=section, title=form.cleaned_data["title"]
                    )
                    messages.success(request, "Saved the section.")
                return redirect(back)
            except ValidationError as exc:
                _apply_errors(form, exc)
        title = f"Edit section {section}" if section else f"New section of {layout}"
        return _form_page(request, form=form, title=title, back=back)


class SectionDelete(_Delete):
    model, noun = LayoutSection, "section"

    def back(self, obj):
        return reverse("manage:layout_detail", args=[obj.layout_id])

    def perform(self, request, obj):
        layouts.section_delete(actor=request.user, section=obj)


class RowEdit(AdminOnlyMixin, View):
    """New row (`new`: pk is the section's) or edit one (pk is the row's)."""

    new = False

    def _objects(self):
        if self.new:
            return get_object_or_404(LayoutSection, pk=self.kwargs["pk"]), None
        row = get_object_or_404(LayoutRow.objects.select_related("section"), pk=self.kwargs["pk"])
        return row.section, row

    def _page(self, request, form, section, row):
        title = f"Edit row {row}" if row else f"New row in {section}"
        back = reverse("manage:layout_detail", args=[section.layout_id])
        return _form_page(request, form=form, title=title, back=back)

    def get(self, request, **kwargs):
        section, row = self._objects()
        return self._page(request, layout_forms.RowForm(instance=row), section, row)

    def post(self, request, **kwargs):
        section, row = self._objects()
        form = layout_forms.RowForm(request.POST, instance=row or LayoutRow(section=section))
        if form.is_valid():
            try:
                if row is None:
                    layouts.row_create(actor=request.user, section=section, data=form.row_data())
                    messages.success(request, "Added the row.")
                elif layouts.row_update(actor=request.user, row=row, data=form.row_data()):
                    messages.success(request, "Saved the row.")
                else:
                    messages.info(request, "Nothing changed.")
                return redirect("manage:layout_detail", pk=section.layout_id)
            except ValidationError as exc:
                _apply_errors(form, exc)
        return self._page(request, form, section, row)


class RowDelete(_Delete):
    model, noun = LayoutRow, "row"

    def back(self, obj):
        return reverse("manage:layout_detail", args=[obj.section.layout_id])

    def perform(self, request, obj):
        layouts.row_delete(actor=request.user, row=obj)


class _Move(AdminOnlyMixin, View):
    """GET: a page with the two moves; POST direction=up|down: swap with the neighbour."""

    model = None
    noun = ""

    def layout_pk(self, obj):
        raise NotImplementedError

    def get(self, request, pk):
        obj = get_object_or_404(self.model, pk=pk)
        return render(
            request,
            "manage/layout_move.html",
            {
                "title": f"Move {self.noun} {obj}",
                "back": reverse("manage:layout_detail", args=[self.layout_pk(obj)]),
            },
        )

    def post(self, request, pk):
        obj = get_object_or_404(self.model, pk=pk)
        direction = request.POST.get("direction")
        if direction not in (layouts.UP, layouts.DOWN):
            raise Http404
        if not self.move(request, obj, direction):
            messages.info(
                request, f"The {self.noun} is already at the {'top' if direction == 'up' else 'bottom'}."
            )
        return redirect(f"{reverse('manage:layout_detail', args=[self.layout_pk(obj)])}#{self.noun}-{obj.pk}")


class SectionMove(_Move):
    model, noun = LayoutSection, "section"

    def layout_pk(self, obj):
        return obj.layout_id

    def move(self, request, obj, direction):
        return layouts.section_move(actor=request.user, section=obj, direction=direction)


class RowMove(_Move):
    model, noun = LayoutRow, "row"

    def layout_pk(self, obj):
        return obj.section.layout_id

    def move(self, request, obj, direction):
        return layouts.row_move(actor=request.user, row=obj, direction=direction)
