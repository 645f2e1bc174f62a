"""The frameworks shipped with the portal, one per target kind (version 1).

Written for this portal from the 2015 decree's external/internal split, the civic pilot's
three external criteria (local problem solving, openness, respect for rights and the law) and
the PEEL habit of a published question with "what good looks like" for each criterion.
Loaded by a data migration; `frameworks_load()` reloads them after a test flush.
"""

EXT, INT = "external", "internal"

# code: (question, what good looks like, track, evidence expected, weight, graded)
CRITERIA = {
    "openness": (
        "How open is the unit to the public?",
        "The head and officers meet residents regularly, take part in the platform's meetings, "
        "publish their contacts, plans and figures, and answer requests for information in time.",
        EXT,
        "Meeting attendance, published contacts and reports, answers to information requests.",
        3,
        True,
    ),
    "responsiveness": (
        "How well does the unit respond to the platform's proposals?",
        "Every proposal addressed to the unit gets a reasoned answer before its deadline; "
        "accepted proposals are carried out and reported back.",
        EXT,
        "The unit's record on proposals (answer rate, days to answer, overdue), the answers.",
        3,
        True,
    ),
    "problem_solving": (
        "Does the unit solve local security problems together with the community?",
        "Problems raised by residents are analysed with them, joint measures agreed with local "
        "self-government, and results checked; repeat problems decline.",
        EXT,
        "Problem records of the forum, meeting notes, before-and-after figures.",
        3,
        True,
    ),
    "rights": (
        "Does the unit respect rights and the law?",
        "Detentions, searches and questioning follow the law; no reports of ill-treatment, "
        "extortion or unlawful detention; complaints are investigated openly.",
        EXT,
        "Reports of NGOs and the ombudsman, complaints, residents' accounts.",
        3,
        True,
    ),
    "fairness": (
        "Does the unit treat everyone fairly?",
        "Women, young people, ethnic minorities and migrants are treated as others are; "
        "services are in Kyrgyz and Russian, and in Uzbek where needed.",
        EXT,
        "Poll results by group where large enough, NGO observations.",
        2,
        True,
    ),
    "visibility": (
        "Are the police visible and patrolling where and when residents need them?",
        "Patrols cover the places and hours residents name as unsafe (schools, bazaars, bus "
        "stops after dark); the neighbourhood inspector keeps published office hours.",
        EXT,
        "Patrol schedules, residents' observations, poll: relied on to be there when needed.",
        2,
        True,
    ),
    "youth": (
        "How well does the unit work with young people?",
        "Juvenile inspectors work with schools, parents and youth committees on prevention; "
        "racket and violence in schools are answered quickly and without stigma.",
        EXT,
        "School and youth committee accounts, prevention activities, cases handled.",
        2,
        True,
    ),
    "domestic_violence": (
        "How does the unit handle domestic violence?",
        "Calls are answered, protection orders issued and enforced, victims referred to crisis "
        "centres; no pressure to reconcile.",
        EXT,
        "Crisis centre and women's council accounts, protection orders issued.",
        2,
        True,
    ),
    "integrity": (
        "Do residents and partners trust the unit's integrity?",
        "No bribes asked for services; gifts and conflicts of interest declared; misconduct "
        "reported and dealt with.",
        EXT,
        "Poll results, complaints, NGO monitoring.",
        2,
        True,
    ),
    "complaints": (
        "Complaints against officers and their outcome (official data)",
        "Every complaint is registered, investigated within the legal time and its outcome "
        "published in figures.",
        INT,
        "The unit's complaint register for the period: received, upheld, sanctions.",
        2,
        True,
    ),
    "call_response": (
        "Time to attend emergency calls (official data)",
        "Calls are attended within the norm in town and village alike.",
        INT,
        "Dispatch records for the period: median and 90th percentile minutes.",
        2,
        True,
    ),
    "transparency_data": (
        "Publication of structure, staff, budget and staff assessment system",
        "The unit's structure, staff numbers by service, budget lines and staff assessment "
        "system are public, sourced and dated on its profile.",
        INT,
        "The unit's profile on this portal.",
        1,
        True,
    ),
    "caseload": (
        "The inspector's caseload and preventive work (official data)",
        "Residents per inspector within the norm; preventive visits and registered families "
        "followed up.",
        INT,
        "Register of the local department.",
        1,
        False,
    ),
}

