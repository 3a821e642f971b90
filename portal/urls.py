from django.contrib import admin
from django.urls import include, path

from apps.scorecards import views as scorecard_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("imports/", include("apps.imports.urls")),
    path("manage/", include("apps.manage.urls")),
    path("children/", include("apps.people.urls")),
    path("api/", include("apps.api.urls")),
    path("", include("apps.scorecards.urls")),
    path("", scorecard_views.home, name="home"),
]
