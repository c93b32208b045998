"""The frontier's queues in Redis: one per host, hosts served by their next allowed time.

Layout under a sweep's prefix (keys.SweepKeys):

- ``q:{slot}:{band}``  list of entries ``{id}\\t{request}``; a slot is the
  request's download slot (its host, or ``probe:{host}`` for probes, so a
  probe never waits behind its host's crawl); a band is its priority;
- ``b:{slot}``  sorted set of the slot's non-empty bands, highest priority first;
- ``hosts``  sorted set of slots with work, scored by the time each may next
  be asked (now + the per-host delay after each pop) -- one ZRANGEBYSCORE
  finds every ready host, instead of polling each host's queue;
- ``lease`` / ``leased``  popped entries: id -> deadline, id -> where it came
  from; ``ack`` drops them, ``reap`` puts lapsed ones back at their queue's
  front; ``extend`` is a worker's heartbeat for what it still holds;
- ``delayed`` / ``later``  entries due at a time (the next probe round);
  ``pop`` moves those that are due into their queues first;
- ``depth``  the number of queued entries (for progress).

Every operation is one Lua script: atomic between workers, one round trip.
"""
from __future__ import annotations

import time
from typing import Sequence

from .keys import SAFETY_TTL, SweepKeys

_PUSH = """
local b, jk, jf = ARGV[1], ARGV[6], ARGV[7]
if jk ~= '' then
  if redis.call('HSETNX', jk, jf, '1') == 0 then return 0 end
  redis.call('EXPIRE', jk, 86400)
end
local slot, band = ARGV[2], ARGV[3]
if ARGV[8] ~= '' then
  redis.call('ZADD', b..'delayed', ARGV[8], slot..'\\t'..band..'\\t'..ARGV[4])
  return 1
end
redis.call('RPUSH', b..'q:'..slot..':'..band, ARGV[4])
redis.call('ZADD', b..'b:'..slot, -tonumber(band), band)
redis.call('ZADD', b..'hosts', 'NX', ARGV[5], slot)
redis.call('INCR', b..'depth')
return 1
"""

_POP = """
local b, now, n, deadline, delay = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local due = redis.call('ZRANGEBYSCORE', b..'delayed', '-inf', now, 'LIMIT', 0, 1000)
for _, m in ipairs(due) do
  local t1 = string.find(m, '\\t', 1, true)
  local t2 = string.find(m, '\\t', t1 + 1, true)
  local slot, band = string.sub(m, 1, t1 - 1), string.sub(m, t1 + 1, t2 - 1)
  redis.call('RPUSH', b..'q:'..slot..':'..band, string.sub(m, t2 + 1))
  redis.call('ZADD', b..'b:'..slot, -tonumber(band), band)
  redis.call('ZADD', b..'hosts', 'NX', now, slot)
  redis.call('INCR', b..'depth')
  redis.call('ZREM', b..'delayed', m)
end
local out = {}
local slots = redis.call('ZRANGEBYSCORE', b..'hosts', '-inf', now, 'LIMIT', 0, n)
for _, slot in ipairs(slots) do
  local bkey = b..'b:'..slot
  local band = redis.call('ZRANGE', bkey, 0, 0)[1]
  if band then
    local q = b..'q:'..slot..':'..band
    local entry = redis.call('LPOP', q)
    if redis.call('LLEN', q) == 0 then redis.call('ZREM', bkey, band) end
    if entry then
      local id = string.sub(entry, 1, string.find(entry, '\\t', 1, true) - 1)
      redis.call('ZADD', b..'lease', deadline, id)
      redis.call('HSET', b..'leased', id, slot..'\\t'..band..'\\t'..entry)
      redis.call('DECR', b..'depth')
      out[#out + 1] = entry
      out[#out + 1] = redis.call('EXISTS', b..'j:'..id)
    end
  end
  if redis.call('ZCARD', bkey) == 0 then
    redis.call('ZREM', b..'hosts', slot)
  elseif string.sub(slot, 1, 6) == 'probe:' then
    redis.call('ZADD', b..'hosts', now, slot)
  else
    redis.call('ZADD', b..'hosts', now + delay, slot)
  end
end
return out
"""

