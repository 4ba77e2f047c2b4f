"""The ORM bridge (assessments.derived): stored records -> derived response, MRD classes, event dates.

Acceptance 2 at the database level: the reference file's rows and each DOMAIN 3.2/3.3 boundary, from
saved records through derive_for_participants, in one query per model.
"""

import csv
import datetime
from pathlib import Path

import pytest

from assessments import derived, rules
from endpoints.calculations import EocAssessment
from tests.factories.assessments import (
    BloodCountFactory,
    EmdFactory,
    FlowMrdFactory,
    FollowUpContactFactory,
    MarrowFactory,
    NgsMrdFactory,
    ResponseCallFactory,
)
from tests.factories.enrollment import ParticipantFactory

pytestmark = pytest.mark.django_db

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "worked_example_response.csv"
DAY = datetime.date(2025, 3, 1)
FLOW_TYPES = {"DETECTED": "QUANTIFIED", "NOT_DETECTED": "NOT_DETECTED", "NE": "NOT_EVALUABLE"}


def _days(n: int) -> datetime.date:
    return DAY + datetime.timedelta(days=n)


def _reference_rows() -> list[dict[str, str]]:
    with REFERENCE.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _store_reference_row(participant, row: dict, offset: int) -> None:
    when = _days(offset)
    blasts = row["bm_blast_pct"] or None
    marrow = MarrowFactory(
        participant=participant, timepoint=row["timepoint"], sample_date=when, blasts_pct=blasts,
        aspirate_adequacy="ADEQUATE" if blasts is not None else "DRY_TAP",
    )
    if row["anc"]:
        BloodCountFactory(
            participant=participant, sample_date=when - datetime.timedelta(days=1), anc_e9_per_l=row["anc"],
            platelets_e9_per_l=row["plt"], circulating_blasts="PRESENT" if row["pb_blasts"] == "True" else "ABSENT",
        )
    EmdFactory(participant=participant, assessed_on=when, status="PRESENT" if row["emd"] == "True" else "NONE")
    FlowMrdFactory(
        marrow=marrow, result_type=FLOW_TYPES[row["mrd_result"]], value_pct=row["mrd_value_pct"] or None,
        lod_pct=row["mrd_lod_pct"] or None,
    )


def test_reference_rows_reproduced_from_stored_records(django_assert_num_queries):
    rows = _reference_rows()
    participants = {}
    for row in rows:
        if row["subject"] not in participants:
            participants[row["subject"]] = ParticipantFactory(enrolled_on=_days(-60))
        _store_reference_row(participants[row["subject"]], row, 30 if row["timepoint"] == "EOC1" else 60)

    # one query per kind of record plus one for the dates known alive (enrollment.alive), whatever the count
    with django_assert_num_queries(8):
        result = derived.derive_for_participants([p.pk for p in participants.values()])

    for row in rows:
        eoc = result[participants[row["subject"]].pk].eoc[row["timepoint"]]
        got = (eoc.derived_response, eoc.flow_label, eoc.flow_class_reporting, eoc.prior_remission)
        expected = (row["response"], row["mrd_flow_lt_0p1pct"], row["mrd_flow_lt_0p01pct"],
                    row["prior_remission"] == "True")
        assert got == expected, row["subject"] + row["timepoint"]
        responder = rules.primary_responder(eoc.derived_response, eoc.flow_class)
        assert responder == (row["primary_responder"] == "True")


def _eoc1(*, blasts=1.0, anc=2.0, plt=150, cbc_day=-1, pb="ABSENT", emd="NONE", cns="CNS1", flow=None):
    participant = ParticipantFactory(enrolled_on=_days(-60))
    marrow = MarrowFactory(participant=participant, timepoint="EOC1", sample_date=DAY, blasts_pct=blasts)
    BloodCountFactory(participant=participant, sample_date=_days(cbc_day), anc_e9_per_l=anc, platelets_e9_per_l=plt,
                      circulating_blasts=pb)
    EmdFactory(participant=participant, assessed_on=DAY, status=emd, cns_status=cns)
    if flow:
        FlowMrdFactory(marrow=marrow, **flow)
    return derived.derive_for_participant(participant.pk).eoc1


