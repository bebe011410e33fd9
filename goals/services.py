"""Writing goal definitions: create a goal, save a new version. Definitions are never changed in
place; every change is a new GoalVersion, so earlier figures stay reproducible."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.audit import log_action

from .definitions import validate_parameters
from .models import Goal, GoalVersion

VERSION_FIELDS = ["title", "title_en", "template", "parameters"]


def _validated(*, project, title: str, template: str, parameters) -> dict:
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the goal a title.")]
    try:
        cleaned = validate_parameters(template, parameters, project)
    except ValidationError as error:
        errors.update(error.message_dict)
        cleaned = None
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def create_goal(
    *,
    project,
    key: str,
    title: str,
    template: str,
    parameters: dict,
    title_en: str = "",
    order: int | None = None,
    by,
) -> Goal:
    """Create a goal with its first version. Raises ValidationError keyed by the field or the
    parameter's name (nothing is saved then)."""
    cleaned = _validated(project=project, title=title, template=template, parameters=parameters)
    if Goal.objects.filter(project=project, key=key).exists():
        raise ValidationError({"key": [_("The project already has a goal with this key.")]})
    if order is None:
        order = (Goal.objects.filter(project=project).aggregate(m=Max("order"))["m"] or 0) + 1
    goal = Goal(project=project, key=key, order=order)
    goal.full_clean(exclude=["project"])
    goal.save()
    GoalVersion.objects.create(
        goal=goal,
        version=1,
        title=title.strip(),
        title_en=title_en.strip(),
        template=template,
        parameters=cleaned,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    log_action(
        by=by, action="create", obj=goal, project=project, fields=["key", "order", *VERSION_FIELDS]
    )
    return goal


@transaction.atomic
def save_goal_version(
    *, goal: Goal, title: str, template: str, parameters: dict, title_en: str = "", by
) -> GoalVersion:
    """Save a new version of the goal's definition (the highest version is the current one)."""
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    cleaned = _validated(
        project=goal.project, title=title, template=template, parameters=parameters
    )
    previous = goal.versions.order_by("-version").first()
    version = GoalVersion.objects.create(
        goal=goal,
        version=(previous.version if previous else 0) + 1,
        title=title.strip(),
        title_en=title_en.strip(),
        template=template,
        parameters=cleaned,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    changed = VERSION_FIELDS
    if previous is not None:
        changed = [f for f in VERSION_FIELDS if getattr(previous, f) != getattr(version, f)]
    log_action(by=by, action="change", obj=goal, project=goal.project, fields=changed)
    return version
