"""Dose grid: one invalid row (a held dose without a reason, a deviation above 10 % without one) saves no row at
all, and the message is shown next to that row's field."""

import datetime

import pytest

from cycles.models import Administration
from integrity.audit import event_model_for
from tests.factories.cycles import post_dose_grid, start_cycle

pytestmark = pytest.mark.django_db
D = datetime.timedelta


@pytest.mark.parametrize(
    ("dxm", "field", "words"),
    [
        ({"status": "held"}, "reason", "Give the reason the dose was held or omitted."),
        ({"status": "given", "actual_dose_mg": "25"}, "reason", "deviates +37.4 % from planned"),
        ({"given_on": "X"}, "status", "Choose what happened to this dose."),
    ],
    ids=["held-without-reason", "deviation-without-reason", "touched-without-status"],
)
def test_one_invalid_row_saves_nothing_and_shows_error_on_its_row(
    coordinator_client, coordinator, participant, today, dxm, field, words
):
    cycle = start_cycle(participant, day1_on=today - D(days=10), user=coordinator)
    day1 = (today - D(days=10)).isoformat()
    events = event_model_for(Administration).objects
    before = events.count()

    response = post_dose_grid(coordinator_client, cycle, 1, {
        "VDS": {"status": "given", "given_on": day1, "actual_dose_mg": "5"},
        "DXM": {"given_on": day1, **dxm},
    })

    assert response.status_code == 400
    forms = {f.instance.drug_code: f for f in response.context["grid"].forms}
    assert forms["VDS"].errors == {}
    assert words in " ".join(forms["DXM"].errors[field])
    html = response.content.decode()
    assert f'data-testid="error-DXM-{field}"' in html
    assert "Nothing was saved" in html
    assert list(Administration.objects.filter(cycle=cycle, cycle_day=1).values_list("status", flat=True)) == [
        "planned", "planned"
    ]
    assert events.count() == before
