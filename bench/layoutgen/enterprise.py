"""Enterprise portals: Adobe Experience Manager, Sitecore SXA, Liferay DXP and SharePoint
news pages, as ministries, state broadcasters and large publishers in the Gulf run them.

What each platform writes around a news item, with its own fixed class names (platform names,
not roles; the page's own classes stay random):
- AEM: `root responsivegrid` > `aem-Grid aem-Grid--12` > one `aem-GridColumn` per component
  (cmp-breadcrumb, cmp-title with `<h1 class="cmp-title__text">`, cmp-text, cmp-image); the
  body is split over two or three cmp-text components with an image component between them.
- Sitecore SXA: `#wrapper` > `main` > `component container` > `component-content` > `row`,
  each field its own component (`field-title`, `field-date`, `field-category`, `rich-text`),
  placeholder comments, `<meta name="CODE_LANGUAGE" content="C#">`.
- Liferay: portlet-layout rows and columns, `portlet-boundary` > `portlet` > `portlet-content`
  > `portlet-body` > `journal-content-article` with data-analytics-asset-title; an
  asset-publisher portlet beside it listing other news with dates.
- SharePoint 2013/2016 publishing pages: one ASP.NET form, `#s4-workspace` > `#s4-bodyContainer`
  > `#contentBox` > `#DeltaPlaceHolderMain` > web-part zones, the article in
  `ms-rtestate-field`, an ArticleStartDate field shown as dd/mm/yyyy, `_spPageContextInfo`.
Bodies are press-release prose with no byline (author None) unless a person is shown.
"""

from __future__ import annotations

import base64
import itertools
from datetime import timedelta

from . import common, dates, pagekit
from .kit import Namer, e, el, link, other_title
from .shell import site_footer, site_header
from .story import Story


def _date_line(k: Namer, story: Story) -> str:
    """Ministry pages print the date alone, often as dd/mm/yyyy, sometimes with a label."""
    rng = story.rng
    if story.date_mode in ("declared", "relative"):
        return ""
    label = rng.choice(("تاريخ النشر: ", "تاريخ الخبر: ", "", "نشر بتاريخ "))
    style = rng.choice(("numeric", "numeric", "name", None))
    return el(k, "div", e(label + story.date_shown(style=style)))


def _plan(story: Story) -> None:
    pagekit.strip_dateline(story)
    story.kicker = None  # (the platforms' templates have no kicker field)
    if story.byline_mode not in ("header", "none", "desk"):
        story.byline_mode = "none"
    if story.date_mode in ("body_end", "time_el", "under_title"):
        story.date_mode = "header"


def _meta(story: Story, extra: str = "") -> str:
    rng = story.rng
    out = [pagekit.og(story)]
    if story.date_mode in ("declared", "relative") or rng.random() < 0.5:
        out.append(f'<meta property="article:published_time" content="{story.date_machine()}">')
    section = pagekit.declared_section(story)
    if section:
        out.append(f'<meta property="article:section" content="{e(section)}">')
    if story.byline_mode == "desk":
        out.append(f'<meta name="author" content="{e(story.site_name)}">')
    return "\n".join(out) + extra


def _crumb(k: Namer, story: Story) -> str:
    """The section's crumb in mode breadcrumb; else sometimes «الرئيسية › تفاصيل الخبر»."""
    return common.breadcrumb(k, story)


def _section(k: Namer, story: Story) -> str:
    if story.section_mode in ("above_title", "meta_line", "sub_shown"):
        return el(k, "div", link(k, story, story.section))
    return ""


def _byline(k: Namer, story: Story) -> str:
    return el(k, "div", e(story.byline_text())) if story.byline_mode == "header" else ""


def _chunks(story: Story) -> list[list[str]]:
    """The body cut into 1-3 consecutive runs of paragraphs (one per text component)."""
    paras = story.paragraphs
    cuts = sorted(
        story.rng.sample(range(1, len(paras)), min(len(paras) - 1, story.rng.randint(0, 2)))
    )
    bounds = [0, *cuts, len(paras)]
    return [paras[a:b] for a, b in itertools.pairwise(bounds)]


def _paras(chunk: list[str]) -> str:
    return "".join(f"<p>{e(p)}</p>" for p in chunk)


def _image(story: Story, cls: str) -> str:
    return f'<div class="{cls}"><img src="https://{story.host}/content/dam/news/{story.rng.randint(1, 9999)}.jpg" alt=""></div>'


