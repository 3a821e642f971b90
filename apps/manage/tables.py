"""django-tables2 tables of the /manage/ lists. Every related column is fetched by the view's queryset
(select_related / prefetch_related), so a page costs the same number of queries whatever its length."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django_tables2.utils import A

from apps.accounts.audit import changed_fields
from apps.accounts.models import AccessLog, ApiToken, AuditEvent, User
from apps.core.models import OrgUnit
from apps.kpis.models import Benchmark, EnteredMeasure, Target
from apps.scorecards.models import BookletRecipient

ATTRS = {"class": "table table--compact"}


class Base(tables.Table):
    class Meta:
        attrs = ATTRS
        empty_text = "Nothing matches."


class UserTable(Base):
    username = tables.Column(linkify=("manage:user_edit", {"pk": A("pk")}))
    name = tables.Column(accessor="last_name", verbose_name="Name", order_by=("last_name", "first_name"))
    email = tables.Column()
    role = tables.Column()
    org_units = tables.Column(verbose_name="Teams / services", orderable=False, empty_values=())
    is_active = tables.BooleanColumn(verbose_name="Active")
    last_login = tables.DateTimeColumn(format="j M Y H:i")

    class Meta(Base.Meta):
        model = User
        fields = ("username", "name", "email", "role", "org_units", "is_active", "last_login")

    def render_name(self, record):
        return record.get_full_name()

    def render_org_units(self, record):
        # org_units is prefetched by the view: .all() reads the cache.
        return ", ".join(sorted(u.name for u in record.org_units.all())) or "—"


class OrgUnitTable(Base):
    code = tables.Column(linkify=("manage:orgunit_edit", {"pk": A("pk")}))
    name = tables.Column()
    level = tables.Column()
    parent = tables.Column(verbose_name="Part of", accessor="parent__name")
    members = tables.Column(verbose_name="Users", accessor="member_count", attrs={"td": {"class": "num"}})

    class Meta(Base.Meta):
        model = OrgUnit
        fields = ("code", "name", "level", "parent", "members")


class TargetTable(Base):
    measure = tables.Column(linkify=("manage:target_edit", {"pk": A("pk")}))
    org_unit = tables.Column(accessor="org_unit__name", verbose_name="Org unit")
    basis = tables.Column(default="headline")
    value = tables.Column(attrs={"td": {"class": "num"}})
    amber_tolerance = tables.Column(verbose_name="Amber tolerance", attrs={"td": {"class": "num"}})
    delete = tables.LinkColumn(
        "manage:target_delete", args=[A("pk")], text="Delete", orderable=False, verbose_name=""
    )

    class Meta(Base.Meta):
        model = Target
        fields = (
            "measure",
            "financial_year",
            "org_unit",
            "basis",
            "value",
            "amber_tolerance",
            "tolerance_kind",
        )


class BenchmarkTable(Base):
    measure = tables.Column(linkify=("manage:benchmark_edit", {"pk": A("pk")}))
    value = tables.Column(attrs={"td": {"class": "num"}})
    delete = tables.LinkColumn(
        "manage:benchmark_delete", args=[A("pk")], text="Delete", orderable=False, verbose_name=""
    )

    class Meta(Base.Meta):
        model = Benchmark
        fields = ("measure", "year", "kind", "label", "value", "source")


class EnteredMeasureTable(Base):
    kpi_code = tables.Column(linkify=("manage:entered_edit", {"pk": A("pk")}), verbose_name="Measure")
    org_unit = tables.Column(accessor="org_unit__name", verbose_name="Org unit")
    value = tables.Column(attrs={"td": {"class": "num"}})
    numerator = tables.Column(attrs={"td": {"class": "num"}})
    denominator = tables.Column(attrs={"td": {"class": "num"}})
    delete = tables.LinkColumn(
        "manage:entered_delete", args=[A("pk")], text="Delete", orderable=False, verbose_name=""
    )

    class Meta(Base.Meta):
        model = EnteredMeasure
        fields = ("kpi_code", "period", "org_unit", "value", "numerator", "denominator", "note")


class AuditEventTable(Base):
    at = tables.DateTimeColumn(format="j M Y H:i:s", linkify=("manage:audit_detail", {"pk": A("pk")}))
    actor_username = tables.Column(verbose_name="By")
    object_type = tables.Column(verbose_name="Type")
    object_repr = tables.Column(verbose_name="Object")
    changes = tables.Column(empty_values=(), orderable=False, verbose_name="Fields changed")

    class Meta(Base.Meta):
        model = AuditEvent
        fields = ("at", "actor_username", "action", "object_type", "object_id", "object_repr")

    def render_changes(self, record):
        names = [n for n in changed_fields(record.before, record.after) if not n.startswith("_")]
        note = (record.after or {}).get("_action")
        parts = [note] if note else []
        parts += names if record.action == AuditEvent.Action.UPDATE else []
        return format_html_join(", ", "{}", ((p,) for p in parts)) or "—"


class AccessLogTable(Base):
    at = tables.DateTimeColumn(format="j M Y H:i:s")
    filters = tables.Column(orderable=False)
    rows = tables.Column(attrs={"td": {"class": "num"}})

    class Meta(Base.Meta):
        model = AccessLog
        fields = ("at", "username", "role", "action", "what", "path", "filters", "rows", "ip")

    def render_filters(self, value):
        return (
            format_html("<code>{}</code>", ", ".join(f"{k}={v}" for k, v in value.items())) if value else "—"
        )


class LayoutTable(Base):
    name = tables.Column(linkify=("manage:layout_detail", {"pk": A("pk")}))
    slug = tables.Column()
    is_default = tables.BooleanColumn(verbose_name="Default")
    sections = tables.Column(
        accessor="section_count", verbose_name="Sections", attrs={"td": {"class": "num"}}
    )
    rows = tables.Column(accessor="row_count", verbose_name="Rows", attrs={"td": {"class": "num"}})

    class Meta(Base.Meta):
        orderable = False
        fields = ("name", "slug", "is_default", "sections", "rows")


class ApiTokenTable(Base):
    name = tables.Column(verbose_name="For")
    prefix = tables.Column(verbose_name="Key begins")
    user = tables.Column(accessor="user__username", verbose_name="User")
    role = tables.Column(accessor="user__role", verbose_name="Role", orderable=False)
    created_at = tables.DateTimeColumn(format="j M Y H:i", verbose_name="Made")
    expires_at = tables.DateTimeColumn(format="j M Y", verbose_name="Expires", default="never")
    last_used_at = tables.DateTimeColumn(format="j M Y H:i", verbose_name="Last used", default="never")
    state = tables.Column(empty_values=(), orderable=False)

    class Meta(Base.Meta):
        model = ApiToken
        fields = ("name", "prefix", "user", "role", "created_at", "expires_at", "last_used_at", "state")

    def render_prefix(self, value):
        return format_html("<code>{}…</code>", value)

    def render_role(self, record):
        return record.user.get_role_display()

    def render_state(self, record):
        if record.revoked_at:
            return format_html("revoked {:%d %b %Y}", record.revoked_at)
        from django.utils import timezone

        if record.expires_at and record.expires_at <= timezone.now():
            return "expired"
        return format_html(
            '<a href="{}">Revoke<span class="visually-hidden"> {}</span></a>',
            reverse("manage:apikey_revoke", args=[record.pk]),
            record.name,
        )


class BookletRecipientTable(Base):
    name = tables.Column(linkify=("manage:recipient_edit", {"pk": A("pk")}))
    email = tables.Column()
    org_unit = tables.Column(accessor="org_unit__name", verbose_name="Booklet of", default="The LA")
    active = tables.BooleanColumn()
    delete = tables.LinkColumn(
        "manage:recipient_delete", args=[A("pk")], text="Delete", orderable=False, verbose_name=""
    )

    class Meta(Base.Meta):
        model = BookletRecipient
        fields = ("name", "email", "org_unit", "active")
