from django.urls import path, register_converter

from apps.core.converters import ChildIdConverter

from . import views

register_converter(ChildIdConverter, "child_id")

app_name = "people"

urlpatterns = [
    path("", views.ChildListView.as_view(), name="child_list"),
    # Before the detail pattern: a child ID is any string, and these two are not children.
    path("export.csv", views.ChildExportView.as_view(export_format="csv"), name="child_export_csv"),
    path("export.xlsx", views.ChildExportView.as_view(export_format="xlsx"), name="child_export_xlsx"),
    path("<child_id:child_id>/", views.ChildDetailView.as_view(), name="child_detail"),
]
