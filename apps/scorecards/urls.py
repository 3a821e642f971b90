from django.urls import path

from . import scorecard_views

app_name = "scorecards"

# Each page of the app adds its pattern here.
urlpatterns: list = [
    path("scorecard/", scorecard_views.scorecard, name="scorecard"),
]
