"""The ESF indicator sets, one per programme period, kept as data.

Each indicator names the regulation's text (English as the regulation has it; Swedish a Swedish
equivalent, in the Swedish versions' words where known), the population it counts over
(`basis`: participants entering in the period, leaving in the period, or leaving in the period
whose six-month follow-up has fallen due), the Följsam facts it needs (`needs`: a participant
lacking one is listed, not counted) and its test over those facts (esf/facts.py). An indicator whose
facts Följsam does not record has `test=None`: the file says "not recorded".

docs/esf-indicators.md maps each indicator to Följsam's fields and explains every choice.
"""

from collections.abc import Callable
from dataclasses import dataclass

from . import facts as f

ENTRY, EXIT, SIX_MONTHS = "entry", "exit", "six_months"

P2007, P2014, P2021 = "2007-2013", "2014-2020", "2021-2027"


@dataclass(frozen=True)
class Indicator:
    code: str
    name_en: str
    name_sv: str
    reference: str
    basis: str
    test: Callable | None
    needs: tuple[str, ...] = ()
    note_en: str = ""
    note_sv: str = ""

    @property
    def recorded(self) -> bool:
        return self.test is not None

    def name(self, language: str) -> str:
        return self.name_sv if language == "sv" else self.name_en

    def note(self, language: str) -> str:
        return self.note_sv if language == "sv" else self.note_en


@dataclass(frozen=True)
class IndicatorSet:
    period: str
    title_en: str
    title_sv: str
    regulation: str
    non_binary: bool  # women / men / non-binary (ESF+), else women / men
    indicators: tuple[Indicator, ...]

    def title(self, language: str) -> str:
        return self.title_sv if language == "sv" else self.title_en


def _always(facts) -> bool:
    return True


NOT_RECORDED_EN = "Följsam does not record this."
NOT_RECORDED_SV = "Följsam registrerar inte detta."
NO_RURAL_EN = "Not recorded: no urban–rural classification of municipalities or areas."
NO_RURAL_SV = "Registreras inte: kommuner och områden saknar indelning i stad och land."

IMPROVED_EN = (
    "Only for participants employed at start. The Commission's definition also counts moving "
    "from precarious to stable work, to a job needing higher skills, or a promotion; Följsam "
    "records only part-time at start and full-time six months after, so the figure is a lower "
    "bound."
)
IMPROVED_SV = (
    "Bara för deltagare som var anställda vid start. Kommissionens definition räknar också "
    "övergång från osäker till trygg anställning, till ett arbete som kräver högre kompetens "
    "eller en befordran; Följsam registrerar bara deltid vid start och heltid sex månader efter, "
    "så siffran är en undre gräns."
)
LEAVERS_REFERENCE = "Följsam: the leavers the results count over (not an indicator of the annex)"

R2007 = "Commission Regulation (EC) No 1828/2006, Annex XXIII"
R2014 = "Regulation (EU) No 1304/2013, Annex I"
R2021 = "Regulation (EU) 2021/1057, Annex I"

