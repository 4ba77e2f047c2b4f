"""Issue 19, the page: upload a results file (in memory only), check or import it, read the report in words."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import FlowMrd
from tests.assessments.lab_files import as_csv, as_json, flow_row
from tests.factories.assessments import MarrowFactory

pytestmark = pytest.mark.django_db
URL = "assessments:lab-import"


@pytest.fixture
def marrow(participant):
    return MarrowFactory(participant=participant, sample_id="BM-0101")


def upload(client, data: bytes, name: str = "results.csv", **fields):
    return client.post(reverse(URL), {"results_file": SimpleUploadedFile(name, data), **fields})


def test_the_page_is_in_the_menu_of_those_who_enter_data(coordinator_client, monitor_client):
    page = coordinator_client.get(reverse(URL))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="lab-import-form"' in html and 'enctype="multipart/form-data"' in html
    assert f'href="{reverse(URL)}">Import lab results<' in html
    assert monitor_client.get(reverse(URL)).status_code == 403
    assert "Import lab results" not in monitor_client.get(reverse("home")).content.decode()


def test_a_dry_run_shows_the_rows_are_valid_and_saves_nothing(coordinator_client, marrow):
    response = upload(coordinator_client, as_csv([flow_row(marrow)]), dry_run="on")

    assert response.status_code == 200
    assert "All 1 row can be imported. This was a check only: nothing was saved." in response.content.decode()
    assert not FlowMrd.objects.exists()


def test_an_import_saves_and_names_the_audit_reason(coordinator_client, marrow):
    data = as_json([flow_row(marrow, value_pct="0.07")])
    response = upload(coordinator_client, data, name="batch-7.JSON")

    assert response.status_code == 200
    report = response.context["report"]
    assert f"1 result saved (audit reason: Central laboratory import {report.batch_id})." in response.content.decode()
    assert FlowMrd.objects.get().value_pct == 0.07


def test_problems_are_listed_as_a_table_in_words_and_nothing_is_saved(coordinator_client, marrow):
    rows = [flow_row(marrow, result="positive"), flow_row(marrow, participant_id="02-001")]
    response = upload(coordinator_client, as_csv(rows), file_format="csv")

    assert response.status_code == 400
    html = response.content.decode()
    assert "2 problems found in 2 rows: nothing was saved." in html
    assert ('<tr data-row="1" data-column="result"><td>1</td><td><code>result</code></td><td>Unknown flow MRD result '
            "&#x27;positive&#x27;: write quantified, not detected or not evaluable.</td></tr>") in html
    assert ('<tr data-row="2" data-column="participant_id"><td>2</td><td><code>participant_id</code></td>'
            "<td>No such participant at your sites.</td></tr>") in html
    assert not FlowMrd.objects.exists()


def test_a_file_of_unknown_format_is_asked_for_its_format(coordinator_client, marrow):
    response = upload(coordinator_client, as_csv([flow_row(marrow)]), name="results.txt")

    assert response.status_code == 400
    assert "Choose the format: the file name ends neither in .csv nor in .json." in response.content.decode()
    assert not FlowMrd.objects.exists()


def test_a_file_too_big_for_memory_is_refused_and_never_written_to_disk(coordinator_client, marrow, settings,
                                                                          tmp_path):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    data = as_csv([flow_row(marrow, lab="x" * 50)] * 20)
    assert len(data) > 1000

    response = upload(coordinator_client, data, dry_run="on")

    assert response.status_code == 400
    assert "The file is larger than 1000 bytes: split it in smaller files." in response.content.decode()
    assert list(tmp_path.iterdir()) == []
    assert not FlowMrd.objects.exists()


def test_an_upload_without_the_csrf_token_is_refused(coordinator, marrow):
    from django.test import Client

    from tests.login import force_verified_login

    client = force_verified_login(Client(enforce_csrf_checks=True), coordinator)
    page = client.get(reverse(URL))
    data = as_csv([flow_row(marrow)])
    assert upload(client, data).status_code == 403
    token = page.cookies["csrftoken"].value
    with_token = client.post(reverse(URL), {"results_file": SimpleUploadedFile("r.csv", data),
                                            "csrfmiddlewaretoken": token})
    assert with_token.status_code == 200 and FlowMrd.objects.count() == 1
