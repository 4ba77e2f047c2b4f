import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from api import tokens

DEFAULT_DAYS = 90


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=80, label=_("Name"), help_text=_("What the token is for, e.g. 'nightly lab sync'."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    days = forms.IntegerField(label=_("Valid for (days)"), initial=DEFAULT_DAYS, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = tokens.max_lifetime_days()
        self.fields["days"].max_value = limit
        self.fields["days"].validators.append(_at_most(limit))
        self.fields["days"].help_text = ngettext(
            "At most %(limit)s day; make a new token before it expires.",
            "At most %(limit)s days; make a new token before it expires.",
            limit,
        ) % {"limit": limit}
        self.fields["days"].widget.attrs.update({"min": 1, "max": limit})

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(gettext("Give the token a name."))
        return name

    def expires(self) -> datetime.datetime:
        return timezone.now() + datetime.timedelta(days=self.cleaned_data["days"])


def _at_most(limit: int):
    def check(value: int) -> None:
        if value is not None and value > limit:
            raise forms.ValidationError(ngettext(
                "A token may be valid for at most %(limit)s day.",
                "A token may be valid for at most %(limit)s days.",
                limit,
            ) % {"limit": limit})

    return check
