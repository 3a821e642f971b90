from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    """What managers open every week: the home page, scorecards and their layouts, the performance-on-a-page
    sections with their charts, the drill-down from a figure to its records, commentary, and the monthly
    booklet. The top floor: it may import every app below it, and none imports it. Pages read stored
    snapshots only."""

    name = "apps.scorecards"
    label = "scorecards"
    verbose_name = "Scorecards and pages"

    def ready(self):
        # The KPI engine announces a published or restated month; the booklet is made from it.
        from apps.kpis.signals import month_published

        from . import receivers

        month_published.connect(receivers.month_published, dispatch_uid="scorecards.booklet_on_publish")
