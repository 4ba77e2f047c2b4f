"""Safety protocol settings, in one place (DOMAIN.md 4.1, 4.5, Project decisions 9 and 12). Pure: no Django.

Every value is a setting with the default here: the laboratory normal ranges (LLN/ULN) that the CTCAE
laboratory grades and Cairo-Bishop read, which value is graded by which CTCAE term, the SAE reporting
clock, the treatment-emergent window and whether expected cytopenias are reported as adverse events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from safety import rules


@dataclass(frozen=True)
class NormalRange:
    lln: float | None
    uln: float | None
    unit: str


# Adult reference intervals of a typical hospital laboratory; the trial's laboratories may differ (a setting).
DEFAULT_NORMAL_RANGES: dict[str, NormalRange] = {
    # chemistry (safety.ChemistryPanel fields)
    "potassium_mmol_per_l": NormalRange(3.5, 5.1, "mmol/L"),
    "phosphate_mmol_per_l": NormalRange(0.81, 1.45, "mmol/L"),
    "calcium_mmol_per_l": NormalRange(2.15, 2.55, "mmol/L"),
    "uric_acid_umol_per_l": NormalRange(150.0, 420.0, "µmol/L"),
    "creatinine_umol_per_l": NormalRange(45.0, 110.0, "µmol/L"),
    "alt_u_per_l": NormalRange(None, 40.0, "U/L"),
    "ast_u_per_l": NormalRange(None, 40.0, "U/L"),
    "bilirubin_umol_per_l": NormalRange(None, 21.0, "µmol/L"),
    "glucose_mmol_per_l": NormalRange(3.9, 7.8, "mmol/L"),
    # blood counts (assessments.BloodCount fields)
    "anc_e9_per_l": NormalRange(2.0, 7.5, "x10^9/L"),
    "platelets_e9_per_l": NormalRange(150.0, 400.0, "x10^9/L"),
    "hb_g_per_l": NormalRange(120.0, 170.0, "g/L"),
    "wbc_e9_per_l": NormalRange(4.0, 11.0, "x10^9/L"),
}

# Value field -> the CTCAE v5.0 laboratory terms it is graded by (safety.labgrades codes). Phosphate and
# glucose have no value-only CTCAE grade; they are shown against their normal range only.
DEFAULT_LAB_GRADED_FIELDS: dict[str, tuple[str, ...]] = {
    "potassium_mmol_per_l": ("hyperkalemia", "hypokalemia"),
    "calcium_mmol_per_l": ("hypocalcemia",),
    "uric_acid_umol_per_l": ("hyperuricemia",),
    "creatinine_umol_per_l": ("creatinine_increased",),
    "alt_u_per_l": ("alanine_aminotransferase_increased",),
    "ast_u_per_l": ("aspartate_aminotransferase_increased",),
    "bilirubin_umol_per_l": ("blood_bilirubin_increased",),
    "anc_e9_per_l": ("neutrophil_count_decreased",),
    "platelets_e9_per_l": ("platelet_count_decreased",),
    "hb_g_per_l": ("anemia",),
    "wbc_e9_per_l": ("white_blood_cell_decreased",),
}
CYTOPENIA_TERMS = frozenset(
    {"neutrophil_count_decreased", "platelet_count_decreased", "anemia", "white_blood_cell_decreased"}
)


@dataclass(frozen=True)
class SafetyProtocol:
    sae_report_hours: int = 24  # a serious AE is reported within 24 hours of the site's awareness
    teae_window_days: int = rules.TEAE_WINDOW_DAYS  # onset up to 30 days after the last dose (DOMAIN 4.1)
    # DOMAIN decision 12: expected cytopenias are not reported as AEs by default (their grades are still shown).
    report_expected_cytopenias: bool = False
    normal_ranges: dict[str, NormalRange] = field(default_factory=lambda: dict(DEFAULT_NORMAL_RANGES))
    lab_graded_fields: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_LAB_GRADED_FIELDS))
    tls_flag_cycles: tuple[int, ...] = (2,)  # cycles whose TLS check is flagged on the casebook (venetoclax)
    # Cairo-Bishop window around each cycle's day 1 (DOMAIN 4.5), and the AE terms that count as its clinical
    # criteria (cardiac arrhythmia or sudden death; seizure) when their onset falls in the window.
    tls_window_before_days: int = 3
    tls_window_after_days: int = 7
    arrhythmia_terms: frozenset[str] = frozenset(
        {
            "atrial_fibrillation",
            "atrial_flutter",
            "supraventricular_tachycardia",
            "ventricular_arrhythmia",
            "ventricular_tachycardia",
            "ventricular_fibrillation",
            "cardiac_arrest",
            "sudden_death_nos",
        }
    )
    seizure_terms: frozenset[str] = frozenset({"seizure"})
    # Causes of death (assessments.DeathCause codes) not reported as a grade 5 AE: death from the leukaemia itself
    # is an efficacy event (disease progression), not an adverse event.
    deaths_not_reported_as_ae: frozenset[str] = frozenset({"DISEASE"})
    # Project decision 9: the terms graded by ASTCT 2019 (all others by CTCAE v5.0); term codes of the term list.
    astct_terms: frozenset[str] = frozenset(
        {"cytokine_release_syndrome", "immune_effector_cell_associated_neurotoxicity_syndrome"}
    )
    # The AESI group (safety.rules.AESI_GROUPS) whose events take CRS sheets, and the one for ICANS sheets.
    crs_sheet_group: str = "crs"
    icans_sheet_group: str = "neurological"


SAFETY_PROTOCOL = SafetyProtocol()
