"""The snapshot's odm.xml is CDISC ODM 1.3.2: it validates against the ODM 1.3.2 schema that odmlib ships, loads
back with odmlib, and holds the same subjects, records and values as the form CSV files of the same snapshot,
with the audit record of each value's last change and the e-signatures."""

import csv
import io
from pathlib import Path

import odmlib
import pytest
import xmlschema
from odmlib import loader, odm_loader

from exports.datasets import form_files
from exports.records import participant_records
from integrity.cells import unescape_text

pytestmark = pytest.mark.django_db  # the demo snapshot needs the test database set up

ODM_XSD = Path(odmlib.__file__).parent / "schemas" / "odm" / "1.3.2" / "ODM1-3-2.xsd"
SUBJECT_KEYS = ("participant_id", "site")


def read_csv(archive, name: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"), newline="")))


@pytest.fixture(scope="module")
def odm(demo_zip):
    reader = loader.ODMLoader(
        odm_loader.XMLODMLoader(model_package="odm_1_3_2", ns_uri="http://www.cdisc.org/ns/odm/v1.3")
    )
    reader.load_odm_string(demo_zip.read("odm.xml").decode("utf-8"))
    return reader.root()


def test_the_odm_validates_against_the_odm_1_3_2_schema(demo_zip):
    schema = xmlschema.XMLSchema(str(ODM_XSD))
    errors = list(schema.iter_errors(io.BytesIO(demo_zip.read("odm.xml"))))
    assert errors == []


def test_subjects_are_the_participants_with_their_sites(demo_zip, odm):
    participants = read_csv(demo_zip, "participants.csv")
    clinical = odm.ClinicalData[0]
    subjects = {s.SubjectKey: s.SiteRef.LocationOID for s in clinical.SubjectData}
    assert subjects == {p["participant_id"]: f"LOC.{p['site']}" for p in participants}
    assert {loc.OID for loc in odm.AdminData[0].Location} == {f"LOC.{p['site']}" for p in participants}


def expected_values(demo_zip, odm) -> dict[tuple[str, str, str], str]:
    """(subject, form OID, record id) -> {item OID: value} from every form CSV, participants' records only."""
    forms = {f.OID for f in odm.Study[0].MetaDataVersion[0].FormDef}
    expected = {}
    for name in demo_zip.namelist():
        stem = name.removesuffix(".csv")
        if "/" in name or f"F.{stem.upper()}" not in forms:
            continue
        for row in read_csv(demo_zip, name):
            if not row.get("participant_id"):
                continue
            expected[(row["participant_id"], f"F.{stem.upper()}", row["record_id"])] = {
                f"IT.{stem.upper()}.{column.upper()}": unescape_text(value)
                for column, value in row.items()
                if column not in SUBJECT_KEYS and value != ""
            }
    return expected


def test_every_record_and_value_of_the_csv_files_is_in_the_odm(demo_zip, odm):
    found = {}
    for subject in odm.ClinicalData[0].SubjectData:
        for event in subject.StudyEventData:
            for form in event.FormData:
                items = {i.ItemOID: i.Value for group in form.ItemGroupData for i in group.ItemData}
                found[(subject.SubjectKey, form.FormOID, form.FormRepeatKey)] = items
    expected = expected_values(demo_zip, odm)
    assert len(expected) > 100
    assert {k[1] for k in expected} >= {"F.PARTICIPANTS", "F.CYCLES", "F.ADVERSE_EVENTS", "F.FLOW_MRD_RESULTS"}
    assert found == expected


def test_items_have_types_units_and_code_lists_in_words(odm):
    mdv = odm.Study[0].MetaDataVersion[0]
    items = {i.OID: i for i in mdv.ItemDef}
    assert items["IT.PARTICIPANTS.ENROLLED_ON"].DataType == "date"
    assert items["IT.PARTICIPANTS.WEIGHT_KG"].DataType == "float"
    assert items["IT.CYCLES.CYCLE"].DataType == "integer"
    assert items["IT.NGS_MRD_RESULTS.CLONE_TRACKABLE"].DataType == "boolean"
    assert items["IT.BLINATUMOMAB_SEGMENTS.STARTED_AT"].DataType == "datetime"
    units = {u.OID: u.Symbol.TranslatedText[0]._content for u in odm.Study[0].BasicDefinitions.MeasurementUnit}
    assert units[items["IT.PARTICIPANTS.WEIGHT_KG"].MeasurementUnitRef[0].MeasurementUnitOID] == "kg"
    codelists = {c.OID: c for c in mdv.CodeList}
    sex = codelists[items["IT.SCREENING_RECORDS.SEX"].CodeListRef.CodeListOID]
    decoded = {c.CodedValue: c.Decode.TranslatedText[0]._content for c in sex.CodeListItem}
    assert decoded["F"] == "Female"
    events = {e.OID: e.Name for e in mdv.StudyEventDef}
    assert {"SE.SCREENING", "SE.C1", "SE.EOC1", "SE.C2", "SE.EOC2", "SE.FOLLOW_UP"} <= set(events)
    assert events["SE.EOC1"] == "End of cycle 1"


def test_values_carry_their_last_change_and_signatures_are_there(demo_zip, odm):
    audit = read_csv(demo_zip, "audit_trail.csv")
    edits = [r for r in audit if r["record_type"] == "participants" and r["reason"] == "Transcription error"]
    assert len(edits) == 1
    change = edits[0]
    assert change["field"] == "weight_kg" and change["user"] == "investigator"
    subject = next(s for s in odm.ClinicalData[0].SubjectData if s.SubjectKey == change["participant_id"])
    weight = next(
        item
        for event in subject.StudyEventData
        for form in event.FormData
        for group in form.ItemGroupData
        for item in group.ItemData
        if item.ItemOID == "IT.PARTICIPANTS.WEIGHT_KG"
    )
    assert weight.Value == change["new_value"] == "70.5"
    record = weight.AuditRecord
    assert record.UserRef.UserOID == "USR.investigator"
    assert record.ReasonForChange._content == "Transcription error"
    assert record.DateTimeStamp._content == change["changed_at"]
    assert record.LocationRef.LocationOID == f"LOC.{change['site']}"
    assert subject.Signature.SignatureRef.SignatureOID == "SD.responsibility"
    eoc1 = next(e for e in subject.StudyEventData if e.StudyEventOID == "SE.EOC1")
    assert eoc1.Signature.SignatureRef.SignatureOID == "SD.approved"
    users = {u.OID: u for u in odm.AdminData[0].User}
    assert users["USR.investigator"].LoginName._content == "investigator"


def test_the_records_are_read_in_one_query_per_form(trial, django_assert_max_num_queries):
    forms = form_files()
    with django_assert_max_num_queries(len(forms)):
        records = participant_records(forms, None)
    participants = {row[1] for row in records["participants.csv"].rows}
    assert participants == {p.participant_id for p in trial.values()}
    # the screen failure has no participant: it is in screening_records.csv only
    assert len(records["screening_records.csv"].rows) == 3
