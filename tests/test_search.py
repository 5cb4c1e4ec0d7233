"""Arabic search through the real index: the replicas' articles (and a few synthetic ones for
spellings the replicas lack) written by the real ArticleStore, searched by storage.search and by
`khabar search`. A baseline FTS5 table over the raw text shows what normalisation buys."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

import storage.search
from crawler.cli import main as khabar
from storage.search import build_match, parse_query, search, snippet
from storage.store import ArticleStore

REPLICAS = ("alwatan.sy-replica", "sana.sy-replica")

# Articles for spellings the replicas do not contain. Each is a short, ordinary news sentence;
# the spelling under test is written the way sites really write it.
SYNTHETIC = [
    {
        "key": "islam",
        "title": "ندوة عن تاريخ الإسلام في بلاد الشام",
        "body": "عقدت جامعة دمشق ندوة عن تاريخ الإسلام في بلاد الشام بمشاركة باحثين من عدة دول.",
    },
    {
        "key": "school",
        "title": "افتتاح مدرســة جديدة في حي الميدان",
        "body": "افتتحت محافظة دمشق مدرســة جديدة تتسع لستمئة طالب في حي الميدان.",
    },
    {
        "key": "harakat",
        "title": "حملة تلقيح وطنية",
        "body": "أعلنَتْ وزارةُ الصحةِ بدءَ حملةٍ وطنيةٍ للتلقيح ضد شلل الأطفال الأسبوع المقبل.",
    },
    {
        "key": "hamza_seat",
        "title": "اجتماع مع المسئولين في القاهرة",
        "body": "التقى المحافظ المسئولين عن قطاع النقل وبحث معهم خطة تطوير الطرق.",
    },
    {
        "key": "maksura",
        "title": "توسيع مستشفى المواساة",
        "body": "بدأت أعمال توسيع مستشفى المواساة الجامعي بإضافة جناح للعناية المركزة.",
    },
]


def _gold_records(corpus_dir: Path) -> list[dict]:
    records = []
    for replica in REPLICAS:
        folder = corpus_dir / replica
        site = replica.split(".")[0]
        for meta_path in sorted(folder.glob("article-*.gold.json")):
            if meta_path.name.count(".") > 2:  # article-N.amp.gold.json: a variant of article N
                continue
            gold = json.loads(meta_path.read_text(encoding="utf-8"))
            body = meta_path.with_suffix("").with_suffix(".gold.txt").read_text(encoding="utf-8")
            records.append(_record(site, gold["url"], gold["title"], body.strip(), gold))
    return records


def _record(site: str, url: str, title: str, body: str, gold: dict | None = None) -> dict:
    gold = gold or {}
    return {
        "url": url,
        "canonical_url": gold.get("canonical_url", url),
        "site": site,
        "title": title,
        "body": body,
        "kicker": gold.get("kicker"),
        "author": gold.get("author"),
        "section": gold.get("section"),
        "tags": gold.get("tags", []),
        "published_at": gold.get("published", "2017-04-01T10:00:00+02:00"),
        "language": "ar",
        "word_count": len(body.split()),
        "content_hash": hashlib.sha256(body.encode()).hexdigest(),
        "found_via": "feed",
    }


def synthetic_records() -> list[dict]:
    return [
        _record("synthetic", f"https://example.test/{a['key']}", a["title"], a["body"])
        for a in SYNTHETIC
    ]


def write_synthetic(store: ArticleStore) -> None:
    """Add the synthetic articles through the real writer (also used by the Datasette tests)."""
    store.write_articles(synthetic_records(), crawl_id=None)


@pytest.fixture(scope="module")
def search_db(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("search") / "khabar.sqlite"
    store = ArticleStore(path)
    try:
        store.write_articles(_gold_records(corpus_dir), crawl_id=None)
        write_synthetic(store)
    finally:
        store.close()
    return path


@pytest.fixture(scope="module")
def conn(search_db: Path):
    connection = sqlite3.connect(search_db)
    yield connection
    connection.close()


def _key(url: str) -> str:
    """alwatan:94762, sana:532871, synthetic:islam."""
    tail = url.rstrip("/").rsplit("/", 1)[-1].replace("?p=", "")
    return f"{url.split('//')[1].split('.')[0].replace('example', 'synthetic')}:{tail}"


WATAN_FOREIGN_MINISTRY = {"alwatan:94762", "sana:532871", "alwatan:64051"}

# (query, site, expected article keys). Expected rows were read off the source texts: every
# article whose title or body contains the word in any spelling, prefix or vowelling.
SEARCH_TABLE = [
    ("الاسلام", None, {"synthetic:islam"}),  # bare alef finds hamza-under alef
    ("الإسلام", None, {"synthetic:islam"}),
    ("والإسلام", None, {"synthetic:islam"}),  # conjunction + article
    ("اسلام", None, {"synthetic:islam"}),  # no article at all
    ("مدرسة", None, {"synthetic:school", "alwatan:73520"}),  # مدرســة (tatweel), المدرسية
    ("مدرســة", None, {"synthetic:school", "alwatan:73520"}),  # tatweel in the query
    ("أعلنَت", None, {"synthetic:harakat", "alwatan:71177", "alwatan:75903", "alwatan:84210"}),
    ("اعلنت", None, {"synthetic:harakat", "alwatan:71177", "alwatan:75903", "alwatan:84210"}),
    ("والخارجية", None, WATAN_FOREIGN_MINISTRY),
    ("الخارجية", None, WATAN_FOREIGN_MINISTRY),
    ("للخارجية", None, WATAN_FOREIGN_MINISTRY),  # ل + ال written لل
    ("الخارجيه", None, WATAN_FOREIGN_MINISTRY),  # teh marbuta typed as heh
    ("الخارجية", "sana", {"sana:532871"}),  # --site
    ("المسؤولين", None, {"synthetic:hamza_seat"}),  # Levantine seat finds Egyptian مسئولين
    ("مستشفي", None, {"synthetic:maksura"}),  # final yeh finds alef maksura
    ("بالثلوج", None, {"alwatan:78415", "alwatan:84210"}),  # الثلوج, بثلوج, بالثلوج
    ('"وزير الخارجية"', None, {"alwatan:94762", "sana:532871"}),  # phrase
    ("لافروف الحكومة", None, {"alwatan:94762", "sana:532871"}),  # words are ANDed
    ("خارج*", None, WATAN_FOREIGN_MINISTRY),  # prefix
    # suffixes (crawler.stem): the adjective finds the noun, the plural the singular
    ("الإسلامية", None, {"synthetic:islam"}),
    ("حكومات", None, {"alwatan:94762", "sana:532871", "sana:532640"}),  # الحكومة, الحكومية
    # negatives: no invented matches, FTS syntax is searched as words
    ("مدرستنا", None, set()),  # نا (our) is not a suffix that is stripped
    ("الخارجية", "synthetic", set()),
    ("AND OR NOT", None, set()),
    ('NEAR(دمشق "', None, set()),
]


@pytest.mark.parametrize(("query", "site", "expected"), SEARCH_TABLE)
def test_search_table(conn, query: str, site: str | None, expected: set[str]) -> None:
    hits = search(conn, query, site=site, limit=100)
    assert {_key(h.url) for h in hits} == expected


def test_normalisation_is_what_makes_the_table_pass(conn) -> None:
    """Baseline: the same rows in an FTS5 table over the RAW text (unicode61, diacritics
    removed), queried with the user's words. It misses most of the table; we miss none."""
    conn.execute("DROP TABLE IF EXISTS temp.raw_fts")
    conn.execute(
        "CREATE VIRTUAL TABLE temp.raw_fts USING fts5(title, body, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute(
        "INSERT INTO temp.raw_fts (rowid, title, body) SELECT id, title, body FROM articles"
    )
    urls = dict(conn.execute("SELECT id, url FROM articles"))
    sites = dict(conn.execute("SELECT id, site FROM articles"))

    def baseline(query: str, site: str | None) -> set[str]:
        words = " ".join('"' + w.replace('"', "") + '"' for w in query.split() if w.strip('"*('))
        rows = conn.execute("SELECT rowid FROM raw_fts WHERE raw_fts MATCH ?", [words or '""'])
        return {_key(urls[r]) for (r,) in rows if site is None or sites[r] == site}

    positives = [(q, s, e) for q, s, e in SEARCH_TABLE if e]
    ours = sum(
        {_key(h.url) for h in search(conn, q, site=s, limit=100)} == e for q, s, e in positives
    )
    base = sum(baseline(q, s) == e for q, s, e in positives)
    assert ours == len(positives)
    assert base <= len(positives) // 2


