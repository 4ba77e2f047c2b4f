"""Every page in Simplified Chinese: the same walk as the words sweep (tests/foundation/
test_no_internal_codes_on_pages.py), from each role's home page through the demo trial, with the users' profiles
set to zh-Hans. A page fails on any Latin-letter word that is not data, a code or abbreviation of the trade, a unit
or a name (tests/i18n.py): an interface string never marked for translation fails here as surely as one marked but
left untranslated in the catalogue. Every URL pattern must be reached, as in the English sweep.
"""

import pytest
from django.urls import reverse

from tests.foundation.test_no_internal_codes_on_pages import NOT_PAGE_PREFIXES, NOT_PAGES, ROLES, demo_trial, walk
from tests.i18n import chinese_client, data_strings, english_left

pytestmark = pytest.mark.django_db

__all__ = ["demo_trial"]  # the fixture, shared with the English sweep


def test_every_page_is_in_chinese(demo_trial):
    users, extra = demo_trial
    data = data_strings()
    hits, reached = {}, set()
    for role in ROLES:
        client = chinese_client(users[role])
        role_hits, names = walk(client, [reverse("home"), *extra], check=lambda page: english_left(page, data))
        reached |= names
        hits.update({f"{role} {url}": found for url, found in role_hits.items()})
    assert not hits, f"English on {len(hits)} Chinese pages:\n" + "\n".join(
        f"{k}: {v}" for k, v in sorted(hits.items())
    )
    from tests.foundation.test_login_required_everywhere import ROUTES

    expected = {name for route, name in ROUTES if name and not route.startswith(NOT_PAGE_PREFIXES)} - set(NOT_PAGES)
    assert not sorted(expected - reached), f"pages the walk never reached: {sorted(expected - reached)}"


def test_the_check_finds_english_left_on_a_page():
    page = '<h1>受试者</h1><p title="Open queries">01-003 · CR · 12 mg/m2</p><button>保存</button><a>Save</a>'
    assert english_left(page, data=[]) == ["Open", "Save", "queries"]
    assert english_left('<p>发热 fever</p>', data=["fever"]) == []
