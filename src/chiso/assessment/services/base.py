"""What every section of the internal-ranking services shares."""

from __future__ import annotations

from django.db.models import F

from ..models import (
    Entry,
    Participant,
    Round,
)

S = Round.Status


def _bump(rnd: Round) -> None:
    Round.objects.filter(pk=rnd.pk).update(version=F("version") + 1)


def _lock(participant_id: int) -> Participant:
    """Lock the unit's round, then the unit (always in this order, as the round's steps lock the round
    first): a save and a step of the same round never deadlock, and the step read is the current one."""
    round_id = Participant.objects.filter(pk=participant_id).values_list("round_id", flat=True).first()
    if round_id is None:
        raise Participant.DoesNotExist
    list(Round.objects.select_for_update().filter(pk=round_id).values_list("pk", flat=True))
    return Participant.objects.select_for_update().select_related("round", "agency").get(pk=participant_id)


def entry_has_evidence(entry: Entry) -> bool:
    return entry.files.exists() or entry.docs.exists()
