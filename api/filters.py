"""Query parameters of the list endpoints, validated like any form: a bad value is a 400 naming the parameter."""

from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from integrity.models import QueryStatus


class RecordFilters(serializers.Serializer):
    site = serializers.CharField(required=False, max_length=8, help_text="Site code, e.g. 01.")
    participant = serializers.CharField(required=False, max_length=12, help_text="Participant ID, e.g. 01-007.")
    timepoint = serializers.CharField(required=False, max_length=40, help_text="Timepoint code, e.g. EOC1.")
    updated_since = serializers.DateTimeField(
        required=False, help_text="Only rows changed at or after this moment (ISO 8601, e.g. 2026-01-31T00:00:00Z)."
    )


class ParticipantFilters(serializers.Serializer):
    site = serializers.CharField(required=False, max_length=8, help_text="Site code, e.g. 01.")
    updated_since = serializers.DateTimeField(required=False, help_text="Only rows changed at or after this moment.")


class AuditFilters(serializers.Serializer):
    site = serializers.CharField(required=False, max_length=8, help_text="Site code, e.g. 01.")
    participant = serializers.CharField(required=False, max_length=12, help_text="Participant ID, e.g. 01-007.")
    form = serializers.CharField(required=False, max_length=80, help_text="Form name, e.g. bone_marrow_assessments.")
    since = serializers.DateTimeField(required=False, help_text="Only events at or after this moment (ISO 8601).")


class QueryFilters(serializers.Serializer):
    site = serializers.CharField(required=False, max_length=8, help_text="Site code, e.g. 01.")
    participant = serializers.CharField(required=False, max_length=12, help_text="Participant ID, e.g. 01-007.")
    status = serializers.ChoiceField(required=False, choices=QueryStatus.choices)


class ResultFilters(serializers.Serializer):
    cutoff = serializers.DateField(required=False, help_text="Data cut-off (YYYY-MM-DD); default: the latest stored.")
    site = serializers.CharField(required=False, max_length=8, help_text="Site code, e.g. 01.")
    participant = serializers.CharField(required=False, max_length=12, help_text="Participant ID, e.g. 01-007.")


def parse(filters: type[serializers.Serializer], request) -> dict:
    found = filters(data=request.query_params)
    if not found.is_valid():
        raise ValidationError(found.errors)
    return found.validated_data
