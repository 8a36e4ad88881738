"""Writes of the press app: each accreditation status change goes through here.

A status change goes through `_transition`, which checks it against `models.TRANSITIONS` and
records an `AccreditationTransition`; each decision and answer e-mails the journalist in their
language (`colloque.mail.send_email_later`, delivered after commit). The arrival at the
welcome desk is journalled too (`accreditation_check_in`); anonymisation and erasure change
no status.
"""

import datetime as dt
import hashlib
import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from colloque.mail import Recomputed, recomputable, send_email_later
from colloque.text import normalise_email
from program.models import Event

from .badge import stored_badge_pdf
from .documents import random_document_name, validate_document
from .models import (
    CHECK_IN_NOTE,
    FINAL_STATUSES,
    NOTE_LABELS,
    TRANSITIONS,
    AccreditationRequest,
    AccreditationTransition,
    PressInfo,
    Status,
    current_tokens,
    token_digests,
    unusable_digest,
)

logger = logging.getLogger(__name__)


class AccreditationError(Exception):
    """A refused action, with a message fit for staff or the journalist."""


class AccreditationClosed(AccreditationError):
    pass


class TransitionNotAllowed(AccreditationError):
    def __init__(self, accreditation: AccreditationRequest, to_status: str):
        self.accreditation = accreditation
        self.to_status = to_status
        super().__init__(
            _("%(name)s : impossible de passer de « %(from)s » à « %(to)s ».")
            % {
                "name": accreditation.full_name,
                "from": accreditation.get_status_display(),
                "to": Status(to_status).label,
            }
        )


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _status_url(accreditation: AccreditationRequest) -> str:
    with translation.override(accreditation.language):
        return _absolute(reverse("press:status", kwargs={"token": accreditation.token}))


@recomputable
def stored_status_token(pk: int) -> str | None:
    """The status link's token when a queued e-mail is delivered (the queued message holds
    a marker in its place, see colloque.mail.Recomputed); None once the request is gone."""
    accreditation = AccreditationRequest.objects.filter(pk=pk, anonymised_at__isnull=True).first()
    if accreditation is None:
        return None
    current_tokens(accreditation)
    return accreditation.token


def _email(accreditation: AccreditationRequest, template: str, *, attachments=(), **context):
    """E-mail the journalist; the queued message keeps no token (`stored_status_token`)."""
    current_tokens(accreditation)
    info = PressInfo.objects.for_event(accreditation.event)
    send_email_later(
        to=accreditation.email,
        template=f"press/emails/{template}",
        context={
            "accreditation": accreditation,
            "event": accreditation.event,
            "info": info,
            "status_url": _status_url(accreditation),
            **context,
        },
        language=accreditation.language,
        attachments=list(attachments),
        reply_to=info.contact_email,
        secrets=[Recomputed(stored_status_token, accreditation.pk, value=accreditation.token)],
    )


def _notify_press_office(accreditation: AccreditationRequest, *, answer: str = "") -> None:
    """Tell the press office (PressInfo.contact_email) that a request waits for a decision."""
    info = PressInfo.objects.for_event(accreditation.event)
    if not info.contact_email:
        return
    admin_path = reverse("admin:press_accreditationrequest_change", args=[accreditation.pk])
    send_email_later(
        to=info.contact_email,
        template="press/emails/staff_to_review",
        context={"accreditation": accreditation, "answer": answer,
                 "admin_url": _absolute(admin_path)},
        language=settings.LANGUAGE_CODE,
        reply_to=accreditation.email,
    )


def _transition(
    accreditation: AccreditationRequest,
    to_status: str,
    *,
    by: AbstractBaseUser | None,
    note: str = "",
) -> AccreditationRequest:
    """Move the locked request to `to_status` if `TRANSITIONS` allows it, journalled; a
    final decision deletes the document unless staff keep it."""
    locked = AccreditationRequest.objects.select_for_update().get(pk=accreditation.pk)
    if to_status not in TRANSITIONS[locked.status]:
        raise TransitionNotAllowed(locked, to_status)
    AccreditationTransition.objects.create(
        accreditation=locked, from_status=locked.status, to_status=to_status,
        by=by, note=note,
    )
    locked.status = to_status
    if to_status in FINAL_STATUSES and not locked.keep_documents and locked.assignment_letter:
        name = locked.assignment_letter.name
        storage = locked.assignment_letter.storage
        locked.assignment_letter = ""
        locked.documents_deleted_at = timezone.now()
        transaction.on_commit(lambda: storage.delete(name))
    locked.save()
    return locked


