from django.urls import path

from . import booklet_views, casework_views, charts, commentary, drill, pages, scorecard_views

app_name = "scorecards"

urlpatterns = [
    path("scorecard/", scorecard_views.scorecard, name="scorecard"),
    path("pages/", pages.IndexView.as_view(), name="pages"),
    path("pages/<str:section>/", pages.SectionView.as_view(), name="page"),
    path("pages/<str:section>/charts/<str:chart>/", charts.ChartView.as_view(), name="chart"),
    path("drill/<str:kpi>/", drill.DrillView.as_view(), name="drill"),
    path("commentary/", commentary.CommentaryView.as_view(), name="commentary"),
    path("booklet/", booklet_views.booklet, name="booklet"),
    path("booklets/", booklet_views.editions, name="booklets"),
    path("casework/", casework_views.CaseworkView.as_view(), name="casework"),
]
