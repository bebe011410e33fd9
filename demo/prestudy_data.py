"""The registers of the two pre-studies: seed 000 (Samverkan för storstadsintegration Malmö) and
seed 003 (Jobb för alla). The pages state the goals (≥ 25 stakeholders, ≥ 10 activities by
category; mapped target groups, a risk analysis, a gender SWOT, confirmed partners); the entries
themselves are invented, with generic names of the kinds of bodies the pages mention."""

import datetime as dt
from decimal import Decimal

from core.models import LocalInitiative
from interventions.models import InterventionCategory
from prestudy.checklist import ITEMS as CHECKLIST_ITEMS
from prestudy.models import (
    AccessibilityMeasure,
    Deliverable,
    ProposedActivity,
    Risk,
    Stakeholder,
    SwotItem,
    TargetGroupMapping,
    Workshop,
)

S = Stakeholder.Kind
STORSTAD_STAKEHOLDERS = [
    ("Arbetsförmedlingen Malmö", S.AUTHORITY, "Arbetsförmedlingen Malmö"),
    ("Försäkringskassan", S.AUTHORITY, "Försäkringskassan"),
    ("Stadsbyggnadskontoret", S.AUTHORITY, None),
    ("Malmö stad, SDF Rosengård", S.AUTHORITY, None),
    ("Malmö stad, SDF Fosie", S.AUTHORITY, None),
    ("Malmö stad, SDF Hyllie", S.AUTHORITY, None),
    ("Malmö stad, SDF Södra Innerstaden", S.AUTHORITY, None),
    ("Malmö stad, Komvux", S.AUTHORITY, "Malmö stad, Komvux"),
    ("Region Skåne, Vårdcentralen Rosengård", S.AUTHORITY, None),
    ("Länsstyrelsen i Skåne län", S.AUTHORITY, None),
    ("MKB Fastighets AB", S.COMPANY, "MKB Fastighets AB"),
    ("Byggföretag i Malmö (lokal entreprenör)", S.COMPANY, None),
    ("Lernia Malmö", S.COMPANY, "Lernia Malmö"),
    ("Bemanningsföretag i Öresundsregionen", S.COMPANY, None),
    ("Handelsföretag i Rosengård centrum", S.COMPANY, None),
    ("Hyresgästföreningen Rosengård", S.INTEREST_ORGANISATION, None),
    ("Företagarna Malmö", S.INTEREST_ORGANISATION, None),
    ("Fastighetsägarna Syd", S.INTEREST_ORGANISATION, None),
    ("Fackförbundet Byggnads Skåne", S.INTEREST_ORGANISATION, None),
    ("Boendeforum Holma", S.USER_REPRESENTATIVE, None),
    ("Boenderådet Lindängen", S.USER_REPRESENTATIVE, None),
    ("Föräldragruppen Herrgården", S.USER_REPRESENTATIVE, None),
    ("Ungdomsrådet Rosengård", S.USER_REPRESENTATIVE, None),
    ("Somaliska föreningen i Malmö", S.CIVIL_SOCIETY, None),
    ("Irakiska kulturföreningen", S.CIVIL_SOCIETY, None),
    ("Bosniska kvinnoföreningen", S.CIVIL_SOCIETY, None),
    ("Röda korset Malmö", S.CIVIL_SOCIETY, None),
    ("Studieförbundet i Malmö", S.CIVIL_SOCIETY, None),
    ("Boende i Kroksbäck (öppet möte)", S.RESIDENT, None),
    ("Boende i Lindängen (öppet möte)", S.RESIDENT, None),
]

W = Workshop.Kind
STORSTAD_WORKSHOPS = [
    ("Uppstart: myndigheter och förnyelseplaner", W.WORKSHOP, dt.date(2009, 10, 8), range(0, 12)),
    ("Fokusgrupp boende Holma-Kroksbäck", W.FOCUS_GROUP, dt.date(2009, 11, 12), [10, 15, 19, 26]),
    ("Fokusgrupp unga i Rosengård", W.FOCUS_GROUP, dt.date(2009, 12, 3), [3, 21, 22, 23, 24]),
    ("Sociala klausuler i upphandlingar", W.SEMINAR, dt.date(2010, 2, 4), [2, 10, 11, 16, 17, 18]),
    ("Dialog om förslag till insatser", W.DIALOGUE, dt.date(2010, 4, 15),
     [*range(0, 28, 2), 28, 29]),
    # The page names Rotterdam and Belfast (URBACT Open Cities) as cities to learn from.
    ("Studiebesök Rotterdam: samverkan i stadsutveckling", W.STUDY_VISIT, dt.date(2010, 3, 10),
     [0, 2, 3]),
    ("Studiebesök Belfast: Open Cities", W.STUDY_VISIT, dt.date(2010, 5, 6), [2, 4, 9]),
]  # fmt: skip

