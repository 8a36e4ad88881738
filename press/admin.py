from collections.abc import Callable
from typing import NamedTuple

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from colloque import audit
from colloque.admin import TransitionInline
from colloque.exports import json_download
from program.admin import LanguageLabelsMixin
from program.templatetags.colloque import long_datetime

from . import exports, services
from .forms import ReasonForm
from .models import (
    PENDING_STATUSES,
    AccreditationRequest,
    AccreditationTransition,
    PressInfo,
    PressKitDocument,
)


@admin.register(PressInfo)
class PressInfoAdmin(LanguageLabelsMixin, TranslationAdmin):
    list_display = ["event", "contact_name", "contact_phone", "arrival_time"]


@admin.register(PressKitDocument)
class PressKitDocumentAdmin(LanguageLabelsMixin, TranslationAdmin):
    list_display = ["title", "event", "order", "is_published"]
    list_filter = ["event", "is_published"]
    # No list_editable: the admin renders its inputs without a label (axe-core, screen
    # readers); order and publication are changed on each document's page.


class AccreditationTransitionInline(TransitionInline):
    model = AccreditationTransition
    verbose_name_plural = _("historique des statuts")


@admin.register(AccreditationRequest)
class AccreditationRequestAdmin(admin.ModelAdmin):
    list_display = [
        "full_name", "outlet", "media_type", "role", "status", "created_at", "documents_column",
    ]
    list_filter = ["status", "media_type", "role", "event"]
    search_fields = ["first_name", "last_name", "email", "outlet", "press_card_number"]
    date_hierarchy = "created_at"
    inlines = [AccreditationTransitionInline]
    actions = ["approve_selected", "request_info_selected", "reject_selected",
               "download_personal_data"]
    change_list_template = "press/admin/change_list.html"
    change_form_template = "press/admin/change_form.html"
    fieldsets = [
        (_("Décision"), {"fields": ["status", "keep_documents", "document_link"]}),
        (_("Journaliste"), {"fields": [
            "first_name", "last_name", "email", "phone", "language",
        ]}),
        (_("Média"), {"fields": [
            "event", "outlet", "media_type", "role", "press_card_number",
        ]}),
        (_("Tournage et interviews"), {"fields": [
            "has_camera", "has_tripod", "has_lights", "crew_size", "interview_wishes",
        ]}),
        (_("Suivi"), {"fields": ["consent", "created_at", "updated_at", "status_link"]}),
    ]
    readonly_fields = [
        "status", "document_link", "first_name", "last_name", "email", "phone", "language",
        "event", "outlet", "media_type", "role", "press_card_number", "has_camera",
        "has_tripod", "has_lights", "crew_size", "interview_wishes", "consent",
        "created_at", "updated_at", "status_link",
    ]

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Decision buttons on the request itself; they run the same admin actions."""
        extra_context = {
            **(extra_context or {}),
            "pending_statuses": PENDING_STATUSES,
            "decision_actions": [
                ("approve_selected", _("Accorder")),
                ("request_info_selected", _("Demander des informations")),
                ("reject_selected", _("Refuser")),
            ],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event")

    @admin.display(description=_("nom"), ordering="last_name")
    def full_name(self, obj):
        return obj.full_name

    @admin.display(description=_("documents"))
    def documents_column(self, obj):
        return {
            "present": _("en attente de décision"),
            "kept": _("conservés"),
            "deleted": _("supprimés"),
            "none": "—",
        }[obj.document_state]

    @admin.display(description=_("lettre de mission"))
    def document_link(self, obj):
        if obj.assignment_letter:
            return format_html(
                '<a href="{}">{}</a>', reverse("press:document", kwargs={"pk": obj.pk}),
                _("Télécharger le document"),
            )
        if obj.documents_deleted_at:
            return _("Supprimée après la décision, le %(date)s.") % {
                "date": long_datetime(obj.documents_deleted_at)
            }
        return _("Aucune (carte de presse indiquée).")

    @admin.display(description=_("page de suivi du ou de la journaliste"))
    def status_link(self, obj):
        return format_html('<a href="{0}">{0}</a>', obj.get_absolute_url())

    @admin.action(description=_("Accorder l'accréditation"), permissions=["change"])
    def approve_selected(self, request, queryset):
        done = self._decide(request, queryset, _("accordée"), lambda accreditation:
                            services.accreditation_approve(accreditation=accreditation,
                                                           actor=request.user))
        if done:
            self.message_user(request, ngettext(
                "%(count)d accréditation accordée ; le badge a été envoyé.",
                "%(count)d accréditations accordées ; les badges ont été envoyés.", done,
            ) % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Demander des informations complémentaires…"),
                  permissions=["change"])
    def request_info_selected(self, request, queryset):
        return self._with_message(request, queryset, MESSAGE_DECISIONS["request_info_selected"])

    @admin.action(description=_("Refuser l'accréditation (motif requis)…"),
                  permissions=["change"])
    def reject_selected(self, request, queryset):
        return self._with_message(request, queryset, MESSAGE_DECISIONS["reject_selected"])

    @admin.action(description=_("Télécharger les données de la personne (JSON)"),
                  permissions=["view"])
    def download_personal_data(self, request, queryset):
        """RGPD right of access for a journalist who writes in: what their status page's
        download gives, for each selected request (a list: one person may have several)."""
        accreditations = list(queryset.select_related("event")
                              .prefetch_related("transitions").order_by("pk"))
        numbers = [str(accreditation.pk) for accreditation in accreditations]
        audit.record(user=request.user, kind=audit.Kind.DATA_EXPORT, count=len(numbers),
                     description=_("Demandes d'accréditation n° %(numbers)s") % {
                         "numbers": ", ".join(numbers)})
        name = numbers[0] if len(numbers) == 1 else "plusieurs"
        return json_download([exports.personal_data(a) for a in accreditations],
                             filename=f"donnees-accreditation-{name}.json")

    @staticmethod
    def _journal(request, accreditation, decision):
        audit.record(user=request.user, kind=audit.Kind.DECISION,
                     description=_("Demande d'accréditation n° %(pk)d : %(decision)s") % {
                         "pk": accreditation.pk, "decision": decision})

    def delete_model(self, request, obj):
        """Deleting a request (erasure at the journalist's request) also deletes its
        document (press.documents.delete_stored_document) and is journalled."""
        pk = obj.pk
        super().delete_model(request, obj)
        audit.record(user=request.user, kind=audit.Kind.ERASE,
                     description=_("Demande d'accréditation n° %(pk)d") % {"pk": pk})

    def delete_queryset(self, request, queryset):
        numbers = ", ".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        count = queryset.count()
        super().delete_queryset(request, queryset)
        audit.record(user=request.user, kind=audit.Kind.ERASE, count=count,
                     description=_("Demandes d'accréditation n° %(numbers)s") % {
                         "numbers": numbers})

    def _decide(self, request, queryset, decision, decide) -> int:
        """`decide` each selected request; a refusal is said to staff, each decision goes to
        the staff journal. Returns how many were decided."""
        done = 0
        for accreditation in queryset.select_related("event"):
            try:
                decide(accreditation)
            except services.AccreditationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                done += 1
                self._journal(request, accreditation, decision)
        return done

    def _with_message(self, request, queryset, step: "MessageDecision"):
        """Intermediate page asking for the reason or the question, then apply it."""
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            message = form.cleaned_data["message"]
            done = self._decide(request, queryset, step.decision, lambda accreditation:
                                step.service(accreditation, request.user, message))
            if done:
                self.message_user(request, step.done_message % {"count": done},
                                  messages.SUCCESS)
            return None
        return TemplateResponse(request, "press/admin/reason.html", {
            **self.admin_site.each_context(request),
            "title": step.title,
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action": step.action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "pending_statuses": PENDING_STATUSES,
        })


class MessageDecision(NamedTuple):
    """A decision whose message staff write on an intermediate page, sent to the journalist."""

    action: str
    title: str
    service: Callable  # (accreditation, staff member, message)
    decision: str  # for the staff journal
    done_message: str


MESSAGE_DECISIONS = {step.action: step for step in [
    MessageDecision(
        "request_info_selected", _("Demander des informations complémentaires"),
        lambda accreditation, user, message: services.accreditation_request_info(
            accreditation=accreditation, actor=user, message=message),
        _("informations demandées"),
        _("Demande d'informations envoyée à %(count)d journaliste(s)."),
    ),
    MessageDecision(
        "reject_selected", _("Refuser l'accréditation"),
        lambda accreditation, user, message: services.accreditation_reject(
            accreditation=accreditation, actor=user, reason=message),
        _("refusée"), _("%(count)d accréditation(s) refusée(s)."),
    ),
]}
