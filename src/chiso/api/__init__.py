"""The HTTP API (django-ninja); OpenAPI document at /api/openapi.json."""
