"""Memberships and privileges are audited however they change (issue 12, item 3): through the
project settings pages, Django's admin, a management command or the shell. The entry names who
acted — the request's user (core.middleware.RequestIdMiddleware sets it), or the user a service
acts for (core.audit.acting_as) — and no one when nobody signed in did it (a command).

Membership: created, changed (which of user, organisation, role, project) and deleted, with the
member's user id and role as context. User accounts: a change of is_staff, is_superuser or
is_active (the administrator's rights)."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save

from .audit import current_actor, log_action
from .models import Membership

MEMBERSHIP_FIELDS = ("user", "organisation", "project", "role")
# What a created or deleted membership names (its project is the entry's project).
MEMBERSHIP_ROW = ("user", "organisation", "role")
USER_FLAGS = ("is_staff", "is_superuser", "is_active")


def _membership_context(membership) -> str:
    return f"user {membership.user_id}, role {membership.role}"


def _remember_membership(sender, instance, raw=False, **kwargs):
    instance._audit_before = None
    if instance.pk and not raw:
        instance._audit_before = (
            Membership.objects.filter(pk=instance.pk)
            .values("user_id", "organisation_id", "project_id", "role")
            .first()
        )


def _log_membership_saved(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        action, fields = "create", MEMBERSHIP_ROW
    else:
        action = "change"
        fields = [
            name
            for name in MEMBERSHIP_FIELDS
            if before[name if name == "role" else f"{name}_id"]
            != getattr(instance, name if name == "role" else f"{name}_id")
        ]
        if not fields:
            return
    log_action(
        by=current_actor(),
        action=action,
        obj=instance,
        project=instance.project_id,
        fields=fields,
        reason=_membership_context(instance),
    )


def _log_membership_deleted(sender, instance, **kwargs):
    log_action(
        by=current_actor(),
        action="delete",
        object_type=Membership._meta.label,
        object_id=instance.pk,
        project=instance.project_id,
        fields=MEMBERSHIP_ROW,
        reason=_membership_context(instance),
    )


def _remember_user_flags(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._audit_flags = None
    if update_fields is not None and not set(update_fields) & set(USER_FLAGS):
        return  # e.g. the last login stamped at sign-in
    if instance.pk and not raw:
        instance._audit_flags = sender.objects.filter(pk=instance.pk).values(*USER_FLAGS).first()


def _log_user_flags(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_audit_flags", None)
    if created:
        changed = [flag for flag in ("is_staff", "is_superuser") if getattr(instance, flag)]
    elif before is None:
        return
    else:
        changed = [flag for flag in USER_FLAGS if before[flag] != getattr(instance, flag)]
    if changed:
        log_action(
            by=current_actor(),
            action="create" if created else "change",
            obj=instance,
            fields=changed,
            reason="rights: " + ", ".join(f"{f}={getattr(instance, f)}" for f in changed),
        )


def connect() -> None:
    uid = "core.audit_signals"
    pre_save.connect(_remember_membership, sender=Membership, dispatch_uid=f"{uid}.m_pre")
    post_save.connect(_log_membership_saved, sender=Membership, dispatch_uid=f"{uid}.m_post")
    post_delete.connect(_log_membership_deleted, sender=Membership, dispatch_uid=f"{uid}.m_del")
    user_model = settings.AUTH_USER_MODEL
    pre_save.connect(_remember_user_flags, sender=user_model, dispatch_uid=f"{uid}.u_pre")
    post_save.connect(_log_user_flags, sender=user_model, dispatch_uid=f"{uid}.u_post")
