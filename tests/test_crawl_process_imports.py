"""The crawl process hands pages to extraction workers: it must not load the extractors itself
(trafilatura, htmldate, justext: memory in every crawl for nothing, issue 12)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

LOAD_CRAWL_COMPONENTS = """
import importlib, pkgutil, sys
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings

settings = get_project_settings()
for name in ("ADDONS", "EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES",
             "ITEM_PIPELINES"):
    for path in settings.getdict(name):
        if isinstance(path, str):
            load_object(path)
for module in settings.getlist("SPIDER_MODULES"):
    package = importlib.import_module(module)
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{module}.{info.name}")
from crawler.config import load_config
load_config()
print(" ".join(sorted({m.split(".")[0] for m in sys.modules})))
print(" ".join(sorted(m for m in sys.modules if m.startswith("crawler.extract"))))
"""


def test_crawl_process_loads_no_extractor() -> None:
    out = subprocess.run(
        [sys.executable, "-c", LOAD_CRAWL_COMPONENTS],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    top_level, ours = set(out[0].split()), out[1].split()
    assert "scrapy" in top_level and "pipelines" in top_level  # the components did load
    assert not top_level & {"trafilatura", "htmldate", "justext", "courlan", "py3langid"}
    assert "crawler.extract.article" not in ours
