"""Every generic selector of the extractor in one place (trafilatura-style).

Per-site selectors from config.yaml (`extraction.selectors` / `boilerplate_selectors`) are tried
before these. All are CSS, compiled once per process by `css()`; a page answers them from its
index (`Page.select`, `Page.select_group`), other trees with one walk per group
(`matcher.SelectorGroup`).
"""

from __future__ import annotations

from functools import lru_cache

from lxml.cssselect import CSSSelector

from .matcher import SelectorGroup

# --- boilerplate removed for every site before body extraction -------------------------------
CLUTTER = (
    "script",
    "style",
    "noscript",
    "iframe",
    "form",
    "button",
    "select",
    "textarea",
    "svg",
    "figcaption",
    "blockquote.twitter-tweet",
    "blockquote.instagram-media",
    "blockquote.tiktok-embed",
    "div.fb-post",
    ".wp-caption-text",
    # share bars
    ".share-buttons",
    ".share-links",
    ".sharedaddy",
    ".addtoany_share_save_account",
    ".a2a_kit",
    ".addtoany_content",
    ".post-share",
    ".share-post",
    ".social-share",
    ".sharing-for-mobile",
    ".share",
    ".shareBar",
    ".share-bar",
    ".social-icons",
    # read-also / related boxes
    ".read-also-box",
    ".read-also",
    ".jnews_inline_related_post",
    ".jnews_related_post_container",
    ".related-posts",
    "#related-posts",
    ".yarpp-related",
    ".crp_related",
    ".related",
    ".relatedPosts",
    ".related-articles",
    "#check-also-box",
    ".b-inject",
    # ads and widgets
    ".stream-item",
    ".adsbygoogle",
    ".advertisement",
    ".ads",
    "._ads",
    ".ad",
    ".banner",
    "[id^=div-gpt-ad]",
    ".wpipa",
    ".code-block",
    # tags, meta boxes, navigation, comments
    ".post-bottom-tags",
    ".tagcloud",
    ".post-tags",
    ".jeg_post_tags",
    ".entry-tags",
    ".tags",
    "#comments",
    ".comments-area",
    ".comment-respond",
    "#respond",
    ".go-to-top",
    "#go-to-top",
    ".breadcrumb",
    "#breadcrumb",
    ".nav-path",
    ".post-meta",
    ".entry-meta",
    ".post-meta-author",
    ".post-meta-date",
    ".metadata",
    ".print-only",
    "[style*='display:none']",
    "[style*='display: none']",
    "[hidden]",
    "[aria-hidden=true]",
    # hidden by a framework's class (Bootstrap's d-none, WordPress's and Bootstrap's
    # screen-reader-only text), unless a responsive class shows it on wider screens
    ".d-none:not([class*='-block']):not([class*='-flex']):not([class*='-inline'])"
    ":not([class*='-grid']):not([class*='-table'])",
    ".sr-only",
    ".visually-hidden",
    ".screen-reader-text",
)

