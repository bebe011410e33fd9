# ruff: noqa: E501
"""The narrative sections of the five seed pages (the ESF project bank and malmo.se), copied
verbatim: the demo shows the projects exactly as their pages describe them.

Keys are ProjectSection.Key values. Seed 002 has no standard sections: its introduction is the
summary and its three goal areas (Arbete, Boende, Lärande) are sections of kind "other".
"""

STORSTADSINTEGRATION = {
    "summary": """\
Förstudien ska ta fram insatser för människor i utanförskap som en del i fysiska planer för förnyelse i vissa bostadsområden. Förslag ska tas fram i samverkan av kommun, statliga myndigheter och det civila samhället inklusive företrädare för boende, målgrupper och intresseorganisationer.""",
    "background": """\
Malmöregionen är en av de regioner i Sverige där storstadens möjligheter och problem är som mest uttalade. Å ena sidan innebär stadens läge i den expansiva Öresundsregionen unika tillväxtmöjligheter som har yttrat sig i en kraftig tillväxt av nya företag, offentliga institutioner och arbetstillfällen under ett antal år. Å andra sidan finns landets mest utsatta bostadsområden med hög arbetslöshet och ett stort antal människor med bristande kontakter med samhället. Under de senaste 10-15 åren har kommunen intensifierat sina insatser för att människor som saknar arbete ska få den kunskap och kompetens som behövs för att kunna få ett arbete. Nämnas kan "Generalplan för arbete och sysselsättning" och Storstadssatsningen som skapade fyra särskilda Arbets- och Utvecklingscenter i de områden som är mest drabbade av utanförskap. Samtidigt har kommunens samverkan med andra parter, framför allt Arbetsförmedlingen och försäkringskassan ökat.

Med denna ansökan markerar kommunen en vilja att fortsätta utveckla innovativa metoder och samverkan med andra delar av samhället för att nå ett ökat deltagande i arbetsliv och samhälle framför allt för de boende i miljonprogrammets bostadsområden. Metoderna ska ta sikte på att involvera brukarna, de boende för att förverkliga de program som finns för förnyelse av 60-talsområdena eller som är under utveckling. Därigenom kan grunden läggas för en hållbar utveckling som också innefattar sociala och ekonomiska aspekter.

Malmö står inför stora utmaningar där konsekvenserna av misslyckanden genererar ökat utanförskap. Förvärvsfrekvensen för åldersgruppen 20-64 år är ca 64% att jämföra med rikets genomsnitt på ca 75%. Stora
grupper står mer eller mindra permanent utanför arbetsmarknaden. I miljonprogrammets hyresområden är förvärvsfrekvensen under 50%, i vissa fall under 40%. Trots högkonjunkturen de senaste åren har mycket lite hänt som speglar sig i ett ökat deltagande i förvärvslivet. Till en del beror detta på att omflyttningen är hög, människor som fått en permanent plats på arbetsmarknaden flyttar till mer attraktiva områden. De ersätts av en inflyttning som omfattar huvuddelen av de nyanlända flyktingar och deras anhöriga som får uppehållstillstånd i Malmö.

Behov finns att ta till vara högutbildade invandrares kompetens på ett bättre sätt än hittills. Många saknar de specifika kvalifikationer eller kontaktnät som kan ge dem tillgång till ett arbete, trots långvarig vistelse i Sverige. I vissa fall har deras examina föråldrats eller krävt omfattande kompletteringar och de har accepterat ett arbete som inte drar nytta av deras kompetens. I andra fall har människor passiviserats och fått olika hälsoproblem. Bland dessa grupper kan särskilt nämnas flyktingar från krigen på Balkan och Iran, Irak och Somalia. Andra grupper är lågutbildade, ibland analfabeter där det krävs en rad av insatser från flera håll. Många i denna grupp har redan gått igenom olika program som inte lett till arbete. De har en historia av många försök i form av avbrutna utbildningar och praktik som inte lett vidare och behöver se resultat av sina bemödanden. Det krävs nya metoder för att skapa motivation och förmåga, där kan olika åtgärder som ska genomföras i miljonprogrammet bli en ingång till ett arbete. Unga människor som inte fullföljt sin grund- eller gymnasieutbildning är en stor grupp som behöver riktade insatser. Att skapa möjligheter för dem att ta del i upprustning och förvaltning av de egna bostadsområdena är en utmaning. Sociala ekonomin kan bli viktig både som en del i att nyttiggöra människors arbetsförmåga och för att utveckla delaktighet och demokrati.

Ett särskilt problem är de diskriminerande hinder som i många fall stänger ute människor med annan etnisk bakgrund eller trosuppfattning. Sådana kan finnas t ex i arbetsgivares metoder för rekrytering där traditionella icke relevanta kompetenskrav utestänger vissa grupper som kan ha annan värdefull kompetens. De kan också finnas i fördomsfulla uppfattningar om människor med annan etnicitet eller trosuppfattning. Många människor särskilt i områden präglade av arbetslöshet saknar de kontaktnät eller referenser som kan ge arbete vilket gör att de blir indirekt diskriminerade, särskilt då lediga tjänster tillsätts inom en begränsad krets som har kännedom om tjänsten. Genom att projektet kopplas till kompetensutveckling av ansvariga för integrationsinsatser (PO1 storstadsintegration) med åtgärder mot diskriminering som en del i utbildningen ska bättre möjligheter utvecklas för att förhindra direkt och indirekt diskriminering och främja mänskliga rättigheter. En samverkansstruktur byggs också upp inom programområde 1 storstadsintegration som ska underlätta att enskilda individer sätts i centrum för berörda myndigheter åtgärder. Därigenom ökar förtroendet hos den enskilde för att åtgärder ska leda till arbete.

Malmö arbetar sedan tidigare med en s k rullande översiktsplaneprocess. Mellan översiktsplanerna tas Dialog-pm fram som särskilt behandlar en del av Malmö eller en fråga som kan förväntas få stor betydelse för Malmös långsiktiga utveckling. Dessa är avsedda att vara diskussionsunderlag och ska sedan arbetas in i översiktsplanen.
Inom ramen för Välfärd för alla programmet har identifierats fem områden i Malmö som är strategiskt viktiga för att hela staden ska få en fortsatt god utveckling. Dessa områden är Norra Sorgenfri, Rosengård, Seved/Södra Sofielund, NHL-stråket (Nydala-Hermodsdal-Lindängen) och Holma-Kroksbäck. Utvecklingsområdena representerar delar av Malmö som har stora potentialer att utvecklas och bidra till en bättre grund för Malmös fortsatta tillväxt. En god utveckling i dessa fem områden kan ses som strategiskt viktig för Malmös framtid.

Förstudien ska ta fasta på nämnda fysisk/ekonomiska planer för miljonprogramområdena och den samverkan som byggs upp mellan olika myndigheter när de arbetas fram som underlag för att finna verksamheter som minskar utanförskap och ökar det demokratiska deltagandet. Verksamheter ska skapas i samverkan med företrädare för brukarna och de ska öka tilltron hos de boende i dessa områden att ett arbete är inom räckhåll.""",
    "purpose": """\
Det övergripande syftet med förstudien är att utveckla förslag till insatser som ska öka arbetskraftsutbudet och den demokratiska delaktigheten inom Malmös förnyelseområden i främst 60-talets bebyggelse. Vidare ska en genomförandeorganisation skapas som tar till vara såväl alla medverkande myndigheters, privata intressenters som brukarnas medverkan. Detta ska ske genom en innovativ verksamhet knuten till genomförandet av stadsbyggnadsnämndens fysiska/ekonomiska planer för förnyelse i miljonprogramområden Denna ska involvera de angivna målgrupperna i processen på alla nivåer. Det kan ske t ex i form av att fokusgrupper bildas som tar aktiv del i utarbetande av förslagen till insatser. Också försök att finna s k nyckelpersoner med breda kontaktnät i olika grupper, t ex brobyggare eller föreningsfunktionärer kommer att prövas. Förstudien ska kopplas till de samverkansgrupper som etableras inom programområde 1 Storstadsintegration och förslag till verksamheter ska kunna diskuteras som en del i utbildningen. Arbetssättet ska främja en helhetssyn och stödja brukarnas (de boendes) delaktighet i planeringen. Framför allt ska det syfta till att hitta metoder som bättre tar till vara på samhällets mångfald, människor som idag står utanför arbetskraften och som kan utveckla stadsdelarna såväl fysiskt som socialt mot ökad hållbarhet.

Förtydligande:
Ambitionen med projektet i genomförandefasen är att fokusera på arbete för de boende i kommunens förnyelseområden som är arbetslösa och därigenom öka arbetskraftsutbudet. Nya möjligheter för att entreprenörer och andra arbetsgivare ska ta ansvar för detta ska prövas, t ex sociala klausuler i upphandlingar.""",
    "goals": """\
Förstudiens mätbara mål
Antal intressenter (myndigheter, företag, intresseorganisationer, brukarföreträdare) som deltagit i att utforma förstudiens förslag till genomförandeprojekt ska uppgå till minst 25
Antalet verksamheter som utformas för genomförande som en del i förnyelsen av miljonprogrammet skall uppgå till minst 10
därav uppsökande/motiverande
därav för grundutbildningar
därav för yrkesutbildningar
därav för kompetenhöjande praktik
därav för att främja entreprenörsskap
Genomförandeprojektens mätbara mål kvantifieras i förstudien. Indikatorer är följande
Antalet långtidsarbetslösa som deltar i utbildning/praktik
därav ungdomar
Antalet med försörjningsstöd som deltar i utbildning/praktik""",
    "accessibility": """\
För att förverkliga ett genomarbetat genomförande för målgrupperna används de perspektiv och redskap som Europeiska socialfonden formulerat vad gäller tillgänglighet för personer med funktionsnedsättning och som omfattar fyra integrerade delar: 1 Fysisk tillgänglighet innebär att arbetsplatsen är så utformad att det är möjligt för alla att ta sig fram på ett enkelt sätt och fungera i arbetssituationen. 2 Tillgänglig verksamhet handlar om hur vi förhåller oss till varandra. Genom förståelse, medvetenhet och kunskap skapas arbetsplatser där medarbetarna inte känner sig diskriminerade. Likheten med jämställdhetsintegrering är stor. 3 Kommunikativ tillgänglighet - möjligheten att höra till och delta i diskussioner bygger på att kommunikationen möjliggörs. Det sker t ex genom teckentolkning, teleslinga och en god akustisk miljö samt ett intranät som är användbart för den som är blind. 4 Informativ tillgänglighet betyder att informationen måste vara utformad på ett sådant sätt att alla kan tillgodogöra sig den. Det kan t ex innebära att informationsmaterial behöver finnas på flera olika media.""",
    "transnational": """\
Genom Malmös placering i Öresundsområdet finns en transnationell koppling till Köpenhamn. I takt med att politik och mål sätts gemensamt i den europeiska regionen kring att EU som region 2010 ska vara världens mest till konkurrenskraftiga och tillväxttäta region krävs en utblick mot framstående EU-städer. Hur arbetar framstående städer och regioner med intern samverkan för att maximera tillväxt och möta medborgarnas behov på bästa möjliga sätt? I projektets förstudie ser vi Rotterdam där stor erfarenhet finns av samverkan internt och externt för att nå resultat i stadens utveckling. I projektet önskar Malmö även engagera URBACT-projektet Open Cities där Belfast är projektledare för att se hur de använder stadsutveckling som metod för att bryta utanförskap. Just Open Cities lyfts av den Europeiska kommissionen fram som ett mycket bra exempel på ett projekt. Under förstudien ska ett samarbete utvecklas med Belfast och en första kontakt är redan tagen.""",
}


