from django.urls import path

from . import commentary

app_name = "scorecards"

urlpatterns = [
    path("commentary/", commentary.CommentaryView.as_view(), name="commentary"),
]