# The seed's four integrated parts of accessibility (physical, activities, communicative,
# informative); the measures are the demo's own, each done on the day it was due.
A = AccessibilityMeasure.Aspect
STORSTAD_ACCESSIBILITY = [
    (A.PREMISES, "Mötena hålls i lokaler med trappor i Holma.", "Workshopparna flyttas till "
     "Holma bibliotek med hiss och ramp.", "Förstudieledaren", *[dt.date(2009, 11, 1)] * 2),
    (A.ACTIVITIES, "Boende med funktionsnedsättning saknas i fokusgrupperna.", "Handikapp"
     "föreningarna bjuds in; ersättning för ledsagare.", "Förstudieledaren",
     *[dt.date(2010, 1, 15)] * 2),
    (A.INFORMATION, "Inbjudningar bara på svenska och i tryck.", "Inbjudningar på lätt svenska, "
     "arabiska och somaliska, också som ljudfil.", "Kommunikatören", *[dt.date(2009, 12, 1)] * 2),
    (A.OTHER, "Dålig akustik i samlingslokalen.", "Teleslinga och teckentolk vid dialogmötena.",
     "Förstudieledaren", *[dt.date(2010, 4, 1)] * 2),
]  # fmt: skip

# title, category code, target group codes, stakeholder indexes
LTU, YOUNG, SA = "langtidsarbetslosa", "unga", "forsorjningsstod"
STORSTAD_ACTIVITIES = [
    ("Brobyggare i bostadsområdena", "outreach", [LTU], [23, 24, 25]),
    ("Uppsökande arbete via föreningslivet", "outreach", [SA], [26, 27]),
    ("Motivationsgrupper för unga utanför skolan", "outreach", [YOUNG], [22, 3]),
    ("Grundläggande svenska och matematik i närmiljön", "basic_education", [LTU], [7]),
    ("Gymnasiekomplettering för unga vuxna", "basic_education", [YOUNG], [7, 22]),
    ("Yrkesutbildning bygg och renovering", "vocational_training", [LTU, YOUNG], [10, 11, 18]),
    ("Fastighetsskötsel och förvaltning", "vocational_training", [SA], [10, 17]),
    ("Validering för högutbildade invandrare", "vocational_training", [LTU], [0, 7]),
    ("Praktik genom sociala klausuler", "internship", [LTU, SA], [2, 10, 11]),
    ("Praktik i områdets handel och service", "internship", [YOUNG], [14, 16]),
    ("Starta eget i socialt företag", "entrepreneurship", [SA], [16, 27]),
    ("Entreprenörskap för kvinnor i Rosengård", "entrepreneurship", [LTU], [25, 16]),
]

JFA_STAKEHOLDERS = [
    ("Burlövs Kommun, socialtjänsten", S.AUTHORITY, "Burlövs Kommun"),
    ("Arbetsförmedlingen Arlöv", S.AUTHORITY, "Arbetsförmedlingen Arlöv"),
    ("Försäkringskassan Lund", S.AUTHORITY, "Försäkringskassan Lund"),
    ("Region Skåne, primärvården Burlöv", S.AUTHORITY, None),
    ("Universitetssjukhuset I Lund", S.AUTHORITY, "Universitetssjukhuset I Lund"),
    ("AS3 Jobbcenter Malmö", S.COMPANY, "AS3 Jobbcenter Malmö"),
    ("Lunds kvinnoforum", S.CIVIL_SOCIETY, "Lunds kvinnoforum"),
    ("Handikappföreningarna i Burlöv", S.USER_REPRESENTATIVE, None),
]

