"""A sweep's sites streamed from the registry in batches (census.sweepjob.SiteSource over
pucha.registry.loader.iter_sites): the same records load_sites gives, never the registry whole."""
from __future__ import annotations

import pytest
from sqlalchemy import event, update

from census.sweepjob import SiteSource, select_sites
from crawler.spiders.census import CensusSpider
from pucha import settings as pucha_settings
from pucha.db import engine_for, session_scope
from pucha.errors import UserError
from pucha.registry.importer import import_registry
from pucha.registry.loader import iter_sites, load_sites
from pucha.registry.model import Site
from pucha.registry.workbook import write_workbook
from registry_samples import sample_sites

N = 26  # one of them merged: 25 to sweep, 6 full batches of 4 and one of 1


@pytest.fixture
def registry(db_url, tmp_path):
    import_registry(write_workbook(sample_sites(N), tmp_path / "r.xlsx"), url=db_url)
    with session_scope(db_url) as session:
        session.execute(update(Site).where(Site.name == "天心区人民政府3").values(status="merged"))
    return db_url


def test_the_source_streams_what_load_sites_gives_a_batch_a_query(registry):
    want = [s for s in load_sites(registry) if s.status != "merged"]
    assert len(want) == N - 1
    sizes: list[int] = []
    source = SiteSource(registry, batch=4)
    seen = 0
    stream = source.for_crawl()
    first = next(stream)  # lazy: one batch read, no more
    assert source.queries == 1 and first == want[0]
    got = [first]
    for record in stream:
        if source.queries > len(sizes) + 1:
            sizes.append(len(got) - seen)
            seen = len(got)
        got.append(record)
    sizes.append(len(got) - seen)
    assert got == want  # registration order, columns in form order, merged left out
    assert sizes == [4, 4, 4, 4, 4, 4, 1] and source.queries == 7
    assert len(source) == N - 1 and source.homes() == {s.home_url for s in want}


def test_each_batch_is_one_bounded_query_of_sites(registry):
    selects: list[str] = []

    def seen(conn, cursor, sql, *args) -> None:
        if "FROM site " in sql + " ":
            selects.append(sql)

    event.listen(engine_for(registry), "before_cursor_execute", seen)
    try:
        records = list(iter_sites(registry, batch=10))
    finally:
        event.remove(engine_for(registry), "before_cursor_execute", seen)
    assert len(records) == N
    # 26 sites by 10: three queries of sites (plus their columns' each), every one LIMITed.
    of_sites = [s for s in selects if "FROM site_column" not in s]
    assert len(of_sites) == 3 and all("LIMIT" in s for s in of_sites)


def test_the_scorer_gets_streamed_records_until_released_and_others_by_one_query(registry):
    source = SiteSource(registry, batch=5)
    stream = source.for_crawl(skip={sample_sites(1)[0]["homepage"] + "/"})
    record = next(stream)
    assert record.name == "天心区人民政府1"  # the first skipped
    queries = source.queries
    assert source.get(record.home_url) is record and source.queries == queries  # no query: in flight
    source.release(record.home_url)
    again = source.get(record.home_url)
    assert again == record and again is not record and source.queries == queries + 1
    assert source.get("http://unknown.gov.cn/") is None


def test_select_sites_names_the_unknown_and_the_merged(registry, tmp_path):
    cfg = pucha_settings.load(environ={"PUCHA_DATABASE_URL": registry, "PUCHA_HOME": str(tmp_path)},
                              config=tmp_path / "absent.toml")
    merged = "http://www3.tianxin.gov.cn/"
    with pytest.raises(UserError, match=f"未登记的网站: http://nope.gov.cn/, {merged}"):
        select_sites(cfg, ["http://nope.gov.cn", merged])
    some = select_sites(cfg, ["http://www5.tianxin.gov.cn", "http://WWW2.tianxin.gov.cn/"], batch=1)
    assert len(some) == 2 and [s.name for s in some] == ["天心区人民政府2", "天心区人民政府5"]


def test_the_spider_takes_sites_as_it_starts_them_and_forgets_the_finished():
    taken: list[int] = []

    def sites():
        for record in load_like(3):
            taken.append(1)
            yield record

    spider = CensusSpider(sites=sites(), sweep="s1")
    assert taken == [] and spider.runs == {}
    runs = spider.take_runs()
    first = next(runs)
    assert len(taken) == 1 and list(spider.runs) == [first.home]
    rest = list(runs)
    assert len(taken) == 3 and len(spider.runs) == 3 and rest[-1].home in spider.runs
    spider.ledger.start_site(first.home, 0)  # nothing owed, no probe left: done
    spider.finish_if_done(first.home)
    assert first.home not in spider.runs and spider.stats_live["sites_done"] == 1


def load_like(n: int):
    from pucha.registry.records import SiteRecord

    return [SiteRecord(f"http://s{i}.gov.cn/", f"网站{i}", "北京市", "部门网站") for i in range(n)]
