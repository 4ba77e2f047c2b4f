"""SDTM-shaped domains of this trial (DM, EX, AE, LB, RS, DS, SV) from the participants' records: pure functions.

Input: the records of each form file as dicts (`FormRecords.dicts()`, keyed by file stem), the ADSL and ADRS
rows as dicts, CTCAE term names and the drug names. Output: `Table`s whose columns say, in the define file,
their origin (CRF, Derived, Assigned) and the source field. Dates are ISO 8601 (--DTC), every domain has
STUDYID, DOMAIN, USUBJID and --SEQ (1.. per participant, in the order of the rows), VISIT/VISITNUM and EPOCH
where the record belongs to a visit. The shapes follow SDTM; controlled terminology is the EDC's own codes
(decoded in words where SDTM asks for a term), which a sponsor's mapping would replace.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from exports.formats import Table
from integrity.cells import FLOAT, INTEGER, TEXT, Column, format_cell, format_float

STUDYID = "BLINATRIAL"
CRF, DERIVED, ASSIGNED = "CRF", "Derived", "Assigned"
ARM = "Blinatumomab with chemotherapy, then venetoclax"

# VISITNUM and EPOCH of each study event (exports.odm's event codes).
VISITS = {
    "SCREENING": (1.0, "SCREENING", "SCREENING"),
    "C1": (2.0, "CYCLE 1", "TREATMENT"),
    "EOC1": (3.0, "END OF CYCLE 1", "TREATMENT"),
    "C2": (4.0, "CYCLE 2", "TREATMENT"),
    "EOC2": (5.0, "END OF CYCLE 2", "TREATMENT"),
    "UNSCHEDULED": (90.0, "UNSCHEDULED", "TREATMENT"),
    "FOLLOW_UP": (100.0, "FOLLOW-UP", "FOLLOW-UP"),
}


@dataclass(frozen=True)
class Var:
    name: str
    kind: str
    label: str
    origin: str
    source: str

    def column(self) -> Column:
        return Column(self.name, self.kind, self.label, note=f"{self.origin}: {self.source}")


@dataclass(frozen=True)
class SdtmInput:
    records: dict[str, list[dict]]  # form file stem -> records
    adsl: list[dict]
    adrs: list[dict]
    terms: dict[str, tuple[str, str]]  # CTCAE term code -> (term, system organ class)
    drugs: dict[str, str]  # drug code -> name


def dtc(value: object) -> str | None:
    """ISO 8601 --DTC text of a date or date-time (UTC, seconds)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return format_cell("datetime", value.replace(microsecond=0)).removesuffix("Z")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def number_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return format_float(float(value))


def visit_of(event: str | None) -> tuple:
    """(VISITNUM, VISIT, EPOCH) of a study event; (None, None, None) outside a visit."""
    return VISITS.get(event or "", (None, None, None)) if event else (None, None, None)


def _cycle_event(cycle: int | None) -> str | None:
    return f"C{cycle}" if cycle is not None else None


def _cycle_visit(cycle: int | None) -> tuple:
    if cycle is None:
        return (None, None, None)
    if f"C{cycle}" in VISITS:
        return VISITS[f"C{cycle}"]
    return (float(2 * cycle), f"CYCLE {cycle}", "TREATMENT")


def _yn(value: bool | None) -> str | None:
    return None if value is None else ("Y" if value else "N")


def _sequenced(prefix: str, rows: list[dict], order: Callable[[dict], tuple]) -> list[dict]:
    """Rows sorted by participant then `order`, numbered --SEQ 1.. per participant."""
    counters: dict[str, int] = defaultdict(int)
    out = []
    for row in sorted(rows, key=lambda r: (r["USUBJID"], *order(r))):
        counters[row["USUBJID"]] += 1
        out.append({**row, f"{prefix}SEQ": counters[row["USUBJID"]]})
    return out