JFA_MAPPINGS = [
    (
        "utrikes-fodda-langtidsarbetslosa",
        240,
        "46.0",
        "Största gruppen bland de långtidsarbetslösa i Burlöv. Många har varit inskrivna hos "
        "flera myndigheter samtidigt; språk och bristande nätverk är de vanligaste hindren. "
        "Kvinnorna har i högre grad ingen arbetslivserfarenhet i Sverige.",
    ),
    (
        "unga",
        110,
        "38.0",
        "Unga 18–24 år utan fullständiga gymnasiebetyg. Männen är fler bland de inskrivna; "
        "unga kvinnor syns mindre i statistiken men finns bland dem med försörjningsstöd.",
    ),
    (
        "funktionsnedsattning",
        85,
        "52.0",
        "Personer med funktionsnedsättning som medför nedsatt arbetsförmåga, ofta med "
        "sjukpenning eller aktivitetsersättning. Behöver samordnade insatser från FK, AF och "
        "vården.",
    ),
]

JFA_RISKS = [
    ("Parterna prioriterar ordinarie verksamhet och avsätter inte personal.", 3, 4,
     "Skriftliga avsiktsförklaringar; styrgrupp med beslutsmandat.", "Styrgruppen"),
    ("Sekretess hindrar informationsutbyte mellan myndigheterna.", 4, 4,
     "Samtyckesblankett som täcker alla parter; juridisk genomgång.", "Projektledaren"),
    ("Målgruppen nås inte; få hänvisningar från handläggarna.", 3, 3,
     "Gemensam rutin för hänvisning; information på arbetsplatsträffar.", "Arbetsgruppen"),
    ("Kvinnor i målgruppen deltar i lägre grad än män.", 3, 3,
     "Barnomsorg under aktiviteter; aktiviteter på dagtid; uppföljning per kön.", "Projektledaren"),
    ("Ansökan för genomförandet blir inte klar till utlysningen 1/11 08.", 2, 5,
     "Tidplan med delmål; extern utvärderare granskar utkast.", "Projektledaren"),
    ("Finansieringen efter projekttiden saknas (övergång till Finsam).", 3, 4,
     "Strategi för övergång till Finsam påbörjas under förprojekteringen.", "Styrgruppen"),
]  # fmt: skip

JFA_SWOT = [
    ("strength", "Samverkansgruppen har lång erfarenhet av gemensamt arbete i Burlöv."),
    ("strength", "Könsuppdelad statistik finns hos alla fyra myndigheterna."),
    ("strength", "Lunds kvinnoforum bidrar med kompetens i jämställdhetsintegrering."),
    ("weakness", "Handläggarnas kunskap om jämställdhetsintegrering är ojämn."),
    ("weakness", "Metoderna har hittills utformats utan att kvinnors och mäns villkor jämförts."),
    ("opportunity", "Aktiviteter kan ges på tider som passar föräldrar med små barn."),
    ("opportunity", "Arbetsgivare inom vård och omsorg söker män, inom bygg söker man kvinnor."),
    ("threat", "Traditionella könsmönster i yrkesval hos deltagarna och arbetsgivarna."),
    ("threat", "Brist på barnomsorg kan göra att kvinnor avstår från att delta."),
]


# "konkretisera de insatser som själva projektet skall bestå av": the demo's own proposals.
# title, category code, target group codes, stakeholder indexes, volume
JFA_ACTIVITIES = [
    ("Gemensam kartläggning hos fyra myndigheter", "guidance",
     ["utrikes-fodda-langtidsarbetslosa", "funktionsnedsattning"], [0, 1, 2, 3], 120),
    ("Arbetsträning hos AS3 Jobbcenter", "work_training", ["utrikes-fodda-langtidsarbetslosa"],
     [5], 40),
    ("Praktik med handledare för unga", "internship", ["unga"], [1, 5], 30),
    ("Hälsoinsats med primärvården", "health", ["funktionsnedsattning"], [3, 4], 25),
]  # fmt: skip
# Handisam's action plan: premises, information and communication (the page).
JFA_ACCESSIBILITY = [
    (A.PREMISES, "Samverkanskontoret i Arlöv saknar automatisk dörröppnare.",
     "Dörröppnare och skyltning i punktskrift beställs av fastighetsägaren.", "Burlövs Kommun",
     dt.date(2008, 10, 15), dt.date(2008, 10, 10)),
    (A.INFORMATION, "Informationen om projektet finns bara som tryckt folder.",
     "Foldern också på lätt svenska och som tillgänglig pdf.", "Projektledaren",
     dt.date(2008, 10, 31), dt.date(2008, 10, 28)),
    (A.INFORMATION, "Handläggarna vet inte hur man beställer tolk för hörselskadade.",
     "Rutin för tolkbeställning i samverkansgruppens handbok.", "Arbetsgruppen",
     dt.date(2008, 11, 14), None),
]  # fmt: skip
# The checklist of what the pre-study promised (seed 003), each with its evidence.
JFA_DELIVERABLES = {
    "target_groups_mapped": (dt.date(2008, 8, 29), "Kartläggning av målgrupperna, bilaga 1."),
    "interventions_specified": (dt.date(2008, 10, 3), "Insatskatalog, samverkansgruppen 3/10."),
    "risk_analysis": (dt.date(2008, 9, 30), "Riskanalys, arbetsgruppens protokoll 30/9."),
    "gender_swot": (dt.date(2008, 9, 23), "Jämställdhets-SWOT, workshop 23/9."),
    "partners_confirmed": (dt.date(2008, 9, 9), "Avsiktsförklaringar från alla sex parter."),
    "application_submitted": (dt.date(2008, 10, 31), "Ansökan inlämnad till utlysningen 1/11 08."),
}