ESF_2007 = IndicatorSet(
    period=P2007,
    title_en="ESF 2007–2013: data on participants (what Följsam's fields allow)",
    title_sv="ESF 2007–2013: uppgifter om deltagare (det Följsams fält medger)",
    regulation=R2007,
    non_binary=False,
    indicators=(
        Indicator("ENT", "Participants entering", "Deltagare som börjat", R2007, ENTRY, _always),
        Indicator(
            "LAB-EMP",
            "Employed",
            "Sysselsatta",
            R2007,
            ENTRY,
            f.employed,
            ("status",),
        ),
        Indicator(
            "LAB-EMP-SE",
            "of which self-employed",
            "varav egenföretagare",
            R2007,
            ENTRY,
            None,
            note_en="The labour-market status at start has no self-employed value.",
            note_sv="Arbetsmarknadsstatus vid start har inget värde för egenföretagare.",
        ),
        Indicator("LAB-UNE", "Unemployed", "Arbetslösa", R2007, ENTRY, f.unemployed, ("status",)),
        Indicator(
            "LAB-UNE-LT",
            "of which long-term unemployed",
            "varav långtidsarbetslösa",
            R2007,
            ENTRY,
            f.long_term_unemployed,
            ("status",),
        ),
        Indicator(
            "LAB-INA",
            "Inactive",
            "Personer utanför arbetskraften",
            R2007,
            ENTRY,
            f.inactive,
            ("status",),
        ),  # fmt: skip
        Indicator(
            "LAB-INA-EDU",
            "of which in education or training",
            "varav i utbildning",
            R2007,
            ENTRY,
            f.in_education,
            ("status",),
        ),
        Indicator(
            "AGE-15-24",
            "Young people (15–24 years)",
            "Unga (15–24 år)",
            R2007,
            ENTRY,
            f.age_between(15, 24),
        ),
        Indicator(
            "AGE-55-64",
            "Older workers (55–64 years)",
            "Äldre arbetstagare (55–64 år)",
            R2007,
            ENTRY,
            f.age_between(55, 64),
        ),
        Indicator(
            "VUL-MIN",
            "Minorities",
            "Minoriteter",
            R2007,
            ENTRY,
            None,
            note_en=NOT_RECORDED_EN,
            note_sv=NOT_RECORDED_SV,
        ),  # fmt: skip
        Indicator(
            "VUL-MIG",
            "Migrants",
            "Migranter",
            R2007,
            ENTRY,
            f.born_abroad,
            ("origin",),
            "Born outside Sweden (region of birth).",
            "Födda utanför Sverige (födelseregion).",
        ),
        Indicator(
            "VUL-DIS",
            "Disabled",
            "Personer med funktionsnedsättning",
            R2007,
            ENTRY,
            f.disabled,
            ("disability",),
        ),
        Indicator(
            "VUL-OTH",
            "Other disadvantaged people",
            "Andra missgynnade personer",
            R2007,
            ENTRY,
            None,
            note_en=NOT_RECORDED_EN,
            note_sv=NOT_RECORDED_SV,
        ),
        Indicator(
            "EDU-1-2",
            "Primary or lower secondary education (ISCED 1 and 2)",
            "Förgymnasial utbildning (ISCED 1 och 2)",
            R2007,
            ENTRY,
            f.isced("0-2"),
            ("education",),
        ),
        Indicator(
            "EDU-3",
            "Upper secondary education (ISCED 3)",
            "Gymnasial utbildning (ISCED 3)",
            R2007,
            ENTRY,
            f.isced("3-4"),
            ("education",),
            "Följsam's level 'upper secondary school' (ISCED 3–4): ISCED 4 is not told apart.",
            "Följsams nivå 'gymnasieskola' (ISCED 3–4): ISCED 4 särskiljs inte.",
        ),
        Indicator(
            "EDU-4",
            "Post-secondary non tertiary education (ISCED 4)",
            "Eftergymnasial utbildning som inte är tertiär (ISCED 4)",
            R2007,
            ENTRY,
            None,
            note_en="Counted under ISCED 3: Följsam's levels do not tell ISCED 4 apart.",
            note_sv="Räknas under ISCED 3: Följsams nivåer särskiljer inte ISCED 4.",
        ),
        Indicator(
            "EDU-5-6",
            "Tertiary education (ISCED 5 and 6)",
            "Tertiär utbildning (ISCED 5 och 6)",
            R2007,
            ENTRY,
            f.isced("5-8"),
            ("education",),
        ),
        Indicator("LEA", "Participants leaving", "Deltagare som avslutat", R2007, EXIT, _always),
        Indicator(
            "RES-WORK-STUDY",
            "In work or studies on leaving (programme-specific)",
            "I arbete eller studier vid avslut (programspecifik)",
            "Följsam, programme-specific (not in the annex)",
            EXIT,
            f.work_or_studies_on_leaving,
            ("exit",),
        ),
        Indicator(
            "RES-WORK-6M",
            "In work six months after leaving (programme-specific)",
            "I arbete sex månader efter avslut (programspecifik)",
            "Följsam, programme-specific (not in the annex)",
            SIX_MONTHS,
            f.in_work_six_months,
            ("six_months",),
        ),
    ),
)

