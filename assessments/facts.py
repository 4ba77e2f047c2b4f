"""Plain facts the assessments app makes for the layers above it (the endpoint engine, exports).

Pure dataclasses over plain values: no Django. DOMAIN.md 3.2-3.4.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from assessments.rules import MRD_NEG, MRD_POS, NE, RESPONSES


@dataclass(frozen=True)
class EocAssessment:
    """One end-of-cycle marrow as the engine needs it (DOMAIN 3.2-3.4); derived by assessments.rules.

    response: CR/CRh/CRi/NR/RELAPSE/NE or None (= not recorded); flow_class: NEG/POS/NE at the
    protocol cut-off or None (= no flow result); ne_reason / mrd_ne_reason: why response / flow is NE.
    """

    marrow_date: date | None = None
    response: str | None = None
    flow_class: str | None = None
    ne_reason: str | None = None
    mrd_ne_reason: str | None = None
    # Numeric MRD for the dashboard plot only (classes above drive every endpoint):
    # flow in % of cells, NGS as a fraction (1e-6 = one cell in a million); LODs in the same units.
    flow_value_pct: float | None = None
    flow_lod_pct: float | None = None
    ngs_value: float | None = None
    ngs_lod: float | None = None
    ngs_class: str | None = None

    def __post_init__(self) -> None:
        if self.response is not None and self.response not in RESPONSES:
            raise ValueError(f"unknown response {self.response!r}")
        if self.flow_class is not None and self.flow_class not in (MRD_NEG, MRD_POS, NE):
            raise ValueError(f"unknown flow MRD class {self.flow_class!r}")
