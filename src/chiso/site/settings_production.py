"""Production settings: everything of settings.py, hardened; passes ``manage.py check --deploy``.

Use with ``DJANGO_SETTINGS_MODULE=chiso.site.settings_production``.  SECRET_KEY (or
SECRET_KEY_FILE) is required; the site is expected behind an HTTPS reverse proxy.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import DEVELOPMENT_SECRET_KEY, env_bool, env_int, env_secret, env_str

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production")
if SECRET_KEY == DEVELOPMENT_SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(set(SECRET_KEY)) < 5 \
        or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be a long random secret of this deployment (50 characters or more), not the "
        "development key; make one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "").split(",") if h]
# WhiteNoise serves STATIC_ROOT (run `manage.py collectstatic` at each release); SERVE_STATIC=True
# serves straight from the packages instead.
SERVE_STATIC = env_bool("SERVE_STATIC", False)
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))  # noqa: F405
WHITENOISE_USE_FINDERS = SERVE_STATIC
WHITENOISE_AUTOREFRESH = False

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_REFERRER_POLICY = "same-origin"
# Notices by e-mail go through an SMTP server: EMAIL_HOST names it (no default: `check --deploy` warns,
# chiso.W002, until it is set); EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend states
# that this deployment sends no e-mail (notices stay in the app).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "")
