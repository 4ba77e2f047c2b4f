"""An edit of clinical data through Django's admin is audited and leads to a recompute, like any write."""

import pytest
from django.urls import reverse

from endpoints.models import EndpointSnapshot
from enrollment.models import ScreeningRecord
from integrity.audit import event_model_for
from integrity.models import current_data_version
from tests.factories.enrollment import ScreeningFactory, UserFactory

pytestmark = pytest.mark.urls("tests.endpoints.admin_edit_urls")


@pytest.mark.django_db(transaction=True)  # real commits: the recompute runs on commit
def test_an_admin_edit_of_clinical_data_is_audited_and_brings_the_stored_result_current(client):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    record = ScreeningFactory(ecog=0)
    version_before = current_data_version()
    client.force_login(admin_user)

    url = reverse("editable_admin:enrollment_screeningrecord_change", args=[record.pk])
    response = client.post(url, {"ecog": "2"})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert ScreeningRecord.objects.get(pk=record.pk).ecog == 2
    assert current_data_version() > version_before
    stored = EndpointSnapshot.objects.order_by("-computed_at").first()
    assert stored is not None and stored.data_version == current_data_version()
    events = event_model_for(ScreeningRecord).objects.filter(pgh_obj_id=record.pk).order_by("pgh_id")
    last = events.last()
    assert last.ecog == 2 and last.pgh_label == "update"
    assert last.pgh_context.metadata["user"] == admin_user.pk
