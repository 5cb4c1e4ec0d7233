"""Generated article pages of the types whose body a container reading can get in fragments:
a live blog, an opinion column with an author box and a pull quote, a JavaScript-framework page
with its lead in a sibling element, and an ordinary story with boilerplate around it.

Each builder returns (html, the body's paragraphs in page order): the gold is what a reader
calls the article, never the update times, the author box, a pull quote's copy or the related
stories. Written from how such pages are marked up (schema.org LiveBlogPosting with one
BlogPosting/articleBody per update; a column's author card with its bio and «كل مقالات الكاتب»;
hashed CSS-module class names), not copied from any site.
"""

from __future__ import annotations

import random

SENTENCES = (
    "أعلنت وزارة الخارجية اليوم بدء جولة جديدة من المحادثات بين الوفود المشاركة في العاصمة",
    "وأكد المتحدث الرسمي أن الحكومة ستواصل العمل على تحسين الخدمات المقدمة للمواطنين",
    "وأشار التقرير الصادر عن المكتب المركزي للإحصاء إلى ارتفاع أسعار المواد الغذائية",
    "وقال رئيس اللجنة إن الاجتماع ناقش عدداً من القضايا الاقتصادية والاجتماعية المهمة",
    "وفي سياق متصل أفادت مصادر محلية بأن فرق الصيانة تعمل على إصلاح الأعطال في الشبكة",
    "ومن المتوقع أن تنتهي الأعمال قبل نهاية الشهر الجاري بحسب ما ذكرت الصحيفة في عددها",
    "ولفت الخبراء إلى أن الأزمة الحالية تتطلب حلولاً جذرية تتجاوز الإجراءات المؤقتة",
    "وتشير الأرقام الرسمية إلى تراجع معدلات البطالة بين الشباب خلال الربع الأخير من العام",
    "وشهدت الأسواق المحلية حركة نشطة مع اقتراب موسم الأعياد وازدياد الطلب على السلع",
    "ودعا المشاركون في المؤتمر إلى تعزيز التعاون الإقليمي في مجالات الطاقة والمياه والنقل",
    "وبيّن مدير المشروع أن المرحلة الأولى ستشمل إنشاء ثلاث محطات جديدة لمعالجة المياه",
    "وحذرت منظمات الإغاثة من تفاقم الأوضاع الإنسانية في المناطق المتضررة من الفيضانات",
    "ويرى محللون أن هذه الخطوة قد تفتح الباب أمام مرحلة جديدة من العلاقات بين البلدين",
    "وأوضح البيان أن اللجان المختصة ستباشر أعمالها مطلع الأسبوع المقبل في جميع المحافظات",
    "وتأتي هذه التطورات بعد أسابيع من التوتر الذي شهدته المنطقة الحدودية بين الطرفين",
    "وأضاف الوزير أن الموازنة الجديدة تخصص نسبة أكبر للتعليم والصحة مقارنة بالعام الماضي",
    "وكانت السلطات قد أعلنت في وقت سابق عن خطة طوارئ لمواجهة موجة الحر المتوقعة",
    "وتواصل فرق الدفاع المدني عمليات البحث عن المفقودين تحت الأنقاض لليوم الثالث على التوالي",
    "وقالت مصادر دبلوماسية إن الاتفاق يتضمن بنوداً تتعلق بتبادل الأسرى وفتح المعابر",
    "وأفاد شهود عيان بأن حركة المرور عادت إلى طبيعتها في معظم الشوارع الرئيسية بالمدينة",
    "وأكدت الهيئة العامة للأرصاد الجوية أن درجات الحرارة ستنخفض تدريجياً خلال الأيام المقبلة",
    "وبحسب الإحصاءات الأخيرة فإن عدد الزوار تجاوز مليون زائر منذ بداية الموسم السياحي",
    "ونقلت وكالات الأنباء عن مسؤولين قولهم إن المفاوضات دخلت مرحلة حاسمة ودقيقة",
    "وطالب نواب في البرلمان بفتح تحقيق شامل في أسباب تأخر تنفيذ المشاريع الحيوية",
)
MENU = ("الرئيسية", "سياسة", "اقتصاد", "رياضة", "ثقافة", "منوعات", "مقالات", "فيديو")
HEADLINES = (
    "ارتفاع أسعار الوقود في الأسواق المحلية للمرة الثالثة هذا العام",
    "افتتاح معرض الكتاب الدولي بمشاركة مئات دور النشر العربية",
    "المنتخب الوطني يستعد لمواجهة حاسمة في التصفيات الآسيوية",
    "خطة حكومية جديدة لدعم المشاريع الصغيرة والمتوسطة",
)


