"""One `khabar writer` per queue (issue 17, defect 13): a second one is refused in one line, a
SIGKILLed one is replaced within its lease, and a writer that lost the queue acknowledges
nothing. Two writers used to split the archive between their databases and write each other's
batches (51 of 308 items stored in both). Real redis-server, real writer processes.
"""

from __future__ import annotations

import json
import signal
import socket
import threading
from pathlib import Path

import pytest
import redis

from crawler.distributed import keys
from crawler.distributed.writer import Writer, WriterStopped
from crawler.distributed.writerlock import WriterBusy, WriterLock, current_holder
from crawler.record import to_wire
from storage.store import ArticleStore
from tests.support.cluster import wait_for
from tests.support.redis_server import RedisServer
from tests.test_distributed_writer import (
    article,
    push,
    redis_server,
    rows,
    server,
    start_writer,
    uncommitted_batch_in_hand,
)

__all__ = ["redis_server", "server"]  # the fixtures


def test_a_second_writer_is_refused_and_a_killed_one_replaced(
    server: redis.Redis, redis_server: RedisServer, tmp_path: Path
) -> None:
    """Two writers used to split the archive between their databases and write each other's
    batches (51 of 308 items stored in both)."""
    first_db, second_db = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    first = start_writer(first_db, redis_server.url)
    assert first.stderr is not None
    assert first.stderr.readline().startswith("khabar writer: redis://")  # holds the queue
    since = (current_holder(server) or {})["since"]
    second = start_writer(second_db, redis_server.url, "--idle-exit", "1")
    _, err = second.communicate(timeout=60)
    assert second.returncode == 1
    assert err.splitlines() == [
        f"khabar: another writer drains this queue (pid {first.pid} on {socket.gethostname()}, "
        f"into {first_db}, since {since}); stop it first"
    ]
    assert not second_db.exists()

    total = 300
    push(server, *(article(n) for n in range(total)))
    wait_for(
        lambda: uncommitted_batch_in_hand(server, first_db, 50),
        120,
        "a batch in the first writer's hands",
        poll=0.005,
    )
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=10)
    assert keys.processing_count(server) > 0  # its batch, for the next writer
    # Its lease runs out (it renews no more), and the next writer takes over its batch.
    again = start_writer(first_db, redis_server.url, "--idle-exit", "1")
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert rows(first_db, "SELECT COUNT(*), COUNT(DISTINCT canonical_url) FROM articles") == [
        (total, total)
    ]
    assert server.llen(keys.ITEMS) == 0 and keys.processing_count(server) == 0
    assert server.get(keys.WRITER_LOCK) is None  # released on a clean stop


def test_a_writer_that_lost_its_lease_acknowledges_nothing(
    server: redis.Redis, tmp_path: Path
) -> None:
    first = WriterLock(server, "a.sqlite", lease=0.5)
    first.acquire()
    first.start_heartbeat(on_lost=lambda: None)
    with pytest.raises(WriterBusy):  # its holder renews the lease: refused
        WriterLock(server, "b.sqlite", lease=0.5).acquire()
    # The first writer freezes (a long pause, a cut network): it renews nothing, frees nothing.
    first.stop_heartbeat()
    second = WriterLock(server, "b.sqlite", lease=0.5)
    second.acquire()  # waits the lease out
    assert (current_holder(server) or {})["db"] == "b.sqlite"
    # It wakes up with a batch in hand: whatever it writes, it acknowledges nothing.
    batch = [json.dumps(to_wire(article(1))).encode()]
    server.rpush(keys.processing_key(first.id), *batch)
    store = ArticleStore(tmp_path / "k.sqlite")
    try:
        with pytest.raises(WriterStopped, match="lost the queue to another writer"):
            Writer(server, store, first).write(batch)
    finally:
        store.close()
    assert server.lrange(keys.processing_key(first.id), 0, -1) == batch  # for `second` to write
    assert first.lost.is_set()
    first.release()  # frees nothing of the second's
    assert (current_holder(server) or {})["db"] == "b.sqlite"
    lost = threading.Event()
    third = WriterLock(server, "c.sqlite", lease=0.5)
    server.set(keys.WRITER_LOCK, third.value)  # say the queue was taken from the second
    second.start_heartbeat(on_lost=lost.set)
    assert lost.wait(10) and second.lost.is_set()  # its next renewal sees it
    second.release()
    assert (current_holder(server) or {})["db"] == "c.sqlite"
