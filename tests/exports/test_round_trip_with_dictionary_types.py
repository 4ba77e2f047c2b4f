"""Every CSV read back with pandas, typed by the data dictionary, equals what the database holds."""

import datetime
import io
import json
from decimal import Decimal

import pandas as pd
import pytest

from enrollment.models import Consent, Participant, ScreeningRecord
from exports.datasets import FormFile, clinical_models, file_name_for
from tests.exports.conftest import HYPERLINK, UNICODE_NAME, build, open_zip

pytestmark = pytest.mark.django_db


def unescape(text: str) -> str:
    """The reader's side of the documented formula escape: drop one leading apostrophe."""
    return text[1:] if text.startswith("'") else text


# How a reader turns a cell into a value, by dictionary type; written from the conventions, not the code.
PARSERS = {
    "integer": int,
    "decimal": Decimal,
    "float": float,
    "boolean": {"true": True, "false": False}.__getitem__,
    "date": datetime.date.fromisoformat,
    "datetime": lambda v: datetime.datetime.fromisoformat(v.replace("Z", "+00:00")),
    "time": datetime.time.fromisoformat,
    "text": unescape,
    "code": unescape,
    "json": json.loads,
    "duration": lambda v: datetime.timedelta(seconds=float(v)),
    "formatted": str,
}


def read_typed(archive, name: str, dictionary: pd.DataFrame) -> pd.DataFrame:
    """pandas reads every cell as text (empty = missing); each column is then parsed by its dictionary type."""
    types = dictionary[dictionary["file"] == name].set_index("column")["type"]
    frame = pd.read_csv(
        io.BytesIO(archive.read(name)), dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8"
    )
    assert list(frame.columns) == list(types.index), name
    for column, kind in types.items():
        values = [None if pd.isna(v) else PARSERS[kind](v) for v in frame[column]]
        frame[column] = pd.Series(values, index=frame.index, dtype=object)  # object: no NaN, no float ints
    return frame


def database_value(value):
    """Missing in the database: NULL or blank text (the conventions: both are an empty cell)."""
    return None if value == "" else value


@pytest.fixture
def snapshot_zip(trial, data_manager):
    archive = open_zip(build(data_manager))
    dictionary = pd.read_csv(io.BytesIO(archive.read("data_dictionary.csv")), dtype=str, keep_default_na=False)
    return archive, dictionary


def test_every_form_file_equals_the_database(snapshot_zip):
    archive, dictionary = snapshot_zip
    for model in clinical_models():
        name = file_name_for(model)
        frame = read_typed(archive, name, dictionary)
        columns = FormFile(model).columns
        lookups = [c.lookup for c in columns]
        expected = [
            [database_value(v) for v in row]
            for row in model._base_manager.filter(is_deleted=False).order_by("pk").values_list(*lookups)
        ]
        actual = [list(row) for row in frame.itertuples(index=False)]
        assert actual == expected, name


def test_the_edge_values_come_back_exactly(snapshot_zip, trial):
    archive, dictionary = snapshot_zip
    participants = read_typed(archive, "participants.csv", dictionary).set_index("participant_id")
    a1 = trial["a1"].participant_id
    assert participants.loc[a1, "height_cm"] == Decimal("172.0")
    assert participants.loc[a1, "weight_kg"] == Decimal("-1.5")  # a negative number, unchanged
    assert participants.loc[a1, "enrolled_on"] == Participant.objects.get(participant_id=a1).enrolled_on

    screenings = read_typed(archive, "screening_records.csv", dictionary).set_index("record_id")
    failed = ScreeningRecord.objects.get(initials="ZZ")
    assert screenings.loc[failed.pk, "screen_fail_reason"] == HYPERLINK
    assert screenings.loc[failed.pk, "ecog"] is None and screenings.loc[failed.pk, "ph_test_date"] is None
    assert screenings.loc[failed.pk, "participant_id"] is None
    with_birth_date = trial["a1"].screening
    assert screenings.loc[with_birth_date.pk, "birth_date"] == datetime.date(1990, 2, 28)
    assert screenings.loc[with_birth_date.pk, "age_years"] is None

    consents = read_typed(archive, "consents.csv", dictionary)
    unicode_row = consents[consents["obtained_by"] == UNICODE_NAME]
    assert len(unicode_row) == 1
    assert unicode_row.iloc[0]["record_id"] == Consent.objects.get(obtained_by=UNICODE_NAME).pk
    assert unicode_row.iloc[0]["participant_id"] == trial["a2"].participant_id


def test_the_raw_cells_are_escaped_text_and_plain_numbers(snapshot_zip, trial):
    archive, _ = snapshot_zip
    screening = archive.read("screening_records.csv").decode("utf-8")
    assert '\'=HYPERLINK(""x"")' in screening  # CSV-quoted: '=HYPERLINK(""x"")
    participants = archive.read("participants.csv").decode("utf-8").splitlines()
    a1 = next(line for line in participants if f",{trial['a1'].participant_id}," in line)
    assert ",172.0,-1.5," in a1
    assert "'-1.5" not in a1
    assert not archive.read("participants.csv").startswith(b"\xef\xbb\xbf")  # no byte-order mark


def test_every_other_csv_reads_with_its_dictionary_types(snapshot_zip):
    archive, dictionary = snapshot_zip
    names = ("adsl.csv", "adrs.csv", "adtte.csv", "adae.csv", "audit_trail.csv", "security_events.csv")
    for name in (*names, "data_dictionary.csv"):
        read_typed(archive, name, dictionary)


def test_the_audit_trail_holds_the_correction_with_who_and_why(snapshot_zip, trial, coordinator):
    archive, dictionary = snapshot_zip
    audit = read_typed(archive, "audit_trail.csv", dictionary)
    change = audit[(audit["record_type"] == "participants") & (audit["action"] == "update")]
    assert change[
        ["record_id", "participant_id", "site", "field", "old_value", "new_value", "user", "reason"]
    ].values.tolist() == [
        [
            trial["a1"].pk,
            trial["a1"].participant_id,
            "01",
            "height_cm",
            "171.5",
            "172.0",
            "coord_a",
            "Transcription error",
        ]
    ]
    escaped = audit[(audit["field"] == "screen_fail_reason")]
    assert escaped["new_value"].tolist() == ["'" + HYPERLINK]
