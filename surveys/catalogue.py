"""The participants' languages and the texts of the survey templates, kept as data.

Staff pages are in Swedish and English (Django's translations, locale/); a participant answers in
their own language. These are the languages a questionnaire can offer, the texts of the question
templates a project starts from (docs/surveys.md), and every text of the participant's answer
page, in each language. Staff add or correct a project's translations in the app; the template
texts here are a starting point, checked by tests/test_surveys_catalogue.py to be complete.

Translations into Arabic, Somali, Tigrinya, Dari and Persian should be reviewed by a native
speaker before a project relies on them (docs/surveys.md, "Translations").
"""

# code: (name in the language itself, direction, digits the language writes)
LANGUAGES: dict[str, tuple[str, str, str]] = {
    "sv": ("Svenska", "ltr", "latn"),
    "en": ("English", "ltr", "latn"),
    "ar": ("العربية", "rtl", "arab"),
    "so": ("Soomaali", "ltr", "latn"),
    "ti": ("ትግርኛ", "ltr", "latn"),
    "prs": ("دری", "rtl", "arabext"),
    "fa": ("فارسی", "rtl", "arabext"),
}

DIGITS = {
    "latn": "0123456789",
    "arab": "٠١٢٣٤٥٦٧٨٩",
    "arabext": "۰۱۲۳۴۵۶۷۸۹",
}


def in_digits(value, language: str) -> str:
    """The number (or a text's digits, e.g. a date) as the language writes them: Arabic ٠–٩,
    Dari and Persian ۰–۹, the others 0–9."""
    digits = DIGITS[LANGUAGES.get(language, LANGUAGES["sv"])[2]]
    return str(value).translate(str.maketrans("0123456789", digits))


# The 1–5 agreement scale every scale template uses, 1 = not at all, 5 = very much.
AGREEMENT = {
    "sv": ["Inte alls", "Lite", "Delvis", "Mycket", "Väldigt mycket"],
    "en": ["Not at all", "A little", "Partly", "Much", "Very much"],
    "ar": ["لا على الإطلاق", "قليلًا", "جزئيًا", "كثيرًا", "كثيرًا جدًا"],
    "so": ["Haba yaraatee", "Wax yar", "Qayb ahaan", "Wax badan", "Aad u badan"],
    "ti": ["ፈጺሙ ኣይኮነን", "ቁሩብ", "ብኸፊል", "ብዙሕ", "ኣዝዩ ብዙሕ"],
    "prs": ["اصلاً نه", "کم", "تا اندازه‌ای", "زیاد", "بسیار زیاد"],
    "fa": ["اصلاً", "کم", "تا حدودی", "زیاد", "خیلی زیاد"],
}

SATISFACTION_SCALE = {
    "sv": ["Mycket missnöjd", "Ganska missnöjd", "Varken eller", "Ganska nöjd", "Mycket nöjd"],
    "en": [
        "Very dissatisfied",
        "Fairly dissatisfied",
        "Neither",
        "Fairly satisfied",
        "Very satisfied",
    ],
    "ar": ["غير راضٍ جدًا", "غير راضٍ إلى حد ما", "محايد", "راضٍ إلى حد ما", "راضٍ جدًا"],
    "so": [
        "Gabi ahaanba aan qanacsanayn",
        "Xoogaa aan qanacsanayn",
        "Dhexdhexaad",
        "Xoogaa qanacsan",
        "Aad u qanacsan",
    ],
    "ti": ["ኣዝዩ ዘይዕጉብ", "ብመጠኑ ዘይዕጉብ", "ማእከላይ", "ብመጠኑ ዕጉብ", "ኣዝዩ ዕጉብ"],
    "prs": ["بسیار ناراضی", "تا حدی ناراضی", "نه راضی، نه ناراضی", "تا حدی راضی", "بسیار راضی"],
    "fa": ["خیلی ناراضی", "نسبتاً ناراضی", "نه راضی، نه ناراضی", "نسبتاً راضی", "خیلی راضی"],
}

