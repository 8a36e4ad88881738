"""Public registration pages: the form, the confirmation link, the private manage page.

Views stay thin: the form validates, `services.py` decides about seats and sends e-mails.
Private pages (token in the URL) are never cached, never indexed, and their address is only
sent as referrer to this site (site-wide SECURE_REFERRER_POLICY "same-origin").
"""

from functools import wraps

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from colloque import ratelimit
from colloque.permissions import staff_permission_required
from program.models import Event

from . import emails, services
from .forms import UNKNOWN_WORKSHOP, ChangeWorkshopForm, RegistrationForm
from .models import Registration
from .selectors import event_registration_state, waitlist_position
from .tickets import ticket_calendar, ticket_qr_svg, ticket_reference_from_payload


def _private(view):
    """Token pages: look the registration up, 404 for a bad token, never cached or indexed."""

    @never_cache
    @wraps(view)
    def wrapper(request, token, *args, **kwargs):
        registration = services.registration_for_token(token)
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
    status = 200
    if request.method == "POST":
        if ratelimit.hit(request):
            form.is_valid()
            form.add_error(None, _("Trop d'inscriptions envoyées depuis votre connexion. "
                                   "Merci de réessayer dans un moment."))
            status = 429
        elif form.is_valid():
            if form.is_bot:
                return redirect("registrations:submitted")
            data = form.cleaned_data
            try:
                services.registration_create(
                    event=event, first_name=data["first_name"], last_name=data["last_name"],
                    email=data["email"], organisation=data["organisation"], role=data["role"],
                    audience=data["audience"], workshop_id=data["workshop"],
                    accessibility_needs=data["accessibility_needs"],
                    accessibility_details=data["accessibility_details"],
                    wants_news=data["wants_news"], language=get_language(),
                )
            except services.RegistrationClosed:
                return render(request, "registrations/register.html",
                              {"event": event, "state": "closed", "form": None})
            except services.WorkshopUnavailable:
                form.add_error("workshop", UNKNOWN_WORKSHOP)
            else:
                return redirect("registrations:submitted")
    context = {"event": event, "state": event_registration_state(event),
               "form": form.with_seat_counts()}
    return render(request, "registrations/register.html", context, status=status)


def submitted(request):
    """The same page whether the address was new or known: it reveals nothing."""
    event = Event.objects.current_or_404()
    return render(request, "registrations/submitted.html", {"event": event})


@_private
def confirm(request, registration, token):
    if request.method == "POST":
        registration = services.registration_confirm(registration=registration, token=token)
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
                registration=registration, workshop=form.cleaned_data["workshop"], token=token
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
def ticket_ics(request, registration, token):
    if not registration.has_day_seat:
        return render(request, "registrations/link_invalid.html", status=404)
    manage_url = emails.absolute_url("registrations:manage", token=token,
                                       language=registration.language)
    response = HttpResponse(ticket_calendar(registration, manage_url),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{registration.event.slug}.ics"'
    return response


def _find_ticket(event: Event, code: str) -> Registration | None:
    """A scanned ticket (signed QR payload) or a reference typed by hand."""
    code = code.strip()
    reference = ticket_reference_from_payload(code) if code.startswith("COLLOQUE:") else code
    if not reference:
        return None
    return (event.registrations.select_related("workshop")
            .filter(reference__iexact=reference[:12]).first())


@staff_permission_required("registrations.change_registration")
def checkin(request):
    """The welcome desk on the day: scan a ticket (a scanner types its code and Enter), see who
    it is, their workshop and accessibility needs, and record the arrival."""
    event = Event.objects.current_or_404()
    code = (request.POST.get("code") or request.GET.get("code") or "")[:200]
    registration = _find_ticket(event, code) if code else None
    arrived_now = None
    if request.method == "POST" and registration and "arrive" in request.POST:
        try:
            arrived_now = services.registration_check_in(registration=registration,
                                                         by=request.user)
        except services.InvalidTransition:
            arrived_now = None
        registration.refresh_from_db()
    return render(request, "registrations/checkin.html", {
        "event": event, "code": code, "registration": registration,
        "arrived_now": arrived_now, "not_found": bool(code) and registration is None,
    }, status=404 if code and registration is None else 200)
