"""Safety statistics over plain data (issue 15 "Safety results"; DOMAIN.md 4.1-4.3, decision 1). Pure.

No Django beyond gettext_noop (labels marked for the catalogue, kept in English): the loaders turn rows
into ``AeFact`` / ``CrsIcansEvent`` and these functions return plain values. The AE table is built in two
steps so that the recompute can store one summary per participant
and aggregate the stored rows (as the efficacy side does): ``participant_ae_summary`` gives a
participant's worst grade per table row (a plain ``dict[str, int]``), and ``ae_table_from_summaries``
counts participants from those; ``ae_table(facts, n_treated)`` chains both.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from scipy.stats import beta

from blinatrial.wording import gettext_noop
from enrollment.rules import study_day

from .rules import AESI_LABELS

DRUG_LABELS: dict[str, str] = {
    "blinatumomab": gettext_noop("Blinatumomab"),
    "vindesine": gettext_noop("Vindesine"),
    "cyclophosphamide": gettext_noop("Cyclophosphamide"),
    "dexamethasone": gettext_noop("Dexamethasone"),
    "venetoclax": gettext_noop("Venetoclax"),
}
RELATIONSHIP_LABELS: dict[str, str] = {
    "not_related": gettext_noop("Not related"),
    "unlikely": gettext_noop("Unlikely"),
    "possible": gettext_noop("Possible"),
    "probable": gettext_noop("Probable"),
    "definite": gettext_noop("Definite"),
}
# The AE table's labels are stored in English with the snapshot; these markers put each of them in the catalogue
# so the dashboard shows it translated (gettext of the stored label, endpoints presenters).
AE_TABLE_LABELS = (
    gettext_noop("Participants with any treatment-emergent AE"),
    gettext_noop("Grade 3 or higher"),
    gettext_noop("Grade 5 (fatal)"),
    gettext_noop("Serious"),
    gettext_noop("Related to Blinatumomab"),
    gettext_noop("Related to Vindesine"),
    gettext_noop("Related to Cyclophosphamide"),
    gettext_noop("Related to Dexamethasone"),
    gettext_noop("Related to Venetoclax"),
    gettext_noop("Special interest: Cytokine release syndrome"),
    gettext_noop("Special interest: Neurological events / ICANS"),
    gettext_noop("Special interest: Tumour lysis syndrome"),
    gettext_noop("Special interest: Infections"),
    gettext_noop("Special interest: Hepatotoxicity"),
    gettext_noop("Special interest: Infusion reactions"),
)
RELATED = frozenset({"possible", "probable", "definite"})  # counted as related in the AE table


@dataclass(frozen=True)
class AeFact:
    participant_key: str
    term: str
    soc: str
    grade: int  # worst grade of the AE, 1-5
    serious: bool
    onset: date
    treatment_emergent: bool
    related: dict[str, str]  # drug -> relationship code (RELATIONSHIP_LABELS)
    cycle: int | None
    aesi: tuple[str, ...] = ()
    reference: str = ""  # the AE number ("AE-3"), for listings
    resolved: date | None = None


# --- Per participant -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorstGrades:
    overall: int  # 0 = no AE counted
    by_cycle: dict[int, int] = field(default_factory=dict)


def worst_grade_by_participant(
    facts: Iterable[AeFact], *, treatment_emergent_only: bool = True
) -> dict[str, WorstGrades]:
    """Worst AE grade of each participant with an AE, overall and by cycle of onset (AEs without a cycle
    count overall only). By default treatment-emergent AEs only."""
    overall: dict[str, int] = {}
    by_cycle: dict[str, dict[int, int]] = defaultdict(dict)
    for f in facts:
        if treatment_emergent_only and not f.treatment_emergent:
            continue
        overall[f.participant_key] = max(overall.get(f.participant_key, 0), f.grade)
        if f.cycle is not None:
            cycles = by_cycle[f.participant_key]
            cycles[f.cycle] = max(cycles.get(f.cycle, 0), f.grade)
    return {p: WorstGrades(overall=g, by_cycle=dict(sorted(by_cycle[p].items()))) for p, g in overall.items()}


def _soc_key(soc: str) -> str:
    return f"soc:{soc}"


def _term_key(soc: str, term: str) -> str:
    return f"term:{soc}|{term}"


def participant_ae_summary(facts: Iterable[AeFact], *, drugs: Sequence[str] = tuple(DRUG_LABELS)) -> dict[str, int]:
    """One participant's treatment-emergent AEs as {table row key: worst grade} ("any", "serious",
    "related:<drug>", "aesi:<group>", "soc:<SOC>", "term:<SOC>|<term>"). JSON-storable."""
    worst: dict[str, int] = {}

    def bump(key: str, grade: int) -> None:
        worst[key] = max(worst.get(key, 0), grade)

    for f in facts:
        if not f.treatment_emergent:
            continue
        bump("any", f.grade)
        if f.serious:
            bump("serious", f.grade)
        for drug in drugs:
            if f.related.get(drug) in RELATED:
                bump(f"related:{drug}", f.grade)
        for group in f.aesi:
            bump(f"aesi:{group}", f.grade)
        bump(_soc_key(f.soc), f.grade)
        bump(_term_key(f.soc, f.term), f.grade)
    return worst


# --- The AE table (n and %) -----------------------------------------------------------------------


@dataclass(frozen=True)
class AeTableRow:
    kind: str  # "summary", "soc" or "term"
    key: str
    label: str
    soc: str | None
    term: str | None
    n: int  # participants, each counted once
    pct: float | None  # of n_treated; None when nobody was treated
    n_grade3plus: int  # participants whose worst grade in this row is >= 3
    pct_grade3plus: float | None
    by_worst_grade: dict[int, int]  # grade -> participants counted at that worst grade
    participants: tuple[str, ...]  # drill-down


def _pct(n: int, total: int) -> float | None:
    return 100.0 * n / total if total else None


def _table_row(kind: str, key: str, label: str, grades: Mapping[str, int], n_treated: int, **where) -> AeTableRow:
    n3 = sum(1 for g in grades.values() if g >= 3)
    return AeTableRow(
        kind=kind,
        key=key,
        label=label,
        soc=where.get("soc"),
        term=where.get("term"),
        n=len(grades),
        pct=_pct(len(grades), n_treated),
        n_grade3plus=n3,
        pct_grade3plus=_pct(n3, n_treated),
        by_worst_grade=dict(sorted(Counter(grades.values()).items())),
        participants=tuple(sorted(grades)),
    )


def ae_table_from_summaries(
    summaries: Mapping[str, Mapping[str, int]],
    n_treated: int,
    *,
    drugs: Sequence[str] = tuple(DRUG_LABELS),
    aesi_groups: Sequence[str] = tuple(AESI_LABELS),
) -> list[AeTableRow]:
    """The clinical-study-report AE table from per-participant summaries (``participant_ae_summary``).

    Summary rows first (any TEAE, grade >= 3, grade 5, serious, related to each drug, each AE of special
    interest), then each SOC followed by its terms, SOCs and terms by descending participant count then
    name. A participant counts once per row, at their worst grade in that row.
    """
    by_key: dict[str, dict[str, int]] = defaultdict(dict)
    for participant, row_grades in summaries.items():
        for key, grade in row_grades.items():
            by_key[key][participant] = grade
    anyae = by_key.get("any", {})
    rows = [
        _table_row("summary", "any", "Participants with any treatment-emergent AE", anyae, n_treated),
        _table_row("summary", "grade3plus", "Grade 3 or higher", {p: g for p, g in anyae.items() if g >= 3}, n_treated),
        _table_row("summary", "grade5", "Grade 5 (fatal)", {p: g for p, g in anyae.items() if g == 5}, n_treated),
        _table_row("summary", "serious", "Serious", by_key.get("serious", {}), n_treated),
    ]
    for drug in drugs:
        label = f"Related to {DRUG_LABELS.get(drug, drug)}"
        rows.append(_table_row("summary", f"related:{drug}", label, by_key.get(f"related:{drug}", {}), n_treated))
    for group in aesi_groups:
        label = f"Special interest: {AESI_LABELS.get(group, group)}"
        rows.append(_table_row("summary", f"aesi:{group}", label, by_key.get(f"aesi:{group}", {}), n_treated))

    def most_first(keys: Iterable[str]) -> list[str]:
        return sorted(keys, key=lambda k: (-len(by_key[k]), k))

    soc_keys = most_first(k for k in by_key if k.startswith("soc:"))
    for soc_key in soc_keys:
        soc = soc_key.removeprefix("soc:")
        rows.append(_table_row("soc", soc_key, soc, by_key[soc_key], n_treated, soc=soc))
        prefix = _term_key(soc, "")
        for term_key in most_first(k for k in by_key if k.startswith(prefix)):
            term = term_key.removeprefix(prefix)
            rows.append(_table_row("term", term_key, term, by_key[term_key], n_treated, soc=soc, term=term))
    return rows


def ae_table(facts: Iterable[AeFact], n_treated: int, *, drugs: Sequence[str] = tuple(DRUG_LABELS)) -> list[AeTableRow]:
    """The AE table (see ``ae_table_from_summaries``) straight from AE facts."""
    per_participant: dict[str, list[AeFact]] = defaultdict(list)
    for f in facts:
        per_participant[f.participant_key].append(f)
    summaries = {p: participant_ae_summary(fs, drugs=drugs) for p, fs in per_participant.items()}
    return ae_table_from_summaries({p: s for p, s in summaries.items() if s}, n_treated, drugs=drugs)


# --- CRS and ICANS -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CrsIcansEvent:
    participant_key: str
    kind: str  # "crs" or "icans"
    grade: int  # ASTCT grade of the event (worst of its assessments)
    onset: date
    resolved: date | None  # None: ongoing
    cycle: int | None


@dataclass(frozen=True)
class CrsIcansEventRow:
    participant_key: str
    cycle: int | None
    grade: int
    onset: date
    onset_day: int | None  # day of the cycle's blinatumomab infusion, infusion start = day 1 (no day 0)
    duration_days: int | None  # resolved - onset + 1; None while ongoing


@dataclass(frozen=True)
class CrsIcansSummary:
    kind: str
    n: int  # participants with at least one event
    pct: float | None
    n_grade3plus: int
    pct_grade3plus: float | None
    worst_grade_counts: dict[int, int]  # participants counted at their worst grade
    median_onset_day: float | None
    median_duration_days: float | None
    events: tuple[CrsIcansEventRow, ...]
    participants: tuple[str, ...]


def crs_icans_summary(
    events: Iterable[CrsIcansEvent],
    kind: str,
    *,
    infusion_starts: Mapping[tuple[str, int], date],
    n_treated: int,
) -> CrsIcansSummary:
    """Incidence, worst grade, onset day and duration of CRS or ICANS (``kind``).

    ``infusion_starts[(participant, cycle)]`` is the start of that cycle's blinatumomab infusion; the
    onset day counts it as day 1, as study days do (DOMAIN decision 1). Durations are resolved - onset
    + 1 days; ongoing events have no duration and stay out of the median.
    """
    rows = []
    worst: dict[str, int] = {}
    for e in sorted((e for e in events if e.kind == kind), key=lambda e: (e.participant_key, e.onset)):
        start = infusion_starts.get((e.participant_key, e.cycle)) if e.cycle is not None else None
        rows.append(
            CrsIcansEventRow(
                participant_key=e.participant_key,
                cycle=e.cycle,
                grade=e.grade,
                onset=e.onset,
                onset_day=study_day(e.onset, start),
                duration_days=(e.resolved - e.onset).days + 1 if e.resolved is not None else None,
            )
        )
        worst[e.participant_key] = max(worst.get(e.participant_key, 0), e.grade)
    onset_days = [r.onset_day for r in rows if r.onset_day is not None]
    durations = [r.duration_days for r in rows if r.duration_days is not None]
    n3 = sum(1 for g in worst.values() if g >= 3)
    return CrsIcansSummary(
        kind=kind,
        n=len(worst),
        pct=_pct(len(worst), n_treated),
        n_grade3plus=n3,
        pct_grade3plus=_pct(n3, n_treated),
        worst_grade_counts=dict(sorted(Counter(worst.values()).items())),
        median_onset_day=float(statistics.median(onset_days)) if onset_days else None,
        median_duration_days=float(statistics.median(durations)) if durations else None,
        events=tuple(rows),
        participants=tuple(sorted(worst)),
    )


# --- Deaths --------------------------------------------------------------------------------------


def deaths_within(
    days: int, death_dates: Mapping[str, date | None], c1d1s: Mapping[str, date | None]
) -> tuple[str, ...]:
    """Participants who died on study day 1..``days`` (C1D1 = day 1, DOMAIN decision 1): death on or before
    C1D1 + (days - 1). Participants without C1D1 (never treated) or without a death are left out."""
    found = []
    for participant, died in death_dates.items():
        c1d1 = c1d1s.get(participant)
        if died is None or c1d1 is None:
            continue
        day = study_day(died, c1d1)
        if day is not None and 1 <= day <= days:
            found.append(participant)
    return tuple(sorted(found))


# --- Safety monitoring boundary ------------------------------------------------------------------


@dataclass(frozen=True)
class BoundarySettings:
    """Safety stopping boundary (issue 15, a protocol setting): stop if P(rate > threshold | data) > cutoff
    under a Beta(prior_a, prior_b) prior; the events are participants with a grade >= min_grade event
    of one of ``terms`` (treatment-emergent)."""

    threshold: float = 0.20
    cutoff: float = 0.9
    prior_a: float = 1.0
    prior_b: float = 1.0
    min_grade: int = 3
    terms: frozenset[str] = frozenset(
        {"Cytokine release syndrome", "Immune effector cell-associated neurotoxicity syndrome"}
    )


@dataclass(frozen=True)
class BoundaryResult:
    events: int
    n: int
    probability: float
    crossed: bool
    participants: tuple[str, ...]
    settings: BoundarySettings


def posterior_prob_rate_exceeds(events: int, n: int, threshold: float = 0.20, a: float = 1.0, b: float = 1.0) -> float:
    """P(p > threshold | events of n) under a Beta(a, b) prior: the Beta(a + events, b + n - events) survival."""
    if not 0 <= events <= n:
        raise ValueError(f"Events must be between 0 and n ({n}), got {events}.")
    if a <= 0 or b <= 0:
        raise ValueError("The Beta prior parameters must be positive.")
    if not 0 <= threshold <= 1:
        raise ValueError("The threshold is a proportion between 0 and 1.")
    return float(beta.sf(threshold, a + events, b + n - events))


def boundary_crossed(prob: float, cutoff: float = 0.9) -> bool:
    """The boundary is crossed when the posterior probability is above the cutoff (strictly)."""
    return prob > cutoff


def boundary_participants(facts: Iterable[AeFact], settings: BoundarySettings = BoundarySettings()) -> tuple[str, ...]:
    """The participants counted as events by the boundary: a treatment-emergent AE of one of its terms at
    grade >= min_grade."""
    wanted = {t.casefold() for t in settings.terms}
    found = {
        f.participant_key
        for f in facts
        if f.treatment_emergent and f.grade >= settings.min_grade and f.term.casefold() in wanted
    }
    return tuple(sorted(found))


def safety_boundary(
    facts: Iterable[AeFact], n_treated: int, settings: BoundarySettings = BoundarySettings()
) -> BoundaryResult:
    """The monitoring boundary's current value and the participants behind it."""
    participants = boundary_participants(facts, settings)
    prob = posterior_prob_rate_exceeds(
        len(participants), n_treated, settings.threshold, settings.prior_a, settings.prior_b
    )
    return BoundaryResult(
        events=len(participants),
        n=n_treated,
        probability=prob,
        crossed=boundary_crossed(prob, settings.cutoff),
        participants=participants,
        settings=settings,
    )


