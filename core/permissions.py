"""Which role may do what: the one table every view decorator and queryset consults."""

from .models import Role

# Capabilities are "<area>.<verb>". Views ask for one with @project_view("<capability>").
CAPABILITIES: dict[str, frozenset[str]] = {
    Role.MANAGER: frozenset(
        {
            "project.view",
            "project.change",
            "participants.view",
            "participants.change",
            "enrolments.view",
            "enrolments.change",
            "interventions.view",
            "interventions.change",
            "attendance.change",
            "goals.view",
            "goals.change",
            "reports.view",
            "prestudy.view",
            "prestudy.change",
        }
    ),
    Role.CASE_WORKER: frozenset(
        {
            "project.view",
            "participants.view",
            "participants.change",
            "enrolments.view",
            "enrolments.change",
            "interventions.view",
            "goals.view",
            "reports.view",
            "prestudy.view",
        }
    ),
    Role.PROVIDER: frozenset({"project.view", "interventions.view", "attendance.change"}),
    Role.EVALUATOR: frozenset(
        {"project.view", "goals.view", "reports.view", "reports.pseudonymised", "prestudy.view"}
    ),
    Role.STEERING: frozenset({"project.view", "goals.view", "reports.view"}),
}

# Roles that only ever see aggregates, with small cells suppressed.
AGGREGATE_ONLY_ROLES = frozenset({Role.EVALUATOR, Role.STEERING})


def capabilities_of(role: str) -> frozenset[str]:
    return CAPABILITIES.get(role, frozenset())
