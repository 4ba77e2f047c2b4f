"""Safety records: adverse events, CRS and ICANS assessments, clinical chemistry, concomitant medications and
SAE follow-up reports; the CTCAE term list as reference data.

DOMAIN.md section 4 and Project decisions 9, 11, 12. Field names carry their unit (``_mmol_per_l``,
``_umol_per_l``, ``_u_per_l``, ``_c``, ``_l_per_min``); where a suffix cannot say it, ``field_units`` does.
Nothing derived is stored: study day, cycle of onset, treatment-emergent flag, AESI groups, ASTCT grades, ICE
score, CTCAE lab grades and Cairo-Bishop TLS are computed by safety.rules (through safety.derived).
"""

from safety.models.adverse_events import (
    RELATED,
    SERIOUSNESS_CRITERIA,
    STUDY_DRUGS,
    ActionTaken,
    AdverseEvent,
    Outcome,
    Relationship,
    SaeAlert,
    SaeFollowUpReport,
)
from safety.models.labs_and_medications import (
    CHEMISTRY_ANALYTES,
    CONMED_FLAGS,
    ChemistryPanel,
    ConcomitantMedication,
    DoseUnit,
    MedicationRoute,
)
from safety.models.sheets import (
    ICE_FIELDS,
    Consciousness,
    CrsAssessment,
    IcansAssessment,
    O2Device,
    RaisedIcp,
    Seizure,
)
from safety.models.terms import CtcaeTerm, GradingScale

__all__ = [
    "CHEMISTRY_ANALYTES",
    "CONMED_FLAGS",
    "ICE_FIELDS",
    "RELATED",
    "SERIOUSNESS_CRITERIA",
    "STUDY_DRUGS",
    "ActionTaken",
    "AdverseEvent",
    "ChemistryPanel",
    "ConcomitantMedication",
    "Consciousness",
    "CrsAssessment",
    "CtcaeTerm",
    "DoseUnit",
    "GradingScale",
    "IcansAssessment",
    "MedicationRoute",
    "O2Device",
    "Outcome",
    "RaisedIcp",
    "Relationship",
    "SaeAlert",
    "SaeFollowUpReport",
    "Seizure",
]