# --- Stored per participant, aggregated per cut-off (the endpoint recompute) -----------------------------

DEATH_WINDOWS_DAYS = (30, 60)  # deaths within 30 and 60 days of C1D1 (issue 15)


@dataclass(frozen=True)
class ParticipantSafetyFacts:
    """One participant's safety records as plain facts, for the endpoint recompute. ``events``: the CRS and
    ICANS adverse events; ``infusion_starts``: cycle number -> start of that cycle's blinatumomab infusion."""

    aes: tuple[AeFact, ...] = ()
    events: tuple[CrsIcansEvent, ...] = ()
    infusion_starts: dict[int, date] = field(default_factory=dict)


def _event_rows(events: Sequence[CrsIcansEvent], kind: str, infusion_starts: Mapping[int, date]) -> list[dict]:
    key = events[0].participant_key if events else ""
    starts = {(key, cycle): on for cycle, on in infusion_starts.items()}
    summary = crs_icans_summary(events, kind, infusion_starts=starts, n_treated=1)
    return [{"grade": r.grade, "onset_day": r.onset_day, "duration_days": r.duration_days} for r in summary.events]


def participant_safety_block(
    facts: ParticipantSafetyFacts | None,
    *,
    c1d1: date,
    death_date: date | None,
    cutoff: date,
    settings: BoundarySettings = BoundarySettings(),
) -> dict:
    """What the trial's safety results need from one treated participant at ``cutoff``, JSON-storable: the AE
    table row grades (``participant_ae_summary``), the serious TEAEs, whether they count for the safety
    boundary, their CRS and ICANS events (grade, onset day, duration) and the study day of death.

    Records dated after the cut-off are ignored; an event resolved after it is ongoing at it.
    """
    facts = facts or ParticipantSafetyFacts()
    aes = [f for f in facts.aes if f.onset <= cutoff]
    events = [
        CrsIcansEvent(
            e.participant_key,
            e.kind,
            e.grade,
            e.onset,
            e.resolved if e.resolved and e.resolved <= cutoff else None,
            e.cycle,
        )
        for e in facts.events
        if e.onset <= cutoff
    ]
    return {
        "ae": participant_ae_summary(aes),
        "serious_events": sum(1 for f in aes if f.serious and f.treatment_emergent),
        "boundary_event": bool(boundary_participants(aes, settings)),
        "crs": _event_rows(events, "crs", facts.infusion_starts),
        "icans": _event_rows(events, "icans", facts.infusion_starts),
        "death_day": study_day(death_date, c1d1) if death_date is not None and death_date <= cutoff else None,
    }