def _table(name: str, label: str, variables: list[Var], rows: list[dict]) -> Table:
    return Table(
        name,
        label,
        tuple(v.column() for v in variables),
        [tuple(r.get(v.name) for v in variables) for r in rows],
        oid_prefix="IG.SDTM",
    )


def _ids(domain: str) -> list[Var]:
    return [
        Var("STUDYID", TEXT, "Study Identifier", ASSIGNED, "the trial"),
        Var("DOMAIN", TEXT, "Domain Abbreviation", ASSIGNED, domain),
        Var("USUBJID", TEXT, "Unique Subject Identifier", CRF, "participants.participant_id"),
    ]


def _visit_vars(prefix_source: str) -> list[Var]:
    return [
        Var("VISITNUM", FLOAT, "Visit Number", DERIVED, f"study event of {prefix_source}"),
        Var("VISIT", TEXT, "Visit Name", DERIVED, f"study event of {prefix_source}"),
        Var("EPOCH", TEXT, "Epoch", DERIVED, f"study event of {prefix_source}"),
    ]


def _base(domain: str, participant: str, visit: tuple = (None, None, None)) -> dict:
    return {
        "STUDYID": STUDYID,
        "DOMAIN": domain,
        "USUBJID": participant,
        "VISITNUM": visit[0],
        "VISIT": visit[1],
        "EPOCH": visit[2],
    }


# --------------------------------------------------------------------------- DM


def dm(data: SdtmInput) -> Table:
    variables = [
        *_ids("DM"),
        Var("SUBJID", TEXT, "Subject Identifier for the Study", CRF, "participants.participant_id"),
        Var("SITEID", TEXT, "Study Site Identifier", CRF, "participants.site"),
        Var("RFSTDTC", TEXT, "Subject Reference Start Date/Time", DERIVED, "ADSL.TRTSDT (C1D1)"),
        Var("RFICDTC", TEXT, "Date/Time of Informed Consent", CRF, "consents.signed_on"),
        Var("RFENRDTC", TEXT, "Date of Enrollment", CRF, "participants.enrolled_on"),
        Var("DTHDTC", TEXT, "Date/Time of Death", CRF, "follow_up_contacts.death_date"),
        Var("DTHFL", TEXT, "Subject Death Flag", DERIVED, "follow_up_contacts.death_date"),
        Var("BRTHDTC", TEXT, "Date/Time of Birth", CRF, "screening_records.birth_date"),
        Var("AGE", INTEGER, "Age", CRF, "screening_records.age_years"),
        Var("AGEU", TEXT, "Age Units", ASSIGNED, "YEARS"),
        Var("SEX", TEXT, "Sex", CRF, "screening_records.sex"),
        Var("ARMCD", TEXT, "Planned Arm Code", ASSIGNED, "single arm"),
        Var("ARM", TEXT, "Description of Planned Arm", ASSIGNED, "single arm"),
        Var("ACTARMCD", TEXT, "Actual Arm Code", DERIVED, "ADSL.TRTFL"),
        Var("ACTARM", TEXT, "Description of Actual Arm", DERIVED, "ADSL.TRTFL"),
    ]
    screening = {r["participant_id"]: r for r in data.records.get("screening_records", [])}
    consent: dict[str, date] = {}
    for r in data.records.get("consents", []):
        if r["signed_on"] is not None:
            consent[r["participant_id"]] = min(r["signed_on"], consent.get(r["participant_id"], r["signed_on"]))
    deaths: dict[str, date] = {}
    for r in data.records.get("follow_up_contacts", []):
        if r.get("death_date"):
            deaths[r["participant_id"]] = min(r["death_date"], deaths.get(r["participant_id"], r["death_date"]))
    adsl = {r["USUBJID"]: r for r in data.adsl}
    rows = []
    for p in sorted(data.records.get("participants", []), key=lambda r: r["participant_id"]):
        pid = p["participant_id"]
        s = screening.get(pid, {})
        treated = adsl.get(pid, {}).get("TRTFL") == "Y"
        row = _base("DM", pid)
        row.update(
            SUBJID=pid,
            SITEID=p["site"],
            RFSTDTC=dtc(adsl.get(pid, {}).get("TRTSDT")),
            RFICDTC=dtc(consent.get(pid)),
            RFENRDTC=dtc(p["enrolled_on"]),
            DTHDTC=dtc(deaths.get(pid)),
            DTHFL="Y" if pid in deaths else None,
            BRTHDTC=dtc(s.get("birth_date")),
            AGE=s.get("age_years"),
            AGEU="YEARS" if s.get("age_years") is not None else None,
            SEX=s.get("sex"),
            ARMCD="BLINA",
            ARM=ARM,
            ACTARMCD="BLINA" if treated else "NOTTRT",
            ACTARM=ARM if treated else "Not Treated",
        )
        rows.append(row)
    return _table("DM", "Demographics", variables, rows)


