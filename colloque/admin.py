"""Admin pages for superusers only: the staff journal, the e-mail queue and the login
lockouts, in French; and the history inline of registrations and accreditation requests.

django-tasks-db registers its task rows in English with raw codes; they are replaced here by
a read-only page in words (« E-mails et tâches en file d'attente »), shown to superusers only:
the rest of the staff never need it.
"""

import django_tasks_db.admin  # noqa: F401  (registers DBTaskResult first: replaced below)
from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.tasks import TaskResultStatus
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from . import audit
from .models import QueuedTask, StaffAction


class TransitionInline(admin.TabularInline):
    """The history (`colloque.models.Transition`) on a registration's or a request's page:
    read-only, statuses and notes in words, who acted read with the rows. A subclass names
    the `model`."""

    fields = ("at", "from_status_label", "to_status_label", "by_label", "note_label")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")  # one query, not one a row

    @admin.display(description=_("ancien statut"))
    def from_status_label(self, obj):
        return obj.from_status_label

    @admin.display(description=_("nouveau statut"))
    def to_status_label(self, obj):
        return obj.to_status_label

    @admin.display(description=_("par"))
    def by_label(self, obj):
        return obj.by_label

    @admin.display(description=_("ce qui s'est passé"))
    def note_label(self, obj):
        return obj.note_label

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SuperuserOnlyMixin:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StaffAction)
class StaffActionAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "username", "kind", "description", "count")
    list_filter = ("kind", "username", "at")
    search_fields = ("username", "description")
    date_hierarchy = "at"
    fields = ("at", "username", "kind", "description", "count")
    readonly_fields = fields


TASK_NAMES = {
    "send_registration_email": _("E-mail d'inscription (préparation)"),
    "deliver_email": _("Envoi d'un e-mail"),
    "expire_hold": _("Fin d'une réservation provisoire"),
}
STATUS_NAMES = {
    TaskResultStatus.READY: _("en attente"),
    TaskResultStatus.RUNNING: _("en cours"),
    TaskResultStatus.SUCCESSFUL: _("fait"),
    TaskResultStatus.FAILED: _("échec (plus de nouvel essai)"),
}


class TaskStatusFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return list(STATUS_NAMES.items())

    def queryset(self, request, queryset):
        if self.value() in STATUS_NAMES:
            return queryset.filter(status=self.value())
        return queryset


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)  # shown as QueuedTask, in French


@admin.register(QueuedTask)
class TaskAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ("task", "state", "queued", "finished")
    list_filter = (TaskStatusFilter,)
    ordering = ["-enqueued_at"]
    fields = ("task", "state", "queued", "started", "finished", "error")
    readonly_fields = fields

    @admin.display(description=_("mise en file le"), ordering="enqueued_at")
    def queued(self, obj):
        return obj.enqueued_at

    @admin.display(description=_("commencée le"))
    def started(self, obj):
        return obj.started_at or "—"

    @admin.display(description=_("terminée le"), ordering="finished_at")
    def finished(self, obj):
        return obj.finished_at or "—"

    @admin.display(description=_("tâche"))
    def task(self, obj):
        name = obj.task_path.rsplit(".", 1)[-1]
        return TASK_NAMES.get(name, name)

    @admin.display(description=_("état"), ordering="status")
    def state(self, obj):
        return STATUS_NAMES.get(obj.status, obj.status)

    @admin.display(description=_("erreur"))
    def error(self, obj):
        if not obj.exception_class_path:
            return "—"
        return obj.exception_class_path.rsplit(".", 1)[-1]


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(SuperuserOnlyMixin, AccessAttemptAdmin):
    """Failed logins per username and address (django-axes). Deleting a line unlocks that
    username from that address at once; each unlock goes to the staff journal."""

    list_display = ["attempt_time", "username", "ip_address", "failures_since_start", "state"]
    list_filter = ["attempt_time"]
    actions = ["delete_selected"]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    @admin.display(description=_("état"))
    def state(self, obj):
        if obj.failures_since_start >= settings.AXES_FAILURE_LIMIT:
            return _("bloqué")
        return _("non bloqué (%(n)d essai(s) restant(s))") % {
            "n": settings.AXES_FAILURE_LIMIT - obj.failures_since_start}

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        audit.record(user=request.user, kind=audit.Kind.UNLOCK,
                     description=_("Identifiant « %(username)s » depuis %(ip)s") % {
                         "username": obj.username, "ip": obj.ip_address})

    def delete_queryset(self, request, queryset):
        unlocked = [f"{username} ({ip})" for username, ip
                    in queryset.values_list("username", "ip_address")]
        super().delete_queryset(request, queryset)
        audit.record(user=request.user, kind=audit.Kind.UNLOCK, count=len(unlocked),
                     description=_("Identifiants %(list)s") % {"list": ", ".join(unlocked)})
