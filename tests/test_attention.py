"""Attention over time: a query's matches per published day and site, the same counts from
`khabar search --per-day`, Datasette's matches_per_day and attention canned queries and the
saved-search Atom feed, all of them the articles the search finds.

The database holds the replicas' gold articles and a small election story written through the
real ArticleStore: several matches a day on two sites, one published at 01:30 +03:00 (the
previous day in UTC: it counts on the site's day), one without a published date.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from lxml import etree

from crawler.cli import main as khabar
from crawler.commands.serve import make_datasette
from storage.search import DayCount, matches_per_day, search
from storage.store import ArticleStore
from tests.test_search import _gold_records, _record

QUERY = "الانتخابات"
ATOM = "{http://www.w3.org/2005/Atom}"

# (site, id, published_at or None, title, body): the election story, and one article without it.
ELECTION = [
    (
        "alwatan",
        900001,
        "2024-05-01T09:00:00+03:00",
        "بدء الانتخابات البرلمانية",
        "فتحت مراكز الاقتراع أبوابها صباح اليوم.",
    ),
    (
        "alwatan",
        900002,
        "2024-05-01T18:00:00+03:00",
        "إقبال على مراكز الاقتراع",
        "شهدت المحافظات إقبالاً على المشاركة والانتخابات مستمرة حتى المساء.",
    ),
    (
        "alwatan",
        900003,
        "2024-05-02T01:30:00+03:00",
        "إغلاق الصناديق",
        "أغلقت الصناديق بعد يوم طويل من الانتخابات وبدأ الفرز.",
    ),
    (
        "sana",
        900001,
        "2024-05-01T10:00:00+03:00",
        "الانتخابات في يومها الأول",
        "أعلنت اللجنة القضائية نسبة المشاركة في الساعات الأولى.",
    ),
    (
        "sana",
        900002,
        "2024-05-03T08:00:00+03:00",
        "نتائج أولية",
        "أعلنت اللجنة النتائج الأولية لـ الانتخابات في ثلاث محافظات.",
    ),
    (
        "sana",
        900003,
        "2024-05-03T12:00:00+03:00",
        "الطعون",
        "بدأت اللجنة النظر في الطعون المقدمة على نتائج الانتخابات.",
    ),
    (
        "sana",
        900004,
        "2024-05-03T20:00:00+03:00",
        "النتائج النهائية للانتخابات",
        "أعلنت اللجنة القضائية العليا النتائج النهائية.",
    ),
    ("sana", 900005, None, "الانتخابات في الصحافة", "مقالة بلا تاريخ نشر عن الانتخابات."),
    (
        "alwatan",
        900004,
        "2024-05-01T12:00:00+03:00",
        "حالة الطقس",
        "أجواء صيفية معتدلة في معظم المناطق.",
    ),
]

# What the story adds up to: (day, site) -> matches; None is the undated article.
EXPECTED = {
    ("2024-05-01", "alwatan"): 2,
    ("2024-05-01", "sana"): 1,
    ("2024-05-02", "alwatan"): 1,
    ("2024-05-03", "sana"): 3,
    (None, "sana"): 1,
}

TABLE = """\
day         alwatan  sana  total
2024-05-01        2     1      3
2024-05-02        1     0      1
2024-05-03        0     3      3
undated           0     1      1
total             3     5      8
"""


def election_records() -> list[dict]:
    records = []
    for site, number, published, title, body in ELECTION:
        url = f"https://{site}.sy/archives/{number}"
        record = _record(site, url, title, body)
        record["published_at"] = published
        records.append(record)
    return records


def write_attention_db(path: Path, corpus_dir: Path) -> Path:
    store = ArticleStore(path)
    try:
        store.write_articles(_gold_records(corpus_dir) + election_records(), crawl_id=None)
    finally:
        store.close()
    return path


@pytest.fixture(scope="module")
def attention_db(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    return write_attention_db(tmp_path_factory.mktemp("attention") / "news.sqlite", corpus_dir)


@pytest.fixture(scope="module")
def conn(attention_db: Path):
    connection = sqlite3.connect(attention_db)
    yield connection
    connection.close()


def as_map(counts: list[DayCount]) -> dict[tuple[str | None, str], int]:
    return {(c.day, c.site): c.matches for c in counts}


def test_the_elections_per_day_and_site(conn) -> None:
    counts = matches_per_day(conn, QUERY)
    # والانتخابات and للانتخابات are found, and the one at 01:30 +03:00 counts on the site's day
    assert as_map(counts) == EXPECTED
    assert [c.day for c in counts] == [*sorted(c.day for c in counts if c.day), None]
    assert as_map(matches_per_day(conn, QUERY, site="sana")) == {
        k: v for k, v in EXPECTED.items() if k[1] == "sana"
    }
    since = matches_per_day(conn, QUERY, since="2024-05-02")
    assert as_map(since) == {("2024-05-02", "alwatan"): 1, ("2024-05-03", "sana"): 3}
    until = matches_per_day(conn, QUERY, until="2024-05-02", site="alwatan")
    assert as_map(until) == {("2024-05-01", "alwatan"): 2, ("2024-05-02", "alwatan"): 1}
    assert matches_per_day(conn, "كلمةغائبة") == [] and matches_per_day(conn, "؟!") == []


@pytest.mark.parametrize(
    "query", [QUERY, "دمشق", "الخارجية", '"وزير الخارجية"', "سور*", "الرئيس الاسد", "كلمةغائبة"]
)
@pytest.mark.parametrize("site", [None, "alwatan", "sana"])
def test_counts_are_the_search_hits(conn, query: str, site: str | None) -> None:
    """Every (day, site) count is how many of the search's hits are on that day and site."""
    hits = search(conn, query, site=site, limit=10_000)
    by_day = Counter((h.published_at[:10] if h.published_at else None, h.site) for h in hits)
    assert as_map(matches_per_day(conn, query, site=site)) == dict(by_day)


