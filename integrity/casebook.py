"""The integrity section of a participant's casebook: open queries, signatures and lock state."""

from django.urls import reverse
from django.utils.translation import gettext

from integrity import locking, signatures
from integrity.models import DataQuery, QueryStatus, Signature
from integrity.sections import CasebookSection


def section(participant, user) -> CasebookSection:
    """Open queries, e-signatures (with their validity) and active locks of `participant` (4-5 queries)."""
    queries = list(
        DataQuery.objects.filter(participant=participant)
        .exclude(status=QueryStatus.CLOSED)
        .select_related("raised_by", "content_type")
        .order_by("-created_at")[:50]
    )
    sigs = list(Signature.objects.filter(participant=participant).select_related("signer"))
    states = signatures.validity(sigs) if sigs else {}
    locks = list(locking.active_locks_for(participant))
    return CasebookSection(
        title=gettext("Queries, signatures and locks"),
        template="integrity/casebook_section.html",
        context={
            "participant": participant,
            "open_queries": queries,
            "signatures": [(s, states.get(s.pk, True)) for s in sigs],
            "locks": locks,
            "audit_url": reverse("integrity:participant-audit", args=[participant.pk]),
            "sign_url": reverse("integrity:sign", args=[participant.pk]),
            "lock_url": reverse("integrity:lock-create") + f"?participant={participant.pk}",
        },
        order=900,
    )
