"""Outgoing e-mail: rendered in the recipient's language, delivered by the task worker.

`send_email_later()` is the way the apps send mail (`send_email_now()` inside the worker).
With the database task backend (production, `make run`) the delivery task is a row written
in the caller's transaction: it is committed with the registration or request it belongs
to, or rolled back with it, so a crash never loses a message nor sends one for data that
was not saved. With a backend that runs tasks on the spot (tests), delivery waits for the
commit (`transaction.on_commit`).

If the mail server is down, `deliver_email` schedules itself again with a growing delay
(EMAIL_RETRY_SECONDS, doubled each time, at most an hour); after MAX_ATTEMPTS the task is
marked failed, visible in the admin ("Database tasks"). A retry keeps the priority of the
task that sent the message: confirmation e-mails stay first in line.

`send_email_now()` is for code that already runs in the worker (a task that renders a
message): it tries the mail server at once and, if it is down, hands the message to
`deliver_email` for the retries above, so a message costs one task instead of two.

Sent once, even when the worker dies (the worker of
`colloque/management/commands/db_worker.py` runs each task inside `running_task()`):
- every message has a Message-ID under the site's domain, fixed before the first attempt
  and kept by its retries; a message sent by a task is named after the task's id and its
  rank in the task, so the task run again renders the same Message-ID;
- once the mail server has accepted a message (or it has been handed to a retry), its
  Message-ID is written in the task's row (`return_value`, which the library overwrites
  with the result when the task ends), and a task run again skips the messages its row
  lists. A worker killed between the server's answer and that write (a few milliseconds)
  sends the message twice, with the same Message-ID, which mail systems take as one.

A mail server that accepts connections and never answers costs EMAIL_TIMEOUT seconds per
attempt. After EMAIL_BREAKER_FAILURES failures in a row, this process stops trying for
EMAIL_BREAKER_SECONDS (doubled while it keeps failing, at most ten times): messages are
handed to `deliver_email` for when it tries again, without using an attempt, and the queue
orders them by priority then.

No private link's token, ticket or badge is stored with a message (a task row is read by
whoever reads the database, its backups and the admin's task pages). The sender names each
such value with `Recomputed` (a function marked `@recomputable` and its public arguments,
e.g. a registration's reference): a message kept in a row holds a marker in its place, and
an attachment that carries one (a ticket's QR code, a badge) holds the function's name and
arguments instead of its bytes. The delivery calls the function again and sends the real
link and file. The marker names a random number drawn for the message: text a user wrote in
the message cannot ask for a value. A message delivered at once (the usual case) is sent as
rendered, and nothing is recomputed.
"""

import base64
import contextlib
import datetime as dt
import logging
import smtplib
import time
import urllib.parse
import uuid
from email.headerregistry import Address
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, connection, transaction
from django.tasks import task
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_noop

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def _retry_delay(attempt: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(settings.EMAIL_RETRY_SECONDS * 2 ** (attempt - 1), 3600))


def site_domain() -> str:
    return urllib.parse.urlsplit(settings.SITE_URL).hostname or "localhost"


# The task the worker is running (one at a time per process): see running_task().
_current: dict = {}


@contextlib.contextmanager
def running_task(*, task_id: str, priority: int, sent: list[str] = ()):
    """Run by the worker around each task: its messages are named after `task_id`, keep its
    `priority` in their retries, and those listed in `sent` (the row's marker, left by an
    earlier run of the same task) are not sent again."""
    _current.update(task_id=str(task_id), priority=priority, sent=list(sent), count=0)
    try:
        yield _current
    finally:
        _current.clear()


def _message_id() -> str:
    if _current:
        _current["count"] += 1
        return f"<{_current['task_id']}.{_current['count']}@{site_domain()}>"
    return make_msgid(domain=site_domain())


def _mark_sent(message_id: str) -> None:
    """Write in the running task's row that this message is done with (see the docstring)."""
    if not _current:
        return
    from django_tasks_db.models import DBTaskResult

    _current["sent"].append(message_id)
    DBTaskResult.objects.filter(id=_current["task_id"]).update(
        return_value={"sent": _current["sent"]})


def _already_sent(message_id: str) -> bool:
    return bool(_current) and message_id in _current["sent"]


class CircuitBreaker:
    """Per process: after `failures` failed attempts in a row, no attempt for a while."""

    def __init__(self):
        self.failures = 0
        self.open_until = 0.0
        self.pause = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def seconds_left(self) -> float:
        return max(self.open_until - time.monotonic(), 0.0)

    def succeeded(self) -> None:
        self.failures, self.open_until, self.pause = 0, 0.0, 0.0

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= settings.EMAIL_BREAKER_FAILURES:
            base = settings.EMAIL_BREAKER_SECONDS
            self.pause = min(self.pause * 2 or base, base * 10)
            self.open_until = time.monotonic() + self.pause
            logger.warning("Mail server failed %s times in a row: no attempt for %.0f s",
                           self.failures, self.pause)


breaker = CircuitBreaker()


def _render_text(name: str, context: dict) -> str:
    """A plain-text template: nothing is HTML-escaped (« L'Express & Co » stays as it is)."""
    return get_template(name).template.render(Context(context, autoescape=False))


