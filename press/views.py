
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from colloque import audit, ratelimit
from colloque.exports import csv_response, json_download, xlsx_response
from colloque.permissions import staff_permission_required
from colloque.text import is_token
from program.cache import public_page
from program.models import Event
from program.templatetags.colloque import inner_quotes

from . import exports, services
from .badge import badge_code, badge_qr_svg
from .documents import CONTENT_TYPES
from .forms import AccreditationForm, AnswerForm
from .models import AccreditationRequest, PressInfo, PressKitDocument, Status


@public_page
def press_area(request):
    event = Event.objects.current_or_404()
    return render(request, "press/area.html", {
        "event": event,
        "info": PressInfo.objects.for_event(event),
        "documents": event.press_kit_documents.filter(is_published=True),
        "accreditation_open": event.accreditation_is_open(),
        "meta_description": _(
            "Espace presse du colloque « %(title)s », %(date)s à l'Hôtel de Ville de Paris : "
            "accréditation des journalistes, dossier de presse et contacts."
        ) % {"title": inner_quotes(event.title), "date": date_format(event.date, "l j F Y")},
    })


def accreditation_request(request):
    event = Event.objects.current_or_404()
    info = PressInfo.objects.for_event(event)
    if not event.accreditation_is_open():
        return render(request, "press/closed.html", {"event": event, "info": info})
    form = AccreditationForm(request.POST or None, request.FILES or None, event=event)
    refusal = None
    if request.method == "POST":
        # As the registration form: successful submissions counted per network and address.
        refusal = ratelimit.check(request, scope="press")
        if refusal is None and form.is_valid():
            if form.is_bot:  # the honeypot was filled: look successful, store nothing
                return redirect("press:submitted")
            email = form.cleaned_data["email"]
            refusal = ratelimit.consume(request, scope="press", email=email)
        if refusal is None and form.is_valid():
            try:
                # A new request, or the address's request in progress (its owner is
                # e-mailed): the same page either way.
                services.accreditation_submit(
                    event=event, data=form.service_data(),
                    document=form.cleaned_data.get("assignment_letter"),
                    language=translation.get_language(),
                )
            except services.AccreditationClosed:
                ratelimit.give_back(request, scope="press", email=email)
                return render(request, "press/closed.html", {"event": event, "info": info})
            except ValidationError as exc:
                ratelimit.give_back(request, scope="press", email=email)
                form.add_error(None, exc)
            else:
                return redirect("press:submitted")
        elif refusal is not None:
            form.is_valid()  # the page shows the other errors too
            form.add_error(None, refusal.message)
    response = render(request, "press/accreditation_form.html", {
        "event": event, "info": info, "form": form,
    }, status=429 if refusal is not None else 200)
    if refusal is not None:
        response["Retry-After"] = str(refusal.seconds)
    return response


def accreditation_submitted(request):
    """After the form: the same page for a new request and for an address that already has
    one (its owner gets the status link again by e-mail), and for a robot."""
    event = Event.objects.current_or_404()
    return render(request, "press/submitted.html", {
        "event": event, "info": PressInfo.objects.for_event(event)})


@never_cache
def accreditation_status(request, token):
    accreditation = _by_token(token)
    info = PressInfo.objects.for_event(accreditation.event)
    can_answer = accreditation.status == Status.INFO_REQUESTED
    form = AnswerForm(request.POST or None, request.FILES or None) if can_answer else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.accreditation_answer_info(
                accreditation=accreditation, answer=form.cleaned_data["answer"],
                document=form.cleaned_data.get("document"),
            )
        except (services.AccreditationError, ValidationError) as exc:
            form.add_error(None, str(getattr(exc, "message", exc)))
        else:
            messages.success(request, _("Votre réponse a été transmise au service de presse."))
            return redirect(accreditation)
    question = (
        accreditation.transitions.filter(to_status=Status.INFO_REQUESTED).last()
        if can_answer else None
    )
    last_decision = accreditation.transitions.filter(to_status=Status.REJECTED).last()
    return render(request, "press/status.html", {
        "accreditation": accreditation, "event": accreditation.event, "info": info,
        "form": form, "question": question, "last_decision": last_decision, "token": token,
    })


