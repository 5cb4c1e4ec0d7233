"""Scrapy settings for khabar.

Site-specific values (domains, start points, politeness) live in config.yaml and reach each
spider through `custom_settings`; this module holds what is the same for every site. Every
khabar-specific setting is prefixed KHABAR_ and can be overridden per run with `-s NAME=value`;
crawler/setting_rules.py says what each value must be.
"""

import os

BOT_NAME = "khabar"

SPIDER_LOADER_CLASS = "crawler.spiderloader.ConfigSpiderLoader"
SPIDER_MODULES: list[str] = []
# `scrapy crawl` exits non-zero exactly when its run is recorded failed.
COMMANDS_MODULE = "crawler.scrapy_commands"
NEWSPIDER_MODULE = "spiders"

# A real User-Agent that names the project, so site operators know who is calling.
USER_AGENT = "khabar/0.2 (+https://github.com/khabar-news/khabar; Arabic news archiver)"
ROBOTSTXT_OBEY = True

# Politeness: AutoThrottle adapts the delay to the server; sites set their start delay and
# concurrency in config.yaml.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
# Each response yields one article: Scrapy's default of 100 parallel item workers per response
# only costs task churn in the reactor process.
CONCURRENT_ITEMS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # a news page is never 10 MB; refuse larger bodies
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 10
URLLENGTH_LIMIT = 2083
DEPTH_LIMIT = 6

# HttpProxyMiddleware stays on (Scrapy's default): http_proxy / https_proxy keep working.

# Wait (bounded by KHABAR_MAX_RETRY_AFTER) before RetryMiddleware (550) retries a 429/503;
# placed just outside it so it sees the response first. See crawler/middlewares/retry_after.py.
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.crawl_delay.CrawlDelayMiddleware": 110,  # after RobotsTxt (100)
    "crawler.middlewares.retry_after.RetryAfterMiddleware": 555,
}

# The database path resolved once per run, and the one store every component shares;
# KHABAR_REDIS_URL makes the crawl a distributed worker (crawler/distributed/addon.py).
ADDONS = {"crawler.addons.KhabarDatabase": 0, "crawler.distributed.addon.DistributedMode": 10}

# Skips stored articles unless a feed/sitemap says they changed (see the middleware).
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.known_articles.KnownArticlesMiddleware": 100,
    # `-a backfill=1` only: every request through the frontier on disk (crawler/backfill.py);
    # nearer the spider than the known-articles middleware, which then sees no request.
    "crawler.backfill.BackfillFrontierMiddleware": 150,
}

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.normalise.NormalisePipeline": 300,
    "pipelines.deduplicate.DeduplicatePipeline": 400,
    "pipelines.store.StorePipeline": 500,
}

EXTENSIONS = {
    "crawler.extensions.crawlrecord.CrawlRunRecorder": 100,
    "crawler.extensions.networklog.QuietNetworkErrors": 110,
    "crawler.extensions.progress.ProgressExtension": 120,
}

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# No control ports: a crawler that runs unattended for months should not listen on any port.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# --- khabar ---------------------------------------------------------------------------------
# SQLite file; default is config.yaml's `database` (resolved once by crawler.addons).
KHABAR_DB = os.environ.get("KHABAR_DB", "")
# Where the known-article lookups go: storage.known (the SQLite file) or another KnownArticles.
KHABAR_KNOWN_ARTICLES = "storage.known.SqliteKnownArticles"
# Worker processes for extraction; 0 (the default) extracts in the crawl process. Measured
# (bench/compare.py, real-weight pages, issue 18): one worker process costs ~90 MB of peak
# tree RSS (~60 MB PSS) every time; its articles/s were the same as in-process in one pair of
# runs and 1.7x in another (500 pages, load 5-9 on 2 cores). A polite scheduled crawl needs far
# less than the ~16 pages/s one core extracts, so it keeps the memory; `khabar backfill`, which
# wants the throughput, runs with one worker unless KHABAR_EXTRACT_WORKERS is set.
# Read as text: crawler/setting_rules.py checks it (type, range) before anything starts.
KHABAR_EXTRACT_WORKERS = os.environ.get("KHABAR_EXTRACT_WORKERS", "0")
# Articles are written in transactions of this many rows (and at least every few seconds).
KHABAR_WRITE_BATCH = 50
KHABAR_WRITE_INTERVAL = 5.0
# Articles shorter than this many words are rejected as not-an-article.
KHABAR_MIN_WORDS = 25
# Near-duplicates are looked for among articles first stored in the last this-many days
# (0 = the whole archive). The index lives in SQLite (storage/lsh.py), so the whole archive
# costs no memory.
KHABAR_NEARDUP_WINDOW_DAYS = 0
# Keep the raw page (compressed) so `khabar reextract` can re-run extraction offline.
KHABAR_KEEP_RAW = True
# Set by the scheduler daemon: the crawls row this run reports into.
KHABAR_CRAWL_ID = os.environ.get("KHABAR_CRAWL_ID", "0")
# Longest Retry-After (seconds) a 429/503 is waited for; a longer one gives the URL up.
KHABAR_MAX_RETRY_AFTER = 60.0
# Progress of a crawl (done/discovered, rate, ETA): redrawn on a terminal, else logged this
# often (seconds), so short crawls log none.
KHABAR_PROGRESS_INTERVAL = 60.0
# Longest robots.txt Crawl-delay (seconds) honoured; a site asking more gets this.
KHABAR_MAX_CRAWL_DELAY = 60.0
# Wait before retrying a 429/503 without Retry-After: this × 2^(retries so far) seconds.
KHABAR_RETRY_BACKOFF = 1.0
# A backfill keeps at most this many of its requests in Scrapy's scheduler (the rest wait in
# the frontier table): a kill refetches at most these and the store's unwritten buffer.
KHABAR_BACKFILL_BATCH = 64
# How often (seconds) a backfill writes its position for `khabar status`.
KHABAR_BACKFILL_REPORT_INTERVAL = 2.0
