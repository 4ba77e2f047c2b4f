from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models

from blinatrial.dates import shown_utc

GROUP_KEY_MAX_LENGTH = 500  # a drill-down key ("safety.ae.g3.term:<SOC>|<term>" is the longest, about 420)


class EndpointSnapshot(models.Model):
    """All endpoint results for one data cut-off, as computed from one data version.

    Derived data: written only by endpoints.services.store_snapshot (the Celery task), never edited.
    """

    cutoff = models.DateField(unique=True)
    data_version = models.BigIntegerField()
    calc_version = models.CharField(max_length=20)
    computed_at = models.DateTimeField()
    duration_ms = models.FloatField()
    n_participants = models.PositiveIntegerField()  # enrolled by the cut-off
    n_treated = models.PositiveIntegerField(default=0)  # treated by the cut-off: the N the results count
    # every number, pooled and by site ("by_site"), but the curves' tables: those are EndpointCurve rows
    # (endpoints.curves; a snapshot stored before they existed holds its tables here, inline)
    results = models.JSONField()
    # site code -> drill-down key -> number of this cut-off's ParticipantResult rows holding it: the rows'
    # group counts, kept current by each store (rows removed subtracted, rows written added), so that an
    # incremental recompute does not count every row again; {} (stored before it existed): counted in SQL
    group_counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-cutoff"]

    def __str__(self) -> str:
        return f"endpoints at {self.cutoff} (data v{self.data_version})"


class EndpointCurve(models.Model):
    """One survival or cumulative-incidence table of a snapshot (the curve's rows, time by time), kept out of
    EndpointSnapshot.results so that a recompute reads and writes only the curves whose inputs moved.

    path: where the curve sits in a scope's results ("km.OS", "responders.cif.CID"); digest: the calculation
    version and the fingerprint of the curve's inputs (calculations.km_digest), equal digests, equal table.
    Derived data: written only by endpoints.services.store_snapshot, with its snapshot.
    """

    snapshot = models.ForeignKey(EndpointSnapshot, on_delete=models.CASCADE, related_name="curves")
    scope = models.CharField(max_length=8)  # "ALL" or a site code, as DashboardPanel.scope
    path = models.CharField(max_length=64)
    digest = models.CharField(max_length=80)
    table = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["snapshot", "scope", "path"], name="one_curve_per_scope_path")]

    def __str__(self) -> str:
        return f"{self.path} ({self.scope}) of {self.snapshot}"


class RecomputeRun(models.Model):
    """One execution of the recompute task: what it found and what it did (operations and tests)."""

    class Outcome(models.TextChoices):
        COMPUTED = "computed"
        ALREADY_CURRENT = "current"
        STALE_SKIPPED = "stale"  # a newer result was stored meanwhile: never move backwards

    cutoff = models.DateField()
    data_version = models.BigIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    started_at = models.DateTimeField()
    duration_ms = models.FloatField()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.outcome} v{self.data_version} at {shown_utc(self.started_at)}"


class DashboardPanel(models.Model):
    """The dashboard's results block for one snapshot and one scope, rendered by the task (plots included).

    scope "ALL" = every site pooled; otherwise a site code: that site's participants alone, with every
    number (rates, CIs, Kaplan-Meier) computed for that subset. The dashboard request reads one row.
    """

    ALL = "ALL"

    snapshot = models.ForeignKey(EndpointSnapshot, on_delete=models.CASCADE, related_name="panels")
    scope = models.CharField(max_length=8)
    # the interface language the block and its plots were rendered in (one of settings.LANGUAGES)
    language = models.CharField(max_length=16, default="en-gb")
    html = models.TextField()
    plots = models.JSONField(default=dict)  # name -> SVG text, served by endpoints:plot

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "scope", "language"], name="one_panel_per_scope_language")
        ]

    def __str__(self) -> str:
        return f"{self.scope} panel ({self.language}) of {self.snapshot}"


class ParticipantResult(models.Model):
    """One participant's endpoint values for one cut-off: what the dashboard's drill-down lists, the
    per-participant page, the plots and the snapshot's counts are made of.

    Written only by endpoints.services.store_snapshot. For today's cut-off only the participants whose data
    changed are re-derived (integrity.ParticipantChange); every count of the snapshot is then aggregated
    from these rows, so that a recompute costs the changed participants, not the whole trial.
    """

    cutoff = models.DateField()
    participant_pk = models.BigIntegerField(null=True)  # enrollment.Participant pk (None: synthetic data)
    participant_id = models.CharField(max_length=12)
    site_code = models.CharField(max_length=8)
    data_version = models.BigIntegerField()
    # drill-down keys (calculations.participant_groups): "treated", "primary.EOC1.RESPONDER", "OS.event", ...; an AE
    # term's key names its SOC and term (200 characters each), and a longer key would be cut (Django casts the
    # array to varchar(n)[]), merging the terms that share its first n characters
    groups = ArrayField(models.CharField(max_length=GROUP_KEY_MAX_LENGTH))
    # Kaplan-Meier inputs, [AVAL_DAYS, CNSR] per calculations.KM_PARAMS; None when not treated or in error
    km = ArrayField(models.IntegerField(), null=True)
    entry = models.JSONField(null=True)  # compute_all's per-participant block, with its ADTTE rows
    # safety.calculations.participant_safety_block: AE grades per table row, CRS/ICANS events, death day; None
    # when not treated
    safety = models.JSONField(null=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cutoff", "participant_id"], name="one_result_per_participant_cutoff")
        ]
        indexes = [
            GinIndex(fields=["groups"], name="participantresult_groups"),
            models.Index(fields=["cutoff", "participant_pk"], name="participantresult_pk"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} at {self.cutoff}"