FRAMEWORKS = {
    "ministry": (
        "Assessment of the Ministry of Internal Affairs",
        [
            "openness",
            "responsiveness",
            "rights",
            "fairness",
            "integrity",
            "domestic_violence",
            "complaints",
            "transparency_data",
        ],
    ),
    "territorial": (
        "Assessment of a territorial police unit",
        [
            "openness",
            "responsiveness",
            "problem_solving",
            "rights",
            "fairness",
            "visibility",
            "domestic_violence",
            "integrity",
            "complaints",
            "call_response",
            "transparency_data",
        ],
    ),
    "local": (
        "Assessment of a local police department",
        [
            "openness",
            "responsiveness",
            "problem_solving",
            "rights",
            "fairness",
            "visibility",
            "youth",
            "domestic_violence",
            "integrity",
            "complaints",
            "call_response",
        ],
    ),
    "neighbourhood": (
        "Assessment of a neighbourhood inspector",
        [
            "openness",
            "problem_solving",
            "rights",
            "fairness",
            "visibility",
            "domestic_violence",
            "integrity",
            "caseload",
        ],
    ),
    "juvenile": (
        "Assessment of a juvenile inspector",
        ["openness", "youth", "problem_solving", "rights", "fairness", "integrity", "caseload"],
    ),
}


# The same texts in Russian, Kyrgyz and Uzbek (Latin): language: (title) per framework and
# (question, what good looks like, evidence expected) per criterion. English stays in the
# base fields; a page shows the reader's language and falls back to English.
FRAMEWORK_TITLES = {
    "ministry": {
        "ru": "Оценка Министерства внутренних дел",
        "ky": "Ички иштер министрлигин баалоо",
        "uz": "Ichki ishlar vazirligini baholash",
    },
    "territorial": {
        "ru": "Оценка территориального подразделения милиции",
        "ky": "Милициянын аймактык бөлүмүн баалоо",
        "uz": "Militsiyaning hududiy bo‘linmasini baholash",
    },
    "local": {
        "ru": "Оценка участкового пункта милиции",
        "ky": "Милициянын участкалык пунктун баалоо",
        "uz": "Militsiya uchastka punktini baholash",
    },
    "neighbourhood": {
        "ru": "Оценка участкового инспектора",
        "ky": "Участкалык инспекторду баалоо",
        "uz": "Uchastka noziri faoliyatini baholash",
    },
    "juvenile": {
        "ru": "Оценка инспектора по делам несовершеннолетних",
        "ky": "Балдар иштери боюнча инспекторду баалоо",
        "uz": "Voyaga yetmaganlar ishlari bo‘yicha inspektorni baholash",
    },
}

