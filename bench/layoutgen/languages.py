"""Arabic-script news pages in other languages: Kurdish Sorani, Persian, Urdu, Pashto, Uyghur.

Imitates the article pages of Sorani sites (Rudaw, Kurdistan24, Draw Media), Persian agencies
(ISNA, Tasnim-like), Urdu papers (Jang, Express-like), Pashto services (Pajhwok, TOLOnews-like)
and Uyghur news sites: a section link, the headline, a byline with the language's own label
(«نووسینی: », «نویسنده: », «تحریر: », «لیکوال: », «مۇخبىر: ») before the name, a date in
the language's digits (Persian/Urdu/Pashto ۰۱۲…, Sorani ٠١٢…, Uyghur Latin) inside
`<time datetime>` with the site's offset, the body, related stories with dates. What the page
declares about its language varies as on real sites: the right code (ckb, ku, fa-IR, ur-PK,
ps-AF, ug-CN), none, or a theme's wrong default («ar», «en-US»; a Pashto page saying «fa»).
Written for this generator: the sentences are plain news prose in each language, composed
here, not taken from any site. Gold language: the page's real language whatever it declares.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from . import pagekit
from .kit import Namer, e, el
from .story import Story

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@dataclass(frozen=True)
class Language:
    code: str
    declared: tuple[str, ...]  # what <html lang> may say ("" = no attribute)
    zone: str
    digits: dict[int, int] | None
    labels: tuple[str, ...]
    sections: tuple[str, ...]
    first: tuple[str, ...]
    last: tuple[str, ...]
    sites: tuple[str, ...]
    places: tuple[str, ...]
    titles: tuple[str, ...]
    sentences: tuple[str, ...]
    home: str
    related: str


LANGUAGES = {
    "ckb": Language(
        code="ckb",
        declared=("ckb", "ckb", "ku", "ckb-IQ", "ar", "en-US", ""),
        zone="Asia/Baghdad",
        digits=ARABIC_DIGITS,
        labels=("نووسینی: ", "ئامادەکردنی: ", "ڕاپۆرت: ", "نووسەر: "),
        sections=("کوردستان", "عێراق", "ئابووری", "وەرزش", "جیهان", "تەندروستی"),
        first=(
            "ئاراس",
            "شوان",
            "کاروان",
            "هێمن",
            "ڕێباز",
            "ژیلا",
            "شیلان",
            "نەسرین",
            "دلێر",
            "سۆران",
        ),
        last=(
            "محەمەد",
            "ئەحمەد",
            "عەلی",
            "کەریم",
            "عوسمان",
            "حەسەن",
            "مەحموود",
            "ڕەشید",
            "قادر",
            "سەعید",
        ),
        sites=("دەنگی کوردستان", "هەواڵی ئەمڕۆ", "ڕۆژنامەی نوێ", "کوردستان نیوز"),
        places=("هەولێر", "سلێمانی", "دهۆک", "کەرکووک", "هەڵەبجە", "ڕانیە"),
        titles=(
            "وەزیری دەرەوە سەردانی {place} دەکات",
            "نرخی کاڵاکان لە بازاڕەکانی {place} بەرز بوونەوە",
            "هەڵبژاردنی ئەنجومەنی پارێزگای {place} دوا خرا",
            "تیمی نیشتمانی خۆی بۆ یارییەکەی {place} ئامادە دەکات",
        ),
        sentences=(
            "وەزیری دەرەوە ئەمڕۆ لە {place} لەگەڵ شاندێکی بیانی کۆبووەوە و باسی پەیوەندییە ئابوورییەکانیان کرد.",
            "بەپێی ئامارە فەرمییەکان، ڕێژەی هەڵاوسان لە مانگی ڕابردوودا گەیشتە {num} لە سەد.",
            "وتەبێژی حکومەت بە ڕۆژنامەنووسانی ڕاگەیاند کە حکومەت کار بۆ چارەسەرکردنی کێشەکان دەکات.",
            "هاووڵاتیان دەڵێن بەرزبوونەوەی نرخەکان ژیانی ڕۆژانەیانی قورس کردووە.",
            "شارەزایان پێیان وایە ئەم بڕیارە کاریگەری ڕاستەوخۆی لەسەر بازاڕ دەبێت.",
            "لە کۆبوونەوەکەدا ژمارەیەک لە بەرپرسانی پارێزگاکان بەشدار بوون.",
            "ئەو ئاماژەی بەوە کرد کە کارەکانی پڕۆژەکە ساڵی داهاتوو دەست پێدەکەن.",
            "پۆلیس لێکۆڵینەوەی لە ڕووداوەکە دەست پێکردووە و گومانلێکراوێک دەستگیر کراوە.",
            "تیمی نیشتمانی سبەی لە {place} یەکەم یاریی خۆی دەکات.",
            "بەڕێوەبەرایەتیی کەشناسی ڕایگەیاند کە لە چەند ڕۆژی داهاتوودا باران دەبارێت.",
            "پێشتریش پێشنیارێکی هاوشێوە خرابووە ڕوو بەڵام جێبەجێ نەکرا.",
            "وەزارەتی تەندروستی هەڵمەتێکی نوێی کوتانی منداڵانی ڕاگەیاند.",
            "بەپێی ڤیدیۆیەک کە لە تۆڕە کۆمەڵایەتییەکان بڵاوبووەتەوە، خەڵکێکی زۆر لە شوێنەکە کۆبوونەتەوە.",
            "قوتابیان و مامۆستایان داوای باشترکردنی باری خوێندنگاکان دەکەن.",
        ),
        home="سەرەکی",
        related="هەواڵی پەیوەندیدار",
    ),
    "fa": Language(
        code="fa",
        declared=("fa", "fa-IR", "fa", "ar", ""),
        zone="Asia/Tehran",
        digits=PERSIAN_DIGITS,
        labels=("نویسنده: ", "خبرنگار: ", "به قلم ", "تهیه و تنظیم: ", "گزارش: "),
        sections=("سیاسی", "اقتصادی", "ورزشی", "فرهنگی", "اجتماعی", "بین‌الملل"),
        first=("علی", "محمد", "رضا", "حسین", "مریم", "زهرا", "سارا", "نگار", "امیر", "مهدی"),
        last=(
            "احمدی",
            "رضایی",
            "محمدی",
            "حسینی",
            "کریمی",
            "موسوی",
            "جعفری",
            "نوری",
            "صادقی",
            "رحیمی",
        ),
        sites=("خبرگزاری پارس", "روزنامه امروز", "ایران نو", "صدای شهر"),
        places=("تهران", "مشهد", "اصفهان", "شیراز", "تبریز", "کرج"),
        titles=(
            "وزیر امور خارجه در سفر به {place} از گسترش همکاری‌ها خبر داد",
            "افزایش قیمت کالاهای اساسی در بازار {place}",
            "نشست شورای شهر {place} درباره طرح جدید حمل‌ونقل عمومی",
            "تیم ملی فوتبال برای دیدار حساس در {place} آماده می‌شود",
        ),
        sentences=(
            "به گزارش خبرنگار ما، این نشست با حضور جمعی از مسئولان محلی در {place} برگزار شد.",
            "وی در ادامه افزود که دولت برنامه‌ای برای کاهش هزینه‌های زندگی مردم در دست دارد.",
            "بر اساس آمار رسمی، نرخ تورم در ماه گذشته به {num} درصد رسیده است.",
            "کارشناسان اقتصادی معتقدند که این تصمیم تأثیر مستقیمی بر بازار خواهد گذاشت.",
            "سخنگوی وزارتخانه گفت که جزئیات بیشتر در روزهای آینده اعلام می‌شود.",
            "شهروندان از افزایش قیمت‌ها و کمبود برخی کالاها گلایه دارند.",
            "این طرح قرار است از ابتدای سال آینده در چند استان اجرا شود.",
            "مدیرکل این اداره با اشاره به مشکلات موجود، خواستار همکاری بیشتر دستگاه‌ها شد.",
            "گفتنی است که پیش از این نیز چنین پیشنهادی مطرح شده بود.",
            "در این دیدار دو طرف درباره راه‌های توسعه روابط اقتصادی و فرهنگی گفت‌وگو کردند.",
            "مسابقه روز جمعه در ورزشگاه {place} با حضور هزاران تماشاگر برگزار می‌شود.",
            "به گفته او، ساخت این بیمارستان تا پایان سال جاری به پایان می‌رسد.",
            "پلیس از آغاز تحقیقات درباره این حادثه خبر داد و گفت یک مظنون بازداشت شده است.",
            "سازمان هواشناسی برای روزهای آینده بارش باران و کاهش دما را پیش‌بینی کرده است.",
        ),
        home="صفحه نخست",
        related="اخبار مرتبط",
    ),
    "ur": Language(
        code="ur",
        declared=("ur", "ur-PK", "ur", "ar", "en-US", ""),
        zone="Asia/Karachi",
        digits=PERSIAN_DIGITS,
        labels=("تحریر: ", "رپورٹ: ", "نمائندہ خصوصی: ", "رپورٹر: "),
        sections=("پاکستان", "کاروبار", "کھیل", "دنیا", "تفریح", "صحت"),
        first=("محمد", "احمد", "علی", "عمران", "فیصل", "عائشہ", "فاطمہ", "ثنا", "حسن", "بلال"),
        last=("خان", "قریشی", "چوہدری", "شیخ", "ملک", "بٹ", "اعوان", "رضوی", "جمالی", "صدیقی"),
        sites=("روزنامہ آواز", "خبریں آج", "پاک نیوز", "نئی صبح"),
        places=("اسلام آباد", "لاہور", "کراچی", "پشاور", "کوئٹہ", "ملتان"),
        titles=(
            "وزیر خارجہ کا دورہ {place}، دوطرفہ تعاون پر بات چیت",
            "{place} میں مہنگائی میں اضافہ، شہری پریشان",
            "قومی کرکٹ ٹیم {place} روانہ، اسکواڈ کا اعلان کر دیا گیا",
            "حکومت نے {place} کے لیے نئی تعلیمی پالیسی کی منظوری دے دی",
        ),
        sentences=(
            "وزیر اعظم نے آج {place} میں ایک اجلاس کی صدارت کی جس میں ملک کی معاشی صورتحال کا جائزہ لیا گیا۔",
            "سرکاری اعداد و شمار کے مطابق گزشتہ ماہ مہنگائی کی شرح {num} فیصد تک پہنچ گئی۔",
            "ترجمان نے صحافیوں سے بات کرتے ہوئے کہا کہ حکومت عوام کو ریلیف دینے کے لیے اقدامات کر رہی ہے۔",
            "شہریوں کا کہنا ہے کہ بجلی کے بلوں میں اضافے سے ان کی مشکلات بڑھ گئی ہیں۔",
            "ماہرین کے مطابق اس فیصلے کے اثرات آنے والے مہینوں میں سامنے آئیں گے۔",
            "اجلاس میں صوبائی وزرا اور اعلیٰ حکام نے بھی شرکت کی۔",
            "انہوں نے مزید بتایا کہ منصوبے پر کام اگلے سال شروع ہو جائے گا۔",
            "پولیس نے واقعے کی تحقیقات شروع کر دی ہیں اور ملزمان کی تلاش جاری ہے۔",
            "قومی ٹیم کل {place} میں اپنا پہلا میچ کھیلے گی۔",
            "محکمہ موسمیات نے آئندہ چند دنوں میں بارش کی پیش گوئی کی ہے۔",
            "اپوزیشن جماعتوں نے حکومت کے اس فیصلے پر شدید تنقید کی ہے۔",
            "یاد رہے کہ اس سے پہلے بھی اسی نوعیت کا ایک منصوبہ پیش کیا گیا تھا۔",
            "ڈاکٹروں نے شہریوں کو گرمی سے بچنے کے لیے احتیاطی تدابیر اختیار کرنے کا مشورہ دیا ہے۔",
            "تاجروں نے ٹیکسوں میں اضافے کے خلاف کل ہڑتال کا اعلان کیا ہے۔",
        ),
        home="صفحہ اول",
        related="متعلقہ خبریں",
    ),
    "ps": Language(
        code="ps",
        declared=("ps", "ps-AF", "ps", "fa", "ar", ""),
        zone="Asia/Kabul",
        digits=PERSIAN_DIGITS,
        labels=("لیکوال: ", "راپور: ", "خبریال: ", "لیکنه: "),
        sections=("سیاست", "اقتصاد", "ورزش", "نړۍ", "ټولنه", "روغتیا"),
        first=("احمد", "محمد", "نجیب", "ګل", "زرمینه", "مینه", "شفیق", "ملالۍ", "عبدالله", "حمید"),
        last=(
            "احمدزی",
            "وزیري",
            "یوسفزی",
            "کاکړ",
            "شینواري",
            "مومند",
            "اڅکزی",
            "ستانکزی",
            "صافي",
            "نورزی",
        ),
        sites=("د سهار خبرونه", "پښتو ورځپاڼه", "نوې ورځ", "د خلکو غږ"),
        places=("کابل", "کندهار", "جلال‌اباد", "هرات", "مزار شریف", "پېښور"),
        titles=(
            "د بهرنیو چارو وزیر {place} ته سفر وکړ",
            "په {place} کې د خوړو توکو بیې لوړې شوې",
            "ملي لوبډله په {place} کې د راتلونکې لوبې لپاره چمتو کېږي",
            "د {place} د ښوونځیو د بیا پرانیستلو په اړه نوې پرېکړه",
        ),
        sentences=(
            "د بهرنیو چارو وزیر نن په {place} کې د ګاونډیو هېوادونو له استازو سره وکتل.",
            "د رسمي شمېرو له مخې، تېره میاشت د بیو کچه {num} سلنه لوړه شوې ده.",
            "ویاند خبریالانو ته وویل چې حکومت د خلکو د ستونزو د حل لپاره هڅې کوي.",
            "سیمه‌ییزو اوسېدونکو ویلي چې له دې پرېکړې خوشاله دي.",
            "کارپوهان وايي چې دا ګام به د هېواد پر اقتصاد مثبته اغېزه ولري.",
            "په دې غونډه کې د ولایتونو والیانو او مشرانو هم ګډون کړی و.",
            "هغه زیاته کړه چې د دې پروژې کار به راتلونکی کال پیل شي.",
            "پولیسو د پېښې په اړه څېړنې پیل کړې او یو شکمن کس یې نیولی دی.",
            "ملي لوبډله به سبا په {place} کې خپله لومړۍ لوبه وکړي.",
            "د هوا پېژندنې ادارې ویلي چې په راتلونکو ورځو کې باران ورېږي.",
            "یادونه وشي چې له دې وړاندې هم ورته وړاندیز شوی و.",
            "د روغتیا وزارت د ماشومانو لپاره د واکسین نوی کمپاین اعلان کړ.",
            "ډېرو خلکو په ټولنیزو رسنیو کې د دې پرېکړې ملاتړ کړی دی.",
            "د ښار په ځینو سیمو کې د برېښنا ستونزه لا هم شته.",
        ),
        home="کور پاڼه",
        related="اړوند خبرونه",
    ),
    "ug": Language(
        code="ug",
        declared=("ug", "ug-CN", "ug", "ar", "zh-CN", ""),
        zone="Asia/Shanghai",
        digits=None,
        labels=("مۇخبىر: ", "يازغۇچى: ", "ئاپتور: ", "مۇخبىرىمىز "),
        sections=("خەلقئارا", "ئىقتىساد", "تەنتەربىيە", "مەدەنىيەت", "جەمئىيەت", "سالامەتلىك"),
        first=(
            "ئابدۇرېھىم",
            "مۇھەممەت",
            "ئەخمەت",
            "ئايگۈل",
            "گۈلنار",
            "نۇرمەمەت",
            "پاتىگۈل",
            "ئەركىن",
            "دىلنۇر",
            "ئىلھام",
        ),
        last=(
            "ئابلىمىت",
            "تۇرسۇن",
            "ئىمىن",
            "قادىر",
            "ھوشۇر",
            "مەمەت",
            "ياسىن",
            "ئوسمان",
            "سايىت",
            "ئەھمەت",
        ),
        sites=("تەڭرىتاغ خەۋەرلىرى", "ئۇيغۇر ئاۋازى", "يېڭى خەۋەر", "بۈگۈنكى خەۋەرلەر"),
        places=("ئۈرۈمچى", "قەشقەر", "غۇلجا", "خوتەن", "تۇرپان", "ئاقسۇ"),
        titles=(
            "تاشقى ئىشلار مىنىستىرى {place}دا زىيارەتتە بولدى",
            "{place} بازىرىدا كۆكتات باھاسى ئۆستى",
            "{place}دىكى مەكتەپلەردە يېڭى ئوقۇش يىلى باشلاندى",
            "مىللىي كوماندا {place}دىكى مۇسابىقىگە تەييارلىق قىلماقتا",
        ),
        sentences=(
            "تاشقى ئىشلار مىنىستىرى بۈگۈن {place}دا چەتئەل ۋەكىللىرى بىلەن كۆرۈشتى.",
            "رەسمىي سانلىق مەلۇماتلارغا قارىغاندا، ئۆتكەن ئايدا باھا {num} پىرسەنت ئۆسكەن.",
            "باياناتچى مۇخبىرلارغا ھۆكۈمەتنىڭ خەلقنىڭ قىيىنچىلىقىنى ھەل قىلىش ئۈچۈن تىرىشىۋاتقانلىقىنى ئېيتتى.",
            "ئاھالىلەر باھانىڭ ئۆسۈشى تۇرمۇشىنى قىيىنلاشتۇرغانلىقىنى بىلدۈردى.",
            "مۇتەخەسسىسلەر بۇ قارارنىڭ بازارغا بىۋاسىتە تەسىر كۆرسىتىدىغانلىقىنى ئېيتىدۇ.",
            "يىغىنغا ھەرقايسى ۋىلايەتلەرنىڭ مەسئۇللىرى قاتناشتى.",
            "ئۇ يەنە قۇرۇلۇشنىڭ كېلەر يىلى باشلىنىدىغانلىقىنى قوشۇمچە قىلدى.",
            "ساقچىلار ۋەقەنى تەكشۈرۈشكە باشلىدى ۋە بىر گۇماندارنى تۇتتى.",
            "مىللىي كوماندا ئەتە {place}دا تۇنجى مۇسابىقىسىنى ئۆتكۈزىدۇ.",
            "ھاۋارايى ئىدارىسى كېيىنكى بىر قانچە كۈندە يامغۇر ياغىدىغانلىقىنى ئالدىن مەلۇم قىلدى.",
            "ئىلگىرى مۇشۇنىڭغا ئوخشاش بىر تەكلىپ ئوتتۇرىغا قويۇلغان ئىدى.",
            "سەھىيە مىنىستىرلىكى بالىلار ئۈچۈن يېڭى ئەملەش پائالىيىتىنى ئېلان قىلدى.",
            "ئوقۇغۇچىلار ۋە ئوقۇتقۇچىلار مەكتەپ شارائىتىنى ياخشىلاشنى تەلەپ قىلدى.",
            "دېھقانلار بۇ يىل ھوسۇلنىڭ ئۆتكەن يىلدىكىدىن كۆپ بولىدىغانلىقىنى ئېيتتى.",
        ),
        home="باش بەت",
        related="مۇناسىۋەتلىك خەۋەرلەر",
    ),
}


def _fill(story: Story, lang: Language, text: str) -> str:
    return text.format(place=story.rng.choice(lang.places), num=story.rng.randint(3, 40))


def _digits(lang: Language, text: str) -> str:
    return text.translate(lang.digits) if lang.digits else text


def _paragraphs(story: Story, lang: Language) -> list[str]:
    pool = list(lang.sentences)
    story.rng.shuffle(pool)
    out = []
    for _ in range(story.rng.randint(4, 6)):
        take = min(len(pool), story.rng.randint(1, 3))
        if take:
            out.append(" ".join(_fill(story, lang, pool.pop()) for _ in range(take)))
    return out


def _page(story: Story, k: Namer, lang: Language) -> tuple[str, str]:
    rng = story.rng
    pagekit.strip_dateline(story)
    pagekit.to_zone(story, lang.zone, "egyptian")
    story.language = lang.code
    story.site_name = rng.choice(lang.sites)
    story.title = _fill(story, lang, rng.choice(lang.titles))
    story.section = rng.choice(lang.sections)
    story.person = f"{rng.choice(lang.first)} {rng.choice(lang.last)}"
    story.paragraphs = _paragraphs(story, lang)
    story.kicker = None
    story.modified = None
    story.byline_label = rng.choice(lang.labels)
    story.byline_mode = "header" if rng.random() < 0.8 else "none"
    story.section_mode = rng.choice(("above_title", "breadcrumb"))
    p = story.published
    machine = p.isoformat(timespec="seconds")
    shown = _digits(lang, f"{p:%Y/%m/%d - %H:%M}" if rng.random() < 0.5 else f"{p:%d-%m-%Y %H:%M}")
    story.published_forms += [machine, shown]
    story.has_offset = story.shows_time = True

    menu = "".join(f'<li><a href="/c/{i}">{e(s)}</a></li>' for i, s in enumerate(lang.sections))
    header = el(
        k,
        "header",
        el(k, "div", f'<a href="/">{e(story.site_name)}</a>')
        + el(k, "nav", f"<ul{k.cls()}>{menu}</ul>"),
    )
    section_link = (
        f'<a href="/c/{lang.sections.index(story.section)}"{k.cls()}>{e(story.section)}</a>'
    )
    parts = []
    if story.section_mode == "breadcrumb":
        parts.append(el(k, "nav", f'<a href="/">{e(lang.home)}</a> › {section_link}'))
    else:
        parts.append(el(k, "div", section_link))
    parts.append(f"<h1{k.cls()}>{e(story.title)}</h1>")
    meta_line = f'<time datetime="{machine}"{k.cls()}>{e(shown)}</time>'
    if story.byline_mode == "header":
        meta_line = (
            el(
                k,
                "span",
                e(story.byline_label)
                + f'<a href="/author/{rng.randint(1, 200)}">{e(story.person)}</a>',
            )
            + " "
            + meta_line
        )
    parts.append(el(k, "div", meta_line))
    parts.append(
        el(k, "figure", f'<img src="https://{story.host}/img/{rng.randint(1, 9999)}.jpg" alt="">')
    )
    parts.append(el(k, "div", "".join(f"<p>{e(x)}</p>" for x in story.paragraphs)))
    items = []
    for _ in range(4):
        when = p - timedelta(hours=rng.randint(3, 24 * 20))
        items.append(
            el(
                k,
                "li",
                f'<a href="/n/{rng.randint(1000, 99999)}">{e(_fill(story, lang, rng.choice(lang.titles)))}</a> '
                + el(k, "span", e(_digits(lang, f"{when:%Y/%m/%d}"))),
            )
        )
    related = el(k, "aside", el(k, "h3", e(lang.related)) + f"<ul{k.cls()}>{''.join(items)}</ul>")
    footer = el(k, "footer", e(f"© {story.now.year} {story.site_name}"))
    page = header + el(k, "main", el(k, "article", "\n".join(parts)) + related) + footer
    meta = [pagekit.og(story)]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": machine,
        "articleSection": story.section,
        "publisher": pagekit.publisher(story),
    }
    if story.byline_mode == "header":
        data["author"] = {"@type": "Person", "name": story.person}
    if rng.random() < 0.6:
        meta.append(pagekit.ld(story, data))
    return pagekit.document(story, "\n".join(meta), page, lang=rng.choice(lang.declared)), "utf-8"


def lang_ckb(story: Story, k: Namer) -> tuple[str, str]:
    return _page(story, k, LANGUAGES["ckb"])


def lang_fa(story: Story, k: Namer) -> tuple[str, str]:
    return _page(story, k, LANGUAGES["fa"])


def lang_ur(story: Story, k: Namer) -> tuple[str, str]:
    return _page(story, k, LANGUAGES["ur"])


def lang_ps(story: Story, k: Namer) -> tuple[str, str]:
    return _page(story, k, LANGUAGES["ps"])


def lang_ug(story: Story, k: Namer) -> tuple[str, str]:
    return _page(story, k, LANGUAGES["ug"])


# ruff: noqa: E501  (HTML templates read best one element per line)
