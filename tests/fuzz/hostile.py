"""Hostile values, the forms of a page, and a fingerprint of what the database holds.

Every markup payload carries the marker `fz` and characters that escaping changes (<, >, " or '): if one of them
ever appears verbatim in an HTML (or SVG) response, something rendered user input unescaped.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.db import connection
from hypothesis import strategies as st

MARKUP = (
    "<script>fz(1)</script>",
    '"><x-fz onmouseover="fz(2)">',
    "'><svg/onload=fz(3)>",
    "<img src=x onerror=fz(4)>",
    "</textarea><x-fz>5",
    "javascript:fz(6)//<x-fz>",
)
HOSTILE = (
    # NUL bytes and control characters
    "\x00",
    "EOC1\x00",
    "1\x00",
    "\r\nSet-Cookie: fz=1",
    "\x1b[31m\x7f\x08",
    # huge and odd numbers
    "9" * 40,
    "-9223372036854775809",
    "9223372036854775808",
    "2147483648",
    "1e309",
    "-1",
    "0",
    "NaN",
    "Infinity",
    "0x1F",
    # letters in numbers, decimal commas
    "12abc",
    "abc",
    "1.2.3",
    "1,5",
    "0,01",
    "1.000,5",
    # dates that are not
    "2026-02-30",
    "31/12/2026",
    "0000-00-00",
    "9999-12-31",
    "2026-13-01T25:61",
    # unicode
    "Ω≈ç√∫ ünïcødé",
    "\u202eevil\u202c",
    "\u200b",
    "🧪💉",
    "１２３",
    "ä" * 300,
    # long, empty, blank
    "A" * 5000,
    "",
    "   ",
    # injection-shaped
    "' OR 1=1 --",
    "%",
    "_",
    "{{ 7*7 }}{% debug %}",
    "../../etc/passwd",
    *MARKUP,
)
PLAUSIBLE = ("1", "2", "all", "ALL", "01", "EOC1", "EOC2", "csv", "live", "open", "-status", "id", "2026-06-30", "on")
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)  # no lone surrogates: not UTF-8
VALUE = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(HOSTILE), st.sampled_from(PLAUSIBLE), TEXT)
PATH_VALUE = VALUE.filter(lambda v: v and "/" not in v)  # a path segment: not empty, no slash
HUGE_ID = st.sampled_from((0, 2**31, 2**63, 10**30))


def unescaped_payloads(body: str) -> list[str]:
    """The markup payloads that appear verbatim in `body`."""
    return [payload for payload in MARKUP if payload in body]


# --- The forms of a page ------------------------------------------------------------------------


@dataclass
class Form:
    action: str  # path the form posts to ("" = the page itself)
    fields: dict[str, str] = field(default_factory=dict)  # name -> value a browser would send
    options: dict[str, list[str]] = field(default_factory=dict)  # select / radio name -> offered values
    formactions: list[str] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(action=urlsplit(a.get("action", "")).path)
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                self._form.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self._form.fields[name] = a.get("value", "on")
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self._form.fields[name] = a.get("value", "")
        elif tag in ("button", "input") and a.get("formaction"):
            self._form.formactions.append(urlsplit(a["formaction"]).path)
        elif tag == "select" and name:
            self._select = name
            self._form.options[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            self._form.options[self._select].append(value)
            if "selected" in a or self._select not in self._form.fields:
                self._form.fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            self._form.fields[name] = ""

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def post_form_for(html: str, page_path: str, target_path: str) -> Form | None:
    """The POST form of a page that submits to `target_path` (by its action or a button's formaction)."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if (form.action or page_path) == target_path or target_path in form.formactions:
            return form
    return None


@st.composite
def hostile_submission(draw, form: Form) -> dict[str, str]:
    """The form as a browser would send it, with some fields hostile, some choices changed, some fields gone,
    and sometimes a field the form does not have."""
    data = dict(form.fields)
    names = sorted(set(data) | set(form.options))
    if names:
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True)):
            offered = form.options.get(name)
            how = draw(st.sampled_from(("hostile", "hostile", "choice", "drop")))
            if how == "choice" and offered:
                data[name] = draw(st.sampled_from(offered))
            elif how == "drop":
                data.pop(name, None)
            else:
                data[name] = draw(VALUE)
    if draw(st.booleans()):
        data[draw(st.sampled_from(("extra", "id", "pk", "site", "created_by", "is_deleted")))] = draw(VALUE)
    return data


# --- What the database holds ---------------------------------------------------------------------

# Written by a refused request on purpose: sessions (touched), the login lockout's records of failures, the security
# event log (a failed sign-in or code), and an authenticator's count of wrong codes (django-otp's throttling).
LOG_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
    "integrity_securityevent",
    "otp_totp_totpdevice",
}


def fingerprint() -> dict[str, tuple[int, int]]:
    """Per table: (rows, a hash of their contents), in one statement."""
    tables = sorted(set(connection.introspection.table_names()) - LOG_TABLES)
    quote = connection.ops.quote_name
    parts = [
        f"SELECT {t!r}, count(*), coalesce(sum(hashtext(x::text)::bigint), 0) FROM {quote(t)} x"  # noqa: S608
        for t in tables
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return {name: (rows, digest) for name, rows, digest in cursor.fetchall()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))


def write_counts() -> tuple:
    """Rows this transaction has tried to insert, update or delete, per table (rolled-back attempts included)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
            "WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 AND NOT relname = ANY(%s) ORDER BY relname",
            [sorted(LOG_TABLES)],
        )
        return tuple(cursor.fetchall())


class WriteWatch:
    """What a request saved, cheaply: the write counters say whether it tried to write at all; only then are the
    tables' contents compared (a fingerprint taken before is reused while nothing has written since)."""

    def __init__(self) -> None:
        self._counts: tuple | None = None
        self._fingerprint: dict | None = None

    def before(self) -> None:
        counts = write_counts()
        if counts != self._counts or self._fingerprint is None:
            self._fingerprint, self._counts = fingerprint(), counts

    def saved(self) -> list[str]:
        """Tables whose contents changed since before() (nothing is read again if nothing tried to write)."""
        counts = write_counts()
        if counts == self._counts:
            return []
        after = fingerprint()
        changed = changed_tables(self._fingerprint, after)
        self._fingerprint, self._counts = after, counts
        return changed
