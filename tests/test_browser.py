"""Once in a real browser: `khabar serve` on a database crawled from the replicas, loaded by
Debian's headless Chromium. Checks the rendered DOM (right-to-left cells, a hit for a folded
query, the user's query back in the box) and saves a screenshot to bench/results/.

CI installs chromium (.ci/run), so a missing browser is a failure there; set
KHABAR_SKIP_BROWSER=1 to skip locally.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import PROJECT_ROOT
from tests.support.serving import khabar_serve
from tests.test_datasette import crawl_replicas

SCREENSHOT = PROJECT_ROOT / "bench" / "results" / "datasette-search.png"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


@pytest.fixture(scope="module")
def chromium() -> str:
    if os.environ.get("KHABAR_SKIP_BROWSER") == "1":
        pytest.skip("KHABAR_SKIP_BROWSER=1")
    found = next((shutil.which(name) for name in BROWSERS if shutil.which(name)), None)
    if found is None:
        pytest.fail("chromium not found: apt-get install chromium (or KHABAR_SKIP_BROWSER=1)")
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[str]:
    """`khabar serve` on a database crawled from the replicas; yields its base URL."""
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "khabar.sqlite"
    crawl_replicas(corpus_dir, db)
    with khabar_serve(db, folder / "serve.log") as base:
        yield base
    assert "khabar: serving" in (folder / "serve.log").read_text()


# Chromium looks up google hosts (component updates, safe browsing...) even headless: map every
# host to nothing except the loopback server, and switch those background services off.
NO_NETWORK = (
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-pings",
)


def _chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            *NO_NETWORK,
            "--hide-scrollbars",
            "--lang=ar",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def _search_url(base: str, query: str) -> str:
    columns = "".join(f"&_col={c}" for c in ("site", "title", "section", "published_at", "body"))
    return f"{base}/khabar/articles?_search={quote(query)}{columns}"


def test_rendered_search_page(chromium: str, server: str, tmp_path: Path) -> None:
    dom = _chromium(chromium, tmp_path / "profile", "--dump-dom", _search_url(server, "الاسلام"))
    html = dom.stdout
    # The folded query (bare alef) found the row spelled with hamza under the alef...
    title = re.search(
        r'<div class="khabar-ar khabar-col-title" dir="rtl" lang="ar">([^<]*)</div>', html
    )
    assert title is not None, html[:2000]
    assert "الإسلام" in title.group(1)
    assert "1 row" in html
    # ...and the search box shows the user's words, not the matching form.
    box = re.search(r'<input[^>]*name="_search"[^>]*>', html)
    assert box is not None and 'value="الاسلام"' in box.group(0)


def test_screenshot_of_a_prefixed_query(chromium: str, server: str, tmp_path: Path) -> None:
    url = _search_url(server, "والخارجية")
    dom = _chromium(chromium, tmp_path / "profile", "--dump-dom", url).stdout
    cells = re.findall(r'class="khabar-ar khabar-col-title" dir="rtl" lang="ar">([^<]*)<', dom)
    assert len(cells) == 3  # الخارجية in three articles, found from والخارجية
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    _chromium(
        chromium,
        tmp_path / "profile2",
        f"--screenshot={SCREENSHOT}",
        "--window-size=1400,1400",
        url,
    )
    data = SCREENSHOT.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1400, 1400)
    assert len(data) > 20_000  # a rendered page, not a blank image


DNS_EVENTS = {"HOST_RESOLVER_MANAGER_JOB", "HOST_RESOLVER_DNS_TASK", "HOST_RESOLVER_SYSTEM_TASK"}


def test_chromium_resolves_no_host_but_loopback(chromium: str, server: str, tmp_path: Path) -> None:
    """Chromium's own net log: no DNS job for any host (google update, accounts...) at all."""
    netlog = tmp_path / "net.json"
    _chromium(
        chromium,
        tmp_path / "profile",
        f"--log-net-log={netlog}",
        "--dump-dom",
        _search_url(server, "الاسلام"),
    )
    log, _ = json.JSONDecoder().raw_decode(netlog.read_text(encoding="utf-8"))
    names = {number: name for name, number in log["constants"]["logEventTypes"].items()}
    looked_up = [
        event.get("params", {}).get("host", "?")
        for event in log["events"]
        if names.get(event["type"]) in DNS_EVENTS
    ]
    assert [host for host in looked_up if "127.0.0.1" not in host] == []
    requests = [e for e in log["events"] if names.get(e["type"]) == "HOST_RESOLVER_MANAGER_REQUEST"]
    assert requests  # the log did record host resolution (it is not an empty file)
