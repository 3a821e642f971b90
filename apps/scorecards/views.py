"""The scorecards app's pages. The home page: what a signed-in user opens first (apps.scorecards.home)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from apps.accounts import access
from apps.imports.selectors import data_held_summary

from .home import casework_counts, headlines


@login_required
def home(request):
    aggregates_only = access.suppresses_small_counts(request.user)
    context = data_held_summary(aggregates_only=aggregates_only)
    context["headlines"] = headlines(request.user)
    card = context["headlines"].get("card")
    context["casework"] = casework_counts(request.user, card.org_unit if card else None)
    return render(request, "scorecards/home.html", context)
