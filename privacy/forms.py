from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Erasure


class ErasureForm(forms.Form):
    """Why the person is erased (a choice, never free text: the record of the erasure holds
    no personal data)."""

    reason = forms.ChoiceField(
        label=_("Why is the person erased?"),
        choices=[(v, n) for v, n in Erasure.Reason.choices if v != Erasure.Reason.RETENTION],
        widget=forms.RadioSelect,
    )
