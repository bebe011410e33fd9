"""Short Swedish texts for synthetic case records: assessment notes, contact notes and action-plan
goals. Deliberately plain and free of details that could point at a real person."""

# domain -> (note when the need of support is large, moderate, small)
ASSESSMENT_NOTES = {
    "language": (
        "Behöver tolk vid längre samtal. Läser och skriver lite svenska.",
        "Klarar vardagssamtal på svenska, behöver stöd med skriftlig information.",
        "Talar och skriver svenska utan svårighet.",
    ),
    "education": (
        "Kort skolgång i hemlandet, inga betyg som kan styrkas.",
        "Grundskola och något år på gymnasienivå.",
        "Eftergymnasial utbildning; betyg ska skickas för bedömning.",
    ),
    "work_experience": (
        "Ingen arbetslivserfarenhet i Sverige.",
        "Har arbetat kortare perioder inom städ och lager.",
        "Flera års erfarenhet inom yrket, även i Sverige.",
    ),
    "health": (
        "Berättar om värk och sömnsvårigheter; kontakt med vårdcentral föreslås.",
        "Vissa besvär som behöver tas hänsyn till vid praktik.",
        "Inga hälsohinder för arbete.",
    ),
    "childcare": (
        "Saknar förskoleplats för yngsta barnet.",
        "Förskoleplats finns men tiderna passar inte heltid.",
        "Barnomsorgen är ordnad.",
    ),
    "housing": (
        "Trångbodd, andrahandskontrakt som löper ut.",
        "Bor tillfälligt hos släkt men söker eget boende.",
        "Stabilt boende.",
    ),
    "finances": (
        "Skulder som påverkar vardagen; budget- och skuldrådgivning erbjuds.",
        "Klarar ekonomin med stöd men har inga marginaler.",
        "Ekonomin är ordnad.",
    ),
    "network": (
        "Få kontakter utanför familjen.",
        "Nätverk främst inom den egna språkgruppen.",
        "Brett nätverk, även med arbetsgivare.",
    ),
    "digital_skills": (
        "Har inte använt dator; behöver hjälp med e-post och jobbsök på nätet.",
        "Använder mobil men sällan dator.",
        "Van datoranvändare.",
    ),
    "driving_licence": (
        "Saknar körkort och har svårt att resa till arbetsplatser utanför området.",
        "Övningskör; teoriprov kvar.",
        "Har svenskt körkort.",
    ),
    "motivation": (
        "Har gått många program som inte lett till arbete och är uppgiven.",
        "Vill arbeta men är osäker på vilken väg som är rätt.",
        "Mycket motiverad och har tydligt yrkesmål.",
    ),
}

NOTE_TEXTS = {
    "meeting": [
        "Uppföljningssamtal om handlingsplanen. Deltagaren är nöjd med praktiken.",
        "Genomgång av kartläggningen. Vi kom överens om att prioritera språket.",
        "Samtal om yrkesmål. Deltagaren vill pröva ett yrke inom vård och omsorg.",
        "Trepartssamtal med handläggare från Arbetsförmedlingen om nästa steg.",
        "Planeringssamtal inför avslut; cv och personligt brev är klara.",
    ],
    "phone": [
        "Deltagaren ringde och meddelade sjukdom, återkommer på måndag.",
        "Påminnelse om tid för uppföljningssamtal.",
        "Kort avstämning om hur första veckan på praktiken har gått.",
        "Nåddes inte; lämnade meddelande.",
    ],
    "group_session": [
        "Gruppvägledning: arbetsmarknaden i regionen och bristyrken.",
        "Gruppträff om att bryta könsbundna yrkesval.",
        "Jobbsökarträff: intervjuträning i par.",
    ],
    "employer_contact": [
        "Kontakt med arbetsgivare om förlängd praktik; positiv återkoppling.",
        "Arbetsgivaren kan erbjuda timanställning efter praktiken.",
        "Avstämning med handledare på praktikplatsen.",
    ],
    "message": [
        "Skickade kallelse till gruppstart.",
        "Brev med information om uppföljning efter avslut.",
        "SMS-påminnelse om möte.",
    ],
    "home_visit": [
        "Hembesök tillsammans med socialsekreterare; familjens situation gicks igenom.",
        "Hembesök: samtal om barnomsorg och vägar till arbete för båda föräldrarna.",
    ],
    "other": ["Övrig anteckning."],
}

_WORK = [
    "Få ett arbete inom lager och logistik inom ett år.",
    "Klara SFI kurs C och därefter praktik inom vård och omsorg.",
    "Få en anställning med stöd inom fastighetsskötsel.",
    "Börja en yrkesutbildning till barnskötare.",
    "Få praktik inom restaurang och därefter anställning.",
    "Bli självförsörjande genom arbete inom ett år.",
]

PLAN_GOALS = {
    "fif": _WORK,
    "gbg": _WORK,
    "iga": [
        "Få ett arbete inom mitt tidigare yrke efter validering och praktik.",
        "Klara SFI kurs D och få praktik hos en lokal arbetsgivare.",
        "Starta eget företag inom handel.",
        "Få en anställning inom industrin i nordvästra Skåne.",
        "Förstå hur man söker arbete i Sverige och få en första anställning.",
    ],
    "omr_segevang": [
        "Båda föräldrarna i arbete eller studier; familjen självförsörjande.",
        "Börja studera på Komvux och få studiemedel.",
        "Få en områdesanställning och därefter arbete på den öppna marknaden.",
        "Ordna förskoleplats och börja praktik på heltid.",
    ],
    "omr_herrgarden": [
        "Få en områdesanställning inom upprustningen av Herrgården.",
        "Komma ut i arbete genom Kraftsamling Herrgården.",
        "Börja en yrkesutbildning inom bygg.",
    ],
}
