"""The SDTM-shaped domains of the demo snapshot agree with its form CSV files and analysis datasets, and define.csv
describes every variable; the domain rules are pure functions, checked on hand-written records too."""

import csv
import datetime
import io
import re
from collections import Counter

import pytest

from exports import sdtm

pytestmark = pytest.mark.django_db  # the demo snapshot needs the test database set up

DOMAINS = ("dm", "ex", "ae", "lb", "rs", "ds", "sv")
ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?$")


def read(archive, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline="")))


def test_dm_has_one_row_per_enrolled_participant(demo_zip):
    participants = read(demo_zip, "participants.csv")
    dm = read(demo_zip, "sdtm/dm.csv")
    assert len(dm) == len(participants) == 8
    assert {(r["USUBJID"], r["SITEID"]) for r in dm} == {(p["participant_id"], p["site"]) for p in participants}
    adsl = {r["USUBJID"]: r for r in read(demo_zip, "adsl.csv")}
    screening = {r["participant_id"]: r for r in read(demo_zip, "screening_records.csv") if r["participant_id"]}
    for row in dm:
        assert row["STUDYID"] == "BLINATRIAL" and row["DOMAIN"] == "DM"
        assert row["RFSTDTC"] == adsl[row["USUBJID"]]["TRTSDT"]
        assert row["SEX"] == screening[row["USUBJID"]]["sex"]
        assert row["BRTHDTC"] == screening[row["USUBJID"]]["birth_date"]


def test_ae_rows_are_the_live_aes_of_the_csv(demo_zip):
    aes = read(demo_zip, "adverse_events.csv")
    domain = read(demo_zip, "sdtm/ae.csv")
    expected = {(r["participant_id"], r["timepoint"], r["onset_date"], r["worst_grade"]) for r in aes}
    assert {(r["USUBJID"], r["AESPID"], r["AESTDTC"], r["AETOXGR"]) for r in domain} == expected
    assert len(domain) == len(aes) > 0
    assert demo_zip.removed_ae not in {(r["USUBJID"], r["AESPID"]) for r in domain}
    adae = {(r["USUBJID"], r["AESPID"]): r for r in read(demo_zip, "adae.csv")}
    for row in domain:
        if (row["USUBJID"], row["AESPID"]) in adae:
            assert row["AEDECOD"] == adae[(row["USUBJID"], row["AESPID"])]["AEDECOD"]
            assert row["AEBODSYS"] == adae[(row["USUBJID"], row["AESPID"])]["AEBODSYS"]


def test_ex_holds_every_dose_given_and_every_infusion_segment(demo_zip):
    given = [r for r in read(demo_zip, "administrations.csv") if r["status"] in ("given", "reduced") and r["given_on"]]
    segments = read(demo_zip, "blinatumomab_segments.csv")
    ex = read(demo_zip, "sdtm/ex.csv")
    assert Counter(r["EXTRT"] for r in ex)["BLINATUMOMAB"] == len(segments)
    assert len(ex) == len(given) + len(segments)
    doses = {(r["participant_id"], r["given_on"], float(r["actual_dose_mg"])) for r in given}
    assert {(r["USUBJID"], r["EXSTDTC"], float(r["EXDOSE"])) for r in ex if r["EXDOSU"] == "mg"} == doses


@pytest.mark.parametrize(
    ("testcd", "file", "column"),
    [
        ("NEUT", "blood_counts.csv", "anc_e9_per_l"),
        ("PLAT", "blood_counts.csv", "platelets_e9_per_l"),
        ("BLASTNC", "bone_marrow_assessments.csv", "blasts_pct"),
        ("MRDFLOW", "flow_mrd_results.csv", "value_pct"),
        ("MRDNGS", "ngs_mrd_results.csv", "value_fraction"),
    ],
)
def test_lb_holds_the_counts_marrow_blasts_and_mrd_values(demo_zip, testcd, file, column):
    source = [r for r in read(demo_zip, file) if r[column]]
    lb = [r for r in read(demo_zip, "sdtm/lb.csv") if r["LBTESTCD"] == testcd and r["LBSTRESN"]]
    assert sorted((r["participant_id"], float(r[column])) for r in source) == sorted(
        (r["USUBJID"], float(r["LBSTRESN"])) for r in lb
    )
    assert len(lb) > 0


