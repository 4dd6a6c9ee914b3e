"""Telling people: the one way to write a notice (docs/web.md, "Notices and e-mail").

``tell(users, text, url, kind)`` writes one in-app notice per person and, for each person whose
``NoticePreference`` asks for e-mail for this ``kind`` and who has an address, queues one e-mail. The
e-mail is queued with ``chiso.lib.tasks.enqueue``: it is handed to the worker when the transaction
commits (a step that rolls back sends nothing) and sent by the worker, so a request never waits on
the mail server. A send that fails is logged and the worker delivers it again (``Q_CLUSTER``
``retry``/``max_attempts``); the step that told stays done.

``text`` is a function returning the message: it is called once per language of the recipients,
inside ``translation.override``, so each person reads the notice and the e-mail in their language.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from chiso.lib import tasks

from .models import Notice, NoticeKind, NoticePreference

__all__ = ["NoticeKind", "Told", "preference", "send", "tell"]

log = logging.getLogger(__name__)

SEND = "chiso.orgs.notify.send"
SUBJECT_CHARS = 100


def preference(user) -> NoticePreference:
    """The user's saved choice, or the defaults (unsaved) when they never chose."""
    try:
        return user.notice_preference
    except NoticePreference.DoesNotExist:
        return NoticePreference(user=user)


@dataclass(frozen=True)
class Told:
    """What ``tell`` did: the notices written and the addresses an e-mail was queued to (sorted)."""

    notices: list[Notice]
    emailed: list[str]


def tell(users: Iterable, text: Callable[[], str], url: str, kind: str) -> Told:
    """Notify ``users`` (users or user ids; each once): a notice in the app linking to ``url`` (a
    path of this site), and an e-mail to those who chose it for ``kind`` (a ``NoticeKind``)."""
    kind = NoticeKind(kind).value
    ids = {getattr(u, "pk", u) for u in users}
    chosen = {p.user_id: p for p in NoticePreference.objects.filter(user_id__in=ids)}
    by_language: dict[str, list] = defaultdict(list)
    for user in get_user_model().objects.filter(pk__in=ids).order_by("pk"):
        pref = chosen.get(user.pk) or NoticePreference(user_id=user.pk)
        by_language[pref.language].append((user, pref))
    notices, emailed = [], []
    for language, group in sorted(by_language.items()):
        with translation.override(language):
            message = str(text())
            notices += [Notice(user=user, text=message[:500], url=url) for user, _pref in group]
            for user, pref in group:
                if user.is_active and user.email and pref.by_email(kind):
                    subject, body = _email(message, url, kind)
                    tasks.enqueue(SEND, user.email, subject, body, name=f"notice-mail-{kind}")
                    emailed.append(user.email)
    return Told(Notice.objects.bulk_create(notices), sorted(set(emailed)))


def _email(message: str, url: str, kind: str) -> tuple[str, str]:
    """Subject and plain-text body in the active language: the message, the absolute link, why."""
    root = settings.SITE_ROOT.rstrip("/")
    line = " ".join(message.split())  # a subject is one line
    if len(line) > SUBJECT_CHARS:
        line = line[: SUBJECT_CHARS - 1].rstrip() + "…"
    subject = f"[{settings.SITE_NAME}] {line}"
    parts = [message.strip()]
    if url:
        parts.append(_("Xem tại: {link}").format(link=root + url))
    parts.append(
        "-- \n"
        + _("Thư tự động, xin đừng trả lời. Bạn nhận thư này vì đã chọn nhận thư cho loại thông báo “{kind}”; "
            "đổi lựa chọn tại: {link}").format(kind=NoticeKind(kind).label, link=root + reverse("notice_settings"))
    )
    return subject, "\n\n".join(parts) + "\n"


def send(to: str, subject: str, body: str) -> None:
    """The worker's task: send one e-mail. A failure is logged and raised, so the worker delivers
    the task again later (up to ``Q_CLUSTER["max_attempts"]`` runs)."""
    try:
        EmailMessage(subject, body, None, [to]).send()
    except Exception:
        log.warning("notice e-mail not sent (the worker will try again): %s", subject, exc_info=True)
        raise