FRAMTID_I_FOKUS = {
    "summary": """\
Projektet ”Framtid i Fokus – ett Tvillingprojekt i Samarbete mellan Malmö och Göteborg” ägs och drivs av Arbete & Utbildning, SDF Rosengård, Malmö Stad. Projektet utgör ett av fem delprojekt inom huvudprojektet ”I Arbetsmarknadens Utkant”.

Syfte med projektet är att genom individuellt utformade stöd-, utbildnings- och arbets- platsförlagda verksamheter, samt genom samverkansinsatser med ett parallellgående tvillingprojekt med stadsdelarna Bergsjön och Kortedela i Göteborg, bidra till ökade möjligheter för 60 st långtidsarbetslösa försörjningsstödstagare som är boende i området
Herrgården i stadsdelen Rosengård, att ta sig ut på arbetsmarknaden.

Målet är att andelen deltagare, som efter avslutat projekt har fått jobb eller upplever att deras möjligheter att få jobb har ökat, skall uppgå till minst 70 %.

Projektet genomförs under perioden 2008-07-01 – 2010-06-30.""",
    "background": """\
Huvudprojektet: I Arbetsmarknadens utkant

Projektet ”Framtid i Fokus – ett Tvillingprojekt i Samarbete mellan Malmö och Göteborg” utgör ett av fem delprojekt inom huvudprojektet ”I Arbetsmarknadens Utkant”. Delprojekten har sin bakgrund i Malmö Stads övergripande behov av projektinriktade arbetsmarknadsinsatser i syfte att stärka marginaliserade gruppers möjligheter att ta sig in på arbetsmarknaden.

Tanken är att samtliga delprojekt, tillsammans, ska uppfylla en del av det behov av insatser för utsatta grupper på arbetsmarknaden som finns i Malmö. En ytterligare anledning att inom ramen för ett huvudprojekt gemensamt redovisa ett antal delprojekt med olika projektägare, men med en delvis stadsdelsövergripande rekrytering av deltagare och en gemensam styrgrupp, är att synliggöra och möjliggöra behovet av samordning av insatser, metodutveckling och implementering av projekt i ordinarie verksamhet, såväl mellan de olika stadsdelarna i Malmö, som mellan den kommunala verksamheten och privata aktörer inom området.

De tre övergripande grupper av arbetssökande som prioriteras i huvudprojekt och delprojekt, med hänsyn till att de kan förväntas ha fortsatt stora svårigheter att få jobb, är;

1) utomeuropeiskt födda,
2) ungdomar med kort och bristfällig utbildning samt
3) långtidssjukskrivna och/eller långtidsarbetslösa personer med psykisk och fysisk ohälsa.

Speciell hänsyn i inriktning och utformning av insatser för dessa marginaliserade grupper på arbetsmarknaden tas till Malmös utanförskapsområden och segregerade områden med hög arbetslöshet och låga utbildningsnivåer.


Delprojekt 2: ”Framtid i Fokus – ett Tvillingprojekt i Samarbete mellan Malmö
och Göteborg"

Ett nytt socialt landskap har vuxit fram i Sverige, ett landskap präglat av utestängning från arbetsmarknaden, bostadssegregation och bidragsberoende. Det handlar om stora grupper av människor för vilka den sociala rörligheten har upphört att fungera och om bostadsområden vars liv nästan helt präglas av socioekonomiska villkor som på ett markant sätt skiljer sig från samhället i övrigt. Det är områden där utanförskapet har blivit det sammanfogande kittet i en kollektiv identitet som grundar sig på en stark känsla av att inte tillhöra gemenskapen i övrigt. Områden som bidrar till sociala och ekonomiska spänningar som påverkar villkoren för såväl enskilda individer som städernas utveckling som helhet.

Utanförskapet är resultatet av en process där en massiv utslagning från arbetsmarknaden leder till och kombineras med andra faktorer för att sammantaget ge en situation som allt mer präglas av en brist på resurser och delaktighet i samhällslivets centrala arenor. Detta är en mycket olycklig utveckling, inte minst i ett rikt och välmående land som dessutom för närvarande upplever en lång högkonjunktur.

Ett djupt utanförskap, i vilket grupper av individer, ofta med en mycket hög andel invandrare,
står utanför en rad centrala samhällsarenor som arbetsmarknaden, föreningslivet, politiska organisationer och kulturlivet, och där det finns tydliga kulturskillnader mellan de som lever i utanförskap och majoritetsbefolkningen, finns i ett antal områden i Sverige. Områden/stadsdelar som i hög grad präglas av detta djupa utanförskap är området Herrgården i stadsdelen Rosengård i Malmö, samt stadsdelarna Bergsjön och Kortedala i Göteborg.

Herrgården utgör det bostadsområde i stadsdelen Rosengård i Malmö som har störst andel försörjningsstödstagare och arbetslösheten i området ligger på en nivå högt över riksgenomsnittet. Andelen förvärvsarbetande inom gruppen 20-64 är 15 procent och mer än 60 procent saknar gymnasial utbildning. Kontakten med det omgivande samhället är bristfällig, de sociala nätverken, som i hög grad präglas av att i princip samtliga, 98 procent, av invånarna på Herrgården har utländsk bakgrund, rymmer ofta enbart människor med likartad bakgrund och tillhörighet.

Bergsjön är en stadsdel som, i likhet med Rosengård, präglas av segregation och utanförskap och som skiljer sig markant från Göteborg som helhet. Mer än halva befolkningen är född i annat land än Sverige och drygt 90 procent av de barn och ungdomar som är bosatta i stadsdelen är berättigade till modersmålsundervisning. Ohälsotalet är högt och noteras bör att det utanför statistiken finns en stor oregistrerad grupp som inte kvalificerat sig till social-försäkringssystemet.

I stadsdelen Bergsjön bor ca 15 000 invånare (2006). 35,6 procent av familjerna erhöll under år 2005 försörjningsstöd. I stadsdelen Kortedala bor ca 27000 invånare (2006). 10,4 procent av familjerna erhåll under år 2005 försörjningsstöd. Andelen är emellertid väsentligt högre i den ena delen av stadsdelen som domineras i flerfamiljshus till skillnad från den andra som främst har villabebyggelse.

Projektet ”Framtid i Fokus” tar sin utgångspunkt i att det inte bara finns behov av en rad generella åtgärder för att öka sysselsättningen i landets utanförskapsområden, utan också riktade skräddarsydda insatser i samverkan, för att skapa möjligheter och undanröja hinder för utanförskapsområden i storstäder och för att bekämpa den extremt låga sysselsättningen som präglar de mest utsatta bostadsområdena.

Föreliggande projekt utgörs av ett tvillingprojekt i vilka målgrupperna utgörs av långtidsarbetslösa eller SFI-studerande försörjningsstödstagare boende i området Herrgården på Rosengård i Malmö, respektive långtidsarbetslösa bidragstagare boende i stadsdelarna Bergsjön och Kortedala i Göteborg.

Projektägarna, Arbete & Utbildning, SDF Rosengård, Malmö Stad, samt Arbetsforum, Bergsjön/Kortedala, Göteborgs Stad, ansöker om medel från respektive ansvarigt regionalt ESF-råd, för att genomföra två parallella ”tvillingprojekt” med identiska insatser och insatsområden. Projekten ska samverka genom utbyte av information, gemensamma aktiviteter och policyutveckling men också, vilket utgör projektens innovativa dimension, möjliggöra, utifrån projektens helt identiska förutsättningar vad gäller redovisade insatser och insatsområden, att under projektperioden följa och jämföra projektens utveckling som underlag för en löpande metodutveckling och för att gradvis justera och anpassa de båda projektens inriktning och utformning.

Projektet ”Framtid i Fokus” bygger på systematiskt uppbyggda kunskaper om vilka åtgärder som har effekt baserat på tidigare erfarenheter inom ramen för projektägarens genomförda ESF-finansierade projekt, i synnerhet ett projekt med boende på Herrgården som målgrupp, samt utvärderingar av tidigare projektverksamheter på individ-, projekt- och systemnivå.

Kunskaperna bygger i hög utsträckning på de synpunkter från projektens olika privata och offentliga samverkansparter som framkommit under tidigare projektverksamheter. Projektets innehåll är också ett resultat av gemensamma diskussioner mellan företrädare för projektägarna för tvillingprojekten, Arbete & Utbildning, SDF Rosengård, Malmö Stad samt Arbetsforum, Bergsjön/Kortedala, Göteborgs Stad.""",
    "purpose": """\
Att genom individuellt utformade stöd-, utbildnings- och arbetsplatsförlagda verksamheter, samt genom samverkansinsatser med den andra delen av tvillingprojektet i stadsdelarna Bergsjön och Kortedela i Göteborg, bidra till ökade möjligheter för långtidsarbetslösa försörjningsstödstagare som är boende i området Herrgården i stadsdelen Rosengård, att etablera sig på arbetsmarknaden. Projektet syftar också till att stärka individens konkurrenskraft på samhällets olika arenor.""",
    "goals": """\
Programmål

Andelen deltagare, som efter avslutat projekt har fått jobb eller upplever att deras möjligheter att få jobb har ökat, skall uppgå till minst 70 %.

Andelen deltagare i arbete, 90 dagar efter avslutat projekt skall vara minst 10 procentenheter högre än det viktade genomsnittliga resultatet för Särskilt anställningsstöd och Förberedande utbildning, (eller annan reguljär åtgärd för motsvarande målgrupp) uppdelat för respektive år samt för hela programperioden.

Projektmål

Andelen deltagare, som efter avslutat projekt, upplever att de fått ökat ett utökat nätverk, skall uppgå till minst 90 %.

Andelen deltagare, som efter avslutat projekt, upplever att de fått ökat självförtroende, skall uppgå till minst 90 %.""",
    "accessibility": """\
Projektet ska sträva efter att utforma och bedriva verksamheten så att den är tillgänglig för alla inom målgruppen. Det innebär att projektledningen så långt som möjligt ska följa projektägarens, Arbete och Utbildnings, SDF Rosengårds och Malmö Stads riktlinjer för tillgänglighet och använda dessa riktlinjer som ett stöd i sitt arbete för tillgänglighet. Genom ett sådant förhållningssätt visar projektet också den omtanke och respekt för allas lika värde som Malmö Stads värdegrund förutsätter.

Projektets arbetsförhållanden ska anpassas till människors olika förutsättningar i fysiskt och psykosocialt avseende och deltagare med eventuella funktionshinder ska kunna delta i projektet och ta del av projektets insatser på samma villkor som andra personer.

Alla medarbetare ska känna till projektets policy för tillgänglighet och arbeta efter den samt, under projektperioden, vid behov, delta i kompetensutvecklingsinsatser som rör tillgänglighet och funktionshinder.""",
    "gender_mainstreaming": """\
Jämställdhetsintegrering
Att all verksamhet inom Framtiden i Fokus - liksom på Arbete & Utbildning generellt – är könsintegrerad gör att vi har en än större möjlighet att påverka befintliga strukturer på Rosengård i positiv riktning. Detta är självklart för organisationen i dess helhet. Då projektet kommer att arbeta mer frekvent och ingående med deltagare än den reguljära verksamheten kan genusfrågan kan komma upp i flera sammanhang. Projektets arbete med detta område kan ses som en försöksverksamhet för att i framtiden kunna implementera flera komplexa frågor avseende arbetsmarknaden för män och kvinnor, som ofta uppfattas som svåra att närma sig för en arbetsmarknadssekreterare, i den ordinarie verksamheten.

En pedagogisk grundtanke är att all vägledningsverksamhet i grupp hålls för kvinnor och män tillsammans där det tydliggörs att både män och kvinnor har något att bidra med på arbetsmarknaden. Detta ska inte bara genomsyra individens mål med ett projektdeltagande, utan även själva vägledningen. Genom en uttalad och tydlig jämställdhetsinriktning i vägledningen är målet att kvinnor ska komma till tals på samma villkor som män, både i individuella samtal och vid gruppvägledningstillfällen.

Gruppvägledningen kommer även att ha flera moment då deltagare ska samarbeta i diverse övningar. Tidigare erfarenhet visar att ett tätt gemensamt arbete över könsgränserna ger deltagarna en ökad medvetenhet och förståelse för demokrati och jämställdhetsfrågor.

Då vi vet att flertalet arbetsmarknads- och rekryteringsutbildningar efterfrågar kvinnor till traditionellt mansdominerade utbildningar, och vice versa, är det projektets mål att informera deltagarna om de utökade möjligheter man kan få på arbetsmarknaden om man bryter traditionellt könsbundna utbildnings- och yrkesval. Genom denna positivt vinklade information – ”göra detta val och få fördelar” – ser vi en möjlighet att bryta invanda könsmönster på arbetsmarknaden, då vi genom erfarenhet vet att det i många fall är okunskap som ligger bakom de stereotypa valen.

Detta är ett tänkesätt som inte bara är relevant när det gäller längre utbildningar, utan även när det gäller vägledning av deltagare utan arbetslivserfarenhet eller yrkesinriktning. Genom att till exempel coacha kvinnor mot traditionellt mansdominerade yrken och ge män möjlighet att praktisera inom traditionellt kvinnodominerade yrken kan vi inte bara vidga individens syn på aktuella yrken, utan även få bättre resultat än vi hade fått med traditionell vägledning.

Under projektets gång kommer vi att ta in flertalet utbildningsanordnare för att de ska kunna hålla informationsmöten för deltagarna. Vi kommer här att specifikt betona behovet av män respektive kvinnor inom olika branscher, då en icke-myndighetsperson från utanför verksamheten ofta kan ha stort genomslag avseende individens yrkesinriktning. Vi kommer även att ta in föreläsare som är specialiserade på genusfrågor. Genom att använda specialister inom området har vi möjlighet att få tillgång till kompetens utifrån som ett komplement och samtidigt utvidga deltagarnas övriga omvärldskunskap.

Att lyfta jämställdhetsrelaterade frågor - bland annat i samarbete med Arbete och Utbildnings specialister på området och de upparbetade kontaktnät de innehar - kan vi dra fram frågor som kan uppfattas som hinder på arbetsmarknaden, men samtidigt komma fram till lösningar på hur dessa hinder kan övervinnas. Vi kan här luta oss mot en gedigen erfarenhet från ett flertal av organisationen genomförda projekt med jämställdhetsfokus och speciell inriktning på jämställdhet.

Genom att ha en fortgående dialog med barnomsorgen kan vi undvika att kvinnor eller män hamnar i fällan att de inte har tillräcklig med barnomsorg, utan kan delta i projektet och planera för sin väg mot arbete på heltid. Denna dialog kan också komma oss till nytta då deltagare får arbete utanför ordinarie kontorstid; då flertalet förskolor på Rosengård inte har anpassade öppettider kan projektets personal vara individen behjälplig i kontakten med barnomsorgen i syfte att få ändrade tider för barnen och därigenom kunna gå ut i arbete. Det är även viktigt att påtala detta i en strukturerad form med konkreta exempel, i syfte att få igenom en strukturförändring som underlättar för Rosengårdsbor i allmänhet att få mindre hinder att gå ut i arbete.

För projektets ledning kommer frågor som kön inte att beaktas som hinder på arbetsmarknaden, snarare som en fördel då man söker sig utanför de traditionella valen.""",
}


