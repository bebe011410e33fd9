"""The project-bank parser against the five seed pages, field by field, and against odd input.

Every expected value below was read off the page by eye and written here literally; none is
computed with the parser. The section bodies are also compared with demo/seed_texts.py, a
verbatim copy of the pages made by hand for the demo."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demo import seed_texts
from projectbank.parser import (
    TextTooLarge,
    parse,
    parse_amount,
    parse_period,
    parse_phase,
)

SEEDS = Path("/work/shared/seeds")
if not SEEDS.exists():  # pragma: no cover - a checkout without the shared seed folder
    SEEDS = Path(__file__).resolve().parent / "data" / "seeds"

ALL_KEYS = {
    "summary",
    "background",
    "purpose",
    "goals",
    "accessibility",
    "gender_mainstreaming",
    "transnational",
}
SKANE_BLEKINGE = [
    "Bjuv", "Bromölla", "Burlöv", "Båstad", "Eslöv", "Helsingborg", "Hässleholm", "Höganäs",
    "Hörby", "Höör", "Karlshamn", "Karlskrona", "Klippan", "Kristianstad", "Kävlinge",
    "Landskrona", "Lomma", "Lund", "Malmö", "Olofström", "Osby", "Perstorp", "Ronneby",
    "Simrishamn", "Sjöbo", "Skurup", "Staffanstorp", "Svalöv", "Svedala", "Sölvesborg",
    "Tomelilla", "Trelleborg", "Vellinge", "Ystad", "Åstorp", "Ängelholm", "Örkelljunga",
    "Östra Göinge",
]  # fmt: skip


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def sv_sections(page):
    return {s.key: s for s in page.sections if s.language == "sv"}


def test_seed_000_samverkan_for_storstadsintegration():
    page = parse(seed("000"))
    assert page.values == {
        "title": "Samverkan för storstadsintegration Malmö",
        "programme_area": "Programområde 2 Ökat arbetskraftsutbud",
        "phase": "pre_study",
        "owner": "INAR Integration och Arbetsmarknad",
        "contact_name": "Ulrika Lagergren",
        "contact_email": "ulrika.lagergren@malmo.se",
        "contact_phone": "040-34 10 49",
        "esf_grant": 860624,
        "total_budget": 1147500,
        "starts_on": dt.date(2009, 9, 14),
        "ends_on": dt.date(2010, 5, 14),
        "region": "Sydsverige",
    }
    assert page.missing == [] and page.unreadable == {}
    assert page.recognised
    sections = sv_sections(page)
    assert set(sections) == ALL_KEYS - {"gender_mainstreaming"}
    assert not page.has_english
    assert sections["summary"].body.startswith(
        "Förstudien ska ta fram insatser för människor i utanförskap"
    )
    assert sections["summary"].body.endswith("målgrupper och intresseorganisationer.")
    assert sections["background"].body.startswith("Malmöregionen är en av de regioner")
    assert sections["background"].body.endswith("att ett arbete är inom räckhåll.")
    assert "Förtydligande:\nAmbitionen med projektet" in sections["purpose"].body
    assert sections["purpose"].body.endswith("t ex sociala klausuler i upphandlingar.")
    assert sections["goals"].body.startswith("Förstudiens mätbara mål\nAntal intressenter")
    assert sections["goals"].body.endswith(
        "Antalet med försörjningsstöd som deltar i utbildning/praktik"
    )
    assert sections["accessibility"].body.startswith("För att förverkliga ett genomarbetat")
    assert sections["transnational"].body.startswith("Genom Malmös placering i Öresundsområdet")
    assert sections["transnational"].body.endswith("en första kontakt är redan tagen.")
    assert page.missing_sections() == ["gender_mainstreaming"]
    assert page.co_financiers == ["Försäkringskassan"]
    assert page.partners == ["Försäkringskassan"]
    assert page.municipalities == ["Malmö"]
    assert "In English" in page.unused_lines
    assert {k: s.body for k, s in sections.items()} == seed_texts.STORSTADSINTEGRATION


def test_seed_001_framtid_i_fokus():
    page = parse(seed("001"))
    assert page.values == {
        "title": "Framtid i Fokus - ett Tvillingprojekt i Samarbete mellan Malmö och Göteborg",
        "programme_area": "Programområde 2 Ökat arbetskraftsutbud",
        "phase": "implementation",
        "owner": "Arbete & Utbildning",
        "contact_name": "Mats Johansson",
        "contact_email": "mats.johansson@malmo.se",
        "contact_phone": "040-344055",
        "esf_grant": 4797459,
        "total_budget": 11997459,
        "starts_on": dt.date(2008, 7, 1),
        "ends_on": dt.date(2010, 6, 30),
        "region": "Sydsverige",
    }
    assert page.missing == [] and page.unreadable == {}
    sections = sv_sections(page)
    assert set(sections) == ALL_KEYS - {"transnational"}
    assert not page.has_english
    assert sections["summary"].body.startswith(
        "Projektet ”Framtid i Fokus – ett Tvillingprojekt i Samarbete mellan Malmö och Göteborg”"
    )
    assert sections["summary"].body.endswith("under perioden 2008-07-01 – 2010-06-30.")
    # Sub-headings inside a section stay in its text.
    assert sections["background"].body.startswith("Huvudprojektet: I Arbetsmarknadens utkant")
    assert "Delprojekt 2: ”Framtid i Fokus" in sections["background"].body
    assert sections["goals"].body.startswith("Programmål\n\nAndelen deltagare")
    assert "\nProjektmål\n" in sections["goals"].body
    # The heading repeated as the section's first line belongs to the text.
    assert sections["gender_mainstreaming"].body.startswith(
        "Jämställdhetsintegrering\nAtt all verksamhet inom Framtiden i Fokus"
    )
    assert sections["gender_mainstreaming"].body.endswith(
        "då man söker sig utanför de traditionella valen."
    )
    assert page.co_financiers == ["Arbete & Utbildning"]
    assert page.partners == ["Göteborgs stad, SDF Bergsjön"]
    assert page.municipalities == SKANE_BLEKINGE
    assert {k: s.body for k, s in sections.items()} == seed_texts.FRAMTID_I_FOKUS


def test_seed_002_omradesprogram_is_a_page_without_the_project_bank_labels():
    page = parse(seed("002"))
    assert page.values == {"title": "Områdesprogram för ett socialt hållbart Malmö"}
    # Everything else is missing, never guessed (not the "2010-2015" of the text either).
    assert page.missing == [
        "programme_area",
        "phase",
        "owner",
        "contact_name",
        "contact_email",
        "contact_phone",
        "esf_grant",
        "total_budget",
        "period",
        "region",
    ]
    assert "starts_on" not in page.values and "esf_grant" not in page.values
    assert not page.recognised
    assert [(s.key, s.language, s.heading) for s in page.sections] == [
        ("summary", "sv", ""),
        ("other", "sv", "Arbete"),
        ("other", "sv", "Boende"),
        ("other", "sv", "Lärande"),
    ]
    summary = page.sections[0].body
    assert summary.startswith(
        "Områdesprogram för ett socialt hållbart Malmö är en femårig investering (2010-2015)"
    )
    assert summary.endswith("de tre målområdena: arbete, boende och lärande.")
    assert "hyllie" not in summary and page.unused_lines == ["hyllie"]
    assert page.sections[1].body.startswith("Inom områdesprogrammen prövas nya metoder")
    assert page.sections[2].body.startswith("I samtliga områdesprogram pågår ett brett samarbete")
    assert page.sections[3].body.endswith("[1] BID = Business Improvement District")
    assert page.co_financiers == [] and page.partners == [] and page.municipalities == []
    assert summary == seed_texts.OMRADESPROGRAM_SUMMARY
    assert [(s.heading, s.body) for s in page.sections[1:]] == [
        tuple(pair) for pair in seed_texts.OMRADESPROGRAM_OTHER
    ]


def test_seed_003_jobb_for_alla():
    page = parse(seed("003"))
    assert page.values == {
        "title": "Jobb för alla (Förprojektering)",
        "programme_area": "Programområde 2 Ökat arbetskraftsutbud",
        "phase": "pre_study",
        "owner": "Burlövs Kommun",
        "contact_name": "Paul Nilsson",
        "contact_email": "paul.nilsson@burlov.se",
        "contact_phone": "040-439324",
        "esf_grant": 290754,
        "total_budget": 454155,
        "starts_on": dt.date(2008, 5, 15),
        "ends_on": dt.date(2008, 11, 15),
        "region": "Sydsverige",
    }
    assert page.missing == [] and page.unreadable == {}
    sections = sv_sections(page)
    assert set(sections) == ALL_KEYS - {"gender_mainstreaming", "transnational"}
    assert page.missing_sections() == ["gender_mainstreaming", "transnational"]
    assert not page.has_english
    assert sections["summary"].body.startswith("Burlöv är en liten kommun")
    assert sections["background"].body.startswith("A: I Burlövs Kommun har man")
    assert sections["goals"].body.endswith("planera beredskap för motåtgärder.")
    assert sections["accessibility"].body.startswith(
        "Vi kommer att utgå från dokumentet Handisams handlingsplan"
    )
    assert page.co_financiers == [
        "Arbetsförmedlingen Arlöv",
        "Burlövs Kommun",
        "Försäkringskassan Lund",
        "Universitetssjukhuset I Lund",
    ]
    assert page.partners == [
        "Arbetsförmedlingen Arlöv",
        "AS3 Jobbcenter Malmö",
        "Försäkringskassan Lund",
        "Lunds kvinnoforum",
        "Universitetssjukhuset I Lund",
    ]
    assert page.municipalities == SKANE_BLEKINGE
    assert {k: s.body for k, s in sections.items()} == seed_texts.JOBB_FOR_ALLA


def test_seed_004_integration_genom_arbete():
    page = parse(seed("004"))
    assert page.values == {
        "title": "Integration genom arbete",
        "programme_area": "Programområde 2 Ökat arbetskraftsutbud",
        "phase": "implementation",
        "owner": "Integrationsenheten",
        "contact_name": "Azad Jonczyk",
        "contact_email": "azad.jonczyk@astorp.se",
        "contact_phone": "042-64059",
        "esf_grant": 12464585,
        "total_budget": 29090968,
        "starts_on": dt.date(2009, 1, 15),
        "ends_on": dt.date(2013, 3, 31),
        "region": "Sydsverige",
    }
    assert page.missing == [] and page.unreadable == {}
    sections = sv_sections(page)
    assert set(sections) == ALL_KEYS
    assert page.missing_sections() == []
    assert not page.has_english
    assert sections["summary"].body == (
        "Projektet är ett samverkansprojekt mellan fyra N. V. Skånska kommuner, "
        "Arbetsförmedlingen, företagarföreningar och arbetsgivare som syftar till att med "
        "hjälp av en mångfald av insatser integrera kommunernas flyktingar i arbetslivet och "
        "det svenska samhället inom en period på sex månader."
    )
    assert sections["goals"].body.startswith("Projektet har två mätbara huvudmål:")
    assert sections["gender_mainstreaming"].body.startswith("Könsfördelningen på tillkommande")
    assert sections["transnational"].body.endswith("ett brett och fördjupat samarbete.")
    assert page.co_financiers == ["Integrationssamordningen", "Kommunstyrelsen/ledningskontoret"]
    assert page.partners == [
        "Arbetsförmedlingen, Arbetsmarknadsområde Helsingborg",
        "Integrationssamordningen",
        "Kommunstyrelsen/ledningskontoret",
        "Personalsektionen",
    ]
    assert page.municipalities == SKANE_BLEKINGE
    assert {k: s.body for k, s in sections.items()} == seed_texts.INTEGRATION_GENOM_ARBETE


ENGLISH_PART = """

