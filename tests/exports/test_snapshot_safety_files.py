"""Issue 15 item 6: a snapshot holds one file per safety form (AEs, SAE follow-ups, CRS and ICANS sheets,
chemistry, concomitant medications), listed in the manifest and the data dictionary, and each reads back with
pandas, typed by the dictionary, equal to the live rows of the database."""

import datetime
import io
import json

import pandas as pd
import pghistory
import pytest

from exports.datasets import FormFile, clinical_models, file_name_for
from safety.models import AdverseEvent
from tests.exports.conftest import build, open_zip
from tests.exports.test_round_trip_with_dictionary_types import database_value, read_typed
from tests.factories import safety as sf

pytestmark = pytest.mark.django_db


def safety_models() -> list:
    return [m for m in clinical_models() if m._meta.app_label == "safety"]


@pytest.fixture
def safety_records(trial, coordinator):
    """One row in every safety form for the treated participant, and a deleted AE that stays out."""
    p = trial["a2"]
    day = lambda n: p.enrolled_on + datetime.timedelta(days=n)  # noqa: E731
    with pghistory.context(user=coordinator.pk, reason="Initial entry"):
        sf.AdverseEventFactory(participant=p, reference="AE-1", onset_date=day(5), resolution_date=day(8))
        crs = sf.CrsAdverseEventFactory(participant=p, reference="AE-2", onset_date=day(3), resolution_date=day(6))
        sf.CrsAssessmentFactory(adverse_event=crs)
        sf.IcansAssessmentFactory(
            adverse_event__participant=p, adverse_event__reference="AE-3", adverse_event__onset_date=day(4)
        )
        sf.SaeFollowUpReportFactory(
            adverse_event__participant=p, adverse_event__reference="AE-4", adverse_event__onset_date=day(6)
        )
        sf.ChemistryPanelFactory(participant=p, sample_date=day(3))
        sf.ConcomitantMedicationFactory(participant=p)
        gone = sf.AdverseEventFactory(participant=p, reference="AE-5", onset_date=day(7), resolution_date=day(9))
    AdverseEvent.objects.filter(pk=gone.pk).update(is_deleted=True, deleted_reason="entered twice")
    return p


def test_every_safety_form_is_a_file_in_the_manifest_and_the_dictionary_and_reads_back_equal(
    safety_records, data_manager
):
    archive = open_zip(build(data_manager))
    manifest = json.loads(archive.read("manifest.json"))
    rows_in_manifest = {f["name"]: f["rows"] for f in manifest["files"]}
    dictionary = pd.read_csv(io.BytesIO(archive.read("data_dictionary.csv")), dtype=str, keep_default_na=False)
    models = safety_models()
    assert {m.__name__ for m in models} >= {
        "AdverseEvent",
        "SaeFollowUpReport",
        "CrsAssessment",
        "IcansAssessment",
        "ChemistryPanel",
        "ConcomitantMedication",
    }
    for model in models:
        name = file_name_for(model)
        live = model._base_manager.filter(is_deleted=False)
        assert rows_in_manifest[name] == live.count() > 0, name
        assert set(dictionary[dictionary["file"] == name]["column"]) == {c.name for c in FormFile(model).columns}
        frame = read_typed(archive, name, dictionary)
        lookups = [c.lookup for c in FormFile(model).columns]
        expected = [[database_value(v) for v in row] for row in live.order_by("pk").values_list(*lookups)]
        assert [list(row) for row in frame.itertuples(index=False)] == expected, name
    assert rows_in_manifest[file_name_for(AdverseEvent)] == 4  # the deleted AE is left out


def test_adae_has_one_row_per_live_ae_with_its_term_grade_and_flags(safety_records, data_manager):
    archive = open_zip(build(data_manager))
    dictionary = pd.read_csv(io.BytesIO(archive.read("data_dictionary.csv")), dtype=str, keep_default_na=False)
    adae = read_typed(archive, "adae.csv", dictionary)
    live = AdverseEvent.objects.filter(participant=safety_records, is_deleted=False).select_related("term")
    c1d1 = safety_records.enrolled_on + datetime.timedelta(days=2)  # conftest.treat_and_assess: cycle 1 on day 2
    expected = sorted(
        (
            ae.reference,
            ae.term.term,
            ae.term.soc,
            ae.onset_date,
            (ae.onset_date - c1d1).days + 1,
            ae.worst_grade,
            "Y" if ae.serious else "N",
            ae.relationship_blinatumomab.lower(),
        )
        for ae in live
    )
    columns = ["AESPID", "AEDECOD", "AEBODSYS", "ASTDT", "ASTDY", "ATOXGR", "AESER", "ARELBLIN"]
    assert sorted(adae[columns].itertuples(index=False, name=None)) == expected
    assert len(expected) == 4 and set(adae["USUBJID"]) == {safety_records.participant_id}
    assert set(adae["TRTEMFL"]) == {"Y"}  # onsets from day 2 to day 5 of treatment