ESF_2014 = IndicatorSet(
    period=P2014,
    title_en="ESF 2014–2020: common indicators for participants",
    title_sv="ESF 2014–2020: gemensamma indikatorer för deltagare",
    regulation=R2014,
    non_binary=False,
    indicators=(
        Indicator(
            "TOTAL",
            "Total number of participants",
            "Totalt antal deltagare",
            R2014,
            ENTRY,
            _always,
            note_en="The annex gives it no code: it is calculated from the output indicators.",
            note_sv="Bilagan ger den ingen kod: den beräknas ur outputindikatorerna.",
        ),
        Indicator(
            "CO01",
            "unemployed, including long-term unemployed",
            "arbetslösa, inklusive långtidsarbetslösa",
            R2014,
            ENTRY,
            f.unemployed,
            ("status",),
        ),
        Indicator(
            "CO02",
            "long-term unemployed",
            "långtidsarbetslösa",
            R2014,
            ENTRY,
            f.long_term_unemployed,
            ("status",),
        ),
        Indicator(
            "CO03",
            "inactive",
            "personer utanför arbetskraften",
            R2014,
            ENTRY,
            f.inactive,
            ("status",),
        ),  # fmt: skip
        Indicator(
            "CO04",
            "inactive, not in education or training",
            "personer utanför arbetskraften som inte studerar eller är i utbildning",
            R2014,
            ENTRY,
            f.inactive_not_in_education,
            ("status",),
        ),
        Indicator(
            "CO05",
            "employed, including self-employed",
            "anställda, inklusive egenföretagare",
            R2014,
            ENTRY,
            f.employed,
            ("status",),
        ),
        Indicator("CO06", "below 25 years of age", "under 25 år", R2014, ENTRY, f.age_below(25)),
        Indicator("CO07", "above 54 years of age", "över 54 år", R2014, ENTRY, f.age_above(54)),
        Indicator(
            "CO08",
            "above 54 years of age who are unemployed, including long-term unemployed, or "
            "inactive not in education or training",
            "över 54 år som är arbetslösa, inklusive långtidsarbetslösa, eller står utanför "
            "arbetskraften och inte studerar eller är i utbildning",
            R2014,
            ENTRY,
            f.above_54_out_of_work,
            ("status",),
        ),
        Indicator(
            "CO09",
            "with primary (ISCED 1) or lower secondary education (ISCED 2)",
            "med primärutbildning (Isced 1) eller lägre sekundärutbildning (Isced 2)",
            R2014,
            ENTRY,
            f.isced("0-2"),
            ("education",),
        ),
        Indicator(
            "CO10",
            "with upper secondary (ISCED 3) or post-secondary education (ISCED 4)",
            "med gymnasieutbildning (Isced 3) eller eftergymnasial utbildning som inte är tertiär "
            "(Isced 4)",
            R2014,
            ENTRY,
            f.isced("3-4"),
            ("education",),
        ),
        Indicator(
            "CO11",
            "with tertiary education (ISCED 5 to 8)",
            "med tertiär utbildning (Isced 5–8)",
            R2014,
            ENTRY,
            f.isced("5-8"),
            ("education",),
        ),
        Indicator(
            "CO15",
            "migrants, participants with a foreign background, minorities (including "
            "marginalised communities such as the Roma)",
            "migranter, deltagare med utländsk bakgrund, minoriteter (inklusive "
            "marginaliserade grupper som romer)",
            R2014,
            ENTRY,
            f.born_abroad,
            ("origin",),
            "Born outside Sweden. Born in Sweden with foreign-born parents, and minorities, "
            "are not recorded: the figure is a lower bound.",
            "Födda utanför Sverige. Födda i Sverige med utrikes födda föräldrar, och "
            "minoriteter, registreras inte: siffran är en undre gräns.",
        ),
        Indicator(
            "CO16",
            "participants with disabilities",
            "deltagare med funktionsnedsättning",
            R2014,
            ENTRY,
            f.disabled,
            ("disability",),
        ),
        Indicator(
            "CO17",
            "other disadvantaged",
            "andra missgynnade",
            R2014,
            ENTRY,
            None,
            note_en=NOT_RECORDED_EN,
            note_sv=NOT_RECORDED_SV,
        ),  # fmt: skip
        Indicator(
            "CO18",
            "homeless or affected by housing exclusion",
            "hemlösa eller personer som utestängts från bostadsmarknaden",
            R2014,
            ENTRY,
            None,
            note_en=NOT_RECORDED_EN,
            note_sv=NOT_RECORDED_SV,
        ),
        Indicator(
            "CO19",
            "from rural areas",
            "från landsbygdsområden",
            R2014,
            ENTRY,
            None,
            note_en=NO_RURAL_EN,
            note_sv=NO_RURAL_SV,
        ),
        Indicator(
            "LEAVERS",
            "Participants leaving (total)",
            "Deltagare som avslutat (totalt)",
            LEAVERS_REFERENCE,
            EXIT,
            _always,
        ),
        Indicator(
            "CR01",
            "inactive participants engaged in job searching upon leaving",
            "deltagare utanför arbetskraften som söker arbete när de lämnar insatsen",
            R2014,
            EXIT,
            f.inactive_job_seeking_on_leaving,
            ("status", "exit"),
        ),
        Indicator(
            "CR02",
            "participants in education/training upon leaving",
            "deltagare som studerar eller är i utbildning när de lämnar insatsen",
            R2014,
            EXIT,
            f.studies_on_leaving,
            ("exit",),
        ),
        Indicator(
            "CR03",
            "participants gaining a qualification upon leaving",
            "deltagare som har fått en kvalifikation när de lämnar insatsen",
            R2014,
            EXIT,
            None,
            note_en=NOT_RECORDED_EN,
            note_sv=NOT_RECORDED_SV,
        ),
        Indicator(
            "CR04",
            "participants in employment, including self-employment, upon leaving",
            "deltagare i arbete, inklusive egenföretagare, när de lämnar insatsen",
            R2014,
            EXIT,
            f.in_work_on_leaving,
            ("exit",),
        ),
        Indicator(
            "CR05",
            "disadvantaged participants engaged in job searching, education/training, gaining "
            "a qualification, in employment, including self-employment, upon leaving",
            "missgynnade deltagare som söker arbete, studerar eller är i utbildning, har fått en "
            "kvalifikation eller är i arbete, inklusive egenföretagare, när de lämnar insatsen",
            R2014,
            EXIT,
            f.disadvantaged_progress_on_leaving,
            ("origin", "exit"),
            "Disadvantaged: born abroad or with a disability (other disadvantage not recorded).",
            "Missgynnade: födda utomlands eller med funktionsnedsättning (annat registreras inte).",
        ),
        Indicator(
            "CR06",
            "participants in employment, including self-employment, six months after leaving",
            "deltagare i arbete, inklusive egenföretagare, sex månader efter att de lämnat "
            "insatsen",
            R2014,
            SIX_MONTHS,
            f.in_work_six_months,
            ("six_months",),
        ),
        Indicator(
            "CR07",
            "participants with an improved labour market situation six months after leaving",
            "deltagare med förbättrad situation på arbetsmarknaden sex månader efter att de "
            "lämnat insatsen",
            R2014,
            SIX_MONTHS,
            f.improved_six_months,
            ("status", "six_months"),
            IMPROVED_EN,
            IMPROVED_SV,
        ),
        Indicator(
            "CR08",
            "participants above 54 years of age in employment, including self-employment, six "
            "months after leaving",
            "deltagare över 54 år i arbete, inklusive egenföretagare, sex månader efter att de "
            "lämnat insatsen",
            R2014,
            SIX_MONTHS,
            f.above_54_in_work_six_months,
            ("six_months",),
        ),
        Indicator(
            "CR09",
            "disadvantaged participants in employment, including self-employment, six months "
            "after leaving",
            "missgynnade deltagare i arbete, inklusive egenföretagare, sex månader efter att de "
            "lämnat insatsen",
            R2014,
            SIX_MONTHS,
            f.disadvantaged_in_work_six_months,
            ("origin", "six_months"),
            "Disadvantaged: born abroad or with a disability (other disadvantage not recorded).",
            "Missgynnade: födda utomlands eller med funktionsnedsättning (annat registreras inte).",
        ),
    ),
)

