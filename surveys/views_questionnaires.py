"""The questionnaire pages, under /projects/<id>/surveys/questionnaires/ (urls_questionnaires.py).

Everyone in the project reads a questionnaire's page (`project.view`); managers
(`surveys.manage`) make one from the templates, edit a draft, translate, publish and make new
versions. The writes are in surveys/questionnaires.py; a questionnaire or question of another
project is a 404. Every form posts and redirects (a double submit saves once:
inputs/middleware.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.decorators import project_view
from core.forms import add_errors
from core.policy import Capability

from . import questionnaires as services
from .catalogue import LANGUAGES, TEMPLATES
from .forms import (
    ItemActionForm,
    NewQuestionnaireForm,
    PublishForm,
    QuestionForm,
    QuestionnaireForm,
    TemplateQuestionForm,
    TranslationForm,
)
from .models import Item, Kind, Questionnaire

VIEW = Capability.PROJECT_VIEW.value
MANAGE = Capability.SURVEYS_MANAGE.value


def _questionnaire(request, questionnaire_id) -> Questionnaire:
    return get_object_or_404(
        Questionnaire.objects.select_related("published_by"),
        pk=questionnaire_id,
        project=request.project,
    )


def _page(request, template, questionnaire=None, **context):
    return render(
        request,
        f"surveys/{template}",
        {
            "project": request.project,
            "questionnaire": questionnaire,
            "can_manage": request.membership.has_capability(MANAGE),
            **context,
        },
    )


def _to(questionnaire, name="questionnaire", **query):
    url = reverse(
        f"surveys:{name}",
        kwargs={"project_id": questionnaire.project_id, "questionnaire_id": questionnaire.pk},
    )
    return f"{url}?{urlencode(query)}" if query else url


def _not_draft_reason(questionnaire) -> str:
    if questionnaire.status == Questionnaire.Status.PUBLISHED:
        return _(
            "This version is published: participants may already have answered it, so it "
            "cannot be changed. Make a new version to change it; translations can still be "
            "added and corrected."
        )
    return _(
        "This version has been replaced by a newer one and cannot be changed. Make a new "
        "version of the questionnaire to change it."
    )


# --- the questionnaire -------------------------------------------------------------------------


def _question_rows(questions):
    rows = []
    for question in questions:
        sv = list((question.options or {}).get("sv") or [])
        en = list((question.options or {}).get("en") or [])
        rows.append(
            {
                "question": question,
                "text_sv": question.text_in("sv"),
                "text_en": question.text_in("en"),
                "is_scale": question.kind == Kind.SCALE,
                "labels": [
                    {
                        "number": number,
                        "sv": sv[number - 1] if number <= len(sv) else "",
                        "en": en[number - 1] if number <= len(en) else "",
                    }
                    for number in range(1, 6)
                ]
                if question.kind == Kind.SCALE
                else [],
                "template": TEMPLATES.get(question.key) and question.key,
            }
        )
    return rows


@project_view(VIEW)
def questionnaire(request, questionnaire_id):
    current = _questionnaire(request, questionnaire_id)
    questions = current.ordered_questions()
    versions = list(services.series_of(current).select_related("published_by"))
    draft = services.draft_of_series(current)
    published = next((v for v in versions if v.status == Questionnaire.Status.PUBLISHED), None)
    languages = services.completeness(current, questions)
    return _page(
        request,
        "questionnaire_detail.html",
        current,
        questions=_question_rows(questions),
        versions=versions,
        draft=draft,
        published=published,
        languages=languages,
        missing_total=sum(row["missing"] for row in languages),
        occasions=services.occasion_names(current),
        conflicts=services.occasion_conflicts(current) if current.is_draft else [],
        not_draft_reason="" if current.is_draft else _not_draft_reason(current),
    )


@project_view(MANAGE)
def questionnaire_new(request):
    project = request.project
    form = NewQuestionnaireForm(request.POST if request.method == "POST" else None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_questionnaire(
                project=project,
                template_keys=form.cleaned_data["templates"],
                by=request.user,
                **form.settings(),
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(
                request,
                _(
                    "The questionnaire is saved as a draft. Check its questions, translate them "
                    "and publish it."
                ),
            )
            return redirect(_to(created))
    return _page(request, "questionnaire_form.html", form=form, new=True)


@project_view(MANAGE)
def questionnaire_settings(request, questionnaire_id):
    current = _questionnaire(request, questionnaire_id)
    if not current.is_draft:
        return _page(
            request,
            "questionnaire_form.html",
            current,
            form=None,
            not_draft_reason=_not_draft_reason(current),
        )
    form = QuestionnaireForm(
        request.POST if request.method == "POST" else None,
        project=request.project,
        questionnaire=current,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.change_settings(
                questionnaire=current, by=request.user, **form.settings()
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(
                request, _("The settings are saved.") if changed else _("Nothing was changed.")
            )
            return redirect(_to(current))
    return _page(request, "questionnaire_form.html", current, form=form)


# --- the questions of a draft --------------------------------------------------------------------


@project_view(MANAGE)
def questionnaire_questions(request, questionnaire_id):
    """A draft's questions: move up or down, remove, edit, add from a template or one's own."""
    current = _questionnaire(request, questionnaire_id)
    if not current.is_draft:
        return _page(
            request,
            "questionnaire_questions.html",
            current,
            not_draft_reason=_not_draft_reason(current),
        )
    items = list(current.items.select_related("question").order_by("position", "pk"))
    keys = {item.question.key for item in items if item.question.key}
    template_form = TemplateQuestionForm(exclude=keys, prefix="add")
    action_form = None
    if request.method == "POST":
        if "add_template" in request.POST:
            template_form = TemplateQuestionForm(request.POST, exclude=keys, prefix="add")
            if template_form.is_valid():
                try:
                    services.add_template_question(
                        questionnaire=current,
                        key=template_form.cleaned_data["template"],
                        by=request.user,
                    )
                except ValidationError as error:
                    add_errors(error, template_form)
                else:
                    messages.success(request, _("The question is added last."))
                    return redirect(_to(current, "questionnaire_questions"))
        else:
            action_form = ItemActionForm(request.POST)
            if action_form.is_valid():
                data = action_form.cleaned_data
                item = get_object_or_404(Item, pk=data["item"], questionnaire=current)
                try:
                    if data["action"] == "remove":
                        services.remove_question(questionnaire=current, item=item, by=request.user)
                        messages.success(request, _("The question is removed from the draft."))
                    else:
                        services.move_question(
                            questionnaire=current,
                            item=item,
                            direction=data["action"],
                            order=data["order"] or "",
                            by=request.user,
                        )
                except ValidationError as error:
                    add_errors(error, action_form)
                else:
                    return redirect(_to(current, "questionnaire_questions") + f"#item-{item.pk}")
        items = list(current.items.select_related("question").order_by("position", "pk"))
    return _page(
        request,
        "questionnaire_questions.html",
        current,
        items=[
            {
                "item": item,
                "text": item.question.text_in(services.SOURCE_LANGUAGE),
                "in_use": services.is_in_use(item.question, besides=current),
            }
            for item in items
        ],
        order=services.order_token(current),
        template_form=template_form if template_form.fields["template"].choices[1:] else None,
        action_form=action_form,
        forms=[form for form in (template_form, action_form) if form is not None],
    )


@project_view(MANAGE)
def questionnaire_question_new(request, questionnaire_id):
    current = _questionnaire(request, questionnaire_id)
    if not current.is_draft:
        return _page(
            request,
            "questionnaire_question_form.html",
            current,
            form=None,
            not_draft_reason=_not_draft_reason(current),
        )
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_question(
                questionnaire=current,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                labels=form.labels(),
                by=request.user,
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(request, _("The question is added last."))
            return redirect(_to(current, "questionnaire_questions"))
    return _page(request, "questionnaire_question_form.html", current, form=form, new=True)


@project_view(MANAGE)
def questionnaire_question_edit(request, questionnaire_id, item_id):
    current = _questionnaire(request, questionnaire_id)
    item = get_object_or_404(
        Item.objects.select_related("question"), pk=item_id, questionnaire=current
    )
    if not current.is_draft:
        return _page(
            request,
            "questionnaire_question_form.html",
            current,
            item=item,
            form=None,
            not_draft_reason=_not_draft_reason(current),
        )
    form = QuestionForm(request.POST if request.method == "POST" else None, question=item.question)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.change_question(
                questionnaire=current,
                item=item,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                labels=form.labels(),
                by=request.user,
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            if not change.changed:
                messages.success(request, _("Nothing was changed."))
            elif change.copied:
                messages.success(
                    request,
                    _(
                        "The change is saved as a new question in this draft. The earlier "
                        "question keeps its answers and the goals pointing at it."
                    ),
                )
            else:
                messages.success(request, _("The question is saved."))
            if change.translations_dropped:
                messages.warning(
                    request,
                    _(
                        "The translations of what you changed were removed: they translated "
                        "the earlier wording. Translate the question again."
                    ),
                )
            return redirect(_to(current, "questionnaire_questions") + f"#item-{item.pk}")
    return _page(
        request,
        "questionnaire_question_form.html",
        current,
        item=item,
        form=form,
        in_use=services.is_in_use(item.question, besides=current),
    )


# --- translations -----------------------------------------------------------------------------


@project_view(MANAGE)
def questionnaire_translate(request, questionnaire_id):
    """The questions in one language beside the Swedish source (?language=ar)."""
    current = _questionnaire(request, questionnaire_id)
    questions = current.ordered_questions()
    offered = [code for code in current.languages if code != services.SOURCE_LANGUAGE]
    languages = [row for row in services.completeness(current, questions) if row["code"] in offered]
    asked = (request.POST if request.method == "POST" else request.GET).get("language", "")
    if not asked and languages:
        asked = next((row["code"] for row in languages if row["missing"]), languages[0]["code"])
    context = {"languages": languages, "language": None, "form": None, "unknown": ""}
    if asked and asked not in offered:
        context["unknown"] = asked[:20]
        return _page(request, "questionnaire_translate.html", current, **context)
    if not asked:
        return _page(request, "questionnaire_translate.html", current, **context)
    own, direction, _digits = LANGUAGES[asked]
    context["language"] = {
        "code": asked,
        "name": services.language_name(asked),
        "own_name": own,
        "dir": direction,
    }
    form = TranslationForm(
        request.POST if request.method == "POST" else None, questions=questions, language=asked
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.save_translations(
                questionnaire=current,
                language=asked,
                translations=form.translations(),
                by=request.user,
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            if changed:
                messages.success(
                    request,
                    ngettext(
                        "The %(language)s texts of %(count)s question are saved.",
                        "The %(language)s texts of %(count)s questions are saved.",
                        len(changed),
                    )
                    % {"count": len(changed), "language": services.language_name(asked)},
                )
            else:
                messages.success(request, _("Nothing was changed."))
            return redirect(_to(current, "questionnaire_translate", language=asked))
    context["form"] = form
    return _page(request, "questionnaire_translate.html", current, **context)


# --- publishing and versions ---------------------------------------------------------------------


@project_view(MANAGE)
def questionnaire_publish(request, questionnaire_id):
    current = _questionnaire(request, questionnaire_id)
    if not current.is_draft:
        return _page(
            request,
            "questionnaire_publish.html",
            current,
            form=None,
            not_draft_reason=_not_draft_reason(current),
        )
    questions = current.ordered_questions()
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publish(
                questionnaire=current,
                confirm_missing=form.cleaned_data["confirm_missing"],
                by=request.user,
            )
        except ValidationError as error:
            add_errors(error, form)
        else:
            messages.success(
                request,
                _("Version %(version)s is published.") % {"version": current.version},
            )
            return redirect(_to(current))
    missing = services.missing_translations(current, questions)
    previous = (
        Questionnaire.objects.filter(series=current.series, status=Questionnaire.Status.PUBLISHED)
        .exclude(pk=current.pk)
        .first()
    )
    return _page(
        request,
        "questionnaire_publish.html",
        current,
        form=form,
        questions=questions,
        missing=missing,
        conflicts=services.occasion_conflicts(current),
        occasions=services.occasion_names(current),
        previous=previous,
    )


@project_view(MANAGE)
def questionnaire_new_version(request, questionnaire_id):
    current = _questionnaire(request, questionnaire_id)
    draft = services.draft_of_series(current)
    error = None
    if request.method == "POST":
        try:
            made = services.new_version(questionnaire=current, by=request.user)
        except ValidationError as refused:
            error = refused.messages
        else:
            messages.success(
                request,
                _(
                    "Version %(version)s is a draft with the same questions. Change it, then "
                    "publish it."
                )
                % {"version": made.version},
            )
            return redirect(_to(made))
    published = Questionnaire.objects.filter(
        series=current.series, status=Questionnaire.Status.PUBLISHED
    ).first()
    return _page(
        request,
        "questionnaire_new_version.html",
        current,
        draft=draft,
        published=published,
        errors=error,
    )