@pytest.mark.parametrize(
    ("kwargs", "response", "ne_reason"),
    [
        pytest.param({"blasts": 5.0}, "NR", None, id="blasts-exactly-5-NR"),
        pytest.param({"blasts": 4.99}, "CR", None, id="blasts-4.99-CR"),
        pytest.param({"anc": 1.0, "plt": 100}, "CR", None, id="anc-exactly-1.0-plt-100-CR"),
        pytest.param({"anc": 0.99, "plt": 100}, "CRh", None, id="anc-0.99-CRh"),
        pytest.param({"plt": 99}, "CRh", None, id="plt-99-not-CR"),
        pytest.param({"plt": 49}, "CRi", None, id="plt-49-CRi"),
        pytest.param({"cbc_day": -8}, "NE", "NO_CBC_IN_WINDOW", id="cbc-8-days-before-out-of-window"),
        pytest.param({"cbc_day": 4}, "NE", "NO_CBC_IN_WINDOW", id="cbc-4-days-after-out-of-window"),
        pytest.param({"cbc_day": -7}, "CR", None, id="cbc-7-days-before-in-window"),
        pytest.param({"cbc_day": 3}, "CR", None, id="cbc-3-days-after-in-window"),
        pytest.param({"pb": "NOT_DONE"}, "NE", "DIFFERENTIAL_MISSING", id="no-differential-NE"),
        pytest.param({"pb": "PRESENT"}, "NR", None, id="circulating-blasts-NR"),
        pytest.param({"emd": "PRESENT"}, "NR", None, id="emd-present-NR"),
        pytest.param({"cns": "CNS3", "emd": "NOT_ASSESSED"}, "NR", None, id="cns3-is-emd-NR"),
        pytest.param({"blasts": None}, "NE", "MARROW_INADEQUATE", id="inadequate-marrow-NE"),
    ],
)
def test_derived_response_boundary_when_stored(kwargs, response, ne_reason):
    if kwargs.get("blasts", 1.0) is None:
        participant = ParticipantFactory(enrolled_on=_days(-60))
        MarrowFactory(participant=participant, sample_date=DAY, blasts_pct=None, aspirate_adequacy="HAEMODILUTE")
        eoc = derived.derive_for_participant(participant.pk).eoc1
    else:
        eoc = _eoc1(**kwargs)
    assert (eoc.derived_response, eoc.ne_reason) == (response, ne_reason)


@pytest.mark.parametrize(
    ("flow", "protocol", "reporting"),
    [
        pytest.param({"value_pct": 0.1}, "POS", "POS", id="exactly-0.1-positive"),
        pytest.param({"value_pct": 0.099}, "NEG", "POS", id="0.099-negative-at-0.1-only"),
        pytest.param({"value_pct": 0.01}, "NEG", "POS", id="exactly-0.01-positive-at-0.01"),
        pytest.param({"value_pct": 0.009}, "NEG", "NEG", id="0.009-negative-both"),
        pytest.param({"result_type": "NOT_DETECTED", "value_pct": None, "lod_pct": 0.2},
                     "NE_INSUFFICIENT_SENSITIVITY", "NE_INSUFFICIENT_SENSITIVITY", id="not-detected-lod-0.2"),
        pytest.param({"result_type": "NOT_DETECTED", "value_pct": None, "lod_pct": 0.1},
                     "NE_INSUFFICIENT_SENSITIVITY", "NE_INSUFFICIENT_SENSITIVITY", id="not-detected-lod-exactly-0.1"),
        pytest.param({"result_type": "NOT_DETECTED", "value_pct": None, "lod_pct": 0.05},
                     "NEG", "NE_INSUFFICIENT_SENSITIVITY", id="not-detected-lod-0.05"),
        pytest.param({"result_type": "NOT_EVALUABLE", "value_pct": None, "lod_pct": None}, "NE", "NE",
                     id="not-evaluable"),
    ],
)
def test_flow_mrd_class_boundary_when_stored(flow, protocol, reporting):
    eoc = _eoc1(flow=flow)
    assert (eoc.flow_label, eoc.flow_class_reporting) == (protocol, reporting)