def test_results_are_ranked_title_hits_first(conn) -> None:
    hits = search(conn, "الخارجية")
    # sana:532871 and alwatan:94762 say وزير الخارجية in the body; nobody has it in a title,
    # but لافروف is in 532871's title and in 94762's body only.
    lavrov = search(conn, "لافروف")
    assert _key(lavrov[0].url) == "sana:532871"
    assert [h.rank for h in hits] == sorted(h.rank for h in hits)


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "AND",
        "OR OR",
        "NOT x",
        "NEAR(a b, 2)",
        "a:b",
        "title:دمشق",
        "*",
        "^دمشق",
        "(دمشق",
        "دمشق)",
        "'; DROP TABLE articles; --",
        "{title body}: x",
        "-",
        "\x00",
    ],
)
def test_fts_syntax_in_the_query_never_raises(conn, query: str) -> None:
    search(conn, query)  # must not raise sqlite3.OperationalError
    conn.execute(
        "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [build_match(query)]
    )


EXACT, STEM = "{title body} : ", "{title_stem body_stem} : "


@pytest.mark.parametrize(
    ("query", "exact", "both"),
    [
        ("والخارجية", f'{EXACT}"خارجيه"', f'{STEM}"خارج"'),
        ("AND or", f'{EXACT}"and" AND {EXACT}"or"', f'{STEM}"and" AND {STEM}"or"'),
        (
            '"وزير الخارجية" دمشق',
            f'{EXACT}"زير خارجيه" AND {EXACT}"دمشق"',
            f'{STEM}"زير خارج" AND {STEM}"دمشق"',
        ),
        ('"وزير الخارجية', f'{EXACT}"زير خارجيه"', f'{STEM}"زير خارج"'),  # phrase to the end
        ("خارجية*", f'{EXACT}"خارجيه"*', f'{EXACT}"خارجيه"*'),  # a prefix: the typed form
        ("شمال-سوريا", f'{EXACT}"شمال سوريا"', f'{STEM}"شمال سوريا"'),
        ("المعلمين", f'{EXACT}"معلمين"', f'{STEM}"معلم"'),
        ("  ", '""', '""'),
        ('" "', '""', '""'),
    ],
)
def test_build_match(query: str, exact: str, both: str) -> None:
    assert build_match(query, exact=True) == exact
    assert build_match(query) == both


