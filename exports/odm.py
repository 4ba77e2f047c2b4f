"""CDISC ODM 1.3.2 (`odm.xml` in the snapshot), built with odmlib from the models and the participants' records.

Study/MetaDataVersion: a StudyEventDef per timepoint (screening and enrollment, each cycle, each end of
cycle, unscheduled, follow-up, and "on study" for the forms tied to no visit: blood counts, the safety forms,
transplants ...), a FormDef and an ItemGroupDef per form file, an ItemDef per column with its ODM data type,
unit (MeasurementUnit) and code list (CodeList, decoded in English). AdminData: the sites (Location) and the
people who appear in the file (User: login and name, never a password), the e-signature meanings
(SignatureDef). ClinicalData: a SubjectData per participant (SubjectKey = the participant ID, SiteRef = the
site), a FormData per record (FormRepeatKey = record_id, as in the CSV) under its study event, an ItemData per
non-empty value, written as in the CSV (text unescaped). Each ItemData carries the AuditRecord of the value's
last change (who, when, where, the reason) from the audit trail; e-signatures not marked broken are
Signatures on their timepoint's StudyEventData, on their AE's FormData, or on the SubjectData (casebook).

Like the form files, the ODM holds every live record as saved when the snapshot was made. Screening records
of candidates who never enrolled belong to no subject and stay in screening_records.csv only.
CreationDateTime is the time of the last change in the data, so unchanged data give an identical file. The
document is written one subject at a time (each SubjectData built by odmlib and serialised on its own).
"""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import odmlib.odm_1_3_2.model as ODM

from exports.facts import FormRecords, Person, SignatureFact
from integrity.cells import (
    BOOLEAN,
    CODE,
    DATE,
    DATETIME,
    DECIMAL,
    DURATION,
    FLOAT,
    INTEGER,
    JSON,
    TEXT,
    TIME,
    Column,
    format_cell,
    format_datetime,
)

STUDY_OID = "BLINATRIAL"
MDV_OID = "MDV.BLINATRIAL.1"
STUDY_NAME = "BlinaTrial"
STUDY_DESCRIPTION = (
    "Blinatumomab with chemotherapy in adults with newly diagnosed Ph-negative B-cell acute lymphoblastic leukaemia"
)
LANG = "en"
NO_USER = "USR.NO_USER"

SCREENING, ON_STUDY, FOLLOW_UP = "SCREENING", "ONSTUDY", "FOLLOW_UP"
FIXED_EVENTS = {
    SCREENING: "Screening and enrollment",
    "C1": "Cycle 1",
    "EOC1": "End of cycle 1",
    "C2": "Cycle 2",
    "EOC2": "End of cycle 2",
    "UNSCHEDULED": "Unscheduled / relapse work-up",
    FOLLOW_UP: "Follow-up",
    ON_STUDY: "On study (forms not tied to a visit)",
}
TIMEPOINT_EVENTS = {"EOC1", "EOC2", "UNSCHEDULED", FOLLOW_UP}
SCREENING_FORMS = {"screening_records", "consents", "participants", "status_changes"}
FOLLOW_UP_FORMS = {"follow_up_contacts"}
# The subject-level keys are the SubjectData's own (SubjectKey, SiteRef), not items.
SUBJECT_KEYS = ("participant_id", "site")

DATA_TYPES = {
    INTEGER: "integer",
    DECIMAL: "float",
    FLOAT: "float",
    DURATION: "float",
    BOOLEAN: "boolean",
    DATE: "date",
    DATETIME: "datetime",
    TIME: "time",
    TEXT: "text",
    CODE: "text",
    JSON: "text",
}


@dataclass(frozen=True)
class Change:
    """The last change of one value: who (username, None without a user context), when, why."""

    username: str | None
    at: datetime
    reason: str | None


