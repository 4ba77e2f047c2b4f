"""A small HTTP client for the benchmarks: cookies, CSRF, timing; standard library only.

Timings are wall-clock per request on loopback, measured side by side with the B1 baseline in one run:
only the ratios are meant to be compared between machines.
"""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One browser-like user: a cookie jar and the CSRF token, one connection per request (gunicorn sync)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            hdrs = {"Host": f"{self.host}:{self.port}", "Cookie": self._cookie_header(), **(headers or {})}
            conn.request(method, path, body=body, headers=hdrs)
            raw = conn.getresponse()
            data = raw.read()
            for value in raw.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(value)
                for key, morsel in jar.items():
                    self.cookies[key] = morsel.value
            return Response(raw.status, data, dict(raw.headers.items()))
        finally:
            conn.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict | list[tuple[str, str]], referer: str | None = None) -> Response:
        body = urlencode(data, doseq=True).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": self.cookies.get("csrftoken", ""),
            "Referer": referer or f"http://{self.host}:{self.port}/",
        }
        return self.request("POST", path, body, headers)

    def login(self, username: str, password: str, one_time_code: Callable[[], str] | None = None) -> None:
        """Sign in; a user with an authenticator is sent to the code page, answered with `one_time_code()`."""
        page = self.get("/accounts/login/")
        token = csrf_token(page.text) or self.cookies.get("csrftoken", "")
        resp = self.post(
            "/accounts/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token}
        )
        if resp.status != 302:
            raise RuntimeError(f"login as {username} failed: HTTP {resp.status}")
        if "/accounts/two-factor/" not in resp.headers.get("Location", ""):
            return
        if one_time_code is None:
            raise RuntimeError(f"{username} signs in with a second factor: no code given")
        page = self.get("/accounts/two-factor/")
        token = csrf_token(page.text) or self.cookies.get("csrftoken", "")
        resp = self.post("/accounts/two-factor/", {"code": one_time_code(), "csrfmiddlewaretoken": token})
        if resp.status != 302 or "/accounts/two-factor/" in resp.headers.get("Location", ""):
            raise RuntimeError(f"second factor for {username} refused: HTTP {resp.status}")


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html: str) -> str | None:
    match = _CSRF.search(html)
    return match.group(1) if match else None


@dataclass
class Timing:
    label: str
    samples: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(
    label: str,
    action: Callable[[Client], Response],
    clients: list[Client],
    requests: int,
    warmup: int,
    expect: tuple[int, ...] = (200,),
) -> Timing:
    """Run `action` `requests` times (after `warmup` untimed runs) spread over the clients, one thread each."""
    for i in range(warmup):
        resp = action(clients[i % len(clients)])
        if resp.status not in expect:
            raise RuntimeError(f"{label}: HTTP {resp.status} during warm-up")
    samples: list[float] = []
    lock = threading.Lock()
    per_client = max(1, requests // len(clients))
    errors: list[str] = []

    def worker(client: Client) -> None:
        local: list[float] = []
        for _ in range(per_client):
            start = time.perf_counter()
            resp = action(client)
            local.append(time.perf_counter() - start)
            if resp.status not in expect:
                errors.append(f"HTTP {resp.status}")
        with lock:
            samples.extend(local)

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"{label}: {len(errors)} failed requests, e.g. {errors[0]}")
    return Timing(label, samples)
