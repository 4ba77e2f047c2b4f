"""Acceptance point of issue 21: Chinese free text comes back out byte for byte wherever it goes. A reason for change
("修改原因：录入错误"), a query's message and an AE's verbatim term ("发热伴寒战") are read back from the audit trail
(the pghistory rows' values and context), from the CSV snapshot read with pandas, from the snapshot's ODM, and from
the API's JSON (/api/v1/...), and compared with what was typed, as text and as UTF-8 bytes.
"""

import io
import xml.etree.ElementTree as ET

import pandas as pd
import pghistory
import pytest
from django.contrib.contenttypes.models import ContentType
from pghistory.models import Events

from integrity.models import DataQuery
from safety.models import AdverseEvent
from tests.api.conftest import ApiClient
from tests.exports.conftest import build, open_zip
from tests.factories.api import make_token
from tests.factories.enrollment import ParticipantFactory
from tests.factories.integrity import DataQueryFactory
from tests.factories.safety import OTHER_GI_TERM, AdverseEventFactory, term

pytestmark = pytest.mark.django_db

REASON = "修改原因：录入错误"
VERBATIM = "发热伴寒战"
QUERY = "请核实“发热伴寒战”的发生日期（原始病历记录为第5天）。"
ODM_NS = {"odm": "http://www.cdisc.org/ns/odm/v1.3"}


@pytest.fixture
def chinese_text(site_a, coordinator, investigator):
    participant = ParticipantFactory(screening__site=site_a)
    with pghistory.context(user=coordinator.pk, reason="Initial entry"):
        ae = AdverseEventFactory(participant=participant, term=term(OTHER_GI_TERM), verbatim_term="发热")
    with pghistory.context(user=coordinator.pk, reason=REASON):
        ae.verbatim_term = VERBATIM
        ae.row_version += 1
        ae.save()
    query = DataQueryFactory(
        record=ae,
        participant=participant,
        site=participant.site,
        field_name="verbatim_term",
        raised_by=investigator,
        text=QUERY,
    )
    return {"participant": participant, "ae": ae, "query": query}


def same(read: str, typed: str) -> None:
    assert read == typed
    assert read.encode("utf-8") == typed.encode("utf-8")


def test_through_the_audit_trail(chinese_text):
    ae, query = chinese_text["ae"], chinese_text["query"]
    ae.refresh_from_db()
    same(ae.verbatim_term, VERBATIM)
    last = Events.objects.tracks(ae).order_by("-pgh_id").first()
    same(last.pgh_data["verbatim_term"], VERBATIM)
    same(last.pgh_context["reason"], REASON)
    query_event = Events.objects.tracks(DataQuery.objects.get(pk=query.pk)).order_by("-pgh_id").first()
    same(query_event.pgh_data["text"], QUERY)


def test_through_the_csv_snapshot_read_with_pandas(chinese_text, data_manager):
    archive = open_zip(build(data_manager))
    read = lambda name: pd.read_csv(io.BytesIO(archive.read(name)), dtype=str, keep_default_na=False)  # noqa: E731
    events = read("adverse_events.csv")
    row = events[events["record_id"] == str(chinese_text["ae"].pk)].iloc[0]
    same(row["verbatim_term"], VERBATIM)
    audit = read("audit_trail.csv")
    change = audit[(audit["record_type"] == "adverse_events") & (audit["field"] == "verbatim_term")]
    assert list(change["action"]) == ["insert", "update"]
    edit = change.iloc[-1]
    same(edit["old_value"], "发热")
    same(edit["new_value"], VERBATIM)
    same(edit["reason"], REASON)
    assert VERBATIM.encode("utf-8") in archive.read("adverse_events.csv")
    assert REASON.encode("utf-8") in archive.read("audit_trail.csv")
    sdtm_ae = read("sdtm/ae.csv")
    assert VERBATIM in set(sdtm_ae["AETERM"])


def test_through_the_odm(chinese_text, data_manager):
    document = open_zip(build(data_manager)).read("odm.xml")
    root = ET.fromstring(document)  # noqa: S314  # nosec B314: our own export
    items = [
        item
        for item in root.iterfind(".//odm:ItemData", ODM_NS)
        if item.get("ItemOID") == "IT.ADVERSE_EVENTS.VERBATIM_TERM"
    ]
    assert len(items) == 1
    same(items[0].get("Value"), VERBATIM)
    same(items[0].find("odm:AuditRecord/odm:ReasonForChange", ODM_NS).text, REASON)
    assert VERBATIM.encode("utf-8") in document and REASON.encode("utf-8") in document


def test_through_the_api(chinese_text, coordinator):
    _token, key = make_token(coordinator)
    api = ApiClient(key)
    ae = chinese_text["ae"]
    record = api.get(f"/api/v1/adverse_events/{ae.pk}/")
    assert record.status_code == 200, record.content
    same(record.json()["verbatim_term"], VERBATIM)
    assert VERBATIM.encode("utf-8") in record.content  # as UTF-8, not \\u escapes
    events = api.get("/api/v1/audit/", {"form": "adverse_events", "page_size": 100}).json()["results"]
    edit = events[-1]
    same(edit["reason"], REASON)
    assert [(c["field"], c["new"]) for c in edit["changes"]] == [("verbatim_term", VERBATIM)]
    queries = api.get("/api/v1/queries/").json()["results"]
    mine = [q for q in queries if q["id"] == chinese_text["query"].pk]
    assert len(mine) == 1
    same(mine[0]["text"], QUERY)
    assert ContentType.objects.get_for_model(AdverseEvent).model in mine[0]["model"]
