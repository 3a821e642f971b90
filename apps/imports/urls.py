from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.HistoryView.as_view(), name="history"),
    path("new/", views.NewView.as_view(), name="new"),
    path("<int:pk>/", views.RunView.as_view(), name="run"),
    path("<int:pk>/progress.json", views.ProgressView.as_view(), name="progress"),
    path("<int:pk>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("<int:pk>/discard/", views.DiscardView.as_view(), name="discard"),
]
