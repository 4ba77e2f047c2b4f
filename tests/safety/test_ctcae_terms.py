"""CTCAE v5.0 term lists: the shipped file and the official NCI workbook layout (DOMAIN.md 4.1)."""

import pytest
from openpyxl import Workbook

from safety.ctcae import (
    CTCAE_SOCS,
    CtcaeFileError,
    load_shipped_terms,
    other_specify_terms,
    parse_ctcae_workbook,
    term_code,
)
from safety.labgrades import LAB_TERMS
from safety.rules import AESI_GROUPS


@pytest.fixture(scope="module")
def shipped():
    return load_shipped_terms()


def test_there_are_26_ctcae_socs():
    assert len(CTCAE_SOCS) == 26
    assert len(set(CTCAE_SOCS)) == 26


def test_every_soc_has_an_other_specify_entry(shipped):
    others = other_specify_terms(shipped)
    assert set(others) == set(CTCAE_SOCS)
    assert others["Nervous system disorders"].term == "Nervous system disorders - Other, specify"
    assert others["Nervous system disorders"].code == "nervous_system_disorders_other_specify"


def test_every_term_sits_in_a_ctcae_soc(shipped):
    assert {t.soc for t in shipped} <= set(CTCAE_SOCS)


def test_every_special_interest_term_is_shipped(shipped):
    codes = {t.code for t in shipped}
    for group, terms in AESI_GROUPS.items():
        assert terms <= codes, (group, sorted(terms - codes))


def test_every_lab_graded_term_is_shipped_with_the_same_name(shipped):
    by_code = {t.code: t for t in shipped}
    for code, spec in LAB_TERMS.items():
        assert by_code[code].term == spec.term


def test_the_terms_the_trial_needs_are_shipped(shipped):
    names = {t.term for t in shipped}
    needed = {
        "Anemia",
        "Neutrophil count decreased",
        "Platelet count decreased",
        "White blood cell decreased",
        "Lymphocyte count decreased",
        "Febrile neutropenia",
        "Sepsis",
        "Lung infection",
        "Urinary tract infection",
        "Catheter related infection",
        "Peripheral sensory neuropathy",
        "Peripheral motor neuropathy",
        "Alanine aminotransferase increased",
        "Aspartate aminotransferase increased",
        "Blood bilirubin increased",
        "GGT increased",
        "Alkaline phosphatase increased",
        "Hyperkalemia",
        "Hypokalemia",
        "Hyperuricemia",
        "Hypophosphatemia",
        "Hypocalcemia",
        "Hyperglycemia",
        "Creatinine increased",
        "Tumor lysis syndrome",
        "Encephalopathy",
        "Tremor",
        "Aphasia",
        "Seizure",
        "Confusion",
        "Headache",
        "Dizziness",
        "Somnolence",
        "Cytokine release syndrome",
        "Infusion related reaction",
        "Fever",
        "Nausea",
        "Vomiting",
        "Diarrhea",
        "Mucositis oral",
        "Fatigue",
    }
    assert needed <= names, sorted(needed - names)


def test_allowed_grades_are_exactly_the_described_grades(shipped):
    for t in shipped:
        assert t.allowed_grades == tuple(sorted(t.descriptions)), t.term
        assert all(t.descriptions[g] for g in t.allowed_grades), t.term
        assert set(t.allowed_grades) <= {1, 2, 3, 4, 5}


def test_known_grade_ranges_are_transcribed(shipped):
    by_term = {t.term: t for t in shipped}
    assert by_term["Neutrophil count decreased"].allowed_grades == (1, 2, 3, 4)  # no grade 5 in CTCAE
    assert by_term["Sepsis"].allowed_grades == (3, 4, 5)
    assert by_term["Febrile neutropenia"].allowed_grades == (3, 4, 5)
    assert by_term["Tumor lysis syndrome"].allowed_grades == (3, 4, 5)
    assert by_term["Nausea"].allowed_grades == (1, 2, 3)
    assert by_term["Anemia"].allowed_grades == (1, 2, 3, 4, 5)
    assert by_term["Hyperuricemia"].allowed_grades == (1, 3, 4, 5)
    assert by_term["Cytokine release syndrome"].descriptions[3] == (
        "Hypotension managed with one pressor; hypoxia requiring >=40% O2"
    )


def test_codes_are_unique_slugs_of_the_term(shipped):
    assert len({t.code for t in shipped}) == len(shipped)
    assert all(t.code == term_code(t.term) for t in shipped)
    assert term_code("Injury, poisoning and procedural complications - Other, specify") == (
        "injury_poisoning_and_procedural_complications_other_specify"
    )


def test_a_shipped_file_whose_allowed_grades_disagree_is_refused(tmp_path):
    path = tmp_path / "terms.csv"
    path.write_text(
        "# source\n"
        "code,term,soc,allowed_grades,grade1,grade2,grade3,grade4,grade5,note\n"
        "sepsis,Sepsis,Infections and infestations,1|2|3|4|5,,,Blood culture positive,Life-threatening,Death,\n",
        encoding="utf-8",
    )
    with pytest.raises(CtcaeFileError, match="Line 3 of terms.csv: column allowed_grades is '1\\|2\\|3\\|4\\|5'"):
        load_shipped_terms(path)


# --- The official workbook layout -------------------------------------------------------------------

