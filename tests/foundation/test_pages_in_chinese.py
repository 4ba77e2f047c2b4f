"""Every page in Simplified Chinese: the same walk as the words sweep (tests/foundation/
test_no_internal_codes_on_pages.py), from each role's home page through the demo trial, with the users' profiles
set to zh-Hans. A page fails on any Latin-letter word that is not data, a code or abbreviation of the trade, a unit
or a name (tests/i18n.py): an interface string never marked for translation fails here as surely as one marked but
left untranslated in the catalogue. Every URL pattern must be reached, as in the English sweep.
"""

from collections import defaultdict
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse

from tests.foundation.test_no_internal_codes_on_pages import NOT_PAGE_PREFIXES, NOT_PAGES, ROLES, demo_trial, walk
from tests.i18n import chinese_client, data_strings, english_left

pytestmark = pytest.mark.django_db

__all__ = ["demo_trial"]  # the fixture, shared with the English sweep


def test_every_page_is_in_chinese(demo_trial):
    users, extra = demo_trial
    data = data_strings()
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    reached = set()
    for role in ROLES:
        client = chinese_client(users[role])
        role_hits, names = walk(client, [reverse("home"), *extra], check=lambda page: english_left(page, data))
        reached |= names
        for url, words in role_hits.items():
            name = resolve(urlsplit(url).path).view_name
            for word in words:
                found[(name, word)].add(f"{role} {url}")
    assert not found, f"English on Chinese pages ({len(found)}):\n" + "\n".join(
        f"{name}\t{word}\t{sorted(found[(name, word)])[:2]}" for name, word in sorted(found)
    )
    from tests.foundation.test_login_required_everywhere import ROUTES

    expected = {name for route, name in ROUTES if name and not route.startswith(NOT_PAGE_PREFIXES)} - set(NOT_PAGES)
    assert not sorted(expected - reached), f"pages the walk never reached: {sorted(expected - reached)}"


def test_the_check_finds_english_left_on_a_page():
    page = '<h1>受试者</h1><p title="Open queries">01-003 · CR · 12 mg/m2</p><button>保存</button><a>Save</a>'
    assert english_left(page, data=[]) == ["Open", "Save", "queries"]
    assert english_left('<p>发热 fever</p>', data=["fever"]) == []
    assert english_left("<p>— → 2026-11-01T08:00:00Z</p>", data=[]) == []  # a stored timestamp is data
