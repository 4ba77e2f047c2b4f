"""The endpoint pages in Simplified Chinese (issue 21): the investigator dashboard (efficacy, MRD, responder and
safety panels), the participants behind a count and the per-participant derivation page, each rendered through
`chinese_client` for the roles that see it, with no English left (tests/i18n.py: data, codes of the trade, units
and names aside), and the same pages in English unchanged.

Only the page's <main> element is checked: the menu and footer of base.html belong to other areas, which are
translated in parallel; what base.html puts around <main> is set aside here, and only that.

The group page's status column shows enrollment.ParticipantStatus's labels, strings of the enrollment area
(translated there, in parallel): they are set aside on that page by their English words (`OTHER_AREAS`), and only
them.

PROPOSED_LATIN: Latin tokens a Chinese clinician writes in Latin letters that tests/i18n.py does not allow yet
(the ADTTE parameter codes shown as data in the participant page's time-to-event table); listed in the report.

Also: the dashboard block and the plots are stored per language (DashboardPanel.language), plot URLs carry the
language, a plot drawn for zh-hans holds Chinese text (matplotlib falls back to Noto Sans CJK SC), and the page
cache keeps the languages apart.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from endpoints import plots
from endpoints.models import DashboardPanel
from tests.factories.endpoints import HAND_CUTOFF
from tests.i18n import chinese_client, english_left
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db

PROPOSED_LATIN = {"RFS", "DOR", "CIR", "OSHSCT", "EFSHSCT", "RFSHSCT", "DORHSCT", "CIRHSCT"}
DASHBOARD = reverse("endpoints:dashboard") + f"?cutoff={HAND_CUTOFF.isoformat()}"


def main(response) -> str:
    """The <main> element of a page (base.html's menu and footer set aside, see the docstring)."""
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    found = re.search(r"<main\b.*?</main>", page, flags=re.S)
    assert found, "no <main> element"
    return found.group(0)


def left(response, other_areas: frozenset[str] = frozenset()) -> list[str]:
    return [w for w in english_left(main(response)) if w not in PROPOSED_LATIN | other_areas]


def status_words() -> frozenset[str]:
    """The words of the participant statuses' English labels (the enrollment area's strings)."""
    from enrollment.models import ParticipantStatus

    with translation.override("en-gb"):
        return frozenset(w for _code, label in ParticipantStatus.choices for w in re.findall(r"[A-Za-z]+", str(label)))


def group_url(key: str, scope: str = "ALL") -> str:
    return reverse("endpoints:group", args=[HAND_CUTOFF.isoformat(), scope]) + f"?g={key}"


GROUP_KEYS = (
    "treated",
    "all",
    "primary.EOC1.RESPONDER",
    "primary.EOC1.NE.HEMODILUTED",
    "response.BY_EOC2.CR",
    "mrd.flow1e-3.EOC1.all.NEG",
    "mrd.ngs.EOC1.band.LT_1E-6",
    "concord.EOC1.NEG.POS",
    "OS.event",
    "EFS.censored",
    "CIR.competing",
    "responder",
    "safety.ae.any.any",
    "safety.crs.g3",
    "safety.death.30",
    "safety.sae",
    "safety.boundary",
)


@pytest.mark.parametrize("role", ["data_manager", "investigator", "monitor"])
def test_the_dashboard_is_in_chinese_for_each_role_that_sees_it(request, role, hand_snapshot):
    user = request.getfixturevalue(role)
    response = chinese_client(user).get(DASHBOARD)
    assert left(response) == []
    page = main(response)
    assert "终点" in page and "主要终点：MRD阴性CR" in page
    assert "总生存" in page and "约定" in page


def test_the_site_block_is_in_chinese(investigator, hand_snapshot):
    response = chinese_client(investigator).get(DASHBOARD + "&site=01")
    assert left(response) == []
    assert "中心" in main(response)


def test_the_participants_behind_each_count_are_listed_in_chinese(data_manager, hand_snapshot):
    client = chinese_client(data_manager)
    for key in GROUP_KEYS:
        response = client.get(group_url(key))
        assert left(response, status_words()) == [], key
        assert "受试者" in main(response), key


def test_the_participant_derivation_page_is_in_chinese(data_manager, investigator, hand_participants, hand_snapshot):
    for user, participants in ((data_manager, hand_participants), (investigator, hand_participants[:3])):
        client = chinese_client(user)  # the investigator sees site 01's participants (the first three)
        for p in participants:
            url = reverse("endpoints:participant", args=[p.pk]) + f"?cutoff={HAND_CUTOFF.isoformat()}"
            response = client.get(url)
            assert left(response) == [], p.participant_id
            assert "终点推导" in main(response) and "所用规则" in main(response)


def test_the_same_pages_in_english_keep_their_english_text(data_manager, hand_participants, hand_snapshot):
    client = force_verified_login(Client(), data_manager)
    page = main(client.get(DASHBOARD))
    for text in ("Primary endpoint: MRD-negative CR", "Overall survival", "Time origin: Day 1 = C1D1", "Conventions"):
        assert text in page
    assert "Cut-off" in main(client.get(group_url("OS.event")))
    assert "Overall survival: event" in main(client.get(group_url("OS.event")))
    url = reverse("endpoints:participant", args=[hand_participants[0].pk]) + f"?cutoff={HAND_CUTOFF.isoformat()}"
    assert "Endpoint derivation" in main(client.get(url))


def test_blocks_and_plots_are_stored_per_language_and_the_plot_urls_carry_it(data_manager, hand_snapshot):
    panels = DashboardPanel.objects.filter(snapshot=hand_snapshot, scope="ALL")
    assert sorted(panels.values_list("language", flat=True)) == ["en-gb", "zh-hans"]
    chinese = panels.get(language="zh-hans")
    assert "主要终点" in chinese.html and "lang=zh-hans" in chinese.html
    assert "总生存" in chinese.plots["os"] and "自C1D1起的月数" in chinese.plots["os"]
    english = panels.get(language="en-gb")
    assert "Overall survival" in english.plots["os"] and "总生存" not in english.plots["os"]
    url = reverse("endpoints:plot", args=[HAND_CUTOFF.isoformat(), "ALL", "os"]) + "?lang=zh-hans"
    svg = chinese_client(data_manager).get(url).content.decode()
    assert svg == chinese.plots["os"]


def test_plots_fall_back_to_the_installed_cjk_font():
    from matplotlib import font_manager

    # the set-up scripts install Debian's fonts-noto-cjk with Chromium (scripts/ensure_system_packages.sh)
    assert plots.CJK_FONT in {f.name for f in font_manager.fontManager.ttflist}, "fonts-noto-cjk is not installed"
    assert plots.FONT_FAMILY == ["DejaVu Sans", "Noto Sans CJK SC"]
    path = font_manager.findfont(font_manager.FontProperties(family=plots.CJK_FONT), fallback_to_default=False)
    assert "NotoSansCJK" in path


def test_the_page_cache_keeps_the_languages_apart(data_manager, hand_snapshot):
    from enrollment.models import StaffProfile

    client = force_verified_login(Client(), data_manager)
    assert "Primary endpoint" in main(client.get(DASHBOARD))  # cached in English
    StaffProfile.objects.update_or_create(user=data_manager, defaults={"language": "zh-hans"})
    page = main(client.get(DASHBOARD))
    assert "主要终点" in page and "Primary endpoint" not in page
