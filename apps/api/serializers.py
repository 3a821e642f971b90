from rest_framework import serializers

from apps.people.models import Child

CHILD_FIELDS = (
    "child_id",
    "sex",
    "date_of_birth",
    "expected_date_of_birth",
    "ethnicity",
    "disability",
    "uasc",
    "uasc_ceased_date",
    "team_name",
    "in_care",
    "on_cp_plan",
)


class ChildSerializer(serializers.ModelSerializer):
    """A child without names (analysts). The named serializer adds them for roles that may see them."""

    team_name = serializers.CharField(read_only=True, allow_null=True, help_text="current allocated team")
    in_care = serializers.BooleanField(read_only=True)
    on_cp_plan = serializers.BooleanField(read_only=True)

    class Meta:
        model = Child
        fields = CHILD_FIELDS
        read_only_fields = CHILD_FIELDS


class NamedChildSerializer(ChildSerializer):
    class Meta(ChildSerializer.Meta):
        fields = ("child_id", "given_name", "family_name", *CHILD_FIELDS[1:])
        read_only_fields = fields


# --- what the API returns besides children (for the OpenAPI schema) ----------------------------------------


class SnapshotRowSerializer(serializers.Serializer):
    """One stored figure, as the export contract (apps.kpis.selectors.export_rows) gives it."""

    kpi = serializers.CharField(help_text="the catalogue code, e.g. fd.contacts")
    period = serializers.CharField(help_text="YYYY-MM")
    org_unit = serializers.CharField(help_text="the LA's, a service's or a team's code")
    dimension = serializers.CharField(
        allow_null=True, help_text="the breakdown's dimension; null for the whole"
    )
    breakdown = serializers.CharField(allow_null=True, help_text="the breakdown's part; null for the whole")
    basis = serializers.CharField(help_text="month, ytd, r12m…")
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    version = serializers.IntegerField(help_text="1, then one more for each restatement")
    suppressed = serializers.BooleanField(
        help_text="withheld from viewers: no numerator, denominator or value"
    )


class SnapshotMonthSerializer(serializers.Serializer):
    period = serializers.CharField()
    org_unit = serializers.CharField(allow_null=True)
    small_numbers_suppressed = serializers.BooleanField()
    results = SnapshotRowSerializer(many=True)


class TimelineEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.CharField(help_text="the record type: contact, referral, assessment…")
    id = serializers.CharField(help_text="the record's ID in its bundle file")
    team = serializers.CharField(allow_null=True)
    fields = serializers.DictField(help_text="the record's fields as the child's page shows them")


class TimelineSerializer(serializers.Serializer):
    child_id = serializers.CharField()
    timeline = TimelineEntrySerializer(many=True)
