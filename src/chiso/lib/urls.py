"""URL path converters shared by every app."""

from __future__ import annotations

# The largest primary key a database column can hold (bigint on PostgreSQL, INTEGER on SQLite).
MAX_ID = 2**63 - 1


class ObjectIdConverter:
    """``<id:pk>``: a database id; a number too big for the database is not a page (404, not 500).

    Django's ``<int:…>`` accepts any run of digits, and a 20-digit id then fails inside the database
    driver (``OverflowError`` on SQLite, ``bigint out of range`` on PostgreSQL).  Every route of the
    project uses ``<id:…>`` instead (tests/test_architecture.py checks it).
    """

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        n = int(value)
        if n > MAX_ID:
            raise ValueError("id out of range")  # Django treats it as "this route does not match"
        return n

    def to_url(self, value) -> str:
        return str(int(value))
