"""CTCAE v5.0 term lists: the shipped subset and the official NCI workbook (DOMAIN.md 4.1). Pure, no Django.

``load_shipped_terms()`` reads ``safety/data/ctcae_v5_terms.csv`` (source and caveats in
``safety/data/README.md``). ``parse_ctcae_workbook(path)`` reads the complete NCI CTCAE v5.0 ``.xlsx``
and refuses a malformed file as a whole (``CtcaeFileError`` listing every problem by row and column),
so a caller can load all of it or nothing.

Every term has a stable ``code``: the slug of its CTCAE term name (``term_code``), the same whether the
term came from the shipped file or from the official workbook, so an AE recorded against the shipped
list stays valid after the full list is loaded. The MedDRA code is kept beside it when the workbook
gives it.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

SHIPPED_TERMS_PATH = Path(__file__).resolve().parent / "data" / "ctcae_v5_terms.csv"
GRADES = (1, 2, 3, 4, 5)
NOT_DEFINED = {"-", "–", "—", ""}  # a dash cell (or an empty one) means the grade does not exist
OTHER_SPECIFY_SUFFIX = "other, specify"
MAX_REPORTED_PROBLEMS = 20

# The 26 MedDRA system organ classes CTCAE v5.0 groups its terms by.
CTCAE_SOCS: tuple[str, ...] = (
    "Blood and lymphatic system disorders",
    "Cardiac disorders",
    "Congenital, familial and genetic disorders",
    "Ear and labyrinth disorders",
    "Endocrine disorders",
    "Eye disorders",
    "Gastrointestinal disorders",
    "General disorders and administration site conditions",
    "Hepatobiliary disorders",
    "Immune system disorders",
    "Infections and infestations",
    "Injury, poisoning and procedural complications",
    "Investigations",
    "Metabolism and nutrition disorders",
    "Musculoskeletal and connective tissue disorders",
    "Neoplasms benign, malignant and unspecified (incl cysts and polyps)",
    "Nervous system disorders",
    "Pregnancy, puerperium and perinatal conditions",
    "Psychiatric disorders",
    "Renal and urinary disorders",
    "Reproductive system and breast disorders",
    "Respiratory, thoracic and mediastinal disorders",
    "Skin and subcutaneous tissue disorders",
    "Social circumstances",
    "Surgical and medical procedures",
    "Vascular disorders",
)

WORKBOOK_COLUMNS = ("MedDRA Code", "MedDRA SOC", "CTCAE Term", "Grade 1", "Grade 2", "Grade 3", "Grade 4", "Grade 5")
OPTIONAL_WORKBOOK_COLUMNS = ("Definition",)
HEADER_SEARCH_ROWS = 10  # the header row may sit below a title row


class CtcaeFileError(ValueError):
    """A term file that cannot be loaded; ``problems`` lists each one (row and column named)."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        shown = self.problems[:MAX_REPORTED_PROBLEMS]
        more = len(self.problems) - len(shown)
        text = "The CTCAE file was not loaded: " + " ".join(shown)
        if more:
            text += f" ({more} more problem{'s' if more > 1 else ''} not shown.)"
        super().__init__(text)


@dataclass(frozen=True)
class CtcaeTerm:
    code: str  # term_code(term): stable key
    term: str
    soc: str
    allowed_grades: tuple[int, ...]
    descriptions: dict[int, str]  # grade -> CTCAE wording, only for allowed grades
    is_other_specify: bool
    meddra_code: str = ""  # from the official workbook; blank in the shipped file
    definition: str = ""
    note: str = field(default="", compare=False)


def term_code(term: str) -> str:
    """Stable key of a CTCAE term: lower-case words joined by '_' ("Nervous system disorders - Other, specify"
    -> "nervous_system_disorders_other_specify")."""
    return "_".join(re.sub(r"[^0-9a-z]+", " ", term.lower()).split())


def _clean(value: object) -> str:
    if value is None:
        return ""
    text = str(value).replace("\u00a0", " ")
    return " ".join(text.split())


def _build_term(
    where: str,
    *,
    term: str,
    soc: str,
    grade_cells: Sequence[str],
    meddra_code: str = "",
    definition: str = "",
    note: str = "",
    grade_column: str = "Grade {}",
) -> tuple[CtcaeTerm | None, list[str]]:
    """One validated term, or the problems of its row (``where`` names the row)."""
    problems = []
    if not term:
        problems.append(f"{where}: the CTCAE Term is empty.")
    if not soc:
        problems.append(f"{where}: the MedDRA SOC is empty.")
    descriptions = {g: cell for g, cell in zip(GRADES, grade_cells, strict=True) if cell not in NOT_DEFINED}
    if not descriptions:
        problems.append(
            f"{where}: no grade is defined (columns {grade_column.format(1)} to {grade_column.format(5)} "
            "are all '-' or empty)."
        )
    if problems:
        return None, problems
    return (
        CtcaeTerm(
            code=term_code(term),
            term=term,
            soc=soc,
            allowed_grades=tuple(sorted(descriptions)),
            descriptions=descriptions,
            is_other_specify=term.lower().endswith(OTHER_SPECIFY_SUFFIX),
            meddra_code=meddra_code,
            definition=definition,
            note=note,
        ),
        [],
    )


def _duplicates(located: Iterable[tuple[str, CtcaeTerm]], *, file_kind: str) -> list[str]:
    problems = []
    seen_code: dict[str, str] = {}
    seen_meddra: dict[str, str] = {}
    for where, term in located:
        if term.meddra_code:
            if term.meddra_code in seen_meddra:
                problems.append(
                    f"{where}: MedDRA Code {term.meddra_code} is a duplicate of {seen_meddra[term.meddra_code]}."
                )
            seen_meddra.setdefault(term.meddra_code, where)
        if term.code in seen_code:
            problems.append(f"{where}: the term '{term.term}' is a duplicate of {seen_code[term.code]} ({file_kind}).")
        seen_code.setdefault(term.code, where)
    return problems


