"""The form templates written by hand (blinatrial.form_html) write what the templates they stand for write.

Every form page a coordinator and a data manager reach in the demo trial (a walk of its links), opened blank and
sent back empty (with its errors), is rendered twice: with the project's settings, and with Django's template
form renderer and crispy-forms' own bootstrap5 field template. The pages' forms must be the same HTML, and every
widget the same characters.
"""

import re
import uuid
from collections import Counter
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from crispy_forms.utils import default_field_template
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.forms.renderers import DjangoTemplates
from django.template.backends.django import Template as DjangoTemplate
from django.test import Client, override_settings
from django.test.html import parse_html
from django.urls import resolve, reverse

from blinatrial import form_html
from enrollment.demo import create_demo_trial
from enrollment.models import Participant
from tests.foundation.test_no_internal_codes_on_pages import walk
from tests.login import force_verified_login

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "datamanager")
PER_NAME = 2  # form pages compared per URL name
CSRF = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
FORM = re.compile(r"<form\b.*?</form>", re.S)


@contextmanager
def reference_templates():
    """Django's template form renderer and crispy-forms' own field template (no hand-written template)."""
    templates = [t for t in settings.TEMPLATES if t["BACKEND"] != "blinatrial.form_html.FieldTemplates"]
    default_field_template.cache_clear()
    try:
        with override_settings(TEMPLATES=templates, FORM_RENDERER="django.forms.renderers.DjangoTemplates"):
            assert isinstance(default_field_template("bootstrap5"), DjangoTemplate)  # crispy's own, really
            yield
    finally:
        default_field_template.cache_clear()


def page_forms(response) -> list:
    """The page's <form> elements (CSRF tokens out: they change with every page), parsed as HTML."""
    return [parse_html(CSRF.sub("", f)) for f in FORM.findall(response.content.decode())]


def the_form(response) -> forms.BaseForm | None:
    form = (response.context or {}).get("form") if response.context is not None else None
    return form if isinstance(form, forms.BaseForm) else None


def form_pages(client: Client, starts: list[str]) -> list[str]:
    """URLs of pages with a form (a `form` in the template context), PER_NAME per URL name, found by the walk
    of links the words test makes."""
    per_name, found = Counter(), []

    def on_page(url, response) -> None:
        name = resolve(urlsplit(url).path).view_name
        if the_form(response) is not None and per_name[name] < PER_NAME:
            per_name[name] += 1
            found.append(url)

    walk(client, starts, check=lambda page: [], on_page=on_page)
    return found


def widgets_differ(form: forms.BaseForm) -> list[str]:
    """The fields whose widget the hand-written renderer writes differently from Django's templates."""
    ours, django = form_html.WidgetRenderer(), DjangoTemplates()
    differ = []
    for field in form:
        form.renderer = ours
        mine = field.as_widget()
        form.renderer = django
        if mine != field.as_widget():
            differ.append(f"{type(form).__name__}.{field.name}: {mine!r} != {field.as_widget()!r}")
    return differ


@pytest.fixture
def demo_users():
    create_demo_trial(participants=4, waiting=1, seed=2026)
    return {u.username: u for u in get_user_model().objects.filter(username__in=ROLES)}


def test_every_form_page_renders_as_with_the_templates(demo_users, monkeypatch):
    fixed = uuid.UUID("12345678-1234-5678-1234-567812345678")
    monkeypatch.setattr(uuid, "uuid4", lambda: fixed)  # a blank form's one-time submission token
    written = Counter()  # what the hand-written templates wrote (not left to a template)

    def counting(original):
        def counted(*args):
            html = original(*args)
            written[original.__name__] += html is not None
            return html

        return counted

    monkeypatch.setattr(form_html, "field_html", counting(form_html.field_html))
    for template, writer in list(form_html.WRITERS.items()):
        monkeypatch.setitem(form_html.WRITERS, template, counting(writer))

    participant = Participant.objects.filter(site__code="01").order_by("pk").first()
    compared, differ = Counter(), []
    for role in ROLES:
        client = force_verified_login(Client(), demo_users[role])
        starts = [reverse("home"), reverse("enrollment:participant-detail", args=[participant.pk]),
                  reverse("enrollment:screening-detail", args=[participant.screening.pk])]
        for url in form_pages(client, starts):
            name = resolve(urlsplit(url).path).view_name
            requests = [("GET", {})] + ([("POST", {})] if name.endswith(("-add", "-edit")) else [])
            for method, data in requests:
                send = client.get if method == "GET" else client.post
                ours = send(url, data)
                with reference_templates():
                    theirs = send(url, data)
                if ours.status_code == 302 or theirs.status_code == 302:
                    continue  # saved (a form with nothing required): nothing rendered to compare
                assert ours.status_code == theirs.status_code, url
                if page_forms(ours) != page_forms(theirs):
                    differ.append(f"{role} {method} {url}")
                differ += widgets_differ(the_form(ours))
                compared[name] += 1
    assert not differ, "rendered differently from the templates:\n" + "\n".join(differ)
    # the comparison covered the record forms, and the hand-written templates did write them
    assert {"assessments:followup-edit", "assessments:cbc-add", "enrollment:screening-edit"} <= set(compared)
    assert len(compared) >= 20, sorted(compared)
    assert written["field_html"] >= 200 and written["input_html"] >= 200 and written["select_html"] >= 50, written
