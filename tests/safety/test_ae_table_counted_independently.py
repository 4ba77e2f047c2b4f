"""Issue 15 item 5: the AE table of the stored endpoint result equals a count made here with pandas from the
records the factories made (participants counted once per row at their worst grade; treatment-emergent
only; a deleted AE not counted), without calling the code under test."""

import datetime

import pandas as pd
import pytest

from endpoints.models import EndpointSnapshot
from endpoints.tasks import recompute_endpoints
from safety.models import AdverseEvent, Relationship
from tests.factories import safety as sf
from tests.factories.endpoints import treated_with_mrd_negative_cr

DRUGS = ("blinatumomab", "vindesine", "cyclophosphamide", "dexamethasone", "venetoclax")
RELATED = {"POSSIBLE", "PROBABLE", "DEFINITE"}
TEAE_LAST_DAY = 2 + 30  # the factory's infusion stops 2 days after C1D1; the window runs 30 days beyond it
# participant, term, grade, days after C1D1, relationship to blinatumomab, to venetoclax, serious, deleted
AES = [
    (0, sf.NAUSEA_TERM, 2, 3, "POSSIBLE", "NOT_RELATED", False, False),
    (0, sf.NAUSEA_TERM, 3, 10, "NOT_RELATED", "NOT_RELATED", False, False),
    (0, sf.CRS_TERM, 1, 0, "PROBABLE", "NOT_RELATED", False, False),
    (1, sf.CRS_TERM, 3, 1, "DEFINITE", "NOT_RELATED", True, False),
    (1, sf.SEPSIS_TERM, 4, 15, "UNLIKELY", "POSSIBLE", True, False),
    (2, sf.ANEMIA_TERM, 3, 5, "NOT_RELATED", "NOT_RELATED", False, False),
    (2, sf.NAUSEA_TERM, 1, -1, "POSSIBLE", "NOT_RELATED", False, False),  # before C1D1: not treatment-emergent
    (2, sf.ICANS_TERM, 2, 4, "POSSIBLE", "NOT_RELATED", False, True),  # deleted
    (3, sf.NAUSEA_TERM, 2, 40, "POSSIBLE", "NOT_RELATED", False, False),  # after the window
]


def _hand_counts(records: list[dict]) -> dict[str, tuple[int, int]]:
    df = pd.DataFrame(records)
    df = df[~df["deleted"] & (df["day"] >= 0) & (df["day"] <= TEAE_LAST_DAY)]

    def count(frame: pd.DataFrame) -> tuple[int, int]:
        worst = frame.groupby("pid")["grade"].max()
        return int(len(worst)), int((worst >= 3).sum())

    out = {"any": count(df), "serious": count(df[df["serious"]])}
    for drug in DRUGS:
        out[f"related:{drug}"] = count(df[df[f"rel_{drug}"].isin(RELATED)])
    for soc, frame in df.groupby("soc"):
        out[f"soc:{soc}"] = count(frame)
    for (soc, term), frame in df.groupby(["soc", "term"]):
        out[f"term:{soc}|{term}"] = count(frame)
    worst_any = df.groupby("pid")["grade"].max()
    out["grade3plus"] = (int((worst_any >= 3).sum()), int((worst_any >= 3).sum()))
    return out


@pytest.mark.django_db
def test_ae_table_counts_equal_a_hand_count_when_recomputed(site_a, site_b):
    treated = [treated_with_mrd_negative_cr(site) for site in (site_a, site_a, site_b, site_b)]
    records = []
    for i, (who, spec, grade, day, blina, venetoclax, serious, deleted) in enumerate(AES):
        participant, cycle = treated[who]
        ae = sf.AdverseEventFactory(
            participant=participant,
            term=sf.term(spec),
            reference=f"AE-{i + 1}",
            onset_date=cycle.day1_on + datetime.timedelta(days=day),
            resolution_date=cycle.day1_on + datetime.timedelta(days=day + 2),
            worst_grade=grade,
            serious=serious,
            sae_hospitalisation=serious,
            relationship_blinatumomab=blina,
            relationship_venetoclax=venetoclax,
        )
        if deleted:
            AdverseEvent.objects.filter(pk=ae.pk).update(is_deleted=True, deleted_reason="entered twice")
        records.append(
            {
                "pid": participant.participant_id,
                "term": spec["term"],
                "soc": spec["soc"],
                "grade": grade,
                "day": day,
                "serious": serious,
                "deleted": deleted,
                # the factory's defaults for the drugs not set above
                "rel_blinatumomab": blina,
                "rel_vindesine": Relationship.UNLIKELY,
                "rel_cyclophosphamide": Relationship.UNLIKELY,
                "rel_dexamethasone": Relationship.NOT_RELATED,
                "rel_venetoclax": venetoclax,
            }
        )
    recompute_endpoints()
    safety = EndpointSnapshot.objects.get().results["safety"]
    table = {row["key"]: (row["n"], row["n_grade3plus"]) for row in safety["ae_table"]}
    expected = _hand_counts(records)
    for key, counts in expected.items():
        assert table[key] == counts, key
    counted_rows = {k for k, (n, _) in table.items() if n and not k.startswith("aesi:") and k != "grade5"}
    assert counted_rows == {k for k, (n, _) in expected.items() if n}  # no row the hand count lacks
    assert safety["n_treated"] == 4
    assert table["any"] == (3, 3) and table["related:venetoclax"] == (1, 1)  # spot checks read off the list above
