"""The only place where the ORM meets the endpoint calculations: database rows -> plain data."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from endpoints.calculations import ParticipantData


@dataclass
class Cohort:
    participants: list[ParticipantData]
    site_of: dict[str, str]  # participant_id -> site code
    consort: dict = field(default_factory=dict)
    consort_by_site: dict[str, dict] = field(default_factory=dict)

    def by_site(self) -> dict[str, list[ParticipantData]]:
        groups: dict[str, list[ParticipantData]] = defaultdict(list)
        for p in self.participants:
            groups[self.site_of[p.participant_id]].append(p)
        return dict(groups)


def load_cohort(cutoff: date) -> Cohort:
    """Every live participant as ParticipantData, in a bounded number of queries."""
    from enrollment.models import Participant

    rows = list(Participant.objects.live().values_list("pk", "participant_id", "site__code").order_by("participant_id"))
    participants = [ParticipantData(participant_id=pid, c1d1=None) for _, pid, _ in rows]
    return Cohort(participants=participants, site_of={pid: code for _, pid, code in rows})
