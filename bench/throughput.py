"""Crawl throughput, CPU and memory of the real `scrapy crawl` over a generated news site.

The site: N article pages made from the real Arabic pages of the offline corpus (20-490 KB,
mean ~110 KB: their scripts, menus and sidebars kept, the article text replaced by generated
Arabic text, a canonical link to the page's own URL) and a sitemap listing all of them. It is
served on 127.0.0.1 as `bench.localhost:PORT`; a `sitemapcustomize` dir on PYTHONPATH resolves
`*.localhost` to 127.0.0.1 inside the measured processes (no /etc/hosts edit, no proxy).

Each run is measured as a process tree: CPU from getrusage of the waited children, peak memory
as the largest sum of VmRSS over the tree (sampled from /proc every 50 ms).

    .venv/bin/python bench/throughput.py                    # 2,000 articles, 0 and 2 workers
    .venv/bin/python bench/throughput.py --n 20000 --workers 2

bench/compare.py runs trafilatura's CLI against the same generated site.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

import lxml.html  # noqa: E402

from crawler.extract.decode import decode_html  # noqa: E402
from tests.support.replay import ReplayServer, ReplaySite  # noqa: E402

HOST = "bench.localhost"
BODY_MARK = "@@KHABAR_BENCH_BODY@@"
ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")
URL_MARK = "@@KHABAR_BENCH_URL@@"
# A sitecustomize for the measured processes: *.localhost is this machine (RFC 6761).
RESOLVER = """\
import socket

_getaddrinfo, _gethostbyname = socket.getaddrinfo, socket.gethostbyname


def _local(host):
    name = host.decode() if isinstance(host, bytes) else host
    return "127.0.0.1" if isinstance(name, str) and name.endswith(".localhost") else host


socket.getaddrinfo = lambda host, *a, **k: _getaddrinfo(_local(host), *a, **k)
socket.gethostbyname = lambda host: _gethostbyname(_local(host))

# --tracemalloc: what the crawl process still holds at exit, by source line.
import os

if os.environ.get("KHABAR_BENCH_TRACEMALLOC") and os.sys.argv[:1] != ["-c"]:  # not workers
    import atexit
    import tracemalloc

    tracemalloc.start()

    def _dump(path=os.environ["KHABAR_BENCH_TRACEMALLOC"]):
        top = tracemalloc.take_snapshot().statistics("lineno")[:25]
        with open(path, "w") as fh:
            fh.writelines(f"{stat}\\n" for stat in top)

    atexit.register(_dump)
"""


def corpus_dir() -> Path:
    env = os.environ.get("KHABAR_CORPUS")
    return Path(env) if env else (PROJECT_ROOT / ".." / "shared" / "corpus").resolve()


# --- the generated site ---------------------------------------------------------------------


def vocabulary(corpus: Path) -> list[str]:
    """Every Arabic word of the corpus gold bodies, repeats kept (so common words stay common).

    A small word list would not do: trafilatura names its output files by a bag-of-words hash,
    and texts drawn from a hundred words all hash alike.
    """
    words = []
    for path in sorted(corpus.glob("*/*.gold.txt")):
        if _language(path) == "fa":
            continue
        words += [w for w in ARABIC_WORD.findall(path.read_text("utf-8")) if len(w) > 1]
    return words


def _language(gold_txt: Path) -> str | None:
    meta = gold_txt.with_name(gold_txt.name.replace(".gold.txt", ".gold.json"))
    return json.loads(meta.read_text("utf-8")).get("language") if meta.exists() else None


def sentence(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(12, 24))) + "."


def article_text(rng: random.Random, words: list[str]) -> list[str]:
    """The paragraphs of one generated article (100-400 words)."""
    return [f"{sentence(rng, words)} {sentence(rng, words)}" for _ in range(rng.randint(4, 9))]


@dataclass(frozen=True)
class Template:
    """A real page with its article text cut out: markers for the body and the page's URL."""

    name: str
    html: str
    encoding: str

    @property
    def content_type(self) -> str:
        """What the site's server would say: a UTF-8 charset, or (windows-1256 pages) none."""
        return "text/html; charset=utf-8" if self.encoding == "utf-8" else "text/html"

    def render(self, url: str, paragraphs: list[str]) -> bytes:
        body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
        page = self.html.replace(BODY_MARK, body).replace(URL_MARK, url)
        return page.encode(self.encoding, errors="xmlcharrefreplace")


def _squash(text: str) -> str:
    return " ".join(text.split())