def test_flow_mrd_without_lod_flagged_for_edit_check():
    eoc = _eoc1(flow={"result_type": "NOT_DETECTED", "value_pct": None, "lod_pct": None})
    assert eoc.mrd_without_lod and (eoc.flow_class, eoc.flow_ne_reason) == ("NE", "LOD_MISSING")


@pytest.mark.parametrize(
    ("ngs", "cls", "band"),
    [
        pytest.param({"clone_trackable": False, "result": "", "lod_fraction": None}, "NE", "NE", id="no-clone"),
        pytest.param({"result": "NOT_DETECTED", "lod_fraction": 1e-6}, "NEG", "LT_1E-6", id="nd-lod-1e-6"),
        pytest.param({"result": "NOT_DETECTED", "lod_fraction": 2e-6}, "NE", "NE", id="nd-lod-2e-6"),
        pytest.param({"result": "DETECTED", "value_cells_per_million": 50, "lod_fraction": 1e-6}, "POS",
                     "1E-6_TO_LT_1E-4", id="50-per-million"),
        pytest.param({"result": "DETECTED", "value_fraction": 1e-4, "lod_fraction": 1e-6}, "POS", "GE_1E-4",
                     id="exactly-1e-4"),
    ],
)
def test_ngs_mrd_class_when_stored(ngs, cls, band):
    participant = ParticipantFactory(enrolled_on=_days(-60))
    marrow = MarrowFactory(participant=participant, sample_date=DAY)
    NgsMrdFactory(marrow=marrow, **ngs)
    eoc = derived.derive_for_participant(participant.pk).eoc1
    assert (eoc.ngs_class, eoc.ngs_band) == (cls, band)


def _remission_then(participant):
    MarrowFactory(participant=participant, timepoint="EOC1", sample_date=DAY, blasts_pct=1)
    BloodCountFactory(participant=participant, sample_date=DAY, anc_e9_per_l=2, platelets_e9_per_l=150)
    EmdFactory(participant=participant, assessed_on=DAY)


def test_relapse_after_remission_when_eoc2_blasts_exactly_5():
    participant = ParticipantFactory(enrolled_on=_days(-60))
    _remission_then(participant)
    MarrowFactory(participant=participant, timepoint="EOC2", sample_date=_days(30), blasts_pct=5.0)
    BloodCountFactory(participant=participant, sample_date=_days(30))
    result = derived.derive_for_participant(participant.pk)
    assert (result.eoc1.derived_response, result.eoc2.derived_response) == ("CR", "RELAPSE")
    assert result.eoc2.prior_remission
    assert result.relapse_dates == (_days(30),)
    assert result.first_remission_date == DAY


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param("cbc-blasts", (_days(90),), id="circulating-blasts-after-remission"),
        pytest.param("emd", (_days(95),), id="new-emd-after-remission"),
        pytest.param("contact", (_days(80),), id="relapse-reported-at-follow-up"),
        pytest.param("unscheduled-marrow", (_days(100),), id="relapse-marrow"),
    ],
)
def test_relapse_dates_when_relapse_documented(record, expected):
    participant = ParticipantFactory(enrolled_on=_days(-60))
    _remission_then(participant)
    if record == "cbc-blasts":
        BloodCountFactory(participant=participant, sample_date=_days(90), circulating_blasts="PRESENT")
    elif record == "emd":
        EmdFactory(participant=participant, assessed_on=_days(95), status="NONE", cns_status="CNS3")
    elif record == "contact":
        FollowUpContactFactory(participant=participant, contact_date=_days(85), disease_status="RELAPSE",
                               relapse_date=_days(80), relapse_documented_by="MARROW")
    else:
        MarrowFactory(participant=participant, timepoint="UNSCHEDULED", sample_date=_days(100), blasts_pct=40)
    assert derived.derive_for_participant(participant.pk).relapse_dates == expected