# Drill-down group keys (endpoints: ParticipantResult.groups, the dashboard's links, endpoints.labels): every
# participant count of the safety panel is the number of treated participants holding its key.
SAFETY_GROUP_PREFIX = "safety."
AE_GROUP_COLUMNS = ("any", "g3")  # the AE table's columns: any grade, grade >= 3 (worst grade in the row)


def ae_group_key(row_key: str, column: str = "any") -> str:
    """'safety.ae.<any|g3>.<AE table row key>', e.g. 'safety.ae.g3.related:blinatumomab'."""
    return f"{SAFETY_GROUP_PREFIX}ae.{column}.{row_key}"


def crs_icans_group_key(kind: str, column: str = "any") -> str:
    """'safety.<crs|icans>.<any|g3>'."""
    return f"{SAFETY_GROUP_PREFIX}{kind}.{column}"


def death_group_key(days: int) -> str:
    """'safety.death.<days>': died on study day 1..days."""
    return f"{SAFETY_GROUP_PREFIX}death.{days}"


SAE_GROUP_KEY = f"{SAFETY_GROUP_PREFIX}sae"  # at least one serious treatment-emergent AE
BOUNDARY_GROUP_KEY = f"{SAFETY_GROUP_PREFIX}boundary"  # counted as an event by the safety boundary