def _stakeholders(world, project, rows) -> list[Stakeholder]:
    return Stakeholder.objects.bulk_create(
        Stakeholder(
            project=project,
            name=name,
            kind=kind,
            organisation=world.orgs.get(organisation) if organisation else None,
        )
        for name, kind, organisation in rows
    )


def _proposed_activities(world, key, stakeholders, rows) -> None:
    """rows: title, category code, target group codes, stakeholder indexes, volume."""
    project = world.projects[key]
    categories = {c.code: c for c in InterventionCategory.objects.all()}
    for title, code, groups, proposers, volume in rows:
        activity = ProposedActivity.objects.create(
            project=project, title=title, category=categories[code], estimated_volume=volume
        )
        activity.target_groups.set([world.target_groups[(key, g)] for g in groups])
        activity.proposed_by.set([stakeholders[i] for i in proposers])


def _accessibility_plan(project, rows) -> None:
    AccessibilityMeasure.objects.bulk_create(
        AccessibilityMeasure(
            project=project,
            aspect=aspect,
            barrier=barrier,
            measure=measure,
            responsible=responsible,
            due_on=due_on,
            done_on=done_on,
        )
        for aspect, barrier, measure, responsible, due_on, done_on in rows
    )


def create_storstad_registers(world) -> dict[str, int]:
    project = world.projects["storstad"]
    stakeholders = _stakeholders(world, project, STORSTAD_STAKEHOLDERS)
    for title, kind, held_on, members in STORSTAD_WORKSHOPS:
        workshop = Workshop.objects.create(project=project, title=title, kind=kind, held_on=held_on)
        workshop.stakeholders.set([stakeholders[i] for i in members])
    _proposed_activities(
        world,
        "storstad",
        stakeholders,
        [(*row, 15 + 5 * i) for i, row in enumerate(STORSTAD_ACTIVITIES)],
    )
    _accessibility_plan(project, STORSTAD_ACCESSIBILITY)
    return {
        "stakeholders": len(stakeholders),
        "workshops": len(STORSTAD_WORKSHOPS),
        "proposed activities": len(STORSTAD_ACTIVITIES),
        "accessibility measures": len(STORSTAD_ACCESSIBILITY),
    }


