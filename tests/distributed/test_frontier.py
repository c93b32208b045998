"""The Redis frontier and ledger against the real Redis (127.0.0.1:6379), each test under its own key prefix."""
from __future__ import annotations

import time

import pytest
from scrapy import Request

from crawler.frontier import journal
from crawler.frontier.codec import decode, encode
from crawler.frontier.keys import SweepKeys, connect, expire_sweep
from crawler.frontier.ledger import RedisLedger
from crawler.frontier.queue import HostQueues
from crawler.linkresult import CheckResult
from crawler.settings import HANDLED_STATUSES
from crawler.understand.dataproxy import DataProxyCall
from pucha.errors import ServiceUnavailable

pytestmark = pytest.mark.services


@pytest.fixture
def client(redis_ns):
    return connect(f"{redis_ns.url}?prefix={redis_ns.prefix}")


def _queues(client, lease=30.0, delay=0.0) -> HostQueues:
    return HostQueues(client, SweepKeys(client.pucha_prefix, "s1"), delay=delay, lease=lease)


def test_unreachable_redis_is_one_line_naming_the_url():
    with pytest.raises(ServiceUnavailable) as err:
        connect("redis://127.0.0.1:1/0")
    assert "Redis at redis://127.0.0.1:1/0 does not answer" in str(err.value)
    assert "\n" not in str(err.value)


def test_hosts_are_served_by_next_allowed_time_one_request_each(client):
    q = _queues(client, delay=0.3)
    for i in range(3):
        q.push("a.example", 0, f"a{i}", "{}")
    q.push("b.example", 0, "b0", "{}")
    first = [lid for lid, _ in q.pop(10)]
    assert sorted(first) == ["a0", "b0"]  # one per ready host, in one round trip
    assert q.pop(10) == []  # a.example must wait its delay
    time.sleep(0.35)
    assert [lid for lid, _ in q.pop(10)] == ["a1"]


def test_priority_bands_within_a_host(client):
    q = _queues(client)
    q.push("h", -2, "deep", "{}")
    q.push("h", 0, "top", "{}")
    q.push("h", -10, "check", "{}")
    order = [q.pop(1)[0][0] for _ in range(3)]
    assert order == ["top", "deep", "check"]


def test_a_lapsed_lease_goes_back_to_the_front_and_an_ack_ends_it(client):
    q = _queues(client, lease=0.2)
    q.push("h", 0, "r1", "one")
    q.push("h", 0, "r2", "two")
    assert q.pop(1) == [("r1", "one")]
    assert q.pending() == {"queued": 1, "leased": 1, "delayed": 0}
    time.sleep(0.3)
    assert q.reap() == 1
    assert q.pop(1) == [("r1", "one")]  # back at the front, before r2
    assert "r1" not in q.replays  # it never ran: no journal
    q.ack(["r1"])
    time.sleep(0.3)
    assert q.reap() == 0
    assert q.pending() == {"queued": 1, "leased": 0, "delayed": 0}


def test_extended_leases_do_not_lapse(client):
    q = _queues(client, lease=0.3)
    q.push("h", 0, "r1", "x")
    q.pop(1)
    for _ in range(4):
        time.sleep(0.15)
        q.extend(["r1"])
    assert q.reap() == 0


def test_journalled_push_happens_once_and_delayed_entries_come_due(client):
    q = _queues(client)
    jk = q.journal_key("parent")
    q.push("h", 0, "c1", "x", journal=(jk, "1"))
    q.push("h", 0, "c1", "x", journal=(jk, "1"))  # the replay of the same step
    assert q.pending()["queued"] == 1
    q.push("probe:h", 1000, "p2", "y", due=time.time() + 0.3)
    assert q.pending()["delayed"] == 1
    assert [lid for lid, _ in q.pop(10)] == ["c1"]
    time.sleep(0.35)
    assert [lid for lid, _ in q.pop(10)] == ["p2"]


def test_ledger_finish_is_true_for_exactly_one_caller(client):
    keys = SweepKeys(client.pucha_prefix, "s1")
    a = RedisLedger(client, keys)
    b = RedisLedger(connect(f"redis://127.0.0.1:6379/0?prefix={client.pucha_prefix}"), keys)
    a.start_site("S", 1)
    a.owe("S", 2)
    assert not a.finish("S")
    a.pay("S")
    b.pay("S")
    assert a.probe_done("S") == 0
    assert [a.finish("S"), b.finish("S"), a.finish("S")].count(True) == 1
    assert a.is_done("S") and b.done_count() == 1


