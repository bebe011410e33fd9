from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from core.audit import log_action


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    log_action(by=user, action="login", object_type="accounts.User", object_id=user.pk)
