"""The paste form and the confirmation form of the preview."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.models import Project

from .parser import MAX_BYTES, TextTooLarge, check_size


def check_text(text: str) -> str:
    try:
        check_size(text)
    except TextTooLarge:
        raise forms.ValidationError(
            _(
                "The text is larger than %(limit)s MB. A project-bank page is much smaller: "
                "paste the text of one page only."
            ),
            code="too_large",
            params={"limit": MAX_BYTES // 1_000_000},
        ) from None
    if not text.strip():
        raise forms.ValidationError(_("Paste the text of a project-bank page."), code="required")
    return text


class PasteForm(forms.Form):
    text = forms.CharField(
        label=_("Text of the project-bank page"),
        help_text=_(
            "Open the project's page in the project bank, select all of it (Ctrl+A), copy it "
            "and paste it here. Nothing is saved until you confirm on the next page."
        ),
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
        strip=False,
        error_messages={"required": _("Paste the text of a project-bank page.")},
    )
    source_url = forms.URLField(
        label=_("Address of the page"),
        help_text=_("Optional: the page's web address, kept with the project."),
        required=False,
        assume_scheme="https",
    )

    def clean_text(self):
        return check_text(self.cleaned_data["text"])


class ConfirmForm(forms.Form):
    """Carries the pasted text (in a hidden field, never in the URL) and asks only for what
    the project cannot be created without and the page does not say: owner, phase, period.
    Also the optional manager and, when the title exists already, the confirmation."""

    text = forms.CharField(widget=forms.HiddenInput, strip=False)
    source_url = forms.URLField(widget=forms.HiddenInput, required=False, assume_scheme="https")
    owner_name = forms.CharField(
        label=_("Project owner"),
        max_length=200,
        error_messages={"required": _("The text names no project owner: enter one.")},
        help_text=_(
            "The text names no owner. An organisation of this name is used if there is one; "
            "otherwise it is created."
        ),
    )
    phase = forms.ChoiceField(
        label=_("Phase"),
        choices=[("", "—")] + list(Project.Phase.choices),
        error_messages={"required": _("The text gives no phase that can be read: choose one.")},
        help_text=_("The text gives no phase that can be read."),
    )
    starts_on = forms.DateField(
        label=_("Start of period"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("The text gives no period: enter the first day.")},
        help_text=_("The text gives no period that can be read. YYYY-MM-DD."),
    )
    ends_on = forms.DateField(
        label=_("End of period"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("The text gives no period: enter the last day.")},
        help_text=_("YYYY-MM-DD."),
    )
    manager = forms.ModelChoiceField(
        label=_("Project manager"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_(
            "Optional: this user becomes the project's manager, working for the project owner."
        ),
    )
    allow_duplicate = forms.BooleanField(
        label=_("Create the project although a project with this title exists"),
        required=False,
    )

    def __init__(self, *args, page=None, duplicates=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = (
            get_user_model().objects.filter(is_active=True).order_by("username")
        )
        if page is not None:
            if page.get("owner"):
                del self.fields["owner_name"]
            if page.get("phase"):
                del self.fields["phase"]
            if page.get("starts_on"):
                del self.fields["starts_on"]
                del self.fields["ends_on"]
        if not duplicates:
            del self.fields["allow_duplicate"]

    def clean_text(self):
        return check_text(self.cleaned_data["text"])

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The period cannot end before it starts."))
        return cleaned

    @property
    def asks(self) -> list:
        """The visible fields the importer fills in."""
        return [f for f in self.visible_fields() if f.name not in ("manager", "allow_duplicate")]
