"""System checks of the deployment (``manage.py check --deploy``)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register

PER_PROCESS_CACHES = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


@register(deploy=True)
def check_shared_cache(app_configs, **kwargs):
    """Several worker processes need one cache: a per-process cache serves each worker its own copy
    (pages cached in one worker are not invalidated in the others)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return [Warning(
            "CACHE_URL gives a cache of this process only; gunicorn's workers will not share it.",
            hint="Set CACHE_URL to file:///var/lib/chiso/cache (one machine), db://chiso_cache or redis://host:6379/0.",
            id="chiso.W001",
        )]
    return []
