"""The REST API: children, their records (read, and sent by case systems through the import pipeline) and
snapshots. Child-level endpoints share the pages' rules: the same role check, the same
`visible_to` queryset (apps.people.selectors.restrict), the same filterset, names only for roles that may see
them, and one AccessLog row (action "api") per call. Aggregate snapshots are open to every signed-in role,
with small numbers suppressed for viewers."""

from __future__ import annotations

import re

from csp.decorators import csp_update
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import access
from apps.accounts.models import AccessAction
from apps.accounts.services import log_access, log_refusal
from apps.core.converters import CHILD_ID_REGEX
from apps.core.models import OrgUnit
from apps.kpis.selectors import published_rows
from apps.people import selectors
from apps.people.filtersets import ChildFilterSet
from apps.people.models import Child

from . import schema  # noqa: F401 -- registers the API key scheme with the schema generator
from .permissions import SeesChildLevel
from .serializers import (
    ChildSerializer,
    NamedChildSerializer,
    SnapshotMonthSerializer,
    TimelineSerializer,
)


def _filter_parameters(filterset_class) -> list[OpenApiParameter]:
    """The list's query parameters, read from the filterset the pages use (one definition for both)."""
    out = []
    for name, f in filterset_class.base_filters.items():
        choices = getattr(f, "extra", {}).get("choices")
        enum = [c[0] for c in choices if c[0] != ""] if isinstance(choices, list | tuple) else None
        out.append(
            OpenApiParameter(name, str, OpenApiParameter.QUERY, description=str(f.label or ""), enum=enum)
        )
    return out


class ChildLevelAPIMixin:
    """The API's counterpart of apps.people.views.ChildLevelMixin (marked for the URL walker test). Pages are
    PAGE_SIZE (50) children, fixed: the pagination takes no page-size parameter. Every response, refusals
    included, is `Cache-Control: no-store`."""

    child_level = True
    permission_classes = [SeesChildLevel]

    @property
    def sees_names(self) -> bool:
        return access.sees_names(self.request.user)

    def log_access(self, *, what: str, filters=None, rows=None):
        return log_access(self.request, action=AccessAction.API, what=what, filters=filters, rows=rows)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if self.request.user.is_authenticated and response.status_code in (403, 404):
            log_refusal(self.request, status=response.status_code, reason=str(exc))
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_never_cache_headers(response)
        return response


