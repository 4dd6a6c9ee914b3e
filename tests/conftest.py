"""Shared pytest configuration. Django is configured by pytest-django from pyproject.toml
(DJANGO_SETTINGS_MODULE); engine tests never touch the database."""