JOBB_FOR_ALLA = {
    "summary": """\
Burlöv är en liten kommun med arbetslöshets- och ohälsoproblematik jämförbar med länets största städer. Antalet långtidsarbetslösa är stort, särskilt bland utrikes födda, ungdomar och funktionshindrade. Ohälsotalet är högt i jämförelse med både länet och riket och det ekonomiska biståndet ligger oproportionellt högt. Det har visat sig svårt för respektive myndighet att inom ramen för sina ansvarsområden komma till rätta med dessa problem. Det finns ett behov av att genom myndighetsgemensamma ansträngningar skapa insatser utöver de ordinarie verksamheterna för att fånga upp individer i utanförskap och erbjuda dem individanpassade lösningar för att de ska kunna träda in och stanna kvar på arbetsmarknaden.

I riktning mot detta har vi i Burlöv under många år arbetat i olika mindre samverkansgrupper, vilket gett erfarenhet av samverkansformens möjligheter/begränsningar och skapat ett gott samverkansklimat mellan parterna. Det finns nu goda förutsättningar för ett samverkansprojekt i större skala, där alla de aktörer som vanligtvis arbetar med målgrupperna ingår (Burlövs Kommun, Arbetsförmedlingen Arlöv, Försäkringskassan Mellanskåne och Region Skåne). Samarbetspartner skall också sökas inom privat och ideell sektor.

Genom denna nya ansats vill vi ta ett helhetsgrepp på problematiken och vända den negativa trenden med oproportionellt stora utanförskapsgrupper i Burlövs Kommun och för detta krävs till en början finansiellt stöd. För att säkerställa kvalitén i projektet skall en grundlig förprojektering genomföras, vars huvudsakliga mål är att kartlägga målgrupper, konkretisera de insatser som själva projektet skall bestå av samt att förstärka de förutsättningar som behövs för att bedriva en effektiv samverkan, så att projektarbetet kan starta från och med dag ett.

Då vi ser projektet som en kontinuerlig lärandeprocess skall utvärdering ske löpande under projekttidens gång. En extern professionell utvärderare skall för detta ändamål kopplas till projektet redan under förprojekteringsfasen. Effekten av detta är att lärandet integreras som en viktig del i projektet vilket skapar flexibilitet och förutsättningar för kontinuerlig reflektion kring projektet och dess riktning samtidigt som det underlättar för det strategiska påverkansarbetet. En strategi för hur projektet ska övergå i Finsam vid projekttidens slut skall initieras under förprojekteringen. Syftet med detta är att är redan i ett tidigt skede arbeta för att projektet skall bli en permanent del av arbetet med utanförskapsgrupperna.""",
    "background": """\
A: I Burlövs Kommun har man i många år eftersökt att driva ett projekt i större skala tillsammans med andra relevanta aktörer i syfte att utveckla gemensamma metoder och individanpassade åtgärder som svarar mot befintliga behov för att underlätta för individer i utanförskap att träda in och stanna kvar på arbetsmarknaden. Det har i Burlöv under åren funnits olika samverkanskonstellationer, men vi har aldrig arbetat gränsöverskridande i ett projekt med alla de myndigheter som på olika sätt arbetar med utanförskapsgrupperna. Motivet till denna nya ansats är att flera myndigheter handlägger ärenden gällande samma individer inom de aktuella målgrupperna och att man genom samverkan skulle kunna effektivisera detta arbete och utveckla gemensamma kompletterande åtgärder utifrån den kunskap och de erfarenheter som de enskilda myndigheternas verksamhet genererat (på såväl chefs som handläggarnivå). Med anledning härav har en samverkansgrupp bildats bestående av representanter för Burlövs Kommun, Arbetsförmedlingen Arlöv, Försäkringskassan Mellanskåne och Region Skåne. Det finns också en gemensam önskan om att på sikt samarbeta med andra relevanta aktörer inom t.ex. den privata och den ideella sektorn.

Burlöv är en liten kommun med storstadsproblematik. Samtidigt som vi i denna expanderande region med många företag noterar hög tillväxt inom vissa sektorer, så är andra hårt drabbade av segregation och utanförskap. Vi har jämförelsevis höga och ökande arbetslöshetssiffror, särskilt bland utrikes födda, ungdomar och funktionshindrade. Ohälsotalet är högt och det ekonomiska biståndet likaså. (Se bil.1) Det är med anledning av den bakgrund som belyses i bil. 1 som vi genom myndighetsgemensamma ansträngningar vill fånga upp individer i utanförskap och erbjuda dem individanpassade lösningar för att de ska närma sig och kunna stanna kvar på arbetsmarknaden. För att vända den negativa trenden med stora utanförskapsgrupper i Burlöv, krävs att de aktörer som arbetar med dem tillsammans skapar insatser utöver de ordinarie verksamheterna, samt utvecklar metoder för att hjälpa den enskilde individen att finna vägar ut ur utanförskapet. Vi vill genom detta nya angreppssätt utveckla sådan additionalitet och samverkan och för detta krävs i Burlövs fall till en början externt finansiellt stöd.""",
    "purpose": """\
Det övergripande syftet med förprojekteringen är att genomföra en grundlig omvärldsanalys för att kartlägga utvecklingsbehov och förutsättningar, utveckla idéer och fastställa åtgärder samt att upprätta en gemensam plattform för samverkansparterna för att säkerställa kvaliteten i projektets genomförandefas. Avsikten är att i samverkan utveckla gemensamma och oprövade metoder för att underlätta för kommuninvånare som står långt från arbete att träda in och stanna kvar på arbetsmarknaden. Inom ramen för förprojekteringen kommer också samverkanspartner att sökas/fastställas samt målgrupper att kartläggas/avgränsas.
Slutligen ämnar vi under förprojetkteringen lägga resurser på att rusta oss själva inför uppdraget genom kompetensinventering och kompetensutveckling. Det långsiktiga syftet är att genom myndighetsgemensamma och individanpassade insatser underlätta för personer i de stora utanförskapsgrupperna i Burlövs Kommun att närma sig arbetsmarknaden, samt att etablera en permanent gränsöverskridande verksamhet som även vid projektets slut kan erbjuda sådana insatser.""",
    "goals": """\
Förprojekteringens huvudsakliga mål är att kartlägga målgrupper, konkretisera de insatser som själva projektet skall bestå av samt att skapa de förutsättningar som behövs för att bedriva en effektiv samverkan, så att projektarbetet kan starta från och med dag 1. Den långsiktiga målsättningen är att tillse så att individer i målgrupperna får behovsanpassad hjälp att träda in och stanna kvar på arbetsmarknaden och därigenom minska utanförskapet. På ännu längre sikt är målet att detta projekt ska kunna övergå i Finsam och bli en permanent del av och ett komplement till de ordinarie verksamheterna.

Måluppfyllelsen av följande moment ska resultera i en genomtänkt projektansökan (för utlysningstillfället 1/11 08) och utgöra en god grund för själva projektet (andra delmål redovisas under rubriken tid och aktivitetsplan):

• Jämställdhets-SWOT-analys – Under förprojekteringen skall grunden läggas för det fortsatta arbetet med jämställdhetsintegrering. Tillgång till relevant könsuppdelad statistik skall säkerställas. Kunskap om målgruppen utifrån ett jämställdhetsperspektiv skall inventeras inom samverkansgruppen. Analysen skall genomföras i arbetsgruppen av de personer som besitter mest kunskap om jämställdhetsintegrering. Syftet är att denna analys utmynnar i olika strategier för att hantera möjliga problem och dra nytta av befintliga styrkor. Vi vill försäkra oss om att jämställdhetsperspektivet blir en integrerad del av samverkansarbetet och att de metoder vi väljer är applicerbara på båda könen. (alternativt anpassa metoderna efter kvinnliga och manliga deltagarnas förutsättningar).

• Riskanalys – En riskanalys i syfte att identifiera styrkor och svagheter i projektarbetet skall genomföras under förprojekteringen. Verktyg för detta skall väljas i ett initialt skede. Den förväntade effekten av riskanalysen är dels att härigenom maximera möjligheten att utnyttja projektets styrkor och dels att i god tid kunna planera beredskap för motåtgärder.""",
    "accessibility": """\
Vi kommer att utgå från dokumentet Handisams handlingsplan för tillgänglighet (http://www.handisam.se) för att förankra tillgänglighetsperspektivet hos samtliga medarbetare. Utifrån detta kommer ett kontinuerligt tillgänglighetsarbete vad gäller lokaler, information och kommunikation att bedrivas och rutiner tas fram för att säkra tillgänglighetsperspektivet.""",
}


