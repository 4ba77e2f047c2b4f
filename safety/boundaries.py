"""Boundary comparisons for clinical thresholds (pure).

Limits such as 1.5 x ULN or baseline x 0.75 are products of decimal numbers that binary floats cannot
hold exactly (2.4 x 0.75 = 1.7999999999999998). A value typed as 1.8 must still hit the 1.8 boundary,
so every threshold in the safety rules is compared with a relative tolerance of 1e-9, far below any
laboratory's reporting precision.
"""

REL_TOL = 1e-9


def _tol(limit: float) -> float:
    return REL_TOL * max(1.0, abs(limit))


def at_least(value: float, limit: float) -> bool:
    """value >= limit (boundary included)."""
    return value >= limit - _tol(limit)


def at_most(value: float, limit: float) -> bool:
    """value <= limit (boundary included)."""
    return value <= limit + _tol(limit)


def above(value: float, limit: float) -> bool:
    """value > limit (boundary excluded)."""
    return value > limit + _tol(limit)


def below(value: float, limit: float) -> bool:
    """value < limit (boundary excluded)."""
    return value < limit - _tol(limit)