def paragraphs(rng: random.Random, count: int) -> list[str]:
    """`count` distinct paragraphs of two or three sentences."""
    pool = list(SENTENCES)
    rng.shuffle(pool)
    out = []
    for n in range(count):
        k = 2 + n % 2
        picked = [pool[(n * 3 + j) % len(pool)] for j in range(k)]
        out.append(f"{'. '.join(picked)} ({n + 1}).")
    return out


def _shell(title: str, head: str, main: str) -> bytes:
    menu = "".join(f'<li><a href="/section/{n}">{m}</a></li>' for n, m in enumerate(MENU))
    teasers = "".join(
        f'<li><a href="/news/{900 + n}">{h}</a></li>' for n, h in enumerate(HEADLINES)
    )
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{title} | الموقع الإخباري</title>{head}</head><body>
<header class="site-header"><a class="logo" href="/">الموقع الإخباري</a>
<nav class="main-nav"><ul>{menu}</ul></nav></header>
{main}
<aside class="sidebar"><h3>الأكثر قراءة</h3><ul>{teasers}</ul></aside>
<footer class="site-footer"><p>جميع الحقوق محفوظة للموقع الإخباري 2026، ويمنع النسخ أو إعادة
النشر دون إذن خطي مسبق من إدارة التحرير.</p><ul>{menu}</ul></footer>
</body></html>""".encode()


def live_blog(seed: int = 1, updates: int = 6, declared: bool = True) -> tuple[bytes, list[str]]:
    """A live blog: updates newest first, each a time, a heading, paragraphs and a share bar;
    one update far longer than the rest. `declared`: a schema.org LiveBlogPosting (JSON-LD and
    microdata) whose every update has its own itemprop=articleBody; else the same updates
    with hashed class names and no markup saying what they are."""
    rng = random.Random(seed)
    title = "مباشر: تطورات الأوضاع الميدانية والسياسية لحظة بلحظة"
    blocks: list[list[str]] = []
    items = []
    for n in range(updates):
        heading = f"تحديث رقم {n + 1}: {HEADLINES[n % len(HEADLINES)]}"
        paras = paragraphs(rng, 5 if n == 2 else 1 + n % 2)
        hour = 8 + n
        blocks.append([heading, *paras])
        body = "".join(f"<p>{p}</p>" for p in paras)
        if declared:
            items.append(
                f'<li class="lb-update" itemprop="liveBlogUpdate" itemscope '
                f'itemtype="https://schema.org/BlogPosting">'
                f'<div class="lb-update__time"><time datetime="2026-03-14T{hour:02d}:05:00'
                f'+03:00">{hour:02d}:05</time></div>'
                f'<h2 class="lb-update__title" itemprop="headline">{heading}</h2>'
                f'<div class="lb-update__text" itemprop="articleBody">{body}</div>'
                f'<div class="share-links"><a href="#">فيسبوك</a><a href="#">تويتر</a></div></li>'
            )
        else:
            items.append(
                f'<div class="Update_root__x7Kp2"><span class="Update_stamp__Qa1z9">'
                f"{hour:02d}:05 بتوقيت مكة المكرمة</span>"
                f'<h3 class="Update_title__m2Nb8">{heading}</h3>'
                f'<div class="Update_text__Lk3s0">{body}</div></div>'
            )
    head = (
        '<script type="application/ld+json">{"@context":"https://schema.org",'
        f'"@type":"LiveBlogPosting","headline":"{title}",'
        '"coverageStartTime":"2026-03-14T08:00:00+03:00",'
        '"datePublished":"2026-03-14T08:00:00+03:00"}</script>'
        if declared
        else ""
    )
    scope = ' itemscope itemtype="https://schema.org/LiveBlogPosting"' if declared else ""
    main = (
        f'<main class="page"><article class="liveblog"{scope}>'
        f'<h1 class="liveblog__title">{title}</h1>'
        f'<div class="liveblog__status"><span>تغطية مستمرة</span> '
        f'<time datetime="2026-03-14T08:00:00+03:00">14 مارس 2026</time></div>'
        f'<ol class="liveblog__updates">{"".join(reversed(items))}</ol></article></main>'
    )
    # printed newest first
    return _shell(title, head, main), [line for block in reversed(blocks) for line in block]


def opinion_column(seed: int = 2, card_inside: bool = False) -> tuple[bytes, list[str]]:
    """An opinion column: kicker link to the opinion section, headline, the columnist's card
    (photo, name, bio line, «كل مقالات الكاتب»), the column split in two text blocks around a
    pull quote that repeats one of its sentences, the card again at the end (`card_inside`:
    at the end of the second text block)."""
    rng = random.Random(seed)
    title = "حين تصبح الأرقام أصدق من الخطابات"
    first, second = paragraphs(rng, 4), paragraphs(rng, 5)
    quote = SENTENCES[3]
    second[1] = f"{quote}، {second[1]}"
    card = (
        '<div class="writer-card"><img src="/img/writers/42.jpg" alt="">'
        '<a class="writer-card__name" href="/writers/42/samir-haddad">سمير حداد</a>'
        '<p class="writer-card__bio">كاتب وباحث في الشؤون الاقتصادية، عمل مستشاراً لعدد من '
        "المؤسسات المالية العربية</p>"
        '<a class="writer-card__all" href="/writers/42/samir-haddad">كل مقالات الكاتب</a></div>'
    )
    main = (
        '<main><article class="opinion-article">'
        '<div class="opinion-article__kicker"><a href="/opinion">مقالات الرأي</a></div>'
        f"<h1>{title}</h1>{card}"
        '<div class="opinion-article__date">الخميس 12 مارس 2026</div>'
        f'<div class="article-body">{"".join(f"<p>{p}</p>" for p in first)}</div>'
        f'<blockquote class="opinion-article__quote"><p>{quote}</p></blockquote>'
        f'<div class="article-body">{"".join(f"<p>{p}</p>" for p in second)}'
        f"{card if card_inside else ''}</div>"
        f'<div class="opinion-article__footer">{card}</div></article></main>'
    )
    return _shell(title, "", main), [*first, *second]


def framework_page(seed: int = 3, clutter: bool = False) -> tuple[bytes, list[str]]:
    """A Next.js-style page: hashed CSS-module classes only, the lead paragraphs in a sibling
    element of the body's, a figure between them, the story also in __NEXT_DATA__.
    `clutter`: the article also holds what is not its text, in elements trafilatura may read:
    a breaking-news line above the headline, a publication stamp, the writer's card with a bio
    line, related stories with their teaser sentences."""
    rng = random.Random(seed)
    title = "الحكومة تعلن حزمة إجراءات لدعم القطاع الزراعي"
    lead, rest = paragraphs(rng, 2), paragraphs(rng, 6)
    ticker = (
        '<div class="Ticker_bar__Tt1"><span>عاجل</span> <span>وزير الداخلية يعلن إغلاق الطرق '
        "المؤدية إلى وسط العاصمة حتى مساء الغد بسبب الاحتفالات</span></div>"
    )
    stamp = (
        '<div class="Article_stamp__Ss2">نُشر يوم الثلاثاء 3 فبراير 2026 الساعة 09:30 '
        "بتوقيت غرينتش</div>"
    )
    card = (
        '<div class="Writer_card__Ww3"><img src="/img/w/7.jpg" alt="">'
        '<a href="/author/layla-mansour">ليلى منصور</a>'
        "<p>صحفية متخصصة في الشؤون الاقتصادية والزراعية، تكتب للموقع منذ عام 2015</p></div>"
    )
    related = (
        '<section class="Related_box__Rr4"><h3>أخبار ذات صلة</h3>'
        + "".join(
            f'<div class="Related_item__Ii5"><a href="/news/{800 + n}">{h}</a>'
            f"<p>{SENTENCES[20 + n % 4]}.</p></div>"
            for n, h in enumerate(HEADLINES)
        )
        + "</section>"
    )
    main = (
        '<div id="__next"><main class="Article_main__k3J9x">'
        '<nav class="Crumbs_root__a8B2c"><a href="/">الرئيسية</a> / '
        '<a href="/economy">اقتصاد</a></nav>'
        f"{ticker if clutter else ''}"
        f'<h1 class="Article_title__Zx81q">{title}</h1>'
        '<div class="Article_byline__Qm2nT"><span>ليلى منصور</span> '
        '<time datetime="2026-02-03T09:30:00Z">3 فبراير 2026</time></div>'
        f'<div class="Article_standfirst__Lp0sW">{"".join(f"<p>{p}</p>" for p in lead)}</div>'
        '<figure class="Article_figure__Hh7Yb"><img src="/img/farm.jpg" alt=""></figure>'
        f'<div class="Article_content__Rr5Ds">{"".join(f"<p>{p}</p>" for p in rest)}</div>'
        f"{stamp + card + related if clutter else ''}"
        "</main></div>"
        '<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{}}}</script>'
    )
    return _shell(title, "", main), [*lead, *rest]


def plain_story(seed: int = 4) -> tuple[bytes, list[str]]:
    """An ordinary story whose article scope also holds what is not the body: an author box
    with a bio line, a related-stories list with teaser paragraphs, a comment."""
    rng = random.Random(seed)
    title = "افتتاح محطة جديدة لمعالجة المياه في المدينة الصناعية"
    body = paragraphs(rng, 6)
    related = "".join(
        f'<div class="teaser"><a href="/news/{700 + n}">{h}</a><p>{SENTENCES[n]}.</p></div>'
        for n, h in enumerate(HEADLINES)
    )
    main = (
        '<main><article class="story">'
        f"<h1>{title}</h1>"
        '<div class="story__date">الأحد 8 مارس 2026</div>'
        f'<div class="entry-content">{"".join(f"<p>{p}</p>" for p in body)}</div>'
        '<div class="story__writer"><a href="/author/rami-khalil">رامي خليل</a>'
        "<p>صحفي متخصص في شؤون البيئة والطاقة المتجددة منذ أكثر من عشر سنوات</p></div>"
        f'<section class="more-news"><h3>أخبار ذات صلة</h3>{related}</section>'
        '<div id="comments"><p>تعليق: شكراً على هذا التقرير المفيد جداً والمفصل عن المحطة</p>'
        "</div></article></main>"
    )
    return _shell(title, "", main), body


def misplaced_container(seed: int = 5) -> tuple[bytes, list[str]]:
    """A story with hashed class names whose only generic body container is a short
    "about us" box (entry-content) in the page's side column: the story is elsewhere."""
    rng = random.Random(seed)
    title = "تدشين أول خط للحافلات الكهربائية بين المدن الكبرى"
    body = paragraphs(rng, 7)
    about = (
        "الموقع الإخباري منصة مستقلة تقدم الأخبار المحلية والعربية والدولية على مدار الساعة، "
        "وتلتزم بالمعايير المهنية في نقل الخبر والتحقق منه قبل نشره، ويعمل فيها فريق من "
        "المحررين والمراسلين في عدد من العواصم العربية."
    )
    main = (
        '<div class="Layout_grid__Aa1"><main class="Layout_main__Bb2">'
        f'<h1 class="Story_h__Cc3">{title}</h1>'
        f'<div class="Story_text__Dd4">{"".join(f"<p>{p}</p>" for p in body)}</div></main>'
        f'<aside class="Layout_side__Ee5"><div class="entry-content"><p>{about}</p></div></aside>'
        "</div>"
    )
    return _shell(title, "", main), body