# --------------------------------------------------------------------------- EX

GIVEN = ("given", "reduced")


def ex(data: SdtmInput) -> Table:
    variables = [
        *_ids("EX"),
        Var("EXSEQ", INTEGER, "Sequence Number", DERIVED, "order of the doses"),
        Var("EXSPID", TEXT, "Sponsor-Defined Identifier", ASSIGNED, "form file and record_id"),
        Var("EXTRT", TEXT, "Name of Treatment", CRF, "administrations.drug_code; blinatumomab_segments"),
        Var("EXDOSE", FLOAT, "Dose", CRF, "administrations.actual_dose_mg; blinatumomab_segments.rate_mcg_per_day"),
        Var("EXDOSU", TEXT, "Dose Units", ASSIGNED, "mg; ug/day"),
        Var("EXDOSFRQ", TEXT, "Dosing Frequency per Interval", ASSIGNED, "ONCE; CONTINUOUS"),
        Var("EXROUTE", TEXT, "Route of Administration", CRF, "administrations.route"),
        Var("EXADJ", TEXT, "Reason for Dose Adjustment", CRF, "administrations.reason"),
        Var("EXSTDTC", TEXT, "Start Date/Time of Treatment", CRF, "administrations.given_on; segments.started_at"),
        Var("EXENDTC", TEXT, "End Date/Time of Treatment", CRF, "administrations.given_on; segments.stopped_at"),
        *_visit_vars("the cycle"),
    ]
    rows = []
    for a in data.records.get("administrations", []):
        if a["status"] not in GIVEN or a["given_on"] is None:
            continue
        row = _base("EX", a["participant_id"], _cycle_visit(a.get("cycle")))
        row.update(
            EXSPID=f"administrations.{a['record_id']}",
            EXTRT=data.drugs.get(a["drug_code"], a["drug_code"]).upper(),
            EXDOSE=float(a["actual_dose_mg"]) if a["actual_dose_mg"] is not None else None,
            EXDOSU="mg",
            EXDOSFRQ="ONCE",
            EXROUTE={"IV": "INTRAVENOUS", "PO": "ORAL", "SC": "SUBCUTANEOUS"}.get(a["route"], a["route"]),
            EXADJ=a.get("reason") or None,
            EXSTDTC=dtc(a["given_on"]),
            EXENDTC=dtc(a["given_on"]),
            _order=(dtc(a["given_on"]), a["record_id"]),
        )
        rows.append(row)
    for s in data.records.get("blinatumomab_segments", []):
        row = _base("EX", s["participant_id"], _cycle_visit(s.get("cycle")))
        row.update(
            EXSPID=f"blinatumomab_segments.{s['record_id']}",
            EXTRT="BLINATUMOMAB",
            EXDOSE=float(s["rate_mcg_per_day"]) if s["rate_mcg_per_day"] is not None else None,
            EXDOSU="ug/day",
            EXDOSFRQ="CONTINUOUS",
            EXROUTE="INTRAVENOUS",
            EXSTDTC=dtc(s["started_at"]),
            EXENDTC=dtc(s["stopped_at"]),
            _order=(dtc(s["started_at"]) or "", s["record_id"]),
        )
        rows.append(row)
    return _table("EX", "Exposure", variables, _sequenced("EX", rows, lambda r: r["_order"]))


