"""The integrity section of the casebook: open queries, signatures (with validity) and locks, in a bounded
number of queries."""

import pytest
from django.utils import timezone

from integrity import casebook, locking, queries, signatures
from integrity.models import LockScope, Signature


def _sign(participant, investigator, timepoint=""):
    return Signature.objects.create(
        participant=participant, timepoint=timepoint, signer=investigator, printed_name="Dr A", meaning="approved",
        signed_at=timezone.now(), content_hash=signatures.content_hash(participant, timepoint),
    )


def test_the_section_lists_open_queries_signatures_and_locks_when_built(participant, monitor, investigator,
                                                                        data_manager):
    open_query = queries.raise_query(user=monitor, record=participant, field_name="weight_kg", text="?")
    closed = queries.raise_query(user=monitor, record=participant, field_name="height_cm", text="?")
    queries.close(user=monitor, query=closed)
    sig = _sign(participant, investigator)
    lock = locking.lock(user=data_manager, scope=LockScope.PARTICIPANT, participant=participant)

    section = casebook.section(participant, investigator)

    assert section.context["open_queries"] == [open_query]
    assert section.context["signatures"] == [(sig, True)]
    assert section.context["locks"] == [lock]
    assert section.template == "integrity/casebook_section.html"


@pytest.mark.parametrize("extra", [0, 8])
def test_the_section_runs_a_bounded_number_of_queries_when_records_grow(
    extra, participant, monitor, investigator, django_assert_max_num_queries
):
    from integrity.audit import clinical_models

    for i in range(1 + extra):
        queries.raise_query(user=monitor, record=participant, field_name="weight_kg", text=f"q{i}")
        _sign(participant, investigator, timepoint="" if i % 2 else "EOC1")

    # + 7: what a timepoint's signed content adds (assessments.signing: the derivation's inputs, 7 queries)
    with django_assert_max_num_queries(len(clinical_models()) + 6 + 7):
        casebook.section(participant, investigator)
