"""`khabar status`: the table, the JSON, and the exit status monitoring relies on."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.cli import main
from storage.store import open_database
from tests.test_scheduler import write_config

NOW = datetime.now(UTC)


def iso(delta: timedelta) -> str:
    return (NOW - delta).isoformat(timespec="seconds")


def add_run(db, site: str, ago: timedelta, status: str, new: int = 0, reason: str = "") -> None:
    db["crawls"].insert(
        {
            "site": site,
            "started_at": iso(ago),
            "finished_at": iso(ago - timedelta(minutes=1)),
            "status": status,
            "articles_new": new,
            "exit_code": -9 if status == "failed" else 0,
            "finish_reason": reason or ("killed by SIGKILL" if status == "failed" else "finished"),
        }
    )


def add_articles(
    db, site: str, count: int, ago: timedelta, *, dated: bool = True, words: int = 300
) -> None:
    start = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    for i in range(start, start + count):
        url = f"https://{site}.example/{i}"
        db["articles"].insert(
            {
                "url": url,
                "canonical_url": url,
                "site": site,
                "first_seen_at": iso(ago + timedelta(seconds=i)),
                "last_seen_at": iso(ago),
                "published_at": iso(ago) if dated else None,
                "word_count": words,
            }
        )


def healthy(db, site: str) -> None:
    add_articles(db, site, 40, timedelta(days=5))
    for hours in (3, 2, 1):
        add_run(db, site, timedelta(hours=hours), "ok", new=2)
    add_articles(db, site, 5, timedelta(hours=1))


def failing(db, site: str) -> None:
    healthy(db, site)
    for minutes in (50, 30, 10):
        add_run(db, site, timedelta(minutes=minutes), "failed")


def stale(db, site: str) -> None:
    add_articles(db, site, 40, timedelta(days=5))
    for hours in (30, 20, 10, 1):
        add_run(db, site, timedelta(hours=hours), "ok", new=0)


def suspicious(db, site: str) -> None:
    add_articles(db, site, 40, timedelta(days=5))
    add_run(db, site, timedelta(hours=2), "ok", new=20)
    add_articles(db, site, 20, timedelta(hours=1), dated=False)


SCENARIOS = {"healthy": healthy, "failing": failing, "stale": stale, "suspicious": suspicious}


@pytest.fixture
def status_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    config = write_config(tmp_path)
    monkeypatch.setenv("KHABAR_CONFIG", str(config))
    monkeypatch.delenv("KHABAR_DB", raising=False)

    def build(alwatan: str | None, sana: str | None) -> None:
        db = open_database(tmp_path / "khabar.sqlite")
        try:
            for site, scenario in (("alwatan", alwatan), ("sana", sana)):
                if scenario:
                    SCENARIOS[scenario](db, site)
        finally:
            db.close()

    return build


@pytest.mark.parametrize(
    ("alwatan", "expected_verdict", "reason_part", "exit_code"),
    [
        ("healthy", "ok", "5 new in 24 h", 0),
        ("failing", "failing", "last 3 runs failed (latest: killed by SIGKILL)", 1),
        ("stale", "stale", "no new article for 5 d", 1),
        ("suspicious", "suspicious", "20/20 latest articles have no date", 1),
    ],
)
def test_status_verdicts_and_exit_code(
    status_env, capsys, alwatan: str, expected_verdict: str, reason_part: str, exit_code: int
) -> None:
    status_env(alwatan, "healthy")
    assert main(["status", "--json"]) == exit_code
    rows = {r["site"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["alwatan"]["health"] == expected_verdict
    assert reason_part in rows["alwatan"]["reason"]
    assert rows["sana"]["health"] == "ok"
    assert rows["sana"]["articles_24h"] == 5
    assert rows["sana"]["last_status"] == "ok"


def test_status_shows_new_articles_per_day(status_env, capsys) -> None:
    """40 articles five days ago and 5 an hour ago: two bars in the 14-day sparkline."""
    status_env("healthy", "healthy")
    assert main(["status", "--json", "--site", "sana"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    per_day = row["new_per_day"]
    assert len(per_day) == 14 and sum(per_day) == 45
    assert per_day[-6] + per_day[-5] == 40  # five days ago (± the hour's day boundary)
    assert main(["status", "--site", "sana"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("sana"))
    trend = next(cell for cell in line.split() if len(cell) == 14 and set(cell) <= set("·▁▂▃▄▅▆▇█"))
    assert trend.count("·") == 12 and "█" in trend


def test_status_table(status_env, capsys) -> None:
    status_env("failing", "healthy")
    assert main(["status"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == [
        "SITE", "LAST", "RUN", "(UTC)", "STATUS", "24H", "14", "DAYS", "NEXT", "RUN", "(UTC)",
        "HEALTH", "REASON",
    ]  # fmt: skip
    alwatan = next(line for line in lines if line.startswith("alwatan"))
    assert "failed" in alwatan and "failing" in alwatan and "killed by SIGKILL" in alwatan
    assert (NOW - timedelta(minutes=10)).strftime("%Y-%m-%d") in alwatan
    # only one site asked for: the healthy one, exit 0
    assert main(["status", "--site", "sana"]) == 0
    out = capsys.readouterr().out
    assert "sana" in out and "alwatan" not in out


def test_status_before_any_crawl(status_env, capsys, tmp_path: Path) -> None:
    # no database yet (or a typo in KHABAR_DB): said so, exit 2, and status never creates it
    assert main(["status"]) == 2
    assert "no khabar database at" in capsys.readouterr().err
    assert not (tmp_path / "khabar.sqlite").exists()


def test_status_of_sites_never_crawled(status_env, capsys) -> None:
    status_env(None, None)
    assert main(["status"]) == 0
    assert capsys.readouterr().out.count("never crawled") == 2


def test_status_unknown_site(status_env, capsys) -> None:
    assert main(["status", "--site", "nope"]) == 2
    assert "unknown site 'nope'" in capsys.readouterr().err


def test_failing_runs_option(status_env, capsys) -> None:
    status_env("failing", None)
    assert main(["status", "--site", "alwatan", "--failing-runs", "4"]) == 0
    capsys.readouterr()


def test_status_json_times_are_all_utc(tmp_path: Path, monkeypatch, capsys) -> None:
    schedules = {"alwatan": {"cron": "0 9 * * 0"}, "sana": {"interval_minutes": 30}}
    monkeypatch.setenv("KHABAR_CONFIG", str(write_config(tmp_path, schedules=schedules)))
    monkeypatch.delenv("KHABAR_DB", raising=False)
    db = open_database(tmp_path / "khabar.sqlite")
    try:
        healthy(db, "alwatan")
        healthy(db, "sana")
    finally:
        db.close()
    main(["status", "--json"])
    rows = json.loads(capsys.readouterr().out)
    times = [r[key] for r in rows for key in ("last_run", "next_run")]
    assert len(times) == 4 and all(t.endswith("+00:00") for t in times), times
    alwatan = datetime.fromisoformat(rows[0]["next_run"])
    assert (alwatan.weekday(), alwatan.hour) == (6, 6)  # Sunday 09:00 in Damascus = 06:00 UTC


def test_run_whose_process_vanished_is_failed(status_env, capsys) -> None:
    import subprocess
    import sys

    status_env(None, "healthy")  # alwatan's only run is the vanished one
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    db = open_database(Path(os.environ["KHABAR_CONFIG"]).parent / "khabar.sqlite")
    try:
        db["crawls"].insert(
            {
                "site": "alwatan",
                "started_at": iso(timedelta(0)),
                "status": "running",
                "pid": dead.pid,
            }
        )
        db["crawls"].insert(
            {
                "site": "sana",
                "started_at": iso(timedelta(0)),
                "status": "running",
                "pid": os.getpid(),
            }
        )
    finally:
        db.close()
    assert main(["status", "--json"]) == 1
    rows = {r["site"]: r for r in json.loads(capsys.readouterr().out)}
    assert (rows["alwatan"]["last_status"], rows["alwatan"]["health"]) == ("failed", "failing")
    assert rows["alwatan"]["reason"] == "last run failed (latest: process vanished)"
    assert (rows["sana"]["last_status"], rows["sana"]["health"]) == ("running", "ok")


def test_status_json_carries_each_sites_distributed_queues(status_env, capsys, tmp_path) -> None:
    """In distributed mode `status --json` says, per site, what `status` prints under the table:
    requests queued and in flight, the workers crawling it, the writer's queue."""
    from crawler.distributed import keys
    from tests.support.redis_server import RedisServer

    status_env("healthy", "healthy")
    with RedisServer(tmp_path / "redis") as server, pytest.MonkeyPatch.context() as mp:
        client = keys.connect(server.url)
        client.zadd(keys.requests_key("sana"), {b"r1": 0, b"r2": 0})
        client.lpush(keys.ITEMS, b"{}")
        beat = {
            "worker": "host-b:7",
            "site": "sana",
            "busy": True,
            "pages": 3,
            "items": 2,
            "started_at": "2026-11-30T10:00:00+00:00",
            "beat_at": "2026-11-30T10:01:00+00:00",
        }
        client.set(keys.heartbeat_key("host-b:7"), json.dumps(beat), ex=60)
        client.close()
        mp.setenv("KHABAR_REDIS_URL", server.url)
        assert main(["status", "--json"]) == 0
    rows = {r["site"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["sana"]["distributed"] == {
        "requests_queued": 2,
        "in_flight": 0,
        "workers": [beat],
        "writer_items_waiting": 1,
        "writer_items_writing": 0,
        "writer_dead_letters": 0,
        "writer": None,
    }
    assert rows["alwatan"]["distributed"]["workers"] == []
    assert rows["alwatan"]["distributed"]["requests_queued"] == 0


def test_status_json_says_when_redis_cannot_be_reached(status_env, capsys, monkeypatch) -> None:
    """And exits 1 though every site is healthy: as a monitoring check it must see Redis down
    (issue 17, defect 15; it exited 0)."""
    status_env("healthy", "healthy")
    monkeypatch.setenv("KHABAR_REDIS_URL", "redis://127.0.0.1:1/0")
    assert main(["status", "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)
    assert all(
        "cannot reach Redis at redis://127.0.0.1:1/0" in r["distributed"]["error"] for r in rows
    )
    assert {r["health"] for r in rows} == {"ok"}
    assert main(["status"]) == 1
    assert "distributed: cannot reach Redis at redis://127.0.0.1:1/0" in capsys.readouterr().out


def test_status_json_has_no_distributed_entry_on_one_machine(status_env, capsys, monkeypatch):
    status_env("healthy", "healthy")
    monkeypatch.delenv("KHABAR_REDIS_URL", raising=False)
    assert main(["status", "--json"]) == 0
    assert all("distributed" not in r for r in json.loads(capsys.readouterr().out))