# --------------------------------------------------------------------------- AE

RELATIONSHIP_DRUGS = ("blinatumomab", "vindesine", "cyclophosphamide", "dexamethasone", "venetoclax")
RELATED = ("POSSIBLE", "PROBABLE", "DEFINITE")


def ae(data: SdtmInput) -> Table:
    variables = [
        *_ids("AE"),
        Var("AESEQ", INTEGER, "Sequence Number", DERIVED, "order of the AE numbers"),
        Var("AESPID", TEXT, "Sponsor-Defined Identifier", CRF, "adverse_events.timepoint (AE number)"),
        Var("AETERM", TEXT, "Reported Term for the Adverse Event", CRF, "adverse_events.verbatim_term or term"),
        Var("AEDECOD", TEXT, "Dictionary-Derived Term", CRF, "adverse_events.term_code (CTCAE v5.0 term)"),
        Var("AEBODSYS", TEXT, "Body System or Organ Class", DERIVED, "CTCAE term's system organ class"),
        Var("AETOXGR", TEXT, "Standard Toxicity Grade", CRF, "adverse_events.worst_grade"),
        Var("AESER", TEXT, "Serious Event", CRF, "adverse_events.serious"),
        Var("AESDTH", TEXT, "Results in Death", CRF, "adverse_events.sae_death"),
        Var("AESLIFE", TEXT, "Is Life Threatening", CRF, "adverse_events.sae_life_threatening"),
        Var("AESHOSP", TEXT, "Requires or Prolongs Hospitalization", CRF, "adverse_events.sae_hospitalisation"),
        Var("AEREL", TEXT, "Causality", DERIVED, "adverse_events.relationship_* (related to any study drug)"),
        Var("AEOUT", TEXT, "Outcome of Adverse Event", CRF, "adverse_events.outcome"),
        Var("AESTDTC", TEXT, "Start Date/Time of Adverse Event", CRF, "adverse_events.onset_date"),
        Var("AEENDTC", TEXT, "End Date/Time of Adverse Event", CRF, "adverse_events.resolution_date"),
    ]
    rows = []
    for a in data.records.get("adverse_events", []):
        term, soc = data.terms.get(a["term_code"], (a["term_code"], None))
        related = any(a.get(f"relationship_{drug}") in RELATED for drug in RELATIONSHIP_DRUGS)
        row = _base("AE", a["participant_id"])
        row.update(
            AESPID=a["timepoint"],
            AETERM=a.get("verbatim_term") or term,
            AEDECOD=term,
            AEBODSYS=soc,
            AETOXGR=str(a["worst_grade"]) if a["worst_grade"] is not None else None,
            AESER=_yn(a["serious"]),
            AESDTH=_yn(a["sae_death"]),
            AESLIFE=_yn(a["sae_life_threatening"]),
            AESHOSP=_yn(a["sae_hospitalisation"]),
            AEREL="RELATED" if related else "NOT RELATED",
            AEOUT=a["outcome"],
            AESTDTC=dtc(a["onset_date"]),
            AEENDTC=dtc(a["resolution_date"]),
        )
        number = a["timepoint"].rsplit("-", 1)[-1]
        rows.append({**row, "_order": (int(number) if number.isdigit() else 0, a["record_id"])})
    return _table("AE", "Adverse Events", variables, _sequenced("AE", rows, lambda r: r["_order"]))


# --------------------------------------------------------------------------- LB