def render_email(*, template: str, context: dict, language: str) -> dict:
    """Render `<template>_subject.txt` and `<template>.txt` as plain text, `<template>.html`
    as HTML (escaped)."""
    context = {"site_url": settings.SITE_URL, "language": language, **context}
    with translation.override(language):
        subject = " ".join(_render_text(f"{template}_subject.txt", context).split())
        text = _render_text(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    return {"subject": subject, "text": text, "html": html}


# The sender's name of the default DEFAULT_FROM_EMAIL, translated for each recipient.
gettext_noop("Colloque mixité sociale")


def sender(language: str) -> str:
    """DEFAULT_FROM_EMAIL with its name in the recipient's language (when the catalogue has
    the name: the default one has; an operator's own name is kept as written)."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    with translation.override(language):
        name = gettext(name) if name else name
    return str(Address(display_name=name, addr_spec=address))


def recomputable(function):
    """Mark `function` as one a stored message may name to get a private value again at
    delivery (see the module docstring). It takes public arguments (JSON values) and
    returns the value (str, or bytes for an attachment), or None when what it belonged to
    is gone (the message is then not sent)."""
    function.recomputable = True
    return function


class Gone(Exception):
    """What a stored message's private value belonged to no longer exists."""


class Recomputed:
    """A private value in a message: `function(*args)`, already known as `value` or computed
    on first use. In a stored message, only the function's name and `args` are kept."""

    def __init__(self, function, *args, value=None):
        if not getattr(function, "recomputable", False):
            raise ValueError(f"{function!r} is not marked @recomputable")
        self.call = f"{function.__module__}.{function.__qualname__}"
        self.function, self.args, self._value = function, list(args), value

    @property
    def value(self):
        if self._value is None:
            self._value = self.function(*self.args)
        return self._value


def _recompute(call: str, args: list):
    function = import_string(call)
    if not getattr(function, "recomputable", False):
        raise ValueError(f"{call} is not marked @recomputable")
    value = function(*args)
    if value is None:
        raise Gone(call)
    return value


def _attachment(name: str, content, mimetype: str) -> dict:
    """An attachment as a message holds it: its bytes (base64) when they are known, and for
    a `Recomputed` one the call that makes them (a value not given yet is made at delivery:
    a message queued by a web request does not build a file its row will not keep)."""
    attachment = {"filename": name, "mimetype": mimetype}
    if isinstance(content, Recomputed):
        attachment["recompute"] = {"call": content.call, "args": content.args}
        content = content._value
    if content is not None:
        attachment["content"] = base64.b64encode(content).decode()
    return attachment


def _message(*, to, template, context, language, attachments=(), reply_to=None,
             headers=None, secrets=()) -> dict:
    message = render_email(template=template, context=context, language=language)
    message.update(
        from_email=sender(language),
        to=[to],
        reply_to=[reply_to] if reply_to else [],
        headers=dict(headers or {}),
        message_id=_message_id(),
        priority=_current.get("priority", 0),
        attachments=[_attachment(*attachment) for attachment in attachments],
        recomputed=list(secrets),
    )
    return message


_TEXT_FIELDS = ("subject", "text", "html")


def _stored(message: dict) -> dict:
    """The message as a task row keeps it: each private value replaced by a marker, each
    attachment that carries one by the name of the function that makes it again."""
    stored = {key: value for key, value in message.items() if key != "recomputed"}
    stored["attachments"] = [
        {key: value for key, value in attachment.items() if key != "content"}
        if "recompute" in attachment else attachment
        for attachment in message.get("attachments", [])
    ]
    nonce = uuid.uuid4().hex
    specs = list(message.get("secrets", []))  # a message stored before: already markers
    for secret in message.get("recomputed", []):
        marker = f"[[{nonce}.{len(specs)}]]"
        value = secret.value
        if not value:
            continue
        for field in _TEXT_FIELDS:
            stored[field] = stored[field].replace(value, marker)
        stored["headers"] = {name: text.replace(value, marker)
                             for name, text in stored["headers"].items()}
        specs.append({"marker": marker, "call": secret.call, "args": secret.args})
    if specs:
        stored["secrets"] = specs
    return stored


def _expanded(message: dict) -> dict:
    """A stored message with its private values and attachments made again (a copy: the
    stored one is handed to its next attempt as it is)."""
    if not message.get("secrets") and not any(
            "recompute" in attachment for attachment in message.get("attachments", [])):
        return message
    message = {**message, "headers": dict(message.get("headers") or {})}
    for spec in message.pop("secrets", []):
        value = _recompute(spec["call"], spec["args"])
        for field in _TEXT_FIELDS:
            message[field] = message[field].replace(spec["marker"], value)
        message["headers"] = {name: text.replace(spec["marker"], value)
                              for name, text in message["headers"].items()}
    message["attachments"] = [
        {**attachment, "content": base64.b64encode(
            _recompute(attachment["recompute"]["call"], attachment["recompute"]["args"])
        ).decode()} if "content" not in attachment else attachment
        for attachment in message.get("attachments", [])
    ]
    return message


def send_email_now(**email) -> None:
    """Render now, deliver once the caller's transaction is committed (at once outside one).

    Same arguments as `send_email_later`. If the mail server is down (or the circuit breaker
    is open), the message goes to `deliver_email` for the retries. Only for code running in
    the worker: a web request would wait for the mail server.
    """
    message = _message(**email)
    transaction.on_commit(lambda: _deliver(message, attempt=1))


def send_email_later(
    *,
    to: str,
    template: str,
    context: dict,
    language: str,
    attachments: list[tuple[str, bytes, str]] = (),
    reply_to: str | None = None,
    headers: dict | None = None,
    secrets: list[Recomputed] = (),
) -> None:
    """Render now, deliver through the task queue (see the module docstring).

    `reply_to`: where an answer goes (default: settings.REPLY_TO_EMAIL, read by a person).
    `headers`: extra headers for this message, e.g. `{"List-Unsubscribe": "<https://…>"}`
    for a mailing; they are added to Message-ID, Auto-Submitted and Reply-To, and replace
    them if they name one of those.
    `secrets`: the private values the message carries (links' tokens), as `Recomputed`;
    an attachment that carries one is given as `(name, Recomputed(...), mimetype)`. The
    stored message holds neither (see the module docstring).
    """
    message = _stored(_message(
        to=to, template=template, context=context, language=language,
        attachments=attachments, reply_to=reply_to, headers=headers, secrets=secrets))
    if deliver_email.get_backend().supports_defer:
        deliver_email.enqueue(message=message)
    else:
        transaction.on_commit(lambda: deliver_email.enqueue(message=message))


def build_message(message: dict) -> EmailMultiAlternatives:
    """The message dict as queued: subject, text, html, to, and optionally reply_to,
    attachments (base64, or `recompute`), headers (dict), message_id, secrets (markers and
    what replaces them). Raises Gone when a private value's owner no longer exists."""
    message.setdefault("message_id", make_msgid(domain=site_domain()))  # queued before 27/11
    message = _expanded(message)
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["text"],
        from_email=message.get("from_email") or settings.DEFAULT_FROM_EMAIL,  # queued before
        to=message["to"],
        reply_to=message.get("reply_to") or [settings.REPLY_TO_EMAIL],
        headers={
            "Message-ID": message["message_id"],
            "Auto-Submitted": "auto-generated",
            **(message.get("headers") or {}),
        },
    )
    email.attach_alternative(message["html"], "text/html")
    for attachment in message.get("attachments", []):
        email.attach(
            attachment["filename"],
            base64.b64decode(attachment["content"]),
            attachment["mimetype"],
        )
    return email


