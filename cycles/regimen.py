"""The treatment regimen (DOMAIN.md 2): the one place that holds every dose, day, cap and window.

Defaults follow DOMAIN.md 2.1-2.5 (analogue trials and the blinatumomab label); all are protocol
settings. Changing a dose, a treatment day or a visit window is a change to this file only.

Choices made where DOMAIN.md offers options (verify against the protocol):
- Vindesine 3 mg/m2 IV on days 1, 8, 15 and 22 of cycle 1 (weekly, GMALL-type), capped at 5 mg per dose
  (DOMAIN 2.3: "cap commonly 5 mg (K)"; the vinca-alkaloid cap is a protocol setting).
- Cyclophosphamide 200 mg/m2/day IV days 3-5; dexamethasone 10 mg/m2/day PO days 1-7. DOMAIN.md names no
  cap for either, so none is applied (a protocol cap would be set in `cap_mg`, with its `cap_source`).
- Venetoclax 400 mg/day PO days 1-21 of cycle 2 (flat dose, no ramp-up in this definition).
- Blinatumomab as continuous infusion segments (not daily administrations): cycle 1 9 ug/day days 1-7
  then 28 ug/day days 8-28; cycle 2 28 ug/day days 1-28. Below 45 kg (DOMAIN 2.2, label [S17][S18]):
  5 ug/m2/day then 15 ug/m2/day, never above the fixed 9 and 28 ug/day (`blinatumomab_per_m2_below_kg`;
  None switches the per-m2 rule off).
- Cycle 2 may start from cycle 1 day 1 + 28 - 3 days; a start later than day 1 + 28 + 3 days is a
  late start and needs a delay reason.
"""

from dataclasses import dataclass, field

from cycles.text import gettext_noop

MG_PER_M2 = "mg/m2"
MG = "mg"
MCG_PER_DAY = "ug/day"


@dataclass(frozen=True)
class DrugSchedule:
    """A drug given as discrete doses on given days of a cycle (one administration record per day)."""

    code: str
    name: str
    dose: float  # in `unit`
    unit: str  # MG_PER_M2 (multiplied by BSA) or MG (flat)
    route: str  # "IV" | "PO"
    days: tuple[int, ...]
    cap_mg: float | None = None  # no single administered dose may exceed this (refused); None: no cap
    cap_source: str = ""  # where the cap comes from (shown with the plan)


@dataclass(frozen=True)
class BlinatumomabStep:
    from_day: int
    to_day: int
    rate_mcg_per_day: float  # the fixed dose (also the cap of the per-m2 dose)
    rate_mcg_per_m2_per_day: float | None = None  # below the weight threshold: per m2 BSA, capped at the fixed dose


@dataclass(frozen=True)
class VisitSpec:
    code: str
    label: str
    day: int  # target day of the cycle (day 1 = the cycle's actual day 1)
    window_before_days: int
    window_after_days: int


@dataclass(frozen=True)
class CycleRegimen:
    number: int
    name: str
    length_days: int
    drugs: tuple[DrugSchedule, ...]
    blinatumomab: tuple[BlinatumomabStep, ...]
    visits: tuple[VisitSpec, ...]

    def drug(self, code: str) -> DrugSchedule | None:
        return next((d for d in self.drugs if d.code == code), None)


@dataclass(frozen=True)
class Premedication:
    """Dexamethasone before each cycle start, step-up and restart after an interruption (DOMAIN 2.2)."""

    drug: str = "Dexamethasone"
    dose_mg: float = 20
    route: str = "IV"
    minutes_before: int = 60
    tolerance_hours: float = 2  # premedication counts if given within this many hours before the event
    restart_after_interruption_hours: float = 4  # a restart after a longer gap needs premedication