HEADER = [
    "MedDRA Code",
    "MedDRA SOC",
    "CTCAE Term",
    "Grade 1",
    "Grade 2",
    "Grade 3",
    "Grade 4",
    "Grade 5",
    "Definition",
    "Navigational Note",
]
SEPSIS = [10040047, "Infections and infestations", "Sepsis", "-", "-", "Blood culture positive", "LT", "Death"]
SEPSIS += ["d", "-"]  # Definition, Navigational Note
NAUSEA = [10028813, "Gastrointestinal disorders", "Nausea", "Loss of appetite", "Oral intake decreased", "Tube"]
NAUSEA += ["-", "-"]  # no Definition cell at all


def workbook(tmp_path, rows, header=HEADER, title_row=True):
    wb = Workbook()
    ws = wb.active
    ws.title = "CTCAE v5.0 Clean Copy"
    if title_row:
        ws.append(["Common Terminology Criteria for Adverse Events (CTCAE) v5.0"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    path = tmp_path / "ctcae.xlsx"
    wb.save(path)
    return path


def test_a_good_workbook_is_read_with_dashes_as_missing_grades(tmp_path):
    path = workbook(tmp_path, [SEPSIS, [], NAUSEA])  # an empty row is skipped
    terms = parse_ctcae_workbook(path)
    assert [t.term for t in terms] == ["Sepsis", "Nausea"]
    sepsis, nausea = terms
    assert sepsis.allowed_grades == (3, 4, 5)
    assert sepsis.descriptions == {3: "Blood culture positive", 4: "LT", 5: "Death"}
    assert sepsis.meddra_code == "10040047"
    assert sepsis.code == "sepsis"
    assert sepsis.definition == "d"
    assert nausea.allowed_grades == (1, 2, 3)
    assert not nausea.is_other_specify


def test_an_other_specify_row_is_recognised(tmp_path):
    row = [10005329, "Blood and lymphatic system disorders", "Blood and lymphatic system disorders - Other, specify"]
    terms = parse_ctcae_workbook(workbook(tmp_path, [row + ["Mild", "Moderate", "Severe", "LT", "Death"]]))
    assert terms[0].is_other_specify
    assert terms[0].code == "blood_and_lymphatic_system_disorders_other_specify"


def test_a_workbook_missing_a_column_is_refused_naming_it(tmp_path):
    header = [c for c in HEADER if c != "Grade 4"]
    path = workbook(tmp_path, [SEPSIS[:6] + SEPSIS[7:]], header=header)
    with pytest.raises(CtcaeFileError) as err:
        parse_ctcae_workbook(path)
    assert "Sheet 'CTCAE v5.0 Clean Copy', header row 2: column 'Grade 4' missing." in str(err.value)


def test_a_workbook_without_a_term_column_is_refused(tmp_path):
    path = workbook(tmp_path, [SEPSIS], header=["Code", "SOC", "Name"])
    with pytest.raises(CtcaeFileError, match="no sheet with a 'CTCAE Term' column"):
        parse_ctcae_workbook(path)


def test_bad_rows_are_all_reported_by_row_and_column_and_nothing_is_returned(tmp_path):
    empty_term = [10000001, "Gastrointestinal disorders", "  ", "a", "b", "c", "d", "e"]
    no_grade = [10000002, "Gastrointestinal disorders", "Hiccups", "-", "-", "-", "-", "-"]
    duplicate = [10040047, "Infections and infestations", "Sepsis again", "-", "-", "x", "y", "Death"]
    no_code = [None, "Gastrointestinal disorders", "Bloating", "a", "b", "-", "-", "-"]
    path = workbook(tmp_path, [SEPSIS, empty_term, no_grade, duplicate, no_code])
    with pytest.raises(CtcaeFileError) as err:
        parse_ctcae_workbook(path)
    problems = err.value.problems
    assert "Sheet 'CTCAE v5.0 Clean Copy', row 4: the CTCAE Term is empty." in problems
    assert (
        "Sheet 'CTCAE v5.0 Clean Copy', row 5: no grade is defined (columns Grade 1 to Grade 5 are all '-' or empty)."
        in problems
    )
    assert (
        "Sheet 'CTCAE v5.0 Clean Copy', row 6: MedDRA Code 10040047 is a duplicate of "
        "Sheet 'CTCAE v5.0 Clean Copy', row 3." in problems
    )
    assert "Sheet 'CTCAE v5.0 Clean Copy', row 7: the MedDRA Code is empty." in problems
    assert len(problems) == 4
    assert str(err.value).startswith("The CTCAE file was not loaded: ")


def test_a_duplicate_term_is_refused(tmp_path):
    again = [10099999, "Infections and infestations", "SEPSIS", "-", "-", "x", "y", "Death"]
    with pytest.raises(CtcaeFileError, match="row 4: the term 'SEPSIS' is a duplicate of"):
        parse_ctcae_workbook(workbook(tmp_path, [SEPSIS, again]))


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "ctcae.xlsx"
    path.write_text("MedDRA Code,CTCAE Term\n", encoding="utf-8")
    with pytest.raises(CtcaeFileError, match="not a readable Excel workbook"):
        parse_ctcae_workbook(path)


def test_a_header_without_terms_is_refused(tmp_path):
    with pytest.raises(CtcaeFileError, match="no terms"):
        parse_ctcae_workbook(workbook(tmp_path, []))
