"""CTCAE v5.0 laboratory grades (DOMAIN.md 4.1, end of 4.5; Project decision 12). Pure.

Every threshold sits in ``LAB_GRADE_TABLE`` (data, one row per grade), with its source. Sources:
- "DOMAIN 4.1": DOMAIN.md 4.1 (neutrophils, platelets).
- "DOMAIN 4.5": DOMAIN.md end of 4.5 (ALT, AST, bilirubin, anaemia, potassium, white cells).
- "CTCAE v5.0": NCI CTCAE v5.0 (27 Nov 2017), transcribed from general knowledge for terms DOMAIN does not
  list (lymphocytes, creatinine, GGT, alkaline phosphatase, corrected calcium, uric acid): verify
  against the spreadsheet, as DOMAIN asks for its own (K) values.

Reading the CTCAE ranges: "< 1.0 - 0.5" is grade 3 when 0.5 <= value < 1.0; "> 3.0 - 5.0 x ULN" is
grade 2 when 3.0 x ULN < value <= 5.0 x ULN. So a grade row holds when the value is strictly beyond its
limit (below it for a decrease, above it for an increase), and the grade is the highest row that holds.
Limits are compared with the tolerance of ``safety.boundaries``.

Only what a number can show is graded. Grades that need clinical facts (symptoms, transfusion,
"life-threatening", "physiologic consequences", death) are never derived from a value: anaemia stops at
3, hypokalaemia is 1 (not 2) down to 3.0 mmol/L, hyperuricaemia is 1 at most. Liver and creatinine grades
assume a normal baseline (CTCAE's "if baseline was normal" column).
"""

from __future__ import annotations

from dataclasses import dataclass

from .boundaries import above, below

LOW = "low"  # the term grades a decrease: value below the limit
HIGH = "high"  # the term grades an increase: value above the limit


@dataclass(frozen=True)
class LabTerm:
    code: str  # slug of the CTCAE term (safety.ctcae.term_code)
    term: str  # CTCAE v5.0 spelling
    analyte: str
    unit: str
    direction: str  # LOW or HIGH
    max_lab_grade: int  # the highest grade a value alone can show
    note: str = ""


@dataclass(frozen=True)
class GradeLimit:
    """Grade ``grade`` holds when the value is beyond ``factor x reference`` (reference "LLN"/"ULN") or
    beyond the absolute ``factor`` (reference "abs")."""

    grade: int
    reference: str  # "abs", "LLN" or "ULN"
    factor: float
    source: str


LAB_TERMS: dict[str, LabTerm] = {
    t.code: t
    for t in (
        LabTerm("neutrophil_count_decreased", "Neutrophil count decreased", "neutrophils", "x10^9/L", LOW, 4),
        LabTerm("platelet_count_decreased", "Platelet count decreased", "platelets", "x10^9/L", LOW, 4),
        LabTerm("white_blood_cell_decreased", "White blood cell decreased", "leukocytes", "x10^9/L", LOW, 4),
        LabTerm("lymphocyte_count_decreased", "Lymphocyte count decreased", "lymphocytes", "x10^9/L", LOW, 4),
        LabTerm("anemia", "Anemia", "haemoglobin", "g/L", LOW, 3, "grade 4 (life-threatening) and 5 are clinical"),
        LabTerm("alanine_aminotransferase_increased", "Alanine aminotransferase increased", "ALT", "U/L", HIGH, 4),
        LabTerm("aspartate_aminotransferase_increased", "Aspartate aminotransferase increased", "AST", "U/L", HIGH, 4),
        LabTerm("blood_bilirubin_increased", "Blood bilirubin increased", "total bilirubin", "umol/L", HIGH, 4),
        LabTerm("ggt_increased", "GGT increased", "GGT", "U/L", HIGH, 4),
        LabTerm("alkaline_phosphatase_increased", "Alkaline phosphatase increased", "ALP", "U/L", HIGH, 4),
        LabTerm("creatinine_increased", "Creatinine increased", "creatinine", "umol/L", HIGH, 4),
        LabTerm("hyperkalemia", "Hyperkalemia", "potassium", "mmol/L", HIGH, 4, "grade 5 is clinical"),
        LabTerm(
            "hypokalemia",
            "Hypokalemia",
            "potassium",
            "mmol/L",
            LOW,
            4,
            "grade 2 (symptomatic, intervention indicated) and 5 are clinical",
        ),
        LabTerm("hypocalcemia", "Hypocalcemia", "calcium (corrected)", "mmol/L", LOW, 4, "grade 5 is clinical"),
        LabTerm(
            "hyperuricemia",
            "Hyperuricemia",
            "uric acid",
            "umol/L",
            HIGH,
            1,
            "grade 1 only: grade 3 needs physiologic consequences, grade 4 is life-threatening",
        ),
    )
}

