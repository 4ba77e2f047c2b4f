"""Reading a rendered clinical form: the controls a person could still change or submit."""

import re


def record_form_html(html: str) -> str:
    start = html.index('data-testid="record-form"')
    return html[start:html.index("</form>", start)]


def editable_controls(html: str) -> list[str]:
    """Inputs, selects, text areas and buttons of the record form that are neither hidden nor disabled."""
    controls = re.findall(r"<(?:input|select|textarea|button)\b[^>]*>", record_form_html(html))
    return [c for c in controls if 'type="hidden"' not in c and not re.search(r"\sdisabled[\s>=]", c)]
