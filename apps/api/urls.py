from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("children", views.ChildViewSet, basename="child")

urlpatterns = [
    path("snapshots/", views.SnapshotView.as_view(), name="snapshots"),
    path("records/<slug:name>/", views.RecordsView.as_view(), name="records"),
    # The OpenAPI schema (a stable URL for clients to generate from) and its docs page.
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