# key: kind ("scale" 1–5 or "text"), the question in each language, the scale's labels.
TEMPLATES: dict[str, dict] = {
    "job_chances": {
        "kind": "scale",
        "text": {
            "sv": "Har dina möjligheter att få ett jobb ökat genom projektet?",
            "en": "Have your chances of getting a job increased through the project?",
            "ar": "هل زادت فرصك في الحصول على عمل بفضل المشروع؟",
            "so": "Mashruucu ma kordhiyay fursadaha aad shaqo ku heli karto?",
            "ti": "ብመገዲ እቲ ፕሮጀክት፣ ስራሕ ናይ ምርካብ ዕድልኩም ወሲኹ ድዩ?",
            "prs": "آیا این پروژه فرصت‌های شما را برای پیدا کردن کار بیشتر ساخته است؟",
            "fa": "آیا این پروژه فرصت‌های شما را برای پیدا کردن کار بیشتر کرده است؟",
        },
        "options": AGREEMENT,
    },
    "network": {
        "kind": "scale",
        "text": {
            "sv": "Har ditt nätverk (personer du kan fråga om råd eller jobb) blivit större?",
            "en": "Has your network (people you can ask for advice or work) grown?",
            "ar": "هل اتسعت شبكة معارفك (الأشخاص الذين يمكنك أن تسألهم عن نصيحة أو عمل)؟",
            "so": "Shabakaddaadu (dadka aad talo ama shaqo weydiin karto) ma ballaaratay?",
            "ti": "መርበብ ርክባትኩም (ምኽሪ ወይ ስራሕ ክትሓቱዎም እትኽእሉ ሰባት) ሰፊሑ ድዩ?",
            "prs": "آیا شبکهٔ آشنایان شما (کسانی که می‌توانید از آن‌ها مشوره یا کار بخواهید) "
            "بزرگ‌تر شده است؟",
            "fa": "آیا شبکهٔ آشنایان شما (کسانی که می‌توانید از آن‌ها مشورت یا کار بخواهید) "
            "بزرگ‌تر شده است؟",
        },
        "options": AGREEMENT,
    },
    "self_confidence": {
        "kind": "scale",
        "text": {
            "sv": "Hur mycket tror du på dig själv och din förmåga att klara ett arbete?",
            "en": "How much do you believe in yourself and your ability to manage a job?",
            "ar": "إلى أي حد تثق بنفسك وبقدرتك على القيام بعمل؟",
            "so": "Intee in le'eg ayaad isku kalsoon tahay, oo aad rumaysan tahay inaad shaqo "
            "qaban karto?",
            "ti": "ኣብ ርእስኹምን ስራሕ ናይ ምስራሕ ክእለትኩምን ክንደይ ትኣምኑ?",
            "prs": "چقدر به خود و به توانایی خود برای انجام دادن یک کار باور دارید؟",
            "fa": "چقدر به خودتان و به توانایی‌تان برای انجام دادن یک کار اعتماد دارید؟",
        },
        "options": AGREEMENT,
    },
    "satisfaction": {
        "kind": "scale",
        "text": {
            "sv": "Hur nöjd är du med stödet du har fått?",
            "en": "How satisfied are you with the support you have received?",
            "ar": "ما مدى رضاك عن الدعم الذي حصلت عليه؟",
            "so": "Intee in le'eg ayaad ku qanacsan tahay taageerada aad heshay?",
            "ti": "በቲ ዝረኸብኩምዎ ደገፍ ክንደይ ዕጉባት ኢኹም?",
            "prs": "از حمایتی که دریافت کرده‌اید چقدر راضی هستید؟",
            "fa": "چقدر از حمایتی که دریافت کرده‌اید راضی هستید؟",
        },
        "options": SATISFACTION_SCALE,
    },
    "free_text": {
        "kind": "text",
        "text": {
            "sv": "Vill du berätta något mer om din tid i projektet?",
            "en": "Is there anything more you would like to tell us about your time in the "
            "project?",
            "ar": "هل هناك شيء آخر تودّ أن تخبرنا به عن الفترة التي قضيتها في المشروع؟",
            "so": "Ma jiraa wax kale oo aad jeclaan lahayd inaad noo sheegto oo ku saabsan "
            "waqtigaagii mashruuca?",
            "ti": "ብዛዕባ ግዜኹም ኣብቲ ፕሮጀክት ክትነግሩና እትደልዩ ካልእ ነገር ኣሎ ድዩ?",
            "prs": "آیا چیز دیگری هم هست که بخواهید در بارهٔ زمانی که در پروژه بودید برای ما "
            "بگویید؟",
            "fa": "آیا چیز دیگری هست که بخواهید دربارهٔ دورهٔ حضورتان در پروژه به ما بگویید؟",
        },
        "options": {},
    },
}

