"""Reads for the imports app: what the portal holds, record type by record type, as the home page shows it;
the import history and one run's report and progress (/imports/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.cache import cache
from django.db.models import Count, Max, Min

from apps.core.disclosure import is_small
from apps.core.progress import duration
from apps.core.selectors import org_summary, population_by_year

from .models import ImportRun, ImportStatus


@dataclass(frozen=True)
class HeldTable:
    """A record type of the CSV bundle as the home page shows it."""

    bundle_file: str
    model: str
    label: str
    date_field: str | None  # the column a measure's period is read from; None when there is none


# In bundle order (apps.imports.bundle.spec): teams and population are shown in their own sections.
HELD_TABLES: tuple[HeldTable, ...] = (
    HeldTable("workers", "workforce.Worker", "Workers", "start_date"),
    HeldTable("posts", "workforce.Post", "Establishment posts", "start_date"),
    HeldTable("children", "people.Child", "Children", "date_of_birth"),
    HeldTable("allocations", "workforce.Allocation", "Case allocations", "start_date"),
    HeldTable("contacts", "frontdoor.Contact", "Contacts", "received_at"),
    HeldTable("referrals", "frontdoor.Referral", "Referrals", "referral_date"),
    HeldTable("early_help", "frontdoor.EarlyHelpEpisode", "Early help episodes", "start_date"),
    HeldTable("assessments", "assessments.Assessment", "Assessments", "start_date"),
    HeldTable("strategy_discussions", "assessments.StrategyDiscussion", "Strategy discussions", "held_date"),
    HeldTable("s47_enquiries", "assessments.S47Enquiry", "Section 47 enquiries", "start_date"),
    HeldTable("conferences", "assessments.Conference", "Child protection conferences", "held_date"),
    HeldTable("cin_plans", "plans.CINPlan", "Child in need plans", "start_date"),
    HeldTable("cp_plans", "plans.CPPlan", "Child protection plans", "start_date"),
    HeldTable("visits", "plans.Visit", "Visits", "visit_date"),
    HeldTable("care_episodes", "care.CareEpisode", "Care episodes", "start_date"),
    HeldTable("cla_reviews", "care.CLAReview", "Children in care reviews", "review_date"),
    HeldTable("health_assessments", "care.HealthAssessment", "Health assessments", "completed_date"),
    HeldTable("missing_episodes", "care.MissingEpisode", "Missing and absent episodes", "start_date"),
    HeldTable("care_leavers", "care.CareLeaverStatus", "Care leaver statuses", "status_date"),
    HeldTable("adoptions", "care.Adoption", "Adoptions", "entered_care_date"),
    HeldTable("proceedings", "care.Proceeding", "Proceedings", "start_date"),
    HeldTable("families", "workforce.Family", "Families First families", "attached_date"),
    HeldTable("family_members", "workforce.FamilyMember", "Families First family members", None),
    HeldTable("audits", "workforce.Audit", "Case audits", "completed_date"),
    HeldTable("supervisions", "workforce.Supervision", "Supervisions", "held_date"),
    HeldTable("life_story_work", "care.LifeStoryWork", "Life story work", "start_date"),
    HeldTable("entered_measures", "kpis.EnteredMeasure", "Entered measures", "period"),
)


def _table_summary(table: HeldTable) -> dict:
    model = apps.get_model(table.model)
    # One query per table: count and date range together. order_by() drops Meta.ordering from the aggregate.
    aggregates = {"rows": Count("pk")}
    if table.date_field:
        aggregates |= {"first": Min(table.date_field), "last": Max(table.date_field)}
    row = model.objects.order_by().aggregate(**aggregates)
    field = model._meta.get_field(table.date_field) if table.date_field else None
    return {
        "file": f"{table.bundle_file}.csv",
        "label": table.label,
        "rows": row["rows"],
        "date_column": table.date_field,
        "date_label": field.verbose_name if field else "",
        "first": row.get("first"),
        "last": row.get("last"),
        # "YYYY-MM" periods are strings, printed as they are; dates and date-times go through |date.
        "is_period": table.date_field == "period",
    }


# The record tables' counts and date ranges are a full read of every table (1.2 s on a large council), and
# change when data is loaded: they are kept for a minute under the latest successful import's key, so a new
# import shows at once and an edit made another way (an entered measure) within the minute.
HELD_CACHE_SECONDS = 60


def data_version() -> int | None:
    """The latest successful import's key: records change only by an import (a bundle, a return, the API's
    push, the demo), so a figure read from them and kept under this key is current until the next one."""
    return (
        ImportRun.objects.filter(status=ImportStatus.SUCCEEDED, dry_run=False)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


def _tables_summary() -> list[dict]:
    key = f"imports:held-tables:{data_version()}"
    tables = cache.get(key)
    if tables is None:
        tables = [_table_summary(t) for t in HELD_TABLES]
        cache.set(key, tables, HELD_CACHE_SECONDS)
    return tables


def _last_import() -> dict | None:
    run = ImportRun.objects.select_related("started_by").order_by("-started_at", "-pk").first()
    if run is None:
        return None
    totals: dict[str, int] = {}
    records = run.record_counts
    for counts in records.values():
        for key, value in counts.items():
            if isinstance(value, int):
                totals[key] = totals.get(key, 0) + value
    if run.warning_count:
        totals["warnings"] = run.warning_count
    return {"run": run, "files": len(records), "totals": totals}


def data_held_summary(*, aggregates_only: bool = False) -> dict:
    """What the portal holds, for the home page: each record type's row count and date range, the org
    structure, the population by year and the last import. A fixed number of aggregate queries, whatever the
    size of the tables.

    `aggregates_only` is the viewer's version (product.md: aggregates only, small numbers suppressed): a
    count of 1-4 records is withheld (`rows` None, `suppressed` True), and so is the grand total, which
    would give a withheld count back as the total minus the others; no dates are shown, since the first and
    last date of a handful of records are facts about the children in them (a single adoption's dates, the
    oldest child's date of birth); and of the last import only when it finished and whether it succeeded
    (its file path, who ran it and its counts are the operators' business)."""
    tables = _tables_summary()
    total_rows = sum(t["rows"] for t in tables)
    summary = {
        "tables": tables,
        "total_rows": total_rows,
        "has_data": total_rows > 0,
        "org": org_summary(),
        "population": population_by_year(),
        "last_import": _last_import(),
        "aggregates_only": aggregates_only,
    }
    if aggregates_only:
        summary["tables"] = [_aggregate_only(t) for t in tables]
        summary["total_rows"] = None
        run = summary["last_import"]["run"] if summary["last_import"] else None
        summary["last_import"] = (
            {"finished_at": run.finished_at or run.started_at, "status": run.get_status_display()}
            if run
            else None
        )
    return summary


def _aggregate_only(table: dict) -> dict:
    small = is_small(table["rows"])
    return {
        **table,
        "rows": None if small else table["rows"],
        "suppressed": small,
        "first": None,
        "last": None,
        "date_column": None,
        "date_label": "",
    }


# == the import history and a run's report (/imports/) ========================================================


def import_history():
    """Every import run, newest first, whoever started it and however (command, API, browser)."""
    return ImportRun.objects.select_related("started_by").order_by("-started_at", "-pk")


COUNT_COLUMNS = ("rows", "created", "updated", "unchanged", "left_out")


def run_counts(run: ImportRun) -> list[dict]:
    """The run's counts as table rows: each file or record table with its rows read, created, updated,
    unchanged and (a statutory return's own files) rows left out; blanks where a figure does not apply."""
    out = []
    for name, counts in sorted((run.counts or {}).items()):
        if isinstance(counts, dict):
            out.append(
                {"file": name, **{c: counts.get(c) for c in COUNT_COLUMNS}, "read": "left_out" in counts}
            )
    return out


RUNNING_STATES = (ImportStatus.RUNNING,)

PHASE_LABELS = {
    "read": "Reading the files",
    "check": "Checking the rows",
    "compare": "Comparing with what is held",
    "write": "Writing",
}


def _amount(n: float, unit: str) -> str:
    if unit == "bytes":
        return f"{n / 1_000_000:,.1f} MB" if n >= 1_000_000 else f"{n / 1000:,.0f} KB"
    return f"{n:,.0f} rows"


def run_progress(run: ImportRun, *, now: datetime) -> dict:
    """How far a running import has got, from the fields its task writes: the phase, done (of how many,
    when known), the rate since the phase began and the time left, and the same as one sentence."""
    running = run.status in RUNNING_STATES
    out = {
        "status": run.status,
        "status_label": run.get_status_display(),
        "running": running,
        "phase": run.phase if running else "",
        "phase_label": PHASE_LABELS.get(run.phase, run.phase) if running and run.phase else "",
        "done": run.progress_done if running else None,
        "total": run.progress_total if running else None,
        "unit": run.progress_unit if running else "",
        "note": run.progress_note if running else "",
        "rate": None,
        "seconds_left": None,
        "updated_at": run.progress_at.isoformat() if run.progress_at else None,
    }
    if not running:
        out["text"] = run.get_status_display()
        return out
    if not run.phase:
        out["text"] = "Waiting to start (the import is queued)."
        return out
    unit = run.progress_unit or "rows"
    parts = [out["phase_label"]]
    done = run.progress_done
    if run.progress_total:
        parts.append(f"{_amount(done, unit)} of {_amount(run.progress_total, unit)}")
    elif done:
        parts.append(f"{_amount(done, unit)} so far")
    if run.phase_started_at and run.progress_at and done:
        elapsed = (run.progress_at - run.phase_started_at).total_seconds()
        if elapsed > 0:
            rate = done / elapsed
            out["rate"] = round(rate, 1)
            parts.append(f"{_amount(rate, unit)}/s")
            if run.progress_total and run.progress_total > done:
                out["seconds_left"] = round((run.progress_total - done) / rate)
                parts.append(f"about {duration(out['seconds_left'])} left")
    if run.phase == "write" and not done:
        parts.append("in one transaction: the figures appear when it commits")
    text = ", ".join(parts)
    if run.progress_note:
        text += f" ({run.progress_note})"
    out["text"] = text
    return out
