"""The sweep's ledger in Redis (crawler.ledger.Ledger), shared by every crawl worker.

Each operation is one Lua script, so two workers never race: ``finish``
answers True to exactly one caller, ``resolve_check`` hands each waiting site
to exactly one worker, ``claim`` gives a URL to one.  An operation made while
a leased request's callback runs is journalled (crawler.frontier.journal):
a second run of that request gets the first run's answers and changes
nothing twice.

Keys, under the sweep's prefix (``L:``): ``claim:{site}`` (a set of 64-bit
URL digests, the per-site dedup -- an intset of 8 bytes an entry for most
sites), ``ev:{site}``/``cnt:{site}`` (distinct event ids and counts, dropped
when the site finishes), hashes ``pages``, ``owed``, ``probes``, ``res``
(link-check results) and ``wait`` (sites waiting on a target), sets
``home`` and ``done``, and ``seeded`` (which worker seeds which site).
"""
from __future__ import annotations

import hashlib
import json
import time

from crawler.linkresult import CheckResult

from . import journal
from .keys import SAFETY_TTL, SweepKeys

_PRE = """
local j, f = ARGV[1], ARGV[2]
if j ~= '' then local r = redis.call('HGET', j, f); if r then return r end end
local L = ARGV[3]
"""
_POST = """
if j ~= '' then redis.call('HSET', j, f, res); redis.call('EXPIRE', j, 86400) end
return res
"""
_TTL = str(SAFETY_TTL)

# op name -> Lua body: ARGV[4..] are the op's arguments; sets `res` (a string).
_OPS = {
    "start_site": "redis.call('HSET', L..'probes', ARGV[4], ARGV[5]); local res = '1'",
    "claim": "local k = L..'claim:'..ARGV[4]; local res = tostring(redis.call('SADD', k, ARGV[5]));"
             " redis.call('EXPIRE', k, " + _TTL + ", 'NX')",
    "add_page": "local res = tostring(redis.call('HINCRBY', L..'pages', ARGV[4], 1))",
    "pages": "local res = redis.call('HGET', L..'pages', ARGV[4]) or '0'",
    "claim_page": """local res = '2'
if tonumber(redis.call('HGET', L..'pages', ARGV[4]) or '0') < tonumber(ARGV[6]) then
  local k = L..'claim:'..ARGV[4]; res = tostring(redis.call('SADD', k, ARGV[5]))
  redis.call('EXPIRE', k, """ + _TTL + """, 'NX')
end""",
    "schedule_page": """redis.call('HINCRBY', L..'owed', ARGV[4], 1); redis.call('HINCRBY', L..'pages', ARGV[4], 1)
if ARGV[5] ~= '' then redis.call('HSETNX', L..'wait', ARGV[5], '') end
local res = '1'""",
    "owe": "local res = tostring(redis.call('HINCRBY', L..'owed', ARGV[4], ARGV[5]))",
    "owed": "local res = redis.call('HGET', L..'owed', ARGV[4]) or '0'",
    "probe_done": "local res = tostring(redis.call('HINCRBY', L..'probes', ARGV[4], -1))",
    "probes_left": "local res = redis.call('HGET', L..'probes', ARGV[4]) or '0'",
    "claim_home": "local res = tostring(redis.call('SADD', L..'home', ARGV[4]))",
    "counts": "local res = cjson.encode(redis.call('HGETALL', L..'cnt:'..ARGV[4]))",
    "finish": """local res = '0'
local owed = tonumber(redis.call('HGET', L..'owed', ARGV[4]) or '0')
local probes = tonumber(redis.call('HGET', L..'probes', ARGV[4]) or '0')
if owed <= 0 and probes <= 0 and redis.call('SADD', L..'done', ARGV[4]) == 1 then
  redis.call('DEL', L..'ev:'..ARGV[4]); res = '1'
end""",
    "is_done": "local res = tostring(redis.call('SISMEMBER', L..'done', ARGV[4]))",
    "check_result": "local res = redis.call('HGET', L..'res', ARGV[4]) or ''",
    "expect_check": "redis.call('HSETNX', L..'wait', ARGV[4], ''); local res = '1'",
    # A target already resolved still registers the site: the check the caller sends hands it over.
    "want_check": """local v = redis.call('HGET', L..'wait', ARGV[4]); local res
if v then
  if v == '' then v = ARGV[5] else v = v..'\\n'..ARGV[5] end
  redis.call('HSET', L..'wait', ARGV[4], v); res = '0'
else redis.call('HSET', L..'wait', ARGV[4], ARGV[5]); res = '1' end""",
    # check_result, then (no result) owe + want_check: "R"..result, "S" (send the check) or "W" (wait).
    # A site already waiting on the target waits once: it is told once, and owes once.
    "ask_check": """local r = redis.call('HGET', L..'res', ARGV[4]); local res
if r then res = 'R'..r else
  local v = redis.call('HGET', L..'wait', ARGV[4])
  if v and string.find('\\n'..v..'\\n', '\\n'..ARGV[5]..'\\n', 1, true) then res = 'W'
  else
    redis.call('HINCRBY', L..'owed', ARGV[5], 1)
    if v then
      if v == '' then v = ARGV[5] else v = v..'\\n'..ARGV[5] end
      redis.call('HSET', L..'wait', ARGV[4], v); res = 'W'
    else redis.call('HSET', L..'wait', ARGV[4], ARGV[5]); res = 'S' end
  end
end""",
    "pay_and_finish": """local res = '0'
local owed = redis.call('HINCRBY', L..'owed', ARGV[4], -1)
local probes = tonumber(redis.call('HGET', L..'probes', ARGV[4]) or '0')
if owed <= 0 and probes <= 0 and redis.call('SADD', L..'done', ARGV[4]) == 1 then
  redis.call('DEL', L..'ev:'..ARGV[4]); res = '1'
end""",
    "resolve_check": """local res = redis.call('HGET', L..'wait', ARGV[4]) or ''
redis.call('HDEL', L..'wait', ARGV[4])
redis.call('HSETNX', L..'res', ARGV[4], ARGV[5])""",
    "force_finish": """redis.call('HSET', L..'owed', ARGV[4], 0)
if tonumber(redis.call('HGET', L..'probes', ARGV[4]) or '0') > 0 then redis.call('HSET', L..'probes', ARGV[4], 0) end
local res = '1'""",
    # Seeding a site: one worker at a time, taken over when its claim lapses (the worker died).
    "claim_seed": """local v = redis.call('HGET', L..'seeded', ARGV[4]); local res = '0'
if not v or (v ~= 'done' and tonumber(v) < tonumber(ARGV[5])) then
  redis.call('HSET', L..'seeded', ARGV[4], ARGV[6]); res = '1'
end""",
    "seed_done": "redis.call('HSET', L..'seeded', ARGV[4], 'done'); local res = '1'",
}


