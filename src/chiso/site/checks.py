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


SMTP = "django.core.mail.backends.smtp.EmailBackend"
LOOPBACK = ("http://127.0.0.1", "http://localhost", "https://127.0.0.1", "https://localhost")


@register(deploy=True)
def check_email(app_configs, **kwargs):
    """Notices go out by e-mail (chiso.orgs.notify): an SMTP backend needs its server, and the links
    in an e-mail need the site's public address."""
    found = []
    if settings.EMAIL_BACKEND == SMTP and not settings.EMAIL_HOST:
        found.append(Warning(
            "EMAIL_HOST is not set: notices chosen by e-mail cannot be sent.",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD or EMAIL_HOST_PASSWORD_FILE, "
                 "EMAIL_USE_TLS, DEFAULT_FROM_EMAIL), or EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend "
                 "to send no e-mail.",
            id="chiso.W002",
        ))
    if settings.SITE_ROOT.startswith(LOOPBACK):
        found.append(Warning(
            f"SITE_ROOT is {settings.SITE_ROOT}: links in e-mails would point at this machine.",
            hint="Set SITE_ROOT to the site's public address, e.g. https://chiso.example.gov.vn.",
            id="chiso.W003",
        ))
    return found