Summary

The project is a cooperation between four municipalities in north-western Skåne.

Purpose

To integrate refugees into working life within six months.
"""


def test_an_english_version_on_the_page_becomes_english_sections():
    page = parse(seed("004").replace("\nMedfinansiärer", ENGLISH_PART + "\nMedfinansiärer", 1))
    english = {s.key: s.body for s in page.sections if s.language == "en"}
    assert english == {
        "summary": (
            "The project is a cooperation between four municipalities in north-western Skåne."
        ),
        "purpose": "To integrate refugees into working life within six months.",
    }
    assert page.has_english
    assert page.missing_sections("en") == [
        "background",
        "goals",
        "accessibility",
        "gender_mainstreaming",
        "transnational",
    ]
    assert len([s for s in page.sections if s.language == "sv"]) == 7
    assert page.co_financiers == ["Integrationssamordningen", "Kommunstyrelsen/ledningskontoret"]


def test_english_labels_colons_and_values_on_their_own_lines():
    page = parse(
        "Jobs for All\n\n"
        "Programme area: Programme area 2 Increased labour supply\n"
        "Project phase\nImplementation\n"
        "Project owner: Burlövs Kommun\n"
        "Contact person: Paul Nilsson\n"
        "E-mail: paul.nilsson@burlov.se\n"
        "Phone number: 040-43 93 24\n"
        "Granted ESF support: SEK 290 754\n"
        "Total project budget: 454 155,00 kr\n"
        "Project period: 2008-05-15 to 2008-11-15\n"
        "Region: Sydsverige\n\n"
        "Summary\n\nA short summary.\n"
    )
    assert page.values == {
        "title": "Jobs for All",
        "programme_area": "Programme area 2 Increased labour supply",
        "phase": "implementation",
        "owner": "Burlövs Kommun",
        "contact_name": "Paul Nilsson",
        "contact_email": "paul.nilsson@burlov.se",
        "contact_phone": "040-43 93 24",
        "esf_grant": 290754,
        "total_budget": 454155,
        "starts_on": dt.date(2008, 5, 15),
        "ends_on": dt.date(2008, 11, 15),
        "region": "Sydsverige",
    }
    assert [(s.key, s.language) for s in page.sections] == [("summary", "en")]


def test_a_page_without_some_labels_reports_exactly_those_as_missing():
    text = seed("003")
    for line in ("E-postpaul.nilsson@burlov.se\n", "Beviljat ESF-stöd290\u00a0754 kr\n"):
        assert line in text
        text = text.replace(line, "")
    page = parse(text)
    assert page.missing == ["contact_email", "esf_grant"]
    assert "contact_email" not in page.values and "esf_grant" not in page.values
    assert page.values["total_budget"] == 454155


def test_unreadable_values_are_reported_and_left_empty():
    page = parse(
        "Ett projekt\n"
        "ProjektfasPågående enligt plan\n"
        "Beviljat ESF-stöd cirka en miljon\n"
        "Projektperiod2013-03-31 till 2009-01-15\n"
        "E-post inte.en.adress\n"
    )
    assert page.unreadable == {
        "phase": "Pågående enligt plan",
        "esf_grant": "cirka en miljon",
        "period": "2013-03-31 till 2009-01-15",
        "contact_email": "inte.en.adress",
    }
    assert page.values == {"title": "Ett projekt"}
    assert "period" not in page.missing  # it is there, but unreadable


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12 464 585 kr", 12464585),
        ("12\u00a0464\u00a0585 kr", 12464585),
        ("12\u202f464\u202f585 SEK", 12464585),
        ("SEK 860 624", 860624),
        ("860 624:-", 860624),
        ("1.147.500 kr", 1147500),
        ("454 155,00 kr", 454155),
        ("454155", 454155),
        ("1 000,50 kr", Decimal("1000.50")),
        ("0 kr", 0),
        ("999 999 999 999 kr", 999999999999),
        ("1 000 000 000 000 kr", None),
        ("cirka 20 Mkr", None),
        ("12 46 585 kr", None),
        ("", None),
        ("-5 kr", None),
    ],
)
def test_amounts(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2009-01-15 till 2013-03-31", (dt.date(2009, 1, 15), dt.date(2013, 3, 31))),
        ("2008-07-01 – 2010-06-30", (dt.date(2008, 7, 1), dt.date(2010, 6, 30))),
        ("2008-07-01 to 2010-06-30", (dt.date(2008, 7, 1), dt.date(2010, 6, 30))),
        ("2008-07-01-2010-06-30", (dt.date(2008, 7, 1), dt.date(2010, 6, 30))),
        ("2010-06-30 till 2008-07-01", None),
        ("2009-02-30 till 2010-01-01", None),
        ("2010-2015", None),
        ("", None),
    ],
)
def test_periods(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Förprojektering", "pre_study"),
        ("Genomförande", "implementation"),
        ("Avslutat", "closed"),
        ("Implementation", "implementation"),
        ("Pågår", None),
    ],
)
def test_phases(text, expected):
    assert parse_phase(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", "\ufeff"])
def test_empty_text_gives_everything_missing(text):
    page = parse(text)
    assert page.values == {} and page.sections == []
    assert "title" in page.missing and "period" in page.missing
    assert not page.recognised


def test_random_text_is_not_recognised_and_nothing_is_invented():
    page = parse("lorem ipsum dolor sit amet\nconsectetur 12 345 kr 2009-01-01 till 2010-01-01")
    assert not page.recognised
    assert set(page.values) <= {"title"}
    assert "esf_grant" in page.missing and "period" in page.missing


def test_a_page_with_only_a_title():
    page = parse("Jobb för alla (Förprojektering)\n")
    assert page.values == {"title": "Jobb för alla (Förprojektering)"}
    assert page.missing == [
        "programme_area",
        "phase",
        "owner",
        "contact_name",
        "contact_email",
        "contact_phone",
        "esf_grant",
        "total_budget",
        "period",
        "region",
    ]
    assert page.sections == []


def test_text_past_one_megabyte_is_refused():
    with pytest.raises(TextTooLarge):
        parse(seed("004") * 100)  # 1.3 MB


def test_text_pasted_without_blank_lines_still_finds_headings():
    text = "\n".join(line for line in seed("004").splitlines() if line.strip())
    page = parse(text)
    assert {s.key for s in page.sections} == ALL_KEYS
    assert page.values["esf_grant"] == 12464585
    assert len(page.municipalities) == 38


def test_windows_line_ends_and_a_byte_order_mark():
    page = parse("\ufeff" + seed("000").replace("\n", "\r\n"))
    assert page.values["title"] == "Samverkan för storstadsintegration Malmö"
    assert page.values["total_budget"] == 1147500
    assert {s.key for s in page.sections} == ALL_KEYS - {"gender_mainstreaming"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_any_text_parses_without_crashing(text):
    page = parse(text)
    assert set(page.missing) <= {
        "title",
        "programme_area",
        "phase",
        "owner",
        "contact_name",
        "contact_email",
        "contact_phone",
        "esf_grant",
        "total_budget",
        "period",
        "region",
    }


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Sammanfattning",
                "Bakgrund",
                "Kommun",
                "  • Malmö",
                "ProjektfasGenomförande",
                "Projektperiod2009-01-15 till 2013-03-31",
                "Beviljat ESF-stöd12 464 585 kr",
                "",
                "Text.",
                "In English",
                "Summary",
                "Arbete",
            ]
        ),
        max_size=40,
    )
)
def test_shuffled_page_parts_parse_without_crashing(lines):
    page = parse("\n".join(lines))
    for section in page.sections:
        assert section.body.strip()


def test_list_items_are_cleaned_and_kept_once():
    page = parse(
        "Ett projekt\nProjektfasGenomförande\n\nSamarbetspartners\n\n"
        " • Försäkringskassan\n - försäkringskassan\n * Lunds kvinnoforum\n"
        + " • "
        + "x" * 300
        + "\n"
    )
    assert page.partners == ["Försäkringskassan", "Lunds kvinnoforum"]
    assert "x" * 300 in page.unused_lines


def test_a_title_that_begins_with_a_label_word_stays_the_title():
    text = seed("004").replace("Integration genom arbete\n", "Region Skåne satsar på unga\n", 1)
    page = parse(text)
    assert page.values["title"] == "Region Skåne satsar på unga"
    assert page.values["region"] == "Sydsverige"
    page = parse("Region Skåne satsar på unga\n\nSammanfattning\n\nEn text.\n")
    assert page.values == {"title": "Region Skåne satsar på unga"}
    assert "region" in page.missing


def test_labels_separated_by_a_tab():
    page = parse("Ett projekt\nProjektfas\tGenomförande\nRegion\tSydsverige\n")
    assert page.values == {
        "title": "Ett projekt",
        "phase": "implementation",
        "region": "Sydsverige",
    }
