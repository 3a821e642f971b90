from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("children", views.ChildViewSet, basename="child")

urlpatterns = [path("snapshots/", views.SnapshotView.as_view(), name="snapshots"), *router.urls]
