from django.apps import AppConfig


class ScorecardsConfig(AppConfig):
    """What managers open every week: the home page, scorecards and their layouts, the performance-on-a-page
    sections with their charts, the drill-down from a figure to its records, and commentary. The top floor:
    it may import every app below it, and none imports it. Pages read stored snapshots only."""

    name = "apps.scorecards"
    label = "scorecards"
    verbose_name = "Scorecards and pages"