INTEGRATION_GENOM_ARBETE = {
    "summary": """\
Projektet är ett samverkansprojekt mellan fyra N. V. Skånska kommuner, Arbetsförmedlingen, företagarföreningar och arbetsgivare som syftar till att med hjälp av en mångfald av insatser integrera kommunernas flyktingar i arbetslivet och det svenska samhället inom en period på sex månader.""",
    "background": """\
Flyktingtillströmningen ökar för varje år. Under 2007 kom enligt Migrationsverket 36 207 flyktingar till Sverige. Av dessa beviljades ungefär 2/3 uppehållstillstånd. Samtidigt brottas Sverige med ökad främlingsfientlighet. På grund av en sviktande förmåga att integrera mottagna flyktingar väljer många kommuner att inte teckna avtal med Länsstyrelsen i respektive län om att ta emot flyktingar. Vidare leder ett bristfälligt mottagande att ej integrerade flyktingar söker sig till områden, främst i större kommuner, med redan hög invandrartäthet.
I framtiden förutspås arbetskraftsbrist i Sverige (5-8 år).

Med detta som bakgrund är det synnerligen viktigt att effektivt integrera Sveriges flyktingar och snarast anpassa dem till den svenska arbetsmarknaden och det svenska samhället.

Förprojekteringen påvisar följande problem/behov:

- Det finns ett behov av en process för flyktingmottagande som har en helhetssyn från det att flyktingen har en basal förmåga att hantera det svenska språket till dess att en varaktig anställning och egenförsörjning erhållits.

- Det finns ett behov av att effektivisera och förkorta flyktingens tid i olika åtgärder för att effektivt slussa dessa vidare mot arbete och förhindra passivisering.

- Det finns ett behov av en process som har ett helhetsåtagande avseende integrationen av flyktingar och som effektivt och snabbt koordinerar övriga kommunala insatser samt detekterar övriga reella behov samt tillgodoser dessa inom ramen för uppdraget att hjälpa flyktingen erhålla egenförsörjning.

- Det finns ett behov av att bättre tillgodose flyktingarnas medhavda yrkeskompetens.

- Det finns ett behov av att socialt och ekonomsikt integrera flyktingarna så att de väljer att permanent och långsiktigt bo kvar i kommunerna och därmed bistå med både yrkeskompetens och ekonomisk drivkraft för dels kommunen men även för kommunens företagare. Detta leder vidare till ett minskat tryck främst för större städer såsom Malmö, Landskrona och Helsingborg men även andra invandrartäta kommuner i och med att kommunens flyktingar väljer att stanna kvar.

- Det finns ett behov av att heltäckande kompetensutveckla flyktingar inom området Så fungerar Sverige i form av olika insatser som avser att ge flyktingen ingående kännedom om hur Sveriges historia ser ut, förvaltning och olika myndigheters funktion, lagar, privatekonomi, miljöutbildning, hälsoutbildning, det sociala samspelet i Sverige med mera.

- Det finns ett behov av att heltäckande kompetensutveckla flyktingar inom område - Att erhålla ett arbete i form av olika insatser som avser att ge flyktingen ingående kännedom och förmåga att effektivt söka arbete.

- Det finns ett behov för vissa flyktingar att erhålla kompetens som ger mervärde för en arbetsgivare utöver personens ursprungliga yrkeskompetens. Exempelvis bokföring, grundläggande företagsekonomi och IT.

- Det finns ett behov av effektivare arbetscoachning som är speciellt anpassad för de behov som gruppen flyktingar har.

- Det finns ett behov att informera och samverka om regeringens lagda integrationspaket.

- Det finns ett behov av att komplettera kommunernas resursbrist avseende flyktingintegration.

För fullständig information se punkt 6 och 7 i förprojekteringsbeskrivningen samt 1.1 i projektbeskrivningen.""",
    "purpose": """\
Projektet syftar till förbättra integrationen och anpassningen av flyktingar till den svenska arbetsmarknaden och det svenska samhället.

Detta sker med hjälp av individuella analyser och handlingsplaner och utifrån dessa tillhandahålla de behov den enskilda flyktingen behöver för att så snabbt och effektivt som möjligt integreras i det svenska samhället och vara självförsörjande genom arbete eller egen näringsverksamhet.""",
    "goals": """\
Projektet har två mätbara huvudmål:

-Minst 95 % av deltagarna som fullföljer projektet skall uppleva att de har erhållit en stor eller mycket stor ökad möjlighet att erhålla en anställning.

- Minst 45 % av deltagarna som fullföljer projektet skall 90 dagar efter de fullföljt projektet erhållit arbete i form av anställning eller påbörjat egen näringsverksamhet.

Projektet har utöver ovan nämnda huvudmål ett antal delmål:

- Av de deltagare som fullföljer projektet skall minst 30 % av de deltagare som inte erhållit anställning eller startat egen näringsverksamhet 90 dagar efter de fullföljt projektet påbörjat ny utbildning eller projekt som leder fram emot arbete eller start av näringsverksamhet.

- Projektet skall skapa riktlinjer för en framtida flexibel och långsiktigt fungerande flyktingintegration i de ingående kommunerna.

- Projektet skall skapa erfarenheter och riktlinjer för en hållbar utveckling avseende samverkan och samarbete över kommungränserna.

- Projektet skall skapa erfarenheter och riktlinjer för ett långsiktigt samarbete mellan kommun, företagarförening och företag.

- Länsstyrelsen skall få lättare att skriva avtal avseende mottagande av flyktingar i regionen.

- Redan av stor flyktingtäthet belastade kommuner och storstäder skall erhålla minskat flyktingtryck i och med att de ingående kommunerna kommer att kunna integrera och behålla sina mottagna flyktingar.

- Medverkande kommuner skall effektivisera integrationen av mottagna flyktingar som i sin tur ger minskat utanförskap, ökade skatteintäkter för kommunerna, fler självförsörjande flyktingar och minskad främlingsfientlighet.

- Kommunerna skall under och efter projektet erhålla erfarenheter och skapa rutiner för samverkan inom och mellan kommuner mellan såväl företag, företagarföreningar kommunala enheter och andra kommuner.

- Dessa erfarenheter och resultat skall via strategisk påverkan att spridas till andra kommuner och organisationer som inte medverkar i projektet.""",
    "accessibility": """\
Förprojekteringen har beaktat behovet av att projektet har en anpassningsbarhet efter personer med funktionshandikapp.

Fyra områden har härvid detekterats:

- Fysisk tillgänglighet - Alla fyra medverkande kommuner har lokaler anpassade för personer med olika typer av funktionsnedsättning. Projektet avser att i första hand använda dessa lokaler vid uppkommet behov.

- Tillgänglig verksamhet - Projektet kommer att genomsyras av tankar och värderingar kring jämställdhet, jämställdhetsintegrering, demokrati och alla människors lika värde oavsett färg, ras, trosinriktning eller sexuell läggning.

- Kommunikativ tillgänglighet - Alla fyra medverkande kommuner har tillgång till teckentolk, teleslinga, intranät samt tolkservice. Varje kommun har också handikappanpassade lokaler med god akustisk och belysningsriktig arbetsmiljö. Kommunernas lokaler kan vanligtvis nås via ordinarie kollektivtrafik, vid behov kommer projektet att ombesörja resor till aktuell lokal för personer som ej på grund av sitt handikapp kan transportera sig till dessa med ordinarie kollektivtrafik.

- Informativ tillgänglighet - Informationen till projektets deltagare kommer att spridas via olika media. Projektets webbplats kommer att ha information på flera olika språk. Projektet har även tillgång till tolkservice.

För vidare information se förprojektering punkt 7.8.1 samt projektbeskrivning 1.7.""",
    "gender_mainstreaming": """\
Könsfördelningen på tillkommande flyktingar i de medverkande kommunerna är generellt på 40 % kvinnor och 60 % män. Målsättningen är att samma könsfördelning skall gälla för deltagarna i projektet, om möjligt även upp till 50 % / 50 %. Projektet kommer också att arbeta mot de könsfördelningsskillnader som finns i Sverige. Konkreta exempel på detta är att kvinnor skall uppmuntras och stöttas till eget företagande. Om möjligt skall det skapas utbildningar i egenföretagande endast för kvinnor. Projektet i allmänhet och insatsen Hur fungerar Sverige kommer att betona synsättet på jämställdhet i Sverige genom att ta upp frågor såsom föräldraledighet, den sneda fördelningen gällande löner och kvinnor på chefspositioner. Deltagarna kommer också att informeras om den ökande möjligheten till arbete om man väljer yrken där det egna könet är underrepresenterat. Den höga andelen kvinnor som deltidsarbetar kommer också att belysas.

Kvinnorna i projektet kommer också att stöttas med hjälp av barnomsorg och andra familjerelaterade problem eftersom andra kulturer i vissa fall har en annan syn på jämställdhet.

Projektet kommer att arbeta fram en jämställdhetspolicy för projektets verksamhet och deltagarna skall utbildas i denna.

Projektet kommer också att sträva efter att utöva en strategisk påverkan hos deltagarna för att erhålla en acceptans och förståelse för en långsiktig insyn i samhällets behov av jämställdhet.

Projektet skall även föregå med gott exempel och strävar efter att i projektets ledningsgrupp ha en fördelning på 50 % män och 50 % kvinnor.

Det finns i dagens svenska samhälle olika former av diskriminering, såväl mellan män och kvinnor samt mellan olika grupperingar såsom livsåskådning och sexuell läggning. Detta i kombination med att projektets deltagare många gånger kommer från kulturer med en annan syn och erfarenhet än den som är rådande i Sverige gör att projektet kommer att ha en inriktning som i samtliga led i projektets olika insatser genomsyras av en strategisk påverkan avseende demokratisk jämställdhet.

Projektet är öppet för alla flyktingar oavsett kön eller funktionsnedsättning. Kommunerna har redan i förprojekteringen och projektplanering utlovat stöd med alla de hjälpmedel och resurser gällande tillgänglighet som kommunerna har tillgång till såsom lokaler anpassade för personer med funktionsnedsättning, hörslingor, teckentolkar etc.

Som grund för projektets jämställdhetsarbete kommer metodboken Jämstöds praktika att ligga till grund.

Projektledningen har sökt kontakt med personerna bakom EU-projektet Tankens trädgård för att säkerställa jämställdhetskompetensen i projektet.

Projektets utvärdering som sker både i process och resultat kommer att övervaka och följa upp hur jämställdhetsarbetet påverkar deltagarna på kort och lång sikt.""",
    "transnational": """\
Projektet har en tydlig inriktning mot strategisk påverkan både regionalt, nationellt och internationellt. De medverkande kommunerna skall tillsammans med projektledningen informera och sprida process och resultat till kringliggande icke medverkande kommuner. Projektets deltagare skall få möjlighet att ta del av arbete och behov i hela regionen.
Länsstyrelsen stöttar projektet och skall tillsammans med kommunförbundet tillse att projektets resultat och erfarenheter sprids både regionalt och nationellt. Projektledningen skall tidigt förbereda föreläsningar för detta behov.
Projektets medverkande Arbetsförmedlingar skall också ta del av process och resultat och kommer att vara en kanal ut i hela landet gällande arbetsbrist, kompetensbehov mm.
Genom arbetsförmedlingarna kommer projektet också att söka samarbete mot projekt som tangerar samarbete med Danmark och det arbetsmarknadsbehov de har.
I regionen finns ett intresse för att starta projekt inom South Baltic programmet, både gällande miljö och inom entreprenörskap. Detta samarbete skulle i första hand vara mellan Sverige, Polen och Kaliningrad. Här finns stora möjligheter till ett brett och fördjupat samarbete.""",
}


