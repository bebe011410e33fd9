"""The demo's status reports (reports.StatusReport) of "Integration genom arbete": the report
for 2010, issued (its PDF made at load, ~1 s), and the one for 2011, a draft whose account the
manager finishes on the demo day: make the PDF, look at it, issue it; the steering group then
downloads it (docs/status-report.md)."""

from django.contrib.auth import get_user_model

ISSUED_2010 = (
    "Under 2010 var projektet i full drift i alla fem kommuner. Rekryteringen gick snabbare "
    "än planerat, framför allt i Bjuv och Klippan, och arbetsplatsintroduktionen med "
    "näringslivet i Ängelholm blev en förebild för de andra kommunerna.\n\n"
    "Uppföljningen 90 dagar efter avslut släpar något: var tredje deltagare har ännu inte "
    "följts upp. Vi har därför avsatt tid för handläggarna att ringa upp deltagare i januari."
)
DRAFT_2011 = (
    "Året präglades av att de första deltagargrupperna avslutade sina insatser. Andelen i "
    "arbete eller eget företag 90 dagar efter avslut ligger nära målet men är ännu osäker.\n\n"
    "Att skriva: vad styrgruppen behöver besluta inför 2012."
)


def create_status_reports(world) -> int:
    from reports import status

    project = world.projects["iga"]
    manager = get_user_model().objects.get(username="manager")
    issued = status.create(
        project=project,
        by=manager,
        period="year:2010",
        language="sv",
        title="Lägesrapport 2010 – Integration genom arbete",
    )
    issued.narrative = ISSUED_2010
    issued.save()
    status.issue(status.make_pdf(issued), by=manager)
    draft = status.create(
        project=project,
        by=manager,
        period="year:2011",
        language="sv",
        title="Lägesrapport 2011 – Integration genom arbete",
    )
    draft.narrative = DRAFT_2011
    draft.save()
    return 2