def _body_container(
    root: lxml.html.HtmlElement,
    gold: list[str],
    share: float = 0.8,
    outside: lxml.html.HtmlElement | None = None,
) -> lxml.html.HtmlElement | None:
    """The smallest element holding at least `share` of the gold paragraphs (and not holding
    `outside`)."""
    around = list(outside.iterancestors()) if outside is not None else []
    keys = [_squash(line)[:40] for line in gold if len(line.split()) >= 3]
    if not keys:
        return None
    need = max(share * len(keys), 1)
    best, best_len = None, 0
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in {"html", "head", "script", "style"}:
            continue
        if any(el is a for a in around):
            continue
        text = _squash(el.text_content())
        if best is not None and len(text) >= best_len:
            continue
        if sum(key in text for key in keys) >= need:
            best, best_len = el, len(text)
    return best


def load_templates(corpus: Path) -> list[Template]:
    """Every real (not constructed) Arabic article page of the corpus with a full-body gold."""
    templates = []
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    for row in rows:
        path = corpus / row["local_path"]
        gold_txt = path.with_name(path.name.removesuffix(".html") + ".gold.txt")
        if (
            row["kind"] != "article"
            or row["local_path"].startswith(("_", "seed/"))
            or "-replica/" in row["local_path"]
            or not gold_txt.exists()
            or _language(gold_txt) == "fa"
        ):
            continue
        text, encoding = decode_html(path.read_bytes())
        root = lxml.html.document_fromstring(text)
        gold = gold_txt.read_text("utf-8").splitlines()
        box = _body_container(root, gold)
        if box is None:
            print(f"template skipped, article text not found: {path.name}", file=sys.stderr)
            continue
        first = box
        while box is not None:  # some pages carry the article twice (print view, hidden copy)
            for child in list(box):
                box.remove(child)
            box.text = ""
            box = _body_container(root, gold, 0.5, outside=first)
        first.text = BODY_MARK
        for el in root.xpath(
            "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]"
            "|//link[@rel='amphtml']|//meta[@property='og:url']"
        ):
            el.drop_tree()
        head = root.find("head")
        if head is not None:
            head.append(lxml.html.Element("link", rel="canonical", href=URL_MARK))
        html = lxml.html.tostring(root.getroottree(), encoding="unicode", doctype="<!DOCTYPE html>")
        templates.append(Template(path.name, html, encoding))
    return templates


@dataclass
class GeneratedSite:
    base: str  # http://bench.localhost:PORT
    site: ReplaySite
    bodies: dict[str, str]  # article URL → generated body text, one paragraph a line
    page_bytes: int

    @property
    def sitemap(self) -> str:
        return f"{self.base}/sitemap.xml"


def generate_site(count: int, port: int, folder: Path, seed: int = 20261129) -> GeneratedSite:
    """Write `count` article pages (round-robin over the corpus templates) and a sitemap to
    `folder`, served from disk so that 20,000 pages cost the benchmark no memory."""
    templates = load_templates(corpus_dir())
    if not templates:
        raise SystemExit(f"no corpus templates under {corpus_dir()} (set KHABAR_CORPUS)")
    words = vocabulary(corpus_dir())
    rng = random.Random(seed)
    base = f"http://{HOST}:{port}"
    site = ReplaySite("bench")
    bodies: dict[str, str] = {}
    total = 0
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(1, count + 1):
        url = f"{base}/news/{n}.html"
        paragraphs = article_text(rng, words)
        page = templates[n % len(templates)].render(url, paragraphs)
        path = folder / f"{n}.html"
        path.write_bytes(page)
        total += len(page)
        template = templates[n % len(templates)]
        site.add(url, path, template.content_type)
        bodies[url] = "\n".join(paragraphs)
    urls = "".join(f"<url><loc>{u}</loc></url>" for u in bodies)
    site.add(
        f"{base}/sitemap.xml",
        f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
        f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode(),
        "application/xml",
    )
    # trafilatura checks that the site's home page answers before it reads a sitemap.
    site.add(f"{base}/", f'<html lang="ar"><a href="{base}/news/1.html">1</a></html>'.encode())
    site.add(f"{base}/robots.txt", b"User-agent: *\nAllow: /\n", "text/plain")
    return GeneratedSite(base, site, bodies, total)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def resolver_env(folder: Path) -> dict[str, str]:
    """Environment that makes `*.localhost` resolve to 127.0.0.1 in Python subprocesses."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(RESOLVER, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(folder), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, "no_proxy": "*", "NO_PROXY": "*"}


# --- measuring a process tree ---------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def tree_rss_kb(root: int) -> int:
    """Sum of VmRSS (KB) of `root` and all its descendants."""
    return tree_memory_kb(root)[0]


def tree_memory_kb(root: int) -> tuple[int, int]:
    """Sums of RSS and PSS (KB) of `root` and all its descendants.

    RSS counts a shared library once in every process that maps it (the issue's measure); PSS
    divides shared pages among their processes, so it is what the tree costs the machine.
    """
    tree, todo, rss, pss = _children(), [root], 0, 0
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, ()))
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for name, value in re.findall(r"^(Rss|Pss):\s+(\d+)", rollup, re.M):
            if name == "Rss":
                rss += int(value)
            else:
                pss += int(value)
    return rss, pss


@dataclass
class Measure:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    returncode: int
    stderr: str
    peak_pss_mb: float = 0.0

    def __add__(self, other: Measure) -> Measure:
        return Measure(
            self.seconds + other.seconds,
            self.cpu_seconds + other.cpu_seconds,
            max(self.peak_rss_mb, other.peak_rss_mb),
            self.returncode or other.returncode,
            self.stderr + other.stderr,
            max(self.peak_pss_mb, other.peak_pss_mb),
        )


class TreePeak:
    """The peak RSS and PSS (KB) of a process tree, sampled every 50 ms in a thread while the
    `with` block runs."""

    def __init__(self, root: int) -> None:
        self.root, self.rss, self.pss = root, 0, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._done.wait(0.05):
            rss, pss = tree_memory_kb(self.root)
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def run_tree(args: list[str], env: dict[str, str], cwd: Path, stdout=None) -> Measure:
    """Run `args` to completion; wall time, CPU of the whole tree, peak tree RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=stdout or subprocess.DEVNULL, stderr=err, text=True
        )
        with TreePeak(proc.pid) as peak:
            proc.wait()
        err.seek(0)
        stderr = err.read()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Measure(elapsed, cpu, peak.rss / 1024, proc.returncode, stderr, peak.pss / 1024)


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