# Lines that are clutter whatever element holds them (matched on the normalised line).
CLUTTER_LINE_PATTERNS = (
    r"^(?:اقرأ|إقرأ|اقرا|إقرا)\s+(?:أيضاً|أيضا|ايضا|ايضاً|المزيد)\b.{0,200}$",
    r"^(?:شاهد|طالع)\s+(?:أيضاً|أيضا|ايضا)\b.{0,200}$",
    r"^تابعونا\s+على\b.{0,200}$",
    r"^تابعوا\s+(?:أخبار|آخر).{0,120}(?:عبر|على)\s+(?:غوغل|جوجل|google|تلغرام|تويتر|فيسبوك).{0,60}$",
    r"^(?:زر\s+الذهاب\s+إلى\s+الأعلى|العودة\s+إلى\s+الأعلى)$",
    r"^(?:شارك|شارك\s+الخبر|مشاركة|المصدر\s*:.{0,60}|إعلان|advertisement)$",
    r"^(?:شارك|مشاركة|شارك\s+(?:الخبر|المقال|التحديث))\s*(?::|عبر\s*:?|على\s*:?)$",
    r"^(?:رابط\s+(?:التحديث|الخبر|المقال)|الرابط\s+المختصر|رابط\s+مختصر|نسخ\s+الرابط)\s*:?$",
    # a date stamp with its label: «آخر تحديث: …», «تاريخ النشر: …», «بدأت التغطية: …»
    r"^(?:آخر\s+تحديث|اخر\s+تحديث|تاريخ\s+(?:النشر|التحديث)|تم\s+(?:النشر|نشره|التحديث)"
    r"|بدأت\s+التغطية|بدء\s+التغطية)\s*:?.{0,160}$",
    r"^(?:ظهرت\s+المقالة).{0,300}(?:أولاً|أولا)\s+على.{0,80}$",
    # comment-section disclaimers printed under the story
    r"^.{0,60}الآراء\s+الواردة.{0,60}لا\s+تعبر\s+عن\s+رأي.{0,300}$",
    # an opinion page's disclaimer: «المقال يعبر عن رأي كاتبه ولا يعبر بالضرورة عن رأي الموقع»
    r"^.{0,60}(?:يعبر|تعبر|يعبّر|تعبّر)\s+عن\s+(?:رأي|وجهة\s+نظر)\s+(?:كاتبه|كاتبها|صاحبه"
    r"|صاحبها|كتابها|كاتبيها).{0,160}$",
    r"^ترحب\s+.{0,40}\s+بالنقاش.{0,500}$",
    r"^(?:طباعة|print)(?:\s+(?:email|إرسال|ارسال|البريد))?$",
    r"^(?:الكلمات\s+الدالة|كلمات\s+مفتاحية|الوسوم|تاجز)\s*:?.{0,300}$",
    # a columnist's card: «كل مقالات الكاتب», «المزيد من مقالات سمير حداد»
    r"^(?:كل|جميع|المزيد\s+من|مزيد\s+من)\s+(?:مقالات|كتابات)(?:\s+\S+){0,3}$",
    # reading time: «2min», «3 دقائق للقراءة», «وقت القراءة: 4 دقائق»
    r"^(?:(?:مدة|وقت)\s+القراءة\s*:?\s*)?\d+\s*(?:min|mins|minutes?|دقيقة|دقائق|د)"
    r"(?:\s+(?:قراءة|للقراءة|read))?$",
    # a story-to-story navigation label: «التالي», «المقال السابق», «Next»
    r"^(?:(?:المقال|الخبر|الموضوع)\s+)?(?:التالي|السابق)$|^(?:next|previous|prev)$",
)

