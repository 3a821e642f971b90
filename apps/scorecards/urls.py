from django.urls import path

from . import charts, pages

app_name = "scorecards"

# Each page of the app adds its pattern here.
urlpatterns: list = [
    path("pages/", pages.IndexView.as_view(), name="pages"),
    path("pages/<str:section>/", pages.SectionView.as_view(), name="page"),
    path("pages/<str:section>/charts/<str:chart>/", charts.ChartView.as_view(), name="chart"),
]