def safety_group_keys(block: Mapping) -> list[str]:
    """The drill-down keys of one treated participant's safety block (``participant_safety_block``): the
    participant counts in ``safety_results`` are the numbers of participants holding each key, by the same
    rules (a row's worst grade for the AE table, the worst event grade for CRS and ICANS)."""
    rows = dict(block["ae"])
    worst = rows.get("any", 0)
    if worst >= 3:
        rows["grade3plus"] = worst
    if worst == 5:
        rows["grade5"] = worst
    keys = []
    for row_key in sorted(rows):
        keys.append(ae_group_key(row_key, "any"))
        if rows[row_key] >= 3:
            keys.append(ae_group_key(row_key, "g3"))
    for kind in ("crs", "icans"):
        if block[kind]:
            keys.append(crs_icans_group_key(kind, "any"))
            if max(e["grade"] for e in block[kind]) >= 3:
                keys.append(crs_icans_group_key(kind, "g3"))
    day = block["death_day"]
    keys += [death_group_key(days) for days in DEATH_WINDOWS_DAYS if day is not None and 1 <= day <= days]
    if block["serious_events"]:
        keys.append(SAE_GROUP_KEY)
    if block["boundary_event"]:
        keys.append(BOUNDARY_GROUP_KEY)
    return keys


