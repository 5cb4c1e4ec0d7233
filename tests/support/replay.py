"""A local HTTP(S) forward proxy that replays the offline corpus under the sites' real URLs.

Why a proxy rather than a plain web server: config.yaml lists the real feed and site URLs, and
the end-to-end tests must crawl exactly those. Scrapy's HttpProxyMiddleware honours the standard
``http_proxy``/``https_proxy`` variables, so a crawl started with ``ReplayServer.env()`` sends
plain-http requests here with an absolute URL in the request line, and https requests as
``CONNECT host:443`` followed by TLS inside the tunnel. Scrapy does not verify certificates by
default, so the tunnel is terminated with a throw-away self-signed certificate per host (its SAN
matches the host, so Scrapy does not even log a hostname warning). Nothing ever leaves
127.0.0.1: a CONNECT to a host no site serves is refused with 502, which Scrapy reports as a
``TunnelError`` (and retries, like a DNS failure), and an unknown URL on a known host is a 404.

Connections are HTTP/1.1 keep-alive (every response carries Content-Length), because Scrapy's
connection pool reuses a tunnel for later requests to the same host.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import html
import ipaddress
import logging
import re
import socket
import ssl
import string
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import quote, urlsplit, urlunsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

logger = logging.getLogger(__name__)

FaultHandler = Callable[[BaseHTTPRequestHandler], None]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
# Everything printable in ASCII stays as is ('%' included, so escapes are not double-encoded);
# spaces, controls and non-ASCII characters are UTF-8 percent-encoded, as Scrapy sends them.
_URL_SAFE = string.punctuation


def normalise_url(url: str) -> str:
    """Return the form URLs are matched in: lower-case scheme/host, no default port, '/' for
    an empty path, no fragment, non-ASCII percent-encoded and every %xx escape in upper case."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"

    def fix(text: str) -> str:
        return _ESCAPE.sub(lambda m: m.group(0).upper(), quote(text, safe=_URL_SAFE))

    return urlunsplit((scheme, netloc, fix(parts.path) or "/", fix(parts.query), ""))


def _url_host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@dataclass(frozen=True)
class Resource:
    """One replayed response; a Path body is read when served so big maps cost no memory."""

    body: bytes | Path
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    def read(self) -> bytes:
        return self.body.read_bytes() if isinstance(self.body, Path) else self.body


