"""What the monitor's pages show about source data verification, read from their HTML: a status-matrix cell,
the items of "Records not yet verified"; and the monitor's verify action, posted as the browser does."""

import html
import re

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

MATRIX, HOME = reverse("assessments:status-matrix"), reverse("home")


def matrix_cell(client, participant, column: str = "EOC1") -> tuple[str, list[str]]:
    """(the cell's colour class, the words it prints) in the participant's row of the matrix."""
    page = client.get(MATRIX).content.decode()
    row = page.split(f'data-participant="{participant.participant_id}"', 1)[1].split("</tr>", 1)[0]
    cell = re.search(rf'<td class="matrix-cell (matrix-\w+)" data-column="{column}">(.*?)</td>', row, re.S)
    words = re.findall(r'class="matrix-state matrix-state-\w+">(?:<span aria-hidden="true">[^<]*</span>)?([^<]+)<',
                       cell.group(2))
    return cell.group(1), words


def matrix_rows(client, **query) -> list[str]:
    """The participant IDs of the matrix's rows."""
    return re.findall(r'<tr data-participant="([^"]+)"', client.get(MATRIX, query).content.decode())


def not_verified(client) -> dict[str, tuple[str, str]]:
    """label -> (href, note) of the items of the home page's "Records not yet verified"."""
    page = client.get(HOME).content.decode()
    body = re.search(r'data-testid="work-sdv-waiting"(.*?)</section>', page, re.S).group(1)
    items = re.findall(r'data-testid="work-item">\s*<a href="([^"]+)">([^<]+)</a>\s*'
                       r'(?:<span class="small[^"]*">([^<]*)</span>)?', body)
    # each item returns home after the save (issue 17's next): checked, then set aside
    assert all(html.unescape(href).endswith("?next=%2F") for href, _, _ in items), items
    return {html.unescape(label): (html.unescape(href).removesuffix("?next=%2F"), html.unescape(note))
            for href, label, note in items}


def verify(client, record, field_name: str = "") -> None:
    """The monitor's "Verify field" (or, without a field, "Verify form") button."""
    ct = ContentType.objects.get_for_model(type(record))
    data = {"field_name": field_name, "next": HOME} if field_name else {"next": HOME}
    response = client.post(reverse("integrity:sdv-verify", args=[ct.pk, record.pk]), data)
    assert response.status_code == 302