def _median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _crs_icans_from_blocks(blocks: Mapping[str, Mapping], kind: str, n_treated: int) -> dict:
    worst = {p: max(e["grade"] for e in b[kind]) for p, b in blocks.items() if b[kind]}
    rows = [e for b in blocks.values() for e in b[kind]]
    n3 = sum(1 for g in worst.values() if g >= 3)
    return {
        "kind": kind,
        "n": len(worst),
        "pct": _pct(len(worst), n_treated),
        "n_grade3plus": n3,
        "pct_grade3plus": _pct(n3, n_treated),
        "worst_grade_counts": {str(g): n for g, n in sorted(Counter(worst.values()).items())},
        "n_events": len(rows),
        "median_onset_day": _median([e["onset_day"] for e in rows if e["onset_day"] is not None]),
        "median_duration_days": _median([e["duration_days"] for e in rows if e["duration_days"] is not None]),
    }


def _ae_row_dict(row: AeTableRow) -> dict:
    return {
        "kind": row.kind,
        "key": row.key,
        "label": row.label,
        "soc": row.soc,
        "term": row.term,
        "n": row.n,
        "pct": row.pct,
        "n_grade3plus": row.n_grade3plus,
        "pct_grade3plus": row.pct_grade3plus,
        "by_worst_grade": {str(g): n for g, n in row.by_worst_grade.items()},
    }


