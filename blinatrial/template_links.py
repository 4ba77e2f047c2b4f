"""The `back_to` template filter, built into every template: a link to a form that brings the user back here.

    <a href="{{ item.url|back_to:request }}">   item.url?next=/matrix/?site=01 (the page the link is on)

The form (integrity.recording.handle_record_form) returns to `next` after a save, if it is a path of this site.
"""

from urllib.parse import urlencode

from django import template

register = template.Library()


@register.filter
def back_to(url, request) -> str:
    if not url or request is None or not hasattr(request, "get_full_path"):
        return url or ""
    url = str(url)
    if "next=" in url:
        return url
    return f"{url}{'&' if '?' in url else '?'}{urlencode({'next': request.get_full_path()})}"