def test_cli_per_day_table_and_json(attention_db: Path, capsys) -> None:
    assert khabar(["search", QUERY, "--per-day", "--db", str(attention_db)]) == 0
    assert capsys.readouterr().out == TABLE
    args = ["search", QUERY, "--per-day", "--json", "--site", "sana", "--db", str(attention_db)]
    assert khabar(args) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == [
        {"day": "2024-05-01", "site": "sana", "matches": 1},
        {"day": "2024-05-03", "site": "sana", "matches": 3},
        {"day": None, "site": "sana", "matches": 1},
    ]
    args = ["search", QUERY, "--per-day", "--since", "2024-05-02", "--until", "2024-05-02"]
    assert khabar([*args, "--db", str(attention_db)]) == 0
    assert capsys.readouterr().out == (
        "day         alwatan  total\n2024-05-02        1      1\ntotal             1      1\n"
    )
    assert khabar(["search", "كلمةغائبة", "--per-day", "--db", str(attention_db)]) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "no match\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2024-05-01"], "--since and --until count days: use them with --per-day"),
        (["--per-day", "--limit", "5"], "--per-day counts every match: --limit does not apply"),
        (["--per-day", "--until", "2024-13-01"], "Invalid value for '--until'"),
    ],
)
def test_cli_per_day_mistakes(attention_db: Path, capsys, args: list[str], message: str) -> None:
    assert khabar(["search", QUERY, *args, "--db", str(attention_db)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""


def test_cli_per_day_escapes_what_the_database_holds(tmp_path: Path, capsys) -> None:
    """A site name is the database's text: it reaches the terminal through crawler/terminal.py."""
    store = ArticleStore(tmp_path / "odd.sqlite")
    try:
        odd = _record("x\x1b[2J\u202e", "https://odd.test/1", "الانتخابات", "الانتخابات")
        store.write_articles([odd], crawl_id=None)
        store.db.execute("UPDATE articles SET published_at = '2024\x1b[5m-05-01T10:00:00Z'")
        store.db.conn.commit()
    finally:
        store.close()
    db = ["--db", str(tmp_path / "odd.sqlite")]
    assert khabar(["search", QUERY, "--per-day", *db]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert out.splitlines()[0].split() == ["day", "x\\x1b[2J\\u202e", "total"]
    assert out.splitlines()[1].split() == ["2024\\x1b[5m-0", "1", "1"]  # the day's 10 characters
    assert khabar(["search", QUERY, "--per-day", "--json", *db]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and json.loads(out)["site"] == "x\x1b[2J\u202e"


def fetch(db: Path, path: str):
    async def go():
        return await make_datasette(db).client.get(path)

    return asyncio.run(go())


def canned(db: Path, name: str, **params: str) -> list[dict]:
    query = {"q": "", "site": "", "since": "", "until": "", **params, "_shape": "array"}
    response = fetch(db, f"/{db.stem}/{name}.json?{urlencode(query)}")
    assert response.status_code == 200, response.text[:500]
    return response.json()


def chart_counts(db: Path, **params: str) -> dict[tuple[str | None, str], int]:
    """The matches_per_day canned query (what the chart loads): a row per day, newest first,
    the undated row first, each with its total and its sites' counts; as (day, site) -> n."""
    rows = canned(db, "matches_per_day", **params)
    days = [r["day"] for r in rows]
    dated = [d for d in days if d is not None]
    assert days == [None] * (len(days) - len(dated)) + sorted(dated, reverse=True)
    counts = {}
    for row in rows:
        sites = json.loads(row["sites"])
        assert sum(sites.values()) == row["matches"]
        counts.update(((row["day"], site), n) for site, n in sites.items())
    return counts


@pytest.mark.parametrize(
    "params",
    [
        {"q": QUERY},
        {"q": QUERY, "site": "alwatan"},
        {"q": QUERY, "since": "2024-05-02", "until": "2024-05-03"},
        {"q": "دمشق"},
        {"q": '"وزير الخارجية"', "site": "sana"},
        {"q": "كلمةغائبة"},
    ],
)
def test_datasette_counts_and_list_are_the_clis(
    attention_db: Path, conn, params: dict[str, str]
) -> None:
    counts = as_map(
        matches_per_day(
            conn,
            params["q"],
            site=params.get("site"),
            since=params.get("since"),
            until=params.get("until"),
        )
    )
    assert chart_counts(attention_db, **params) == counts
    listed = canned(attention_db, "attention", **params)
    assert Counter((r["day"], r["site"]) for r in listed) == Counter(counts)
    if not params.keys() & {"since", "until"}:  # the list is the search's hits
        hits = search(conn, params["q"], site=params.get("site"), limit=10_000)
        assert sorted(r["id"] for r in listed) == sorted(h.id for h in hits)


def test_saved_search_feed_agrees_with_the_chart(attention_db: Path, conn) -> None:
    """A monitor's saved search (the Atom feed) and its chart count the same articles a day."""
    for site in ("", "sana"):
        path = f"/{attention_db.stem}/search_feed.atom?q={quote(QUERY)}&site={site}"
        response = fetch(attention_db, path)
        assert response.status_code == 200, response.text[:500]
        entries = etree.fromstring(response.content).findall(f"{ATOM}entry")
        day_of = {
            canonical: (day, row_site)
            for canonical, day, row_site in conn.execute(
                "select canonical_url, published_day, site from articles"
            )
        }
        per_entry = [day_of[e.findtext(f"{ATOM}id")] for e in entries]
        assert Counter(per_entry) == chart_counts(attention_db, q=QUERY, site=site)
        assert Counter(per_entry) == {k: v for k, v in EXPECTED.items() if site in ("", k[1])}
        for entry, (day, _) in zip(entries, per_entry, strict=True):
            if day is not None:  # the entry's date is the chart's day (the site's own offset)
                assert entry.findtext(f"{ATOM}updated")[:10] == day


def test_the_pages_link_to_each_other_and_load_vega_from_datasette(attention_db: Path) -> None:
    db = attention_db.stem
    search_page = fetch(attention_db, f"/{db}/search?q={quote(QUERY)}&site=").text
    assert '<a class="khabar-carry-query" href="attention">' in search_page
    assert 'type="module" src="/-/khabar/attention.js"' in search_page
    chart_page = fetch(attention_db, f"/{db}/attention?q={quote(QUERY)}&site=&since=&until=")
    assert chart_page.status_code == 200
    assert 'id="khabar-attention-chart"' in chart_page.text
    scripts = [
        "/-/static-plugins/datasette_dashboards/vega.min.js",
        "/-/static-plugins/datasette_dashboards/vega-lite.min.js",
        "/-/static-plugins/datasette_dashboards/vega-embed.min.js",
        "/-/khabar/attention.js",
    ]
    for script in scripts:
        assert f'src="{script}"' in chart_page.text
        served = fetch(attention_db, script)
        assert served.status_code == 200 and len(served.content) > 1000
    assert "cdn" not in chart_page.text.lower()
    table_search = fetch(attention_db, f"/{db}/articles?_search={quote(QUERY)}").text
    assert 'type="module" src="/-/khabar/attention.js"' in table_search


def test_the_chart_keeps_the_newest_days_when_they_overflow_a_page(tmp_path: Path) -> None:
    """Datasette returns at most 1,000 rows: the chart's query gives the undated row and the
    newest days, and says it was cut; `--per-day` has every day."""
    first = date(2021, 1, 1)
    records = [
        _record("sana", f"https://sana.sy/?p={n}", "الانتخابات", "نص")
        | {"published_at": f"{first + timedelta(days=n)}T10:00:00+03:00"}
        for n in range(1_001)
    ]
    records.append(_record("sana", "https://sana.sy/?p=undated", "الانتخابات", "نص"))
    records[-1]["published_at"] = None
    db = tmp_path / "days.sqlite"
    store = ArticleStore(db)
    try:
        store.write_articles(records, crawl_id=None)
    finally:
        store.close()
    conn = sqlite3.connect(db)
    try:
        assert len(matches_per_day(conn, QUERY)) == 1_002
    finally:
        conn.close()
    query = urlencode({"q": QUERY, "site": "", "since": "", "until": "", "_shape": "objects"})
    response = fetch(db, f"/{db.stem}/matches_per_day.json?{query}").json()
    assert response["truncated"] is True
    days = [row["day"] for row in response["rows"]]
    newest = [str(first + timedelta(days=n)) for n in range(1_000, 1, -1)]
    assert days == [None, *newest]
