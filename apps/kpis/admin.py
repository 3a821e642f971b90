"""Read-only views of the measure data admins own (targets, benchmarks, baseline, measure settings, entered
measures: edited at /manage/, where every change writes an audit event) and of what the snapshot engine wrote
(runs, period states, snapshot rows)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import (
    Backfill,
    Baseline,
    Benchmark,
    EnteredMeasure,
    MeasureSetting,
    PeriodState,
    Snapshot,
    SnapshotRun,
    Target,
)


@admin.register(EnteredMeasure)
class EnteredMeasureAdmin(ReadOnlyAdmin):
    list_display = ("kpi_code", "period", "org_unit", "value", "numerator", "denominator")
    list_filter = ("org_unit__level", "kpi_code")
    search_fields = ("kpi_code", "period", "org_unit__code", "org_unit__name", "note")
    list_select_related = ("org_unit",)
    show_full_result_count = False


@admin.register(SnapshotRun)
class SnapshotRunAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "period",
        "sections",
        "trigger",
        "status",
        "measures",
        "rows_written",
        "rows_unchanged",
        "queries",
        "finished_at",
    )
    list_filter = ("status", "trigger")
    search_fields = ("period", "sections", "error")
    date_hierarchy = "started_at"
    list_select_related = ("started_by",)


@admin.register(Backfill)
class BackfillAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "first_period",
        "last_period",
        "months_done",
        "next_period",
        "in_progress",
        "status",
        "finished_at",
    )
    list_filter = ("status",)
    search_fields = ("first_period", "last_period", "error")
    date_hierarchy = "started_at"

    @admin.display(description="months done")
    def months_done(self, obj):
        return len(obj.done)

    @admin.display(description="being computed (month: worker since)")
    def in_progress(self, obj):
        claims = sorted(obj.claims.items())
        return (
            ", ".join(f"{month}: {claim['worker']} since {claim['since'][:19]}" for month, claim in claims)
            or "-"
        )


@admin.register(PeriodState)
class PeriodStateAdmin(ReadOnlyAdmin):
    list_display = ("period", "frozen_at", "last_computed_at", "last_run")
    search_fields = ("period",)
    list_select_related = ("last_run",)


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = (
        "measure",
        "period",
        "basis",
        "org_unit",
        "dimension",
        "breakdown",
        "version",
        "numerator",
        "denominator",
        "value",
        "computed_at",
    )
    list_filter = ("basis", "org_unit__level", "version", "dimension")
    search_fields = ("measure", "period", "org_unit__code", "org_unit__name")
    list_select_related = ("org_unit",)
    raw_id_fields = ("run",)
    list_per_page = 100
    show_full_result_count = False


@admin.register(MeasureSetting)
class MeasureSettingAdmin(ReadOnlyAdmin):
    list_display = ("measure", "polarity", "parameters")
    list_filter = ("polarity",)
    search_fields = ("measure",)


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = (
        "measure",
        "financial_year",
        "org_unit",
        "basis",
        "value",
        "amber_tolerance",
        "tolerance_kind",
    )
    list_filter = ("financial_year", "org_unit__level", "tolerance_kind")
    search_fields = ("measure", "org_unit__code", "org_unit__name")
    list_select_related = ("org_unit",)


@admin.register(Baseline)
class BaselineAdmin(ReadOnlyAdmin):
    list_display = ("label", "period", "active", "set_at")
    list_filter = ("active",)
    search_fields = ("label", "period")


@admin.register(Benchmark)
class BenchmarkAdmin(ReadOnlyAdmin):
    list_display = ("measure", "year", "kind", "label", "value", "source")
    list_filter = ("kind", "year")
    search_fields = ("measure", "label", "source")
