"""The registrant's e-mails, rendered from the registration as it stands when they are sent.

Services do not render anything: they queue `tasks.send_registration_email` in their
transaction (see `tasks.py`), and the worker renders the message and delivers it at once
(`colloque.mail.send_email_now`: one task per message, retries through the queue).
Seat-changing transactions stay short, and a slow template, QR code or calendar never holds
the event lock.

Neither the task row nor a message kept for a retry holds the private link's token or the
ticket: the message names them by the registration's reference (`colloque.mail.Recomputed`,
the functions marked `@recomputable` below), and its delivery makes them again.
"""


from django.conf import settings
from django.urls import reverse
from django.utils import translation

from colloque.mail import Recomputed, recomputable, send_email_now

from .models import Registration, hash_token, link_token
from .selectors import waitlist_position
from .tickets import ticket_calendar, ticket_qr_png


def absolute_url(name: str, *, token: str, language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs={"token": token})


def current_link_token(registration: Registration) -> str:
    """The registration's private-link token (`models.link_token`), for an e-mail.

    The stored digest is brought in line if the secret key has changed since: the link
    then changes too, and this e-mail carries the new one.
    """
    token = link_token(registration.reference)
    if registration.token_hash != hash_token(token):
        registration.token_hash = hash_token(token)
        Registration.objects.filter(pk=registration.pk).update(
            token_hash=registration.token_hash)
    return token


@recomputable
def stored_link_token(reference: str) -> str | None:
    """The private link's token for a message kept while the mail server was down, brought
    in line with the stored digest as `current_link_token` does (a query: only messages
    delivered late pay it). None once the registration is gone or anonymised."""
    token = link_token(reference)
    found = Registration.objects.filter(reference=reference, anonymised_at__isnull=True)
    digest = found.values_list("token_hash", flat=True).first()
    if digest is None:
        return None
    if digest != hash_token(token):  # SECRET_KEY changed since the message was written
        found.update(token_hash=hash_token(token))
    return token


def _link_secret(registration: Registration, token: str) -> Recomputed:
    return Recomputed(stored_link_token, registration.reference, value=token)


def send_confirm_request(registration: Registration, *, token: str | None = None,
                         again: bool = False):
    """`token`: the link's token when the caller has it (else `current_link_token`)."""
    token = token or current_link_token(registration)
    send_email_now(
        to=registration.email,
        template="registrations/emails/confirm_request",
        context={
            "registration": registration, "event": registration.event,
            "workshop": registration.workshop, "again": again,
            "confirm_url": absolute_url("registrations:confirm", token=token,
                                        language=registration.language),
            "hold_minutes": settings.REGISTRATION_HOLD_MINUTES,
            "position": waitlist_position(registration),
            "day_waitlist": registration.event_waitlist_seq is not None,
            "holds_workshop": registration.holds_workshop_seat,
        },
        language=registration.language,
        secrets=[_link_secret(registration, token)],
    )


@recomputable
def stored_ticket_qr(reference: str) -> bytes:
    """The ticket's QR code (it holds only the signed reference: nothing to read)."""
    return ticket_qr_png(Registration(reference=reference))


@recomputable
def stored_ticket_calendar(reference: str, language: str) -> bytes | None:
    """The calendar file as it stands when a late message is delivered (its link is the
    manage link)."""
    registration = (Registration.objects.select_related("event", "workshop")
                    .filter(reference=reference, anonymised_at__isnull=True).first())
    if registration is None:
        return None
    with translation.override(language):
        return ticket_calendar(registration, absolute_url(
            "registrations:manage", token=link_token(reference), language=language))


def _ticket_attachments(registration: Registration, manage_url: str) -> list:
    """The ticket's QR code and the calendar file, for someone who holds a day seat."""
    if not registration.has_day_seat:
        return []
    reference, language = registration.reference, registration.language
    return [
        (f"billet-{reference}.png",
         Recomputed(stored_ticket_qr, reference, value=ticket_qr_png(registration)),
         "image/png"),
        (f"{registration.event.slug}.ics",
         Recomputed(stored_ticket_calendar, reference, language,
                    value=ticket_calendar(registration, manage_url)),
         "text/calendar"),
    ]


def _send_ticket_email(registration: Registration, *, template: str,
                       token: str | None = None, **context) -> None:
    """An e-mail about the person's place with their ticket (QR code + .ics) when they hold a
    day seat, the manage link, the practical information and their waiting-list position."""
    token = token or current_link_token(registration)
    language = registration.language
    manage_url = absolute_url("registrations:manage", token=token, language=language)
    with translation.override(language):  # link and calendar in their language
        practical_url = settings.SITE_URL + reverse("program:page", args=["infos-pratiques"])
        attachments = _ticket_attachments(registration, manage_url)
    send_email_now(
        to=registration.email,
        template=template,
        context={
            "registration": registration, "event": registration.event,
            "workshop": registration.workshop, "manage_url": manage_url,
            "practical_url": practical_url, "position": waitlist_position(registration),
            **context,
        },
        language=language,
        attachments=attachments,
        secrets=[_link_secret(registration, token)],
    )


def send_reminder(registration: Registration):
    """A few days before the event: the ticket, the workshop and its room, how to come, and
    « Je ne pourrai pas venir » (a link to a confirmation page, which frees the seats). Someone
    on the day's waiting list is told where they stand, with the same link."""
    token = current_link_token(registration)
    _send_ticket_email(registration, template="registrations/emails/reminder", token=token,
                       release_url=absolute_url("registrations:release", token=token,
                                                language=registration.language))


def send_attestation(registration: Registration):
    """The certificate of attendance (PDF), sent at staff's request."""
    from .attestation import attestation_filename, attestation_pdf

    send_email_now(
        to=registration.email,
        template="registrations/emails/attestation",
        context={"registration": registration, "event": registration.event},
        language=registration.language,
        attachments=[(attestation_filename(registration), attestation_pdf(registration),
                      "application/pdf")],
    )


def send_status(registration: Registration, *, token: str | None = None, promoted=False,
                again=False, changed=False):
    """Where the person stands, with the ticket (QR + .ics) when they hold a day seat.

    `changed`: sent after a change of workshop, with the calendar file that names the new one.
    """
    _send_ticket_email(registration, template="registrations/emails/status", token=token,
                       promoted=promoted, again=again, changed=changed)


def send_cancelled(registration: Registration):
    cancelled_by_staff = registration.transitions.filter(
        to_status=Registration.Status.CANCELLED, by__isnull=False).last()
    by_staff = cancelled_by_staff is not None
    reason = cancelled_by_staff.note if by_staff and cancelled_by_staff.note != "by staff" else ""
    send_email_now(
        to=registration.email,
        template="registrations/emails/cancelled",
        context={"registration": registration, "event": registration.event,
                 "by_staff": by_staff, "reason": reason},
        language=registration.language,
    )
