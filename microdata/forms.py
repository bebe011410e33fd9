"""The purpose asked before the microdata is downloaded (docs/microdata.md, "Purpose")."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DownloadForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose of this download"),
        min_length=10,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example the evaluation assignment and the question it studies. It is kept in "
            "the audit log with the download. Write no names or identity numbers."
        ),
        error_messages={
            "required": _("Give the purpose of the download."),
            "min_length": _("Describe the purpose in a few words (at least 10 characters)."),
        },
    )
    undertaking = forms.BooleanField(
        label=_(
            "I will keep the file as personal data, use it only for this purpose, not try to "
            "find out who anyone in it is, and delete it when the work is done"
        ),
        error_messages={"required": _("Confirm how you will treat the file.")},
    )