# Events noted in one call, outside the journal: noting is idempotent (a set of event ids), so a re-run
# of a request notes the same ids again and changes nothing.  ARGV[2..]: site, kind, id triples.
_NOTE_EVENTS = """
local L = ARGV[1]
for i = 2, #ARGV, 3 do
  local site, e = ARGV[i], L..'ev:'..ARGV[i]
  if redis.call('SISMEMBER', L..'done', site) == 0 and redis.call('SADD', e, ARGV[i + 2]) == 1 then
    redis.call('HINCRBY', L..'cnt:'..site, ARGV[i + 1], 1)
    redis.call('EXPIRE', e, """ + _TTL + """, 'NX'); redis.call('EXPIRE', L..'cnt:'..site, """ + _TTL + """, 'NX')
  end
end
return 1
"""
# Ops after which another worker may finish a site, or that read its counts: noted events go first.
_AFTER_NOTES = frozenset({"owe", "probe_done", "finish", "counts", "force_finish", "schedule_page", "ask_check",
                          "pay_and_finish"})
_NOTE_BATCH = 300


def digest(key: str) -> int:
    """A URL key as a signed 64-bit integer: Redis keeps small sets of them as 8-byte intsets."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


class RedisLedger:
    def __init__(self, client, keys: SweepKeys):
        self.client = client
        self.keys = keys
        self.base = keys.base + "L:"
        self._scripts = {name: client.register_script(_PRE + body + _POST) for name, body in _OPS.items()}
        # Answers that never change once given: a claimed URL stays claimed, a result stays.
        self._claimed: set[tuple[str, int]] = set()
        self._results: dict[str, CheckResult] = {}
        self._asked: set[tuple[str, str]] = set()  # (site, target) this worker registered as waiting
        self._note_script = client.register_script(_NOTE_EVENTS)
        self._notes: list = []

    def _flush_notes(self) -> None:
        if self._notes:
            notes, self._notes = self._notes, []
            self._note_script(args=[self.base, *notes])

    def _op(self, name: str, *args) -> str:
        jk, jf = journal.step()
        argv = [jk, jf, self.base, *args]
        if name in _AFTER_NOTES and self._notes:  # the noted events first, in the same round trip
            notes, self._notes = self._notes, []
            # EVAL with the (short) bodies, not redis-py's Script objects: a pipeline holding a Script
            # first asks SCRIPT EXISTS, one more round trip each time (18,000 in a 100-site bench).
            # The bodies cannot meet NOSCRIPT after a Redis restart, so the two never come apart.
            pipe = self.client.pipeline(transaction=False)
            pipe.eval(self._note_script.script, 0, self.base, *notes)
            pipe.eval(self._scripts[name].script, 0, *argv)
            out = pipe.execute()[-1]
        else:
            out = self._scripts[name](args=argv)
        return out.decode("utf-8") if isinstance(out, bytes) else str(out)

    # --- the Ledger protocol ---------------------------------------------------------------
    def start_site(self, site: str, probe_rounds: int) -> None:
        self._op("start_site", site, probe_rounds)

    def claim(self, site: str, key: str) -> bool:
        d = digest(key)
        if (site, d) in self._claimed and journal.cached_ok():
            journal.step()  # keep the numbering of a replay in step
            return False
        self._claimed.add((site, d))
        if len(self._claimed) > 500_000:
            self._claimed.clear()
        return self._op("claim", site, d) == "1"

    def add_page(self, site: str) -> int:
        return int(self._op("add_page", site))

    def pages(self, site: str) -> int:
        return int(self._op("pages", site))

    def claim_page(self, site: str, key: str, cap: int) -> bool:
        d = digest(key)
        if (site, d) in self._claimed and journal.cached_ok():
            journal.step()  # keep the numbering of a replay in step
            return False
        answer = self._op("claim_page", site, d, cap)
        if answer != "2":  # "2": over the cap, nothing claimed (a forced follow may still claim it)
            if len(self._claimed) > 500_000:
                self._claimed.clear()
            self._claimed.add((site, d))
        return answer == "1"

    def schedule_page(self, site: str, target: str | None) -> None:
        self._op("schedule_page", site, target or "")

    def owe(self, site: str, n: int = 1) -> None:
        self._op("owe", site, n)

    def pay(self, site: str, n: int = 1) -> None:
        self._op("owe", site, -n)

    def owed(self, site: str) -> int:
        return int(self._op("owed", site))

    def probe_done(self, site: str) -> int:
        return int(self._op("probe_done", site))

    def probes_left(self, site: str) -> int:
        return int(self._op("probes_left", site))

    def claim_home(self, site: str) -> bool:
        return self._op("claim_home", site) == "1"

    def note_event(self, site: str, kind: str, event_id: str) -> None:
        self._notes += (site, kind, int(event_id[:15], 16))
        if len(self._notes) >= 3 * _NOTE_BATCH:
            self._flush_notes()

    def counts(self, site: str) -> dict[str, int]:
        flat = json.loads(self._op("counts", site))
        return {flat[i]: int(flat[i + 1]) for i in range(0, len(flat), 2)} if isinstance(flat, list) else {}

    def finish(self, site: str) -> bool:
        return self._op("finish", site) == "1"

    def is_done(self, site: str) -> bool:
        return self._op("is_done", site) == "1"

    def check_result(self, target: str) -> CheckResult | None:
        hit = self._results.get(target)
        if hit is not None and journal.cached_ok():
            journal.step()
            return hit
        raw = self._op("check_result", target)
        if not raw:
            return None
        result = CheckResult(**json.loads(raw))
        if len(self._results) > 200_000:
            self._results.clear()
        self._results[target] = result
        return result

    def expect_check(self, target: str) -> None:
        self._op("expect_check", target)

    def want_check(self, target: str, site: str) -> bool:
        return self._op("want_check", target, site) == "1"

    def ask_check(self, target: str, site: str) -> tuple[CheckResult | None, bool]:
        hit = self._results.get(target)
        if journal.cached_ok() and (hit is not None or (site, target) in self._asked):
            journal.step()
            return hit, False
        if len(self._asked) > 500_000:
            self._asked.clear()
        self._asked.add((site, target))
        raw = self._op("ask_check", target, site)
        if raw[0] == "R":
            result = CheckResult(**json.loads(raw[1:]))
            if len(self._results) > 200_000:
                self._results.clear()
            self._results[target] = result
            return result, False
        return None, raw == "S"

    def pay_and_finish(self, site: str) -> bool:
        return self._op("pay_and_finish", site) == "1"

    def resolve_check(self, target: str, result: CheckResult) -> list[str]:
        raw = self._op("resolve_check", target, json.dumps(result.to_dict(), separators=(",", ":")))
        self._results.setdefault(target, result)  # the first answer stands (HSETNX), here as in Redis
        return raw.split("\n") if raw else []  # a site waiting twice (two of its pages) is told twice

    def waiting(self) -> dict[str, list[str]]:
        out = {}
        for t, v in self.client.hscan_iter(self.base + "wait", count=1000):
            if v:
                out[t.decode("utf-8")] = v.decode("utf-8").split("\n")
        return out

    def force_finish(self, site: str) -> None:
        self._op("force_finish", site)

    # --- beyond the protocol: seeding once across workers, and progress --------------------
    def claim_seed(self, site: str, hold: float) -> bool:
        now = time.time()
        return self._op("claim_seed", site, repr(now), repr(now + hold)) == "1"

    def seed_done(self, site: str) -> None:
        self._op("seed_done", site)

    def done_count(self) -> int:
        return self.client.scard(self.base + "done")

    def done_sites(self) -> set[str]:
        return {s.decode("utf-8") for s in self.client.smembers(self.base + "done")}

    def unseeded(self, sites) -> list[str]:
        states = self.client.hmget(self.base + "seeded", list(sites)) if sites else []
        return [s for s, v in zip(sites, states) if v != b"done"]
