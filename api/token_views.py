"""API token pages under the account menu: list, make (the key shown once), revoke."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from api import tokens
from api.forms import TokenCreateForm
from api.models import ApiToken

NEW_KEY_SESSION = "api_token_new_key"


@require_GET
@never_cache
def token_list(request: HttpRequest) -> HttpResponse:
    new_key = request.session.pop(NEW_KEY_SESSION, None)
    rows = ApiToken.objects.filter(user=request.user).select_related("revoked_by")
    return render(request, "api/token_list.html", {"tokens": rows, "new_key": new_key})


@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, key = tokens.create_token(user=request.user, name=form.cleaned_data["name"], expires=form.expires())
        # Post/redirect/get: the key waits in the session for the one page that shows it.
        request.session[NEW_KEY_SESSION] = {"name": token.name, "key": key}
        return redirect("api-token-list")
    status = 400 if request.method == "POST" else 200
    return render(request, "api/token_form.html", {"form": form}, status=status)


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    tokens.revoke_token(token, by=request.user)
    messages.success(request, gettext("Token '%(name)s' revoked: it no longer works.") % {"name": token.name})
    return redirect("api-token-list")
