"""The database layer: Alembic makes the schema the models declare, on both
backends; sessions commit or roll back; decisions are stored as given."""
from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from pucha import settings
from pucha.db import Base, database_url, engine_for, init_db, session_scope
from pucha.registry.model import Decision, Site
from registry_samples import SITE


def test_migrations_make_the_declared_schema(db_url):
    init_db(db_url)  # a second run is a no-op
    with engine_for(db_url).connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        tables = set(inspect(connection).get_table_names())
    assert {"site", "site_column", "site_history", "decision", "alembic_version"} <= tables


def test_session_scope_commits_or_rolls_back(db_url):
    values = {**SITE, "home_url": "http://www.tianxin.gov.cn/"}
    with pytest.raises(RuntimeError):
        with session_scope(db_url) as session:
            session.add(Site(**values))
            session.flush()
            raise RuntimeError("abandon")
    with session_scope(db_url) as session:
        assert session.scalars(select(Site)).all() == []
        session.add(Site(**values))
    with pytest.raises(IntegrityError):  # home_url is unique
        with session_scope(db_url) as session:
            session.add(Site(**values))
    with session_scope(db_url) as session:
        [site] = session.scalars(select(Site)).all()
        assert site.status == "running" and site.created_at is not None


def test_decisions(db_url):
    at = dt.datetime(2026, 11, 26, 8, 30, tzinfo=dt.timezone.utc)
    with session_scope(db_url) as session:
        session.add(Decision(home_url="http://www.tianxin.gov.cn/", candidate_id="typo:3f2a", rule="veto.serious_error",
                             action="confirm", note="“国务院办公厅”误作“国务院办工厅”", reviewer="王五",
                             at=at, as_of=dt.date(2026, 11, 26)))
        session.add(Decision(home_url="http://www.tianxin.gov.cn/", rule="accuracy.basic_info", action="deduct",
                             count=2, reviewer="王五", at=at, as_of=dt.date(2026, 11, 26)))
    with session_scope(db_url) as session:
        decisions = session.scalars(select(Decision).order_by(Decision.id)).all()
        assert [(d.rule, d.action, d.count, d.candidate_id) for d in decisions] == [
            ("veto.serious_error", "confirm", None, "typo:3f2a"), ("accuracy.basic_info", "deduct", 2, None)]
        assert decisions[0].as_of == dt.date(2026, 11, 26)
        assert decisions[0].at.replace(tzinfo=dt.timezone.utc) == at  # SQLite gives it back naive
    with pytest.raises(IntegrityError):  # the action is one of three
        with session_scope(db_url) as session:
            session.add(Decision(home_url="http://x.cn/", rule="r", action="maybe", reviewer="w",
                                 as_of=dt.date(2026, 11, 26)))


def test_database_url_follows_the_settings(tmp_path):
    home = tmp_path / "home"
    assert database_url(settings.load({"PUCHA_HOME": str(home)}, config=tmp_path / "none.toml")) == \
        f"sqlite:///{home / 'registry.sqlite3'}"
    given = settings.load({"PUCHA_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test"},
                          config=tmp_path / "none.toml")
    # psycopg 3 is the driver installed; a bare postgresql:// URL is pointed at it.
    assert database_url(given) == "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def test_change_site_records_history_once(db_url, tmp_path):
    from pucha.registry.changes import change_site
    from pucha.registry.importer import import_registry
    from pucha.registry.model import SiteHistory
    from pucha.registry.workbook import write_workbook
    from registry_samples import sample_sites

    import_registry(write_workbook(sample_sites(1), tmp_path / "r.xlsx"), url=db_url)
    with session_scope(db_url) as session:
        site = session.scalars(select(Site)).one()
        assert change_site(session, site, "审核员 王五", {"status": "closed"})
        assert not change_site(session, site, "审核员 王五", {"status": "closed"})
        with pytest.raises(ValueError, match="网站状态"):
            change_site(session, site, "审核员 王五", {"status": "gone"})
        with pytest.raises(ValueError, match="home_url"):
            change_site(session, site, "审核员 王五", {"home_url": "http://x.cn/"})
    with session_scope(db_url) as session:
        history = session.scalars(select(SiteHistory).order_by(SiteHistory.id)).all()
        assert [(h.source, h.before, h.after) for h in history[1:]] == [
            ("审核员 王五", {"status": "running"}, {"status": "closed"})]
        assert history[0].before is None and history[0].source == "r.xlsx"
