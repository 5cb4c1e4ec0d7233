"""`khabar status --prometheus` and `--textfile`: per-site gauges in Prometheus' text format,
read back with prometheus-client's own parser (what a scrape or node_exporter would read)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from crawler.cli import main
from crawler.health import PRECEDENCE
from storage.store import open_database
from tests.test_health_volume import add_history, steady
from tests.test_scheduler import write_config


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """alwatan quiet (2 new in 24 h against ~40 a day for 30 days), sana fine."""
    monkeypatch.setenv("KHABAR_CONFIG", str(write_config(tmp_path)))
    monkeypatch.delenv("KHABAR_DB", raising=False)
    monkeypatch.delenv("KHABAR_REDIS_URL", raising=False)
    now = datetime.now(UTC)
    db = open_database(tmp_path / "khabar.sqlite")
    try:
        add_history(db, "alwatan", steady(30), now, last_24h=2)
        add_history(db, "sana", steady(30, 3), now, last_24h=41)
    finally:
        db.close()
    return tmp_path


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """(sample name, sorted labels) → value, parsed by prometheus-client."""
    out = {}
    for family in text_string_to_metric_families(text):
        assert family.type == "gauge", family.name
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_prometheus_exposition_matches_status_json(env: Path, capsys) -> None:
    assert main(["status", "--json"]) == 1
    rows = {r["site"]: r for r in json.loads(capsys.readouterr().out)}
    assert main(["status", "--prometheus"]) == 1  # the same exit status as the table's
    got = samples(capsys.readouterr().out)
    for site, row in rows.items():
        label = (("site", site),)
        assert got[("khabar_site_articles_stored", label)] == row["articles_stored"]
        assert got[("khabar_site_articles_new_24h", label)] == row["articles_24h"]
        success = datetime.fromisoformat(row["last_success"]).timestamp()
        assert got[("khabar_site_last_success_timestamp_seconds", label)] == success
        last_run = datetime.fromisoformat(row["last_run"]).timestamp()
        assert got[("khabar_site_last_run_timestamp_seconds", label)] == last_run
        for verdict in PRECEDENCE:
            key = ("khabar_site_health", (("site", site), ("verdict", verdict)))
            assert got[key] == (1.0 if verdict == row["health"] else 0.0)
        normal = row["volume"]["normal"]
        mean = got[("khabar_site_normal_articles_per_day", label)]
        assert mean == pytest.approx(normal["mean"], abs=0.01)
        threshold = got[("khabar_site_quiet_threshold_articles", label)]
        assert threshold == pytest.approx(normal["threshold"], abs=0.01)
    assert rows["alwatan"]["health"] == "quiet"
    assert rows["alwatan"]["articles_stored"] == sum(steady(30)) + 2
    assert got[("khabar_healthy", ())] == 0.0
    assert not any(name.startswith(("khabar_redis", "khabar_writer")) for name, _ in got)


def test_textfile_is_written_whole_and_replaces_the_old_one(env: Path, capsys) -> None:
    target = env / "textfile" / "khabar.prom"
    target.parent.mkdir()
    target.write_text("# an older reading\n")
    assert main(["status", "--site", "sana", "--textfile", str(target)]) == 0
    printed = capsys.readouterr().out
    assert "sana" in printed and "# HELP" not in printed  # the table, as without --textfile
    got = samples(target.read_text())
    assert got[("khabar_site_health", (("site", "sana"), ("verdict", "ok")))] == 1.0
    assert got[("khabar_healthy", ())] == 1.0
    assert ("khabar_site_articles_stored", (("site", "alwatan"),)) not in got
    assert os.listdir(target.parent) == ["khabar.prom"]  # no temporary file left behind


def test_textfile_that_cannot_be_written_is_one_line_and_exit_1(env: Path, capsys) -> None:
    missing = env / "no such dir" / "khabar.prom"
    assert main(["status", "--textfile", str(missing)]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot write" in err[0] and "khabar.prom" in err[0]


def test_distributed_queue_lengths(env: Path, capsys, tmp_path: Path) -> None:
    from crawler.distributed import keys
    from tests.support.redis_server import RedisServer

    with RedisServer(tmp_path / "redis") as server, pytest.MonkeyPatch.context() as mp:
        client = keys.connect(server.url)
        client.zadd(keys.requests_key("sana"), {b"r1": 0, b"r2": 0, b"r3": 0})
        client.lpush(keys.ITEMS, b"{}", b"{}")
        beat = {"worker": "host-b:7", "site": "sana", "busy": True, "pages": 3, "items": 2}
        beat |= {"started_at": "2026-11-30T10:00:00+00:00", "beat_at": "2026-11-30T10:01:00+00:00"}
        client.set(keys.heartbeat_key("host-b:7"), json.dumps(beat), ex=60)
        client.close()
        mp.setenv("KHABAR_REDIS_URL", server.url)
        main(["status", "--prometheus"])
    got = samples(capsys.readouterr().out)
    assert got[("khabar_redis_up", ())] == 1.0
    assert got[("khabar_site_requests_queued", (("site", "sana"),))] == 3.0
    assert got[("khabar_site_requests_queued", (("site", "alwatan"),))] == 0.0
    assert got[("khabar_site_requests_in_flight", (("site", "sana"),))] == 0.0
    assert got[("khabar_writer_items_waiting", ())] == 2.0
    assert got[("khabar_writer_dead_letters", ())] == 0.0
    assert got[("khabar_workers_alive", ())] == 1.0


def test_redis_down_is_a_metric_and_exit_1(env: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("KHABAR_REDIS_URL", "redis://127.0.0.1:1/0")
    assert main(["status", "--site", "sana", "--prometheus"]) == 1
    got = samples(capsys.readouterr().out)
    assert got[("khabar_redis_up", ())] == 0.0
    assert got[("khabar_healthy", ())] == 0.0
    assert ("khabar_writer_items_waiting", ()) not in got


def test_a_site_never_run_has_no_timestamps(env: Path, capsys, tmp_path: Path) -> None:
    db = open_database(tmp_path / "khabar.sqlite")
    try:
        db.execute("DELETE FROM crawls WHERE site = 'sana'")
        db.execute("DELETE FROM articles WHERE site = 'sana'")
        db.conn.commit()
    finally:
        db.close()
    main(["status", "--site", "sana", "--prometheus"])
    got = samples(capsys.readouterr().out)
    assert got[("khabar_site_health", (("site", "sana"), ("verdict", "new")))] == 1.0
    assert got[("khabar_site_articles_stored", (("site", "sana"),))] == 0.0
    assert ("khabar_site_last_success_timestamp_seconds", (("site", "sana"),)) not in got


def test_json_and_prometheus_together_is_a_usage_error(env: Path, capsys) -> None:
    assert main(["status", "--json", "--prometheus"]) == 2
    assert "give --json or --prometheus, not both" in capsys.readouterr().err
