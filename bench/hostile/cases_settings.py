"""Settings and environment: every KHABAR_* variable and `-s NAME=value` is checked at start
(type, range) with one line naming it, never a traceback mid-run, never a run that quietly
ignores it. The site is served, so a setting that is not refused shows as a crawl exiting 0."""

from __future__ import annotations

from bench.hostile.common import crawl, standard
from bench.hostile.harness import Case, crawl_refused, refused, succeeds
from tests.support.serving import free_port

KIND = "settings/env"


def bad_setting(name: str, value: str, defect: str = "#16", limit: float = 40) -> Case:
    """`scrapy crawl plain -s NAME=value` must stop before crawling, naming the setting."""
    return Case(
        f"s-{name.lower()}={value}",
        KIND,
        crawl("-s", f"{name}={value}"),
        crawl_refused(rf"{name}"),
        setup=standard(),
        limit=limit,
        defect=defect,
    )


def bad_env(
    name: str,
    value: str,
    command: tuple[str, ...] | None = None,
    defect: str = "#9",
    limit: float = 40,
    label: str = "",
    line: str = "",
) -> Case:
    command = command or crawl()
    return Case(
        f"env-{name.lower()}={label or value}",
        KIND,
        command,
        crawl_refused(line or rf"{name}"),
        setup=standard(),
        env={name: value},
        limit=limit,
        defect=defect,
    )


CASES = [
    bad_env("KHABAR_EXTRACT_WORKERS", "abc", ("scrapy", "list"), label="abc-list"),
    bad_env("KHABAR_EXTRACT_WORKERS", "abc"),
    # 1000 worker processes of ~50 MB: refused at start, or the bench kills it after 15 s.
    bad_env("KHABAR_EXTRACT_WORKERS", "1000", limit=15),
    bad_env("KHABAR_EXTRACT_WORKERS", "-1"),
    bad_env("KHABAR_CRAWL_ID", "abc", defect="#16"),
    bad_env("KHABAR_DB", "{dir}", defect="held", label="directory", line="is a directory"),
    bad_setting("KHABAR_PROGRESS_INTERVAL", "abc"),
    bad_setting("KHABAR_NEARDUP_WINDOW_DAYS", "abc"),
    bad_setting("KHABAR_MIN_WORDS", "abc"),
    bad_setting("KHABAR_WRITE_INTERVAL", "abc"),
    bad_setting("KHABAR_KEEP_RAW", "maybe"),
    bad_setting("KHABAR_CRAWL_ID", "abc"),
    bad_setting("KHABAR_WRITE_BATCH", "-3"),
    bad_setting("KHABAR_WRITE_BATCH", "abc"),
    bad_setting("KHABAR_MAX_CRAWL_DELAY", "-1"),
    bad_setting("KHABAR_MAX_RETRY_AFTER", "abc"),
    bad_setting("KHABAR_RETRY_BACKOFF", "-2"),
    bad_setting("DOWNLOAD_DELAY", "-5"),
    bad_setting("DOWNLOAD_DELAY", "abc"),
    bad_setting("CONCURRENT_REQUESTS", "0"),
    bad_setting("DOWNLOAD_TIMEOUT", "abc"),
    bad_setting("LOG_LEVEL", "BOGUS"),
    Case(
        "schedule-bad-setting-up-front",
        KIND,
        ("khabar", "schedule", "--once", "--site", "plain", "-s", "DOWNLOAD_DELAY=abc"),
        refused(r"DOWNLOAD_DELAY"),
        setup=standard(),
        limit=40,
        defect="#16",
    ),
    Case(
        "schedule-bad-log-level",
        KIND,
        ("khabar", "schedule", "--once", "--site", "plain", "-s", "LOG_LEVEL=BOGUS"),
        refused(r"LOG_LEVEL"),
        setup=standard(),
        limit=40,
        defect="#16",
    ),
    Case(
        "schedule-setting-without-value",
        KIND,
        ("khabar", "schedule", "--once", "--site", "plain", "-s", "DOWNLOAD_DELAY"),
        refused(r"NAME=VALUE|DOWNLOAD_DELAY"),
        setup=standard(),
        limit=40,
        defect="held",
    ),
    Case(
        "status-redis-unreachable",
        KIND,
        ("khabar", "status", "--db", "{db}"),
        succeeds(1, stdout=r"(?i)redis|distributed"),
        setup=standard(precrawled=True),
        env={"KHABAR_REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"},
        defect="#15",
    ),
    Case(
        "crawl-redis-url-garbage",
        KIND,
        crawl(),
        crawl_refused(r"(?i)KHABAR_REDIS_URL|redis"),
        setup=standard(),
        env={"KHABAR_REDIS_URL": "not a url"},
        limit=40,
        defect="#16",
    ),
]
