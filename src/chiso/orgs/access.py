"""Who may do what: one ``Scope`` per request user, built from the user's memberships.

Rule of the house: not yours -> 404; yours but read-only -> 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from .models import Membership

R = Membership.Role


@dataclass
class Scope:
    roles: set[str] = field(default_factory=set)
    by_agency: dict[int, set[str]] = field(default_factory=dict)

    @property
    def is_dept_admin(self) -> bool:
        return R.DEPT_ADMIN in self.roles

    @property
    def is_department(self) -> bool:
        """The standing body's staff: defines rounds, approves or returns submissions."""
        return bool({R.DEPT_ADMIN, R.DEPT_OFFICER} & self.roles)

    @property
    def is_leadership(self) -> bool:
        return R.LEADERSHIP in self.roles

    @property
    def reads_all(self) -> bool:
        return self.is_department or self.is_leadership

    @property
    def agency_ids(self) -> set[int]:
        """Agencies whose own data this user works on (officer or head)."""
        return {a for a, roles in self.by_agency.items() if {R.AGENCY_OFFICER, R.AGENCY_HEAD} & roles}

    def can_enter(self, agency_id: int) -> bool:
        return bool({R.AGENCY_OFFICER, R.AGENCY_HEAD} & self.by_agency.get(agency_id, set()))

    def can_sign(self, agency_id: int) -> bool:
        return R.AGENCY_HEAD in self.by_agency.get(agency_id, set())


def get_scope(user) -> Scope:
    if not user.is_authenticated:
        return Scope()
    cached = getattr(user, "_chiso_scope", None)
    if cached is not None:
        return cached
    scope = Scope()
    for agency_id, role in _memberships(user.pk):
        scope.roles.add(role)
        scope.by_agency.setdefault(agency_id, set()).add(role)
    user._chiso_scope = scope
    return scope


def _memberships(user_id: int) -> list[tuple[int, str]]:
    """``Membership.objects.filter(user=...).values_list("agency_id", "role")`` as plain SQL: every
    signed-in request runs it, and building the ORM query costs several times running it."""
    q = connection.ops.quote_name
    meta = Membership._meta
    col = {name: q(meta.get_field(name).column) for name in ("agency", "role", "user")}
    with connection.cursor() as c:
        c.execute(
            f"SELECT {col['agency']}, {col['role']} FROM {q(meta.db_table)} WHERE {col['user']} = %s",
            [user_id],
        )
        return c.fetchall()
