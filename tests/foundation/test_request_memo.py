"""blinatrial.request_memo: a page's shared loads run once per key inside its scope, every time outside it."""

from blinatrial.request_memo import memoized, shared_loads


def _counting_loader():
    calls = []

    def load():
        calls.append(1)
        return [len(calls)]

    return calls, load


def test_outside_a_scope_every_call_loads():
    calls, load = _counting_loader()
    memoized("k", load)
    memoized("k", load)
    assert len(calls) == 2


def test_inside_a_scope_each_key_loads_once_and_the_scope_ends_with_its_block():
    calls, load = _counting_loader()
    with shared_loads():
        first = memoized(("k", 1), load)
        assert memoized(("k", 1), load) is first
        memoized(("k", 2), load)
        assert len(calls) == 2
    memoized(("k", 1), load)
    assert len(calls) == 3


def test_a_new_scope_does_not_see_an_earlier_one():
    calls, load = _counting_loader()
    with shared_loads():
        memoized("k", load)
    with shared_loads():
        memoized("k", load)
    assert len(calls) == 2
