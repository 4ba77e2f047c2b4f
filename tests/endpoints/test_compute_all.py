"""compute_all assembles the dashboard data (DOMAIN 5.6): JSON-safe, consistent with its parts."""

import json
from datetime import date

from endpoints.calculations import (
    CALC_VERSION,
    EocAssessment,
    ParticipantData,
    compute_all,
    conventions_text,
)

CUTOFF = date(2026, 6, 30)


def eoc(day, response, flow=None):
    return EocAssessment(marrow_date=day, response=response, flow_class=flow)


COHORT = [
    ParticipantData(
        "A",
        date(2025, 1, 1),
        eoc(date(2025, 1, 28), "CR", "NEG"),
        eoc(date(2025, 2, 25), "CR", "NEG"),
        assessment_dates=[date(2026, 1, 10)],
        dates_alive=[date(2026, 6, 1)],
        hsct_date=date(2025, 5, 1),
    ),
    ParticipantData("B", date(2025, 2, 1), eoc(date(2025, 2, 28), "NR", "POS"), death_date=date(2025, 8, 1)),
    ParticipantData("C", date(2025, 3, 1), eoc(None, "NE"), dates_alive=[date(2025, 3, 15)]),
    ParticipantData("D", None),
    ParticipantData("E", date(2025, 1, 10), death_date=date(2025, 1, 5)),  # data error: death before C1D1
]


def _plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (int, float, str, bool)


def test_json_serialisable_plain_types():
    result = compute_all(COHORT, CUTOFF)
    assert _plain(result)
    json.dumps(result, allow_nan=False)


def test_contents():
    result = compute_all(COHORT, CUTOFF)
    assert result["calc_version"] == CALC_VERSION == "7"
    assert result["cutoff"] == "2026-06-30"
    assert result["conventions_text"] == conventions_text(5)
    assert (result["n_participants"], result["n_treated"]) == (5, 4)
    assert set(result["primary_endpoint"]) == {"EOC1", "EOC2", "BY_EOC2"}
    assert result["primary_endpoint"]["BY_EOC2"]["responder_ids"] == ["A"]
    assert result["response_tables"]["EOC1"]["counts"]["CR"] == 1
    assert result["errors"] == [{"participant_id": "E", "error": result["errors"][0]["error"]}]
    assert [p["participant_id"] for p in result["participants"]] == ["A", "B", "C"]
    efs = {r["USUBJID"]: r for r in result["adtte"]["EFS"]}
    assert efs["B"]["AVAL_DAYS"] == 1 and efs["B"]["CNSR"] == 0
    assert efs["C"]["AVAL_DAYS"] == 1 and efs["C"]["CNSR"] == 1
    sens = {r["USUBJID"]: r for r in result["adtte"]["EFSHSCT"]}
    assert sens["A"]["ADT"] == "2025-05-01" and sens["A"]["CNSR"] == 1
    assert result["km"]["OS"]["n"] == 3 and result["km"]["OS"]["n_events"] == 1
    assert result["km"]["EFS_HSCT_CENSORED"]["n"] == 3


def test_conventions_mention_the_day_one_rule():
    text = conventions_text()
    assert "day 1" in text and "HSCT" in text and "log-log" in text and "30.4375" in text
