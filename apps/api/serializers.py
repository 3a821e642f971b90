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
