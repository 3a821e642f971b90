"""The DfE statistics importer, against the published files in ../shared/data/dfe-published (skipped when that
folder is absent; nothing from it is copied here) and against small invented files for the edge cases."""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core.models import Population
from apps.imports import dfe
from apps.imports.dfe import dfe_statistics_import
from apps.imports.models import ImportKind, ImportRun, ImportStatus
from apps.kpis.models import Benchmark, BenchmarkKind

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data" / "dfe-published"
BARNET = "302"


def shared_folder() -> Path:
    if not SHARED.is_dir() or not any(SHARED.glob("*.csv")):
        pytest.skip(f"DfE published files not present at {SHARED}")
    return SHARED


def bench(measure, year, kind, label=""):
    if kind == BenchmarkKind.STAT_NEIGHBOURS:
        label = "Statistical neighbours"
    return Benchmark.objects.get(measure=measure, year=year, kind=kind, label=label)


def q1(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


_PARSED = {}


@pytest.fixture
def imported(monkeypatch):
    """The import of Barnet from the published files. The files are parsed once per test session (parsing
    ~50,000 rows takes seconds); everything after parsing runs for each test."""
    folder = shared_folder()
    real = dfe.read_files

    def read_once(paths, report):
        if "data" not in _PARSED:
            _PARSED["data"] = real(paths, report)
            _PARSED["counts"] = dict(report.counts)
            assert report.ok, report.errors
        report.counts.update(_PARSED["counts"])
        return _PARSED["data"]

    monkeypatch.setattr(dfe, "read_files", read_once)
    run = dfe_statistics_import(la=BARNET, paths=[folder])
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    return run


# --- the published files -----------------------------------------------------------------------------------


def test_england_reference_figures(imported):
    # README / catalogue reference figures for 2017/18 (time_period 2018 -> year 2017)
    assert bench("fd.rereferral_12m", 2017, BenchmarkKind.ENGLAND).value == Decimal("21.9")
    assert bench("icpc.within_15wd", 2017, BenchmarkKind.ENGLAND).value == Decimal("76.9")
    assert bench("fd.referral_rate", 2017, BenchmarkKind.ENGLAND).value == Decimal("559.6")
    assert bench("cp.open_plans_rate", 2017, BenchmarkKind.ENGLAND).value == Decimal("45.9")
    assert bench("cp.repeat_ever", 2017, BenchmarkKind.ENGLAND).value == Decimal("20.2")
    # England NI62 is 11% in every year these files hold
    assert bench("cla.ni62", 2023, BenchmarkKind.ENGLAND).value == Decimal("11")
    assert not Benchmark.objects.filter(year=2017, measure="cla.count_rate").exists()  # file starts 2021


def test_import_run_recorded(imported):
    run = ImportRun.objects.get(pk=imported.pk)
    assert run.kind == ImportKind.DFE_STATISTICS
    assert run.error_count == 0
    assert run.counts["la"]["name"] == "Barnet"
    assert run.counts["la"]["region"] == "Outer London"
    assert run.counts["benchmarks"]["created"] == Benchmark.objects.count()
    assert run.counts["population"]["created"] == Population.objects.count()
    assert run.rows_total > 0


def test_region_values(imported):
    # Barnet's rows say region E13000002 Outer London; Regional row 2018: rereferral_percent 17;
    # C4 Outer London 2018: ICPC 7530, 0-10 days 1350, 11-15 days 4520 -> 5870 / 7530 = 77.96 -> 78.0
    assert bench("fd.rereferral_12m", 2017, BenchmarkKind.REGION, "Outer London").value == Decimal("17")
    assert bench("icpc.within_15wd", 2017, BenchmarkKind.REGION, "Outer London").value == Decimal("78.0")
    # a London borough also gets the London region
    assert Benchmark.objects.filter(
        measure="fd.rereferral_12m", year=2017, kind=BenchmarkKind.REGION, label="London"
    ).exists()
    assert set(Benchmark.objects.filter(kind=BenchmarkKind.REGION).values_list("label", flat=True)) == {
        "London",
        "Outer London",
    }


def test_statistical_neighbour_mean(imported):
    # Barnet's neighbours (groupings file, row 302): 315 314 870 319 312 317 313 826 307 305.
    # C1 2018 rereferral_percent: Merton 9.1, Kingston 13.8, Reading 22.4, Sutton 19.2, Hillingdon 22,
    # Redbridge 15.4, Hounslow 15.3, Milton Keynes 20.6, Ealing 16, Bromley 16.3 -> 170.1 / 10 = 17.01
    values = ["9.1", "13.8", "22.4", "19.2", "22", "15.4", "15.3", "20.6", "16", "16.3"]
    expected = q1(sum(Decimal(v) for v in values) / len(values))
    row = bench("fd.rereferral_12m", 2017, BenchmarkKind.STAT_NEIGHBOURS)
    assert expected == Decimal("17.0")
    assert row.value == expected
    assert row.source.startswith("mean of 10 of 10 statistical neighbours of 302")


def test_suppressed_neighbour_is_missing_not_zero(imported):
    # C4 2024 (year 2023), neighbours' (ICPC, 0-10 days, 11-15 days): Merton (185, 15, 135), Kingston
    # (226, 28, 187), Reading (309, 43, 168), Sutton (298, 48, 237), Hillingdon (319, c, 282) - suppressed,
    # Redbridge (392, 23, 335), Hounslow (349, 18, 297), Milton Keynes (335, 53, 178), Ealing (435, 32, 292),
    # Bromley (620, 20, 412). Each within-15 % to 1 dp, the mean over the 9 that exist.
    figures = [
        (185, 15, 135),
        (226, 28, 187),
        (309, 43, 168),
        (298, 48, 237),
        (392, 23, 335),
        (349, 18, 297),
        (335, 53, 178),
        (435, 32, 292),
        (620, 20, 412),
    ]
    percents = [q1(Decimal(a + b) / Decimal(n) * 100) for n, a, b in figures]
    expected = q1(sum(percents) / len(percents))
    row = bench("icpc.within_15wd", 2023, BenchmarkKind.STAT_NEIGHBOURS)
    assert row.value == expected == Decimal("81.7")
    assert row.source.startswith("mean of 9 of 10 statistical neighbours of 302")
    assert "312" not in row.source.split(";")[0]


def test_population(imported):
    # ONS file, Barnet, time_period 2017 (mid-2017): 88491 -> financial year 2017/18
    assert Population.objects.get(year=2017).age_0_17 == 88491
    assert "ONS mid-2017" in Population.objects.get(year=2017).source
    assert Population.objects.filter(year__gte=2012, year__lte=2024).count() == 13


def test_csww_is_at_30_september(imported):
    # CSWW time_period 2017 = 30 September 2017, inside 2017/18 -> year 2017; England caseload_fte 17.7
    assert bench("wf.caseload", 2017, BenchmarkKind.ENGLAND).value == Decimal("17.7")


def test_cp_lasting_2y_not_loaded_from_open_plans(imported):
    # d5 holds plans open at 31 March, not plans ending: no benchmark for cp.lasting_2y
    assert not Benchmark.objects.filter(measure="cp.lasting_2y").exists()


def test_reimport_changes_nothing(imported):
    before = list(Benchmark.objects.order_by("pk").values())
    pops = list(Population.objects.order_by("pk").values())
    call_command("import_dfe_statistics", "--la", BARNET, str(SHARED))
    run = ImportRun.objects.latest("started_at")
    assert run.status == ImportStatus.SUCCEEDED
    assert run.counts["benchmarks"]["created"] == run.counts["benchmarks"]["updated"] == 0
    assert run.counts["population"]["created"] == run.counts["population"]["updated"] == 0
    assert list(Benchmark.objects.order_by("pk").values()) == before
    assert list(Population.objects.order_by("pk").values()) == pops


def test_unknown_la_writes_nothing():
    folder = shared_folder()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_dfe_statistics", "--la", "999", str(folder))
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    assert "LA code not found" in run.errors[0]["reason"]
    assert not Benchmark.objects.exists() and not Population.objects.exists()


def test_malformed_la_code_writes_nothing():
    folder = shared_folder()
    run = dfe_statistics_import(la="Barnet", paths=[folder])
    assert run.status == ImportStatus.FAILED
    assert "3-digit" in run.errors[0]["reason"]
    assert not Benchmark.objects.exists() and not Population.objects.exists()


def test_unrecognised_file_among_good_ones_writes_nothing(tmp_path):
    folder = shared_folder()
    odd = tmp_path / "something_else.csv"
    odd.write_text("foo,bar\n1,2\n")
    with pytest.raises(CommandError):
        call_command("import_dfe_statistics", "--la", BARNET, str(folder), str(odd))
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    assert run.errors[0]["file"] == "something_else.csv"
    assert "not a recognised DfE statistics file" in run.errors[0]["reason"]
    assert "referral_count" in run.errors[0]["reason"]  # says which columns it expected
    assert not Benchmark.objects.exists() and not Population.objects.exists()


# --- small invented files ------------------------------------------------------------------------------------

HEAD = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code"


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def invented(tmp_path):
    """Invented figures: LA 123 in region R1; England re-referrals suppressed in 2020; a neighbour file."""
    c1h = HEAD + ",new_la_code,la_name,category,referral_count,rereferral_count,rereferral_percent"
    write(
        tmp_path / "c1.csv",
        c1h,
        [
            "2021,Reporting year,National,E1,England,,,,,,Ref,1000,200,20",
            "2021,Reporting year,Regional,E1,England,R1,Region One,,,,Ref,100,u,c",
            "2021,Reporting year,Local authority,E1,England,R1,Region One,123,E0,Aville,Ref,50,5,10",
            "2021,Reporting year,Local authority,E1,England,R1,Region One,124,E0,Bville,Ref,40,8,20",
            "2021,Reporting year,Local authority,E1,England,R1,Region One,125,E0,Cville,Ref,x,x,x",
            "2020,Reporting year,National,E1,England,,,,,,Ref,900,c,c",
        ],
    )
    onsh = HEAD + ",new_la_code,la_name,age_group,population_estimate"
    write(
        tmp_path / "ons.csv",
        onsh,
        [
            "2020,Reporting year,National,E1,England,,,,,,Children aged 0 to 17 years,100000",
            "2020,Reporting year,Regional,E1,England,R1,Region One,,,,Children aged 0 to 17 years,20000",
            "2020,Reporting year,Local authority,E1,England,R1,Region One,123,E0,Aville,Children aged 0 to 17 years,5000",
            "2020,Reporting year,Local authority,E1,England,R1,Region One,124,E0,Bville,Children aged 0 to 17 years,z",
        ],
    )
    snh = "LA num,LA Name,LA number,GOInd,GOReg," + ",".join(f"SN{i},SNP" for i in range(1, 11))
    write(
        tmp_path / "sn.csv",
        "\ufeff" + snh,
        ["123,Aville,123,1,R," + ",".join(f"{n},Close" for n in range(124, 134))],
    )
    return tmp_path


def test_invented_files(invented):
    run = dfe_statistics_import(la="123", paths=[invented])
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    got = {(b.measure, b.year, b.kind, b.label): b.value for b in Benchmark.objects.all()}
    assert got == {
        ("fd.rereferral_12m", 2020, "england", ""): Decimal("20"),
        # 1000 / 100000 x 10,000 (2021 file -> year 2020 -> mid-2020 population)
        ("fd.referral_rate", 2020, "england", ""): Decimal("100.0"),
        ("fd.referral_rate", 2020, "region", "Region One"): Decimal("50.0"),
        # only neighbour 124 has a re-referral %; 125 is suppressed; no rate for 124 (population z)
        ("fd.rereferral_12m", 2020, "stat_neighbours", "Statistical neighbours"): Decimal("20.0"),
    }
    # suppressed England 2019 and region 2020 re-referral figures: no row, not zero
    assert not Benchmark.objects.filter(year=2019).exists()
    assert not Benchmark.objects.filter(measure="fd.rereferral_12m", kind="region").exists()
    assert Population.objects.get().age_0_17 == 5000 and Population.objects.get().year == 2020
    sn = Benchmark.objects.get(kind="stat_neighbours")
    assert sn.source.startswith("mean of 1 of 10 statistical neighbours of 123 (124;")


def test_bad_value_and_missing_columns_write_nothing(invented):
    (invented / "c1.csv").write_text(
        (invented / "c1.csv").read_text().replace("Aville,Ref,50,5,10", "Aville,Ref,50,5,ten")
    )
    d3h = HEAD + ",new_la_code,la_name,category,CPP_start,CPP_subsequent_percent"
    write(
        invented / "d3.csv",
        d3h.replace("region_name,", ""),
        ["2021,Reporting year,National,E1,England,,,,,1,2"],
    )
    run = dfe_statistics_import(la="123", paths=[invented])
    assert run.status == ImportStatus.FAILED
    reasons = {(e["file"], e["column"]): e["reason"] for e in run.errors}
    assert "not a number" in reasons[("c1.csv", "rereferral_percent")]
    assert "lacks columns region_name" in reasons[("d3.csv", "region_name")]
    assert not Benchmark.objects.exists() and not Population.objects.exists()


def test_dry_run_writes_nothing(invented):
    run = dfe_statistics_import(la="123", paths=[invented], dry_run=True)
    assert run.status == ImportStatus.VALIDATED
    assert run.counts["la"]["benchmarks"] == 4
    assert not Benchmark.objects.exists() and not Population.objects.exists()


def test_six_digit_time_period(tmp_path):
    write(
        tmp_path / "c1.csv",
        HEAD + ",new_la_code,la_name,category,referral_count,rereferral_count,rereferral_percent",
        [
            "201718,Financial year,National,E1,England,,,,,,Ref,10,2,20",
            "201718,Financial year,Local authority,E1,England,R1,Region One,123,E0,Aville,Ref,5,1,20",
        ],
    )
    run = dfe_statistics_import(la="123", paths=[tmp_path])
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    assert Benchmark.objects.get().year == 2017


def test_folder_without_csv_files(tmp_path):
    run = dfe_statistics_import(la="302", paths=[tmp_path])
    assert run.status == ImportStatus.FAILED
    assert run.errors[0]["reason"] == "no .csv files found"
