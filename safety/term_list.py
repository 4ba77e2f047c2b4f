"""Storing a CTCAE term list (safety.ctcae) in the CtcaeTerm table, all or nothing.

Terms are matched by their stable code (the slug of the term name), so loading the official workbook over the
shipped subset updates the shipped terms in place (AEs keep pointing at them) and adds the others; a term that
is not in the new file is kept (recorded AEs may use it).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from safety import ctcae
from safety.models import CtcaeTerm

SHIPPED_SOURCE = "NCI CTCAE v5.0 (27 Nov 2017), transcribed subset shipped with the app (safety/data)"
FIELDS = (
    "term",
    "soc",
    "allowed_grades",
    "grade_descriptions",
    "definition",
    "is_other_specify",
    "meddra_code",
    "source",
    "version",
)


def _values(term: ctcae.CtcaeTerm, source: str, version: str) -> dict:
    return {
        "term": term.term,
        "soc": term.soc,
        "allowed_grades": list(term.allowed_grades),
        "grade_descriptions": {str(g): text for g, text in term.descriptions.items()},
        "definition": term.definition,
        "is_other_specify": term.is_other_specify,
        "meddra_code": term.meddra_code,
        "source": source[:300],
        "version": version,
    }


@transaction.atomic
def store_terms(terms: Sequence[ctcae.CtcaeTerm], *, source: str, version: str = "5.0", model=None) -> tuple[int, int]:
    """Insert new terms and update known ones (by code), in one transaction; returns (created, updated).

    ``model`` is the CtcaeTerm model (a migration passes its historical model)."""
    model = CtcaeTerm if model is None else model
    existing = {t.code: t for t in model.objects.filter(code__in=[t.code for t in terms])}
    new, changed = [], []
    for term in terms:
        values = _values(term, source, version)
        row = existing.get(term.code)
        if row is None:
            new.append(model(code=term.code, **values))
            continue
        if any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            changed.append(row)
    model.objects.bulk_create(new)
    model.objects.bulk_update(changed, FIELDS)
    return len(new), len(changed)


def load_shipped(model=None) -> tuple[int, int]:
    return store_terms(ctcae.load_shipped_terms(), source=SHIPPED_SOURCE, model=model)