def test_ledger_claims_counts_and_checks(client):
    keys = SweepKeys(client.pucha_prefix, "s1")
    led = RedisLedger(client, keys)
    assert led.claim("S", "http://s/a") and not led.claim("S", "http://s/a")
    assert not RedisLedger(client, keys).claim("S", "http://s/a")  # another worker
    assert led.claim("T", "http://s/a")  # per site
    led.note_event("S", "page", "a" * 24)
    led.note_event("S", "page", "a" * 24)
    led.note_event("S", "links", "b" * 24)
    assert led.counts("S") == {"page": 1, "links": 1}
    assert led.want_check("http://x/", "S") is True
    assert led.want_check("http://x/", "T") is False
    assert led.want_check("http://x/", "S") is False
    r = CheckResult(ok=False, status=404, error="http")
    assert led.resolve_check("http://x/", r) == ["S", "T", "S"]
    assert led.resolve_check("http://x/", r) == []  # each waiting site is handed over once
    assert RedisLedger(client, keys).check_result("http://x/") == r
    led.expect_check("http://y/")
    assert led.want_check("http://y/", "S") is False
    assert led.waiting() == {"http://y/": ["S"]}


def test_ledger_calls_that_do_several_things_in_one_round_trip(client):
    """claim_page, schedule_page, ask_check and pay_and_finish against the embedded ledger's answers."""
    from crawler.ledger import MemoryLedger

    keys = SweepKeys(client.pucha_prefix, "s2")
    for led, other in ((RedisLedger(client, keys), RedisLedger(client, keys)), (MemoryLedger(), None)):
        led.start_site("S", 0)
        led.schedule_page("S", "http://s/")  # owed 1, 1 page, its check expected
        led.schedule_page("S", None)
        assert (led.owed("S"), led.pages("S")) == (2, 2)
        assert led.want_check("http://s/", "T") is False  # the page's fetch answers it
        assert not led.claim_page("S", "http://s/x", cap=2)  # at the cap: nothing claimed ...
        assert led.claim_page("S", "http://s/x", cap=4)  # ... so a forced follow still gets it
        assert not led.claim_page("S", "http://s/x", cap=4)
        assert led.ask_check("http://z/", "S") == (None, True)  # unknown: owed, and the caller sends it
        assert led.ask_check("http://z/", "S") == (None, False)  # waiting already: owed once, told once
        assert led.ask_check("http://z/", "T") == (None, False)
        assert (led.owed("S"), led.owed("T")) == (3, 1)
        r = CheckResult(ok=True, status=200)
        assert led.resolve_check("http://z/", r) == ["S", "T"]
        assert led.ask_check("http://z/", "U") == (r, False) and led.owed("U") == 0  # known: nothing owed
        if other is not None:
            assert other.ask_check("http://z/", "U") == (r, False)
        led.note_event("S", "page", "c" * 24)  # noted in a batch, sent before the call that may finish
        assert [led.pay_and_finish("S") for _ in range(3)] == [False, False, True]
        assert led.is_done("S") and led.counts("S") == {"page": 1}


def test_a_replayed_run_gets_the_first_runs_answers(client):
    keys = SweepKeys(client.pucha_prefix, "s1")
    led = RedisLedger(client, keys)
    jkey = keys.base + "j:r1"
    led.start_site("S", 0)

    def callback() -> list:
        return [led.claim("S", "http://s/x"), led.add_page("S"), led.owe("S"), led.pages("S")]

    with journal.running(journal.Run("r1", jkey)):
        first = callback()
    with journal.running(journal.Run("r1", jkey, replay=True)):  # the worker died; another runs it again
        second = RedisLedger(client, keys) and callback()
    assert first == second == [True, 1, None, 1]
    assert led.owed("S") == 1 and led.pages("S") == 1


def test_codec_round_trip_is_compact(client):
    class Spider:
        def parse_page(self, r): ...
        def page_error(self, f): ...

    spider = Spider()
    call = DataProxyCall(url="http://s/module/web/jpage/dataproxy.jsp?startrecord=1", formdata={"col": "1"})
    req = Request("http://www.example.gov.cn/col/col123/index_2.html", callback=spider.parse_page,
                  errback=spider.page_error, priority=-1, dont_filter=True, method="POST", body=b"a=1",
                  meta={"site": "http://www.example.gov.cn/", "role": "column", "depth": 1, "category": "工作动态",
                        "page_no": 2, "handle_httpstatus_list": HANDLED_STATUSES, "download_timeout": 15.0,
                        "proxy_call": call, "column": None})
    plain = req.replace(method="GET", body=b"", meta={k: v for k, v in req.meta.items() if k != "proxy_call"})
    assert len(encode(plain, spider).encode()) < 250  # a typical page request, queued
    text = encode(req, spider)
    back = decode(text, spider)
    assert back.url == req.url and back.method == "POST" and back.body == b"a=1" and back.priority == -1
    assert back.meta["proxy_call"] == call and back.meta["handle_httpstatus_list"] == HANDLED_STATUSES
    assert back.callback == spider.parse_page and back.errback == spider.page_error and back.dont_filter


def test_ending_a_sweep_expires_its_keys(client):
    q = _queues(client)
    q.push("h", 0, "r1", "x")
    RedisLedger(client, q.keys).claim("S", "http://s/")
    assert expire_sweep(client, client.pucha_prefix, "s1", ttl=60) >= 3
    for key in client.scan_iter(match=q.keys.pattern()):
        assert 0 < client.ttl(key) <= 60