def test_match_expressions_are_valid_fts5_in_both_modes(conn) -> None:
    for query in ("خارج*", '"وزير الخارجية" دمشق', "AND or", "الإسلامية"):
        for exact in (False, True):
            parsed = parse_query(query)
            for expression in (parsed.match(exact=exact), parsed.title_match(exact=exact)):
                conn.execute(
                    "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [expression]
                )


# (query, expected with --exact): the matching form alone, as before stems were indexed
EXACT_TABLE = [
    ("الإسلامية", set()),
    ("الإسلام", {"synthetic:islam"}),
    ("مدرسة", {"synthetic:school"}),
    ("حكومات", set()),
    ("الحكومة", {"alwatan:94762", "sana:532871"}),
    ("خارج*", WATAN_FOREIGN_MINISTRY),
]


@pytest.mark.parametrize(("query", "expected"), EXACT_TABLE)
def test_exact_search_matches_the_matching_form_only(conn, query: str, expected: set) -> None:
    hits = search(conn, query, limit=100, exact=True)
    assert {_key(h.url) for h in hits} == expected
    assert all(h.exact for h in hits)


def test_exact_form_matches_rank_above_stem_only_matches(conn) -> None:
    """الحكومة is in two articles as written and in a third only as الحكومية: that one comes
    last, whatever its bm25, and the first two keep the order --exact gives them."""
    hits = search(conn, "الحكومة", limit=100)
    assert [h.exact for h in hits] == [True, True, False]
    assert _key(hits[-1].url) == "sana:532640"
    assert [h.id for h in hits[:2]] == [h.id for h in search(conn, "الحكومة", exact=True)]
    assert "الحكومية" in hits[-1].snippet  # the snippet is around the stem-only hit


def test_parse_query_marks_prefix_terms() -> None:
    terms = parse_query("الخارجية وز*").terms
    assert [(t.tokens, t.prefix) for t in terms] == [(("خارجيه",), False), (("وز",), True)]


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        ("قال وزيرُ الخارجيّة إن الوفد وصل", "والخارجية", "قال وزيرُ الخارجيّة إن الوفد وصل"),
        ("a b c d e f g h", "f", "… d e f g …"),
        ("a b c d e f g h", "zzz", "a b c d …"),  # no hit: the window from the start
        ("", "x", ""),
    ],
)
def test_snippet_keeps_the_original_text(text: str, query: str, expected: str) -> None:
    assert snippet(text, query, before=2, after=1 if text.startswith("a") else 10) == expected


