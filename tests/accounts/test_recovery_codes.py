"""New recovery codes replace the old ones, are shown once and are logged."""

import pytest
from django.urls import reverse

from integrity.models import SecurityEvent, SecurityEventKind

pytestmark = pytest.mark.django_db


def test_new_recovery_codes_replace_the_old_ones_and_are_logged(investigator_client, investigator):
    response = investigator_client.post(reverse("recovery-codes"))
    assert response.status_code == 302
    first = investigator_client.get(reverse("recovery-codes")).content
    investigator_client.post(reverse("recovery-codes"))
    second = investigator_client.get(reverse("recovery-codes")).content
    assert first.count(b"<li>") == second.count(b"<li>") == 10 and first != second
    assert SecurityEvent.objects.filter(user=investigator, kind=SecurityEventKind.RECOVERY_CODES).count() == 2
