"""Settings of the chiso web platform.

Every value comes from the environment through the typed readers below; with no
environment at all the site runs on SQLite under ``var/`` (nothing to install).
``DATABASE_URL`` switches to PostgreSQL.  Production settings live in
``settings_production.py`` and pass ``manage.py check --deploy``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/chiso
REPO_DIR = PACKAGE_DIR.parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """Read ``True`` or ``False`` (exactly); anything else is a configuration error."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw == "True":
        return True
    if raw == "False":
        return False
    raise ImproperlyConfigured(f"{name} must be True or False, got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_float(name: str, default: float, lo: float, hi: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None
    if not lo <= value <= hi:  # also refuses nan
        raise ImproperlyConfigured(f"{name} must be between {lo} and {hi}, got {raw!r}")
    return value


def env_secret(name: str, default: str | None = None) -> str | None:
    """Read a secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as e:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {e}") from None
    return os.environ.get(name, default)


def env_cache(name: str, default: str) -> dict:
    """Read a cache from a URL (``CACHE_URL``): one cache that every worker process shares.

    - ``file:///var/lib/chiso/cache`` — files in a folder (one machine, several workers);
    - ``db://chiso_cache`` — a table in the database (run ``createcachetable``);
    - ``redis://host:6379/0`` (or ``rediss://``) — Redis, for several machines;
    - ``locmem://`` — this process only (tests, a single-process server);
    - ``dummy://`` — no cache.
    """
    url = os.environ.get(name) or default
    scheme, sep, rest = url.partition("://")
    backends = {
        "file": "django.core.cache.backends.filebased.FileBasedCache",
        "db": "django.core.cache.backends.db.DatabaseCache",
        "redis": "django.core.cache.backends.redis.RedisCache",
        "rediss": "django.core.cache.backends.redis.RedisCache",
        "locmem": "django.core.cache.backends.locmem.LocMemCache",
        "dummy": "django.core.cache.backends.dummy.DummyCache",
    }
    if not sep or scheme not in backends:
        raise ImproperlyConfigured(
            f"{name} must be one of file:///PATH, db://TABLE, redis://HOST:PORT/DB, locmem://, dummy://; got {url!r}"
        )
    if scheme in ("file", "db") and not rest.strip("/"):
        raise ImproperlyConfigured(f"{name}: {scheme}:// needs a {'folder' if scheme == 'file' else 'table name'}")
    location = {"file": "/" + rest.lstrip("/"), "db": rest.strip("/"), "locmem": rest or "chiso"}.get(scheme, url)
    return {"BACKEND": backends[scheme], "LOCATION": location, "TIMEOUT": env_int("CACHE_TIMEOUT", 3600)}


def _read_version() -> str:
    changelog = REPO_DIR / "CHANGELOG.md"
    try:
        m = re.search(r"^## v([\w.\-]+)", changelog.read_text(encoding="utf-8"), re.M)
    except OSError:
        m = None
    return m.group(1) if m else "dev"


VERSION = _read_version()
DEVELOPMENT_SECRET_KEY = "chiso-development-key-not-for-production"
SECRET_KEY = env_secret("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
# Off unless asked for: a 404 or 500 shows a plain page, never the URL list or a traceback.
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_ROOT = env_str("SITE_ROOT", "http://127.0.0.1:8000")
SITE_NAME = env_str("SITE_NAME", "chiso")

# Writable state (SQLite database, private uploads) lives outside the package.
VAR_DIR = Path(env_str("CHISO_VAR_DIR", str(REPO_DIR / "var")))
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# Where `collectstatic` puts the files WhiteNoise serves in production; unset here, where WhiteNoise
# serves straight from the packages (SERVE_STATIC below), unless STATIC_ROOT is given.
STATIC_ROOT = Path(env_str("STATIC_ROOT")) if env_str("STATIC_ROOT") else None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_q",
    "chiso.orgs",
    "chiso.review",
    "chiso.collection",
    "chiso.results",
    "chiso.api",
    "chiso.program",
    "chiso.reports",
    "chiso.assessment",
    "chiso.site",
]

MIDDLEWARE = [
    "chiso.site.middleware.ServerTimingMiddleware",  # first: it times everything below it
    "django.middleware.security.SecurityMiddleware",
    "chiso.site.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "chiso.lib.db.BusyMiddleware",  # a busy database: 503 + Retry-After, never a 500 (issue 10)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "chiso.orgs.middleware.RequestIdMiddleware",
]

ROOT_URLCONF = "chiso.site.urls"
WSGI_APPLICATION = "chiso.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chiso.orgs.context_processors.chiso",
            ],
            "builtins": ["chiso.lib.templatetags"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chiso.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite is the embedded default and must hold under concurrent writers (gunicorn workers):
    # - a write transaction takes the write lock when it begins (BEGIN IMMEDIATE), so two
    #   transactions never both read and then fail to upgrade to a write ("database is locked");
    # - WAL lets readers go on while one writer writes;
    # - a writer waits up to SQLITE_BUSY_TIMEOUT seconds for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# One sign-in check with one lockout counter (per user name and client address) for every way in.
AUTHENTICATION_BACKENDS = ["chiso.orgs.lockout.LockoutBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)

# Least-cost plans (results.plans): the largest gain of one component score (0–1) in a year when the
# province's own history in the published tables gives none.
CHISO_PLAN_MAX_GAIN = env_float("CHISO_PLAN_MAX_GAIN", 0.10, 0.0, 1.0)

# Language and time: Vietnamese first, English selectable; periods are year/quarter, not datetimes.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "site" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["chiso.site.formats"]
LANGUAGE_COOKIE_NAME = "chiso_language"

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# /static/ is served by the app server itself through WhiteNoise (an intranet install may have no web
# server in front).  SERVE_STATIC=True (the default here) serves straight from the packages' static
# folders; production serves STATIC_ROOT, filled by `collectstatic`.
SERVE_STATIC = env_bool("SERVE_STATIC", True)
WHITENOISE_USE_FINDERS = SERVE_STATIC
WHITENOISE_AUTOREFRESH = DEBUG

# E-mail (notices by e-mail, chiso.orgs.notify; sent by the worker, never by a request): the console
# backend here (development, the demo: an e-mail is printed by the worker); production sends through
# SMTP and `check --deploy` warns until EMAIL_HOST is set (docs/deployment.md). SITE_ROOT above makes
# the links in e-mails absolute.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)  # seconds the worker waits on the mail server
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "chiso@localhost")

# Evidence files: size and type limits (types are an allow-list, see chiso.review.evidence).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024)
# Caps checked before an uploaded workbook is parsed (chiso.lib.imports): a 447 KB file can unpack to
# gigabytes.  Unpacked size of the .xlsx parts, compression ratio of a large part, rows and cells read.
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 1_000_000)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 5000)

# One cache shared by every worker process (CACHE_URL, see env_cache); the default is a folder under var/.
CACHES = {"default": env_cache("CACHE_URL", f"file://{VAR_DIR / 'cache'}")}

SESSION_COOKIE_HTTPONLY = True
# Sessions live in the database only: signing out deletes the row, and no worker can still hold a copy
# (a per-process cached session kept working in other workers after sign-out).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# X-Forwarded-Proto / X-Forwarded-For are believed only when a reverse proxy that we run sets them
# (any client can send these headers).
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
# Content-Security-Policy of every HTML page: scripts, styles, fonts and images from this site only.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Background work (issue 15): Django-Q2 with the database as its broker (the ORM broker); the worker
# is its own process (`qcluster`), never a thread of the web process; `chiso.lib.tasks.enqueue` queues.
# TASK_WORKERS: worker processes of the cluster; TASK_TIMEOUT: seconds a task may run before it is
# stopped; TASK_RETRY: seconds after a task was taken before it is delivered again when it did not
# finish (it raised, or its worker died); TASK_MAX_ATTEMPTS: runs in all before a task is given up.
# A running task's heartbeat older than TASK_RETRY - TASK_TIMEOUT means its worker died: a re-delivered
# task finds it at least that old. See docs/deployment.md.
TASK_TIMEOUT = env_int("TASK_TIMEOUT", 600)
TASK_RETRY = max(env_int("TASK_RETRY", 900), TASK_TIMEOUT + 300)  # a step (a PDF: 120 s at most) beats less often
TASK_STALE_AFTER = TASK_RETRY - TASK_TIMEOUT
Q_CLUSTER = {
    "name": "chiso",
    "orm": "default",
    "workers": env_int("TASK_WORKERS", 1),
    "timeout": TASK_TIMEOUT,
    "retry": TASK_RETRY,
    "max_attempts": max(env_int("TASK_MAX_ATTEMPTS", 3), 1),
    "ack_failures": False,  # a task that raised stays queued and is delivered again (up to max_attempts)
    "poll": 1,  # seconds between the worker's looks at an empty queue
    "catch_up": False,
}
