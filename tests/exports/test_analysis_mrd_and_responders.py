"""ADRS carries the MRD parameters of each EOC marrow and ADTTE the responder rows with the competing-event code
(issue 20); the data dictionary describes the new columns. Hand values, no database."""

import datetime

from endpoints.calculations import EocAssessment, ParticipantData
from exports.analysis import ADRS_COLUMNS, ADTTE_COLUMNS, analysis_datasets

D = datetime.date
CUTOFF = D(2026, 6, 30)
EOC1 = EocAssessment(
    marrow_date=D(2026, 1, 28),
    response="CR",
    flow_class="NEG",
    flow_class_reporting="NE",
    flow_reporting_ne_reason="INSUFFICIENT_SENSITIVITY",
    flow_lod_pct=0.05,
    ngs_class="POS",
    ngs_band="1E-6_TO_LT_1E-4",
    ngs_value=3e-5,
    ngs_lod=1e-6,
    ngs_clone_trackable=True,
)
RELAPSED = ParticipantData("01-001", D(2026, 1, 1), EOC1, relapse_dates=[D(2026, 5, 1)])
DIED_IN_REMISSION = ParticipantData("01-002", D(2026, 1, 1), EOC1, death_date=D(2026, 4, 1))
RECENT = ParticipantData("01-003", D(2026, 6, 1))  # no marrow yet; EOC1 landmark 12 Jul 2026
SITES = {"01-001": "01", "01-002": "01", "01-003": "01"}


def as_dicts(columns, rows) -> list[dict]:
    return [dict(zip([c.name for c in columns], row, strict=True)) for row in rows]


def test_adrs_rows_carry_flow_and_ngs_values_lods_classes_and_pending():
    adrs = as_dicts(ADRS_COLUMNS, analysis_datasets([RELAPSED, RECENT], SITES, CUTOFF).adrs)
    eoc1 = next(r for r in adrs if (r["USUBJID"], r["AVISIT"]) == ("01-001", "EOC1"))
    assert {k: eoc1[k] for k in ("MRDFLOW", "MRDFLVAL", "MRDFLLOD", "MRDFL4", "MRDFL4RS", "MRDPNDFL")} == {
        "MRDFLOW": "NEG",
        "MRDFLVAL": None,
        "MRDFLLOD": 0.05,
        "MRDFL4": "NE",
        "MRDFL4RS": "INSUFFICIENT_SENSITIVITY",
        "MRDPNDFL": "N",
    }
    assert (eoc1["MRDNGS"], eoc1["MRDNGVAL"], eoc1["MRDNGLOD"], eoc1["MRDNGBND"]) == (
        "POS",
        3e-5,
        1e-6,
        "1E-6_TO_LT_1E-4",
    )
    recent = next(r for r in adrs if (r["USUBJID"], r["AVISIT"]) == ("01-003", "EOC1"))
    assert (recent["MRDPNDFL"], recent["MRDNGS"]) == ("Y", None)


def test_adtte_cir_rows_code_relapse_as_1_and_death_in_remission_as_2():
    adtte = as_dicts(ADTTE_COLUMNS, analysis_datasets([RELAPSED, DIED_IN_REMISSION, RECENT], SITES, CUTOFF).adtte)
    cir = {r["USUBJID"]: r for r in adtte if r["PARAMCD"] == "CIR"}
    assert set(cir) == {"01-001", "01-002"}  # 01-003 is not in remission
    # 28 Jan -> 1 May 2026: day 94; 28 Jan -> 1 Apr 2026: day 64
    assert (cir["01-001"]["AVAL"], cir["01-001"]["CNSR"], cir["01-001"]["CMPEVCD"]) == (94, 0, 1)
    assert (cir["01-002"]["AVAL"], cir["01-002"]["CNSR"], cir["01-002"]["CMPEVCD"]) == (64, 2, 2)
    assert (cir["01-002"]["EVNTDESC"], cir["01-002"]["CNSDTDSC"]) == ("DEATH IN REMISSION", None)
    dor = next(r for r in adtte if (r["USUBJID"], r["PARAMCD"]) == ("01-002", "DOR"))
    assert (dor["CNSR"], dor["CNSDTDSC"], dor["CMPEVCD"]) == (1, "DEATH IN REMISSION (CENSORED)", None)
    assert {r["PARAMCD"] for r in adtte} >= {"RFS", "RFSHSCT", "DOR", "DORHSCT", "CIR", "CIRHSCT"}


def test_the_data_dictionary_describes_the_new_columns():
    adtte = {c.name: c for c in ADTTE_COLUMNS}
    assert "2=death in remission (competing event)" in adtte["CMPEVCD"].allowed_values
    assert adtte["CNSR"].maximum == "2"
    adrs = {c.name: c for c in ADRS_COLUMNS}
    assert adrs["MRDFLVAL"].unit == "%" and "1e-4 or more" in adrs["MRDNGBND"].allowed_values
