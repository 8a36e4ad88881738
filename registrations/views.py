"""Public registration pages: the form, the confirmation link, the private manage page.

Views stay thin: the form validates, `services.py` decides about seats and sends e-mails.
Private pages (token in the URL) are never cached, never indexed, and their address is only
sent as referrer to this site (site-wide SECURE_REFERRER_POLICY "same-origin").
"""

from functools import wraps

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from colloque import ratelimit
from colloque.exports import json_download
from colloque.permissions import staff_permission_required
from colloque.text import is_token
from press import services as press_services
from press.badge import badge_code, checkin_token_from_code
from press.models import AccreditationRequest
from program.models import Event
from program.templatetags.colloque import hm

from . import emails, mailings, selectors, services
from .attestation import attestation_available, attestation_filename, attestation_pdf
from .forms import UNKNOWN_WORKSHOP, ChangeWorkshopForm, RegistrationForm
from .models import Registration
from .selectors import (
    DESK_SEARCH_LIMIT,
    desk_counters,
    desk_search,
    event_registration_state,
    waitlist_position,
)
from .tickets import (
    scanned_code,
    ticket_calendar,
    ticket_qr_svg,
    ticket_reference_from_payload,
)


def _private(view):
    """Token pages: look the registration up, 404 for a bad token, never cached or indexed."""

    @never_cache
    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        registration = services.registration_for_token(token) if is_token(token) else None
        if registration is None:
            return render(request, "registrations/link_invalid.html", status=404)
        response = view(request, registration, token, *args, **kwargs)
        # The site-wide Referrer-Policy "same-origin" keeps the token away from other sites;
        # "no-referrer" would make browsers send `Origin: null` and fail the CSRF check.
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _expired(request, registration):
    return render(request, "registrations/link_expired.html",
                  {"registration": registration}, status=410)


def register(request):
    event = Event.objects.current_or_404()
    window = event.registration_window()
    if window != "open":
        return render(request, "registrations/register.html",
                      {"event": event, "state": window, "form": None})
    initial = {}
    if slug := request.GET.get("atelier"):  # "register for this workshop" from its page
        initial["workshop"] = (
            event.sessions.workshops().filter(slug=slug[:120]).values_list("pk", flat=True).first()
        )
    form = RegistrationForm(request.POST or None, event=event, initial=initial)
    refusal = None
    if request.method == "POST":
        # Counted only once the form is valid (`ratelimit.consume`); a client already over
        # its network's limit is answered at once, with the data it typed.
        refusal = ratelimit.check(request, scope="register")
        if refusal is None and form.is_valid():
            if form.is_bot:
                return redirect("registrations:submitted")
            data = form.cleaned_data
            refusal = ratelimit.consume(request, scope="register", email=data["email"])
        if refusal is None and form.is_valid():
            try:
                services.registration_create(
                    event=event, first_name=data["first_name"], last_name=data["last_name"],
                    email=data["email"], organisation=data["organisation"], role=data["role"],
                    audience=data["audience"], workshop_id=data["workshop"],
                    accessibility_needs=data["accessibility_needs"],
                    accessibility_details=data["accessibility_details"],
                    accessibility_consent=data["accessibility_consent"],
                    wants_news=data["wants_news"], language=get_language(),
                    network=ratelimit.client_network(request),
                )
            except services.RegistrationError as exc:
                ratelimit.give_back(request, scope="register", email=data["email"])
                if isinstance(exc, services.RegistrationClosed):
                    return render(request, "registrations/register.html",
                                  {"event": event, "state": "closed", "form": None})
                if isinstance(exc, services.TooManyHolds):
                    refusal = exc
                    form.add_error(None, _too_many_holds_message(exc))
                else:  # WorkshopUnavailable
                    form.add_error("workshop", UNKNOWN_WORKSHOP)
            else:
                return redirect("registrations:submitted")
        elif refusal is not None:
            form.is_valid()  # the page shows the other errors too
            form.add_error(None, refusal.message)
    context = {"event": event, "state": event_registration_state(event),
               "form": form.with_seat_counts()}
    response = render(request, "registrations/register.html", context,
                      status=429 if refusal is not None else 200)
    if refusal is not None:
        response["Retry-After"] = str(refusal.seconds)
    return response


