from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from blinatrial import access, pending_signin, worklist
from blinatrial.broker import broker_status


@method_decorator(login_not_required, name="dispatch")
class TrialLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if access.has_second_factor(user):  # signed in only once the code is right too
            pending_signin.hold(self.request, user, self.get_success_url())
            return redirect("two-factor-verify")
        return super().form_valid(form)


@login_not_required
@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: database and broker status, no data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # any failure means "not ok"; the detail goes to the logs, not to the public
        database = "error"
    broker = broker_status()
    healthy = database == "ok" and broker in {"ok", "eager"}
    return JsonResponse(
        {"database": database, "broker": broker, "status": "ok" if healthy else "degraded"},
        status=200 if healthy else 503,
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The user's work lists: what each of their roles has to do next, each item a link to its form."""
    roles = access.user_roles(request.user)
    lists = worklist.work_lists(request.user, roles)
    return render(request, "home.html", {"roles": roles, "work_lists": lists})

