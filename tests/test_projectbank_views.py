"""Project-bank import pages and service: who may, preview writes nothing, create writes one
project with its sections in one transaction with an audit entry, duplicates, odd input."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import LogEntry, Membership, Organisation, Project, ProjectPartner, Role
from projectbank import services
from projectbank.parser import parse
from tests.factories import MembershipFactory, OrganisationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

SEEDS = Path("/work/shared/seeds")
PASTE = reverse("projectbank:paste")
CREATE = reverse("projectbank:create")
# Tests that read the page's words use the English pages (Swedish is the default language).
EN_PASTE, EN_CREATE = "/en" + PASTE, "/en" + CREATE


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def admin_client(client):
    user = UserFactory(username="admin", is_staff=True)
    client.force_login(user)
    client.user = user
    return client


def counts():
    return (
        Project.objects.count(),
        Organisation.objects.count(),
        ProjectPartner.objects.count(),
        Membership.objects.count(),
    )


# --- who may ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get(PASTE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.CASE_WORKER, Role.STEERING])
def test_non_staff_get_403_even_a_project_manager(client, role):
    membership = MembershipFactory(role=role)
    client.force_login(membership.user)
    assert client.get(PASTE).status_code == 403
    assert client.post(PASTE, {"text": seed("004")}).status_code == 403
    before = counts()
    assert client.post(CREATE, {"text": seed("004")}).status_code == 403
    assert counts() == before
    created = reverse("projectbank:created", args=[membership.project.pk])
    assert client.get(created).status_code == 403


def test_the_project_list_shows_the_import_link_only_to_administrators(client):
    membership = MembershipFactory(role=Role.MANAGER)
    client.force_login(membership.user)
    assert PASTE not in client.get(reverse("core:project_list")).content.decode()
    client.force_login(UserFactory(is_staff=True))
    assert PASTE in client.get(reverse("core:project_list")).content.decode()


def test_a_superuser_who_is_not_staff_may_import(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=False))
    assert client.get(PASTE).status_code == 200


# --- preview ------------------------------------------------------------------------------------


def test_paste_page_and_english_page(admin_client):
    assert admin_client.get(PASTE).status_code == 200
    response = admin_client.get("/en" + PASTE)
    assert response.status_code == 200
    assert "Import from the project bank" in response.content.decode()


def test_preview_shows_every_field_and_section_and_writes_nothing(admin_client):
    before, log_before = counts(), LogEntry.objects.count()
    response = admin_client.post(PASTE, {"text": seed("004")})
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Integration genom arbete",
        "Programområde 2 Ökat arbetskraftsutbud",
        "Integrationsenheten",
        "Azad Jonczyk",
        "azad.jonczyk@astorp.se",
        "042-64059",
        "12\u00a0464\u00a0585\u00a0kr",
        "29\u00a0090\u00a0968\u00a0kr",
        "2009-01-15 – 2013-03-31",
        "Sydsverige",
        "Projektet är ett samverkansprojekt mellan fyra N. V. Skånska kommuner",
        "Personalsektionen",
        "Östra Göinge",
    ):
        assert text in html, text
    assert counts() == before and LogEntry.objects.count() == log_before
    # The text travels in the form, not in a URL.
    assert 'type="hidden" name="text"' in html


def test_preview_flags_missing_fields_and_asks_for_what_a_project_needs(admin_client):
    response = admin_client.post(EN_PASTE, {"text": seed("002")})
    html = response.content.decode()
    assert html.count("not found in the text") >= 10
    form = response.context["form"]
    assert {"owner_name", "phase", "starts_on", "ends_on"} <= set(form.fields)
    assert "allow_duplicate" not in form.fields


def test_preview_says_which_organisations_exist_and_which_are_created(admin_client):
    OrganisationFactory(name="burlövs kommun", kind="municipality")
    response = admin_client.post(EN_PASTE, {"text": seed("003")})
    plan = response.context["plan"]
    assert plan.owner.existing is not None
    new = {(o.name, o.kind) for o in plan.new_organisations}
    assert new == {
        ("Arbetsförmedlingen Arlöv", "employment_service"),
        ("Försäkringskassan Lund", "social_insurance"),
        ("Universitetssjukhuset I Lund", "region"),
        ("AS3 Jobbcenter Malmö", "other"),
        ("Lunds kvinnoforum", "other"),
    }
    assert "new organisation" in response.content.decode()


@pytest.mark.parametrize(
    "text",
    ["", "   \n  ", "lorem ipsum", "Bara en titel", "\x00\x01\x02", "ProjektfasGenomförande"],
)
def test_odd_text_never_crashes(admin_client, text):
    response = admin_client.post(PASTE, {"text": text})
    assert response.status_code == 200


def test_empty_text_is_refused_with_a_message(admin_client):
    response = admin_client.post(EN_PASTE, {"text": "  "})
    assert "Paste the text of a project-bank page." in response.content.decode()
    assert response.context["form"].errors


def test_text_past_one_megabyte_is_refused_with_a_message(admin_client):
    before = counts()
    big = seed("004") * 90  # about 1.2 MB: past our limit, under Django's upload limit
    response = admin_client.post(EN_PASTE, {"text": big})
    assert response.status_code == 200
    assert "larger than 1 MB" in response.content.decode()
    response = admin_client.post(EN_CREATE, {"text": big})
    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()
    assert counts() == before


# --- create -------------------------------------------------------------------------------------


def test_preview_then_create_makes_exactly_one_project_with_its_sections(admin_client):
    preview = admin_client.post(PASTE, {"text": seed("004"), "source_url": "https://esf.se/p/1"})
    form = preview.context["form"]
    data = {name: form[name].value() or "" for name in ("text", "source_url")}
    response = admin_client.post(CREATE, data)
    assert response.status_code == 302
    assert Project.objects.count() == 1
    project = Project.objects.get()
    assert response["Location"] == reverse("projectbank:created", args=[project.pk])
    assert project.title == "Integration genom arbete"
    assert project.owner.name == "Integrationsenheten"
    assert project.phase == "implementation"
    assert project.contact_name == "Azad Jonczyk"
    assert project.contact_email == "azad.jonczyk@astorp.se"
    assert project.contact_phone == "042-64059"
    assert project.esf_grant == Decimal("12464585")
    assert project.total_budget == Decimal("29090968")
    assert (project.starts_on, project.ends_on) == (dt.date(2009, 1, 15), dt.date(2013, 3, 31))
    assert project.region == "Sydsverige"
    assert project.programme_area == "Programområde 2 Ökat arbetskraftsutbud"
    assert project.source_url == "https://esf.se/p/1"
    assert list(project.sections.values_list("key", "language").order_by("order")) == [
        ("summary", "sv"),
        ("background", "sv"),
        ("purpose", "sv"),
        ("goals", "sv"),
        ("accessibility", "sv"),
        ("gender_mainstreaming", "sv"),
        ("transnational", "sv"),
    ]
    partners = project.partners.select_related("organisation")
    assert sorted((p.organisation.name, p.is_co_financier, p.is_partner) for p in partners) == [
        ("Arbetsförmedlingen, Arbetsmarknadsområde Helsingborg", False, True),
        ("Integrationssamordningen", True, True),
        ("Kommunstyrelsen/ledningskontoret", True, True),
        ("Personalsektionen", False, True),
    ]
    assert project.municipalities.count() == 38
    entry = LogEntry.objects.get(object_type="core.Project")
    assert entry.action == "create" and entry.user == admin_client.user
    assert entry.object_id == str(project.pk) and "sections" in entry.fields
    assert "Integration" not in str(entry.fields)  # names, never values
    page = admin_client.get(response["Location"])
    assert page.status_code == 200 and "Integration genom arbete" in page.content.decode()


def test_a_page_without_owner_phase_and_period_needs_them_typed_in(admin_client):
    text = seed("002")
    response = admin_client.post(CREATE, {"text": text})
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"owner_name", "phase", "starts_on", "ends_on"}
    assert Project.objects.count() == 0
    response = admin_client.post(
        CREATE,
        {
            "text": text,
            "owner_name": "Malmö stad, stadskontoret",
            "phase": "implementation",
            "starts_on": "2010-01-01",
            "ends_on": "2015-12-31",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.owner.kind == "municipality"
    assert project.esf_grant is None and project.region == "" and project.contact_email == ""
    assert list(project.sections.values_list("key", "heading").order_by("order")) == [
        ("summary", ""),
        ("other", "Arbete"),
        ("other", "Boende"),
        ("other", "Lärande"),
    ]


def test_a_duplicate_title_is_refused_until_confirmed(admin_client):
    ProjectFactory(title="Jobb för alla (Förprojektering)")
    preview = admin_client.post(EN_PASTE, {"text": seed("003")})
    assert "A project with this title exists already." in preview.content.decode()
    assert "allow_duplicate" in preview.context["form"].fields
    response = admin_client.post(CREATE, {"text": seed("003")})
    assert response.status_code == 400
    assert "allow_duplicate" in response.context["form"].errors
    assert Project.objects.filter(title="Jobb för alla (Förprojektering)").count() == 1
    response = admin_client.post(CREATE, {"text": seed("003"), "allow_duplicate": "on"})
    assert response.status_code == 302
    assert Project.objects.filter(title="Jobb för alla (Förprojektering)").count() == 2


def test_a_chosen_manager_becomes_the_projects_manager(admin_client):
    manager = UserFactory(username="helena")
    response = admin_client.post(CREATE, {"text": seed("000"), "manager": manager.pk})
    assert response.status_code == 302
    project = Project.objects.get()
    membership = Membership.objects.get(project=project)
    assert (membership.user, membership.role, membership.organisation) == (
        manager,
        Role.MANAGER,
        project.owner,
    )
    client = admin_client
    client.force_login(manager)
    assert client.get(reverse("core:project_detail", args=[project.pk])).status_code == 200


def test_get_on_create_is_not_allowed(admin_client):
    assert admin_client.get(CREATE).status_code == 405


# --- the service ----------------------------------------------------------------------------------


def test_the_five_seed_pages_import_into_five_projects():
    by = UserFactory(is_staff=True)
    missing = {"owner_name": "Malmö stad", "phase": "implementation"}
    period = {"starts_on": dt.date(2010, 1, 1), "ends_on": dt.date(2015, 12, 31)}
    for prefix in ("000", "001", "002", "003", "004"):
        extra = {**missing, **period} if prefix == "002" else {}
        services.create_project(page=parse(seed(prefix)), by=by, **extra)
    assert Project.objects.count() == 5
    assert sorted(Project.objects.values_list("title", flat=True)) == [
        "Framtid i Fokus - ett Tvillingprojekt i Samarbete mellan Malmö och Göteborg",
        "Integration genom arbete",
        "Jobb för alla (Förprojektering)",
        "Områdesprogram för ett socialt hållbart Malmö",
        "Samverkan för storstadsintegration Malmö",
    ]
    fif = Project.objects.get(title__startswith="Framtid")
    assert (fif.esf_grant, fif.total_budget) == (Decimal("4797459"), Decimal("11997459"))
    assert fif.sections.count() == 6
    # An organisation named on several pages is created once.
    assert Organisation.objects.filter(name__iexact="Försäkringskassan").count() == 1


def test_a_failed_create_writes_nothing():
    by = UserFactory(is_staff=True)
    text = seed("003").replace(
        "Beviljat ESF-stöd290\u00a0754 kr", "Beviljat ESF-stöd990\u00a0754 kr"
    )
    before, log_before = counts(), LogEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        services.create_project(page=parse(text), by=by)  # grant above the total budget
    assert "esf_grant" in error.value.message_dict
    assert counts() == before and LogEntry.objects.count() == log_before


@pytest.mark.parametrize(
    "name, kind",
    [
        ("Burlövs Kommun", "municipality"),
        ("Malmö stad, stadskontoret", "municipality"),
        ("Arbetsförmedlingen Arlöv", "employment_service"),
        ("Försäkringskassan", "social_insurance"),
        ("Region Skåne", "region"),
        ("INAR Integration och Arbetsmarknad", "other"),
        ("Integrationsenheten", "other"),
    ],
)
def test_the_kind_of_a_new_organisation_comes_only_from_its_name(name, kind):
    assert services.organisation_kind(name) == kind


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=300),
            st.sampled_from(
                [
                    "Projektägare" + "Å" * 250,
                    "KontaktpersonX" + "y" * 200,
                    "Telefonnummer" + "1" * 60,
                    "E-post" + "a" * 250 + "@example.se",
                    "Total projektbudget1 000 kr",
                    "Beviljat ESF-stöd2 000 kr",
                    "Samarbetspartners",
                    "Kommun",
                    "Okänd kommun",
                    "Sammanfattning",
                    "",
                ]
            ),
        ),
        max_size=25,
    )
)
def test_creating_from_any_text_either_works_or_says_why(lines):
    by = UserFactory(username="fuzz", is_staff=True)
    page = parse("Fuzz\n" + "\n".join(lines))
    before = counts()
    try:
        services.create_project(
            page=page,
            by=by,
            owner_name="Ägaren",
            phase="implementation",
            starts_on=dt.date(2010, 1, 1),
            ends_on=dt.date(2010, 12, 31),
            allow_duplicate=True,
        )
    except ValidationError:
        assert counts() == before