ESF_2021 = IndicatorSet(
    period=P2021,
    title_en="ESF+ 2021–2027: common indicators for participants",
    title_sv="ESF+ 2021–2027: gemensamma indikatorer för deltagare",
    regulation=R2021,
    non_binary=True,
    indicators=(
        Indicator(
            "EECO01",
            "total number of participants",
            "totalt antal deltagare",
            R2021,
            ENTRY,
            _always,
        ),
        Indicator(
            "EECO02",
            "unemployed, including long-term unemployed",
            "arbetslösa, inklusive långtidsarbetslösa",
            R2021,
            ENTRY,
            f.unemployed,
            ("status",),
        ),
        Indicator(
            "EECO03",
            "long-term unemployed",
            "långtidsarbetslösa",
            R2021,
            ENTRY,
            f.long_term_unemployed,
            ("status",),
        ),
        Indicator(
            "EECO04",
            "inactive",
            "personer utanför arbetskraften",
            R2021,
            ENTRY,
            f.inactive,
            ("status",),
        ),  # fmt: skip
        Indicator(
            "EECO05",
            "employed, including self-employed",
            "anställda, inklusive egenföretagare",
            R2021,
            ENTRY,
            f.employed,
            ("status",),
        ),
        Indicator(
            "EECO06",
            "number of children below 18 years of age",
            "antal barn under 18 år",
            R2021,
            ENTRY,
            f.age_below(18),
        ),
        Indicator(
            "EECO07",
            "young people between 18 and 29 years of age",
            "unga mellan 18 och 29 år",
            R2021,
            ENTRY,
            f.age_between(18, 29),
        ),
        Indicator(
            "EECO08",
            "number of participants of 55 years of age and above",
            "antal deltagare som är 55 år eller äldre",
            R2021,
            ENTRY,
            f.age_above(54),
        ),
        Indicator(
            "EECO09",
            "with lower secondary education or less (ISCED 0-2)",
            "med högst grundskoleutbildning (Isced 0–2)",
            R2021,
            ENTRY,
            f.isced("0-2"),
            ("education",),
        ),
        Indicator(
            "EECO10",
            "with upper secondary (ISCED 3) or post-secondary education (ISCED 4)",
            "med gymnasieutbildning (Isced 3) eller eftergymnasial utbildning som inte är tertiär "
            "(Isced 4)",
            R2021,
            ENTRY,
            f.isced("3-4"),
            ("education",),
        ),
        Indicator(
            "EECO11",
            "with tertiary education (ISCED 5 to 8)",
            "med tertiär utbildning (Isced 5–8)",
            R2021,
            ENTRY,
            f.isced("5-8"),
            ("education",),
        ),
        Indicator(
            "EECO12",
            "participants with disabilities",
            "deltagare med funktionsnedsättning",
            R2021,
            ENTRY,
            f.disabled,
            ("disability",),
        ),
        Indicator(
            "EECO13",
            "third-country nationals",
            "tredjelandsmedborgare",
            R2021,
            ENTRY,
            None,
            note_en="Not recorded: Följsam records the region of birth, not citizenship.",
            note_sv="Registreras inte: Följsam registrerar födelseregion, inte medborgarskap.",
        ),
        Indicator(
            "EECO14",
            "participants with a foreign background",
            "deltagare med utländsk bakgrund",
            R2021,
            ENTRY,
            f.born_abroad,
            ("origin",),
            "Born outside Sweden. Born in Sweden with foreign-born parents is not recorded: "
            "the figure is a lower bound.",
            "Födda utanför Sverige. Födda i Sverige med utrikes födda föräldrar registreras "
            "inte: siffran är en undre gräns.",
        ),
        Indicator(
            "EECO15",
            "minorities (including marginalised communities, such as Roma people)",
            "minoriteter (inklusive marginaliserade grupper som romer)",
            R2021,
            ENTRY,
            None,
            note_en=NOT_RECORDED_EN,
            note_sv=NOT_RECORDED_SV,
        ),
        Indicator(
            "EECO16",
            "homeless or affected by housing exclusion",
            "hemlösa eller personer som utestängts från bostadsmarknaden",
            R2021,
            ENTRY,
            None,
            note_en=NOT_RECORDED_EN,
            note_sv=NOT_RECORDED_SV,
        ),
        Indicator(
            "EECO17",
            "participants from rural areas",
            "deltagare från landsbygdsområden",
            R2021,
            ENTRY,
            None,
            note_en=NO_RURAL_EN,
            note_sv=NO_RURAL_SV,
        ),
        Indicator(
            "LEAVERS",
            "Participants leaving (total)",
            "Deltagare som avslutat (totalt)",
            LEAVERS_REFERENCE,
            EXIT,
            _always,
        ),
        Indicator(
            "EECR01",
            "participants engaged in job searching upon leaving",
            "deltagare som söker arbete när de lämnar insatsen",
            R2021,
            EXIT,
            f.inactive_job_seeking_on_leaving,
            ("status", "exit"),
            "Counted for participants inactive at start: the Commission's guidance treats an "
            "unemployed participant as job searching already, so only inactive ones can move into "
            "job searching.",
            "Räknas för deltagare utanför arbetskraften vid start: enligt kommissionens vägledning "
            "söker en arbetslös redan arbete, så bara de utanför arbetskraften kan gå över till "
            "att söka arbete.",
        ),
        Indicator(
            "EECR02",
            "participants in education or training upon leaving",
            "deltagare som studerar eller är i utbildning när de lämnar insatsen",
            R2021,
            EXIT,
            f.studies_on_leaving,
            ("exit",),
        ),
        Indicator(
            "EECR03",
            "participants gaining a qualification upon leaving",
            "deltagare som har fått en kvalifikation när de lämnar insatsen",
            R2021,
            EXIT,
            None,
            note_en=NOT_RECORDED_EN,
            note_sv=NOT_RECORDED_SV,
        ),
        Indicator(
            "EECR04",
            "participants in employment, including self-employment, upon leaving",
            "deltagare i arbete, inklusive egenföretagare, när de lämnar insatsen",
            R2021,
            EXIT,
            f.in_work_on_leaving,
            ("exit",),
        ),
        Indicator(
            "EECR05",
            "participants in employment, including self-employment, six months after leaving",
            "deltagare i arbete, inklusive egenföretagare, sex månader efter att de lämnat "
            "insatsen",
            R2021,
            SIX_MONTHS,
            f.in_work_six_months,
            ("six_months",),
        ),
        Indicator(
            "EECR06",
            "participants with an improved labour market situation six months after leaving",
            "deltagare med förbättrad situation på arbetsmarknaden sex månader efter att de "
            "lämnat insatsen",
            R2021,
            SIX_MONTHS,
            f.improved_six_months,
            ("status", "six_months"),
            IMPROVED_EN,
            IMPROVED_SV,
        ),
    ),
)

SETS = {s.period: s for s in (ESF_2007, ESF_2014, ESF_2021)}


def period_of(project) -> str:
    """The programme period of a project: named in its funding programme ("… 2014–2020"), else
    the one its period starts in."""
    text = project.funding_programme or ""
    for period in SETS:
        first, last = period.split("-")
        if first in text and last in text:
            return period
    year = project.starts_on.year
    if year >= 2021:
        return P2021
    if year >= 2014:
        return P2014
    return P2007