def _by_token(token):
    if not is_token(token):  # not the shape of a link this site sends: no query
        raise Http404
    return get_object_or_404(
        AccreditationRequest.objects.select_related("event").for_status_token(token))


@never_cache
@require_GET
def personal_data(request, token):
    """The journalist's data as JSON (right of access and portability)."""
    accreditation = _by_token(token)
    return json_download(exports.personal_data(accreditation),
                         filename=f"accreditation-{accreditation.pk}.json")


@never_cache
def erase(request, token):
    """Erase the request at the journalist's request: a page asks first; the POST deletes it
    with its document and history (`services.accreditation_erase`)."""
    accreditation = _by_token(token)
    if request.method == "POST":
        services.accreditation_erase(accreditation=accreditation)
        return render(request, "press/erased.html")
    return render(request, "press/erase.html", {"accreditation": accreditation,
                                                "event": accreditation.event, "token": token})


@never_cache
@require_GET
def accreditation_badge(request, token):
    if not is_token(token):
        raise Http404
    accreditation = get_object_or_404(
        AccreditationRequest.objects.select_related("event").approved().for_status_token(token)
    )
    return render(request, "press/badge.html", {
        "accreditation": accreditation, "event": accreditation.event,
        "info": PressInfo.objects.for_event(accreditation.event),
        "qr_svg": badge_qr_svg(accreditation),
    })


@require_GET
def kit_document(request, pk):
    document = get_object_or_404(PressKitDocument, pk=pk, is_published=True)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1])


@require_GET
@staff_permission_required("press.view_accreditation_document")
def accreditation_document(request, pk):
    """A journalist's uploaded document, for staff allowed to read it; always a download."""
    accreditation = get_object_or_404(AccreditationRequest, pk=pk)
    if not accreditation.assignment_letter:
        raise Http404
    name = accreditation.assignment_letter.name
    extension = name.rsplit(".", 1)[-1]
    try:
        handle = accreditation.assignment_letter.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    audit.record(user=request.user, kind=audit.Kind.DOCUMENT,
                 description=_("Document de la demande d'accréditation n° %(pk)d") % {
                     "pk": accreditation.pk})
    response = FileResponse(
        handle, as_attachment=True, filename=f"accreditation-{accreditation.pk}.{extension}",
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_permission_required("registrations.check_in_registration")
@require_GET
def accreditation_checkin(request, token):
    """Where the QR code of badges printed before the welcome desk read them leads: the desk,
    with the badge's code (see `press.badge`), which says whether it is valid."""
    query = urlencode({"code": badge_code(token)}, safe=":")
    return redirect(f"{reverse('registrations:checkin')}?{query}")


def _journal_export(request, accreditations, label: str) -> None:
    audit.record(user=request.user, kind=audit.Kind.EXPORT, count=len(accreditations),
                 description=_("Liste %(format)s de la presse accréditée") % {"format": label})


def _security_desk_list(request):
    event = exports.security_desk_event(request.GET.get("event"))
    if event is None:
        raise Http404
    return event, AccreditationRequest.objects.for_security_desk(event)


@require_GET
@staff_permission_required("press.view_accreditationrequest")
def export_csv(request):
    event, accreditations = _security_desk_list(request)
    _journal_export(request, accreditations, "CSV")
    return csv_response(filename=f"presse-{event.slug}.csv", header=exports.COLUMNS,
                        rows=exports.rows(accreditations))


@require_GET
@staff_permission_required("press.view_accreditationrequest")
def export_xlsx(request):
    event, accreditations = _security_desk_list(request)
    _journal_export(request, accreditations, "XLSX")
    return xlsx_response(filename=f"presse-{event.slug}.xlsx", sheet_title=_("Presse accréditée"),
                         header=exports.COLUMNS, rows=exports.rows(accreditations),
                         widths=exports.WIDTHS)


@require_GET
@staff_permission_required("press.view_accreditationrequest")
def export_print(request):
    event, accreditations = _security_desk_list(request)
    _journal_export(request, accreditations, "imprimable")
    return render(request, "press/security_list.html", {
        "event": event, "accreditations": accreditations,
        "columns": exports.COLUMNS, "rows": exports.rows(accreditations),
    })