# --- The shipped subset -------------------------------------------------------------------------------


def load_shipped_terms(path: Path | str = SHIPPED_TERMS_PATH) -> list[CtcaeTerm]:
    """The CTCAE v5.0 terms shipped with the app (safety/data/ctcae_v5_terms.csv), in file order."""
    with open(path, encoding="utf-8", newline="") as handle:
        lines = handle.readlines()
    comments = 0
    while comments < len(lines) and lines[comments].startswith("#"):
        comments += 1  # a leading comment row names the source
    reader = csv.DictReader(lines[comments:])
    missing = [
        c
        for c in ("code", "term", "soc", "allowed_grades", *(f"grade{g}" for g in GRADES))
        if c not in (reader.fieldnames or [])
    ]
    if missing:
        raise CtcaeFileError([f"Column {', '.join(missing)} is missing from {Path(path).name}."])
    problems: list[str] = []
    located: list[tuple[str, CtcaeTerm]] = []
    for row in reader:
        where = f"Line {reader.line_num + comments} of {Path(path).name}"
        term, row_problems = _build_term(
            where,
            term=_clean(row["term"]),
            soc=_clean(row["soc"]),
            grade_cells=[_clean(row[f"grade{g}"]) for g in GRADES],
            note=_clean(row.get("note")),
            grade_column="grade{}",
        )
        problems += row_problems
        if term is None:
            continue
        if _clean(row["code"]) != term.code:
            problems.append(f"{where}: column code is '{row['code']}', expected '{term.code}'.")
        declared = _clean(row["allowed_grades"])
        if declared != "|".join(map(str, term.allowed_grades)):
            problems.append(
                f"{where}: column allowed_grades is '{declared}' but grades "
                f"{'|'.join(map(str, term.allowed_grades))} have a description."
            )
        located.append((where, term))
    problems += _duplicates(located, file_kind="shipped file")
    if problems:
        raise CtcaeFileError(problems)
    return [term for _, term in located]


# --- The official NCI workbook -------------------------------------------------------------------------


def _find_header(rows: Sequence[Sequence[object]]) -> tuple[int, dict[str, int]] | None:
    wanted = {c.lower(): c for c in (*WORKBOOK_COLUMNS, *OPTIONAL_WORKBOOK_COLUMNS)}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        positions = {}
        for col, cell in enumerate(row):
            name = wanted.get(_clean(cell).lower())
            if name and name not in positions:
                positions[name] = col
        if "CTCAE Term" in positions:
            return index, positions
    return None


def _cell(row: Sequence[object], col: int | None) -> str:
    return _clean(row[col]) if col is not None and col < len(row) else ""


def _meddra(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _clean(value)


def parse_ctcae_workbook(path: Path | str) -> list[CtcaeTerm]:
    """All terms of an NCI CTCAE v5.0 workbook (.xlsx), or CtcaeFileError naming each bad row and column.

    Reads the first sheet that has a "CTCAE Term" header in its first rows. Required columns: MedDRA
    Code, MedDRA SOC, CTCAE Term, Grade 1 to Grade 5 ("-" or an empty cell: the grade does not exist);
    Definition is read when present. Rows that are entirely empty are skipped.
    """
    name = Path(path).name
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise CtcaeFileError([f"{name} is not a readable Excel workbook (.xlsx): {exc}."]) from exc
    try:
        sheets = [(ws.title, [tuple(r) for r in ws.iter_rows(values_only=True)]) for ws in workbook.worksheets]
    finally:
        workbook.close()
    found = next(((title, rows, h) for title, rows in sheets if (h := _find_header(rows))), None)
    if found is None:
        raise CtcaeFileError(
            [f"{name} has no sheet with a 'CTCAE Term' column in its first {HEADER_SEARCH_ROWS} rows."]
        )
    title, rows, (header_index, positions) = found
    missing = [c for c in WORKBOOK_COLUMNS if c not in positions]
    if missing:
        listed = ", ".join(f"'{c}'" for c in missing)
        plural = "s" if len(missing) > 1 else ""
        raise CtcaeFileError([f"Sheet '{title}', header row {header_index + 1}: column{plural} {listed} missing."])
    problems: list[str] = []
    located: list[tuple[str, CtcaeTerm]] = []
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        if not any(_clean(cell) for cell in row):
            continue
        where = f"Sheet '{title}', row {index + 1}"
        meddra = _meddra(row[positions["MedDRA Code"]]) if positions["MedDRA Code"] < len(row) else ""
        if not meddra:
            problems.append(f"{where}: the MedDRA Code is empty.")
        elif not meddra.isdigit():
            problems.append(f"{where}: the MedDRA Code '{meddra}' is not a number.")
        term, row_problems = _build_term(
            where,
            term=_cell(row, positions["CTCAE Term"]),
            soc=_cell(row, positions["MedDRA SOC"]),
            grade_cells=[_cell(row, positions[f"Grade {g}"]) for g in GRADES],
            meddra_code=meddra,
            definition=_cell(row, positions.get("Definition")),
        )
        problems += row_problems
        if term is not None:
            located.append((where, term))
    problems += _duplicates(located, file_kind="workbook")
    if not located and not problems:
        problems.append(f"Sheet '{title}' has a header but no terms.")
    if problems:
        raise CtcaeFileError(problems)
    return [term for _, term in located]


def other_specify_terms(terms: Iterable[CtcaeTerm]) -> dict[str, CtcaeTerm]:
    """SOC -> its "Other, specify" term."""
    return {t.soc: t for t in terms if t.is_other_specify}