# (form stem, field, LBTESTCD, LBTEST, LBSPEC, unit)
LAB_TESTS = (
    ("blood_counts", "anc_e9_per_l", "NEUT", "Neutrophils", "BLOOD", "10^9/L"),
    ("blood_counts", "platelets_e9_per_l", "PLAT", "Platelets", "BLOOD", "10^9/L"),
    ("blood_counts", "hb_g_per_l", "HGB", "Hemoglobin", "BLOOD", "g/L"),
    ("blood_counts", "wbc_e9_per_l", "WBC", "Leukocytes", "BLOOD", "10^9/L"),
    ("blood_counts", "circulating_blasts_pct", "BLASTLE", "Blasts/Leukocytes", "BLOOD", "%"),
    ("bone_marrow_assessments", "blasts_pct", "BLASTNC", "Blasts/Nucleated Cells", "BONE MARROW", "%"),
    ("flow_mrd_results", "value_pct", "MRDFLOW", "Minimal Residual Disease, Flow Cytometry", "BONE MARROW", "%"),
    (
        "ngs_mrd_results",
        "value_fraction",
        "MRDNGS",
        "Minimal Residual Disease, NGS",
        "BONE MARROW",
        "fraction of nucleated cells",
    ),
)
LAB_DATES = {
    "blood_counts": "sample_date",
    "bone_marrow_assessments": "sample_date",
}
NOT_DETECTED = "NOT_DETECTED"


def lb(data: SdtmInput) -> Table:
    variables = [
        *_ids("LB"),
        Var("LBSEQ", INTEGER, "Sequence Number", DERIVED, "order of the results"),
        Var("LBSPID", TEXT, "Sponsor-Defined Identifier", ASSIGNED, "form file and record_id"),
        Var("LBTESTCD", TEXT, "Lab Test or Examination Short Name", ASSIGNED, "the form field"),
        Var("LBTEST", TEXT, "Lab Test or Examination Name", ASSIGNED, "the form field"),
        Var("LBSPEC", TEXT, "Specimen Type", ASSIGNED, "the form"),
        Var("LBORRES", TEXT, "Result or Finding in Original Units", CRF, "the form field"),
        Var("LBORRESU", TEXT, "Original Units", ASSIGNED, "the form field's unit"),
        Var("LBSTRESC", TEXT, "Character Result/Finding in Std Format", DERIVED, "LBORRES"),
        Var("LBSTRESN", FLOAT, "Numeric Result/Finding in Standard Units", DERIVED, "LBORRES (same units)"),
        Var("LBSTRESU", TEXT, "Standard Units", DERIVED, "LBORRESU"),
        Var("LBDTC", TEXT, "Date/Time of Specimen Collection", CRF, "sample_date (of the marrow for MRD)"),
        *_visit_vars("the marrow (EOC1, EOC2, unscheduled)"),
    ]
    marrows = {}
    for m in data.records.get("bone_marrow_assessments", []):
        marrows.setdefault((m["participant_id"], m["timepoint"]), m["sample_date"])
    rows = []
    for stem, field, code, test, spec, unit in LAB_TESTS:
        for r in data.records.get(stem, []):
            value = r.get(field)
            detected = r.get("result_type", r.get("result"))
            if value is None and detected != NOT_DETECTED:
                continue
            timepoint = r.get("timepoint")
            when = r.get(LAB_DATES[stem]) if stem in LAB_DATES else marrows.get((r["participant_id"], timepoint))
            text = number_text(value) if value is not None else "NOT DETECTED"
            row = _base("LB", r["participant_id"], visit_of(timepoint))
            row.update(
                LBSPID=f"{stem}.{r['record_id']}",
                LBTESTCD=code,
                LBTEST=test,
                LBSPEC=spec,
                LBORRES=text,
                LBORRESU=unit if value is not None else None,
                LBSTRESC=text,
                LBSTRESN=float(value) if value is not None else None,
                LBSTRESU=unit if value is not None else None,
                LBDTC=dtc(when),
                _order=(dtc(when) or "", code, r["record_id"]),
            )
            rows.append(row)
    return _table("LB", "Laboratory Test Results", variables, _sequenced("LB", rows, lambda r: r["_order"]))


# --------------------------------------------------------------------------- RS