def accreditation_submit(
    *,
    event: Event,
    data: dict,
    document: UploadedFile | None = None,
    language: str,
    now: dt.datetime | None = None,
) -> AccreditationRequest:
    """Record a journalist's request and e-mail them the private status link.

    `data` holds the model fields of the form. Raises AccreditationClosed after the deadline,
    ValidationError for a bad document; in both cases nothing is stored.
    When the address already has a request in progress for the event, nothing is stored
    either: its owner is e-mailed its status link again (`_tell_owner_again`, at most once
    every REGISTRATION_RESEND_COOLDOWN_MINUTES) and that request is returned. The person who
    submitted sees the same page as for a new request: the form tells nobody whether an
    address has asked for accreditation.
    """
    if not event.accreditation_is_open(now):
        raise AccreditationClosed(_("Les demandes d'accréditation sont closes."))
    extension = validate_document(document) if document else None
    if data.get("email"):  # canonical, as the form gives it (ValueError for a bad domain)
        data = {**data, "email": normalise_email(data["email"])}
    accreditation = AccreditationRequest(event=event, language=language, **data)
    if (known := _in_progress(event, accreditation.email)) is not None:
        _tell_owner_again(known)
        return known
    try:
        with transaction.atomic():
            if document:
                accreditation.assignment_letter.save(
                    random_document_name(extension), document, save=False
                )
            accreditation.status = Status.SUBMITTED
            accreditation.full_clean()
            accreditation.save()
            # The tokens derive from the request's number, known once it is inserted.
            for field, value in token_digests(accreditation.pk).items():
                setattr(accreditation, field, value)
            accreditation.save(update_fields=["token_hash", "checkin_token_hash"])
            AccreditationTransition.objects.create(
                accreditation=accreditation, from_status="", to_status=Status.SUBMITTED
            )
            _email(accreditation, "acknowledgement")
            _notify_press_office(accreditation)
    except BaseException as exc:
        if document and accreditation.assignment_letter:
            accreditation.assignment_letter.storage.delete(accreditation.assignment_letter.name)
        if isinstance(exc, (IntegrityError, ValidationError)) and (
            known := _in_progress(event, accreditation.email)
        ) is not None:  # a twin request committed in between
            _tell_owner_again(known)
            return known
        raise
    return accreditation


def _in_progress(event: Event, email: str) -> AccreditationRequest | None:
    """The address's request in progress for the event (the one-active-per-address rule)."""
    return (AccreditationRequest.objects.active().select_related("event")
            .filter(event=event, email=email).first())


def _tell_owner_again(accreditation: AccreditationRequest) -> None:
    """Someone sent the form again with this request's address: tell its owner, with the
    status link, at most once every REGISTRATION_RESEND_COOLDOWN_MINUTES (nobody can fill a
    journalist's mailbox through the form)."""
    minutes = settings.REGISTRATION_RESEND_COOLDOWN_MINUTES
    key = "press-resend:" + hashlib.sha256(accreditation.email.lower().encode()).hexdigest()[:32]
    try:
        if minutes > 0 and not cache.add(key, 1, timeout=minutes * 60):
            return
    except Exception:  # noqa: BLE001 - the cache unreachable: the owner has their link already
        logger.warning("press resend cooldown unreadable: link not sent again", exc_info=True)
        return
    _email(accreditation, "already_submitted")


def accreditations_to_anonymise(*, today: dt.date | None = None):
    today = today or timezone.localdate()
    return AccreditationRequest.objects.filter(
        event__date__lt=today - dt.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS),
        anonymised_at__isnull=True,
    )


def accreditation_purge_expired(*, today: dt.date | None = None) -> int:
    """Anonymise the requests of editions held more than PERSONAL_DATA_RETENTION_DAYS ago and
    delete their documents; status, media type, role and arrival stay for the figures.

    Announced on the form; run daily by `manage.py purge_personal_data`. Returns how many.
    """
    count = 0
    for accreditation in accreditations_to_anonymise(today=today).iterator():
        with transaction.atomic():
            if accreditation.assignment_letter:
                name = accreditation.assignment_letter.name
                storage = accreditation.assignment_letter.storage
                transaction.on_commit(lambda n=name, s=storage: s.delete(n))
            now = timezone.now()
            AccreditationRequest.objects.filter(pk=accreditation.pk).update(
                first_name="", last_name="", email=f"presse-{accreditation.pk}@anonyme.invalid",
                phone="", outlet="", assignment_letter="",
                # A card number or a letter while undecided (a database constraint): a dash.
                press_card_number="" if accreditation.is_final else "-",
                interview_wishes="", token_hash=unusable_digest(),
                checkin_token_hash=unusable_digest(), legacy_token_hash=None,
                legacy_checkin_token_hash=None,
                documents_deleted_at=accreditation.documents_deleted_at or (
                    now if accreditation.assignment_letter else None),
                anonymised_at=now, updated_at=now,
            )
            # What people wrote goes; the services' own notes (the arrival) stay.
            accreditation.transitions.exclude(note__in=NOTE_LABELS).update(note="")
            count += 1
    return count