def aem(story: Story, k: Namer) -> tuple[str, str]:
    _plan(story)

    def column(kind: str, inner: str) -> str:
        return f'<div class="{kind} aem-GridColumn aem-GridColumn--default--12">{inner}</div>'

    comps = []
    crumb = _crumb(k, story)
    if crumb:
        comps.append(
            column(
                "breadcrumb", f'<nav class="cmp-breadcrumb" aria-label="Breadcrumb">{crumb}</nav>'
            )
        )
    comps.append(column("text", f'<div class="cmp-text">{_section(k, story)}</div>'))
    comps.append(
        column(
            "title",
            f'<div class="cmp-title"><h1 class="cmp-title__text">{e(story.title)}</h1></div>',
        )
    )
    comps.append(
        column("text", f'<div class="cmp-text">{_byline(k, story)}{_date_line(k, story)}</div>')
    )
    for i, chunk in enumerate(_chunks(story)):
        if i:
            comps.append(column("image", _image(story, "cmp-image")))
        comps.append(column("text", f'<div class="cmp-text">{_paras(chunk)}</div>'))
    grid = '<div class="aem-Grid aem-Grid--12 aem-Grid--default--12">' + "\n".join(comps) + "</div>"
    related = column(
        "list",
        f'<ul class="cmp-list">{"".join(f"<li class=cmp-list__item><a href=/ar/news/{i}>{e(other_title(story))}</a></li>" for i in range(4))}</ul>',
    )
    root = f'<div class="root container responsivegrid"><div class="cmp-container">{grid}{related}</div></div>'
    page = site_header(k, story) + f"<main{k.cls()}>{root}</main>" + site_footer(k, story)
    return pagekit.document(story, _meta(story), page), "utf-8"


def sitecore(story: Story, k: Namer) -> tuple[str, str]:
    _plan(story)

    def component(kind: str, inner: str) -> str:
        return f'<div class="component {kind}"><div class="component-content">{inner}</div></div>'

    crumb = _crumb(k, story)
    fields = [component("breadcrumb navigation", crumb)] if crumb else []
    section = _section(k, story)
    if section:
        fields.append(component("field-category", section))
    fields.append(component("title", f'<h1 class="field-title">{e(story.title)}</h1>'))
    if story.byline_mode == "header":
        fields.append(component("field-author", _byline(k, story)))
    date = _date_line(k, story)
    if date:
        fields.append(component("field-date", date))
    fields.append(
        component(
            "image",
            f'<img src="https://{story.host}/-/media/news/{story.rng.randint(1, 9999)}.jpg" alt="">',
        )
    )
    fields.append(component("rich-text", "".join(f"<p>{e(p)}</p>" for p in story.paragraphs)))
    listing = component(
        "link-list",
        "<h3>أخبار ذات صلة</h3><ul>"
        + "".join(
            f'<li><a href="/ar/media-center/news/{i}">{e(other_title(story))}</a></li>'
            for i in range(4)
        )
        + "</ul>",
    )
    row = f'<div class="row"><div class="component container col-12 col-lg-8"><div class="component-content"><!-- placeholder: main -->{"".join(fields)}</div></div><div class="component container col-12 col-lg-4"><div class="component-content">{listing}</div></div></div>'
    page = f'<div id="wrapper"><header>{site_header(k, story)}</header><main><div id="content" class="container">{row}</div></main><footer>{site_footer(k, story)}</footer></div>'
    extra = '\n<meta name="CODE_LANGUAGE" content="C#">'
    return pagekit.document(story, _meta(story, extra), page), "utf-8"


