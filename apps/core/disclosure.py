"""The disclosure rule every viewer-facing figure follows (product.md: viewers see aggregates only, small
numbers suppressed). Kept on the ground floor so the home page, the KPI suppression (apps.kpis.suppression)
and the access rules read the same threshold and show a withheld figure the same way."""

# Counts of 1 to SMALL_COUNT - 1 children or records are withheld from viewers; zero is shown.
SMALL_COUNT = 5

# How a withheld figure is shown: DfE's mark for a figure suppressed to protect confidentiality, used alike
# for a small figure and for one withheld to protect it (marking them apart would tell which are small).
SUPPRESSED_MARK = "c"


def is_small(count) -> bool:
    return count is not None and 0 < count < SMALL_COUNT