_D41, _D45, _V5 = "DOMAIN 4.1", "DOMAIN 4.5", "CTCAE v5.0"

LAB_GRADE_TABLE: dict[str, tuple[GradeLimit, ...]] = {
    # < LLN - 1.5; < 1.5 - 1.0; < 1.0 - 0.5; < 0.5 x10^9/L
    "neutrophil_count_decreased": (
        GradeLimit(1, "LLN", 1.0, _D41),
        GradeLimit(2, "abs", 1.5, _D41),
        GradeLimit(3, "abs", 1.0, _D41),
        GradeLimit(4, "abs", 0.5, _D41),
    ),
    # < LLN - 75; < 75 - 50; < 50 - 25; < 25 x10^9/L
    "platelet_count_decreased": (
        GradeLimit(1, "LLN", 1.0, _D41),
        GradeLimit(2, "abs", 75.0, _D41),
        GradeLimit(3, "abs", 50.0, _D41),
        GradeLimit(4, "abs", 25.0, _D41),
    ),
    # < LLN - 3.0; < 3.0 - 2.0; < 2.0 - 1.0; < 1.0 x10^9/L
    "white_blood_cell_decreased": (
        GradeLimit(1, "LLN", 1.0, _D45),
        GradeLimit(2, "abs", 3.0, _D45),
        GradeLimit(3, "abs", 2.0, _D45),
        GradeLimit(4, "abs", 1.0, _D45),
    ),
    # < LLN - 0.8; < 0.8 - 0.5; < 0.5 - 0.2; < 0.2 x10^9/L
    "lymphocyte_count_decreased": (
        GradeLimit(1, "LLN", 1.0, _V5),
        GradeLimit(2, "abs", 0.8, _V5),
        GradeLimit(3, "abs", 0.5, _V5),
        GradeLimit(4, "abs", 0.2, _V5),
    ),
    # Hb < LLN - 100; < 100 - 80; < 80 g/L
    "anemia": (
        GradeLimit(1, "LLN", 1.0, _D45),
        GradeLimit(2, "abs", 100.0, _D45),
        GradeLimit(3, "abs", 80.0, _D45),
    ),
    # > ULN - 3.0; > 3.0 - 5.0; > 5.0 - 20.0; > 20.0 x ULN (baseline normal)
    "alanine_aminotransferase_increased": (
        GradeLimit(1, "ULN", 1.0, _D45),
        GradeLimit(2, "ULN", 3.0, _D45),
        GradeLimit(3, "ULN", 5.0, _D45),
        GradeLimit(4, "ULN", 20.0, _D45),
    ),
    "aspartate_aminotransferase_increased": (
        GradeLimit(1, "ULN", 1.0, _D45),
        GradeLimit(2, "ULN", 3.0, _D45),
        GradeLimit(3, "ULN", 5.0, _D45),
        GradeLimit(4, "ULN", 20.0, _D45),
    ),
    # > ULN - 1.5; > 1.5 - 3.0; > 3.0 - 10.0; > 10.0 x ULN (baseline normal)
    "blood_bilirubin_increased": (
        GradeLimit(1, "ULN", 1.0, _D45),
        GradeLimit(2, "ULN", 1.5, _D45),
        GradeLimit(3, "ULN", 3.0, _D45),
        GradeLimit(4, "ULN", 10.0, _D45),
    ),
    # > ULN - 2.5; > 2.5 - 5.0; > 5.0 - 20.0; > 20.0 x ULN (baseline normal)
    "ggt_increased": (
        GradeLimit(1, "ULN", 1.0, _V5),
        GradeLimit(2, "ULN", 2.5, _V5),
        GradeLimit(3, "ULN", 5.0, _V5),
        GradeLimit(4, "ULN", 20.0, _V5),
    ),
    "alkaline_phosphatase_increased": (
        GradeLimit(1, "ULN", 1.0, _V5),
        GradeLimit(2, "ULN", 2.5, _V5),
        GradeLimit(3, "ULN", 5.0, _V5),
        GradeLimit(4, "ULN", 20.0, _V5),
    ),
    # > ULN - 1.5; > 1.5 - 3.0; > 3.0 - 6.0; > 6.0 x ULN (the "x baseline" branches need a baseline)
    "creatinine_increased": (
        GradeLimit(1, "ULN", 1.0, _V5),
        GradeLimit(2, "ULN", 1.5, _V5),
        GradeLimit(3, "ULN", 3.0, _V5),
        GradeLimit(4, "ULN", 6.0, _V5),
    ),
    # > ULN - 5.5; > 5.5 - 6.0; > 6.0 - 7.0; > 7.0 mmol/L
    "hyperkalemia": (
        GradeLimit(1, "ULN", 1.0, _D45),
        GradeLimit(2, "abs", 5.5, _D45),
        GradeLimit(3, "abs", 6.0, _D45),
        GradeLimit(4, "abs", 7.0, _D45),
    ),
    # < LLN - 3.0 (grade 1; grade 2 is the same range when symptomatic); < 3.0 - 2.5; < 2.5 mmol/L
    "hypokalemia": (
        GradeLimit(1, "LLN", 1.0, _D45),
        GradeLimit(3, "abs", 3.0, _D45),
        GradeLimit(4, "abs", 2.5, _D45),
    ),
    # corrected calcium < LLN - 2.0; < 2.0 - 1.75; < 1.75 - 1.5; < 1.5 mmol/L
    "hypocalcemia": (
        GradeLimit(1, "LLN", 1.0, _V5),
        GradeLimit(2, "abs", 2.0, _V5),
        GradeLimit(3, "abs", 1.75, _V5),
        GradeLimit(4, "abs", 1.5, _V5),
    ),
    # > ULN without physiologic consequences (grade 1); the higher grades are clinical
    "hyperuricemia": (GradeLimit(1, "ULN", 1.0, _V5),),
}

