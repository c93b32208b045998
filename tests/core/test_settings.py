"""Settings: one documented table, read from pucha.toml and the environment."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pucha import settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in settings.SETTINGS if f"`{s.name}`" not in readme]
    assert not missing, f"settings missing from README.md: {missing}"


def test_every_setting_used_in_code_is_in_the_table():
    known = {s.name for s in settings.SETTINGS} | {"PUCHA_CONFIG"}
    used = set()
    for folder in ("pucha", "crawler", "scorers", "ingest", "portal"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r"\bPUCHA_[A-Z_]*[A-Z]\b", path.read_text(encoding="utf-8")))
    # Scrapy-side names carried through Scrapy settings, not environment variables.
    used -= {"PUCHA_SETTINGS", "PUCHA_MAX_PAGE_BYTES_SCRAPY", "PUCHA_ROBOTS_CRAWL_DELAY"}
    assert used <= known | {"PUCHA_MAX_PAGE_BYTES"}, sorted(used - known)


def test_file_then_environment(tmp_path):
    cfg_file = tmp_path / "pucha.toml"
    cfg_file.write_text('home = "/srv/x"\nprobe_rounds = 7\n', encoding="utf-8")
    cfg = settings.load({"PUCHA_PROBE_ROUNDS": "9"}, config=cfg_file)
    assert cfg.home.as_posix() != "" and cfg.probe_rounds == 9
    assert settings.load({}, config=cfg_file).probe_rounds == 7
    assert settings.load({}, config=tmp_path / "none.toml").probe_rounds == 20


def test_bad_settings_name_the_place(tmp_path):
    bad = tmp_path / "pucha.toml"
    bad.write_text("probe_roundz = 3\n", encoding="utf-8")
    with pytest.raises(settings.ConfigError, match="probe_roundz"):
        settings.load({}, config=bad)
    with pytest.raises(settings.ConfigError, match="PUCHA_PROBE_ROUNDS"):
        settings.load({"PUCHA_PROBE_ROUNDS": "many"}, config=tmp_path / "none.toml")
    with pytest.raises(settings.ConfigError, match="does not exist"):
        settings.load({"PUCHA_CONFIG": str(tmp_path / "missing.toml")})


def test_database_defaults_to_sqlite_in_home(tmp_path):
    cfg = settings.load({"PUCHA_HOME": str(tmp_path)}, config=tmp_path / "none.toml")
    assert cfg.database_url == f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    assert not cfg.distributed
