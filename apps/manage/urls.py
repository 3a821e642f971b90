from django.urls import path

from . import layout_views, views

app_name = "manage"

urlpatterns = [
    path("", views.Index.as_view(), name="index"),
    path("users/", views.UserList.as_view(), name="users"),
    path("users/new/", views.UserNew.as_view(), name="user_new"),
    path("users/<int:pk>/", views.UserEdit.as_view(), name="user_edit"),
    path("users/<int:pk>/<slug:action>/", views.UserAction.as_view(), name="user_action"),
    path("org-units/", views.OrgUnitList.as_view(), name="orgunits"),
    path("org-units/new/<slug:level>/", views.OrgUnitEdit.as_view(), name="orgunit_new"),
    path("org-units/<int:pk>/", views.OrgUnitEdit.as_view(), name="orgunit_edit"),
    path("targets/", views.TargetList.as_view(), name="targets"),
    path("targets/new/", views.TargetEdit.as_view(), name="target_new"),
    path("targets/<int:pk>/", views.TargetEdit.as_view(), name="target_edit"),
    path("targets/<int:pk>/delete/", views.TargetDelete.as_view(), name="target_delete"),
    path("benchmarks/", views.BenchmarkList.as_view(), name="benchmarks"),
    path("benchmarks/new/", views.BenchmarkEdit.as_view(), name="benchmark_new"),
    path("benchmarks/<int:pk>/", views.BenchmarkEdit.as_view(), name="benchmark_edit"),
    path("benchmarks/<int:pk>/delete/", views.BenchmarkDelete.as_view(), name="benchmark_delete"),
    path("baseline/", views.BaselinePage.as_view(), name="baseline"),
    path("entered/", views.EnteredMeasureList.as_view(), name="entered"),
    path("entered/new/", views.EnteredMeasureEdit.as_view(), name="entered_new"),
    path("entered/<int:pk>/", views.EnteredMeasureEdit.as_view(), name="entered_edit"),
    path("entered/<int:pk>/delete/", views.EnteredMeasureDelete.as_view(), name="entered_delete"),
    path("measures/", views.MeasureSettingList.as_view(), name="measures"),
    path("measures/<str:code>/", views.MeasureSettingEdit.as_view(), name="measure_edit"),
    path("scorecard-layouts/", layout_views.LayoutList.as_view(), name="layouts"),
    path("scorecard-layouts/new/", layout_views.LayoutEdit.as_view(), name="layout_new"),
    path("scorecard-layouts/<int:pk>/", layout_views.LayoutDetail.as_view(), name="layout_detail"),
    path("scorecard-layouts/<int:pk>/edit/", layout_views.LayoutEdit.as_view(), name="layout_edit"),
    path("scorecard-layouts/<int:pk>/delete/", layout_views.LayoutDelete.as_view(), name="layout_delete"),
    path(
        "scorecard-layouts/<int:pk>/sections/new/",
        layout_views.SectionEdit.as_view(new=True),
        name="layout_section_new",
    ),
    path("scorecard-sections/<int:pk>/", layout_views.SectionEdit.as_view(), name="layout_section_edit"),
    path(
        "scorecard-sections/<int:pk>/delete/",
        layout_views.SectionDelete.as_view(),
        name="layout_section_delete",
    ),
    path("scorecard-sections/<int:pk>/move/", layout_views.SectionMove.as_view(), name="layout_section_move"),
    path(
        "scorecard-sections/<int:pk>/rows/new/", layout_views.RowEdit.as_view(new=True), name="layout_row_new"
    ),
    path("scorecard-rows/<int:pk>/", layout_views.RowEdit.as_view(), name="layout_row_edit"),
    path("scorecard-rows/<int:pk>/delete/", layout_views.RowDelete.as_view(), name="layout_row_delete"),
    path("scorecard-rows/<int:pk>/move/", layout_views.RowMove.as_view(), name="layout_row_move"),
    path("api-keys/", views.ApiKeyList.as_view(), name="apikeys"),
    path("api-keys/new/", views.ApiKeyNew.as_view(), name="apikey_new"),
    path("api-keys/<int:pk>/revoke/", views.ApiKeyRevoke.as_view(), name="apikey_revoke"),
    path("booklet-recipients/", views.BookletRecipientList.as_view(), name="recipients"),
    path("booklet-recipients/new/", views.BookletRecipientEdit.as_view(), name="recipient_new"),
    path("booklet-recipients/<int:pk>/", views.BookletRecipientEdit.as_view(), name="recipient_edit"),
    path(
        "booklet-recipients/<int:pk>/delete/", views.BookletRecipientDelete.as_view(), name="recipient_delete"
    ),
    path("timescales/", views.TimescaleList.as_view(), name="timescales"),
    path("timescales/<int:pk>/", views.TimescaleEdit.as_view(), name="timescale_edit"),
    path("audit/", views.AuditEventList.as_view(), name="audit"),
    path("audit/<int:pk>/", views.AuditEventDetail.as_view(), name="audit_detail"),
    path("access-log/", views.AccessLogList.as_view(), name="accesslog"),
    path("access-log/export.csv", views.AccessLogExport.as_view(), name="accesslog_export"),
]
