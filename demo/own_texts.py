"""Narrative texts written for the demo (not on any seed page): English versions of the seed
pages' summary and purpose, and short sections for the projects the seeds only mention (the main
project, the Göteborg twin and the five area parts)."""

ENGLISH = {
    "storstad": {
        "summary": (
            "The pre-study will develop measures for people in social exclusion as part of the "
            "physical renewal plans for some residential areas. Proposals are drawn up together "
            "by the municipality, government agencies and civil society, including "
            "representatives of residents, target groups and interest organisations."
        ),
        "purpose": (
            "To develop proposals for measures that increase labour supply and democratic "
            "participation in Malmö's renewal areas, mainly the housing estates of the 1960s, "
            "and to build an implementation organisation that involves agencies, private "
            "stakeholders and residents. In the implementation phase the focus is on jobs for "
            "unemployed residents, for example through social clauses in public procurement."
        ),
    },
    "fif": {
        "summary": (
            "Framtid i Fokus is run by Arbete & Utbildning, Rosengård district, City of Malmö, "
            "as one of five sub-projects of the main project I Arbetsmarknadens Utkant. Through "
            "individual support, training and work placements, and together with a twin project "
            "in Bergsjön and Kortedala in Gothenburg, it helps 60 long-term unemployed "
            "recipients of social assistance living in Herrgården, Rosengård, into work. At "
            "least 70 % of participants shall have a job or feel their chances of a job have "
            "increased when they leave."
        ),
        "purpose": (
            "To increase the chances of long-term unemployed social-assistance recipients in "
            "Herrgården, Rosengård, to establish themselves on the labour market, through "
            "individually designed support, training and workplace-based activities and "
            "cooperation with the twin project in Gothenburg, and to strengthen each person's "
            "competitiveness in society."
        ),
    },
    "omrade": {
        "summary": (
            "The Area Programmes for a Socially Sustainable Malmö are a five-year investment "
            "(2010–2015) to improve living conditions, safety and jobs in the five areas of "
            "Malmö where welfare is lowest: Herrgården, Holma/Kroksbäck, Södra Sofielund/Seved, "
            "Lindängen and Segevång. The city office follows the programmes up and reports to "
            "the municipal executive board."
        ),
    },
    "jfa": {
        "summary": (
            "Burlöv is a small municipality with unemployment and ill-health comparable to the "
            "county's largest cities. In this pre-study the municipality, the Public Employment "
            "Service, the Social Insurance Agency and the region map the target groups, define "
            "the measures of a joint project and build the cooperation it needs from day one."
        ),
        "purpose": (
            "To analyse needs and conditions, develop and decide on measures, and set up a "
            "common platform for the partners, so that the implementation phase helps residents "
            "far from the labour market into work and becomes a permanent cross-agency service, "
            "eventually within Finsam."
        ),
    },
    "iga": {
        "summary": (
            "A cooperation project between four municipalities in north-western Skåne, the "
            "Public Employment Service, business associations and employers that integrates the "
            "municipalities' refugees into working life and Swedish society within six months "
            "through a range of measures."
        ),
        "purpose": (
            "To improve the integration of refugees into the Swedish labour market and society, "
            "with individual analyses and action plans that give each refugee what they need to "
            "become self-supporting through work or their own business as quickly as possible."
        ),
    },
}

UTKANT = {
    "sv": (
        "Huvudprojektet ”I Arbetsmarknadens Utkant” samlar fem delprojekt med olika "
        "projektägare i Malmö stad, med delvis stadsdelsövergripande rekrytering av deltagare och "
        "en gemensam styrgrupp. Delprojekten riktar sig till utomeuropeiskt födda, ungdomar med "
        "kort och bristfällig utbildning samt långtidssjukskrivna och/eller långtidsarbetslösa "
        "personer med psykisk och fysisk ohälsa. Ett av delprojekten är ”Framtid i Fokus”."
    ),
    "en": (
        "The main project I Arbetsmarknadens Utkant (On the Edge of the Labour Market) brings "
        "together five sub-projects with different owners in the City of Malmö, a partly "
        "city-wide recruitment of participants and a common steering group. One of the five is "
        "Framtid i Fokus."
    ),
}

GOTEBORG = {
    "sv": (
        "Göteborgsdelen av tvillingprojektet ”Framtid i Fokus”. Arbetsforum, Bergsjön/Kortedala, "
        "Göteborgs Stad, erbjuder långtidsarbetslösa bidragstagare i Bergsjön och Kortedala samma "
        "insatser som Arbete & Utbildning erbjuder på Herrgården i Malmö. Projekten jämför sin "
        "utveckling under hela projektperioden som underlag för metodutveckling."
    ),
    "en": (
        "The Gothenburg half of the twin project Framtid i Fokus: Arbetsforum offers long-term "
        "unemployed benefit recipients in Bergsjön and Kortedala the same measures as Malmö "
        "offers in Herrgården, and the two projects compare their development throughout."
    ),
}


def area_part(area: str) -> dict[str, str]:
    return {
        "sv": (
            f"Områdesprogrammets del i {area}: stadsområdesförvaltningen samordnar insatser inom "
            "arbete, boende och lärande tillsammans med boende, föreningar, fastighetsägare och "
            "andra förvaltningar."
        ),
        "en": (
            f"The area programme's part in {area}: the city area administration coordinates work, "
            "housing and learning measures with residents, associations, property owners and "
            "other city departments."
        ),
    }


SEGEVANG_EXTRA = (
    "Inom delen arbetar socialtjänsten intensifierat med barnfamiljer som uppbär långvarigt "
    "försörjningsstöd, med målet att fler föräldrar ska gå till arbete, studier eller annan "
    "självförsörjning."
)
