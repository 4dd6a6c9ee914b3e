"""The site's one page cache: rendered fragments on the shared backend (``CACHES["default"]``, from
``CACHE_URL``), invalidated by the code that changes data.

**Generations.** Each app's data is a *namespace* (``"collection"``, ``"program"``, ``"results"``,
``"assessment"``, ``"orgs"``…) with a *generation*: a random token stored in the cache. A fragment's
key holds the generations of the namespaces it reads (read in ONE ``get_many``), the language and
its own parameters (object ids, date, audience or rights). A change gives its namespace a new
generation, so the next request misses and renders afresh; old entries are never served again and
age out (``TTL``). A generation is a fresh random token, never a counter: a generation the backend
dropped (a file cache culls at random) is replaced by a new token, never by one an old entry holds.

**Who bumps.** A namespace is bumped when the transaction that changed it commits
(``transaction.on_commit``, once per transaction and namespace; a rolled-back transaction bumps
nothing). Three triggers, one mechanism:

- every service that changes data writes an audit row through :func:`chiso.orgs.audit.record`
  (or :func:`~chiso.orgs.audit.record_many`), which bumps the namespace of the target's (and
  parent's) app — this covers bulk writes and ``UPDATE`` statements made by the services;
- a row saved or deleted through the ORM outside a service (the Django admin, the loaders and
  management commands, fixtures) bumps its app through the model signals connected by
  :func:`watch_models` (rows no cached page reads are left out: ``UNWATCHED``; a row shown on another
  app's pages — an evidence file, on its owner's — names that app in ``cache_namespace``);
- anything else (a bulk write with no audit row) calls :func:`bump` itself.

A write made outside chiso (a SQL shell) is seen when the entries expire: ``TTL`` bounds it.

**CSRF.** A cached body must not depend on the request. Forms in it are rendered with a one-off
slot where the reader's token goes (:func:`render_body`); :func:`with_csrf` puts the token in per
request. That is the only per-reader part; every page that caches a body with forms uses these two.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# How long a fragment lives at most: the bound on a write made outside chiso (seconds).
TTL = 600
GENERATION_PREFIX = "chiso:gen:"
FRAGMENT_PREFIX = "chiso:page:"

# Apps whose rows cached pages read, and the rows of those apps that none reads (written on every
# sign-in, notice or audit write: they must not empty the cache).
WATCHED_APPS = frozenset({"orgs", "collection", "results", "program", "assessment"})
UNWATCHED = frozenset({"orgs.loginattempt", "orgs.auditentry", "orgs.notice"})


def _new_token() -> str:
    return secrets.token_hex(8)


def generations(namespaces: Iterable[str]) -> tuple[str, ...]:
    """The current generation of each namespace, in order: one ``get_many`` (plus one ``add`` for a
    namespace the cache does not hold yet)."""
    names = list(namespaces)
    keys = [GENERATION_PREFIX + n for n in names]
    found = cache.get_many(keys)
    for k in keys:
        if k not in found:
            cache.add(k, _new_token(), None)
            found[k] = cache.get(k) or _new_token()  # a backend that drops at once: a miss every time
    return tuple(found[k] for k in keys)


def _bump_now(namespaces: Iterable[str]) -> None:
    cache.set_many({GENERATION_PREFIX + n: _new_token() for n in namespaces}, None)


class _Bump:
    """The on-commit callback of one namespace (recognised in the pending list: one per transaction)."""

    def __init__(self, namespace: str):
        self.namespace = namespace

    def __call__(self) -> None:
        _bump_now([self.namespace])


def _in_testcase(conn) -> bool:
    """Whether the outermost atomic block is a Django TestCase's, which never commits: there a change
    counts as committed once written (Django itself sets these blocks apart for ``durable`` atomics).
    Commit and rollback behave as in production under a TransactionTestCase."""
    return bool(conn.atomic_blocks) and getattr(conn.atomic_blocks[0], "_from_testcase", False)


def bump(*namespaces: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Give ``namespaces`` new generations when the current transaction commits (at once outside one)."""
    conn = connections[using]
    if not conn.in_atomic_block or _in_testcase(conn):
        _bump_now(namespaces)
        return
    pending = {getattr(entry[1], "namespace", None) for entry in conn.run_on_commit}  # (savepoints, func, …)
    for ns in dict.fromkeys(namespaces):
        if ns not in pending:
            transaction.on_commit(_Bump(ns), using=using)


def namespace_of(label: str) -> str:
    """The namespace of a model label (``"program.task"`` → ``"program"``)."""
    return label.partition(".")[0]


def _row_changed(sender, **kwargs) -> None:
    meta = sender._meta
    using = kwargs.get("using") or DEFAULT_DB_ALIAS
    # a row shown on another app's pages names that app (``cache_namespace``: evidence, on its owner's)
    owner = getattr(kwargs.get("instance"), "cache_namespace", None)
    if owner:
        bump(owner, using=using)
    elif meta.app_label in WATCHED_APPS and meta.label_lower not in UNWATCHED:
        bump(meta.app_label, using=using)


def watch_models() -> None:
    """Bump a namespace on every ORM save or delete of its rows (the admin, loaders, fixtures)."""
    for name, signal in (("save", post_save), ("delete", post_delete), ("m2m", m2m_changed)):
        signal.connect(_row_changed, dispatch_uid=f"chiso-cache-{name}")


def key(name: str, namespaces: Iterable[str], parts: Iterable[Any] = ()) -> str:
    """The key of fragment ``name``: the namespaces' generations, the language and ``parts``."""
    raw = repr((generations(namespaces), get_language() or "", tuple(str(p) for p in parts)))
    return FRAGMENT_PREFIX + name + ":" + hashlib.sha256(raw.encode()).hexdigest()


def fragment(
    name: str,
    namespaces: Iterable[str],
    parts: Iterable[Any],
    build: Callable[[], Any],
    *,
    size: Callable[[Any], int] | None = None,
    max_size: int | None = None,
) -> Any:
    """The cached ``build()`` (picklable: rendered HTML, flags) of fragment ``name`` for ``parts``,
    reading ``namespaces``; built and stored on a miss. With ``max_size``, a value whose ``size()``
    is larger is returned but not stored (a body of a thousand rows gains little from the cache)."""
    k = key(name, namespaces, parts)
    value = cache.get(k)
    if value is None:
        value = build()
        if max_size is None or size is None or size(value) <= max_size:
            cache.set(k, value, TTL)
    return value


def render_body(template: str, context: dict) -> tuple[str, ...]:
    """Render ``template`` for the cache without the request: the forms' CSRF token (``{% csrf_token %}``)
    left as slots. Returns the HTML's pieces between the slots, for :func:`with_csrf`."""
    slot = "csrf" + secrets.token_hex(16)  # a one-off slot: no data can contain it
    return tuple(render_to_string(template, {**context, "csrf_token": slot}).split(slot))


def with_csrf(body: tuple[str, ...], request) -> SafeString:
    """A cached body (:func:`render_body`) with the reader's CSRF token in its slots."""
    return mark_safe(get_token(request).join(body))  # noqa: S308 (our own render; the token is hex)
