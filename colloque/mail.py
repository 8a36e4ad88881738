"""Outgoing e-mail: rendered in the recipient's language, delivered by the task worker.

`send_email_later()` is the way the apps send mail (`send_email_now()` inside the worker).
With the database task backend (production, `make run`) the delivery task is a row written
in the caller's transaction: it is committed with the registration or request it belongs
to, or rolled back with it, so a crash never loses a message nor sends one for data that
was not saved. With a backend that runs tasks on the spot (tests), delivery waits for the
commit (`transaction.on_commit`).

If the mail server is down, `deliver_email` schedules itself again with a growing delay;
after MAX_ATTEMPTS the task is marked failed, visible in the admin ("Database tasks").

`send_email_now()` is for code that already runs in the worker (a task that renders a
message): it tries the mail server at once and, if it is down, hands the message to
`deliver_email` for the retries above, so a message costs one task instead of two.
"""

import base64
import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


def _retry_delay(attempt: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2 ** (attempt - 1), 60))


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


def _message(*, to, template, context, language, attachments=(), reply_to=None) -> dict:
    message = render_email(template=template, context=context, language=language)
    message.update(
        to=[to],
        reply_to=[reply_to] if reply_to else [],
        attachments=[
            {"filename": name, "content": base64.b64encode(content).decode(), "mimetype": mime}
            for name, content, mime in attachments
        ],
    )
    return message


def send_email_now(**email) -> None:
    """Render now, deliver once the caller's transaction is committed (at once outside one).

    Same arguments as `send_email_later`. If the mail server is down, the message goes to
    `deliver_email` for the retries. Only for code running in the worker: a web request
    would wait for the mail server.
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
) -> None:
    """Render now, deliver through the task queue (see the module docstring)."""
    message = _message(to=to, template=template, context=context, language=language,
                       attachments=attachments, reply_to=reply_to)
    if deliver_email.get_backend().supports_defer:
        deliver_email.enqueue(message=message)
    else:
        transaction.on_commit(lambda: deliver_email.enqueue(message=message))


def build_message(message: dict) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["text"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message["to"],
        reply_to=message.get("reply_to") or None,
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
    try:
        build_message(message).send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        retry = deliver_email.using(run_after=timezone.now() + _retry_delay(attempt))
        if attempt >= MAX_ATTEMPTS or not retry.get_backend().supports_defer:
            logger.error("E-mail to %s not delivered after %s attempts: %s",
                         message["to"], attempt, exc)
            raise
        logger.warning("E-mail to %s failed (%s); attempt %s scheduled",
                       message["to"], exc, attempt + 1)
        retry.enqueue(message=message, attempt=attempt + 1)
        return "retry scheduled"
    return "sent"
