from django.db import models
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """A form post being handled or just handled, known by its fingerprint (a keyed hash of the
    user, the address and the fields sent: no values are stored). A second identical post while
    the first runs, or shortly after it, is answered with the first one's result instead of
    being handled again (inputs/middleware.py). Rows are short-lived: pruned an hour after."""

    key = models.CharField(_("fingerprint"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("received"), db_index=True)
    finished = models.BooleanField(_("finished"), default=False)
    location = models.CharField(_("answered with a redirect to"), max_length=2000, blank=True)
    # An htmx post's answer replaces the form it came from: a later identical post comes from a
    # new form (moving a step up twice, say), so only the posts waiting for this one are
    # duplicates of it.
    htmx = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return self.key[:12]