# British spellings used in the protocol and DOMAIN.md, and the short names people type.
LAB_TERM_ALIASES: dict[str, str] = {
    "anaemia": "anemia",
    "hyperkalaemia": "hyperkalemia",
    "hypokalaemia": "hypokalemia",
    "hypocalcaemia": "hypocalcemia",
    "hyperuricaemia": "hyperuricemia",
    "alt_increased": "alanine_aminotransferase_increased",
    "ast_increased": "aspartate_aminotransferase_increased",
    "bilirubin_increased": "blood_bilirubin_increased",
    "white_blood_cell_count_decreased": "white_blood_cell_decreased",
}


def lab_term_code(term: str) -> str:
    """The LAB_TERMS key for a code, a CTCAE term name (any case) or a British spelling; KeyError if unknown."""
    slug = "_".join("".join(ch if ch.isalnum() else " " for ch in term.lower()).split())
    code = LAB_TERM_ALIASES.get(slug, slug)
    if code not in LAB_TERMS:
        raise KeyError(f"No CTCAE laboratory grading for {term!r}.")
    return code


def lab_grade(term: str, value: float, *, lln: float | None = None, uln: float | None = None) -> int:
    """CTCAE v5.0 grade 0-4 of one laboratory value (DOMAIN 4.1/4.5; units as in ``LAB_TERMS``).

    ``lln``/``uln`` are the laboratory's normal limits; a term whose grade 1 starts at LLN or ULN needs
    it (ValueError when the value would depend on it). Grade 0 = within the normal limit. A value alone
    never gives a grade that CTCAE defines clinically (see the module docstring): e.g. hyperuricaemia
    is graded 1 at most, anaemia 3 at most.
    """
    code = lab_term_code(term)
    spec = LAB_TERMS[code]
    beyond = below if spec.direction == LOW else above
    references = {"LLN": lln, "ULN": uln}
    grade = 0
    for limit in LAB_GRADE_TABLE[code]:
        if limit.reference == "abs":
            bound = limit.factor
        else:
            reference = references[limit.reference]
            if reference is None:
                if not _beyond_any_absolute(code, value):
                    raise ValueError(f"{spec.term} needs the {limit.reference} to grade {value:g} {spec.unit}.")
                continue
            bound = limit.factor * reference
        if beyond(value, bound):
            grade = max(grade, limit.grade)
    return grade


def _beyond_any_absolute(code: str, value: float) -> bool:
    beyond = below if LAB_TERMS[code].direction == LOW else above
    return any(beyond(value, lim.factor) for lim in LAB_GRADE_TABLE[code] if lim.reference == "abs")
