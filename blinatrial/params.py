"""Query parameters: every view reads `request.GET` through a form declared here or next to the view.

`parse_query(request, FormClass)` binds the query string to the form and returns its cleaned data; a bad
value (a NUL byte, letters in a number, an unknown choice, an over-long text) raises `BadQuery`, which
`BadQueryMiddleware` turns into a 400 page that says what was wrong. A view never passes a raw parameter
to the database, so no input can make it answer 5xx.
"""

from django import forms
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy

TEXT_MAX = 100
CODE_PATTERN = r"^[A-Za-z0-9_.-]*$"


class BadQuery(BadRequest):
    """A query parameter failed its form: the messages are shown on the 400 page."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def parse_query(request: HttpRequest, form_class: type[forms.Form], **form_kwargs) -> dict:
    """The cleaned query parameters of `form_class` (unknown parameters are ignored); BadQuery if one is bad."""
    form = form_class(request.GET, **form_kwargs)
    if form.is_valid():
        return form.cleaned_data
    raise BadQuery([
        gettext("%(label)s: %(error)s") % {"label": _label(form, name), "error": error}
        for name, errors in form.errors.items() for error in errors
    ])


def _label(form: forms.Form, name: str) -> str:
    field = form.fields.get(name)
    return str(field.label or name) if field is not None else gettext("The address")


def text(label: str, max_length: int = TEXT_MAX) -> forms.CharField:
    """A free-text parameter (stripped; NUL bytes are refused by Django's CharField)."""
    return forms.CharField(required=False, max_length=max_length, label=label)


def code(label: str, max_length: int = 40) -> forms.RegexField:
    """A short machine value (letters, digits, `_`, `.` and `-`), e.g. a timepoint."""
    return forms.RegexField(
        CODE_PATTERN,
        required=False,
        max_length=max_length,
        label=label,
        error_messages={"invalid": gettext_lazy("Use letters, digits, '_', '.' or '-' only.")},
    )


def choice(label: str, choices, *, blank: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        required=False,
        label=label,
        choices=([("", "")] if blank else []) + list(choices),
        error_messages={"invalid_choice": gettext_lazy("This is not one of the values offered.")},
    )


def page_number() -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10**9,
        label=gettext_lazy("Page"),
        error_messages={"invalid": gettext_lazy("Enter a whole page number.")},
    )


def record_id(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        label=label,
        error_messages={"invalid": gettext_lazy("Enter a whole number.")},
    )


def local_path(request: HttpRequest, url: str) -> str:
    """`url` if it is a path of this site (a `next` to return to), else "": an outside address, a scheme, or a
    bare word (which `redirect` would take for a URL name) is never followed."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=False):
        return url
    return ""


class PageParams(forms.Form):
    page = page_number()


def sort_choices(sorts) -> list[tuple[str, str]]:
    """`name` and `-name` for each sortable column."""
    return [(f"{prefix}{key}", f"{prefix}{key}") for key in sorts for prefix in ("", "-")]


def nul_problems(request: HttpRequest) -> list[str]:
    """A NUL character anywhere in the address: PostgreSQL cannot store or compare it in text, and no page takes it
    (forms refuse it in posted fields, next to the field)."""
    null = gettext("Null characters are not allowed.")
    problems = []
    if "\x00" in request.path_info:
        problems.append(gettext("%(label)s: %(error)s") % {"label": gettext("The address"), "error": null})
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            problems.append(gettext("“%(name)s”: %(error)s") % {"name": name.replace(chr(0), ""), "error": null})
    return problems


API_PATH = "/api/"


class BadQueryMiddleware:
    """Refuses a NUL character in the address of any page, the admin's included, and renders BadQuery: a 400 page
    with its messages (also with DEBUG on)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if problems := nul_problems(request):
            if request.path.startswith(API_PATH):  # a program reads the REST API's answers: JSON, as it documents
                return JsonResponse({"non_field_errors": problems}, status=400)
            return render(request, "400.html", {"problems": problems}, status=400)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, BadQuery):
            return render(request, "400.html", {"problems": exception.messages}, status=400)
        return None