@transaction.atomic
def accreditation_approve(
    *, accreditation: AccreditationRequest, actor: AbstractBaseUser
) -> AccreditationRequest:
    """Grant the accreditation; e-mail the badge (PDF, drawn when the e-mail is delivered:
    the queued message keeps no badge) and practical instructions."""
    accreditation = _transition(accreditation, Status.APPROVED, by=actor)
    current_tokens(accreditation)
    with translation.override(accreditation.language):
        badge_url = _absolute(reverse("press:badge", kwargs={"token": accreditation.token}))
    _email(
        accreditation, "approved", badge_url=badge_url,
        attachments=[(f"badge-presse-{accreditation.pk}.pdf",
                      Recomputed(stored_badge_pdf, accreditation.pk), "application/pdf")],
    )
    return accreditation


def _required(text: str, missing) -> str:
    """`text` trimmed; AccreditationError(`missing`) when nothing is left."""
    text = (text or "").strip()
    if not text:
        raise AccreditationError(missing)
    return text


def _decide_with_message(
    accreditation: AccreditationRequest, to_status: str, *, actor: AbstractBaseUser,
    message: str, missing: str, template: str,
) -> AccreditationRequest:
    """A decision staff explain to the journalist: the message is required, journalled as
    the step's note and given in the e-mail (`note` in `template`)."""
    message = _required(message, missing)
    accreditation = _transition(accreditation, to_status, by=actor, note=message)
    _email(accreditation, template, note=message)
    return accreditation


@transaction.atomic
def accreditation_reject(
    *, accreditation: AccreditationRequest, actor: AbstractBaseUser, reason: str
) -> AccreditationRequest:
    """Refuse the accreditation; the e-mail gives the reason and the press contact."""
    return _decide_with_message(accreditation, Status.REJECTED, actor=actor, message=reason,
                                missing=_("Indiquez le motif du refus."), template="rejected")


@transaction.atomic
def accreditation_request_info(
    *, accreditation: AccreditationRequest, actor: AbstractBaseUser, message: str
) -> AccreditationRequest:
    """Ask the journalist for more information; they answer through their status link."""
    return _decide_with_message(
        accreditation, Status.INFO_REQUESTED, actor=actor, message=message,
        missing=_("Écrivez la question à poser au ou à la journaliste."),
        template="info_requested")


def accreditation_answer_info(
    *,
    accreditation: AccreditationRequest,
    answer: str,
    document: UploadedFile | None = None,
) -> AccreditationRequest:
    """The journalist answers staff's question: the request goes back to « submitted ».

    A new document replaces the previous one. Nothing is stored if the document is refused.
    """
    answer = _required(answer, _("Écrivez votre réponse."))
    extension = validate_document(document) if document else None
    new_name = None
    try:
        with transaction.atomic():
            accreditation = _transition(
                accreditation, Status.SUBMITTED, by=None, note=answer
            )
            if document:
                old_name = accreditation.assignment_letter.name or ""
                storage = accreditation.assignment_letter.storage
                accreditation.assignment_letter.save(
                    random_document_name(extension), document, save=False
                )
                new_name = accreditation.assignment_letter.name
                accreditation.save(update_fields=["assignment_letter", "updated_at"])
                if old_name:
                    transaction.on_commit(lambda: storage.delete(old_name))
            _email(accreditation, "answer_received", answer=answer)
            _notify_press_office(accreditation, answer=answer)
    except BaseException:
        if new_name:
            accreditation.assignment_letter.storage.delete(new_name)
        raise
    return accreditation


@transaction.atomic
def accreditation_erase(*, accreditation: AccreditationRequest) -> None:
    """Delete the request at the journalist's own request (RGPD erasure), with its history;
    its document goes after commit (`press.documents.delete_stored_document`, post_delete).

    Sends nothing: the press office's list and the security desk's export are read from the
    database and are current at once; a notice naming the journalist would keep in a mailbox
    what they asked to erase, and one without a name would give staff nothing to act on.
    """
    accreditation.delete()


class BadgeNotValid(AccreditationError):
    """A badge shown at the door whose request is not approved (pending or rejected)."""


@transaction.atomic
def accreditation_check_in(*, accreditation: AccreditationRequest, by: AbstractBaseUser) -> bool:
    """The journalist's arrival at the welcome desk, recorded once in `checked_in_at` and
    journalled (approved → approved, note `CHECK_IN_NOTE`, by the desk's staff member).

    Locks the request, so two desks scanning the same badge record one arrival. Returns False
    when the arrival had already been recorded (`accreditation.checked_in_at` then says when);
    raises BadgeNotValid for a request that is not approved. Sends nothing.
    """
    locked = AccreditationRequest.objects.select_for_update().get(pk=accreditation.pk)
    accreditation.status = locked.status
    if locked.status != Status.APPROVED:
        raise BadgeNotValid(locked.get_status_display())
    if locked.checked_in_at:
        accreditation.checked_in_at = locked.checked_in_at
        return False
    locked.checked_in_at = accreditation.checked_in_at = timezone.now()
    locked.save(update_fields=["checked_in_at", "updated_at"])
    AccreditationTransition.objects.create(
        accreditation=locked, from_status=Status.APPROVED, to_status=Status.APPROVED, by=by,
        note=CHECK_IN_NOTE,
    )
    return True
