"""Hostile input, as every role, at every URL: never a server error, nothing saved from a refused form, no markup
rendered unescaped.

Each URL pattern (tests/fuzz/routes.py) gets generated values in its path segments, its query parameters and every
field of its form: NUL bytes, huge numbers, unicode, markup and script, letters in numbers, decimal commas, dates
that are not, very long text. Bounded: a few examples per pattern and a deadline per example; the seed is fixed
when CI=true (the same inputs every run) and random otherwise (new inputs every local run).
"""

import os
from datetime import timedelta

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz.hostile import (
    HUGE_ID,
    PATH_VALUE,
    VALUE,
    WriteWatch,
    hostile_submission,
    post_form_for,
    unescaped_payloads,
)
from tests.fuzz.routes import (
    ROUTES,
    SUPERUSER,
    Route,
    admin_kwargs,
    admin_params,
    admin_patterns,
    param_names,
    url_of_route,
    walk,
)

IN_CI = os.environ.get("CI", "").lower() == "true"
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2")),
    deadline=timedelta(seconds=30),
    derandomize=IN_CI,
    database=None if IN_CI else settings.default.database,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # no shrinking: a failure reports its inputs at once
)
ADMIN_FUZZ = settings(FUZZ, max_examples=max(1, FUZZ.max_examples - 1))
PATTERNS = {key: (pattern, route) for key, pattern, route in walk()}
ADMIN = sorted(key for key, _, _ in admin_patterns())


def check(response, method: str, url: str) -> None:
    assert response.status_code < 500, f"{method} {url} answered {response.status_code}"
    kind = response.get("Content-Type", "")
    if ("html" in kind or "svg" in kind) and not getattr(response, "streaming", False):
        shown = unescaped_payloads(response.content.decode(errors="replace"))
        assert not shown, f"{method} {url} rendered {shown} unescaped"


def draw_url(data, name: str, kwargs: dict) -> str:
    """The pattern's URL, sometimes with a hostile value in one of its path segments."""
    pattern, route = PATTERNS[name]
    converters = pattern.pattern.converters
    kwargs = dict(kwargs)
    fuzzable = sorted(key for key in kwargs if key in converters or key == "url")  # not a regex's alternatives
    if fuzzable and data.draw(st.booleans(), label="hostile path"):
        key = data.draw(st.sampled_from(fuzzable), label="segment")
        kind = type(converters.get(key)).__name__
        kwargs[key] = data.draw(HUGE_ID if kind == "IntConverter" else PATH_VALUE, label=key)
    return url_of(name, kwargs)


def url_of(name: str, kwargs: dict) -> str:
    return url_of_route(PATTERNS[name][1], kwargs) if ":/" in name else reverse(name, kwargs=kwargs)


def draw_query(data, names: list[str]) -> dict[str, str]:
    query = {name: data.draw(VALUE, label=name) for name in names if data.draw(st.booleans())}
    if data.draw(st.booleans(), label="unknown parameter"):
        query[data.draw(st.sampled_from(("x", "id", "__proto__", "q[]", "page")))] = data.draw(VALUE)
    return query


FORMS: dict[str, object] = {}  # route name -> its form, read once per test run


def the_form(clients, world, name: str, route: Route, url: str):
    """The form a browser on the writer's page would submit to `url` (None if there is none)."""
    if name in FORMS:
        return FORMS[name]
    page_name, page_kwargs = route.form_on or (name, lambda w: route.kwargs(w))
    page_url = reverse(page_name, kwargs=page_kwargs(world))
    response = clients[route.writer].get(page_url)
    FORMS[name] = post_form_for(response.content.decode(errors="replace"), page_url, url)
    return FORMS[name]


def fuzz(data, clients, name: str, route: Route, kwargs: dict, query_names: list[str], roles, form) -> None:
    watch = WriteWatch()
    for role in roles:
        client = clients[role]
        url = draw_url(data, name, kwargs)
        if route.get:
            query = draw_query(data, query_names)
            check(client.get(url, query), "GET", f"{url} {query!r} as {role}")
        if route.post:
            submitted = (
                data.draw(hostile_submission(form), label=f"form as {role}") if form else {"x": data.draw(VALUE)}
            )
            watch.before()
            response = client.post(url, submitted)
            check(response, "POST", f"{url} {submitted!r} as {role}")
            saved = watch.saved()
            if response.status_code not in (301, 302, 303):
                assert not saved, f"POST {url} as {role} was refused ({response.status_code}) but wrote {saved}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTES))
@FUZZ
@given(data=st.data())
def test_hostile_values_at_a_url_never_break_it_as_any_role(world, clients, name, data):
    route = ROUTES[name]
    kwargs = route.kwargs(world)
    form = the_form(clients, world, name, route, reverse(name, kwargs=kwargs)) if route.post else None
    fuzz(data, clients, name, route, kwargs, param_names(route), route.roles, form)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ADMIN)
@ADMIN_FUZZ
@given(data=st.data())
def test_hostile_values_at_an_admin_url_never_break_it(world, clients, name, data):
    kwargs = admin_kwargs(name, PATTERNS[name][0], world)
    url = url_of(name, kwargs)
    if name not in FORMS:
        page = clients[SUPERUSER].get(url)
        FORMS[name] = (
            post_form_for(page.content.decode(errors="replace"), url, url) if page.status_code == 200 else None
        )
    form = FORMS[name]
    route = Route(post=form is not None, roles=(SUPERUSER,))
    fuzz(data, clients, name, route, kwargs, admin_params(name), route.roles, form)


@pytest.mark.django_db
def test_the_fuzz_finds_the_form_of_every_url_that_takes_one(world, clients):
    missing = [
        name
        for name, route in sorted(ROUTES.items())
        if route.post
        and name != "logout"  # a form of one button, no field
        and the_form(clients, world, name, route, reverse(name, kwargs=route.kwargs(world))) is None
    ]
    assert missing == []