OMRADESPROGRAM_SUMMARY = """\
Områdesprogram för ett socialt hållbart Malmö är en femårig investering (2010-2015) för att förbättra levnadsvillkoren, öka tryggheten och skapa fler jobb i de områden i Malmö där välfärden är som lägst. Genom att påverka utvecklingen i fem områden verkar områdesprogrammen för att stärka den sociala hållbarheten i hela Malmö. De fem prioriterade områdena är Herrgården, Holma/Kroksbäck, Södra Sofielund/Seved, Lindängen och Segevång. Kommunstyrelsens beslut om programmen innebär ett åtagande för alla Malmö stads förvaltningar, i tid och resurser, där de insatser som visar sig effektiva kan skalas upp och spridas.

Arbetet i områdesprogrammen bedrivs i respektive stadsområde samt i samverkan stadsområdesförvaltningarna emellan. Regelbundna träffar kring programmen sker mellan såväl stadsområdeschefer som områdesutvecklingschefer och områdeskoordinatorer. Kommunstyrelsens förvaltning, stadskontoret, ansvarar för uppföljning av områdesprogrammen, vilket bland annat omfattar att förse kommunstyrelsen med lägesrapporter samt samordning av de centrala kommunikationsinsatserna via exempelvis malmo.se, intranät och nyhetsbrev. Stadskontoret arbetar också för att knyta områdesprogrammen närmare arbetet med forskningsresultat i de rapporter som lämnats av Kommission för ett socialt hållbart Malmö.

Totalt omsätter områdesprogrammen cirka 20 Mkr 2014, jämnt fördelat på de fem stadsområdesnämnderna. Inom ramen för områdesprogrammet har stadsområdesnämnderna fått i uppdrag att utveckla lokala mötesplatser för flickor och pojkar och 2 miljoner kronor av medlen per områdesprogram har styrts om för satsningar på bland annat ”Områdesanställningar” och ”Meningsfull fritid”.

Samverkan och dialog är två ledord i programmen och en grundläggande uppgift för arbetet är fortsatt fokus på att fånga upp medborgarnas och föreningarnas engagemang och intresse för sitt område och ta reda på vilka frågor som medborgare och föreningar bedömer som mest angelägna att arbeta vidare med. Områdesprogrammen arbetar aktivt för att påverka utvecklingen av nya metoder och arbetssätt för att genom samverkan mellan olika aktörer tillsammans nå social hållbarhet. Ett bra exempel på detta är den tvärsektoriella samverkansprocessen Kraftsamling Herrgården, som påbörjades under hösten 2013. Processen fungerar som en kunskapsallians med aktörer från ideell, privat och offentlig sektor. En samordnande funktion bestående av representanter från offentlig och idéburen sektor håller ihop arbetet. Under 2014 har en fördjupad målbild för Herrgårdens utveckling har tagits fram som grund för en fördjupad samverkan.

Nedan beskrivs fler exempel på aktiviteter som genomförts inom ramen för områdesprogrammen under året, indelad efter de tre målområdena: arbete, boende och lärande."""


