"""Staff: registrations with their status, workshop and dates; actions call the services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from program.models import Event

from . import services
from .exports import export_csv, export_xlsx
from .models import Registration, RegistrationTransition
from .selectors import seat_summary


class TransitionInline(admin.TabularInline):
    model = RegistrationTransition
    fields = ("at", "from_status", "to_status", "by", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("full_name", "email", "status", "workshop", "workshop_place", "audience",
                    "created_at", "confirmed_at", "checked_in_at")
    list_filter = ("status", "event", "workshop", "audience", ArrivedFilter, "wants_news",
                   "language", "created_at")
    search_fields = ("first_name", "last_name", "email", "organisation", "reference")
    date_hierarchy = "created_at"
    list_select_related = ("workshop", "event")
    list_per_page = 100
    readonly_fields = ("event", "reference", "status", "workshop", "hold_expires_at",
                       "event_waitlist_seq", "workshop_waitlist_seq", "language", "created_at",
                       "consented_at", "confirmed_at", "waitlisted_at", "promoted_at",
                       "cancelled_at", "expired_at", "checked_in_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("event", "reference", "status", "workshop")}),
        (_("Personne"), {"fields": ("first_name", "last_name", "email", "organisation", "role",
                                    "audience", "accessibility_needs", "accessibility_details",
                                    "wants_news", "language")}),
        (_("Places et dates"), {"fields": ("hold_expires_at", "event_waitlist_seq",
                                           "workshop_waitlist_seq", "created_at",
                                           "consented_at", "confirmed_at", "waitlisted_at",
                                           "promoted_at", "cancelled_at", "expired_at",
                                           "checked_in_at", "updated_at")}),
    )
    inlines = [TransitionInline]
    actions = ["resend", "cancel", "promote", "check_in", "export_as_csv", "export_as_xlsx"]
    change_list_template = "admin/registrations/registration/change_list.html"

    def has_add_permission(self, request):
        return False  # registrations come from the public form (seats, consent, e-mail)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # RGPD erasure; staff cancel instead

    @admin.display(description=_("nom"), ordering="last_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("place en atelier"))
    def workshop_place(self, obj):
        return obj.workshop_place or "—"

    def changelist_view(self, request, extra_context=None):
        event = Event.objects.current()
        extra_context = {**(extra_context or {}),
                         "seat_summary": seat_summary(event) if event else None}
        return super().changelist_view(request, extra_context=extra_context)

    def _each(self, request, queryset, service, done_message):
        done = failed = 0
        for registration in queryset:
            try:
                service(registration=registration, by=request.user)
                done += 1
            except services.RegistrationError:
                failed += 1
        if done:
            self.message_user(request, done_message % {"n": done}, messages.SUCCESS)
        if failed:
            self.message_user(
                request,
                ngettext("%(n)d inscription n'a pas pu être traitée (statut ou places).",
                         "%(n)d inscriptions n'ont pas pu être traitées (statut ou places).",
                         failed) % {"n": failed},
                messages.WARNING,
            )

    @admin.action(description=_("Renvoyer l'e-mail (confirmation ou lien personnel)"))
    def resend(self, request, queryset):
        def send(*, registration, by):
            services.registration_send_link(registration=registration, again=False)

        self._each(request, queryset, send, _("E-mail renvoyé à %(n)d personne(s)."))

    @admin.action(description=_("Annuler les inscriptions sélectionnées"))
    def cancel(self, request, queryset):
        self._each(request, queryset, services.registration_cancel,
                   _("%(n)d inscription(s) annulée(s) ; les places libérées sont réattribuées."))

    @admin.action(description=_("Sortir de la liste d'attente (si une place est libre)"))
    def promote(self, request, queryset):
        self._each(request, queryset.order_by("event_waitlist_seq", "workshop_waitlist_seq"),
                   services.registration_promote, _("%(n)d personne(s) placée(s)."))

    @admin.action(description=_("Enregistrer l'arrivée (jour J)"))
    def check_in(self, request, queryset):
        self._each(request, queryset, services.registration_check_in,
                   _("%(n)d arrivée(s) enregistrée(s)."))

    @admin.action(description=_("Exporter en CSV"))
    def export_as_csv(self, request, queryset):
        return export_csv(queryset.order_by("created_at", "pk"))

    @admin.action(description=_("Exporter en XLSX"))
    def export_as_xlsx(self, request, queryset):
        return export_xlsx(queryset.order_by("created_at", "pk"))
