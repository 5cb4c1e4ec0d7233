"""Tests for the replay proxy (tests/support/replay.py), including real Scrapy crawls through it.

The Scrapy runs are the point: the e2e tests depend on Scrapy's CONNECT tunnelling, TLS inside
the tunnel and connection reuse all working against this server.
"""

from __future__ import annotations

import gc
import hashlib
import http.client
import json
import os
import socket
import ssl
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.support.replay import (
    ReplayServer,
    ReplaySite,
    _accept_tls,
    _CertStore,
    failing_times,
    normalise_url,
    slow_fault,
    status_fault,
    truncated_fault,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ALWATAN = "https://alwatan.sy"


def _corpus_dir() -> Path:
    corpus = Path(os.environ.get("KHABAR_CORPUS", PROJECT_ROOT.parent / "shared" / "corpus"))
    if not (corpus / "alwatan.sy-replica" / "URLMAP.tsv").is_file():
        pytest.skip(
            f"offline corpus not found at {corpus} (set KHABAR_CORPUS to the corpus folder)"
        )
    return corpus


@pytest.fixture(scope="module")
def corpus() -> Path:
    return _corpus_dir()


@pytest.fixture(scope="module")
def alwatan_map(corpus: Path) -> Path:
    return corpus / "alwatan.sy-replica" / "URLMAP.tsv"


@pytest.fixture
def server(corpus: Path, alwatan_map: Path) -> Iterator[ReplayServer]:
    sites = [
        ReplaySite.from_urlmap(alwatan_map),
        ReplaySite.from_urlmap(corpus / "sana.sy-replica" / "URLMAP.tsv"),
    ]
    with ReplayServer(sites) as srv:
        yield srv


def _file_for(urlmap: Path, url: str) -> Path:
    lines = urlmap.read_text(encoding="utf-8").splitlines()[1:]
    rows = dict(line.split("\t")[:2] for line in lines if line)
    return urlmap.parent / rows[url]


def _open(
    server: ReplayServer, url: str, method: str = "GET", timeout: float = 10
) -> tuple[int, bytes, dict]:
    """Fetch through the proxy with urllib, certificate checks off as in Scrapy."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({"http": server.proxy_url, "https": server.proxy_url}),
        urllib.request.HTTPSHandler(context=ctx),
    )
    request = urllib.request.Request(url, method=method)
    try:
        with opener.open(request, timeout=timeout) as resp:
            return resp.status, resp.read(), dict(resp.headers)
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.read(), dict(err.headers)


# --- pure URL matching -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://alwatan.sy/feed/", "https://alwatan.sy/feed/"),
        ("HTTPS://ALWATAN.SY:443/feed/", "https://alwatan.sy/feed/"),
        ("http://alwatan.sy:80", "http://alwatan.sy/"),
        ("http://alwatan.sy:8080/a", "http://alwatan.sy:8080/a"),
        ("https://alwatan.sy/a?utm_source=x#top", "https://alwatan.sy/a?utm_source=x"),
        ("https://x.sy/%d8%a7%d9%84", "https://x.sy/%D8%A7%D9%84"),
        ("https://x.sy/ال?q=سوريا", "https://x.sy/%D8%A7%D9%84?q=%D8%B3%D9%88%D8%B1%D9%8A%D8%A7"),
        ("https://x.sy/a%2fb", "https://x.sy/a%2Fb"),
    ],
)
def test_normalise_url(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


def test_site_lookup_and_hosts(alwatan_map: Path) -> None:
    site = ReplaySite.from_urlmap(alwatan_map)
    assert site.hosts == {"alwatan.sy"}
    assert len(site) == 32
    assert site.get(f"{ALWATAN}/archives/94762?utm_source=facebook") is not None
    assert site.get(f"{ALWATAN}/archives/94762?utm_source=twitter") is None
    site.add("https://alwatan.sy/وسم/سوريا", b"tag")
    assert site.get("https://alwatan.sy/%d9%88%d8%b3%d9%85/%D8%B3%D9%88%D8%B1%D9%8A%D8%A7")


def test_from_urlmap_rejects_missing_file(tmp_path: Path) -> None:
    tsv = tmp_path / "URLMAP.tsv"
    tsv.write_text("url\tfile\tcontent_type\nhttps://a.sy/\tnope.html\ttext/html\n")
    with pytest.raises(FileNotFoundError, match=r"nope\.html"):
        ReplaySite.from_urlmap(tsv)


# --- urllib through the proxy ------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        f"{ALWATAN}/robots.txt",
        f"{ALWATAN}/feed/",
        f"{ALWATAN}/archives/94762",
        f"{ALWATAN}/archives/94762?utm_source=facebook",
        "https://sana.sy/?p=532640",
    ],
)
def test_https_through_proxy_serves_mapped_file(
    server: ReplayServer, corpus: Path, url: str
) -> None:
    site_dir = "sana.sy-replica" if "sana.sy" in url else "alwatan.sy-replica"
    expected = _file_for(corpus / site_dir / "URLMAP.tsv", url).read_bytes()
    status, body, headers = _open(server, url)
    assert (status, body) == (200, expected)
    assert headers["Content-Length"] == str(len(expected))
    assert server.requests == [("GET", url, 200)]
    assert server.tunnels[-1][1] == 200


def test_content_type_head_and_404(server: ReplayServer) -> None:
    status, body, headers = _open(server, f"{ALWATAN}/feed/", method="HEAD")
    assert (status, body) == (200, b"")
    assert headers["Content-Type"] == "application/rss+xml; charset=UTF-8"
    assert int(headers["Content-Length"]) > 1000
    status, body, headers = _open(server, f"{ALWATAN}/wp-json/")
    assert status == 404
    assert b"no such page" in body
    assert headers["Content-Type"].startswith("text/html")
    assert server.requests == [
        ("HEAD", f"{ALWATAN}/feed/", 200),
        ("GET", f"{ALWATAN}/wp-json/", 404),
    ]


def test_plain_http_through_proxy_and_percent_encoded_arabic() -> None:
    site = ReplaySite("plain")
    site.add("http://plain.test/ملف?q=1", b"arabic path", content_type="text/plain")
    site.add("http://plain.test/", b"home")
    with ReplayServer([site]) as srv:
        assert _open(srv, "http://plain.test/%d9%85%d9%84%d9%81?q=1")[:2] == (200, b"arabic path")
        assert _open(srv, "http://plain.test/")[:2] == (200, b"home")
        assert _open(srv, "http://plain.test/missing")[0] == 404
        assert srv.count("http://plain.test") == 3
        assert srv.count(lambda u: u.endswith("q=1")) == 1
        assert not srv.tunnels  # plain http never opens a tunnel


def test_unknown_host_never_leaves_localhost(server: ReplayServer) -> None:
    with pytest.raises(urllib.error.URLError, match="502"):
        _open(server, "https://example.com/")
    assert _open(server, "http://example.com/")[0] == 404
    assert server.tunnels == [("example.com:443", 502)]


def test_count_and_reset_log(server: ReplayServer) -> None:
    for path in ("/feed/", "/feed", "/archives/61234", "/nope"):
        _open(server, ALWATAN + path)
    assert server.count(ALWATAN) == 4
    assert server.count(f"{ALWATAN}/feed") == 2
    assert server.count(lambda url: url.endswith("/nope")) == 1
    assert [s for _, _, s in server.requests] == [200, 200, 200, 404]
    server.reset_log()
    assert server.requests == [] and server.count(ALWATAN) == 0


def test_set_site_switches_to_second_crawl(server: ReplayServer, corpus: Path) -> None:
    url = f"{ALWATAN}/archives/93580"
    v1 = _open(server, url)[1]
    server.set_site(ReplaySite.from_urlmap(corpus / "alwatan.sy-replica" / "URLMAP.v2.tsv"))
    v2 = _open(server, url)[1]
    assert v1 == (corpus / "alwatan.sy-replica" / "article-93580.html").read_bytes()
    assert v2 == (corpus / "alwatan.sy-replica" / "article-93580.v2.html").read_bytes()
    assert v1 != v2
    assert _open(server, "https://sana.sy/feed/")[0] == 200  # other sites untouched


def test_fault_handler_status_and_fallthrough(server: ReplayServer) -> None:
    url = f"{ALWATAN}/feed/"
    server.add_fault(url, failing_times(1, status_fault(503, headers={"Retry-After": "7"})))
    status, _, headers = _open(server, url)
    assert (status, headers["Retry-After"]) == (503, "7")
    assert _open(server, url)[0] == 200
    assert server.requests == [("GET", url, 503), ("GET", url, 200)]


def test_fault_handler_can_cut_the_body(server: ReplayServer) -> None:
    calls: list[str] = []

    def cut(req: BaseHTTPRequestHandler) -> None:
        calls.append(req.path)
        truncated_fault(b"<html><body>half")(req)

    server.add_fault(f"{ALWATAN}/archives/61234", cut)
    with pytest.raises(http.client.IncompleteRead):
        _open(server, f"{ALWATAN}/archives/61234")
    assert calls == ["/archives/61234"]
    # the proxy keeps serving other requests after the cut connection
    assert _open(server, f"{ALWATAN}/feed/")[0] == 200


def test_fault_can_register_an_otherwise_unknown_host(server: ReplayServer) -> None:
    server.add_fault("https://down.test/", status_fault(500, b"boom"))
    assert _open(server, "https://down.test/")[:2] == (500, b"boom")


def test_stop_does_not_hang_with_idle_tunnels(alwatan_map: Path) -> None:
    """An idle keep-alive tunnel (as Scrapy's pool leaves) must not block shutdown."""
    srv = ReplayServer([ReplaySite.from_urlmap(alwatan_map)])
    srv.start()
    host, port = srv.proxy_url.removeprefix("http://").split(":")
    raw = socket.create_connection((host, int(port)))
    raw.sendall(b"CONNECT alwatan.sy:443 HTTP/1.1\r\nHost: alwatan.sy:443\r\n\r\n")
    assert raw.recv(1024).startswith(b"HTTP/1.1 200")
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with ctx.wrap_socket(raw, server_hostname="alwatan.sy") as tls:
        tls.sendall(b"HEAD /feed/ HTTP/1.1\r\nHost: alwatan.sy\r\n\r\n")
        assert tls.recv(4096).startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        srv.stop()
        assert time.monotonic() - started < 3
    assert srv.requests == [("HEAD", f"{ALWATAN}/feed/", 200)]


def test_a_client_reset_before_its_client_hello_leaks_no_socket() -> None:
    """CPython's wrap_socket raises without closing when the peer reset first (a killed crawl
    worker); the proxy must close what it left, or gc warns in some later test (CI did)."""
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # RST, not FIN
        time.sleep(0.05)
        certs = _CertStore()
        assert _accept_tls(certs.context_for("alwatan.sy"), accepted, "alwatan.sy") is None
        certs.close()
        accepted.close()
        gc.collect()  # the leaked SSLSocket's ResourceWarning is an error under our filters


def test_abrupt_clients_leave_no_tracebacks(
    server: ReplayServer, capfd: pytest.CaptureFixture[str]
) -> None:
    """Hang-ups before, during and after the TLS handshake, and a client that gives up on a
    slow response, are logged to the module logger, not printed to stderr."""
    host, port = server.proxy_url.removeprefix("http://").split(":")
    connect = b"CONNECT alwatan.sy:443 HTTP/1.1\r\nHost: alwatan.sy:443\r\n\r\n"
    for after_connect in (b"", b"this is not TLS\r\n\r\n", b"\x16\x03\x01\x02\x00\x01"):
        with socket.create_connection((host, int(port))) as raw:
            raw.sendall(connect)
            assert raw.recv(1024).startswith(b"HTTP/1.1 200")
            raw.sendall(after_connect)
    with socket.create_connection((host, int(port))) as raw:
        raw.sendall(b"GET http://alwatan.sy/ HTTP/1.1\r\n")  # headers never finished
    server.add_fault(f"{ALWATAN}/feed/", slow_fault(1.0))
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        _open(server, f"{ALWATAN}/feed/", timeout=0.3)
    time.sleep(1.2)  # let the slow handler write into the closed socket
    assert _open(server, f"{ALWATAN}/robots.txt")[0] == 200  # still serving
    gc.collect()  # a TLS socket an abandoned handshake leaked would warn (and fail) here
    assert capfd.readouterr().err == ""


# --- real Scrapy through the proxy -------------------------------------------------------------
SPIDER = """
import hashlib
import http.client
import scrapy


class ReplayCheck(scrapy.Spider):
    name = "replaycheck"
    custom_settings = {"HTTPERROR_ALLOW_ALL": True}

    def __init__(self, urls="", **kwargs):
        super().__init__(**kwargs)
        self.start_urls = urls.split()

    async def start(self):
        for url in self.start_urls:
            yield scrapy.Request(url, dont_filter=True, errback=self.failed)

    def parse(self, response):
        yield {
            "url": response.url,
            "status": response.status,
            "length": len(response.body),
            "sha1": hashlib.sha1(response.body).hexdigest(),
            "flags": response.flags,
        }

    def failed(self, failure):
        yield {"url": failure.request.url, "error": failure.type.__name__}
"""


def _run_spider(
    server: ReplayServer, tmp_path: Path, urls: list[str], *settings: str
) -> tuple[list[dict], str]:
    spider = tmp_path / "replay_check_spider.py"
    spider.write_text(SPIDER, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.unlink(missing_ok=True)
    env = os.environ | server.env()
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    cmd = [sys.executable, "-m", "scrapy", "runspider", str(spider), "-o", str(out)]
    cmd += ["-a", "urls=" + " ".join(urls), "-s", "TELNETCONSOLE_ENABLED=False"]
    cmd += ["-s", "LOG_LEVEL=INFO", "-s", "DOWNLOAD_TIMEOUT=20"]
    for setting in settings:
        cmd += ["-s", setting]
    proc = subprocess.run(
        cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return items, proc.stderr


def _sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def test_scrapy_fetches_through_tunnel(
    server: ReplayServer, alwatan_map: Path, tmp_path: Path
) -> None:
    urls = [f"{ALWATAN}/robots.txt", f"{ALWATAN}/feed/", f"{ALWATAN}/archives/94762"]
    items, log = _run_spider(server, tmp_path, urls, "RETRY_ENABLED=False")
    by_url = {item["url"]: item for item in items}
    assert set(by_url) == set(urls), log[-3000:]
    for url in urls:
        assert by_url[url]["status"] == 200
        assert by_url[url]["sha1"] == _sha1(_file_for(alwatan_map, url))
    assert sorted(server.requests) == sorted(("GET", url, 200) for url in urls)
    assert "Remote certificate is not valid" not in log
    assert " ERROR: " not in log and " WARNING: " not in log, log[-3000:]


def test_scrapy_concurrent_crawl_reuses_tunnels(
    server: ReplayServer, corpus: Path, tmp_path: Path
) -> None:
    maps = [corpus / d / "URLMAP.tsv" for d in ("alwatan.sy-replica", "sana.sy-replica")]
    expected = {}
    for urlmap in maps:
        for line in urlmap.read_text(encoding="utf-8").splitlines()[1:]:
            url, name = line.split("\t")[:2]
            expected[url] = _sha1(urlmap.parent / name)
    plain = ReplaySite("plain")
    plain.add("http://plain.test/page", b"plain http via the proxy")
    server.set_site(plain)
    extra = {f"{ALWATAN}/no-such-page": 404, "http://plain.test/page": 200}
    urls = list(expected) * 2 + list(extra)  # twice: the second round rides pooled tunnels
    items, log = _run_spider(
        server,
        tmp_path,
        urls,
        "CONCURRENT_REQUESTS=8",
        "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        "RETRY_ENABLED=False",
    )
    assert len(items) == len(urls), log[-3000:]
    for item in items:
        assert "error" not in item, item
        if item["url"] in expected:
            assert (item["status"], item["sha1"]) == (200, expected[item["url"]]), item
        else:
            assert item["status"] == extra[item["url"]]
    assert len(server.requests) == len(urls)
    assert server.count(ALWATAN) == 2 * 32 + 1
    assert server.count("https://sana.sy") == 2 * 5
    # keep-alive inside the tunnel: far fewer CONNECTs than https requests
    alwatan_tunnels = [t for t in server.tunnels if t[0] == "alwatan.sy:443"]
    assert all(status == 200 for _, status in server.tunnels)
    assert 1 <= len(alwatan_tunnels) <= 8 + 2, alwatan_tunnels


def test_scrapy_faults_retry_and_truncation(
    server: ReplayServer, alwatan_map: Path, tmp_path: Path
) -> None:
    retried = f"{ALWATAN}/archives/61234"
    cut = f"{ALWATAN}/archives/64051"
    server.add_fault(retried, failing_times(2, status_fault(503, headers={"Retry-After": "0"})))
    server.add_fault(cut, truncated_fault(b"<html><body>half a page"))
    items, _log = _run_spider(
        server,
        tmp_path,
        [retried, cut, "https://unknown.test/"],
        "RETRY_TIMES=2",
        "DOWNLOAD_FAIL_ON_DATALOSS=True",
    )
    by_url = {item["url"]: item for item in items}
    assert by_url[retried]["status"] == 200
    assert by_url[retried]["sha1"] == _sha1(_file_for(alwatan_map, retried))
    assert [s for _, u, s in server.requests if u == retried] == [503, 503, 200]
    assert "error" in by_url[cut], by_url[cut]
    assert server.count(cut) == 3  # data loss is retried too
    assert by_url["https://unknown.test/"]["error"] == "TunnelError"
    assert ("unknown.test:443", 502) in server.tunnels
    assert server.count("https://unknown.test") == 0
