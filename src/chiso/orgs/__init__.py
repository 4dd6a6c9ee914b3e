"""Organisations and people: units, agencies, memberships and roles, audit, notices."""