def liferay(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    _plan(story)
    instance = "".join(
        rng.choices("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", k=12)
    )

    def portlet(name: str, inner: str) -> str:
        pid = f"com_liferay_{name}_INSTANCE_{instance}"
        return (
            f'<div class="portlet-boundary portlet-boundary_{pid}_ portlet-static portlet-static-end portlet-decorate" id="p_p_id_{pid}_">'
            f'<span id="p_{pid}"></span><section class="portlet" id="portlet_{pid}">'
            f'<div class="portlet-content"><div class="autofit-float autofit-row portlet-header"></div>'
            f'<div class="portlet-content-container"><div class="portlet-body">{inner}</div></div></div></section></div>'
        )

    article = (
        _crumb(k, story)
        + _section(k, story)
        + f"<h1{k.cls()}>{e(story.title)}</h1>"
        + _byline(k, story)
        + _date_line(k, story)
        + f'<div class="journal-content-article" data-analytics-asset-id="{rng.randint(10**4, 10**6)}" data-analytics-asset-title="{e(story.title)}" data-analytics-asset-type="web-content">'
        + "".join(f"<p>{e(p)}</p>" for p in story.paragraphs)
        + "</div>"
    )
    others = []
    for _ in range(4):
        when = story.published - timedelta(days=rng.randint(1, 30))
        others.append(
            f'<div class="asset-abstract"><h3 class="asset-title"><a href="/web/guest/news/-/asset_publisher/{instance}/content/{rng.randint(1, 9999)}">{e(other_title(story))}</a></h3><span class="metadata-entry metadata-publish-date">{e(dates.shown_date(rng, when, story.region, False, style="numeric"))}</span></div>'
        )
    main = (
        '<div class="columns-1-2" id="main-content" role="main"><div class="portlet-layout row">'
        f'<div class="col-md-8 portlet-column portlet-column-first" id="column-1"><div class="portlet-dropzone portlet-column-content portlet-column-content-first" id="layout-column_column-1">{portlet("journal_content_web_portlet_JournalContentPortlet", article)}</div></div>'
        f'<div class="col-md-4 portlet-column portlet-column-last" id="column-2"><div class="portlet-dropzone portlet-column-content portlet-column-content-last" id="layout-column_column-2">{portlet("asset_publisher_web_portlet_AssetPublisherPortlet", "".join(others))}</div></div>'
        "</div></div>"
    )
    page = f'<div class="container-fluid" id="wrapper">{site_header(k, story)}<section id="content">{main}</section>{site_footer(k, story)}</div>'
    return pagekit.document(story, _meta(story), page), "utf-8"


def sharepoint(story: Story, k: Namer) -> tuple[str, str]:
    rng = story.rng
    _plan(story)
    zone = f"WPQ{rng.randint(2, 9)}"
    date = ""
    if story.date_mode not in ("declared", "relative"):
        date = f'<div class="article-date"><span id="ctl00_PlaceHolderMain_ArticleStartDate">{e(story.date_shown(style="numeric", with_time=False))}</span></div>'
    fields = (
        _crumb(k, story)
        + _section(k, story)
        + f'<div class="article-title"><h1 id="ctl00_PlaceHolderMain_TitleField">{e(story.title)}</h1></div>'
        + _byline(k, story)
        + date
        + '<div id="ctl00_PlaceHolderMain_RichHtmlField1__ControlWrapper_RichHtmlField" class="ms-rtestate-field" style="display:inline" aria-labelledby="ctl00_PlaceHolderMain_RichHtmlField1_label">'
        + "".join(f"<p>{e(p)}</p>" for p in story.paragraphs)
        + "</div>"
    )
    webpart = (
        f'<div class="ms-webpart-zone ms-fullWidth"><div id="MSOZoneCell_WebPart{zone}" class="s4-wpcell-plain ms-webpartzone-cell ms-webpart-cell-vertical ms-fullWidth">'
        f'<div class="ms-webpart-chrome ms-webpart-chrome-vertical ms-webpart-chrome-fullWidth"><div webpartid="{rng.randint(10**7, 10**8)}" haspers="false" id="WebPart{zone}" width="100%" class="ms-WPBody" allowdelete="false" style="">'
        f"{fields}</div></div></div></div>"
    )
    viewstate = base64.b64encode(rng.randbytes(rng.randint(80, 200))).decode()
    page = (
        f'<form method="post" action="./news.aspx?ID={rng.randint(1, 9999)}" id="aspnetForm">'
        f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{viewstate}" />'
        f'<div id="s4-workspace"><div id="s4-bodyContainer">{site_header(k, story)}'
        f'<div id="contentRow"><div id="contentBox" aria-live="polite" aria-relevant="all"><div id="DeltaPlaceHolderMain">{webpart}</div></div></div>'
        f"{site_footer(k, story)}</div></div></form>"
    )
    ctx = '<script type="text/javascript">var _spPageContextInfo={webServerRelativeUrl:"/ar",webLanguage:1025,currentLanguage:1025,siteClientTag:"0$$16.0.4351.1000"};</script>'
    return pagekit.document(story, _meta(story, "\n" + ctx), page), "utf-8"


# ruff: noqa: E501  (HTML templates read best one element per line)