# Every text of the participant's pages. {name}, {n}, {m}, {project}, {link}, {date} are filled
# in with str.format; nothing else is.
PAGE_TEXT: dict[str, dict[str, str]] = {
    "page_title": {
        "sv": "Frågeformulär",
        "en": "Questionnaire",
        "ar": "استبيان",
        "so": "Foomka su'aalaha",
        "ti": "ሕቶታት",
        "prs": "پرسشنامه",
        "fa": "پرسش‌نامه",
    },
    "greeting": {
        "sv": "Hej {name}!",
        "en": "Hello {name}!",
        "ar": "مرحبًا {name}!",
        "so": "Salaan {name}!",
        "ti": "ሰላም {name}!",
        "prs": "سلام {name}!",
        "fa": "سلام {name}!",
    },
    "intro": {
        "sv": "Dina svar hjälper projektet att bli bättre. Det tar ungefär tre minuter. Du kan "
        "sluta och fortsätta senare med samma länk.",
        "en": "Your answers help the project improve. It takes about three minutes. You can stop "
        "and continue later with the same link.",
        "ar": "تساعد إجاباتك المشروع على أن يصبح أفضل. يستغرق ذلك نحو ثلاث دقائق. يمكنك التوقف "
        "والمتابعة لاحقًا بالرابط نفسه.",
        "so": "Jawaabahaagu waxay mashruuca ka caawinayaan inuu hagaago. Waxay qaadanaysaa "
        "qiyaastii saddex daqiiqo. Waad joojin kartaa, oo mar dambe ku sii wadi kartaa isla "
        "linkiga.",
        "ti": "መልስታትኩም ነቲ ፕሮጀክት ንክመሓየሽ ይሕግዝዎ። ኣስታት ሰለስተ ደቒቕ ይወስድ። ደው ኢልኩም ደሓር በቲ ሓደ ሊንክ ክትቅጽሉ "
        "ትኽእሉ ኢኹም።",
        "prs": "جواب‌های شما به بهتر شدن پروژه کمک می‌کند. تقریباً سه دقیقه وقت می‌گیرد. "
        "می‌توانید کار را متوقف کنید و بعداً با همان لینک ادامه بدهید.",
        "fa": "پاسخ‌های شما به بهتر شدن پروژه کمک می‌کند. حدود سه دقیقه طول می‌کشد. می‌توانید وسط "
        "کار دست نگه دارید و بعداً با همان لینک ادامه دهید.",
    },
    "language": {
        "sv": "Språk",
        "en": "Language",
        "ar": "اللغة",
        "so": "Luqadda",
        "ti": "ቋንቋ",
        "prs": "زبان",
        "fa": "زبان",
    },
    "change_language": {
        "sv": "Byt språk",
        "en": "Change language",
        "ar": "تغيير اللغة",
        "so": "Beddel luqadda",
        "ti": "ቋንቋ ምቕያር",
        "prs": "تغییر زبان",
        "fa": "تغییر زبان",
    },
    "question_n_of_m": {
        "sv": "Fråga {n} av {m}",
        "en": "Question {n} of {m}",
        "ar": "السؤال {n} من {m}",
        "so": "Su'aal {n} ka mid ah {m}",
        "ti": "ሕቶ {n} ካብ {m}",
        "prs": "سوال {n} از {m}",
        "fa": "سؤال {n} از {m}",
    },
    "free_text_hint": {
        "sv": "Skriv med egna ord (frivilligt).",
        "en": "Write in your own words (optional).",
        "ar": "اكتب بكلماتك الخاصة (اختياري).",
        "so": "Ku qor erayadaada (haddii aad rabto).",
        "ti": "ብናትኩም ቃላት ጽሓፉ (ብድሌት)።",
        "prs": "با کلمات خود بنویسید (اختیاری).",
        "fa": "با کلمات خودتان بنویسید (اختیاری).",
    },
    "optional_hint": {
        "sv": "Du kan hoppa över en fråga du inte vill svara på.",
        "en": "You can skip a question you do not want to answer.",
        "ar": "يمكنك تخطي أي سؤال لا تريد الإجابة عنه.",
        "so": "Waad ka boodi kartaa su'aal aadan rabin inaad ka jawaabto.",
        "ti": "ክትምልስዎ ዘይደለኹም ሕቶ ክትሓልፍዎ ትኽእሉ ኢኹም።",
        "prs": "می‌توانید از سوالی که نمی‌خواهید به آن جواب بدهید، بگذرید.",
        "fa": "می‌توانید از سؤالی که نمی‌خواهید به آن پاسخ دهید، رد شوید.",
    },
    "save_later": {
        "sv": "Spara och fortsätt senare",
        "en": "Save and continue later",
        "ar": "احفظ وتابع لاحقًا",
        "so": "Kaydi oo hadhow sii wad",
        "ti": "ዓቅቡ፣ ደሓር ቀጽሉ",
        "prs": "ذخیره کنید و بعداً ادامه بدهید",
        "fa": "ذخیره کنید و بعداً ادامه دهید",
    },
    "submit": {
        "sv": "Skicka mina svar",
        "en": "Send my answers",
        "ar": "أرسل إجاباتي",
        "so": "Dir jawaabahayga",
        "ti": "መልስታተይ ስደዱ",
        "prs": "فرستادن جواب‌هایم",
        "fa": "ارسال پاسخ‌هایم",
    },
    "saved": {
        "sv": "Dina svar är sparade. Öppna samma länk för att fortsätta.",
        "en": "Your answers are saved. Open the same link to continue.",
        "ar": "تم حفظ إجاباتك. افتح الرابط نفسه لتتابع.",
        "so": "Jawaabahaaga waa la kaydiyay. Fur isla linkiga si aad u sii waddo.",
        "ti": "መልስታትኩም ተዓቂቦም ኣለዉ። ንምቕጻል ነቲ ሓደ ሊንክ ክፈቱ።",
        "prs": "جواب‌های شما ذخیره شد. برای ادامه، همان لینک را باز کنید.",
        "fa": "پاسخ‌های شما ذخیره شد. برای ادامه، همان لینک را باز کنید.",
    },
    "thanks_title": {
        "sv": "Tack!",
        "en": "Thank you!",
        "ar": "شكرًا لك!",
        "so": "Mahadsanid!",
        "ti": "የቐንየልና!",
        "prs": "تشکر!",
        "fa": "متشکریم!",
    },
    "thanks": {
        "sv": "Dina svar är skickade. Du kan stänga sidan.",
        "en": "Your answers have been sent. You can close this page.",
        "ar": "تم إرسال إجاباتك. يمكنك إغلاق هذه الصفحة.",
        "so": "Jawaabahaaga waa la diray. Waad xiri kartaa boggan.",
        "ti": "መልስታትኩም ተላኢኾም ኣለዉ። ነዚ ገጽ ክትዓጽውዎ ትኽእሉ ኢኹም።",
        "prs": "جواب‌های شما فرستاده شد. می‌توانید این صفحه را ببندید.",
        "fa": "پاسخ‌های شما ارسال شد. می‌توانید این صفحه را ببندید.",
    },
    "expired_title": {
        "sv": "Länken har slutat gälla",
        "en": "This link has expired",
        "ar": "انتهت صلاحية هذا الرابط",
        "so": "Linkigan waqtigiisii wuu dhammaaday",
        "ti": "እዚ ሊንክ ግዜኡ ሓሊፉ እዩ",
        "prs": "اعتبار این لینک تمام شده است",
        "fa": "اعتبار این لینک تمام شده است",
    },
    "expired": {
        "sv": "Be din kontaktperson om en ny länk.",
        "en": "Ask your contact person for a new link.",
        "ar": "اطلب رابطًا جديدًا من الشخص المسؤول عن التواصل معك.",
        "so": "Link cusub ka codso qofka aad la xiriirto.",
        "ti": "ካብቲ ምሳኹም ርክብ ዘለዎ ሰብ ሓድሽ ሊንክ ሕተቱ።",
        "prs": "از شخصی که با شما در تماس است، یک لینک نو بخواهید.",
        "fa": "از فرد رابط خود یک لینک جدید بخواهید.",
    },
    "used_title": {
        "sv": "Svaren är redan skickade",
        "en": "These answers have already been sent",
        "ar": "تم إرسال هذه الإجابات من قبل",
        "so": "Jawaabahan horay ayaa loo diray",
        "ti": "እዞም መልስታት ድሮ ተላኢኾም እዮም",
        "prs": "این جواب‌ها قبلاً فرستاده شده است",
        "fa": "این پاسخ‌ها قبلاً ارسال شده‌اند",
    },
    "used": {
        "sv": "Länken kan bara användas en gång. Tack för att du svarade!",
        "en": "The link can only be used once. Thank you for answering!",
        "ar": "لا يمكن استخدام الرابط إلا مرة واحدة. شكرًا على إجابتك!",
        "so": "Linkiga hal mar oo keliya ayaa la isticmaali karaa. Mahadsanid inaad jawaabtay!",
        "ti": "እቲ ሊንክ ሓንሳብ ጥራይ እዩ ክሰርሕ ዝኽእል። ስለ ዝመለስኩም የቐንየልና!",
        "prs": "این لینک فقط یک بار قابل استفاده است. تشکر که جواب دادید!",
        "fa": "این لینک فقط یک بار قابل استفاده است. از اینکه پاسخ دادید متشکریم!",
    },
    "invalid_title": {
        "sv": "Länken fungerar inte",
        "en": "This link does not work",
        "ar": "هذا الرابط لا يعمل",
        "so": "Linkigani ma shaqaynayo",
        "ti": "እዚ ሊንክ ኣይሰርሕን እዩ",
        "prs": "این لینک کار نمی‌کند",
        "fa": "این لینک کار نمی‌کند",
    },
    "invalid": {
        "sv": "Kontrollera att du har fått med hela länken, eller be din kontaktperson om en ny.",
        "en": "Check that you have the whole link, or ask your contact person for a new one.",
        "ar": "تحقق من أن الرابط كامل، أو اطلب رابطًا جديدًا من الشخص المسؤول عن التواصل معك.",
        "so": "Hubi inaad haysato linkiga oo dhan, ama link cusub ka codso qofka aad la xiriirto.",
        "ti": "ምሉእ ሊንክ ከም ዘለኩም ኣረጋግጹ፣ ወይ ካብቲ ምሳኹም ርክብ ዘለዎ ሰብ ሓድሽ ሕተቱ።",
        "prs": "ببینید که تمام لینک را دارید، یا از شخصی که با شما در تماس است یک لینک نو بخواهید.",
        "fa": "بررسی کنید که کل لینک را دارید، یا از فرد رابط خود یک لینک جدید بخواهید.",
    },
    "error_summary": {
        "sv": "Kontrollera dina svar",
        "en": "Please check your answers",
        "ar": "يرجى التحقق من إجاباتك",
        "so": "Fadlan hubi jawaabahaaga",
        "ti": "በጃኹም መልስታትኩም ኣረጋግጹ",
        "prs": "لطفاً جواب‌های خود را بررسی کنید",
        "fa": "لطفاً پاسخ‌های خود را بررسی کنید",
    },
    "error_invalid": {
        "sv": "Välj ett av svarsalternativen.",
        "en": "Choose one of the answers.",
        "ar": "اختر إحدى الإجابات.",
        "so": "Dooro mid ka mid ah jawaabaha.",
        "ti": "ሓደ ካብቶም መልስታት ምረጹ።",
        "prs": "یکی از جواب‌ها را انتخاب کنید.",
        "fa": "یکی از پاسخ‌ها را انتخاب کنید.",
    },
    "error_too_long": {
        "sv": "Texten är för lång: skriv högst {m} tecken.",
        "en": "The text is too long: write at most {m} characters.",
        "ar": "النص طويل جدًا: يجب ألا يزيد عدد الأحرف على {m}.",
        "so": "Qoraalku aad buu u dheer yahay: qor ugu badnaan {m} xaraf.",
        "ti": "እቲ ጽሑፍ ኣዝዩ ነዊሕ እዩ። እንተበዝሐ {m} ፊደላት ጽሓፉ።",
        "prs": "متن بسیار طولانی است: بیشتر از {m} حرف ننویسید.",
        "fa": "متن خیلی طولانی است: حداکثر {m} حرف بنویسید.",
    },
    "privacy": {
        "sv": "Dina svar sparas av projektet. Utanför projektgruppen visas de bara som "
        "sammanräknade siffror.",
        "en": "Your answers are kept by the project. Outside the project team they are only "
        "shown as totals.",
        "ar": "يحتفظ المشروع بإجاباتك. خارج فريق المشروع، لا تُعرض إلا كأرقام مجمّعة.",
        "so": "Jawaabahaaga waxaa kaydiya mashruuca. Dadka ka baxsan kooxda mashruuca waxay "
        "arkaan oo keliya tirooyin la isku daray.",
        "ti": "መልስታትኩም ብፕሮጀክት ይዕቀቡ። ካብ ጉጅለ ፕሮጀክት ወጻኢ፣ ከም ጠቕላላ ቁጽሪ ጥራይ እዮም ዝርኣዩ።",
        "prs": "جواب‌های شما نزد پروژه نگهداری می‌شود. بیرون از تیم پروژه، فقط به شکل ارقام "
        "مجموعی نشان داده می‌شود.",
        "fa": "پاسخ‌های شما نزد پروژه نگهداری می‌شود. بیرون از تیم پروژه، فقط به صورت آمار کلی "
        "نشان داده می‌شود.",
    },
    "sms": {
        "sv": "Hej {name}! Vi vill gärna veta vad du tycker om {project}. Svara här: {link} "
        "(gäller till {date})",
        "en": "Hello {name}! We would like to know what you think of {project}. Answer here: "
        "{link} (valid until {date})",
        "ar": "مرحبًا {name}! نودّ أن نعرف رأيك في {project}. أجب هنا: {link} (صالح حتى {date})",
        "so": "Salaan {name}! Waxaan jeclaan lahayn inaan ogaanno fikradda aad ka qabto "
        "{project}. Halkan ka jawaab: {link} (wuxuu shaqaynayaa ilaa {date})",
        "ti": "ሰላም {name}! ብዛዕባ {project} እንታይ ከም እትሓስቡ ክንፈልጥ ንደሊ። ኣብዚ መልሱ፦ {link} (ክሳብ {date} "
        "ይሰርሕ)",
        "prs": "سلام {name}! می‌خواهیم بدانیم نظر شما در بارهٔ {project} چیست. اینجا جواب بدهید: "
        "{link} (تا {date} اعتبار دارد)",
        "fa": "سلام {name}! دوست داریم نظر شما را دربارهٔ {project} بدانیم. اینجا پاسخ دهید: "
        "{link} (معتبر تا {date})",
    },
    "email_subject": {
        "sv": "Några frågor från {project}",
        "en": "A few questions from {project}",
        "ar": "بعض الأسئلة من {project}",
        "so": "Su'aalo yar oo ka yimid {project}",
        "ti": "ገለ ሕቶታት ካብ {project}",
        "prs": "چند سوال از طرف {project}",
        "fa": "چند سؤال از طرف {project}",
    },
    "email_body": {
        "sv": "Hej {name}!\n\nVi vill gärna veta vad du tycker om {project}. Det tar ungefär "
        "tre minuter att svara.\n\nSvara här: {link}\n\nLänken gäller till {date}.",
        "en": "Hello {name}!\n\nWe would like to know what you think of {project}. It takes "
        "about three minutes to answer.\n\nAnswer here: {link}\n\nThe link is valid until "
        "{date}.",
        "ar": "مرحبًا {name}!\n\nنودّ أن نعرف رأيك في {project}. تستغرق الإجابة نحو ثلاث "
        "دقائق.\n\nأجب هنا: {link}\n\nالرابط صالح حتى {date}.",
        "so": "Salaan {name}!\n\nWaxaan jeclaan lahayn inaan ogaanno fikradda aad ka qabto "
        "{project}. Ka jawaabiddu waxay qaadanaysaa qiyaastii saddex daqiiqo.\n\nHalkan ka "
        "jawaab: {link}\n\nLinkigu wuxuu shaqaynayaa ilaa {date}.",
        "ti": "ሰላም {name}!\n\nብዛዕባ {project} እንታይ ከም እትሓስቡ ክንፈልጥ ንደሊ። ንምምላስ ኣስታት ሰለስተ ደቒቕ "
        "ይወስድ።\n\nኣብዚ መልሱ፦ {link}\n\nእቲ ሊንክ ክሳብ {date} ይሰርሕ።",
        "prs": "سلام {name}!\n\nمی‌خواهیم بدانیم نظر شما در بارهٔ {project} چیست. جواب دادن "
        "تقریباً سه دقیقه وقت می‌گیرد.\n\nاینجا جواب بدهید: {link}\n\nاین لینک تا {date} اعتبار "
        "دارد.",
        "fa": "سلام {name}!\n\nدوست داریم نظر شما را دربارهٔ {project} بدانیم. پاسخ دادن حدود سه "
        "دقیقه طول می‌کشد.\n\nاینجا پاسخ دهید: {link}\n\nاین لینک تا {date} معتبر است.",
    },
    "reminder_subject": {
        "sv": "Påminnelse: några frågor från {project}",
        "en": "Reminder: a few questions from {project}",
        "ar": "تذكير: بعض الأسئلة من {project}",
        "so": "Xasuusin: su'aalo yar oo ka yimid {project}",
        "ti": "መዘኻኸሪ፦ ገለ ሕቶታት ካብ {project}",
        "prs": "یادآوری: چند سوال از طرف {project}",
        "fa": "یادآوری: چند سؤال از طرف {project}",
    },
}