# Back into the queue: lapsed leases (reap), or one request handed back (requeue, with new content).
_RETURN = """
local function back(b, id, entry, front, now)
  local v = redis.call('HGET', b..'leased', id)
  if not v then return 0 end
  local t1 = string.find(v, '\\t', 1, true)
  local t2 = string.find(v, '\\t', t1 + 1, true)
  local slot, band = string.sub(v, 1, t1 - 1), string.sub(v, t1 + 1, t2 - 1)
  entry = entry or string.sub(v, t2 + 1)
  local q = b..'q:'..slot..':'..band
  if front then redis.call('LPUSH', q, entry) else redis.call('RPUSH', q, entry) end
  redis.call('ZADD', b..'b:'..slot, -tonumber(band), band)
  redis.call('ZADD', b..'hosts', 'NX', now, slot)
  redis.call('INCR', b..'depth')
  redis.call('ZREM', b..'lease', id)
  redis.call('HDEL', b..'leased', id)
  return 1
end
local b, now, mode = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local n = 0
if mode == 'reap' then
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', b..'lease', '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))) do
    n = n + back(b, id, nil, true, now)
  end
elseif mode == 'nack' then
  for i = 4, #ARGV do n = n + back(b, ARGV[i], nil, true, now) end
else
  n = back(b, ARGV[4], ARGV[5], false, now)
end
return n
"""

_ACK = """
local b = ARGV[1]
for i = 2, #ARGV do
  redis.call('ZREM', b..'lease', ARGV[i])
  redis.call('HDEL', b..'leased', ARGV[i])
  redis.call('DEL', b..'j:'..ARGV[i])
end
return #ARGV - 1
"""

_EXTEND = """
local b = ARGV[1]
for i = 3, #ARGV do redis.call('ZADD', b..'lease', 'XX', ARGV[2], ARGV[i]) end
return 1
"""


class HostQueues:
    """The queues of one sweep.  ``delay`` is the per-host interval between pops (politeness across workers)."""

    def __init__(self, client, keys: SweepKeys, *, delay: float = 0.0, lease: float = 30.0):
        self.client = client
        self.keys = keys
        self.delay = delay
        self.lease = lease
        self._push = client.register_script(_PUSH)
        self._pop = client.register_script(_POP)
        self._return = client.register_script(_RETURN)
        self._ack = client.register_script(_ACK)
        self._extend = client.register_script(_EXTEND)
        self.replays: set[str] = set()  # popped ids whose journal exists: a second run, to replay

    def journal_key(self, lid: str) -> str:
        return self.keys.base + "j:" + lid

    def push(self, slot: str, band: int, lid: str, payload: str, *, journal: tuple[str, str] = ("", ""),
             due: float | None = None, pipe=None) -> None:
        """Queue one request (at ``due``, a wall-clock time, when given); a journalled push happens once."""
        self._push(args=[self.keys.base, slot, str(int(band)), f"{lid}\t{payload}", repr(time.time()),
                         journal[0], journal[1], "" if due is None else repr(due)], client=pipe or self.client)

    def pop(self, n: int) -> list[tuple[str, str]]:
        """Up to n requests, one per ready host, leased: (id, request); ids in ``replays`` ran before."""
        now = time.time()
        out = self._pop(args=[self.keys.base, repr(now), n, repr(now + self.lease), repr(self.delay)])
        popped = []
        for entry, replay in zip(out[::2], out[1::2]):
            lid, payload = entry.decode("utf-8").split("\t", 1)
            if replay:
                self.replays.add(lid)
            popped.append((lid, payload))
        return popped

    def ack(self, ids: Sequence[str]) -> None:
        if ids:
            self._ack(args=[self.keys.base, *ids])

    def extend(self, ids: Sequence[str]) -> None:
        if ids:
            self._extend(args=[self.keys.base, repr(time.time() + self.lease), *ids])

    def requeue(self, lid: str, payload: str) -> int:
        """A leased request comes back changed (a retry, a redirect): same id, same journal."""
        return self._return(args=[self.keys.base, repr(time.time()), "requeue", lid, f"{lid}\t{payload}"])

    def nack(self, ids: Sequence[str]) -> int:
        """Hand leased requests back untouched (a worker closing with requests it never started)."""
        return self._return(args=[self.keys.base, repr(time.time()), "nack", *ids]) if ids else 0

    def reap(self, limit: int = 1000) -> int:
        """Put every lapsed lease back at the front of its queue; returns how many."""
        return self._return(args=[self.keys.base, repr(time.time()), "reap", limit])

    def pending(self) -> dict[str, int]:
        p = self.client.pipeline(transaction=False)
        p.get(self.keys.depth)
        p.zcard(self.keys.lease)
        p.zcard(self.keys.delayed)
        depth, leased, delayed = p.execute()
        return {"queued": int(depth or 0), "leased": leased, "delayed": delayed}

    def mark(self) -> None:
        """Give the sweep's long-lived keys their safety expiry (once, at the start)."""
        p = self.client.pipeline(transaction=False)
        for name in ("hosts", "lease", "leased", "delayed", "depth"):
            p.expire(getattr(self.keys, name), SAFETY_TTL)
        p.execute()
