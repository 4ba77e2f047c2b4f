"""Pure cross-field checks of the safety forms (adverse event, concomitant medication, chemistry, ICE items).

Plain values in, {field name: message} out (in the request's language); the forms put each message next
to its field. The codes compared here are the stored codes of safety.models (Outcome, ActionTaken).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext

from blinatrial.dates import shown_date

FATAL = "FATAL"  # safety.models.Outcome.FATAL
ONGOING_OUTCOMES = ("RECOVERING", "NOT_RECOVERED", "UNKNOWN")  # outcomes an ongoing event can have
INTERRUPTED = "INTERRUPTED"  # safety.models.ActionTaken.INTERRUPTED


@dataclass(frozen=True)
class AeEntry:
    term: str  # the term's name, for messages
    allowed_grades: Sequence[int]
    is_other_specify: bool
    verbatim_term: str
    onset: date | None
    resolution: date | None
    ongoing: bool
    grade: int | None
    outcome: str
    serious: bool
    criteria: Sequence[str]  # the seriousness criteria ticked (field names)
    aware_at: datetime | None
    initial_report_at: datetime | None
    blinatumomab_action: str
    segment_linked: bool
    unreported_cytopenia: bool = False  # the term is an expected cytopenia the protocol does not report as an AE


def ae_problems(e: AeEntry) -> dict[str, str]:
    """Field -> message for an adverse event that cannot be saved as entered."""
    problems: dict[str, str] = {}
    if e.unreported_cytopenia:
        problems["term"] = gettext(
            "%(term)s is an expected cytopenia: this protocol does not report it as an adverse event "
            "(its grade is shown with the blood counts)."
        ) % {"term": e.term}
    if e.is_other_specify and not e.verbatim_term.strip():
        problems["verbatim_term"] = gettext('Describe the event in words for an "Other, specify" term.')
    if e.grade is not None and int(e.grade) not in {int(g) for g in e.allowed_grades}:
        allowed = ", ".join(str(g) for g in sorted(int(g) for g in e.allowed_grades)) or gettext("none")
        problems["worst_grade"] = gettext(
            "Grade %(grade)s is not allowed for %(term)s (allowed grades: %(allowed)s)."
        ) % {
            "grade": e.grade,
            "term": e.term,
            "allowed": allowed,
        }
    problems.update(_dates(e))
    problems.update(_fatal(e))
    problems.update(_seriousness(e))
    if e.segment_linked and e.blinatumomab_action != INTERRUPTED:
        problems["blinatumomab_segment"] = gettext("Link an infusion segment only when blinatumomab was interrupted.")
    return problems


def _dates(e: AeEntry) -> dict[str, str]:
    problems: dict[str, str] = {}
    if e.resolution is not None and e.onset is not None and e.resolution < e.onset:
        problems["resolution_date"] = gettext(
            "The resolution date (%(resolution)s) is before the onset date (%(onset)s)."
        ) % {"resolution": shown_date(e.resolution), "onset": shown_date(e.onset)}
    if e.ongoing and e.resolution is not None:
        problems["ongoing"] = gettext(
            "An event with a resolution date is not ongoing: untick ongoing or clear the date."
        )
    elif not e.ongoing and e.resolution is None:
        problems["resolution_date"] = gettext("Enter the resolution date, or tick ongoing.")
    if e.ongoing and e.outcome and e.outcome not in ONGOING_OUTCOMES:
        problems["outcome"] = gettext("An ongoing event is recovering, not recovered or of unknown outcome.")
    if e.aware_at is not None and e.onset is not None and e.aware_at.date() < e.onset:
        problems["aware_at"] = gettext("The site cannot have become aware of the event before its onset.")
    if e.initial_report_at is not None and e.aware_at is not None and e.initial_report_at < e.aware_at:
        problems["sae_initial_report_at"] = gettext("The initial report cannot be sent before the site became aware.")
    return problems


def _fatal(e: AeEntry) -> dict[str, str]:
    problems: dict[str, str] = {}
    if e.grade == 5 and e.outcome and e.outcome != FATAL:
        problems["outcome"] = gettext("A grade 5 event is fatal: set the outcome to fatal.")
    if e.outcome == FATAL and e.grade is not None and e.grade != 5:
        problems["worst_grade"] = gettext("A fatal event is grade 5.")
    if e.outcome == FATAL and e.ongoing:
        problems["ongoing"] = gettext("A fatal event is not ongoing: enter the date of death as the resolution date.")
    if "sae_death" in e.criteria and e.outcome != FATAL:
        problems["sae_death"] = gettext("'Results in death' is ticked but the outcome is not fatal.")
    return problems


def _seriousness(e: AeEntry) -> dict[str, str]:
    problems: dict[str, str] = {}
    if e.serious and not e.criteria:
        problems["serious"] = gettext(
            "A serious adverse event needs at least one seriousness criterion: tick it below."
        )
    if not e.serious and e.criteria:
        problems["serious"] = gettext("A seriousness criterion is ticked: tick serious too, or untick the criterion.")
    if e.serious and e.aware_at is None:
        problems["aware_at"] = gettext("Enter when the site became aware: the 24-hour reporting clock starts there.")
    if not e.serious and e.initial_report_at is not None:
        problems["sae_initial_report_at"] = gettext("Only a serious adverse event has an SAE report.")
    if e.grade == 5 and not e.serious:
        problems["serious"] = gettext("A fatal (grade 5) event is serious ('Results in death').")
    return problems


def ice_entry_problem(items: Mapping[str, int | None], unable: bool) -> str | None:
    """All ten ICE items, or none (not done, or unable because unarousable); none when unable."""
    entered = [v for v in items.values() if v is not None]
    if unable and entered:
        return gettext("The ICE test could not be performed (unarousable): leave the ten items empty.")
    if entered and len(entered) != len(items):
        return gettext("Enter all ten ICE items (0 or 1 each), or none when the test was not done.")
    return None


@dataclass(frozen=True)
class MedicationEntry:
    start: date | None
    stop: date | None
    ongoing: bool
    indication: str
    treats_an_ae: bool
    dose: float | None
    dose_unit: str


def medication_problems(m: MedicationEntry) -> dict[str, str]:
    """Field -> message for a concomitant medication that cannot be saved as entered."""
    problems: dict[str, str] = {}
    if m.start is not None and m.stop is not None and m.stop < m.start:
        problems["stop_date"] = gettext("The stop date (%(stop)s) is before the start date (%(start)s).") % {
            "stop": shown_date(m.stop),
            "start": shown_date(m.start),
        }
    if m.ongoing and m.stop is not None:
        problems["ongoing"] = gettext("A medication with a stop date is not ongoing: untick ongoing or clear the date.")
    elif not m.ongoing and m.stop is None:
        problems["stop_date"] = gettext("Enter the stop date, or tick ongoing.")
    if not m.indication.strip() and not m.treats_an_ae:
        problems["indication"] = gettext("Give the indication, or choose the adverse event it treats.")
    if m.dose is not None and not m.dose_unit:
        problems["dose_unit"] = gettext("Choose the unit of the dose.")
    if m.dose is None and m.dose_unit:
        problems["dose"] = gettext("Enter the dose, or clear its unit.")
    return problems


def within_event_problem(on: date, onset: date, resolution: date | None, what: str) -> str | None:
    """An assessment of an event is dated from its onset to its resolution (inclusive)."""
    if on < onset:
        return gettext("The %(what)s (%(on)s) is before the event's onset (%(onset)s).") % {
            "what": what,
            "on": shown_date(on),
            "onset": shown_date(onset),
        }
    if resolution is not None and on > resolution:
        return gettext("The %(what)s (%(on)s) is after the event resolved (%(resolution)s).") % {
            "what": what,
            "on": shown_date(on),
            "resolution": shown_date(resolution),
        }
    return None