def test_rs_holds_the_investigators_calls_and_the_derived_responses(demo_zip):
    calls = read(demo_zip, "response_calls.csv")
    rs = read(demo_zip, "sdtm/rs.csv")
    investigator = {(r["USUBJID"], r["VISIT"], r["RSORRES"]) for r in rs if r["RSEVAL"] == "INVESTIGATOR"}
    visits = {"EOC1": "END OF CYCLE 1", "EOC2": "END OF CYCLE 2"}
    assert investigator == {(r["participant_id"], visits[r["timepoint"]], r["response"]) for r in calls}
    derived = {(r["USUBJID"], r["VISIT"], r["RSORRES"], r["RSDTC"]) for r in rs if r["RSEVAL"] == "PROTOCOL ALGORITHM"}
    adrs = read(demo_zip, "adrs.csv")
    assert derived == {
        (r["USUBJID"], visits[r["AVISIT"]], r["AVALC"], r["ADT"]) for r in adrs if r["AVISIT"] in visits and r["AVALC"]
    }


def test_ds_and_sv_hold_consent_status_changes_and_visits(demo_zip):
    ds = read(demo_zip, "sdtm/ds.csv")
    consents = read(demo_zip, "consents.csv")
    changes = read(demo_zip, "status_changes.csv")
    assert len(ds) == len([c for c in consents if c["participant_id"]]) + len(changes)
    assert Counter(r["DSDECOD"] for r in ds)["INFORMED CONSENT OBTAINED"] == 8
    sv = read(demo_zip, "sdtm/sv.csv")
    screening = {r["USUBJID"]: r["SVSTDTC"] for r in sv if r["VISIT"] == "SCREENING"}
    assert screening == {
        r["participant_id"]: r["screened_on"] for r in read(demo_zip, "screening_records.csv") if r["participant_id"]
    }


def test_every_domain_has_keys_sequences_and_iso_dates(demo_zip):
    for domain in DOMAINS:
        rows = read(demo_zip, f"sdtm/{domain}.csv")
        assert rows, domain
        assert {(r["STUDYID"], r["DOMAIN"]) for r in rows} == {("BLINATRIAL", domain.upper())}
        seq = f"{domain.upper()}SEQ"
        if seq in rows[0]:
            keys = [(r["USUBJID"], r[seq]) for r in rows]
            assert len(keys) == len(set(keys)), domain
        for row in rows:
            for name, value in row.items():
                if name.endswith("DTC") and value:
                    assert ISO_8601.match(value), (domain, name, value)


def test_define_lists_every_variable_with_origin_and_source(demo_zip):
    define = read(demo_zip, "sdtm/define.csv")
    for domain in DOMAINS:
        header = next(csv.reader(io.StringIO(demo_zip.read(f"sdtm/{domain}.csv").decode("utf-8"))))
        assert [r["variable"] for r in define if r["dataset"] == domain] == header
    assert {r["origin"] for r in define} == {"CRF", "Derived", "Assigned"}
    assert all(r["label"] and r["source"] for r in define)
    usubjid = next(r for r in define if r["dataset"] == "ae" and r["variable"] == "USUBJID")
    assert usubjid["source"] == "participants.participant_id"


def test_the_domain_rules_on_hand_written_records():
    records = {
        "participants": [{"participant_id": "01-007", "site": "01", "enrolled_on": datetime.date(2026, 3, 2)}],
        "screening_records": [{"participant_id": "01-007", "sex": "F", "birth_date": None, "age_years": 41}],
        "consents": [{"participant_id": "01-007", "record_id": 4, "signed_on": datetime.date(2026, 3, 1)}],
        "follow_up_contacts": [],
        "adverse_events": [],
    }
    adsl = [{"USUBJID": "01-007", "TRTFL": "Y", "TRTSDT": datetime.date(2026, 3, 4)}]
    data = sdtm.SdtmInput(records=records, adsl=adsl, adrs=[], terms={}, drugs={})
    dm = sdtm.dm(data)
    row = dict(zip([c.name for c in dm.columns], dm.rows[0], strict=True))
    assert row["RFSTDTC"] == "2026-03-04" and row["RFICDTC"] == "2026-03-01" and row["RFENRDTC"] == "2026-03-02"
    assert row["AGE"] == 41 and row["AGEU"] == "YEARS" and row["ACTARMCD"] == "BLINA" and row["DTHFL"] is None
    assert sdtm.dtc(datetime.datetime(2026, 3, 4, 8, 30, 15, 250000, tzinfo=datetime.UTC)) == "2026-03-04T08:30:15"