CRITERIA_TRANSLATED = {
    "openness": {
        "ru": (
            "Насколько подразделение открыто для жителей?",
            "Начальник и сотрудники регулярно встречаются с жителями, участвуют во встречах "
            "платформы, публикуют свои контакты, планы и показатели и вовремя отвечают на "
            "запросы информации.",
            "Участие во встречах, опубликованные контакты и отчёты, ответы на запросы информации.",
        ),
        "ky": (
            "Бөлүм тургундар үчүн канчалык ачык?",
            "Башчы жана кызматкерлер тургундар менен үзгүлтүксүз жолугушат, аянтчанын "
            "жыйындарына катышат, байланыштарын, пландарын жана көрсөткүчтөрүн жарыялайт, "
            "маалымат суроолоруна өз убагында жооп берет.",
            "Жыйындарга катышуу, жарыяланган байланыштар жана отчеттор, маалымат суроолоруна "
            "жооптор.",
        ),
        "uz": (
            "Bo‘linma aholi uchun qanchalik ochiq?",
            "Boshliq va xodimlar aholi bilan muntazam uchrashadi, platforma yig‘ilishlarida "
            "qatnashadi, aloqa ma’lumotlari, rejalari va ko‘rsatkichlarini e’lon qiladi, "
            "ma’lumot so‘rovlariga o‘z vaqtida javob beradi.",
            "Yig‘ilishlarda qatnashish, e’lon qilingan aloqa ma’lumotlari va hisobotlar, "
            "so‘rovlarga javoblar.",
        ),
    },
    "responsiveness": {
        "ru": (
            "Насколько хорошо подразделение отвечает на предложения платформы?",
            "На каждое адресованное подразделению предложение дан обоснованный ответ до "
            "срока; принятые предложения выполняются, и о них отчитываются.",
            "Данные подразделения по предложениям (доля ответов, дни до ответа, просрочки), "
            "сами ответы.",
        ),
        "ky": (
            "Бөлүм аянтчанын сунуштарына канчалык жакшы жооп берет?",
            "Бөлүмгө жөнөтүлгөн ар бир сунушка мөөнөтүнөн мурун негизделген жооп берилет; "
            "кабыл алынган сунуштар аткарылып, алар боюнча отчет берилет.",
            "Бөлүмдүн сунуштар боюнча көрсөткүчтөрү (жооптордун үлүшү, жоопко чейинки күндөр, "
            "мөөнөтү өткөндөр), жооптордун өзү.",
        ),
        "uz": (
            "Bo‘linma platforma takliflariga qanchalik yaxshi javob beradi?",
            "Bo‘linmaga yo‘llangan har bir taklifga muddatidan oldin asosli javob beriladi; "
            "qabul qilingan takliflar bajariladi va ular haqida hisobot beriladi.",
            "Bo‘linmaning takliflar bo‘yicha ko‘rsatkichlari (javoblar ulushi, javobgacha "
            "kunlar, muddati o‘tganlar), javoblarning o‘zi.",
        ),
    },
    "problem_solving": {
        "ru": (
            "Решает ли подразделение местные проблемы безопасности вместе с жителями?",
            "Проблемы, поднятые жителями, анализируются вместе с ними, совместные меры "
            "согласуются с органами местного самоуправления, результаты проверяются; "
            "повторяющихся проблем становится меньше.",
            "Записи проблем форума, протоколы встреч, показатели до и после.",
        ),
        "ky": (
            "Бөлүм жергиликтүү коопсуздук көйгөйлөрүн тургундар менен бирге чечеби?",
            "Тургундар көтөргөн көйгөйлөр алар менен бирге талданат, биргелешкен чаралар "
            "жергиликтүү өз алдынча башкаруу органдары менен макулдашылат, натыйжалар "
            "текшерилет; кайталанган көйгөйлөр азаят.",
            "Форумдун көйгөйлөр боюнча жазуулары, жыйындардын протоколдору, чейинки жана "
            "кийинки көрсөткүчтөр.",
        ),
        "uz": (
            "Bo‘linma mahalliy xavfsizlik muammolarini aholi bilan birga hal qiladimi?",
            "Aholi ko‘targan muammolar ular bilan birga tahlil qilinadi, birgalikdagi choralar "
            "mahalliy o‘zini o‘zi boshqarish organlari bilan kelishiladi, natijalar "
            "tekshiriladi; takrorlanadigan muammolar kamayadi.",
            "Forumning muammolar bo‘yicha yozuvlari, yig‘ilish bayonnomalari, oldingi va "
            "keyingi ko‘rsatkichlar.",
        ),
    },
    "rights": {
        "ru": (
            "Соблюдает ли подразделение права человека и закон?",
            "Задержания, обыски и допросы проводятся по закону; нет сообщений о жестоком "
            "обращении, вымогательстве или незаконном задержании; жалобы расследуются открыто.",
            "Доклады НКО и омбудсмена, жалобы, свидетельства жителей.",
        ),
        "ky": (
            "Бөлүм адам укуктарын жана мыйзамды сактайбы?",
            "Кармоо, тинтүү жана суракка алуу мыйзам боюнча жүргүзүлөт; кыйноо, "
            "опузалап акча талап кылуу же мыйзамсыз кармоо тууралуу кабарлар жок; даттануулар "
            "ачык иликтенет.",
            "Коомдук уюмдардын жана Акыйкатчынын баяндамалары, даттануулар, тургундардын "
            "күбөлөндүрүүлөрү.",
        ),
        "uz": (
            "Bo‘linma inson huquqlari va qonunni hurmat qiladimi?",
            "Ushlash, tintuv va so‘roq qonun asosida o‘tkaziladi; qiynoq, tovlamachilik yoki "
            "noqonuniy ushlash haqida xabarlar yo‘q; shikoyatlar ochiq tekshiriladi.",
            "Nodavlat tashkilotlar va ombudsman hisobotlari, shikoyatlar, aholi guvohliklari.",
        ),
    },
    "fairness": {
        "ru": (
            "Относится ли подразделение ко всем одинаково справедливо?",
            "К женщинам, молодёжи, этническим меньшинствам и мигрантам относятся так же, как "
            "к остальным; обслуживание на кыргызском и русском языках, а где нужно — и на "
            "узбекском.",
            "Результаты опроса по группам, где их достаточно, наблюдения НКО.",
        ),
        "ky": (
            "Бөлүм баарына бирдей адилет мамиле кылабы?",
            "Аялдарга, жаштарга, этникалык азчылыктарга жана мигранттарга башкаларга "
            "болгондой мамиле кылынат; тейлөө кыргыз жана орус тилдеринде, керек болсо өзбек "
            "тилинде да жүргүзүлөт.",
            "Жетиштүү болгон жерде топтор боюнча сурамжылоонун жыйынтыктары, коомдук "
            "уюмдардын байкоолору.",
        ),
        "uz": (
            "Bo‘linma hammaga birdek adolatli munosabatda bo‘ladimi?",
            "Ayollar, yoshlar, etnik ozchiliklar va migrantlarga boshqalar kabi munosabatda "
            "bo‘linadi; xizmat qirg‘iz va rus tillarida, kerak bo‘lsa o‘zbek tilida ham "
            "ko‘rsatiladi.",
            "Yetarli bo‘lgan joyda guruhlar bo‘yicha so‘rov natijalari, nodavlat tashkilotlar "
            "kuzatuvlari.",
        ),
    },
    "visibility": {
        "ru": (
            "Видна ли милиция и патрулирует ли она там и тогда, где и когда это нужно жителям?",
            "Патрули охватывают места и часы, которые жители называют опасными (школы, "
            "базары, остановки в темноте); участковый инспектор ведёт приём в объявленные "
            "часы.",
            "Графики патрулей, наблюдения жителей, опрос: можно ли рассчитывать на милицию, "
            "когда она нужна.",
        ),
        "ky": (
            "Милиция тургундарга керектүү жерде жана убакта көрүнүп, кайгуулда жүрөбү?",
            "Кайгуулдар тургундар коркунучтуу деп атаган жерлерди жана сааттарды камтыйт "
            "(мектептер, базарлар, караңгыда аялдамалар); участкалык инспектор жарыяланган "
            "сааттарда кабыл алат.",
            "Кайгуулдун графиктери, тургундардын байкоолору, сурамжылоо: керек болгондо "
            "милицияга ишенсе болобу.",
        ),
        "uz": (
            "Militsiya aholiga kerakli joyda va vaqtda ko‘rinib, patrul qiladimi?",
            "Patrullar aholi xavfli deb atagan joy va soatlarni qamraydi (maktablar, bozorlar, "
            "qorong‘ida bekatlar); uchastka noziri e’lon qilingan soatlarda qabul qiladi.",
            "Patrul jadvallari, aholi kuzatuvlari, so‘rov: kerak bo‘lganda militsiyaga "
            "tayanish mumkinmi.",
        ),
    },
    "youth": {
        "ru": (
            "Насколько хорошо подразделение работает с молодёжью?",
            "Инспекторы по делам несовершеннолетних работают со школами, родителями и "
            "молодёжными комитетами над профилактикой; на рэкет и насилие в школах "
            "реагируют быстро и без клейма.",
            "Свидетельства школ и молодёжных комитетов, профилактические мероприятия, "
            "рассмотренные случаи.",
        ),
        "ky": (
            "Бөлүм жаштар менен канчалык жакшы иштейт?",
            "Балдар иштери боюнча инспекторлор мектептер, ата-энелер жана жаштар комитеттери "
            "менен алдын алуу боюнча иштешет; мектептеги рэкетке жана зомбулукка тез жана "
            "стигмасыз чара көрүлөт.",
            "Мектептердин жана жаштар комитеттеринин күбөлөндүрүүлөрү, алдын алуу иш-чаралары, "
            "каралган учурлар.",
        ),
        "uz": (
            "Bo‘linma yoshlar bilan qanchalik yaxshi ishlaydi?",
            "Voyaga yetmaganlar inspektorlari maktablar, ota-onalar va yoshlar qo‘mitalari "
            "bilan profilaktika ustida ishlaydi; maktabdagi reket va zo‘ravonlikka tez va "
            "tamg‘asiz javob beriladi.",
            "Maktablar va yoshlar qo‘mitalarining guvohliklari, profilaktik tadbirlar, ko‘rib "
            "chiqilgan holatlar.",
        ),
    },
    "domestic_violence": {
        "ru": (
            "Как подразделение реагирует на домашнее насилие?",
            "На вызовы выезжают, охранные ордера выдаются и исполняются, пострадавших "
            "направляют в кризисные центры; к примирению не принуждают.",
            "Свидетельства кризисного центра и совета женщин, выданные охранные ордера.",
        ),
        "ky": (
            "Бөлүм үй-бүлөлүк зомбулукка кандай чара көрөт?",
            "Чалууларга барышат, коргоо ордерлери берилип, аткарылат, жабырлануучулар "
            "кризистик борборлорго жөнөтүлөт; элдешүүгө мажбурлашпайт.",
            "Кризистик борбордун жана аялдар кеңешинин күбөлөндүрүүлөрү, берилген коргоо "
            "ордерлери.",
        ),
        "uz": (
            "Bo‘linma oiladagi zo‘ravonlikka qanday javob beradi?",
            "Chaqiruvlarga boriladi, himoya orderlari beriladi va ijro etiladi, jabrlanuvchilar "
            "inqiroz markazlariga yo‘naltiriladi; yarashishga majburlanmaydi.",
            "Inqiroz markazi va ayollar kengashining guvohliklari, berilgan himoya orderlari.",
        ),
    },
    "integrity": {
        "ru": (
            "Доверяют ли жители и партнёры честности подразделения?",
            "За услуги не просят взяток; подарки и конфликты интересов декларируются; о "
            "нарушениях сообщают, и по ним принимаются меры.",
            "Результаты опроса, жалобы, мониторинг НКО.",
        ),
        "ky": (
            "Тургундар жана өнөктөштөр бөлүмдүн ак ниеттүүлүгүнө ишенишеби?",
            "Кызмат үчүн пара суралбайт; белектер жана кызыкчылыктардын кагылышы "
            "декларацияланат; бузуулар тууралуу кабарланып, чара көрүлөт.",
            "Сурамжылоонун жыйынтыктары, даттануулар, коомдук уюмдардын мониторинги.",
        ),
        "uz": (
            "Aholi va hamkorlar bo‘linmaning halolligiga ishonadimi?",
            "Xizmat uchun pora so‘ralmaydi; sovg‘alar va manfaatlar to‘qnashuvi deklaratsiya "
            "qilinadi; qoidabuzarliklar haqida xabar beriladi va choralar ko‘riladi.",
            "So‘rov natijalari, shikoyatlar, nodavlat tashkilotlar monitoringi.",
        ),
    },
    "complaints": {
        "ru": (
            "Жалобы на сотрудников и их результаты (официальные данные)",
            "Каждая жалоба регистрируется, расследуется в установленный законом срок, а её "
            "результат публикуется в цифрах.",
            "Журнал жалоб подразделения за период: поступило, подтверждено, взыскания.",
        ),
        "ky": (
            "Кызматкерлерге даттануулар жана алардын жыйынтыгы (расмий маалыматтар)",
            "Ар бир даттануу катталат, мыйзамда белгиленген мөөнөттө иликтенет жана анын "
            "жыйынтыгы сандар менен жарыяланат.",
            "Бөлүмдүн мезгил ичиндеги даттануулар журналы: келип түшкөнү, тастыкталганы, жазалар.",
        ),
        "uz": (
            "Xodimlar ustidan shikoyatlar va ularning natijasi (rasmiy ma’lumotlar)",
            "Har bir shikoyat ro‘yxatga olinadi, qonunda belgilangan muddatda tekshiriladi va "
            "natijasi raqamlarda e’lon qilinadi.",
            "Bo‘linmaning davr uchun shikoyatlar jurnali: kelib tushgan, tasdiqlangan, jazolar.",
        ),
    },
    "call_response": {
        "ru": (
            "Время прибытия по экстренным вызовам (официальные данные)",
            "На вызовы прибывают в пределах норматива и в городе, и в селе.",
            "Данные дежурной части за период: медиана и 90-й процентиль в минутах.",
        ),
        "ky": (
            "Шашылыш чалууларга келүү убактысы (расмий маалыматтар)",
            "Шаарда да, айылда да чалууларга норматив чегинде келишет.",
            "Мезгил ичиндеги кезметчилик бөлүгүнүн маалыматтары: мүнөт менен медиана жана "
            "90-процентиль.",
        ),
        "uz": (
            "Favqulodda chaqiruvlarga yetib kelish vaqti (rasmiy ma’lumotlar)",
            "Shaharda ham, qishloqda ham chaqiruvlarga me’yor doirasida yetib kelinadi.",
            "Navbatchilik qismining davr uchun ma’lumotlari: daqiqalarda mediana va 90-protsentil.",
        ),
    },
    "transparency_data": {
        "ru": (
            "Публикация структуры, штата, бюджета и системы оценки сотрудников",
            "Структура подразделения, численность по службам, статьи бюджета и система оценки "
            "сотрудников опубликованы в его профиле с источником и датой.",
            "Профиль подразделения на этом портале.",
        ),
        "ky": (
            "Түзүмдү, штатты, бюджетти жана кызматкерлерди баалоо системасын жарыялоо",
            "Бөлүмдүн түзүмү, кызматтар боюнча саны, бюджеттик беренелери жана кызматкерлерди "
            "баалоо системасы анын профилинде булагы жана датасы менен жарыяланган.",
            "Бөлүмдүн ушул порталдагы профили.",
        ),
        "uz": (
            "Tuzilma, shtat, byudjet va xodimlarni baholash tizimini e’lon qilish",
            "Bo‘linmaning tuzilmasi, xizmatlar bo‘yicha soni, byudjet moddalari va xodimlarni "
            "baholash tizimi uning profilida manbasi va sanasi bilan e’lon qilingan.",
            "Bo‘linmaning ushbu portaldagi profili.",
        ),
    },
    "caseload": {
        "ru": (
            "Нагрузка инспектора и профилактическая работа (официальные данные)",
            "Число жителей на одного инспектора в пределах нормы; профилактические обходы "
            "проводятся, состоящие на учёте семьи сопровождаются.",
            "Журнал участкового пункта.",
        ),
        "ky": (
            "Инспектордун жүктөмү жана алдын алуу иштери (расмий маалыматтар)",
            "Бир инспекторго туура келген тургундардын саны норма чегинде; алдын алуу "
            "кыдыруулары жүргүзүлөт, каттоодогу үй-бүлөлөр көзөмөлдөнөт.",
            "Участкалык пункттун журналы.",
        ),
        "uz": (
            "Inspektorning ish yuklamasi va profilaktik ishi (rasmiy ma’lumotlar)",
            "Bir inspektorga to‘g‘ri keladigan aholi soni me’yor doirasida; profilaktik "
            "aylanishlar o‘tkaziladi, hisobdagi oilalar kuzatib boriladi.",
            "Uchastka punktining jurnali.",
        ),
    },
}


