"""Staff: registrations with their status, workshop and dates; actions call the services.

Each action declares the permission it needs (`permissions=[...]`, checked by the admin
before it runs): changing a registration (resend, cancel, promote) needs
`change_registration`, recording an arrival `check_in_registration`, an export
`export_registration`, erasing someone's data `delete_registration`. Nobody deletes a
registration with the admin's own « supprimer »: that would free a seat without giving it to
the next in line; staff cancel (with a reason, given in the e-mail) or erase at the person's
request, both through the services. Exports, resends, cancellations and erasures go to the
staff journal (`colloque.audit`).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models.functions import Lower
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from colloque import audit
from colloque.admin import TransitionInline
from colloque.exports import json_download
from colloque.headers import allow_inline_styles
from colloque.text import EmailAddressField, NormalisedTextMixin, validate_multiline
from program.models import Event, Session

from . import mailings, selectors, services
from .exports import export_csv, export_xlsx
from .models import Mailing, Registration, RegistrationTransition, needs_q
from .selectors import seat_summary, waitlist_position


class RegistrationAdminForm(NormalisedTextMixin, forms.ModelForm):
    """Accessibility needs as checkboxes in words (the column stores their codes); the
    address in its canonical form and texts in NFC, as the public form keeps them."""

    accessibility_needs = forms.TypedMultipleChoiceField(
        label=_("Besoins d'accessibilité"), choices=Registration.Accessibility.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
    )

    class Meta:
        model = Registration
        fields = ("first_name", "last_name", "email", "organisation", "role", "audience",
                  "accessibility_needs", "accessibility_details", "wants_news")
        field_classes = {"email": EmailAddressField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A value stored by an import or a shell may not be a list of codes: the boxes show
        # the known codes it holds, and saving keeps only what staff tick.
        needs = self.initial.get("accessibility_needs")
        if not isinstance(needs, list):
            needs = []
        self.initial["accessibility_needs"] = [
            code for code in needs
            if isinstance(code, str) and code in Registration.Accessibility.values]

    def clean_accessibility_needs(self):
        return list(dict.fromkeys(self.cleaned_data["accessibility_needs"]))

    def clean_email(self):
        """One active registration per address and event (the unique index on the lower-cased
        address): said here in words, since the form does not hold the event and Django would
        not check it. Compared as the index compares, on the canonical form."""
        email = self.cleaned_data["email"]
        registration = self.instance
        if registration.status in Registration.ACTIVE_STATUSES and (
            Registration.objects.filter(event_id=registration.event_id,
                                        status__in=Registration.ACTIVE_STATUSES)
            .annotate(address=Lower("email")).filter(address=email.lower())
            .exclude(pk=registration.pk).exists()
        ):
            raise forms.ValidationError(_(
                "Une autre inscription en cours utilise déjà cette adresse e-mail pour ce "
                "colloque."))
        return email


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation (donné à la personne dans l'e-mail)"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), max_length=200,
        validators=[validate_multiline],
    )


class RegistrationTransitionInline(TransitionInline):
    model = RegistrationTransition
    verbose_name_plural = _("historique")


class ArrivedFilter(admin.SimpleListFilter):
    title = _("arrivée le jour J")
    parameter_name = "arrived"

    def lookups(self, request, model_admin):
        return [("yes", _("arrivé·e")), ("no", _("pas encore arrivé·e"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(checked_in_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(status=Registration.Status.CONFIRMED,
                                   checked_in_at__isnull=True)
        return queryset


class AccessibilityFilter(admin.SimpleListFilter):
    title = _("besoin d'accessibilité")
    parameter_name = "besoin"

    def lookups(self, request, model_admin):
        return Registration.Accessibility.choices

    def queryset(self, request, queryset):
        if self.value() in Registration.Accessibility.values:
            return queryset.filter(needs_q(self.value()))
        return queryset


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    form = RegistrationAdminForm
    list_display = ("full_name", "email", "status", "workshop", "workshop_place", "audience",
                    "created_at", "confirmed_at", "checked_in_at")
    list_filter = ("status", "event", "workshop", "audience", ArrivedFilter,
                   AccessibilityFilter, "wants_news", "language", "created_at")
    search_fields = ("first_name", "last_name", "email", "organisation", "reference")
    date_hierarchy = "created_at"
    list_select_related = ("workshop", "event")
    list_per_page = 100
    readonly_fields = ("event", "reference", "status", "workshop", "waiting_list",
                       "language_name", "hold_expires_at", "created_at", "consented_at",
                       "confirmed_at", "waitlisted_at", "promoted_at", "cancelled_at",
                       "expired_at", "checked_in_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("event", "reference", "status", "workshop", "waiting_list")}),
        (_("Personne"), {"fields": ("first_name", "last_name", "email", "organisation", "role",
                                    "audience", "accessibility_needs", "accessibility_details",
                                    "wants_news", "language_name")}),
        (_("Dates"), {"fields": ("hold_expires_at", "created_at", "consented_at",
                                 "confirmed_at", "waitlisted_at", "promoted_at",
                                 "cancelled_at", "expired_at", "checked_in_at", "updated_at")}),
    )
    inlines = [RegistrationTransitionInline]
    actions = ["resend", "cancel", "promote", "check_in", "send_attestation", "export_as_csv",
               "export_as_xlsx", "download_personal_data", "erase"]
    change_list_template = "admin/registrations/registration/change_list.html"

    def has_add_permission(self, request):
        return False  # registrations come from the public form (seats, consent, e-mail)

    def has_delete_permission(self, request, obj=None):
        return False  # staff cancel (seats go to the next in line) or erase on request

    def has_check_in_permission(self, request):
        return request.user.has_perm("registrations.check_in_registration")

    def has_export_permission(self, request):
        return request.user.has_perm("registrations.export_registration")

    def has_erase_permission(self, request):
        return request.user.has_perm("registrations.delete_registration")

    # Accessibility needs are health data (RGPD art. 9): the welcome desk shows them to
    # whoever receives the person, the dashboard counts them; in the admin (form, filter,
    # exports) only staff given `registrations.view_health_data` see them.
    HEALTH_FIELDS = ("accessibility_needs", "accessibility_details")

    def sees_health_data(self, request) -> bool:
        return request.user.has_perm("registrations.view_health_data")

    def get_fieldsets(self, request, obj=None):
        if self.sees_health_data(request):
            return self.fieldsets
        return [(name, {**options, "fields": [f for f in options["fields"]
                                              if f not in self.HEALTH_FIELDS]})
                for name, options in self.fieldsets]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if self.sees_health_data(request):
            return form
        hidden = self.HEALTH_FIELDS

        class WithoutHealthData(form):
            """The declared needs field goes too: not shown, it must not be saved empty."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name in hidden:
                    self.fields.pop(name, None)

        return WithoutHealthData

    def get_list_filter(self, request):
        if self.sees_health_data(request):
            return self.list_filter
        return [f for f in self.list_filter if f is not AccessibilityFilter]

    @admin.display(description=_("nom"), ordering="last_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("place en atelier"))
    def workshop_place(self, obj):
        return obj.workshop_place or "—"

    @admin.display(description=_("liste d'attente"))
    def waiting_list(self, obj):
        position = waitlist_position(obj)
        if position is None:
            return "—"
        if obj.event_waitlist_seq is not None:
            return _("journée, position %(n)d") % {"n": position}
        return _("atelier, position %(n)d") % {"n": position}

    @admin.display(description=_("langue"))
    def language_name(self, obj):
        return {"fr": _("français"), "en": _("anglais")}.get(obj.language, obj.language)

    def changelist_view(self, request, extra_context=None):
        event = Event.objects.current()
        extra_context = {**(extra_context or {}),
                         "seat_summary": seat_summary(event) if event else None}
        return super().changelist_view(request, extra_context=extra_context)

    def _confirmation_page(self, request, queryset, action: str, **context):
        """The page an action shows before it runs (`registrations/admin/<action>.html`)."""
        return TemplateResponse(request, f"registrations/admin/{action}.html", {
            **self.admin_site.each_context(request), **context,
            "opts": self.model._meta, "queryset": queryset, "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })

    def _each(self, request, queryset, service, done_message, *, journal=None) -> int:
        """Run `service` for each selected registration, tell staff how many were done or
        refused, and write the done ones' references in the staff journal as `journal`."""
        done, failed = [], 0
        for registration in queryset:
            try:
                service(registration=registration, by=request.user)
                done.append(registration.reference)
            except services.RegistrationError:
                failed += 1
        if done:
            self.message_user(request, done_message % {"n": len(done)}, messages.SUCCESS)
            if journal:
                audit.record(user=request.user, kind=journal, count=len(done),
                              description=_("Inscriptions %(refs)s") % {"refs": ", ".join(done)})
        if failed:
            self.message_user(
                request,
                ngettext("%(n)d inscription n'a pas pu être traitée (statut ou places).",
                         "%(n)d inscriptions n'ont pas pu être traitées (statut ou places).",
                         failed) % {"n": failed},
                messages.WARNING,
            )
        return len(done)

    @admin.action(description=_("Renvoyer l'e-mail (confirmation ou lien personnel)"),
                  permissions=["change"])
    def resend(self, request, queryset):
        def send(*, registration, by):
            services.registration_send_link(registration=registration, again=False)

        self._each(request, queryset, send, _("E-mail renvoyé à %(n)d personne(s)."),
                   journal=audit.Kind.RESEND)

    @admin.action(description=_("Annuler les inscriptions sélectionnées (motif requis)…"),
                  permissions=["change"])
    def cancel(self, request, queryset):
        """An intermediate page asks for the reason, which the person's e-mail gives."""
        form = CancelForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            cancelled = []

            def cancel_one(*, registration, by):
                if registration.status in Registration.ACTIVE_STATUSES:
                    cancelled.append(registration.reference)
                services.registration_cancel(registration=registration, by=by,
                                             note=form.cleaned_data["reason"])

            self._each(request, queryset, cancel_one, _(
                "%(n)d inscription(s) annulée(s) ; les places libérées sont réattribuées."))
            if cancelled:
                audit.record(user=request.user, kind=audit.Kind.CANCEL, count=len(cancelled),
                             description=_("Inscriptions %(refs)s") % {
                                 "refs": ", ".join(cancelled)})
            return None
        return self._confirmation_page(request, queryset, "cancel",
                                       title=_("Annuler des inscriptions"), form=form)

    @admin.action(description=_("Sortir de la liste d'attente (si une place est libre)"),
                  permissions=["change"])
    def promote(self, request, queryset):
        self._each(request, queryset.order_by("event_waitlist_seq", "workshop_waitlist_seq"),
                   services.registration_promote, _("%(n)d personne(s) placée(s)."))

    @admin.action(description=_("Enregistrer l'arrivée (jour J)"), permissions=["check_in"])
    def check_in(self, request, queryset):
        self._each(request, queryset, services.registration_check_in,
                   _("%(n)d arrivée(s) enregistrée(s)."))

    @admin.action(description=_("Envoyer l'attestation de présence (arrivée enregistrée)"),
                  permissions=["change"])
    def send_attestation(self, request, queryset):
        self._each(request, queryset, services.registration_send_attestation,
                   _("Attestation envoyée à %(n)d personne(s)."), journal=audit.Kind.ATTESTATION)

    def _export(self, request, queryset, export, label):
        audit.record(user=request.user, kind=audit.Kind.EXPORT, count=queryset.count(),
                     description=_("Export %(format)s des inscriptions") % {"format": label})
        return export(queryset.order_by("created_at", "pk"),
                      health_data=self.sees_health_data(request))

    @admin.action(description=_("Exporter en CSV"), permissions=["export"])
    def export_as_csv(self, request, queryset):
        return self._export(request, queryset, export_csv, "CSV")

    @admin.action(description=_("Exporter en XLSX (Excel, LibreOffice)"),
                  permissions=["export"])
    def export_as_xlsx(self, request, queryset):
        return self._export(request, queryset, export_xlsx, "XLSX")

    @admin.action(description=_("Télécharger les données de la personne (JSON)"),
                  permissions=["export"])
    def download_personal_data(self, request, queryset):
        """RGPD right of access for a person who writes in: what the manage page's download
        gives, for each selected registration (a list: one person may have several)."""
        registrations = list(queryset.select_related("event", "workshop")
                             .prefetch_related("transitions").order_by("pk"))
        references = [registration.reference for registration in registrations]
        audit.record(user=request.user, kind=audit.Kind.DATA_EXPORT, count=len(references),
                     description=_("Inscriptions %(refs)s") % {"refs": ", ".join(references)})
        name = references[0] if len(references) == 1 else "plusieurs"
        return json_download([selectors.personal_data(r) for r in registrations],
                             filename=f"donnees-{name}.json")

    @admin.action(description=_("Effacer les données personnelles (demande de la personne)"),
                  permissions=["erase"])
    def erase(self, request, queryset):
        """RGPD erasure: asked for confirmation, then the seats go to the next in line."""
        if "apply" not in request.POST:
            return self._confirmation_page(request, queryset, "erase",
                                           title=_("Effacer des inscriptions"))
        references = [services.registration_erase(registration=registration)
                      for registration in queryset]
        audit.record(user=request.user, kind=audit.Kind.ERASE, count=len(references),
                     description=_("Inscriptions %(refs)s") % {"refs": ", ".join(references)})
        self.message_user(request, ngettext(
            "%(n)d inscription effacée ; sa place est réattribuée.",
            "%(n)d inscriptions effacées ; leurs places sont réattribuées.",
            len(references)) % {"n": len(references)}, messages.SUCCESS)
        return None


class MailingForm(forms.ModelForm):
    class Meta:
        model = Mailing
        fields = ("segment", "workshop", "subject_fr", "body_fr", "subject_en", "body_en")
        widgets = {"body_fr": forms.Textarea(attrs={"rows": 10, "cols": 80}),
                   "body_en": forms.Textarea(attrs={"rows": 10, "cols": 80})}
        help_texts = {
            "workshop": _("Seulement pour « les personnes inscrites à un atelier » et « la liste "
                          "d'attente d'un atelier »."),
            "body_fr": _("Texte simple : « Bonjour <prénom>, » est ajouté avant, la signature "
                         "des organisateurs après. Les adresses web deviennent des liens."),
            "subject_en": _("Facultatif : les personnes inscrites en anglais reçoivent ce texte "
                            "s'il est donné (objet et message), sinon le texte français."),
        }

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.event = event
        self.fields["workshop"].queryset = Session.objects.filter(event=event).workshops()

    def clean(self):
        data = super().clean()
        if data.get("segment") in mailings.SEGMENTS_WITH_WORKSHOP and not data.get("workshop"):
            self.add_error("workshop", _("Choisissez l'atelier."))
        if data.get("segment") not in mailings.SEGMENTS_WITH_WORKSHOP:
            data["workshop"] = None
        english = [(data.get(name) or "").strip() for name in ("subject_en", "body_en")]
        if bool(english[0]) != bool(english[1]):
            self.add_error("body_en", _("Donnez l'objet et le message en anglais, ou aucun des "
                                        "deux."))
        return data


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    """Envois groupés: write, preview (rendered e-mail, number of recipients), then send."""

    list_display = ("subject_fr", "segment", "workshop", "recipients", "sent_by", "sent_at")
    list_filter = ("segment",)
    readonly_fields = ("event", "segment", "workshop", "subject_fr", "body_fr", "subject_en",
                       "body_en", "recipients", "sent_by", "sent_at")

    def has_add_permission(self, request):
        return request.user.has_perm("registrations.send_mailing")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        event = Event.objects.current()
        if event is None:
            self.message_user(request, _("Aucun événement en cours."), messages.ERROR)
            return redirect("admin:registrations_mailing_changelist")
        form = MailingForm(request.POST or None, event=event)
        context = {**self.admin_site.each_context(request), "title": _("Nouvel envoi groupé"),
                   "opts": self.model._meta, "form": form, "event": event}
        if request.method == "POST" and form.is_valid():
            mailing = form.save(commit=False)
            people = mailings.recipients(event=event, segment=mailing.segment,
                                         workshop=mailing.workshop)
            if "_send" in request.POST and request.POST.get("seen") == str(len(people)) and people:
                mailing = mailings.mailing_send(mailing=mailing, by=request.user)
                self.message_user(request, ngettext(
                    "Envoi groupé en cours : %(n)d e-mail part dans la file d'envoi.",
                    "Envoi groupé en cours : %(n)d e-mails partent dans la file d'envoi.",
                    mailing.recipients) % {"n": mailing.recipients}, messages.SUCCESS)
                return redirect("admin:registrations_mailing_changelist")
            if "_send" in request.POST:
                self.message_user(request, _("Le nombre de destinataires a changé depuis "
                                             "l'aperçu : vérifiez-le, puis envoyez."),
                                  messages.WARNING)
            context.update(count=len(people), previews=[
                (_("En français"), mailings.preview(mailing, "fr")),
                *([(_("En anglais"), mailings.preview(mailing, "en"))]
                  if mailing.subject_en.strip() else []),
            ])
        response = TemplateResponse(request, "registrations/admin/mailing.html", context)
        return allow_inline_styles(response) if "previews" in context else response