def rs(data: SdtmInput) -> Table:
    variables = [
        *_ids("RS"),
        Var("RSSEQ", INTEGER, "Sequence Number", DERIVED, "order of the assessments"),
        Var("RSTESTCD", TEXT, "Assessment Short Name", ASSIGNED, "OVRLRESP"),
        Var("RSTEST", TEXT, "Assessment Name", ASSIGNED, "Overall Response"),
        Var("RSORRES", TEXT, "Result or Finding in Original Units", CRF, "response_calls.response; ADRS.AVALC"),
        Var("RSSTRESC", TEXT, "Character Result/Finding in Std Format", DERIVED, "RSORRES"),
        Var("RSEVAL", TEXT, "Evaluator", ASSIGNED, "INVESTIGATOR (the call) or PROTOCOL ALGORITHM (derived)"),
        Var("RSDTC", TEXT, "Date/Time of Assessment", CRF, "bone_marrow_assessments.sample_date"),
        *_visit_vars("the marrow"),
    ]
    marrows = {}
    for m in data.records.get("bone_marrow_assessments", []):
        marrows.setdefault((m["participant_id"], m["timepoint"]), m["sample_date"])
    rows = []
    for c in data.records.get("response_calls", []):
        when = marrows.get((c["participant_id"], c["timepoint"]))
        row = _base("RS", c["participant_id"], visit_of(c["timepoint"]))
        row.update(
            RSTESTCD="OVRLRESP",
            RSTEST="Overall Response",
            RSORRES=c["response"],
            RSSTRESC=c["response"],
            RSEVAL="INVESTIGATOR",
            RSDTC=dtc(when),
            _order=(visit_of(c["timepoint"])[0] or 0, 0, c["record_id"]),
        )
        rows.append(row)
    for r in data.adrs:
        if r["AVISIT"] not in VISITS or not r["AVALC"]:
            continue
        row = _base("RS", r["USUBJID"], visit_of(r["AVISIT"]))
        row.update(
            RSTESTCD="OVRLRESP",
            RSTEST="Overall Response",
            RSORRES=r["AVALC"],
            RSSTRESC=r["AVALC"],
            RSEVAL="PROTOCOL ALGORITHM",
            RSDTC=dtc(r["ADT"]),
            _order=(visit_of(r["AVISIT"])[0] or 0, 1, 0),
        )
        rows.append(row)
    return _table("RS", "Disease Response", variables, _sequenced("RS", rows, lambda r: r["_order"]))


# --------------------------------------------------------------------------- DS


def ds(data: SdtmInput) -> Table:
    variables = [
        *_ids("DS"),
        Var("DSSEQ", INTEGER, "Sequence Number", DERIVED, "order of the dates"),
        Var("DSTERM", TEXT, "Reported Term for the Disposition Event", CRF, "consents; status_changes.to_status"),
        Var("DSDECOD", TEXT, "Standardized Disposition Term", DERIVED, "DSTERM"),
        Var("DSCAT", TEXT, "Category for Disposition Event", ASSIGNED, "PROTOCOL MILESTONE or DISPOSITION EVENT"),
        Var("DSSTDTC", TEXT, "Start Date/Time of Disposition Event", CRF, "signed_on; status_changes.changed_on"),
        Var("EPOCH", TEXT, "Epoch", DERIVED, "the status"),
    ]
    rows = []
    for c in data.records.get("consents", []):
        row = _base("DS", c["participant_id"], VISITS["SCREENING"])
        row.update(
            DSTERM="INFORMED CONSENT OBTAINED",
            DSDECOD="INFORMED CONSENT OBTAINED",
            DSCAT="PROTOCOL MILESTONE",
            DSSTDTC=dtc(c["signed_on"]),
        )
        rows.append({**row, "_order": (dtc(c["signed_on"]) or "", 0, c["record_id"])})
    for s in data.records.get("status_changes", []):
        status = str(s["to_status"] or "").replace("_", " ").upper()
        milestone = status in ("ENROLLED", "ON TREATMENT", "FOLLOW UP")
        epoch = "SCREENING" if status == "ENROLLED" else ("FOLLOW-UP" if status == "FOLLOW UP" else "TREATMENT")
        row = _base("DS", s["participant_id"], (None, None, epoch))
        row.update(
            DSTERM=s.get("reason") or status,
            DSDECOD=status,
            DSCAT="PROTOCOL MILESTONE" if milestone else "DISPOSITION EVENT",
            DSSTDTC=dtc(s["changed_on"]),
        )
        rows.append({**row, "_order": (dtc(s["changed_on"]) or "", 1, s["record_id"])})
    return _table("DS", "Disposition", variables, _sequenced("DS", rows, lambda r: r["_order"]))