def test_snippet_of_a_real_article_is_around_the_first_hit(conn) -> None:
    hit = next(h for h in search(conn, "المسؤولين"))
    assert "المسئولين" in hit.snippet  # original spelling, not the matching form


def test_cli_search_text_and_json(search_db: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KHABAR_DB", str(search_db))
    assert khabar(["search", "والخارجية", "--site", "sana"]) == 0
    out = capsys.readouterr().out
    assert "https://sana.sy/?p=532871" in out and "الخارجية" in out
    assert khabar(["search", "الاسلام", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert set(record) == {"id", "url", "site", "published_at", "title", "snippet", "exact"}
    assert record["url"] == "https://example.test/islam" and "الإسلام" in record["snippet"]


def test_cli_search_exact(search_db: Path, capsys) -> None:
    """The adjective finds the noun unless --exact; a stem-only hit is marked as one."""
    db = ["--db", str(search_db)]
    assert khabar(["search", "الإسلامية", *db]) == 0
    out = capsys.readouterr().out
    assert "https://example.test/islam" in out and "[other form]" in out
    assert khabar(["search", "الإسلامية", "--exact", *db]) == 1
    assert "no match" in capsys.readouterr().err
    assert khabar(["search", "الإسلام", "--exact", "--json", *db]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["exact"] is True


def test_cli_search_never_writes(search_db: Path, capsys) -> None:
    before = (search_db.read_bytes(), search_db.stat().st_mtime_ns)
    assert khabar(["search", "دمشق", "--db", str(search_db), "--json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) >= 5
    assert (search_db.read_bytes(), search_db.stat().st_mtime_ns) == before


def test_cli_search_missing_database(tmp_path: Path, capsys) -> None:
    assert khabar(["search", "x", "--db", str(tmp_path / "none.sqlite")]) == 2
    assert "no khabar database at" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite").exists()


def test_a_frequent_query_shows_its_newest_matches_title_hits_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More matches than RANK_WINDOW: bm25 is not run (it reads every match); the newest
    RANK_WINDOW matches are shown, those with the word in the title first, then newest first.
    --site takes the site's newest matches, however old."""
    monkeypatch.setattr(storage.search, "RANK_WINDOW", 4)
    store = ArticleStore(tmp_path / "khabar.sqlite")
    titled = {2, 5}  # articles whose title has the word too
    records = [
        _record(
            "a" if n % 2 else "b",
            f"https://example.test/{n}",
            f"{'مؤتمر' if n in titled else 'خبر'} رقم {n}",
            f"افتتح المؤتمر السنوي رقم {n} في دمشق",
        )
        for n in range(1, 8)
    ]
    try:
        for record in records:  # one write each: ids follow the order, 1 to 7
            store.write_articles([record], crawl_id=None)
    finally:
        store.close()
    conn = sqlite3.connect(tmp_path / "khabar.sqlite")
    try:
        hits = search(conn, "مؤتمر", limit=3)
        assert [h.url.rsplit("/", 1)[1] for h in hits] == ["5", "7", "6"]
        assert [h.rank for h in hits] == [-1.0, 0.0, 0.0]
        on_a = search(conn, "مؤتمر", site="a", limit=3)  # a's newest four: 7, 5, 3, 1
        assert [h.url.rsplit("/", 1)[1] for h in on_a] == ["5", "7", "3"]
        # the whole window when the limit asks for more than it
        assert len(search(conn, "مؤتمر", limit=10)) == 7
    finally:
        conn.close()


@pytest.fixture(scope="module")
def frequent_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RANK_WINDOW + 40 articles that all say مؤتمر, on 3 sites: every twentieth as written, the
    others only as المؤتمرات (a stem-only match); every seventh has مؤتمرات in its title; a few
    say لافروف too."""
    path = tmp_path_factory.mktemp("frequent") / "khabar.sqlite"
    store = ArticleStore(path)
    try:
        store.write_articles(
            [
                _record(
                    f"s{n % 3}",
                    f"https://example.test/{n}",
                    f"{'مؤتمرات' if n % 7 == 0 else 'خبر'} رقم {n}",
                    f"افتتح {'المؤتمر' if n % 20 == 0 else 'المؤتمرات'} السنوي رقم {n}"
                    + (" بحضور لافروف" if n % 44 == 0 else ""),
                )
                for n in range(1, storage.search.RANK_WINDOW + 41)
            ],
            crawl_id=None,
        )
    finally:
        store.close()
    return path


@pytest.mark.parametrize("exact", ["", "1"])
@pytest.mark.parametrize("site", ["", "s1"])
@pytest.mark.parametrize("query", ["مؤتمر", "لافروف", "مؤتمر لافروف", "غائب"])
def test_datasette_canned_search_lists_what_khabar_search_does(
    frequent_db: Path, query: str, site: str, exact: str
) -> None:
    """The canned query in storage/datasette/metadata.yaml is SQL of its own: same hits, same
    order as storage.search, above and below RANK_WINDOW matches, with and without exact."""
    from crawler.commands.serve import load_metadata
    from storage.datasette.plugins.khabar_arabic import prepare_connection

    canned = load_metadata()["databases"]["khabar"]["queries"]["search"]["sql"]
    assert f"limit {storage.search.RANK_WINDOW}" in canned
    conn = sqlite3.connect(frequent_db)
    prepare_connection(conn)
    try:
        rows = conn.execute(canned, {"q": query, "site": site, "exact": exact}).fetchall()
        hits = search(conn, query, site=site or None, limit=100, exact=bool(exact))
    finally:
        conn.close()
    assert [(row[0], bool(row[-1])) for row in rows] == [(hit.id, hit.exact) for hit in hits]
    kinds = {  # which kinds of match the first 100 hits have: both kinds are there to order
        "مؤتمر": {True, False},
        "لافروف": {True},
        "مؤتمر لافروف": {True, False},
        "غائب": set(),
    }[query]
    assert {hit.exact for hit in hits} == ({True} & kinds if exact else kinds)


def test_site_search_reads_sites_from_the_index_and_works_without_it(
    search_db: Path, tmp_path: Path
) -> None:
    """--site checks each match's site in idx_articles_id_site (m009), not in its row; a file
    no writer has migrated yet has no such index and is searched all the same."""
    statements: list[str] = []
    conn = sqlite3.connect(search_db)
    conn.set_trace_callback(statements.append)
    try:
        hits = [h.id for h in search(conn, "الخارجية", site="sana")]
    finally:
        conn.close()
    assert hits and any("INDEXED BY idx_articles_id_site" in s for s in statements)
    old = tmp_path / "old.sqlite"
    old.write_bytes(search_db.read_bytes())
    conn = sqlite3.connect(old)
    try:
        conn.execute("DROP INDEX idx_articles_id_site")
        assert [h.id for h in search(conn, "الخارجية", site="sana")] == hits
    finally:
        conn.close()


# --- many terms (issue 17 #14): each searched once, at most MAX_QUERY_WORDS words ----------------


def test_a_term_typed_twice_is_searched_once() -> None:
    assert build_match("دمشق دمشق ودمشق", exact=True) == f'{EXACT}"دمشق"'
    assert build_match("د* د* د*") == f'{EXACT}"د"*'
    assert (
        build_match('"وزير الخارجية" "وزير الخارجية" وزير', exact=True)
        == f'{EXACT}"زير خارجيه" AND {EXACT}"زير"'
    )
    # a word and a prefix differ
    assert build_match("دمشق دمشق*") == f'{STEM}"دمشق" AND {EXACT}"دمشق"*'


def test_a_query_is_cut_after_max_query_words_words() -> None:
    cap = storage.search.MAX_QUERY_WORDS
    words = [f"word{i}" for i in range(cap + 10)]
    parsed = parse_query(" ".join(words))
    assert parsed.truncated
    assert [t.tokens for t in parsed.terms] == [(w,) for w in words[:cap]]
    assert not parse_query(" ".join(words[:cap])).truncated
    # a phrase counts its words: the one that does not fit is cut where the room ends
    phrase = parse_query(" ".join(words[: cap - 2]) + ' "aa bb cc dd"')
    assert phrase.truncated and phrase.terms[-1].tokens == ("aa", "bb")


def test_thousands_of_copies_search_what_one_does(conn) -> None:
    for query in ("د*", "دمشق", '"وزير الخارجية"'):
        once = [hit.id for hit in search(conn, query)]
        assert once
        assert [hit.id for hit in search(conn, " ".join([query] * 6400))] == once


def test_no_query_reaches_fts5_with_more_than_max_query_words_words() -> None:
    cap = storage.search.MAX_QUERY_WORDS
    huge = " ".join(f"ب{i}* ج{i}" for i in range(5000))
    assert build_match(huge).count('"') == 2 * cap
