"""Who may do what in the internal ranking (on top of :mod:`chiso.orgs.access`).

- the department (dept_admin, dept_officer): everything except the leadership's approval;
- the leadership: reads everything, approves or returns the results;
- a unit's officer and head: their own self-assessment and appraisal (the head submits);
- a council member: the units and indicators of his or her seat (a chair also decides final scores).

Not yours -> 404; yours but not allowed now -> 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chiso.orgs.access import Scope, get_scope


@dataclass
class Seat:
    round_id: int
    agency_ids: frozenset[int] | None  # None = every unit of the round
    codes: frozenset[str] | None  # None = every indicator
    is_chair: bool

    def covers(self, agency_id: int, code: str | None = None) -> bool:
        if self.agency_ids is not None and agency_id not in self.agency_ids:
            return False
        return code is None or self.codes is None or code in self.codes


@dataclass
class Access:
    scope: Scope = field(default_factory=Scope)
    seats: dict[int, Seat] = field(default_factory=dict)

    @property
    def is_department(self) -> bool:
        return self.scope.is_department

    @property
    def is_leadership(self) -> bool:
        return self.scope.is_leadership

    @property
    def reads_all(self) -> bool:
        return self.scope.reads_all

    @property
    def agency_ids(self) -> set[int]:
        return self.scope.agency_ids

    @property
    def council_round_ids(self) -> list[int]:
        return list(self.seats)

    @property
    def council_agencies(self) -> dict[int, frozenset[int] | None]:
        return {r: s.agency_ids for r, s in self.seats.items()}

    # --- per object ---------------------------------------------------------------------------------
    def is_own(self, participant) -> bool:
        return participant.agency_id in self.scope.agency_ids

    def can_enter(self, participant) -> bool:
        return self.scope.can_enter(participant.agency_id)

    def can_submit(self, participant) -> bool:
        return self.scope.can_sign(participant.agency_id)

    def seat(self, round_id: int) -> Seat | None:
        return self.seats.get(round_id)

    def can_appraise(self, participant, code: str | None = None) -> bool:
        if self.is_department:
            return True
        seat = self.seats.get(participant.round_id)
        return seat is not None and seat.covers(participant.agency_id, code)

    def can_decide(self, participant, code: str | None = None) -> bool:
        if self.is_department:
            return True
        seat = self.seats.get(participant.round_id)
        return seat is not None and seat.is_chair and seat.covers(participant.agency_id, code)

    def sees_participant(self, participant) -> bool:
        if self.reads_all or self.is_own(participant):
            return True
        seat = self.seats.get(participant.round_id)
        return seat is not None and seat.covers(participant.agency_id)


def get_access(user) -> Access:
    if not user.is_authenticated:
        return Access()
    cached = getattr(user, "_chiso_assessment_access", None)
    if cached is not None:
        return cached
    from .models import CouncilMember

    acc = Access(scope=get_scope(user))
    members = list(CouncilMember.objects.filter(user=user).prefetch_related("agencies"))
    for m in members:
        ids = frozenset(a.pk for a in m.agencies.all())
        acc.seats[m.round_id] = Seat(
            round_id=m.round_id,
            agency_ids=ids or None,
            codes=frozenset(m.codes) if m.codes else None,
            is_chair=m.is_chair,
        )
    user._chiso_assessment_access = acc
    return acc