LANGUAGES = ("ru", "ky", "uz")


def _translated(kind: str, code: str | None = None) -> dict:
    """The per-language field values of a shipped framework (or one of its criteria)."""
    if code is None:
        return {f"title_{lang}": FRAMEWORK_TITLES[kind][lang] for lang in LANGUAGES}
    values = {}
    for lang, (question, guidance, evidence) in CRITERIA_TRANSLATED[code].items():
        values.update(
            {
                f"question_{lang}": question,
                f"guidance_{lang}": guidance,
                f"evidence_expected_{lang}": evidence,
            }
        )
    return values


def _known(model, values: dict) -> dict:
    """Only the fields the model has: an earlier migration's model has no translated fields."""
    names = {f.name for f in model._meta.get_fields()}
    return {k: v for k, v in values.items() if k in names}


def frameworks_load(framework_model=None, criterion_model=None) -> int:
    """Create version 1 of every shipped framework that is missing; returns how many."""
    if framework_model is None:
        from assessments.models import Criterion, Framework

        framework_model, criterion_model = Framework, Criterion
    created = 0
    for kind, (title, codes) in FRAMEWORKS.items():
        framework, new = framework_model.objects.get_or_create(
            target_kind=kind,
            version=1,
            defaults={"title": title, **_known(framework_model, _translated(kind))},
        )
        if not new:
            continue
        created += 1
        for position, code in enumerate(codes, start=1):
            question, guidance, track, evidence, weight, graded = CRITERIA[code]
            criterion_model.objects.create(
                framework=framework,
                position=position,
                code=code,
                question=question,
                guidance=guidance,
                track=track,
                evidence_expected=evidence,
                weight=weight,
                graded=graded,
                **_known(criterion_model, _translated(kind, code)),
            )
    return created


def frameworks_translate(framework_model, criterion_model) -> int:
    """Fill the Russian, Kyrgyz and Uzbek texts of version 1 where still empty; returns how
    many rows changed (used by the migration that added the fields)."""
    changed = 0
    for framework in framework_model.objects.filter(version=1, target_kind__in=FRAMEWORKS):
        rows = [(framework, _translated(framework.target_kind))]
        rows += [
            (c, _translated(framework.target_kind, c.code))
            for c in criterion_model.objects.filter(framework=framework, code__in=CRITERIA)
        ]
        for row, values in rows:
            fields = [f for f, v in values.items() if not getattr(row, f)]
            for f in fields:
                setattr(row, f, values[f])
            if fields:
                row.save(update_fields=fields)
                changed += 1
    return changed
