"""`khabar status` as Prometheus metrics: text exposition for a scrape, or a textfile for
node_exporter's textfile collector.

Ops teams alert on these rather than on the table: per site the articles stored, the last
successful run, the health verdict as a labelled gauge (one series per verdict, 1 for the
current one, so `khabar_site_health{verdict="quiet"} == 1` is an alert rule), and in
distributed mode the queue lengths. prometheus-client writes the format; the values come from
the same rows `khabar status` prints.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest, write_to_textfile
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from crawler.distributed.status import QueueStatus
from crawler.health import PRECEDENCE, Normal


@dataclass(frozen=True)
class SiteMetrics:
    """What one site contributes to the metrics (built from its `khabar status` row)."""

    site: str
    verdict: str
    articles_stored: int
    articles_24h: int
    last_run: datetime | None
    last_success: datetime | None
    normal: Normal | None  # its normal articles per day, once it has the history for one


class StatusCollector(Collector):
    """Yields the gauges of one `khabar status` reading (collected once, then discarded)."""

    def __init__(
        self,
        sites: Sequence[SiteMetrics],
        healthy: bool,
        distributed: QueueStatus | str | None,
    ) -> None:
        self.sites = sites
        self.healthy = healthy
        self.distributed = distributed

    def collect(self) -> Iterator[Metric]:
        yield from self._sites()
        overall = GaugeMetricFamily(
            "khabar_healthy", "1 when every listed site is ok or new (khabar status exit 0)"
        )
        overall.add_metric([], 1 if self.healthy else 0)
        yield overall
        if self.distributed is not None:
            yield from self._queues(self.distributed)

    def _sites(self) -> Iterator[Metric]:
        def gauge(name: str, doc: str, labels: Sequence[str] = ("site",)) -> GaugeMetricFamily:
            return GaugeMetricFamily(name, doc, labels=list(labels))

        stored = gauge("khabar_site_articles_stored", "articles stored for the site")
        new_24h = gauge("khabar_site_articles_new_24h", "articles first stored in the last 24 h")
        last_run = gauge(
            "khabar_site_last_run_timestamp_seconds", "start of the site's latest run (Unix time)"
        )
        success = gauge(
            "khabar_site_last_success_timestamp_seconds",
            "end of the site's latest successful run (Unix time)",
        )
        health = gauge(
            "khabar_site_health",
            "1 for the site's current verdict (khabar status), 0 for the others",
            ("site", "verdict"),
        )
        normal = gauge(
            "khabar_site_normal_articles_per_day",
            "the site's mean new articles per day over its last 28 days (once it has 14)",
        )
        threshold = gauge(
            "khabar_site_quiet_threshold_articles",
            "new articles in 24 h below which the site is quiet (mean - 2 sigma)",
        )
        for s in self.sites:
            stored.add_metric([s.site], s.articles_stored)
            new_24h.add_metric([s.site], s.articles_24h)
            if s.last_run is not None:
                last_run.add_metric([s.site], s.last_run.timestamp())
            if s.last_success is not None:
                success.add_metric([s.site], s.last_success.timestamp())
            for verdict in PRECEDENCE:
                health.add_metric([s.site, verdict], 1 if verdict == s.verdict else 0)
            if s.normal is not None:
                normal.add_metric([s.site], s.normal.mean)
                threshold.add_metric([s.site], s.normal.threshold)
        yield from (stored, new_24h, last_run, success, health, normal, threshold)

    def _queues(self, status: QueueStatus | str) -> Iterator[Metric]:
        up = GaugeMetricFamily("khabar_redis_up", "1 when Redis (KHABAR_REDIS_URL) answered")
        up.add_metric([], 0 if isinstance(status, str) else 1)
        yield up
        if isinstance(status, str):
            return
        queued = GaugeMetricFamily(
            "khabar_site_requests_queued", "requests waiting in Redis", labels=["site"]
        )
        in_flight = GaugeMetricFamily(
            "khabar_site_requests_in_flight", "requests taken by workers", labels=["site"]
        )
        for site in sorted(set(status.requests) | set(status.in_flight)):
            queued.add_metric([site], status.requests.get(site, 0))
            in_flight.add_metric([site], status.in_flight.get(site, 0))
        yield queued
        yield in_flight
        for name, doc, value in (
            ("khabar_writer_items_waiting", "items waiting for the writer", status.items),
            ("khabar_writer_items_writing", "items taken by the writer, not acked", status.writing),
            ("khabar_writer_dead_letters", "items the writer could not store", status.dead_letters),
            ("khabar_workers_alive", "crawl workers with a live heartbeat", len(status.workers)),
        ):
            family = GaugeMetricFamily(name, doc)
            family.add_metric([], value)
            yield family


def registry_of(collector: StatusCollector) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry


def exposition(collector: StatusCollector) -> str:
    """The metrics in Prometheus' text format (version 0.0.4)."""
    return generate_latest(registry_of(collector)).decode("utf-8")


def write_textfile(path: Path, collector: StatusCollector) -> None:
    """Write the metrics to `path` atomically (a temporary file renamed over it), so the
    textfile collector never reads half a file."""
    write_to_textfile(str(path), registry_of(collector))
