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
    # MRD classes beyond the primary endpoint (issue 20), each with the reason when NE (DOMAIN 3.3):
    # flow at the 0.01 % reporting cut-off (None = no flow result), NGS at 1e-6 and its three bands
    # (rules.ngs_mrd_band: LT_1E-6 / 1E-6_TO_LT_1E-4 / GE_1E-4, or NE); ngs_clone_trackable: the
    # sample's baseline clone flag (None = no NGS result).
    flow_class_reporting: str | None = None
    flow_reporting_ne_reason: str | None = None
    ngs_ne_reason: str | None = None
    ngs_band: str | None = None
    ngs_clone_trackable: bool | None = None

    def __post_init__(self) -> None:
        if self.response is not None and self.response not in RESPONSES:
            raise ValueError(f"unknown response {self.response!r}")
        for name in ("flow_class", "flow_class_reporting", "ngs_class"):
            value = getattr(self, name)
            if value is not None and value not in (MRD_NEG, MRD_POS, NE):
                raise ValueError(f"unknown {name.replace('_', ' ')} {value!r}")