def _too_many_holds_message(refusal: services.TooManyHolds) -> str:
    """The hoarding caps (`services.TooManyHolds`): what to do, and when to try again."""
    minutes = max(1, -(-refusal.seconds // 60))
    wait = ngettext("Réessayez dans %(minutes)s minute.", "Réessayez dans %(minutes)s minutes.",
                    minutes) % {"minutes": minutes}
    if refusal.on == "domain":
        text = _("Trop d'inscriptions avec une adresse « @%(domain)s » attendent encore leur "
                 "confirmation. Si vous en avez envoyé, confirmez-les avec le lien reçu par "
                 "e-mail.") % {"domain": refusal.domain}
    else:
        text = _("Trop d'inscriptions envoyées depuis votre réseau attendent encore leur "
                 "confirmation. Si vous en avez envoyé, confirmez-les avec le lien reçu par "
                 "e-mail.")
    return f"{text} {wait}"


def submitted(request):
    """The same page whether the address was new or known: it reveals nothing."""
    event = Event.objects.current_or_404()
    return render(request, "registrations/submitted.html", {"event": event})


@_private
def confirm(request, registration, token):
    if request.method == "POST":
        registration = services.registration_confirm(registration=registration)
    if registration.is_effectively_expired:
        return _expired(request, registration)
    if registration.status == registration.Status.PENDING:
        return render(request, "registrations/confirm.html", {"registration": registration})
    if request.method == "POST":
        messages.success(request, _("Merci, votre adresse e-mail est confirmée."))
    return redirect("registrations:manage", token=token)


@_private
def manage(request, registration, token):
    if registration.is_effectively_expired:
        return _expired(request, registration)
    if registration.status == registration.Status.PENDING:
        return redirect("registrations:confirm", token=token)
    context = {
        "registration": registration, "token": token,
        "position": waitlist_position(registration),
        "qr_svg": ticket_qr_svg(registration) if registration.has_day_seat else "",
        "attestation": attestation_available(registration),
        "workshop_form": ChangeWorkshopForm(event=registration.event,
                                            initial={"workshop": registration.workshop_id}),
    }
    return render(request, "registrations/manage.html", context)


@require_POST
@_private
def change_workshop(request, registration, token):
    if registration.status not in (registration.Status.CONFIRMED, registration.Status.WAITLISTED):
        return redirect("registrations:manage", token=token)
    form = ChangeWorkshopForm(request.POST, event=registration.event)
    if form.is_valid():
        try:
            registration = services.registration_change_workshop(
                registration=registration, workshop=form.cleaned_data["workshop"]
            )
        except services.WorkshopUnavailable:
            messages.error(request, _("Cet atelier n'est pas disponible : votre choix n'a pas "
                                      "changé."))
        except services.InvalidTransition:
            messages.error(request, _("Cette inscription ne peut plus être modifiée."))
        else:
            if registration.on_workshop_waitlist and registration.has_day_seat:
                messages.warning(request, _(
                    "Cet atelier est complet : vous êtes sur sa liste d'attente (position "
                    "%(position)s). Vous recevrez un e-mail si une place se libère."
                ) % {"position": waitlist_position(registration)})
            else:
                messages.success(request, _("Votre choix d'atelier est enregistré."))
    else:
        messages.error(request, " ".join(form.errors.get("workshop", [])))
    return redirect("registrations:manage", token=token)


@_private
def cancel(request, registration, token):
    if registration.is_effectively_expired:
        return _expired(request, registration)
    if request.method == "POST":
        services.registration_cancel(registration=registration)
        messages.success(
            request, _("Votre inscription est annulée. Merci de nous avoir prévenu·es.")
        )
        return redirect("registrations:manage", token=token)
    return render(request, "registrations/cancel.html", {"registration": registration,
                                                           "token": token})


@_private
def release(request, registration, token):
    """« Je ne pourrai pas venir », from the reminder: a page asks to confirm (a GET never
    cancels, so mail scanners cannot); the POST frees the seats for the next in line at once
    (`services.registration_cancel`)."""
    if registration.is_effectively_expired:
        return _expired(request, registration)
    if request.method == "POST" and registration.is_active:
        services.registration_cancel(registration=registration)
        messages.success(request, _("C'est noté : votre place est libérée pour une personne "
                                    "de la liste d'attente. Merci de nous avoir prévenu·es."))
        return redirect("registrations:manage", token=token)
    return render(request, "registrations/release.html", {"registration": registration,
                                                            "token": token})


@never_cache
@csrf_exempt  # RFC 8058: mail clients POST « List-Unsubscribe=One-Click », without a cookie
def unsubscribe(request, token):
    """Stop the OPMIRE's news: the link of each « news » mailing. A GET asks, a POST (the page's
    button, or a mail client's one-click) unsubscribes; the signed token is the authority."""
    reference = mailings.reference_from_unsubscribe_token(token)
    if reference is None:
        return render(request, "registrations/link_invalid.html", status=404)
    done = request.method == "POST"
    if done:
        mailings.news_unsubscribe(reference=reference)
    response = render(request, "registrations/unsubscribe.html", {"done": done})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@_private
def attestation(request, registration, token):
    """The certificate of attendance, once the event has started, for a recorded arrival."""
    if not attestation_available(registration):
        return render(request, "registrations/link_invalid.html", status=404)
    response = HttpResponse(attestation_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{attestation_filename(registration)}"')
    return response


@_private
def personal_data(request, registration, token):
    """The person's data as JSON (right of access and portability)."""
    return json_download(selectors.personal_data(registration),
                         filename=f"inscription-{registration.reference}.json")


@_private
def erase(request, registration, token):
    """Erase the registration at the person's request: a page asks first; the POST gives the
    seats to the next in line and deletes the registration (`services.registration_erase`)."""
    if request.method == "POST":
        services.registration_erase(registration=registration)
        return render(request, "registrations/erased.html")
    return render(request, "registrations/erase.html", {"registration": registration,
                                                          "token": token})


@_private
def ticket_ics(request, registration, token):
    if not registration.has_day_seat:
        return render(request, "registrations/link_invalid.html", status=404)
    manage_url = emails.absolute_url("registrations:manage", token=token,
                                       language=registration.language)
    response = HttpResponse(ticket_calendar(registration, manage_url),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{registration.event.slug}.ics"'
    return response


def _find_ticket(event: Event, code: str) -> Registration | AccreditationRequest | None:
    """What a desk code names in `event`: a registration (signed ticket code, with or without
    its desk link, or a reference typed by hand in any case), a press badge
    (`PRESSE:<token>`, see `press.badge`), or None (a forged or unknown code, or a search)."""
    code = scanned_code(code)
    if token := checkin_token_from_code(code):
        return event.accreditation_requests.for_checkin_code(token).first()
    if code[:9].upper() == "COLLOQUE:":
        reference = ticket_reference_from_payload("COLLOQUE:" + code[9:])
    else:
        # A reference typed by hand: letters and digits (nothing else reaches the query).
        reference = code if len(code) <= 12 and code.isascii() and code.isalnum() else None
    if not reference:
        return None
    return (event.registrations.select_related("workshop")
            .filter(reference__iexact=reference).first())


def _is_scanned_code(code: str) -> bool:
    """A ticket's or a badge's code (not a name to search for)."""
    return code[:9].upper() == "COLLOQUE:" or checkin_token_from_code(code) is not None


def _verdict(registration: Registration) -> str:
    """What the desk says first about a ticket, in one word for the template."""
    Status = Registration.Status
    if registration.is_effectively_expired:
        return "expired"
    if registration.status == Status.CONFIRMED:
        return "arrived" if registration.checked_in_at else "welcome"
    return registration.status  # pending, waitlisted, cancelled


@require_GET
@staff_permission_required("registrations.check_in_registration")
def checkin(request):
    """The welcome desk on the day, for the « Accueil » group: one field takes a scanned
    ticket or badge (a handheld scanner types the QR code's link and Enter; a phone camera
    opens the link itself), a reference, a name or an e-mail address; the page says at once
    whether the person gets in, with the button that records the arrival (`checkin_arrive`).

    The field is always empty when the page comes back, so that the next scan is not appended
    to the previous one: the code is never written back into it.
    """
    event = Event.objects.current_or_404()
    code = scanned_code(request.GET.get("code", ""))[:200]
    found = _find_ticket(event, code) if code else None
    results = desk_search(event, code) if code and not found and not _is_scanned_code(code) else []
    context = {
        "event": event, "query": code, "counters": desk_counters(event),
        "registration": found if isinstance(found, Registration) else None,
        "accreditation": found if isinstance(found, AccreditationRequest) else None,
        "results": results[:DESK_SEARCH_LIMIT], "more_results": len(results) > DESK_SEARCH_LIMIT,
        "not_found": bool(code) and not found and not results,
        "badge_code": badge_code(found.checkin_token)
        if isinstance(found, AccreditationRequest) else "",
    }
    if context["registration"]:
        context["verdict"] = _verdict(found)
    return render(request, "registrations/checkin.html", context,
                  status=404 if context["not_found"] else 200)


@staff_permission_required("registrations.check_in_registration")
@require_POST
def checkin_arrive(request):
    """One tap at the desk: record the arrival of the ticket or badge in `code`, then back to
    an empty desk (POST/redirect/GET) whose message says what was recorded."""
    event = Event.objects.current_or_404()
    found = _find_ticket(event, request.POST.get("code", "")[:200])
    if isinstance(found, Registration):
        _record_registration_arrival(request, found)
    elif isinstance(found, AccreditationRequest):
        _record_badge_arrival(request, found)
    else:
        messages.error(request, _("Billet inconnu : arrivée non enregistrée."))
    return redirect("registrations:checkin")


def _record_registration_arrival(request, registration: Registration) -> None:
    name = registration.full_name
    try:
        arrived_now = services.registration_check_in(registration=registration, by=request.user)
    except services.InvalidTransition:
        registration.refresh_from_db()
        messages.error(request, _("%(name)s : inscription non valide (%(status)s), arrivée non "
                                  "enregistrée.") % {"name": name,
                                                     "status": registration.get_status_display()})
        return
    registration.refresh_from_db(fields=["checked_in_at"])
    if not arrived_now:
        messages.warning(request, _("%(name)s : déjà arrivé·e à %(time)s.")
                         % {"name": name, "time": hm(registration.checked_in_at)})
        return
    if registration.has_workshop_seat:
        place = registration.workshop.title
        if registration.workshop.room:
            place = f"{place} — {registration.workshop.room}"
        messages.success(request, _("Bienvenue, %(name)s ! Arrivée enregistrée. Atelier : "
                                    "%(workshop)s.") % {"name": name, "workshop": place})
    else:
        messages.success(request, _("Bienvenue, %(name)s ! Arrivée enregistrée.")
                         % {"name": name})


def _record_badge_arrival(request, accreditation: AccreditationRequest) -> None:
    name = accreditation.full_name
    try:
        arrived_now = press_services.accreditation_check_in(accreditation=accreditation,
                                                            by=request.user)
    except press_services.BadgeNotValid:
        messages.error(request, _("%(name)s : accréditation non valide (%(status)s), arrivée non "
                                  "enregistrée.") % {"name": name,
                                                     "status": accreditation.get_status_display()})
        return
    if arrived_now:
        messages.success(request, _("Presse : %(name)s (%(outlet)s), arrivée enregistrée.")
                         % {"name": name, "outlet": accreditation.outlet})
    else:
        messages.warning(request, _("%(name)s : déjà arrivé·e à %(time)s.")
                         % {"name": name, "time": hm(accreditation.checked_in_at)})


@require_GET
@staff_permission_required("registrations.check_in_registration")
def checkin_counters(request):
    """The desk's counters alone, which `static/registrations/desk.js` reloads now and then."""
    event = Event.objects.current_or_404()
    return render(request, "registrations/_desk_counters.html",
                  {"event": event, "counters": desk_counters(event)})
