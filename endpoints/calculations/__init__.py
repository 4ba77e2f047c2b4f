"""Pure endpoint derivations: primary endpoint, response tables, OS/EFS ADTTE rows, Kaplan-Meier.

DOMAIN.md "Project decisions" 1, 5, 7, 8 and sections 3.4, 5.1, 5.3-5.5. Plain dataclasses in,
plain JSON-serialisable data out (Python int/float/str/None, ISO dates); no Django, no I/O.
A loader (endpoints app) fills ``ParticipantData`` from the database; ``compute_all`` assembles
what the dashboard shows.

Decisions where DOMAIN leaves room (also printed by ``conventions_text``):
- Anything dated after the data cut-off is ignored: EOC marrows, relapses, deaths, assessments.
  A participant whose C1D1 is after the cut-off is not (yet) treated.
- Known alive on/after the cut-off (or a death after it) -> OS censored at the cut-off ("DATA CUTOFF").
- EFS rule 2 ("death before the landmark without any response assessment"): a death on/before the
  cut-off with no evaluable EOC1/EOC2 response counts here, since the EOC2 assessment never happened.
- EFS rule 1 applies as soon as an evaluable EOC1/EOC2 response exists and none is CR/CRh/CRi
  (at an interim cut-off between EOC1 NR and EOC2 this is provisional).
- Relapse and death on the same day: the event is reported as relapse.
- HSCT sensitivity: censored at the HSCT date when HSCT (on/before the cut-off) precedes the
  primary ADT; an event on the HSCT day stays an event. Day-1 EFS outcomes are unaffected.
- 5-year cap: STARTDT + 5 calendar years (29 Feb -> 28 Feb); ADT after it -> censored at it.
- KM: table CIs are None where S = 1 or S = 0 (log-log undefined, DOMAIN 5.3), Greenwood SE is
  None where S = 0; the median is the first time with S <= 0.5 (exact integer arithmetic, no
  midpoint rule); its CI inverts lifelines' log-log curves (which equal 1 where S = 1 and 0 where
  S = 0); a landmark beyond the longest follow-up time is not estimable (None).

The package splits along its seams: ``common`` (constants, ParticipantData, ADTTE rows, helpers),
``efficacy`` (primary endpoint, response tables), ``tte`` (OS/EFS rows), ``km`` (Kaplan-Meier) and
``aggregation`` (per-participant summaries, aggregation, conventions). Everything public is re-exported
here, so callers write ``from endpoints import calculations`` and ``calculations.summarise``.
"""

from assessments.facts import EocAssessment
from endpoints.calculations.aggregation import (
    KM_KEYS,
    KM_PARAMS,
    ParticipantSummary,
    aggregate,
    aggregate_summaries,
    compute_all,
    conventions_text,
    km_digest,
    participant_groups,
    summarise,
)
from endpoints.calculations.common import (
    CALC_VERSION,
    DAYS_PER_MONTH,
    DEFAULT_LANDMARKS_MONTHS,
    DEFAULT_RISK_TIMES_MONTHS,
    DESC_CAP_TEMPLATE,
    DESC_DATA_CUTOFF,
    DESC_DEATH,
    DESC_DEATH_NO_RESPONSE_DAY1,
    DESC_FAILURE_DAY1,
    DESC_HSCT,
    DESC_LAST_ALIVE,
    DESC_LAST_ASSESSMENT,
    DESC_NOT_EVALUABLE_DAY1,
    DESC_RELAPSE,
    NON_RESPONDER,
    NOT_EVALUABLE,
    PARAM_EFS,
    PARAM_EFS_HSCT,
    PARAM_OS,
    PARAM_OS_HSCT,
    PRIMARY_TIMEPOINTS,
    REASON_MISSING_ASSESSMENT,
    REASON_MRD_MISSING,
    REASON_MRD_NE,
    REASON_RESPONSE_NE,
    RESPONDER,
    RESPONSE_TABLE_TIMEPOINTS,
    TIMEPOINTS,
    AdtteRow,
    ParticipantData,
    add_years,
    clean_float,
    clopper_pearson,
    days_to_months,
    eoc_at,
    rate_with_ci,
    treated_participants,
)
from endpoints.calculations.efficacy import (
    participant_primary_status,
    participant_response,
    primary_block,
    primary_definition_text,
    primary_endpoint,
    primary_status,
    response_table,
)
from endpoints.calculations.km import (
    kaplan_meier,
    km_from_rows,
    reverse_km_median_followup,
)
from endpoints.calculations.tte import (
    derive_efs,
    derive_os,
)

__all__ = [
    "AdtteRow",
    "CALC_VERSION",
    "DAYS_PER_MONTH",
    "DEFAULT_LANDMARKS_MONTHS",
    "DEFAULT_RISK_TIMES_MONTHS",
    "DESC_CAP_TEMPLATE",
    "DESC_DATA_CUTOFF",
    "DESC_DEATH",
    "DESC_DEATH_NO_RESPONSE_DAY1",
    "DESC_FAILURE_DAY1",
    "DESC_HSCT",
    "DESC_LAST_ALIVE",
    "DESC_LAST_ASSESSMENT",
    "DESC_NOT_EVALUABLE_DAY1",
    "DESC_RELAPSE",
    "EocAssessment",
    "KM_KEYS",
    "KM_PARAMS",
    "NON_RESPONDER",
    "NOT_EVALUABLE",
    "PARAM_EFS",
    "PARAM_EFS_HSCT",
    "PARAM_OS",
    "PARAM_OS_HSCT",
    "PRIMARY_TIMEPOINTS",
    "ParticipantData",
    "ParticipantSummary",
    "REASON_MISSING_ASSESSMENT",
    "REASON_MRD_MISSING",
    "REASON_MRD_NE",
    "REASON_RESPONSE_NE",
    "RESPONDER",
    "RESPONSE_TABLE_TIMEPOINTS",
    "TIMEPOINTS",
    "add_years",
    "aggregate",
    "aggregate_summaries",
    "clean_float",
    "clopper_pearson",
    "compute_all",
    "conventions_text",
    "days_to_months",
    "derive_efs",
    "derive_os",
    "eoc_at",
    "kaplan_meier",
    "km_digest",
    "km_from_rows",
    "participant_groups",
    "participant_primary_status",
    "participant_response",
    "primary_block",
    "primary_definition_text",
    "primary_endpoint",
    "primary_status",
    "rate_with_ci",
    "response_table",
    "reverse_km_median_followup",
    "summarise",
    "treated_participants",
]
