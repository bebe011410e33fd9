"""From a parsed project-bank page to a project: what the import will do (`plan_import`, read
only, for the preview) and doing it (`create_project`, one transaction, one audit entry for the
project and one for each organisation it had to create)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import log_action
from core.models import (
    Membership,
    Municipality,
    Organisation,
    Project,
    ProjectPartner,
    ProjectSection,
    Role,
)

from .parser import SECTION_ORDER, ParsedPage

IMPORT_REASON = "project-bank import"


def organisation_kind(name: str) -> str:
    """The kind of a new organisation when its name makes it clear (a municipality's name says
    "kommun" or "stad"; Arbetsförmedlingen, Försäkringskassan and a region or hospital name
    themselves); otherwise "other". Never more than the name says."""
    folded = name.casefold()
    kind = Organisation.Kind
    if "arbetsförmedling" in folded or "employment service" in folded:
        return kind.EMPLOYMENT_SERVICE
    if "försäkringskass" in folded or "social insurance" in folded:
        return kind.SOCIAL_INSURANCE
    if "kommun" in folded or re.search(r"\bstad\b", folded) or "municipality" in folded:
        return kind.MUNICIPALITY
    if re.match(r"region\b", folded) or "landsting" in folded or "sjukhus" in folded:
        return kind.REGION
    return kind.OTHER


def find_organisation(name: str) -> Organisation | None:
    return Organisation.objects.filter(name__iexact=name.strip()).order_by("pk").first()


@dataclass
class OrganisationPlan:
    name: str
    existing: Organisation | None
    kind: str  # the kind of the existing organisation or of the one to be created

    @property
    def kind_label(self) -> str:
        return Organisation.Kind(self.kind).label


def plan_organisation(name: str) -> OrganisationPlan:
    existing = find_organisation(name)
    if existing:
        return OrganisationPlan(name=existing.name, existing=existing, kind=existing.kind)
    return OrganisationPlan(name=name.strip(), existing=None, kind=organisation_kind(name))


@dataclass
class PartnerPlan:
    organisation: OrganisationPlan
    is_co_financier: bool
    is_partner: bool


@dataclass
class ImportPlan:
    """What create_project would do with this page, worked out without writing anything."""

    page: ParsedPage
    owner: OrganisationPlan | None
    partners: list[PartnerPlan] = field(default_factory=list)
    municipalities: list[Municipality] = field(default_factory=list)
    unknown_municipalities: list[str] = field(default_factory=list)
    duplicates: list[Project] = field(default_factory=list)

    @property
    def new_organisations(self) -> list[OrganisationPlan]:
        plans = [self.owner] if self.owner else []
        plans += [p.organisation for p in self.partners]
        seen, result = set(), []
        for plan in plans:
            if plan.existing is None and plan.name.casefold() not in seen:
                seen.add(plan.name.casefold())
                result.append(plan)
        return result


def plan_import(page: ParsedPage) -> ImportPlan:
    owner_name = page.get("owner")
    plan = ImportPlan(page=page, owner=plan_organisation(owner_name) if owner_name else None)
    co_financiers = {name.casefold() for name in page.co_financiers}
    partners = {name.casefold() for name in page.partners}
    planned: set[str] = set()
    for name in [*page.co_financiers, *page.partners]:
        organisation = plan_organisation(name)
        if organisation.name.casefold() in planned:
            continue
        planned.add(organisation.name.casefold())
        plan.partners.append(
            PartnerPlan(
                organisation=organisation,
                is_co_financier=name.casefold() in co_financiers,
                is_partner=name.casefold() in partners,
            )
        )
    if page.municipalities:
        folded = {name.casefold() for name in page.municipalities}
        known = {
            m.name.casefold(): m for m in Municipality.objects.all() if m.name.casefold() in folded
        }
        for name in page.municipalities:
            if name.casefold() in known:
                plan.municipalities.append(known[name.casefold()])
            else:
                plan.unknown_municipalities.append(name)
    if page.title:
        plan.duplicates = list(Project.objects.filter(title__iexact=page.title).order_by("pk"))
    return plan


def _organisation(plan: OrganisationPlan, cache: dict, by) -> Organisation:
    key = plan.name.casefold()
    if key not in cache:
        organisation = find_organisation(plan.name)
        if organisation is None:
            organisation = Organisation.objects.create(name=plan.name, kind=plan.kind)
            log_action(
                by=by,
                action="create",
                obj=organisation,
                fields=["name", "kind"],
                reason=IMPORT_REASON,
            )
        cache[key] = organisation
    return cache[key]


@transaction.atomic
def create_project(
    *,
    page: ParsedPage,
    by,
    owner_name: str = "",
    phase: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    manager=None,
    source_url: str = "",
    allow_duplicate: bool = False,
) -> Project:
    """Create the project the page describes: its fields, its narrative sections (Swedish and,
    when the page has it, English), its partners and co-financiers, its municipalities, and the
    manager's membership when one is given. The owner, phase and period come from the page;
    the keyword arguments fill them in only where the page lacks them (the importer types
    them in the preview). A project of the same title is refused unless allow_duplicate.
    Raises ValidationError naming the field; nothing is written then."""
    values = page.values
    errors: dict[str, list[str]] = {}
    if not page.title:
        errors["title"] = [_("The text has no title.")]
    owner_name = values.get("owner") or owner_name.strip()
    if not owner_name:
        errors["owner_name"] = [_("The text names no project owner: enter one.")]
    phase = values.get("phase") or phase
    if phase not in Project.Phase.values:
        errors["phase"] = [_("The text gives no phase that can be read: choose one.")]
    if "starts_on" in values:
        starts_on, ends_on = values["starts_on"], values["ends_on"]
    if not starts_on:
        errors["starts_on"] = [_("The text gives no period that can be read: enter the start.")]
    if not ends_on:
        errors["ends_on"] = [_("The text gives no period that can be read: enter the end.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The period cannot end before it starts.")]
    if (
        page.title
        and not allow_duplicate
        and Project.objects.filter(title__iexact=page.title).exists()
    ):
        errors["allow_duplicate"] = [
            _(
                "A project with this title exists already. Tick the box to create another "
                "one anyway."
            )
        ]
    if errors:
        raise ValidationError(errors)

    plan = plan_import(page)
    cache: dict[str, Organisation] = {}
    owner = _organisation(plan.owner or plan_organisation(owner_name), cache, by)
    project = Project(
        title=page.title,
        owner=owner,
        contact_name=values.get("contact_name", ""),
        contact_email=values.get("contact_email", ""),
        contact_phone=values.get("contact_phone", ""),
        programme_area=values.get("programme_area", ""),
        phase=phase,
        starts_on=starts_on,
        ends_on=ends_on,
        region=values.get("region", ""),
        esf_grant=values.get("esf_grant"),
        total_budget=values.get("total_budget"),
        source_url=source_url,
    )
    project.full_clean()
    project.save()

    others = 0
    rows = []
    for section in page.sections:
        if section.key == "other":
            order, others = 20 + others, others + 1
        else:
            order = SECTION_ORDER.index(section.key)
        rows.append(
            ProjectSection(
                project=project,
                key=section.key,
                heading=section.heading if section.key == "other" else "",
                language=section.language,
                body=section.body,
                order=order,
            )
        )
    ProjectSection.objects.bulk_create(rows)
    for partner in plan.partners:
        ProjectPartner.objects.create(
            project=project,
            organisation=_organisation(partner.organisation, cache, by),
            is_co_financier=partner.is_co_financier,
            is_partner=partner.is_partner,
        )
    project.municipalities.set(plan.municipalities)
    if manager is not None:
        Membership.objects.create(
            user=manager, organisation=owner, project=project, role=Role.MANAGER
        )

    fields = [
        name
        for name in (
            "title",
            "contact_name",
            "contact_email",
            "contact_phone",
            "programme_area",
            "region",
            "esf_grant",
            "total_budget",
            "source_url",
        )
        if getattr(project, name) not in ("", None)
    ]
    fields += ["owner", "phase", "starts_on", "ends_on"]
    if rows:
        fields.append("sections")
    if plan.partners:
        fields.append("partners")
    if plan.municipalities:
        fields.append("municipalities")
    if manager is not None:
        fields.append("memberships")
    log_action(
        by=by, action="create", obj=project, project=project, fields=fields, reason=IMPORT_REASON
    )
    return project