# --- khabar -----------------------------------------------------------------------------------


def khabar_config(generated: GeneratedSite, db: Path) -> str:
    host = re.escape(generated.base.removeprefix("http://"))
    return f"""\
database: {db}
sites:
  - name: bench
    display_name: bench
    domains: [{HOST}]
    locale: ar
    timezone: UTC
    download_delay: 0
    concurrency: 16
    sitemaps: [{generated.sitemap}]
    article_patterns: ['^http://{host}/news/\\d+[.]html$']
"""


def crawl_khabar(generated: GeneratedSite, workdir: Path, workers: int, env: dict) -> dict:
    """`scrapy crawl bench` of the generated site; its measure and the stored bodies."""
    db = workdir / f"khabar-{workers}.sqlite"
    db.unlink(missing_ok=True)
    config = workdir / "khabar.yaml"
    config.write_text(khabar_config(generated, db), encoding="utf-8")
    env = {
        **os.environ,
        **env,
        "KHABAR_CONFIG": str(config),
        "KHABAR_DB": str(db),
        "KHABAR_EXTRACT_WORKERS": str(workers),
    }
    args = [sys.executable, "-m", "scrapy", "crawl", "bench"]
    for setting in (
        "DOWNLOAD_DELAY=0",
        "AUTOTHROTTLE_ENABLED=0",
        "CONCURRENT_REQUESTS=16",
        "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        "LOG_LEVEL=WARNING",
    ):
        args += ["-s", setting]
    measure = run_tree(args, env, PROJECT_ROOT)
    if measure.returncode:
        raise SystemExit(f"khabar crawl failed ({measure.returncode}):\n{measure.stderr[-3000:]}")
    conn = sqlite3.connect(db)
    bodies = dict(conn.execute("SELECT url, body FROM articles"))
    rejected = conn.execute("SELECT rejected_reasons FROM crawls ORDER BY id DESC").fetchone()[0]
    conn.close()
    return {
        "measure": measure,
        "bodies": bodies,
        "rejected": rejected,
        "db_mb": db.stat().st_size / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="articles in the generated site")
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 2])
    parser.add_argument(
        "--tracemalloc", type=Path, help="write the crawl process's top allocations here"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="khabar-bench-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        generated = generate_site(args.n, port, workdir / "site")
        env = resolver_env(workdir / "resolve")
        if args.tracemalloc:
            env["KHABAR_BENCH_TRACEMALLOC"] = str(args.tracemalloc.resolve())
        print(f"site: {args.n} pages, mean {generated.page_bytes / args.n / 1024:.0f} KB")
        with ReplayServer([generated.site], port=port):
            for workers in args.workers:
                run = crawl_khabar(generated, workdir, workers, env)
                m, stored = run["measure"], len(run["bodies"])
                print(
                    f"workers={workers} articles={stored} seconds={m.seconds:.1f} "
                    f"articles/s={stored / m.seconds:.1f} cpu_s/article="
                    f"{m.cpu_seconds / max(stored, 1):.4f} peak_tree_rss_mb={m.peak_rss_mb:.0f} "
                    f"db_mb={run['db_mb']:.1f} rejected={run['rejected']} ({load()})",
                    flush=True,
                )


if __name__ == "__main__":
    main()
