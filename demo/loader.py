"""Build the whole demo data set in order, and remove it again."""

import random

from django.contrib.auth import get_user_model

from core.models import Area, Organisation, Project
from enrolments.models import Enrolment
from goals import facts as goal_facts
from goals.models import ReferenceProgramme
from interventions.models import AttendanceSession
from participants.models import Consent, Household, Participant

from . import cohorts, households, prestudy_data, today
from . import goals as demo_goals
from . import surveys as demo_surveys
from .seeds import World, create_areas, create_organisations, create_projects
from .staff import USERS, create_reference_programmes, create_users
from .status_reports import create_status_reports
from .synthetic import Synthetic

SEED = 20081  # random.Random(SEED): the same command gives the same data set
SHORT_TITLES = {
    "fif": "Framtid i Fokus (Malmö)",
    "gbg": "Framtid i Fokus (Göteborg)",
    "iga": "Integration genom arbete",
    "omr_segevang": "Områdesprogram Segevång",
    "omr_herrgarden": "Områdesprogram Herrgården",
}


def build_world() -> World:
    world = World()
    create_organisations(world)
    create_areas(world)
    create_projects(world)
    create_users(world)
    create_reference_programmes(world)
    return world


def load_demo(rng: random.Random) -> dict[str, int]:
    """Create everything; the caller holds the transaction. Returns what was created."""
    world = build_world()
    counts = {
        "organisations": len(world.orgs),
        "projects": len(world.projects),
        "areas": len(world.areas),
        "users": len(world.users),
    }
    for name, count in prestudy_data.create_storstad_registers(world).items():
        counts[f"{name} (storstadsintegration)"] = count
    for name, count in prestudy_data.create_jfa_registers(world).items():
        counts[f"{name} (Jobb för alla)"] = count
    counts.update(prestudy_data.create_area_initiatives(world))

    syn = Synthetic(world, rng)
    cohorts.twin_interventions(syn)
    cohorts.iga_interventions(syn)
    households.area_interventions(syn)
    fif = cohorts.twin_cohort(syn, "fif")
    cohorts.twin_cohort(syn, "gbg")
    cohorts.iga_cohort(syn)
    extra = households.segevang(syn)
    extra.update(households.herrgarden(syn, fif))
    extra.update(today.lernia_group(syn))
    counts["interventions"] = sum(len(v) for v in syn.interventions.values())
    counts.update(syn.write())
    counts.update(extra)
    counts.update(today.morning_reads(syn))
    counts.update(demo_surveys.create_invitations(world))
    goal_facts.rebuild()  # the synthetic rows were written in bulk, without model signals
    counts["anonymous participants"] = sum(p.is_anonymous for p in syn.participants)
    for key, label in SHORT_TITLES.items():
        counts[f"enrolments: {label}"] = sum(1 for c in syn.cases if c.project_key == key)
    counts["goals"] = demo_goals.create_goals(world)
    counts["status reports"] = create_status_reports(world)
    counts["public project pages"] = publish_public_pages(world)
    return counts


# The projects whose public page the demo publishes (docs/public-page.md): one under way with
# results, and the Malmö twin.
PUBLIC_PAGES = ("iga", "fif")


def publish_public_pages(world: World) -> int:
    """Publish the public pages, by each project's manager (their figures computed now)."""
    from core.models import Role
    from reports import publishing

    for key in PUBLIC_PAGES:
        project = world.projects[key]
        manager = project.memberships.filter(role=Role.MANAGER).select_related("user").first()
        publishing.publish(project, by=manager.user if manager else None)
    return len(PUBLIC_PAGES)


def flush_demo() -> None:
    """Delete projects and everything hanging on them, people, organisations, areas and the
    demo users. Raises ProtectedError if records the demo does not know about refer to them."""
    Enrolment.objects.all().delete()
    AttendanceSession.objects.all().delete()  # protects its intervention
    Consent.objects.all().delete()
    Participant.objects.all().delete()
    Household.objects.all().delete()
    ReferenceProgramme.objects.all().delete()
    while Project.objects.exists():
        # Children before parents (Project.parent is PROTECT).
        Project.objects.filter(children__isnull=True).delete()
    Organisation.objects.all().delete()
    Area.objects.all().delete()
    get_user_model().objects.filter(username__in=[u[0] for u in USERS]).delete()
