"""The dashboard's site-health table: quiet and suspicious as `khabar status` judges them, from
generated history, through Datasette (the chart's own query, the plugin's SQL function)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from crawler.cli import main
from crawler.commands.serve import load_metadata
from storage.store import open_database
from tests.test_dashboard import chart_rows, fetch
from tests.test_health_volume import add_history, steady
from tests.test_scheduler import write_config


@pytest.fixture
def history_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """alwatan quiet, sana's authors gone, youm7 only 5 days old (no volume verdict yet)."""
    monkeypatch.setenv("KHABAR_CONFIG", str(write_config(tmp_path)))
    monkeypatch.delenv("KHABAR_DB", raising=False)
    monkeypatch.delenv("KHABAR_REDIS_URL", raising=False)
    now = datetime.now(UTC)
    path = tmp_path / "khabar.sqlite"
    db = open_database(path)
    try:
        add_history(db, "alwatan", steady(30), now, last_24h=3)
        add_history(db, "sana", steady(30, 2), now, last_24h=40, recent_author=False)
        add_history(db, "youm7", steady(5, 4), now, last_24h=0)
    finally:
        db.close()
    return path


def test_site_health_table_agrees_with_khabar_status(history_db: Path, capsys) -> None:
    rows = {r["site"]: r for r in chart_rows(history_db, "site-health")}
    assert list(rows) == ["alwatan", "sana", "youm7"]  # unhealthy first
    assert rows["alwatan"]["verdict"] == "quiet"
    assert rows["alwatan"]["new_24h"] == 3
    assert rows["alwatan"]["history_days"] == 28
    assert rows["sana"]["verdict"] == "suspicious"
    assert "have no author" in rows["sana"]["reason"]
    assert rows["youm7"]["verdict"] == "too little history"
    assert rows["youm7"]["normal_per_day"] is None
    assert rows["youm7"]["history_days"] == 5

    main(["status", "--json"])  # youm7 is not configured here: alwatan and sana only
    status = {r["site"]: r for r in json.loads(capsys.readouterr().out)}
    for site in ("alwatan", "sana"):
        assert status[site]["health"] == rows[site]["verdict"]
        assert status[site]["reason"] == rows[site]["reason"]
    normal = status["alwatan"]["volume"]["normal"]
    assert rows["alwatan"]["normal_per_day"] == round(normal["mean"], 1)
    assert rows["alwatan"]["quiet_below"] == round(normal["threshold"], 1)


def test_site_health_table_is_on_the_dashboard_and_filters_by_site(history_db: Path) -> None:
    dashboard = load_metadata(history_db.stem)["plugins"]["datasette-dashboards"]["archive"]
    assert dashboard["layout"][0] == ["site-health", "site-health"]
    page = fetch(history_db, "/-/dashboards/archive")
    assert page.status_code == 200 and "site-health" in page.text
    spec = dashboard["charts"]["site-health"]
    sql = spec["query"].replace("[[ and site = :site ]]", "and site = 'sana'")
    got = fetch(history_db, f"/{history_db.stem}.json?_shape=array&sql={quote(sql)}").json()
    assert [r["site"] for r in got] == ["sana"]