# --------------------------------------------------------------------------- SV


def sv(data: SdtmInput) -> Table:
    variables = [
        *_ids("SV"),
        Var("VISITNUM", FLOAT, "Visit Number", DERIVED, "the visit"),
        Var("VISIT", TEXT, "Visit Name", DERIVED, "the visit"),
        Var("EPOCH", TEXT, "Epoch", DERIVED, "the visit"),
        Var("SVSTDTC", TEXT, "Start Date/Time of Visit", CRF, "screened_on; visited_on; sample_date; contact_date"),
        Var("SVENDTC", TEXT, "End Date/Time of Visit", CRF, "as SVSTDTC"),
    ]
    rows = []
    for s in data.records.get("screening_records", []):
        rows.append(_sv_row(s["participant_id"], VISITS["SCREENING"], s["screened_on"]))
    for v in data.records.get("visit_records", []):
        if v["visited_on"] is None:
            continue
        number, name, epoch = _cycle_visit(v.get("cycle"))
        code = v["visit_code"]
        visit = (number + _VISIT_FRACTIONS.get(code, 0.5), f"{name} {code}", epoch) if number else (None, code, None)
        rows.append(_sv_row(v["participant_id"], visit, v["visited_on"]))
    for m in data.records.get("bone_marrow_assessments", []):
        if m["timepoint"] == "UNSCHEDULED":
            rows.append(_sv_row(m["participant_id"], VISITS["UNSCHEDULED"], m["sample_date"]))
    contacts: dict[str, int] = defaultdict(int)
    for f in sorted(data.records.get("follow_up_contacts", []), key=lambda r: (r["contact_date"], r["record_id"])):
        number, name, epoch = VISITS["FOLLOW_UP"]
        n = contacts[f["participant_id"]]
        contacts[f["participant_id"]] += 1
        rows.append(_sv_row(f["participant_id"], (number + n, f"{name} {n + 1}", epoch), f["contact_date"]))
    rows.sort(key=lambda r: (r["USUBJID"], r["SVSTDTC"] or "", r["VISITNUM"] or 0))
    return _table("SV", "Subject Visits", variables, rows)


_VISIT_FRACTIONS = {"D1": 0.01, "D8": 0.08, "D15": 0.15, "D22": 0.22, "EOC": 0.9}


def _sv_row(participant: str, visit: tuple, when: date | None) -> dict:
    row = _base("SV", participant, visit)
    row.update(SVSTDTC=dtc(when), SVENDTC=dtc(when))
    return row


DOMAINS = (dm, ex, ae, lb, rs, ds, sv)


def sdtm_domains(data: SdtmInput) -> list[Table]:
    return [domain(data) for domain in DOMAINS]


DEFINE_COLUMNS = (
    Column("dataset", TEXT, "Dataset (file stem)"),
    Column("dataset_label", TEXT, "Dataset label"),
    Column("variable", TEXT, "Variable name"),
    Column("label", TEXT, "Variable label"),
    Column("type", TEXT, "Type (data dictionary types)"),
    Column("origin", TEXT, "Origin", allowed_values="CRF; Derived; Assigned"),
    Column("source", TEXT, "Source field, derivation or assigned value"),
)


def define_rows(tables: list[Table]) -> list[tuple]:
    rows = []
    for table in tables:
        for column in table.columns:
            origin, _, source = column.note.partition(": ")
            rows.append((table.name.lower(), table.label, column.name, column.label, column.kind, origin, source))
    return rows