def test_circulating_blasts_before_remission_are_not_relapse():
    participant = ParticipantFactory(enrolled_on=_days(-60))
    BloodCountFactory(participant=participant, sample_date=_days(-20), circulating_blasts="PRESENT")
    _remission_then(participant)
    assert derived.derive_for_participant(participant.pk).relapse_dates == ()


def test_death_alive_and_assessment_dates_from_contacts():
    participant = ParticipantFactory(enrolled_on=_days(-60))
    _remission_then(participant)
    FollowUpContactFactory(participant=participant, contact_date=_days(90))
    FollowUpContactFactory(participant=participant, contact_date=_days(180), disease_status="NOT_ASSESSED")
    FollowUpContactFactory(participant=participant, contact_date=_days(200), vital_status="UNKNOWN",
                           disease_status="NOT_ASSESSED")
    FollowUpContactFactory(participant=participant, contact_date=_days(260), vital_status="DEAD",
                           disease_status="NOT_ASSESSED", death_date=_days(250), death_cause="INFECTION")
    result = derived.derive_for_participant(participant.pk)
    assert result.death_date == _days(250)
    # the latest date known alive before the death (the "unknown" contact at day 200 proves nothing)
    assert result.dates_alive == (_days(180),)
    assert result.assessment_dates == (DAY, _days(90))
    assert result.last_known_alive == _days(180)


def test_cutoff_ignores_later_records():
    participant = ParticipantFactory(enrolled_on=_days(-60))
    _remission_then(participant)
    MarrowFactory(participant=participant, timepoint="EOC2", sample_date=_days(30), blasts_pct=40)
    FollowUpContactFactory(participant=participant, contact_date=_days(60), vital_status="DEAD",
                           disease_status="NOT_ASSESSED", death_date=_days(60), death_cause="DISEASE")
    result = derived.derive_for_participant(participant.pk, cutoff=_days(29))
    assert result.eoc2 is None and result.relapse_dates == () and result.death_date is None
    assert result.assessment_dates == (DAY,)


def test_investigator_call_disagreement_and_engine_mapping():
    participant = ParticipantFactory(enrolled_on=_days(-60))
    marrow = MarrowFactory(participant=participant, sample_date=DAY, blasts_pct=1)
    BloodCountFactory(participant=participant, sample_date=DAY, anc_e9_per_l=0.7, platelets_e9_per_l=60)
    ResponseCallFactory(marrow=marrow, response="CR")
    FlowMrdFactory(marrow=marrow, result_type="NOT_DETECTED", value_pct=None, lod_pct=0.2)
    eoc = derived.derive_for_participant(participant.pk).eoc1
    assert (eoc.derived_response, eoc.investigator_call, eoc.disagreement) == ("CRh", "CR", True)
    assert eoc.to_eoc_assessment() == EocAssessment(
        marrow_date=DAY, response="CRh", flow_class="NE", ne_reason=None, mrd_ne_reason="INSUFFICIENT_SENSITIVITY",
        flow_lod_pct=0.2, flow_class_reporting="NE", flow_reporting_ne_reason="INSUFFICIENT_SENSITIVITY",
    )


def test_soft_deleted_records_ignored():
    participant = ParticipantFactory(enrolled_on=_days(-60))
    MarrowFactory(participant=participant, sample_date=DAY, is_deleted=True)
    assert derived.derive_for_participant(participant.pk).eoc1 is None


def test_query_count_does_not_grow_with_participants(django_assert_num_queries):
    ids = []
    for _ in range(6):
        participant = ParticipantFactory(enrolled_on=_days(-60))
        _remission_then(participant)
        FollowUpContactFactory.create_batch(3, participant=participant, contact_date=_days(90))
        ids.append(participant.pk)
    with django_assert_num_queries(8):
        result = derived.derive_for_participants(ids)
    assert len(result) == 6 and all(r.eoc1.derived_response == "CR" for r in result.values())
    assert derived.derive_for_participants([]) == {}