def create_jfa_registers(world) -> dict[str, int]:
    project = world.projects["jfa"]
    stakeholders = _stakeholders(world, project, JFA_STAKEHOLDERS)
    workshop = Workshop.objects.create(
        project=project,
        title="Jämställdhets-SWOT i arbetsgruppen",
        kind=Workshop.Kind.WORKSHOP,
        held_on=dt.date(2008, 9, 23),
    )
    workshop.stakeholders.set(stakeholders)
    TargetGroupMapping.objects.bulk_create(
        TargetGroupMapping(
            project=project,
            target_group=world.target_groups[("jfa", code)],
            estimated_size=size,
            women_share=Decimal(women),
            women=round(size * float(women) / 100),
            men=size - round(size * float(women) / 100),
            findings=findings,
            source="Samverkansgruppens registeruttag (syntetiskt demovärde)",
            mapped_on=dt.date(2008, 8, 29),
        )
        for code, size, women, findings in JFA_MAPPINGS
    )
    Risk.objects.bulk_create(
        Risk(
            project=project,
            description=description,
            likelihood=likelihood,
            impact=impact,
            mitigation=mitigation,
            owner=owner,
            assessed_on=dt.date(2008, 9, 30),
            # The application was submitted (the last risk closed); the others are reviewed
            # at the implementation's start.
            status=Risk.Status.CLOSED if "Ansökan" in description else Risk.Status.MITIGATING,
            review_on=dt.date(2008, 11, 15),
        )
        for description, likelihood, impact, mitigation, owner in JFA_RISKS
    )
    SwotItem.objects.bulk_create(
        SwotItem(project=project, quadrant=q, text=text, recorded_on=dt.date(2008, 9, 23))
        for q, text in JFA_SWOT
    )
    _proposed_activities(world, "jfa", stakeholders, JFA_ACTIVITIES)
    _accessibility_plan(project, JFA_ACCESSIBILITY)
    assert set(JFA_DELIVERABLES) == set(CHECKLIST_ITEMS)
    Deliverable.objects.bulk_create(
        Deliverable(project=project, item=item, done_on=done_on, evidence=evidence)
        for item, (done_on, evidence) in JFA_DELIVERABLES.items()
    )
    return {
        "stakeholders": len(stakeholders),
        "target-group mappings": len(JFA_MAPPINGS),
        "risks": len(JFA_RISKS),
        "SWOT entries": len(JFA_SWOT),
        "proposed activities": len(JFA_ACTIVITIES),
        "accessibility measures": len(JFA_ACCESSIBILITY),
        "checklist items done": len(JFA_DELIVERABLES),
    }


# Seed 002's local initiatives, by area. The page gives about 20 Mkr in 2014, evenly over the
# five areas, of which 2 Mkr per programme went to "Områdesanställningar" and "Meningsfull
# fritid"; the budgets of single initiatives are the demo's own (synthetic).
AREA_INITIATIVES = [
    ("Herrgården", "Kraftsamling Herrgården", "Tvärsektoriell kunskapsallians med ideella, "
     "offentliga och privata aktörer.", 1_200_000, dt.date(2013, 9, 1), None),
    ("Herrgården", "Områdesanställningar Herrgården", "Anställningar i området för boende som "
     "står långt från arbetsmarknaden.", 1_000_000, dt.date(2014, 1, 1), dt.date(2014, 12, 31)),
    ("Holma/Kroksbäck", "Familjebadet – jobb i byggandet", "Arbetstillfällen för arbetslösa i "
     "området genom byggandet av familjebadet.", 900_000, dt.date(2014, 3, 1), None),
    ("Holma/Kroksbäck", "Meningsfull fritid Holma/Kroksbäck", "Mötesplatser för flickor och "
     "pojkar.", 1_000_000, dt.date(2014, 1, 1), dt.date(2014, 12, 31)),
    ("Södra Sofielund/Seved", "Fastighetsägare BID Sofielund", "Boende, integration och "
     "delaktighet; en utvecklingsledare från Malmö stad.", 650_000, dt.date(2014, 9, 1), None),
    ("Lindängen", "Framtidens hus", "Socialsekreterare, Jobb Malmös områdesarbetare och "
     "Arbetsförmedlingen under ett tak.", 1_500_000, dt.date(2013, 1, 1), None),
    ("Lindängen", "Allaktivitetshuset Lindängeskolan", "Öppet sju dagar i veckan, gratis "
     "aktiviteter för barn och vuxna.", 800_000, dt.date(2012, 8, 15), None),
    ("Segevång", "Barnfamiljer till självförsörjning", "Intensifierat arbete med barnfamiljer "
     "med långvarigt försörjningsstöd.", 2_000_000, dt.date(2013, 6, 1), dt.date(2015, 12, 31)),
]  # fmt: skip


def create_area_initiatives(world) -> dict[str, int]:
    from .seeds import AREA_PART_KEYS

    LocalInitiative.objects.bulk_create(
        LocalInitiative(
            project=world.projects[AREA_PART_KEYS[area]],
            area=world.areas[area],
            title=title,
            description=description,
            budget=budget,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        for area, title, description, budget, starts_on, ends_on in AREA_INITIATIVES
    )
    return {"local initiatives": len(AREA_INITIATIVES)}
