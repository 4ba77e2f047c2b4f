"""A Kaplan-Meier curve whose inputs did not change is taken from the previous result, not fitted again."""

import datetime
import hashlib
import struct

from endpoints import calculations as calc
from tests.factories.endpoints import synthetic_cohort

CUTOFF = datetime.date(2026, 6, 30)


def summaries(seed: int, n: int = 40) -> list:
    return [calc.summarise(p, CUTOFF) for p in synthetic_cohort(n, CUTOFF, seed=seed).participants]


def test_the_fingerprint_ignores_the_order_of_participants_but_not_their_times():
    km = [s.km for s in summaries(1) if s.km is not None]
    assert calc.km_digest(km, calc.PARAM_OS) == calc.km_digest(list(reversed(km)), calc.PARAM_OS)
    changed = [list(km[0]), *km[1:]]
    changed[0][0] += 1  # one OS time a day longer
    assert calc.km_digest(changed, calc.PARAM_OS) != calc.km_digest(km, calc.PARAM_OS)
    assert calc.km_digest(changed, calc.PARAM_EFS) == calc.km_digest(km, calc.PARAM_EFS)


def test_unchanged_curves_are_kept_from_the_previous_result_and_changed_ones_fitted_again():
    first = calc.aggregate_summaries(summaries(2), CUTOFF)
    marked = {**first, "km": {key: {**km, "kept": True} for key, km in first["km"].items()}}
    same = calc.aggregate_summaries(summaries(2), CUTOFF, previous=marked)
    assert all(km.get("kept") for km in same["km"].values())
    other = calc.aggregate_summaries(summaries(3), CUTOFF, previous=marked)
    assert not any(km.get("kept") for km in other["km"].values())
    assert other["km"] == calc.aggregate_summaries(summaries(3), CUTOFF)["km"]


def test_the_fingerprint_is_the_sha1_of_the_sorted_pairs_as_little_endian_64_bit_integers():
    km = [s.km for s in summaries(4) if s.km is not None]
    i = 2 * calc.KM_PARAMS.index(calc.PARAM_EFS)
    pairs = sorted((row[i], row[i + 1]) for row in km)
    packed = b"".join(struct.pack("<qq", t, c) for t, c in pairs)
    assert calc.km_digest(km, calc.PARAM_EFS) == hashlib.sha1(packed, usedforsecurity=False).hexdigest()