@dataclass
class LastChanges:
    """Watches the audit trail's rows as they are written: the last change of each participant's value."""

    by_value: dict[tuple[str, int, str], Change] = field(default_factory=dict)
    latest: datetime | None = None

    def watch(self, rows: Iterable[tuple]) -> Iterator[tuple]:
        for row in rows:
            stem, record_id, participant_id, _site, name, _old, _new, user, at, _action, reason, _token = row
            if participant_id is not None:
                self.by_value[(stem, record_id, name)] = Change(user, at, reason)
            if at is not None and (self.latest is None or at > self.latest):
                self.latest = at
            yield row


@dataclass(frozen=True)
class OdmInput:
    forms: list[FormRecords]
    sites: dict[str, str]  # code -> name
    site_of: dict[str, str]  # participant ID -> site code
    people: list[Person]
    meanings: dict[str, str]  # signature meaning code -> words
    signatures: list[SignatureFact]
    changes: LastChanges
    cutoff: date
    site_filter: list[str] | None


# --------------------------------------------------------------------------- names


def _token(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def form_oid(stem: str) -> str:
    return f"F.{stem.upper()}"


def group_oid(stem: str) -> str:
    return f"IG.{stem.upper()}"


def item_oid(stem: str, column: str) -> str:
    return f"IT.{stem.upper()}.{column.upper()}"


def codelist_oid(stem: str, column: str) -> str:
    return f"CL.{stem.upper()}.{column.upper()}"


def event_oid(event: str) -> str:
    return f"SE.{event}"


def location_oid(site: str) -> str:
    return f"LOC.{site}"


def user_oid(username: str | None) -> str:
    return f"USR.{_token(username)}" if username else NO_USER


def unit_oid(units: dict[str, str], unit: str) -> str:
    return units.setdefault(unit, f"MU.{len(units) + 1}")


def _text(value: str) -> list:
    return [ODM.TranslatedText(_content=value, lang=LANG)]


def code_list(allowed_values: str) -> list[tuple[str, str]]:
    """[(code, words)] of a dictionary's `allowed_values` ("A=words; B=words"; a bare code is its own words)."""
    pairs = []
    for part in allowed_values.split("; "):
        if not part.strip():
            continue
        code, _, words = part.partition("=")
        pairs.append((code.strip(), (words or code).strip()))
    return pairs


def odm_value(kind: str, value: object) -> str | None:
    """The ItemData value: the CSV cell's text, text unescaped; None for a missing value."""
    if value is None or value == "":
        return None
    if kind in (TEXT, CODE, JSON):
        return str(value)
    return format_cell(kind, value)


def event_of(stem: str, record: dict) -> str:
    timepoint = record.get("timepoint")
    if timepoint in TIMEPOINT_EVENTS:
        return timepoint
    cycle = record.get("cycle")
    if cycle is not None:
        return f"C{cycle}"
    if stem in SCREENING_FORMS:
        return SCREENING
    if stem in FOLLOW_UP_FORMS:
        return FOLLOW_UP
    return ON_STUDY


def event_order(event: str) -> tuple:
    fixed = list(FIXED_EVENTS)
    if event in FIXED_EVENTS:
        return (fixed.index(event), 0)
    number = int(event[1:]) if event[1:].isdigit() else 99
    return (fixed.index(FOLLOW_UP) - 0.5, number)  # a later cycle: after EOC2, before follow-up


def event_name(event: str) -> str:
    return FIXED_EVENTS.get(event) or f"Cycle {event[1:]}"


# --------------------------------------------------------------------------- metadata


def _item_columns(form: FormRecords) -> list[Column]:
    return [c for c in form.columns if c.name not in SUBJECT_KEYS]


def metadata(data: OdmInput, events_forms: dict[str, list[str]]) -> tuple[ODM.MetaDataVersion, ODM.BasicDefinitions]:
    units: dict[str, str] = {}
    mdv = ODM.MetaDataVersion(OID=MDV_OID, Name="BlinaTrial EDC forms", Description="Generated from the EDC's models")
    events = sorted(events_forms, key=event_order)
    mdv.Protocol = ODM.Protocol()
    for order, event in enumerate(events, 1):
        mdv.Protocol.StudyEventRef.append(
            ODM.StudyEventRef(StudyEventOID=event_oid(event), OrderNumber=order, Mandatory="No")
        )
    for event in events:
        definition = ODM.StudyEventDef(OID=event_oid(event), Name=event_name(event), Repeating="No", Type="Scheduled")
        if event in (ON_STUDY, "UNSCHEDULED"):
            definition.Type = "Unscheduled"
        for order, stem in enumerate(events_forms[event], 1):
            definition.FormRef.append(ODM.FormRef(FormOID=form_oid(stem), OrderNumber=order, Mandatory="No"))
        mdv.StudyEventDef.append(definition)
    for form in data.forms:
        definition = ODM.FormDef(OID=form_oid(form.stem), Name=form.label, Repeating="Yes")
        definition.ItemGroupRef.append(ODM.ItemGroupRef(ItemGroupOID=group_oid(form.stem), Mandatory="Yes"))
        mdv.FormDef.append(definition)
    for form in data.forms:
        group = ODM.ItemGroupDef(OID=group_oid(form.stem), Name=form.label, Repeating="No")
        for order, column in enumerate(_item_columns(form), 1):
            group.ItemRef.append(
                ODM.ItemRef(ItemOID=item_oid(form.stem, column.name), OrderNumber=order, Mandatory="No")
            )
        mdv.ItemGroupDef.append(group)
    codelists = []
    for form in data.forms:
        for column in _item_columns(form):
            item = ODM.ItemDef(OID=item_oid(form.stem, column.name), Name=column.name, DataType=DATA_TYPES[column.kind])
            if column.label:
                item.Description = ODM.Description(TranslatedText=_text(column.label))
            if column.unit and column.kind in (INTEGER, DECIMAL, FLOAT, DURATION):
                item.MeasurementUnitRef.append(ODM.MeasurementUnitRef(MeasurementUnitOID=unit_oid(units, column.unit)))
            pairs = code_list(column.allowed_values) if column.kind in (CODE, INTEGER) else []
            if pairs:
                oid = codelist_oid(form.stem, column.name)
                item.CodeListRef = ODM.CodeListRef(CodeListOID=oid)
                codelist = ODM.CodeList(OID=oid, Name=f"{form.stem}.{column.name}", DataType=item.DataType)
                for code, words in pairs:
                    codelist.CodeListItem.append(
                        ODM.CodeListItem(CodedValue=code, Decode=ODM.Decode(TranslatedText=_text(words)))
                    )
                codelists.append(codelist)
            mdv.ItemDef.append(item)
    mdv.CodeList = codelists
    basic = ODM.BasicDefinitions()
    for unit, oid in units.items():
        basic.MeasurementUnit.append(
            ODM.MeasurementUnit(OID=oid, Name=unit, Symbol=ODM.Symbol(TranslatedText=_text(unit)))
        )
    return mdv, basic


def admin_data(data: OdmInput, usernames: set[str | None]) -> ODM.AdminData:
    admin = ODM.AdminData(StudyOID=STUDY_OID)
    for person in sorted(data.people, key=lambda p: p.username):
        if person.username not in usernames:
            continue
        user = ODM.User(OID=user_oid(person.username), UserType="Other")
        user.LoginName = ODM.LoginName(_content=person.username)
        full = f"{person.first_name} {person.last_name}".strip()
        user.DisplayName = ODM.DisplayName(_content=full or person.username)
        if full:
            user.FullName = ODM.FullName(_content=full)
        if person.first_name:
            user.FirstName = ODM.FirstName(_content=person.first_name)
        if person.last_name:
            user.LastName = ODM.LastName(_content=person.last_name)
        admin.User.append(user)
    if None in usernames:
        user = ODM.User(OID=NO_USER, UserType="Other")
        user.DisplayName = ODM.DisplayName(_content="No user (a change made outside the application's write path)")
        admin.User.append(user)
    for code, name in sorted(data.sites.items()):
        location = ODM.Location(OID=location_oid(code), Name=f"{code} {name}", LocationType="Site")
        location.MetaDataVersionRef.append(
            ODM.MetaDataVersionRef(
                StudyOID=STUDY_OID, MetaDataVersionOID=MDV_OID, EffectiveDate=data.cutoff.isoformat()
            )
        )
        admin.Location.append(location)
    for code, words in sorted(data.meanings.items()):
        admin.SignatureDef.append(
            ODM.SignatureDef(
                OID=f"SD.{_token(code)}",
                Methodology="Electronic",
                Meaning=ODM.Meaning(_content=words),
                LegalReason=ODM.LegalReason(
                    _content="Signed in the EDC with the signer's password; bound to a SHA-256 of the signed records"
                ),
            )
        )
    return admin


# --------------------------------------------------------------------------- clinical data


def _audit_record(change: Change, site: str) -> ODM.AuditRecord:
    record = ODM.AuditRecord(
        UserRef=ODM.UserRef(UserOID=user_oid(change.username)),
        LocationRef=ODM.LocationRef(LocationOID=location_oid(site)),
        DateTimeStamp=ODM.DateTimeStamp(_content=format_datetime(change.at)),
    )
    if change.reason:
        record.ReasonForChange = ODM.ReasonForChange(_content=change.reason)
    return record


def _signature(sig: SignatureFact, site: str) -> ODM.Signature:
    return ODM.Signature(
        ID=f"SIG.{sig.pk}",
        UserRef=ODM.UserRef(UserOID=user_oid(sig.username)),
        LocationRef=ODM.LocationRef(LocationOID=location_oid(site)),
        SignatureRef=ODM.SignatureRef(SignatureOID=f"SD.{_token(sig.meaning)}"),
        DateTimeStamp=ODM.DateTimeStamp(_content=format_datetime(sig.signed_at)),
    )


def _plan(data: OdmInput) -> tuple[dict[str, list[str]], dict[str, list[tuple]]]:
    """(study event -> its forms, participant -> [(form stem, item columns, record, event)]): plain data."""
    events_forms: dict[str, list[str]] = defaultdict(list)
    by_subject: dict[str, list[tuple]] = defaultdict(list)
    for form in data.forms:
        columns = _item_columns(form)
        for record in form.dicts():
            event = event_of(form.stem, record)
            if form.stem not in events_forms[event]:
                events_forms[event].append(form.stem)
            by_subject[record["participant_id"]].append((form.stem, columns, record, event))
    for form in data.forms:  # every form belongs to at least one event, found in the data or not
        if not any(form.stem in stems for stems in events_forms.values()):
            events_forms[event_of(form.stem, {})].append(form.stem)
    for event in FIXED_EVENTS:
        events_forms.setdefault(event, [])
    return events_forms, by_subject


def _subject_data(
    participant: str,
    site: str,
    records: list[tuple],
    signatures: dict[str, SignatureFact],
    events_forms: dict[str, list[str]],
    changes: LastChanges,
) -> ODM.SubjectData:
    """One participant's SubjectData: a FormData per record under its study event, the signatures."""
    events: dict[str, list] = defaultdict(list)
    by_reference = {}  # an AE's number -> its FormData (the AE is signed on its own)
    for stem, columns, record, event in records:
        group = ODM.ItemGroupData(ItemGroupOID=group_oid(stem))
        for column in columns:
            value = odm_value(column.kind, record[column.name])
            if value is None:
                continue
            item = ODM.ItemData(ItemOID=item_oid(stem, column.name), Value=value)
            change = changes.by_value.get((stem, record["record_id"], column.name))
            if change is not None:
                item.AuditRecord = _audit_record(change, site)
            group.ItemData.append(item)
        form_data = ODM.FormData(FormOID=form_oid(stem), FormRepeatKey=str(record["record_id"]))
        form_data.ItemGroupData.append(group)
        events[event].append(form_data)
        if record.get("timepoint") and event == ON_STUDY:
            by_reference[record["timepoint"]] = form_data
    subject = ODM.SubjectData(SubjectKey=participant, SiteRef=ODM.SiteRef(LocationOID=location_oid(site)))
    event_signatures = {}
    for timepoint, sig in signatures.items():
        if not timepoint:
            subject.Signature = _signature(sig, site)
        elif timepoint in events_forms:
            event_signatures[timepoint] = sig
        elif timepoint in by_reference:
            by_reference[timepoint].Signature = _signature(sig, site)
    for event in sorted(events.keys() | event_signatures.keys(), key=event_order):
        event_data = ODM.StudyEventData(StudyEventOID=event_oid(event))
        if event in event_signatures:
            event_data.Signature = _signature(event_signatures[event], site)
        event_data.FormData = events.get(event, [])
        subject.StudyEventData.append(event_data)
    return subject


def _root(data: OdmInput, events_forms: dict[str, list[str]], users: set[str | None]) -> ODM.ODM:
    """The document without subjects: Study (metadata), AdminData and an empty ClinicalData."""
    mdv, basic = metadata(data, events_forms)
    study = ODM.Study(
        OID=STUDY_OID,
        GlobalVariables=ODM.GlobalVariables(
            StudyName=ODM.StudyName(_content=STUDY_NAME),
            StudyDescription=ODM.StudyDescription(_content=STUDY_DESCRIPTION),
            ProtocolName=ODM.ProtocolName(_content=STUDY_NAME),
        ),
        BasicDefinitions=basic,
    )
    study.MetaDataVersion.append(mdv)
    sites = "ALL" if data.site_filter is None else "-".join(data.site_filter)
    created = data.changes.latest or datetime(data.cutoff.year, data.cutoff.month, data.cutoff.day, tzinfo=UTC)
    root = ODM.ODM(
        FileOID=f"BLINATRIAL.SNAPSHOT.{data.cutoff.isoformat()}.{sites}",
        FileType="Snapshot",
        Granularity="All",
        CreationDateTime=format_datetime(created),
        ODMVersion="1.3.2",
        Originator="BlinaTrial EDC",
        SourceSystem="BlinaTrial EDC",
    )
    root.Study = [study]
    root.AdminData = [admin_data(data, users)]
    root.ClinicalData = [ODM.ClinicalData(StudyOID=STUDY_OID, MetaDataVersionOID=MDV_OID)]
    return root


def write_odm(data: OdmInput, write: Callable[[bytes], None]) -> int:
    """Write the ODM document through `write`, one subject at a time; return the number of subjects.

    odmlib builds the metadata and each SubjectData; only one subject's element tree is held at a time (the
    records themselves are plain tuples), so a large trial does not hold the whole document as objects.
    """
    events_forms, by_subject = _plan(data)
    signatures: dict[str, dict[str, SignatureFact]] = defaultdict(dict)
    for (participant, timepoint), sig in _latest_signatures(data.signatures).items():
        signatures[participant][timepoint] = sig
    users = {c.username for c in data.changes.by_value.values()}
    users |= {sig.username for by_timepoint in signatures.values() for sig in by_timepoint.values()}
    head = _root(data, events_forms, users).to_xml_string(xml_declaration=True)
    start = head.rindex("<ClinicalData ")
    empty = head[start : head.index("/>", start)].rstrip()
    write((head[:start] + empty + ">").encode("utf-8"))
    participants = sorted(by_subject.keys() | signatures.keys())
    for participant in participants:
        subject = _subject_data(
            participant,
            data.site_of[participant],
            by_subject.get(participant, []),
            signatures.get(participant, {}),
            events_forms,
            data.changes,
        )
        write(subject.to_xml_string().encode("utf-8"))
    write(("</ClinicalData>" + head[head.index("/>", start) + 2 :]).encode("utf-8"))
    return len(participants)


def _latest_signatures(signatures: list[SignatureFact]) -> dict[tuple[str, str], SignatureFact]:
    """The latest valid signature of each (participant, timepoint): ODM holds one Signature per element."""
    latest: dict[tuple[str, str], SignatureFact] = {}
    for sig in sorted(signatures, key=lambda s: (s.signed_at, s.pk)):
        latest[(sig.participant_id, sig.timepoint)] = sig
    return latest
