"""The site's shared request queue, made reliable: a request a worker takes is parked under
the worker's name until it is finished, so a worker killed mid-run loses nothing.

scrapy-redis' PriorityQueue pops a request (ZRANGE + ZREMRANGEBYRANK) and forgets it: if the
worker dies before the page is stored, the request is gone and the dupefilter keeps it from
ever being scheduled again. Here the pop moves it, atomically, into the worker's in-flight hash
(`khabar:<site>:inflight:<worker>`); `ack` removes it once its items are pushed or its links
queued, and `requeue` puts a dead worker's in-flight requests back in the queue.
"""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING, Any

from scrapy_redis.queue import PriorityQueue

from crawler.distributed import keys

if TYPE_CHECKING:
    import redis
    from scrapy import Request, Spider

TOKEN = "khabar_queue_token"  # request.meta key: the in-flight entry of a request taken

# KEYS: queue, in-flight hash. Returns {token, request} or nil.
_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return nil end
redis.call('ZREM', KEYS[1], r[1])
local token = redis.sha1hex(r[1])
redis.call('HSET', KEYS[2], token, r[1], 's:' .. token, r[2])
return {token, r[1]}
"""

# Lua: put every request of one in-flight hash back in the queue with its score.
_MOVE_BACK = """
local function move_back(queue, inflight)
  local entries = redis.call('HGETALL', inflight)
  local moved = 0
  for i = 1, #entries, 2 do
    local field = entries[i]
    if string.sub(field, 1, 2) ~= 's:' then
      local score = redis.call('HGET', inflight, 's:' .. field) or 0
      redis.call('ZADD', queue, score, entries[i + 1])
      moved = moved + 1
    end
  end
  redis.call('DEL', inflight)
  return moved
end
"""
# KEYS: queue, in-flight hash. Returns how many requests went back.
_REQUEUE = _MOVE_BACK + "return move_back(KEYS[1], KEYS[2])"
# KEYS: queue, workers zset. ARGV: in-flight key prefix, heartbeat ttl. Requeues the requests of
# every worker whose last heartbeat is older than the ttl and forgets the worker.
_REQUEUE_DEAD = (
    _MOVE_BACK
    + """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. (t - tonumber(ARGV[2])))
local moved = 0
for _, worker in ipairs(dead) do
  moved = moved + move_back(KEYS[1], ARGV[1] .. worker)
  redis.call('ZREM', KEYS[2], worker)
end
return moved
"""
)


def worker_id() -> str:
    """This process's name in Redis: host and pid (one crawl per `scrapy crawl` process)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def ack(server: redis.Redis, site: str, worker: str, token: str) -> None:
    """The request taken under `token` is finished: forget it."""
    server.hdel(keys.inflight_key(site, worker), token, f"s:{token}")


def requeue(server: redis.Redis, site: str, worker: str) -> int:
    """Put every request `worker` had taken back in the site's queue; returns how many."""
    script = server.register_script(_REQUEUE)
    return int(script(keys=[keys.requests_key(site), keys.inflight_key(site, worker)]))


def requeue_dead(server: redis.Redis, site: str, heartbeat_ttl: float) -> int:
    """Put back the requests of the site's workers that stopped beating (killed, lost)."""
    script = server.register_script(_REQUEUE_DEAD)
    prefix = keys.inflight_key(site, "")
    return int(
        script(keys=[keys.requests_key(site), keys.workers_key(site)], args=[prefix, heartbeat_ttl])
    )


class ReliableQueue(PriorityQueue):
    """scrapy-redis' priority queue whose pop parks the request under this worker's name."""

    def __init__(self, server: redis.Redis, spider: Spider, key: str, serializer: Any = None):
        super().__init__(server, spider, key, serializer)
        self.inflight = keys.inflight_key(spider.name, worker_id())
        self._pop = server.register_script(_POP)

    def pop(self, timeout: int = 0) -> Request | None:
        taken = self._pop(keys=[self.key, self.inflight])
        if not taken:
            return None
        token, data = taken
        request = self._decode_request(data)
        request.meta[TOKEN] = token.decode() if isinstance(token, bytes) else token
        return request

    def push(self, request: Request) -> None:
        request.meta.pop(TOKEN, None)  # a retry/redirect copy is a new entry
        super().push(request)
