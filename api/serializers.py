"""Serializers of the non-form resources: data queries, the audit feed, stored endpoint results."""

from rest_framework import serializers

from integrity.models import QueryStatus


class DataQuerySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    site = serializers.CharField(source="site__code", read_only=True, help_text="Site code")
    participant_id = serializers.CharField(
        source="participant__participant_id", read_only=True, allow_null=True, help_text="Participant ID"
    )
    model = serializers.SerializerMethodField(help_text="Model of the record queried (app.model)")
    record_id = serializers.IntegerField(source="object_id", read_only=True)
    field_name = serializers.CharField(read_only=True, allow_blank=True)
    text = serializers.CharField(read_only=True, allow_blank=True)
    status = serializers.ChoiceField(choices=QueryStatus.choices, read_only=True)
    check_code = serializers.CharField(read_only=True, allow_blank=True, help_text="Automatic edit check, if any")
    raised_by = serializers.CharField(source="raised_by__username", read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_by = serializers.CharField(source="closed_by__username", read_only=True, allow_null=True)

    def get_model(self, row: dict) -> str:
        return f"{row['content_type__app_label']}.{row['content_type__model']}"


DATA_QUERY_VALUES = (
    "id", "site__code", "participant__participant_id", "content_type__app_label", "content_type__model",
    "object_id", "field_name", "text", "status", "check_code", "raised_by__username", "created_at", "closed_at",
    "closed_by__username",
)


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    field_label = serializers.CharField()
    old = serializers.CharField(allow_blank=True, help_text="Value before (empty at insert)")
    new = serializers.CharField(allow_blank=True, help_text="Value after")


class AuditEventSerializer(serializers.Serializer):
    event_id = serializers.CharField(help_text="<model>:<event number>, unique in the trail")
    at = serializers.DateTimeField()
    model = serializers.CharField(help_text="app.model of the record")
    model_name = serializers.CharField()
    record_id = serializers.IntegerField()
    participant_id = serializers.CharField(allow_null=True)
    action = serializers.CharField(help_text="insert, update or delete")
    user = serializers.CharField(allow_blank=True, help_text="Username (empty: a change without a user)")
    api_token = serializers.CharField(allow_blank=True, help_text="Name of the API token used (empty: the app)")
    reason = serializers.CharField(allow_blank=True)
    changes = FieldChangeSerializer(many=True)


class AuditPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page (null: the end for now)")
    results = AuditEventSerializer(many=True)


class SnapshotSerializer(serializers.Serializer):
    cutoff = serializers.DateField()
    data_version = serializers.IntegerField()
    calc_version = serializers.CharField()
    computed_at = serializers.DateTimeField()
    n_participants = serializers.IntegerField(help_text="Enrolled by the cut-off")
    n_treated = serializers.IntegerField(help_text="Treated by the cut-off: the N the results count")
    results = serializers.DictField(
        child=serializers.JSONField(),
        help_text='Results per scope the user may see: "ALL" (pooled, for a user of every site) and one per site code',
    )


class ParticipantResultSerializer(serializers.Serializer):
    cutoff = serializers.DateField()
    participant_id = serializers.CharField()
    site = serializers.CharField(source="site_code")
    data_version = serializers.IntegerField()
    groups = serializers.ListField(child=serializers.CharField(), help_text="Drill-down groups the participant is in")
    entry = serializers.JSONField(allow_null=True, help_text="The per-participant endpoint block")
    safety = serializers.JSONField(allow_null=True, help_text="The per-participant safety block")
    error = serializers.CharField(allow_blank=True)
