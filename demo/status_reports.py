"""The demo's status reports (reports.StatusReport) of "Integration genom arbete": the reports
for 2010 and 2011, issued (their PDFs made at load, about a second each), which the steering
group downloads, and the one for 2012, a draft whose account the manager finishes on the demo
day: make the PDF, look at it, issue it (docs/status-report.md)."""

from django.contrib.auth import get_user_model

ISSUED_2010 = (
    "Under 2010 var projektet i full drift i alla fem kommuner. Rekryteringen gick snabbare "
    "än planerat, framför allt i Bjuv och Klippan, och arbetsplatsintroduktionen med "
    "näringslivet i Ängelholm blev en förebild för de andra kommunerna.\n\n"
    "Uppföljningen 90 dagar efter avslut släpar något: var tredje deltagare har ännu inte "
    "följts upp. Vi har därför avsatt tid för handläggarna att ringa upp deltagare i januari."
)
ISSUED_2011 = (
    "Året präglades av att de första deltagargrupperna avslutade sina insatser. Andelen i "
    "arbete eller eget företag 90 dagar efter avslut ligger nära målet men är ännu osäker.\n\n"
    "Styrgruppen beslutade i december att förlänga samarbetet med Arbetsförmedlingen om "
    "arbetsplatsintroduktion till projektets slut."
)
DRAFT_2012 = (
    "Under 2012 avslutade de flesta deltagarna sina insatser och uppföljningarna efter 180 dagar "
    "kom i gång i alla kommuner.\n\n"
    "Att skriva: vad styrgruppen behöver besluta inför projektets sista år."
)


def create_status_reports(world) -> int:
    from reports import status

    project = world.projects["iga"]
    manager = get_user_model().objects.get(username="manager")
    for year, narrative in ((2010, ISSUED_2010), (2011, ISSUED_2011), (2012, DRAFT_2012)):
        report = status.create(
            project=project,
            by=manager,
            period=f"year:{year}",
            language="sv",
            title=f"Lägesrapport {year} – Integration genom arbete",
        )
        report.narrative = narrative
        report.save()
        if narrative is not DRAFT_2012:
            status.issue(status.make_pdf(report), by=manager)
    return 3
