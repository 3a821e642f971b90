"""Commentary pages: read a unit's commentary on a section of a month with its history, and write a new
version (those who answer for the unit: apps.accounts.access.may_comment_on). The scorecard and the section
pages show the current version through templates/scorecards/_commentary.html and link here."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views import View

from apps.accounts import access
from apps.core.models import OrgUnit
from apps.kpis.registry import SECTIONS
from apps.kpis.selectors import is_published

from . import selectors, services
from .models import OVERALL, SECTION_CHOICES

PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class CommentaryForm(forms.Form):
    text = forms.CharField(
        label="Commentary",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text="What the figures mean and what is being done; no names or details of children.",
    )


def commentary_url(*, period: str, org_unit: str, section: str, next_url: str = "") -> str:
    query = {"period": period, "org_unit": org_unit, "section": section}
    if next_url:
        query["next"] = next_url
    return f"{reverse('scorecards:commentary')}?{urlencode(query)}"


class CommentaryView(LoginRequiredMixin, View):
    template_name = "scorecards/commentary.html"

    def _target(self, request):
        data = request.GET if request.method == "GET" else request.POST
        period, code, section = data.get("period", ""), data.get("org_unit", ""), data.get("section", OVERALL)
        if not PERIOD.match(period) or section not in dict(SECTION_CHOICES):
            return None
        unit = OrgUnit.objects.filter(code=code[:40]).first()
        return (period, unit, section) if unit else None

    def _next(self, request) -> str:
        wanted = request.POST.get("next") or request.GET.get("next") or ""
        if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure()):
            return wanted
        return ""

    def _render(self, request, period, unit, section, form, status=200):
        if access.suppresses_small_counts(request.user) and not is_published(period):
            history = []
        else:
            history = list(selectors.commentary_history(period=period, org_unit=unit, section=section))
        may_write = access.may_comment_on(request.user, unit)
        context = {
            "period": period,
            "org_unit": unit,
            "section": section,
            "section_title": SECTIONS.get(section, "The month as a whole"),
            "history": history,
            "current": history[0] if history else None,
            "form": form if may_write else None,
            "next": self._next(request),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        target = self._target(request)
        if target is None:
            return HttpResponseBadRequest("Give a month (YYYY-MM), an org unit code and a section.")
        period, unit, section = target
        current = selectors.commentary_history(period=period, org_unit=unit, section=section).first()
        form = CommentaryForm(initial={"text": current.text if current else ""})
        return self._render(request, period, unit, section, form)

    def post(self, request):
        target = self._target(request)
        if target is None:
            return HttpResponseBadRequest("Give a month (YYYY-MM), an org unit code and a section.")
        period, unit, section = target
        if not access.may_comment_on(request.user, unit):
            raise PermissionDenied("you may not write commentary for this unit")
        form = CommentaryForm(request.POST)
        if form.is_valid():
            try:
                saved = services.commentary_write(
                    actor=request.user,
                    period=period,
                    org_unit=unit,
                    section=section,
                    text=form.cleaned_data["text"],
                )
            except ValidationError as exc:
                form.add_error("text", exc.message_dict.get("text", exc.messages))
            else:
                messages.success(
                    request, "Commentary saved." if saved else "No change: the commentary already says that."
                )
                return HttpResponseRedirect(
                    self._next(request) or commentary_url(period=period, org_unit=unit.code, section=section)
                )
        return self._render(request, period, unit, section, form, status=400)
