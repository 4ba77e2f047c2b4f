"""The term list as data: the data migration stores the shipped CTCAE v5.0 terms; `load_ctcae_workbook` loads an
NCI workbook all or nothing (a malformed file changes nothing and says why)."""

import importlib

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from safety import ctcae
from safety.models import CtcaeTerm
from tests.factories.safety import CRS_TERM, AdverseEventFactory, term

pytestmark = pytest.mark.django_db
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
]
GOOD_ROWS = [
    [
        10011424,
        "Immune system disorders",
        "Cytokine release syndrome",
        "Fever with or without symptoms",
        "Hypotension responding to fluids",
        "Hypotension managed with one pressor",
        "Life-threatening",
        "Death",
        "A disorder characterized by fever...",
    ],
    [
        10028813,
        "Gastrointestinal disorders",
        "Nausea",
        "Loss of appetite",
        "Oral intake decreased",
        "Inadequate oral intake",
        "-",
        "-",
        "A disorder characterized by a queasy sensation",
    ],
    [
        10047340,
        "Nervous system disorders",
        "Vertigo",
        "Mild symptoms",
        "Moderate symptoms",
        "Severe symptoms",
        "-",
        "-",
        "A disorder characterized by a sensation as if the external world were revolving",
    ],
]


def _workbook(path, header, rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "CTCAE v5.0 Clean Copy"
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return str(path)


def _snapshot() -> set:
    rows = CtcaeTerm.objects.values_list("code", "term", "meddra_code", "allowed_grades", "source")
    return {(code, name, meddra, tuple(grades), source) for code, name, meddra, grades, source in rows}


def test_the_data_migration_stores_every_shipped_term_with_its_source():
    CtcaeTerm.objects.all().delete()
    migration = importlib.import_module("safety.migrations.0002_load_shipped_ctcae_terms")

    migration.load(apps, None)

    shipped = ctcae.load_shipped_terms()
    assert CtcaeTerm.objects.count() == len(shipped)
    crs = CtcaeTerm.objects.get(code="cytokine_release_syndrome")
    assert (crs.term, crs.soc, crs.allowed_grades) == (
        "Cytokine release syndrome",
        "Immune system disorders",
        [1, 2, 3, 4, 5],
    )
    assert "CTCAE v5.0" in crs.source and crs.version == "5.0"
    assert CtcaeTerm.objects.filter(is_other_specify=True).count() == len(ctcae.CTCAE_SOCS)
    migration.load(apps, None)  # a second run changes nothing
    assert CtcaeTerm.objects.count() == len(shipped)


def test_a_good_workbook_updates_known_terms_in_place_and_adds_the_others(tmp_path):
    crs = term(CRS_TERM)
    ae = AdverseEventFactory(term=crs)
    path = _workbook(tmp_path / "ctcae.xlsx", HEADER, GOOD_ROWS)

    call_command("load_ctcae_workbook", path)

    crs.refresh_from_db()
    assert (crs.meddra_code, crs.pk) == ("10011424", ae.term_id)
    assert crs.grade_descriptions["3"] == "Hypotension managed with one pressor"
    vertigo = CtcaeTerm.objects.get(code="vertigo")
    assert (vertigo.soc, vertigo.allowed_grades, vertigo.is_other_specify) == (
        "Nervous system disorders",
        [1, 2, 3],
        False,
    )
    assert "ctcae.xlsx" in vertigo.source


@pytest.mark.parametrize(
    ("case", "header", "rows", "words"),
    [
        ("missing-column", HEADER[:7], [r[:7] for r in GOOD_ROWS], "'Grade 5' missing"),
        (
            "row-without-term",
            HEADER,
            [*GOOD_ROWS[:2], [10000001, "Eye disorders", "", "x", "-", "-", "-", "-", ""]],
            "row 4: the CTCAE Term is empty",
        ),
        (
            "no-grade-defined",
            HEADER,
            [*GOOD_ROWS, [10000002, "Eye disorders", "Blurred vision", "-", "-", "-", "-", "-", ""]],
            "no grade is defined",
        ),
        ("duplicate-term", HEADER, [*GOOD_ROWS, [10000003, *GOOD_ROWS[1][1:]]], "duplicate"),
    ],
)
def test_a_malformed_workbook_is_refused_with_its_problem_and_changes_nothing(tmp_path, case, header, rows, words):
    term(CRS_TERM)
    before = _snapshot()
    path = _workbook(tmp_path / f"{case}.xlsx", header, rows)

    with pytest.raises(CommandError) as refused:
        call_command("load_ctcae_workbook", path)

    assert words in str(refused.value) and "was not loaded" in str(refused.value)
    assert _snapshot() == before


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "terms.xlsx"
    path.write_text("code,term\nnausea,Nausea\n")
    with pytest.raises(CommandError, match="not a readable Excel workbook"):
        call_command("load_ctcae_workbook", str(path))
