"""Deny by default: every URL pattern, walked, refuses anonymous users (except an allowlist)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ALLOWLIST = {"login", "health"}


def walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name


def concrete(route: str) -> str:
    route = route.lstrip("^").rstrip("$")
    route = re.sub(r"<(?:int:)?[^>]*pk[^>]*>|<int:[^>]+>", "1", route)
    route = re.sub(r"<(?:path|slug|str|uuid):?[^>]*>", "x", route)
    route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "x", route)
    route = route.replace("\\", "")
    return "/" + route


ROUTES = sorted({(route, name) for route, name in walk(get_resolver().url_patterns)})


def test_the_walk_finds_the_projects_views():
    names = {name for _, name in ROUTES}
    assert {"home", "login", "health", "logout", "password_change"} <= names


@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[r for r, _ in ROUTES])
def test_anonymous_request_is_refused(client, db, route, name):
    if name in ALLOWLIST or route.startswith("static"):
        return
    url = concrete(route)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if response.status_code in (301, 302):
            assert "/login/" in response["Location"], f"{url} redirected elsewhere: {response['Location']}"
        else:
            assert response.status_code in (401, 403, 404, 405), f"{method.upper()} {url} -> {response.status_code}"
            # 404 would hide a missing login check only if the view ran: make sure it did not.
            assert response.status_code != 404 or "/admin/" in url, f"{url} answered 404 to an anonymous user"
