"""Several plot requests at once (the development server draws on demand in request threads) all get
valid SVGs: matplotlib's global state is drawn under one lock per process."""

import threading

from endpoints import calculations, presenters
from tests.factories.endpoints import HAND_CUTOFF, hand_cohort


def test_four_threads_drawing_at_once_all_get_valid_svgs_when_racing():
    results = calculations.compute_all(hand_cohort(["01-001", "01-002", "01-003"], ["02-001"]).participants,
                                       HAND_CUTOFF)
    barrier, outcomes = threading.Barrier(4), []

    def draw() -> None:
        barrier.wait()
        try:
            for _ in range(3):
                svgs = presenters.render_plots(results, results["participants"])
                outcomes.append(all(svg.startswith("<svg") for svg in svgs.values()) and len(svgs) == 4)
        except Exception as exc:  # noqa: BLE001 - the failure is the finding
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert outcomes == [True] * 12, outcomes