# --- fields ---------------------------------------------------------------------------------
TITLE = (
    "h1.entry-title",
    "h1.post-title",
    "h1.main-title",
    "h1[itemprop~=headline]",
    "article h1",
    "h1",
)
KICKER = (
    ".post-kicker",
    ".kicker",
    ".article-kicker",
    ".overtitle",
    ".supertitle",
    ".post-subtitle-kicker",
    ".amp-wp-kicker",
)
# The displayed byline; hidden authors (display:none vcards, itemprop metas) are not bylines.
AUTHOR = (
    ".author-name",
    ".post-meta-author a",
    ".post-meta-author",
    ".meta-author a",
    ".byline a",
    ".byline",
    ".article-author",
    ".author-link",
    ".writer",
    ".article_writer",
    ".news-author",
    ".entry-author a",
    "a[rel=author]",
    ".jeg_meta_author a",
    ".article_details_author",
    "span.author a",
    "div.author a",
    ".writeBy",
    ".amp-wp-author",
    # an author page link, whatever the theme calls its classes
    "a[href*='/author/']",
    "a[href*='/authors/']",
    "a[href*='/writer/']",
    "a[href*='/writers/']",
)
# A link to an author's page: the box holding it with a photo or a bio is an author box.
AUTHOR_PAGE_HREF = (
    r"/(?:author|authors|writer|writers|kuttab|kottab|columnists?|opinion-writers|kateb|katib)"
    r"(?:/|$|\?|-|_)|[?&]author="
)
# Labelled source lines: "المصدر : وكالات", "المصدر: (أبوظبي - البيان)".
SOURCE_LINE = (".source", ".ref", ".news-source", ".article-source")
BREADCRUMB = (
    "[itemtype*=BreadcrumbList]",
    ".breadcrumb",
    "#breadcrumb",
    ".breadcrumbs",
    "nav.nav-path",
    ".nav-path",
    ".breadcumb",
    ".rank-math-breadcrumb",
    ".yoast-breadcrumb",
    ".jeg_breadcrumbs",
)
SECTION_LABEL = (
    ".post-cat-wrap a.post-cat",
    "a.post-cat",
    "[itemprop=articleSection]",
    ".cat-links a",
    "a[rel='category tag']",
    "a[title='القسم']",
    ".article-category a",
    ".category-label",
    ".b-article__refs-rubric",
    ".news-category a",
    ".news-cat a",
)
TAGS = (
    ".post-bottom-tags a",
    ".tagcloud a",
    "a[rel=tag]",
    ".tags a",
    ".news-tags a",
    ".post-tags a",
    ".entry-tags a",
    ".jeg_post_tags a",
    ".b-article__tags a",
)
TOPBAR_DATE = (".topbar-today-date", ".today-date", ".current-date", ".header-date", ".date-header")
DATE_DISPLAY = (
    "#single-post-meta .date",
    ".post-meta .date",
    ".post-meta-date",
    ".entry-meta .date",
    ".news-date",
    ".date-display-single",
    ".post-date",
    ".article-date",
    ".datetime",
    ".publish-date",
    ".entry-date",
    ".b-article__refs-date",
    "time",
    ".date",
    ".time",
    ".newsStoryDate",
    ".news-time",
)
IMAGE_IN_ARTICLE = (
    ".single-featured-image img",
    ".featured-area img",
    ".post-thumb img",
    ".img-cont img",
    ".entry-media img",
    "figure img",
)
# an image under one of these is an ad or a teaser, not the lead image
NOT_LEAD_IMAGE = r"stream-item|\bads?\b|banner|advert|related|widget|b-inject"
# Body containers tried before handing the cleaned page to trafilatura.
BODY = (
    "[itemprop=articleBody]",
    "[property~='schema:articleBody']",
    "div.entry-content",
    "#articleBody",
    "#DynamicContentContainer",
    ".article-body",
    ".post-content-body",
    ".news-text",
    ".content-inner",
    ".post-text2",
    ".b-article__text",
    ".article_content",
    ".content-rules",
    ".inpage",
    ".amp-wp-article-content",
)
# Standfirst paragraphs that belong to the body but sit outside its container.
LEAD = (".b-article__lead", ".article_details_body-lead", ".article-lead", ".news-lead")

LAZY_IMAGE_ATTRS = ("data-src", "data-original", "data-lazy-src", "data-lazy", "data-srcset", "src")
PLACEHOLDER_IMAGE = (
    r"(?:tie-empty|blank|placeholder|spacer|pixel|1x1|lazy|loading|grey|gray)"
    r"\.(?:png|gif|jpe?g|svg)|^data:"
)

# one walk of the tree per list instead of one per selector
CLUTTER_GROUP = SelectorGroup(CLUTTER)
BODY_GROUP = SelectorGroup(BODY)


@lru_cache(maxsize=512)
def css(selector: str) -> CSSSelector:
    """Compiled selector; '::attr(...)' suffixes of config selectors are ignored here."""
    return CSSSelector(selector.split("::")[0])