@task()
def deliver_email(*, message: dict, attempt: int = 1) -> str:
    return _deliver(message, attempt=attempt)


def _deliver(message: dict, *, attempt: int) -> str:
    message.setdefault("message_id", make_msgid(domain=site_domain()))  # queued before 27/11
    if _already_sent(message["message_id"]):
        return "already sent"
    try:
        email = build_message(message)
    except Gone as gone:  # e.g. the registration was erased while the mail server was down
        logger.info("E-mail %s not sent: %s found nothing", message["message_id"], gone)
        return "gone"
    retry = deliver_email.using(priority=message.get("priority", 0))
    can_wait = retry.get_backend().supports_defer
    if can_wait and breaker.is_open():
        _hand_over(message, attempt=attempt,
                   run_after=timezone.now() + dt.timedelta(seconds=breaker.seconds_left()))
        return "mail server paused"
    try:
        email.send(fail_silently=False)
    except MAIL_ERRORS as exc:
        if not isinstance(exc, smtplib.SMTPRecipientsRefused):  # the address, not the server
            breaker.failed()
        if attempt >= MAX_ATTEMPTS or not can_wait:
            logger.error("E-mail to %s not delivered after %s attempts: %s",
                         message["to"], attempt, exc)
            raise
        logger.warning("E-mail to %s failed (%s); attempt %s scheduled",
                       message["to"], exc, attempt + 1)
        _hand_over(message, attempt=attempt + 1,
                   run_after=timezone.now() + _retry_delay(attempt))
        return "retry scheduled"
    breaker.succeeded()
    _record(_mark_sent, message["message_id"])
    return "sent"


def _hand_over(message: dict, *, attempt: int, run_after: dt.datetime) -> None:
    """Queue the message's next attempt and mark it done in this task, in one transaction."""
    def hand_over():
        with transaction.atomic():
            deliver_email.using(priority=message.get("priority", 0), run_after=run_after
                                ).enqueue(message=_stored(message), attempt=attempt)
            _mark_sent(message["message_id"])
    _record(hand_over)


def _record(write, *args, tries: int = 6) -> None:
    """A write after the mail server has answered: retried through a short database outage
    (1 + 2 + 4 + 8 + 16 s), since the message is out and only this write remembers it."""
    for attempt in range(tries):
        try:
            return write(*args)
        except DatabaseError:
            if attempt == tries - 1:
                raise
            logger.warning("Database unavailable after sending an e-mail; trying again")
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()
            time.sleep(2 ** attempt)
