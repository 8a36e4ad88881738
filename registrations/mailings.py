"""Mailings: « Équipe OPMIRE » writes to a segment, one e-mail per person, in their language.

`recipients()` reads a segment (confirmed attendees, a workshop, a waiting list, accredited
press, those who asked for news), one entry per address. `mailing_send()` records the sending
(a `Mailing` and a line of the staff journal) and queues `deliver_mailing`, which the worker
runs: it renders each message and hands it to `colloque.mail.send_email_later` (the queued,
retried delivery of every other e-mail). The « news » segment carries an unsubscribe link
(`unsubscribe_token`), which also unsubscribes with one POST (RFC 8058).
"""

import dataclasses

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import translation

from colloque import audit
from colloque.mail import Recomputed, recomputable, render_email, send_email_later
from press.models import AccreditationRequest
from program.models import Event, Session

from .models import Mailing, Registration

Segment = Mailing.Segment
TEMPLATE = "registrations/emails/mailing"
SEGMENTS_WITH_WORKSHOP = (Segment.WORKSHOP, Segment.WORKSHOP_WAITLIST)
_UNSUBSCRIBE_SALT = "registrations.news-unsubscribe"


@dataclasses.dataclass(frozen=True)
class Recipient:
    email: str
    first_name: str
    language: str
    reference: str = ""  # a registration's, for the « news » unsubscribe link


def _registrations(event: Event, segment: str, workshop: Session | None):
    Status = Registration.Status
    found = Registration.objects.filter(event=event, anonymised_at__isnull=True)
    if segment == Segment.CONFIRMED:
        return found.filter(status=Status.CONFIRMED)
    if segment == Segment.WORKSHOP:
        return found.filter(status=Status.CONFIRMED, workshop=workshop,
                            workshop_waitlist_seq__isnull=True)
    if segment == Segment.DAY_WAITLIST:
        return found.filter(status=Status.WAITLISTED)
    if segment == Segment.WORKSHOP_WAITLIST:
        return found.filter(status=Status.CONFIRMED, workshop=workshop,
                            workshop_waitlist_seq__isnull=False)
    if segment == Segment.NEWS:  # whoever asked, whatever became of their registration
        return Registration.objects.filter(wants_news=True, anonymised_at__isnull=True)
    raise ValueError(segment)


def recipients(*, event: Event, segment: str, workshop: Session | None = None) -> list[Recipient]:
    """The people of `segment`, one per address (the most recent registration's language)."""
    if segment in SEGMENTS_WITH_WORKSHOP and workshop is None:
        return []
    if segment == Segment.PRESS:
        rows = (AccreditationRequest.objects.filter(event=event).approved()
                .order_by("-created_at").values_list("email", "first_name", "language"))
        people = [Recipient(email, first_name, language) for email, first_name, language in rows]
    else:
        rows = (_registrations(event, segment, workshop).order_by("-created_at", "-pk")
                .values_list("email", "first_name", "language", "reference"))
        people = [Recipient(*row) for row in rows]
    seen, unique = set(), []
    for person in people:
        if person.email.lower() not in seen:
            seen.add(person.email.lower())
            unique.append(person)
    return unique


@recomputable  # the queued message holds a marker in its place (colloque.mail.Recomputed)
def unsubscribe_token(reference: str) -> str:
    return signing.Signer(salt=_UNSUBSCRIBE_SALT).sign(reference)


def reference_from_unsubscribe_token(token: str) -> str | None:
    try:
        return signing.Signer(salt=_UNSUBSCRIBE_SALT).unsign(token[:100])
    except signing.BadSignature:
        return None


def unsubscribe_url(reference: str, language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse("registrations:unsubscribe",
                                           kwargs={"token": unsubscribe_token(reference)})


def _context(mailing: Mailing, person: Recipient) -> dict:
    subject, body = mailing.text_for(person.language)
    news = mailing.segment == Segment.NEWS and person.reference
    return {"subject": subject, "body": body, "first_name": person.first_name,
            "event": mailing.event,
            "unsubscribe_url": unsubscribe_url(person.reference, person.language) if news else ""}


def preview(mailing: Mailing, language: str) -> dict:
    """The message as a person writing in `language` will get it (subject, text, html)."""
    sample = Recipient(email="", first_name="Camille", language=language,
                       reference="APERCU" if mailing.segment == Segment.NEWS else "")
    return render_email(template=TEMPLATE, context=_context(mailing, sample), language=language)


@transaction.atomic
def mailing_send(*, mailing: Mailing, by) -> Mailing:
    """Record the mailing (who, when, how many: `Mailing` and the staff journal) and queue its
    delivery, committed with the record. Returns the saved mailing."""
    mailing.sent_by = by
    mailing.recipients = len(recipients(event=mailing.event, segment=mailing.segment,
                                        workshop=mailing.workshop))
    mailing.save()
    audit.record(user=by, kind=audit.Kind.MAILING, count=mailing.recipients,
                 description=f"Envoi groupé n° {mailing.pk} ({mailing.get_segment_display()})")
    if deliver_mailing.get_backend().supports_defer:
        deliver_mailing.enqueue(mailing_id=mailing.pk)
    else:
        transaction.on_commit(lambda: deliver_mailing.enqueue(mailing_id=mailing.pk))
    return mailing


@task(priority=-5)
def deliver_mailing(*, mailing_id: int) -> str:
    """In the worker: one message per person of the segment as it stands now, each handed to
    the queued delivery (`send_email_later`: one task per message, retried on failure)."""
    mailing = Mailing.objects.select_related("event").get(pk=mailing_id)
    people = recipients(event=mailing.event, segment=mailing.segment, workshop=mailing.workshop)
    for person in people:
        context = _context(mailing, person)
        headers, secrets = None, []
        if context["unsubscribe_url"]:  # RFC 2369 and RFC 8058 (one-click, by mail clients)
            headers = {"List-Unsubscribe": f"<{context['unsubscribe_url']}>",
                       "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
            secrets = [Recomputed(unsubscribe_token, person.reference)]
        with transaction.atomic():
            send_email_later(to=person.email, template=TEMPLATE, context=context,
                             language=person.language, headers=headers, secrets=secrets)
    return f"{len(people)} queued"


@transaction.atomic
def news_unsubscribe(*, reference: str) -> int:
    """Stop the news for the address of registration `reference` (all its registrations).
    Returns how many registrations changed."""
    email = (Registration.objects.filter(reference=reference)
             .values_list("email", flat=True).first())
    if not email:
        return 0
    return Registration.objects.filter(email__iexact=email, wants_news=True).update(
        wants_news=False)