def boundary_definition_text(settings: BoundarySettings = BoundarySettings()) -> str:
    terms = " or ".join(sorted(settings.terms))
    return (
        f"Participants with a treatment-emergent grade {settings.min_grade} or higher {terms}; the boundary is "
        f"crossed when the posterior probability that the true rate exceeds {settings.threshold:.0%} is above "
        f"{settings.cutoff:.0%} (Beta({settings.prior_a:g}, {settings.prior_b:g}) prior)."
    )


def safety_results(
    blocks: Mapping[str, Mapping], n_treated: int, settings: BoundarySettings = BoundarySettings()
) -> dict:
    """The trial's (or a site's) safety results from the stored per-participant blocks
    (``participant_safety_block``, participant id -> block of each treated participant): the AE table, CRS and
    ICANS, deaths within 30 and 60 days of C1D1, serious AEs and the safety boundary. JSON-storable; the same
    function serves a full and an incremental recompute. Only the deaths and the boundary list their participants
    (few by nature); the other counts stay counts, so the stored result does not grow with the trial (the participants
    behind each count are its drill-down group, ``safety_group_keys``, in each participant's stored row)."""
    table = ae_table_from_summaries({p: b["ae"] for p, b in blocks.items() if b["ae"]}, n_treated)
    deaths = {}
    for days in DEATH_WINDOWS_DAYS:
        ids = sorted(p for p, b in blocks.items() if b["death_day"] is not None and 1 <= b["death_day"] <= days)
        deaths[str(days)] = {"days": days, "n": len(ids), "pct": _pct(len(ids), n_treated), "participants": ids}
    serious = sorted(p for p, b in blocks.items() if b["serious_events"])
    boundary_ids = sorted(p for p, b in blocks.items() if b["boundary_event"])
    prob = posterior_prob_rate_exceeds(
        len(boundary_ids), n_treated, settings.threshold, settings.prior_a, settings.prior_b
    )
    return {
        "n_treated": n_treated,
        "ae_table": [_ae_row_dict(row) for row in table],
        "crs": _crs_icans_from_blocks(blocks, "crs", n_treated),
        "icans": _crs_icans_from_blocks(blocks, "icans", n_treated),
        "deaths": deaths,
        "serious": {
            "n_events": sum(b["serious_events"] for b in blocks.values()),
            "n_participants": len(serious),
            "pct": _pct(len(serious), n_treated),
        },
        "boundary": {
            "events": len(boundary_ids),
            "n": n_treated,
            "probability": prob,
            "crossed": boundary_crossed(prob, settings.cutoff),
            "threshold": settings.threshold,
            "cutoff": settings.cutoff,
            "participants": boundary_ids,
            "definition_text": boundary_definition_text(settings),
        },
    }
