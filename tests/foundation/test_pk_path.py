"""blinatrial.paths.pk_path gives, for any key, the path Django's reverse() gives (the list pages' row links)."""

import pytest
from django.urls import reverse

from blinatrial.paths import pk_path

NAMES = ("enrollment:participant-detail", "enrollment:screening-detail", "assessments:cbc-add")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 7, 10, 987, 20_000, 2_147_483_647])
def test_the_path_for_a_key_is_the_one_reverse_gives(name, pk):
    assert pk_path(name)(pk) == reverse(name, args=[pk])


def test_a_key_that_is_not_a_whole_number_is_refused():
    with pytest.raises(ValueError):
        pk_path("enrollment:participant-detail")("1/../../admin")


def test_a_url_without_a_key_is_refused():
    with pytest.raises(Exception):  # noqa: B017,PT011 - NoReverseMatch: the pattern takes no argument
        pk_path("enrollment:participant-list")
