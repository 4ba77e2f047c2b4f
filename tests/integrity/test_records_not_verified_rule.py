"""Which records still wait for source data verification (integrity.rules.records_not_verified, no database):
a record with a critical value that no current mark verifies; a cleared mark, or one the record no longer
holds, verifies nothing but tells the monitor the record was edited after verification."""

from integrity.rules import CriticalValue, RecordToVerify, VerificationMark, records_not_verified, verification_progress

MARROW, CALL, SCREENING = "assessments.BoneMarrowAssessment", "assessments.ResponseCall", "enrollment.ScreeningRecord"


def _marrow(record_id=10, blasts="1.00", version=2, participant=7):
    return [
        CriticalValue(MARROW, record_id, "sample_date", "2026-03-02", version, participant, 1, "EOC1"),
        CriticalValue(MARROW, record_id, "aspirate_adequacy", "ADEQUATE", version, participant, 1, "EOC1"),
        CriticalValue(MARROW, record_id, "blasts_pct", blasts, version, participant, 1, "EOC1"),
    ]


def _call(record_id=11, version=1, participant=7):
    return [CriticalValue(CALL, record_id, "response", "CR", version, participant, 1, "EOC1")]


def test_nothing_marked_lists_every_record_in_the_order_of_its_values():
    found = records_not_verified([*_marrow(), *_call()], [])
    assert found == [
        RecordToVerify(MARROW, 10, 7, "EOC1", verified=0, total=3, edited_after_verification=False),
        RecordToVerify(CALL, 11, 7, "EOC1", verified=0, total=1, edited_after_verification=False),
    ]


def test_a_record_whose_every_value_is_marked_leaves_the_list():
    marks = [
        VerificationMark(MARROW, 10, "sample_date", "2026-03-02", 2),
        VerificationMark(MARROW, 10, "aspirate_adequacy", "ADEQUATE", 2),
        VerificationMark(MARROW, 10, "blasts_pct", "1.00", 2),
        VerificationMark(CALL, 11, "", "", 1),  # the whole form, at its current version
    ]
    assert records_not_verified([*_marrow(), *_call()], marks) == []


def test_partly_marked_record_says_how_many_are_verified():
    marks = [VerificationMark(MARROW, 10, "sample_date", "2026-03-02", 2)]
    assert records_not_verified(_marrow(), marks) == [
        RecordToVerify(MARROW, 10, 7, "EOC1", verified=1, total=3, edited_after_verification=False)
    ]


def test_a_mark_cleared_by_an_edit_verifies_nothing_and_says_edited():
    # blasts were verified at 1.00, then corrected to 3.00: the write path cleared the mark
    marks = [
        VerificationMark(MARROW, 10, "sample_date", "2026-03-02", 2),
        VerificationMark(MARROW, 10, "aspirate_adequacy", "ADEQUATE", 2),
        VerificationMark(MARROW, 10, "blasts_pct", "1.00", 1, cleared=True),
    ]
    assert records_not_verified(_marrow(blasts="3.00", version=3), marks) == [
        RecordToVerify(MARROW, 10, 7, "EOC1", verified=2, total=3, edited_after_verification=True)
    ]


def test_a_cleared_mark_verifies_nothing_even_when_the_value_is_back():
    marks = [VerificationMark(CALL, 11, "response", "CR", 1, cleared=True)]
    assert records_not_verified(_call(version=3), marks) == [
        RecordToVerify(CALL, 11, 7, "EOC1", verified=0, total=1, edited_after_verification=True)
    ]


def test_marks_the_record_no_longer_holds_verify_nothing():
    # not cleared (written by a path that does not clear) but stale: an older version, another value
    marks = [
        VerificationMark(MARROW, 10, "", "", 1),
        VerificationMark(CALL, 11, "response", "CRh", 1),
    ]
    assert records_not_verified([*_marrow(version=2), *_call()], marks) == [
        RecordToVerify(MARROW, 10, 7, "EOC1", verified=0, total=3, edited_after_verification=True),
        RecordToVerify(CALL, 11, 7, "EOC1", verified=0, total=1, edited_after_verification=True),
    ]


def test_another_records_marks_do_not_count():
    marks = [VerificationMark(MARROW, 99, "", "", 2), VerificationMark(SCREENING, 10, "", "", 2)]
    assert records_not_verified(_marrow(), marks) == [
        RecordToVerify(MARROW, 10, 7, "EOC1", verified=0, total=3, edited_after_verification=False)
    ]


def test_progress_ignores_cleared_marks():
    marks = [VerificationMark(MARROW, 10, "", "", 2, cleared=True), VerificationMark(CALL, 11, "response", "CR", 1)]
    found = verification_progress([*_marrow(), *_call()], marks, key=lambda v: v.timepoint)
    assert {k: (p.verified, p.total) for k, p in found.items()} == {"EOC1": (1, 4)}