OMRADESPROGRAM_OTHER = [
    (
        "Arbete",
        """\
Inom områdesprogrammen prövas nya metoder genom gränsöverskridande samarbeten för att skapa jobb för människor i de aktuella områdena, med särskilt fokus på barnfamiljer och självförsörjning. Satsningen på socialtjänsten i Malmö under 2014 har möjliggjort ett intensifierat arbete på Segevång med barnfamiljer som uppbär långvarigt försörjningsstöd. Syftet med arbetet är att få fler föräldrar i barnfamiljer till arbete, studier eller annan självförsörjning och därmed även förbättra barn och ungdomars levnadsvillkor och framtida möjligheter. Under perioden juni 2013 till december 2014 har projektet haft kontakt med 131 barnfamiljer varav 51 eller cirka 40 % har blivit självförsörjande.

Det finns även goda exempel på hur behov av fysiska förändringar i form av byggande eller renovering av bostäder har använts för att skapa jobbtillfällen för arbetslösa i områdena. Bland annat har satsningar gjorts på ekonomiskt och socialt hållbar upprustning av miljonprogramsområden genom Innovationsplattform Malmö Sydost och Bygga-om-dialogen samt byggandet av familjebadet i Holma/Kroksbäck. Gemensamt för dessa projekt är tvärsektoriell samverkan där upprustning eller nybygge både ger arbetstillfällen och är en del av stadsutvecklingen för att göra områdena mer attraktiva.

Framtidens hus på Lindängen är ett annat bra exempel där samarbete och samlokalisering av aktörer möjliggör delaktighet och minskat antal Malmöbor med försörjningsstöd. I huset samlas socialsekreterare från Malmö stad med Jobb Malmös områdesarbetare och handläggare från Arbetsförmedlingen. Dessutom har Folkuniversitetet, Röda korset, Rädda Barnen, Sociala resursförvaltningen och Romska Idé Center haft verksamhet i huset.""",
    ),
    (
        "Boende",
        """\
I samtliga områdesprogram pågår ett brett samarbete med ett flertal förvaltningar, fastighetsägare, närpolisen och boende för att bidra till goda lösningar på stadsbyggnad och planering av den fysiska miljön i syfte att öka känslan av trygghet och tillit i områdena.

Föreningen Fastighetsägare BID[1] Sofielund bildades i september 2014 med fokus på Boende, Integration och Delaktighet. Styrelsen består av 14 ledamöter och verkar i Norra och Södra Sofielund samt Sofielunds industriområde. Antalet medlemmar i föreningen uppgår till cirka 25 och Malmö stad har en anställd utvecklingsledare engagerad i arbetet. Till styrelsen är adjungerade från stadsbyggnad, gatukontor, trygghet o säkerhet, VA-Syd samt polis och räddningstjänst. BID följs av forskare från institutionen för fastighetsvetenskap på Malmö Högskola. Föreningen har under hösten kommit igång med att se över möjligheterna att hålla rent och snyggt inom Sofielundsområdet.

Förnyelsearbetet kring Lindängens centrum går framåt tack vare samverkan mellan olika aktörer. Det planeras för byggnation av fler bostäder, utbyggnad av biblioteket och fortsatt arbete för att öka tryggheten. Under året har också aktörerna som arbetar med området Sege Park arbetat fram en hållbarhetsstrategi som ska gälla fram till 2025, då den planerade utbyggnaden av området ska vara klar. Strategin täcker in alla aspekter av hållbarhet, även om fokus ligger på ekologisk och social hållbarhet. Målen i strategin vilar på de övergripande rekommendationerna från Kommission för ett socialt hållbart Malmö. Inom områdesprogrammet för Segevång har det exempelvis arbetats med demokratiserat styre genom olika medborgardialoger som man haft i samband med utveckling av området.""",
    ),
    (
        "Lärande",
        """\
Inom ramen för områdesprogrammen bedrivs samverkan och samarbete även med stadens utbildningsansvariga förvaltningar: förskoleförvaltningen, grundskoleförvaltningen och arbetsmarknads-, gymnasie- och vuxenutbildningsförvaltningen. Bland annat har grundskolan arbetat med information och trygghet för att förebygga och motverka kriminalitet. Förskolan har bedrivit viss uppsökande verksamhet riktad till flickor och pojkar i åldern 3-5 år som inte går i förskolan.

Ett exempel på innovativa metoder och samarbete är Allaktivitetshuset på Lindängeskolan som har öppet sju dagar i veckan och erbjuder gratis aktiviteter till Lindängens barn och vuxna. Samarbetspartners på allaktivitetshuset är Röda korset, Röda korsets ungdomsförbund, IM och Handbollsklubb Malmö. Under 2014 uppmärksammades verksamheten inom det rikstäckande projektet 1+3=5 som ett gott exempel på samverkan mellan kommuner och föreningar. Allaktivitetshuset nämndes även som ett gott exempel i EU:s Integrating Cities-satsning och fick under året besök av både demokratiministern och bostadsministern.

Under 2015 går områdesprogrammen in i en slutfas där fokus kommer att ligga dels på dokumentation och analys av arbetet, dels på spridningen av goda exempel på framgångsrika åtgärder. I områdesprogrammen har flera processer och arbetssätt visat sig vara effektiva för att skapa delaktighet, förbättrade skolresultat och arbete åt kvinnor och män som står långt ifrån arbetsmarknaden. Erfarenheterna från alla inblandade aktörer ska samlas i en slutrapport och spridas genom en konferens i samband med programtidens slut i november 2015.

[1] BID = Business Improvement District""",
    ),
]
