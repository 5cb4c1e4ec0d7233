"""A small labelled set for language identification of Arabic-script text (issue 16).

Plain news sentences composed here for each language the extractor tells apart (Arabic, Persian,
Urdu, Kurdish Sorani, Pashto, Uyghur), and the variants real sites produce: Arabic typed on a
Persian keyboard (ی ک, as Iranian Arabic-language sites do), Arabic with dialect quotes, older
Sorani writing ە as ه + ZWNJ. `samples(seed)` draws paragraphs of one to four sentences and
headline-length snippets from them, each with a declared language that is right, absent or a
theme's wrong default, as pages declare it. The corpus pages (their gold `language`) are the
other half of the set: tests/test_language.py and bench/languages.py read both.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

SENTENCES = {
    "ar": (
        "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في المدينة يضم مئتي سرير.",
        "وقال المتحدث باسم الحكومة إن المفاوضات مع الدول المجاورة ستستأنف الأسبوع المقبل.",
        "وشهدت الأسواق المحلية ارتفاعاً في أسعار الخضار والفواكه بسبب موجة الحر.",
        "وأكد رئيس البلدية أن أعمال صيانة الطرق ستنتهي قبل بداية العام الدراسي.",
        "وفاز المنتخب الوطني على نظيره بهدفين مقابل هدف في المباراة الودية مساء أمس.",
        "ودعت المنظمة الدولية إلى وقف فوري لإطلاق النار وفتح ممرات إنسانية آمنة.",
        "وأشار التقرير إلى أن نسبة البطالة بين الشباب تجاوزت عشرين في المئة.",
        "ومن المتوقع أن تشهد البلاد أمطاراً غزيرة خلال الأيام الثلاثة القادمة.",
        "وبحث الوزير مع نظيره سبل تعزيز التعاون الاقتصادي والتجاري بين البلدين.",
        "وأوضح مدير المدرسة أن عدد الطلاب المسجلين هذا العام بلغ ألفي طالب.",
        "قال المتحدث باسم وزارة الخارجية الإيرانية إن طهران لن تقبل بأي شروط مسبقة.",
        "وأكد قائد الحرس الثوري أن القوات المسلحة في حالة جهوزية كاملة للدفاع عن البلاد.",
        "واستقبل محافظ أربيل وفداً من رجال الأعمال لبحث الاستثمار في إقليم كردستان.",
        "وقال أحد المواطنين: إحنا مش عارفين هنعمل إيه بعد ما الأسعار غليت كده.",
    ),
    "fa": (
        "وزیر امور خارجه امروز اعلام کرد که مذاکرات با کشورهای همسایه ادامه خواهد داشت.",
        "به گزارش خبرگزاری‌ها، قیمت نفت در بازارهای جهانی افزایش یافته است.",
        "رئیس سازمان هواشناسی گفت که در روزهای آینده بارش باران در بیشتر مناطق کشور پیش‌بینی می‌شود.",
        "تیم ملی فوتبال در دیدار دوستانه با نتیجه دو بر یک پیروز شد.",
        "شهروندان تهران خواستار بهبود وضعیت حمل و نقل عمومی در شهر هستند.",
        "دولت برنامه‌ای برای حمایت از تولیدکنندگان داخلی تدوین کرده است.",
        "مدیرکل آموزش و پرورش استان از بازگشایی مدارس در هفته آینده خبر داد.",
        "این پروژه با هدف تأمین آب آشامیدنی روستاهای منطقه اجرا می‌شود.",
        "نمایندگان مجلس درباره لایحه بودجه سال آینده بحث و گفت‌وگو کردند.",
        "به گفته کارشناسان، نرخ تورم در ماه‌های اخیر کاهش یافته است.",
    ),
    "ur": (
        "وزیر اعظم نے آج ایک اجلاس کی صدارت کی جس میں معاشی صورتحال کا جائزہ لیا گیا۔",
        "محکمہ موسمیات کے مطابق آئندہ چند دنوں میں ملک کے بیشتر علاقوں میں بارش کا امکان ہے۔",
        "پولیس نے بتایا کہ واقعے کی تحقیقات شروع کر دی گئی ہیں۔",
        "کراچی میں پٹرول کی قیمتوں میں اضافے کے خلاف شہریوں نے احتجاج کیا۔",
        "قومی کرکٹ ٹیم نے سیریز کا پہلا میچ پانچ وکٹوں سے جیت لیا۔",
        "وزارت تعلیم نے اعلان کیا ہے کہ تمام سکول اگلے ہفتے سے دوبارہ کھل جائیں گے۔",
        "لاہور ہائی کورٹ نے اس مقدمے کی سماعت اگلے مہینے تک ملتوی کر دی۔",
        "حکومت نے غریب خاندانوں کے لیے نئے امدادی پیکج کا اعلان کیا ہے۔",
        "ماہرین کا کہنا ہے کہ مہنگائی کی شرح میں کمی آنے کا امکان ہے۔",
        "صوبائی وزیر صحت نے ہسپتال کا دورہ کیا اور مریضوں کی عیادت کی۔",
    ),
    "ckb": (
        "حکومەتی هەرێم ئەمڕۆ ڕایگەیاند کە پرۆژەیەکی نوێ بۆ دابینکردنی کارەبا دەست پێدەکات.",
        "بەپێی ئامارەکانی وەزارەتی پەروەردە، ژمارەی قوتابیان ئەمساڵ زیاتر لە ملیۆنێک کەس بووە.",
        "سەرۆکی پەرلەمان وتی کە یاسای بودجە هەفتەی داهاتوو دەنگی لەسەر دەدرێت.",
        "هاووڵاتیانی سلێمانی داوای چاککردنی ڕێگاکان و باشترکردنی خزمەتگوزارییەکان دەکەن.",
        "تیمی نیشتمانیی عێراق لە یارییەکی دۆستانەدا بە دوو گۆڵ سەرکەوت.",
        "نرخی نەوت لە بازاڕە جیهانییەکاندا بەرزبووەتەوە.",
        "بەڕێوەبەری نەخۆشخانەکە ڕایگەیاند کە دۆخی بریندارەکان جێگیرە.",
        "کەشناسی پێشبینی دەکات لە ماوەی سێ ڕۆژی داهاتوودا باران ببارێت.",
        "وەزیری دارایی وتی مووچەی فەرمانبەران لە کاتی خۆیدا دابەش دەکرێت.",
        "خەڵکی شارەکە بە ئاهەنگێکی گەورە پێشوازییان لە تیمەکە کرد.",
    ),
    "ps": (
        "د افغانستان د ملي شورا غړو نن په کابل کې د هېواد د اقتصادي وضعیت په اړه خبرې وکړې.",
        "د روغتیا وزارت ویلي چې په تېره اونۍ کې د ګڼو ناروغانو درملنه شوې ده.",
        "د کندهار والي وویل چې د سړکونو د جوړولو نوې پروژه به ژر پیل شي.",
        "د پوهنې وزارت اعلان وکړ چې ښوونځي به راتلونکې اونۍ بیا پرانیستل شي.",
        "په ختیځو سیمو کې د سیلابونو له امله لسګونه کورونه ویجاړ شوي دي.",
        "د کرکټ ملي ټیم په خپله وروستۍ لوبه کې سیال ټیم ته ماتې ورکړه.",
        "سوداګرو ویلي چې د غنمو بیه په بازار کې لوړه شوې ده.",
        "ولسمشر په خپله وینا کې د سولې پر اهمیت ټینګار وکړ.",
        "د هرات په ښار کې د اوبو رسولو نوې شبکه جوړه شوه.",
        "خلکو غوښتنه وکړه چې حکومت دې د بېکارۍ د کمولو لپاره اقدام وکړي.",
    ),
    "ug": (
        "ئاپتونوم رايونلۇق ھۆكۈمەت بۈگۈن يېڭى ئىقتىسادىي پىلاننى ئېلان قىلدى.",
        "ئۈرۈمچى شەھىرىدە ئۆتكۈزۈلگەن يىغىندا مائارىپ مەسىلىلىرى مۇزاكىرە قىلىندى.",
        "دېھقانلار بۇ يىل پاختا ھوسۇلىنىڭ ياخشى بولغانلىقىنى ئېيتتى.",
        "قەشقەر شەھىرىگە كەلگەن ساياھەتچىلەرنىڭ سانى كۆپەيدى.",
        "دوختۇرخانا مۇدىرى بىمارلارنىڭ ئەھۋالىنىڭ مۇقىم ئىكەنلىكىنى بىلدۈردى.",
        "ھاۋارايى مەلۇماتىغا قارىغاندا، ئەتە قار يېغىشى مۇمكىن.",
        "مەكتەپلەر كېلەر ھەپتىدىن باشلاپ قايتىدىن ئېچىلىدۇ.",
        "پۇتبول كوماندىسى ئاخىرقى مۇسابىقىدە غەلىبە قىلدى.",
        "بازاردا كۆكتات باھاسى ئۆرلىدى.",
        "يېڭى تۆمۈر يول قۇرۇلۇشى كەلگۈسى يىلى تاماملىنىدۇ.",
    ),
}
# How sites write these languages besides the standard spelling.
VARIANTS = {
    # Iranian Arabic-language sites type Arabic with the Persian keyboard's ی and ک
    "ar": lambda text: text.translate(str.maketrans("يكى", "یکی")),
    # older Sorani sites write ە as ه + ZWNJ
    "ckb": lambda text: text.replace("ە", "ه\u200c"),
}
# What pages declare: the right code, nothing, or a theme's default that is wrong.
DECLARED = {
    "ar": ("ar", "ar-SY", "", "en-US", "fa-IR"),
    "fa": ("fa", "fa-IR", "", "ar", "en-US"),
    "ur": ("ur", "ur-PK", "", "ar", "en-US"),
    "ckb": ("ckb", "ku", "", "ar", "fa"),
    "ps": ("ps", "ps-AF", "", "fa", "ar"),
    "ug": ("ug", "ug-CN", "", "ar", "zh-CN"),
}


@dataclass(frozen=True)
class Sample:
    language: str
    text: str
    declared: str  # "" when the page declares nothing
    kind: str  # paragraph, variant, headline, corpus


def samples(seed: int = 16, per_language: int = 40) -> list[Sample]:
    """Paragraphs (one to four sentences), their site variants, and headline-length snippets."""
    rng = random.Random(seed)
    out = []
    for language, sentences in SENTENCES.items():
        for _ in range(per_language):
            text = " ".join(rng.sample(sentences, rng.randint(1, 4)))
            declared = rng.choice(DECLARED[language])
            out.append(Sample(language, text, declared, "paragraph"))
            if language in VARIANTS:
                out.append(Sample(language, VARIANTS[language](text), declared, "variant"))
            words = rng.choice(sentences).rstrip(".۔").split()
            headline = " ".join(words[: rng.randint(5, 9)])
            out.append(Sample(language, headline, rng.choice(DECLARED[language]), "headline"))
    return out


def corpus_samples(corpus: Path) -> list[Sample]:
    """Every corpus page whose gold records its language, as the detector sees it: the body
    khabar extracts (else its title) and what the page declares."""
    from crawler.extract.article import extract_article
    from crawler.extract.language import declared_language
    from crawler.extract.page import Page, parse_html
    from crawler.extract.rules import ExtractionRules

    out = []
    for gold_path in sorted(corpus.glob("*/*.gold.json")):
        page_path = gold_path.with_name(gold_path.name.replace(".gold.json", ".html"))
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        if "language" not in gold or not page_path.exists():
            continue
        raw, url = page_path.read_bytes(), gold.get("url") or "https://corpus.example/"
        art = extract_article(raw, url)
        tree = parse_html(raw.decode(art["encoding"] or "utf-8", errors="replace"))
        declared = declared_language(Page.build(tree, url, ExtractionRules())) or ""
        out.append(Sample(gold["language"], art["body"] or art["title"] or "", declared, "corpus"))
    return out
