"""The participants' records of every form file as plain rows: what ODM and the SDTM domains are built from.

Rows are read with the same column lookups as the form CSVs (live records, record order), as raw Python
values, so a value here is the value of the CSV cell. Only records that belong to a participant are read:
memory grows with the participants of the snapshot, never with the screening log or the audit trail.
"""

from django.contrib.auth import get_user_model
from django.db.models import F, TextField
from django.db.models.functions import Cast

from enrollment.models import Participant, Site
from exports.datasets import FormFile
from exports.facts import FormRecords, Person, SignatureFact
from integrity.cells import JSON
from integrity.model_meta import participant_path
from integrity.models import Signature, SignatureMeaning
from safety.models import CtcaeTerm


def form_records(form: FormFile, site_ids: list[int] | None) -> FormRecords | None:
    """The records of `form` that belong to a participant (None: the form has no participant)."""
    path = participant_path(form.model)
    if path is None:
        return None
    values = [Cast(c.lookup, TextField()) if c.kind == JSON else F(c.lookup) for c in form.columns]
    aliases = {f"rec_c{i}": value for i, value in enumerate(values)}
    qs = form.rows(site_ids).filter(**{f"{path}__isnull": False}).annotate(**aliases).order_by("pk")
    label = str(form.model._meta.verbose_name)
    return FormRecords(form.file_name, label[:1].upper() + label[1:], form.columns, list(qs.values_list(*aliases)))


def participant_records(forms: list[FormFile], site_ids: list[int] | None) -> dict[str, FormRecords]:
    """File name -> the participants' records of every form that has participants."""
    found = (form_records(form, site_ids) for form in forms)
    return {r.file_name: r for r in found if r is not None}


def site_names(site_codes: list[str] | None) -> dict[str, str]:
    """Code -> name of the snapshot's sites (every site when None)."""
    sites = Site.objects.all() if site_codes is None else Site.objects.filter(code__in=site_codes)
    return dict(sites.order_by("code").values_list("code", "name"))


def sites_of_participants(site_ids: list[int] | None) -> dict[str, str]:
    """Participant ID -> site code of every participant of the sites."""
    participants = Participant._base_manager.all()
    if site_ids is not None:
        participants = participants.filter(site_id__in=site_ids)
    return dict(participants.values_list("participant_id", "site__code"))


def people() -> list[Person]:
    """Every account's login and name (the trial's staff; never a password)."""
    users = get_user_model()._base_manager.order_by("username")
    rows = users.values_list("username", "first_name", "last_name")
    return [Person(name, first or "", last or "") for name, first, last in rows]


def signature_facts(participant_ids: set[str]) -> list[SignatureFact]:
    """The e-signatures of the participants not marked broken, oldest first."""
    rows = (
        Signature.objects.filter(participant__participant_id__in=participant_ids, invalidated_at__isnull=True)
        .order_by("signed_at", "pk")
        .values_list("pk", "participant__participant_id", "timepoint", "signer__username", "meaning", "signed_at")
    )
    return [SignatureFact(*row) for row in rows]


def signature_meanings() -> dict[str, str]:
    return {str(code): str(words) for code, words in SignatureMeaning.choices}


def ctcae_terms() -> dict[str, tuple[str, str]]:
    """CTCAE term code -> (term, system organ class): reference data, a few hundred rows."""
    return {code: (term, soc) for code, term, soc in CtcaeTerm.objects.values_list("code", "term", "soc")}
