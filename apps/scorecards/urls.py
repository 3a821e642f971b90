from django.urls import path

from . import drill

app_name = "scorecards"

# Each page of the app adds its pattern here.
urlpatterns: list = [
    path("drill/<str:kpi>/", drill.DrillView.as_view(), name="drill"),
]