@extend_schema_view(
    list=extend_schema(
        summary="Children the caller may see",
        description="Pages of 50, filtered as the child list page filters; names only for roles that see them.",
        parameters=_filter_parameters(ChildFilterSet),
    ),
    retrieve=extend_schema(summary="One child the caller may see"),
)
class ChildViewSet(ChildLevelAPIMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "child_id"
    lookup_value_regex = CHILD_ID_REGEX

    def get_queryset(self):
        base = selectors.with_status(Child.objects.all()).order_by("child_id")
        return selectors.restrict(base, self.request.user)

    def get_serializer_class(self):
        return NamedChildSerializer if self.sees_names else ChildSerializer

    def list(self, request, *args, **kwargs):
        filterset = ChildFilterSet(
            request.query_params or None, queryset=self.get_queryset(), request=request
        )
        if filterset.is_bound and not filterset.is_valid():
            raise ValidationError(filterset.errors)
        page = self.paginate_queryset(filterset.qs)
        data = self.get_serializer(page, many=True).data
        self.log_access(what="api child list", filters=filterset.applied(), rows=len(data))
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        child = self.get_object()
        data = self.get_serializer(child).data
        self.log_access(what=f"api child {child.child_id}", rows=1)
        return Response(data)

    @extend_schema(summary="A child's records, newest first", responses=TimelineSerializer)
    @action(detail=True)
    def timeline(self, request, *args, **kwargs):
        child = self.get_object()
        entries = [
            {
                "date": entry["day"],
                "kind": entry["kind"],
                "id": entry["id"],
                "team": entry["team"] or None,
                "fields": dict(entry["fields"]),
            }
            for entry in selectors.child_timeline(child)
        ]
        self.log_access(what=f"api child {child.child_id} timeline", rows=len(entries))
        return Response({"child_id": child.child_id, "timeline": entries})


PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class SnapshotView(APIView):
    """The month's figures as the export contract (apps.kpis.selectors.export_rows): aggregate data, so every
    signed-in role. For viewers small numbers are suppressed (apps.kpis.suppression): a suppressed row has
    `suppressed: true` and no numerator, denominator or value. Not child-level, so not logged."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="A month's stored figures",
        parameters=[
            OpenApiParameter("period", str, OpenApiParameter.QUERY, required=True, description="YYYY-MM"),
            OpenApiParameter(
                "org_unit", str, OpenApiParameter.QUERY, description="an org unit's code (default: all)"
            ),
        ],
        responses=SnapshotMonthSerializer,
    )
    def get(self, request):
        period = request.query_params.get("period", "")
        if not PERIOD.match(period):
            raise ValidationError({"period": "Give the month as YYYY-MM."})
        org_unit = None
        code = request.query_params.get("org_unit", "")
        if code:
            org_unit = OrgUnit.objects.filter(code=code[:40]).first()
            if org_unit is None:
                raise NotFound("No such org unit.")
        rows, suppressed = published_rows(period=period, org_unit=org_unit, user=request.user)
        return Response(
            {
                "period": period,
                "org_unit": code or None,
                "small_numbers_suppressed": suppressed,
                "results": rows,
            }
        )


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema of this API, for signed-in users (SPECTACULAR_SETTINGS)."""


# Swagger UI's stylesheet draws its icons as data: images; nothing else on the page is relaxed.
@method_decorator(csp_update({"img-src": ["data:"]}), name="dispatch")
class DocsView(SpectacularSwaggerSplitView):
    """The schema's docs page (Swagger UI from the portal's static files; its script a file, not inline)."""


# --- records of every bundle type -------------------------------------------------------------------------


def _record_types() -> dict[str, object]:
    """The child-level record types (bundle files whose records belong to a child), by bundle name."""
    from django.apps import apps

    from apps.imports.bundle.spec import FILES

    out = {}
    for spec in FILES:
        fields = {f.name for f in apps.get_model(spec.model)._meta.get_fields()}
        if "child" in fields:
            out[spec.name] = spec
    return out


_TYPE_PARAMETER = OpenApiParameter(
    "name",
    str,
    OpenApiParameter.PATH,
    description="the record type: a bundle file's name without .csv",
    enum=sorted(_record_types()),
)


class MayImport(BasePermission):
    message = "Only analysts and admins may send records."

    def has_permission(self, request, view):
        return access.may_import(request.user)


class RecordsView(ChildLevelAPIMixin, APIView):
    """/api/records/<type>/: a case system's way in and out, for every child-level record type of the bundle
    (contacts, referrals, assessments, care_episodes…).

    GET: the records the caller may see (the same visible_to as the pages), in the bundle's own columns and
    formats, 50 a page in the file's key order; logged. POST {"rows": [...]}: up to 1,000 records (bundle
    column -> value; a column left out keeps its stored value), checked by the bundle's own validation and
    upserted in one transaction (apps.imports.services.records_upsert); nothing is written while anything is
    wrong, and every problem names its row and column. Analysts and admins only; `?dry_run=1` checks only."""

    def get_permissions(self):
        if self.request.method == "POST":
            return [MayImport()]
        return super().get_permissions()

    def _spec(self, name):
        spec = _record_types().get(name)
        if spec is None:
            raise NotFound(f"No record type {name[:40]!r}; the API's: {', '.join(sorted(_record_types()))}.")
        return spec

    @extend_schema(
        summary="Records of one type the caller may see",
        parameters=[_TYPE_PARAMETER],
        responses={200: dict},
    )
    def get(self, request, name):
        from django.apps import apps

        from apps.imports.bundle.exporter import rows_of

        spec = self._spec(name)
        model = apps.get_model(spec.model)
        queryset = selectors.restrict(model.objects.all(), request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            queryset.order_by("pk").values_list("pk", flat=True), request, view=self
        )
        rows = list(rows_of(spec, model.objects.filter(pk__in=list(page))))
        self.log_access(what=f"api records {name}", rows=len(rows))
        return paginator.get_paginated_response(rows)

    @extend_schema(
        summary="Send records of one type",
        parameters=[_TYPE_PARAMETER, OpenApiParameter("dry_run", bool, OpenApiParameter.QUERY)],
        request=dict,
        responses={200: dict, 400: dict},
    )
    def post(self, request, name):
        from apps.imports.services import RecordsRefused, records_upsert

        self._spec(name)
        body = request.data if isinstance(request.data, dict) else {}
        dry_run = request.query_params.get("dry_run") in ("1", "true")
        try:
            run = records_upsert(name=name, rows=body.get("rows"), user=request.user, dry_run=dry_run)
        except RecordsRefused as exc:
            raise ValidationError({"rows": str(exc)}) from None
        result = {
            "import_run": run.pk,
            "status": run.status,
            "dry_run": run.dry_run,
            "counts": run.counts.get(f"{name}.csv", {}),
            "errors": [{k: e.get(k) for k in ("row", "column", "value", "reason")} for e in run.errors],
            "error_count": run.error_count,
        }
        return Response(result, status=400 if run.error_count else 200)

    @property
    def pagination_class(self):
        from rest_framework.settings import api_settings

        return api_settings.DEFAULT_PAGINATION_CLASS