STANDARD_VISITS = (
    VisitSpec("D1", gettext_noop("Day 1"), 1, 0, 0),
    VisitSpec("D8", gettext_noop("Day 8 (step-up)"), 8, 1, 1),
    VisitSpec("D15", gettext_noop("Day 15"), 15, 2, 2),
    VisitSpec("D22", gettext_noop("Day 22"), 22, 2, 2),
    VisitSpec("EOC", gettext_noop("End-of-cycle marrow"), 28, 2, 7),  # window day 26-35 (DOMAIN 2.1)
)
CYCLE2_VISITS = (
    VisitSpec("D1", gettext_noop("Day 1"), 1, 0, 0),
    VisitSpec("D8", gettext_noop("Day 8"), 8, 1, 1),
    VisitSpec("D15", gettext_noop("Day 15"), 15, 2, 2),
    VisitSpec("D22", gettext_noop("Day 22"), 22, 2, 2),
    VisitSpec("EOC", gettext_noop("End-of-cycle marrow"), 28, 2, 7),
)

VINDESINE = DrugSchedule(
    "VDS",
    gettext_noop("Vindesine"),
    3,
    MG_PER_M2,
    "IV",
    (1, 8, 15, 22),
    cap_mg=5,
    cap_source="vinca-alkaloid cap, commonly 5 mg (DOMAIN 2.3, to verify against the protocol)",
)
CYCLOPHOSPHAMIDE = DrugSchedule("CTX", gettext_noop("Cyclophosphamide"), 200, MG_PER_M2, "IV", (3, 4, 5))
DEXAMETHASONE = DrugSchedule("DXM", gettext_noop("Dexamethasone"), 10, MG_PER_M2, "PO", tuple(range(1, 8)))
VENETOCLAX = DrugSchedule(
    "VEN",
    gettext_noop("Venetoclax"),
    400,
    MG,
    "PO",
    tuple(range(1, 22)),
    cap_mg=400,
    cap_source="target dose 400 mg/day (DOMAIN 2.4)",
)


@dataclass(frozen=True)
class Regimen:
    cycles: tuple[CycleRegimen, ...]
    premedication: Premedication = field(default_factory=Premedication)
    # Cycle n+1 may start from cycle n day 1 + length - this many days ...
    next_cycle_window_before_days: int = 3
    # ... and a start after cycle n day 1 + length + this many days is late (a delay reason is required).
    next_cycle_window_after_days: int = 3
    dose_deviation_threshold_pct: float = 10  # |actual - planned| / planned above this needs a reason
    max_interruption_days: float = 7  # a longer blinatumomab interruption starts a new cycle (DOMAIN 2.2)
    bag_change_gap_minutes: int = 60  # gaps up to this long between segments are bag changes, not interruptions
    blinatumomab_max_rate_mcg_per_day: float = 28
    # Below this weight (kg, at the cycle start) blinatumomab is dosed per m2, capped at the fixed dose
    # (DOMAIN 2.2); None: fixed dosing for everyone.
    blinatumomab_per_m2_below_kg: float | None = 45
    blinatumomab_drug_code: str = "BLINA"
    blinatumomab_drug_name: str = gettext_noop("Blinatumomab")

    def cycle(self, number: int) -> CycleRegimen | None:
        return next((c for c in self.cycles if c.number == number), None)

    @property
    def max_cycles(self) -> int:
        return max(c.number for c in self.cycles)

    def drug_names(self) -> dict[str, str]:
        names = {d.code: d.name for c in self.cycles for d in c.drugs}
        names[self.blinatumomab_drug_code] = self.blinatumomab_drug_name
        return names


REGIMEN = Regimen(
    cycles=(
        CycleRegimen(
            number=1,
            name=gettext_noop("Induction (Blina + VDS + CTX + DXM)"),
            length_days=28,
            drugs=(VINDESINE, CYCLOPHOSPHAMIDE, DEXAMETHASONE),
            blinatumomab=(BlinatumomabStep(1, 7, 9, 5), BlinatumomabStep(8, 28, 28, 15)),
            visits=STANDARD_VISITS,
        ),
        CycleRegimen(
            number=2,
            name=gettext_noop("Blina + VEN"),
            length_days=28,
            drugs=(VENETOCLAX,),
            blinatumomab=(BlinatumomabStep(1, 28, 28, 15),),
            visits=CYCLE2_VISITS,
        ),
    )
)
