"""Admin: the security event log (read-only), and the audited reset of a user's second factor.

django-otp's own device pages are taken out of the admin: removing a device there would reset a second factor
without a trace in the security log. The one way is the "Reset two-factor sign-in" action on the users' list.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext, gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from blinatrial.admin_base import ReadOnlyAdmin
from integrity import two_factor
from integrity.models import SecurityEvent

for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "kind", "username", "actor", "ip_address", "detail")
    list_filter = ("kind",)
    search_fields = ("username", "detail")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class TrialUserAdmin(UserAdmin):
    actions = ["reset_two_factor"]

    @admin.action(description=gettext_lazy("Reset two-factor sign-in (lost phone): the user sets it up again"))
    def reset_two_factor(self, request, queryset) -> None:
        for user in queryset:
            two_factor.reset_two_factor(
                user=user, actor=request.user, reason="reset by an administrator (admin site)", request=request
            )
        messages.success(request, gettext("Two-factor sign-in reset for %(count)s user(s).") % {
            "count": queryset.count()
        })