class ReplaySite:
    """One site's URL → response map (usually loaded from a corpus URLMAP.tsv)."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._resources: dict[str, Resource] = {}

    @classmethod
    def from_urlmap(cls, urlmap: Path) -> ReplaySite:
        """Read ``url<TAB>file<TAB>content_type`` lines (after a header line); files are
        relative to the TSV's folder. Missing files fail here, not in the middle of a crawl."""
        urlmap = Path(urlmap)
        site = cls(name=urlmap.parent.name)
        with urlmap.open(encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(rows, None)  # header
            for lineno, row in enumerate(rows, start=2):
                if not row or not row[0].strip():
                    continue
                if len(row) < 2:
                    raise ValueError(f"{urlmap}:{lineno}: expected url<TAB>file[<TAB>type]")
                path = urlmap.parent / row[1]
                if not path.is_file():
                    raise FileNotFoundError(f"{urlmap}:{lineno}: {path} does not exist")
                ctype = row[2] if len(row) > 2 and row[2] else "application/octet-stream"
                site.add(row[0], path, content_type=ctype)
        return site

    def add(
        self,
        url: str,
        body: bytes | Path,
        content_type: str = "text/html; charset=UTF-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve ``body`` at ``url`` (matched after :func:`normalise_url`)."""
        if not urlsplit(url).hostname:
            raise ValueError(f"not an absolute URL: {url!r}")
        self._resources[normalise_url(url)] = Resource(
            body, content_type, status, dict(headers or {})
        )

    def get(self, url: str) -> Resource | None:
        return self._resources.get(normalise_url(url))

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset(_url_host(u) for u in self._resources)

    @property
    def urls(self) -> list[str]:
        return list(self._resources)

    def __len__(self) -> int:
        return len(self._resources)

    def __repr__(self) -> str:
        return f"ReplaySite({self.name!r}, {len(self)} urls, hosts={sorted(self.hosts)})"


class _CertStore:
    """Self-signed per-host certificates, made on first use (an EC key takes ~1 ms)."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="khabar-replay-")
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._lock = threading.Lock()

    def context_for(self, host: str) -> ssl.SSLContext:
        with self._lock:
            ctx = self._contexts.get(host)
            if ctx is None:
                ctx = self._contexts[host] = self._make_context(host)
            return ctx

    def _make_context(self, host: str) -> ssl.SSLContext:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host[:64] or "replay")])
        try:
            alt: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
        except ValueError:
            alt = x509.DNSName(host)
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
            .sign(key, hashes.SHA256())
        )
        stem = Path(self._dir.name) / hashlib.sha1(host.encode()).hexdigest()
        cert_path, key_path = stem.with_suffix(".crt"), stem.with_suffix(".key")
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert_path, key_path)
        return ctx

    def close(self) -> None:
        self._dir.cleanup()


def _accept_tls(context: ssl.SSLContext, sock: socket.socket, host: str) -> ssl.SSLSocket | None:
    """The server side of a TLS handshake, or None (logged) when the client went away.

    A client killed between CONNECT and its ClientHello (a crawl worker the test kills) makes
    CPython's ``SSLSocket._create`` raise after it took over the descriptor, without closing it;
    the leaked socket's ResourceWarning then fails whichever test is running. Whatever
    ``wrap_socket`` left behind is found on the traceback and closed here.
    """
    try:
        tls = context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
    except OSError as exc:
        logger.debug("TLS wrap for %s failed: %s", host, exc)
        tb = exc.__traceback__
        while tb is not None:
            abandoned = tb.tb_frame.f_locals.get("self")
            if isinstance(abandoned, ssl.SSLSocket):
                abandoned.close()
            tb = tb.tb_next
        return None
    try:
        tls.do_handshake()
    except OSError as exc:  # ssl.SSLError included
        logger.debug("TLS handshake for %s failed: %s", host, exc)
        tls.close()
        return None
    return tls


class _ReplayHandler(BaseHTTPRequestHandler):
    """Answers proxy requests: CONNECT opens a (TLS) tunnel whose requests loop through the
    normal ``handle()`` cycle; absolute-URL requests are answered directly."""

    protocol_version = "HTTP/1.1"
    server_version = "khabar-replay/1"
    timeout = 60  # idle keep-alive connections give up after this

    server: _ProxyServer
    _tunnel: tuple[str, str, int] | None = None  # (scheme, host, port) inside a CONNECT
    _tls: ssl.SSLSocket | None = None
    _sent_status: int = 0
    replay_url: str = ""

    # --- plumbing -------------------------------------------------------------------------
    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            if self._tls is not None:
                self.server.untrack(self._tls)
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(self._tls, socket.SHUT_RDWR)
                self._tls.close()
            self.server.untrack(self.connection)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def send_response(self, code: int, message: str | None = None) -> None:
        # Log before a single byte is on the wire: a client that has its response must find
        # the request already in ``ReplayServer.requests``.
        if not self._sent_status and self.replay_url:
            self._sent_status = code
            self.server.replay.log_request(self.command, self.replay_url, code)
        super().send_response(code, message)

    def handle_one_request(self) -> None:
        self._sent_status = 0
        self.replay_url = ""
        super().handle_one_request()

    # --- CONNECT --------------------------------------------------------------------------
    def do_CONNECT(self) -> None:
        host, _, port_text = self.path.rpartition(":")
        host = host.strip("[]").lower()
        port = int(port_text) if port_text.isdigit() else 443
        if not host or not self.server.replay.knows_host(host):
            self.server.replay.log_tunnel(f"{host}:{port}", 502)
            self._send_simple(502, f"replay proxy: no site for {host}")
            self.close_connection = True
            return
        self.send_response(200, "Connection Established")
        self.end_headers()
        self.wfile.flush()
        self.server.replay.log_tunnel(f"{host}:{port}", 200)
        scheme = "http" if port == 80 else "https"
        if scheme == "https":
            tls = _accept_tls(self.server.certs.context_for(host), self.connection, host)
            if tls is None:
                self.close_connection = True
                return
            self._tls = tls
            self.server.track(tls)
            # The plain-socket files wrap a now-detached socket; close them before replacing.
            self.wfile.close()
            self.rfile.close()
            self.rfile = tls.makefile("rb")
            self.wfile = tls.makefile("wb")
        self._tunnel = (scheme, host, port)
        self.close_connection = False  # a CONNECT sent as HTTP/1.0 must not end the tunnel

    # --- ordinary requests ----------------------------------------------------------------
    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._serve()

    def _absolute_url(self) -> str:
        if self._tunnel is not None:
            scheme, host, port = self._tunnel
            netloc = host if port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
            return normalise_url(f"{scheme}://{netloc}{self.path}")
        if "://" in self.path:
            return normalise_url(self.path)
        return normalise_url(f"http://{self.headers.get('Host', 'localhost')}{self.path}")

    def _serve(self) -> None:
        url = self.replay_url = self._absolute_url()
        replay = self.server.replay
        fault = replay.fault_for(url)
        if fault is not None:
            try:
                fault(self)
            finally:
                self.close_connection = True  # the fault may have left the stream half-written
                if not self._sent_status:  # raw bytes or nothing at all: logged as status 0
                    replay.log_request(self.command, url, 0)
            return
        self.send_mapped()

    def send_mapped(self) -> None:
        """Send the mapped response for ``replay_url`` (or 404); fault handlers may call it
        to fall through to normal serving."""
        resource = self.server.replay.lookup(self.replay_url)
        if resource is None:
            self._send_simple(404, f"replay: no such page {self.replay_url}")
            return
        body = resource.read()
        self.send_response(resource.status)
        self.send_header("Content-Type", resource.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", f'"{hashlib.sha1(body).hexdigest()[:20]}"')
        for name, value in resource.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def _send_simple(self, status: int, text: str) -> None:
        safe = html.escape(text)
        body = (
            f"<!doctype html><html><head><title>{status}</title></head>"
            f"<body><p>{safe}</p></body></html>"
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], replay: ReplayServer) -> None:
        self.replay = replay
        self.certs = _CertStore()
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _ReplayHandler)

    def track(self, sock: socket.socket) -> None:
        with self._open_lock:
            self._open.add(sock)

    def untrack(self, sock: socket.socket) -> None:
        with self._open_lock:
            self._open.discard(sock)

    def close_all(self) -> None:
        """Unblock handler threads parked on idle keep-alive connections."""
        with self._open_lock:
            socks, self._open = list(self._open), set()
        for sock in socks:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # bypass SSLSocket.shutdown

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients (Scrapy cancelling, urllib closing) hang up mid-TLS all the time: log one line,
        # never a traceback on stderr. Anything else is a bug here, so it keeps its traceback.
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError | ssl.SSLError):
            logger.debug("connection from %s dropped: %r", client_address, exc)
        else:
            logger.warning("error serving %s", client_address, exc_info=True)


class ReplayServer:
    """Context manager running the replay proxy on a daemon thread; see the module doc."""

    def __init__(
        self, sites: Iterable[ReplaySite] = (), host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self._sites: list[ReplaySite] = []
        self._faults: dict[str, FaultHandler] = {}
        self._lock = threading.Lock()
        self.requests: list[tuple[str, str, int]] = []
        self.tunnels: list[tuple[str, int]] = []  # (host:port, status) of every CONNECT
        for site in sites:
            self.set_site(site)
        self._host, self._port = host, port
        self._server: _ProxyServer | None = None
        self._thread: threading.Thread | None = None
        self.proxy_url = ""

    # --- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> ReplayServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        if self._server is not None:
            return
        server = _ProxyServer((self._host, self._port), self)
        self._server = server
        host, port = server.server_address[:2]
        self.proxy_url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"replay-proxy-{port}",
            daemon=True,
        )
        self._thread.start()
        logger.debug("replay proxy listening on %s", self.proxy_url)

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_all()
        server.certs.close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def env(self) -> dict[str, str]:
        """Environment for a crawl subprocess (``os.environ | server.env()``)."""
        proxy = self.proxy_url
        return {
            "http_proxy": proxy,
            "https_proxy": proxy,
            "HTTP_PROXY": proxy,
            "HTTPS_PROXY": proxy,
            "no_proxy": "",
            "NO_PROXY": "",
        }

    # --- content --------------------------------------------------------------------------
    def set_site(self, site: ReplaySite) -> None:
        """Add ``site``, replacing any site that serves one of its hosts."""
        with self._lock:
            self._sites = [s for s in self._sites if not (s.hosts & site.hosts)] + [site]

    def add_fault(self, url: str, handler: FaultHandler) -> None:
        """Let ``handler`` write the whole response for ``url`` (the connection is closed
        afterwards). It can call ``handler_arg.send_mapped()`` to serve the normal page. The
        request is logged with the first ``send_response()`` status, or 0 if the handler sent
        none (raw bytes or a bare hang-up; that entry appears only once the handler returns)."""
        with self._lock:
            self._faults[normalise_url(url)] = handler

    def lookup(self, url: str) -> Resource | None:
        with self._lock:
            sites = list(self._sites)
        for site in reversed(sites):
            resource = site.get(url)
            if resource is not None:
                return resource
        return None

    def fault_for(self, url: str) -> FaultHandler | None:
        with self._lock:
            return self._faults.get(normalise_url(url))

    def knows_host(self, host: str) -> bool:
        with self._lock:
            if any(host in s.hosts for s in self._sites):
                return True
            return any(_url_host(u) == host for u in self._faults)

    # --- request log ----------------------------------------------------------------------
    def log_request(self, method: str, url: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, url, status))

    def log_tunnel(self, target: str, status: int) -> None:
        with self._lock:
            self.tunnels.append((target, status))

    def count(self, predicate_or_prefix: str | Callable[[str], bool]) -> int:
        """Requests whose URL starts with the prefix (normalised) or satisfies the predicate."""
        if isinstance(predicate_or_prefix, str):
            prefix = predicate_or_prefix
            norm = normalise_url(prefix) if "://" in prefix else prefix
            # normalise_url adds '/' to a bare origin; keep prefixes like 'https://a.sy/arch'.
            if not prefix.endswith("/") and norm.endswith("/") and not urlsplit(prefix).path:
                norm = norm[:-1]

            def predicate(url: str) -> bool:
                return url.startswith(norm)
        else:
            predicate = predicate_or_prefix
        with self._lock:
            urls = [url for _, url, _ in self.requests]
        return sum(1 for url in urls if predicate(url))

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()
            self.tunnels.clear()


# --- ready-made faults --------------------------------------------------------------------
def status_fault(
    status: int, body: bytes = b"", headers: dict[str, str] | None = None
) -> FaultHandler:
    """A complete response with the given status (e.g. 503 + Retry-After)."""

    def handler(req: BaseHTTPRequestHandler) -> None:
        req.send_response(status)
        for name, value in (headers or {}).items():
            req.send_header(name, value)
        req.send_header("Content-Length", str(len(body)))
        req.send_header("Connection", "close")
        req.end_headers()
        if req.command != "HEAD":
            req.wfile.write(body)
        req.wfile.flush()

    return handler


def truncated_fault(
    body: bytes, declared_length: int | None = None, content_type: str = "text/html"
) -> FaultHandler:
    """200 announcing ``declared_length`` bytes (default: twice the body), then hang up."""

    def handler(req: BaseHTTPRequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Type", content_type)
        req.send_header("Content-Length", str(declared_length or 2 * len(body) + 1))
        req.end_headers()
        req.wfile.write(body)
        req.wfile.flush()

    return handler


def slow_fault(delay: float) -> FaultHandler:
    """Sleep ``delay`` seconds, then serve the mapped page (for download-timeout tests)."""

    def handler(req: BaseHTTPRequestHandler) -> None:
        time.sleep(delay)
        req.send_mapped()  # type: ignore[attr-defined]

    return handler


def failing_times(times: int, fault: FaultHandler) -> FaultHandler:
    """Apply ``fault`` to the first ``times`` requests, then serve normally (retry tests)."""
    remaining = [times]
    lock = threading.Lock()

    def handler(req: BaseHTTPRequestHandler) -> None:
        with lock:
            fire = remaining[0] > 0
            remaining[0] -= fire
        if fire:
            fault(req)
        else:
            req.send_mapped()  # type: ignore[attr-defined]

    return handler
