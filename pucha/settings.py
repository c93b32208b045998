"""pucha's settings: every setting, its default and its meaning, in one place.

Settings come from ``pucha.toml`` in the working directory (or the file named
by ``PUCHA_CONFIG``), overridden by ``PUCHA_*`` environment variables
(SPEC §6).  Keys in the TOML file are the lower-case names below without
the ``PUCHA_`` prefix, e.g. ``home = "/srv/pucha"`` or ``probe_rounds = 20``.

``SETTINGS`` is the documented table; a test fails when a setting used in
code is missing from it or from the README.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


@dataclass(frozen=True)
class Setting:
    name: str  # environment variable
    default: Any
    doc: str
    parse: Callable[[str], Any] = str


def _bool(s: str) -> bool:
    return s.strip().lower() in ("1", "true", "yes", "on")


def one_of(*values: str) -> Callable[[str], str]:
    """A parser that takes one of ``values`` (any case): a typo is an error, never a silent default."""
    def parse(s: str) -> str:
        value = s.strip().lower()
        if value not in values:
            raise ValueError(value)
        return value
    parse.__name__ = "choice (" + ", ".join(values) + ")"  # what the error message names
    return parse


LOG_FORMATS = ("text", "json")
SMTP_SECURITY = ("none", "starttls", "ssl")  # a typo must not silently send in clear
RENDER_MODES = ("off", "auto")
log_format, smtp_security, render_mode = one_of(*LOG_FORMATS), one_of(*SMTP_SECURITY), one_of(*RENDER_MODES)


SETTINGS: tuple[Setting, ...] = (
    Setting("PUCHA_HOME", ".pucha", "data directory: embedded stores, logs"),
    Setting("PUCHA_DATABASE_URL", None, "registry and portal database (SQLAlchemy URL); unset: SQLite in PUCHA_HOME"),
    Setting("PUCHA_REDIS_URL", None, "shared crawl frontier (scrapy-redis); unset: Scrapy's own scheduler, in-process"),
    Setting("PUCHA_KAFKA_BOOTSTRAP", None, "event bus (host:port[,host:port]); unset: in-process hand-off"),
    Setting("PUCHA_KAFKA_TOPIC_PREFIX", "pucha", "Kafka topic names: <prefix>.<event kind>, one topic per kind"),
    Setting("PUCHA_KAFKA_PARTITIONS", 12, "partitions of each event topic pucha creates (the most consumers of a group that get work)", int),
    Setting("PUCHA_KAFKA_SESSION_TIMEOUT", 10.0, "seconds before a silent consumer leaves its group and its partitions move on", float),
    Setting("PUCHA_FRONTIER_LEASE", 30.0, "seconds a crawl worker holds a request without renewing before it goes back to the shared queue", float),
    Setting("PUCHA_MONITOR_SHARDS", 16, "with PUCHA_REDIS_URL: the parts the monitored sites are split into, each probed by one monitor process at a time", int),
    Setting("PUCHA_MONITOR_LEASE", 30.0, "seconds a monitor process holds a shard without renewing before another takes it over from its checkpoint", float),
    Setting("PUCHA_CLICKHOUSE_URL", None, "event and scorecard store, clickhouse://host:port/db; unset: embedded store in PUCHA_HOME"),
    Setting("PUCHA_RULEBOOK", "2015", "rulebook the scorers apply (pucha/rulebooks/<name>.toml)"),
    Setting("PUCHA_PROBE_ROUNDS", 20, "homepage probes per sweep (附件2: 20 a day or more)", int),
    Setting("PUCHA_PROBE_INTERVAL", 60.0, "seconds between probe rounds in a sweep", float),
    Setting("PUCHA_PROBE_TIMEOUT", 15.0, "seconds after which a probe has failed (附件2: 15 s)", float),
    Setting("PUCHA_LINK_TIMEOUT", 15.0, "seconds after which a link check has failed", float),
    Setting("PUCHA_PAGE_TIMEOUT", 15.0, "download timeout of crawled pages, seconds", float),
    Setting("PUCHA_REGISTRY_BATCH", 1000, "sites a query when a sweep reads the registry (it streams them, never holding a national registry whole)", int),
    Setting("PUCHA_MAX_PAGES_PER_SITE", 500, "page cap per site per sweep (a trap defence)", int),
    Setting("PUCHA_MAX_DEPTH", 3, "link depth below the homepage and the registered columns", int),
    Setting("PUCHA_MAX_LIST_PAGES", 20, "pagination pages followed per column", int),
    Setting("PUCHA_MAX_PAGE_BYTES", 2_000_000, "a page is read up to this many bytes; the rest is not downloaded (the page still counts as opened)", int),
    Setting("PUCHA_RENDER", "auto", "off: never render; auto: a column page whose list a script fills, from no endpoint the crawler can call itself, is rendered in headless Chromium and read from its DOM", render_mode),
    Setting("PUCHA_RENDER_SITES", "", "comma-separated homepage URLs or host names whose column pages are always rendered (with PUCHA_RENDER=auto)"),
    Setting("PUCHA_RENDER_TIMEOUT", 20.0, "seconds a rendered page may take to load and go network-idle; past it the list stays unreadable", float),
    Setting("PUCHA_RENDER_CONCURRENCY", 4, "pages rendered at once by one crawl process (each is a Chromium tab)", int),
    Setting("PUCHA_BROWSER", "/usr/bin/chromium", "the Chromium executable pages are rendered with (started only when a page needs it)"),
    Setting("PUCHA_MAX_REDIRECTS", 5, "redirects followed before a target counts as a loop (SPEC §4)", int),
    Setting("PUCHA_CONCURRENCY_PER_HOST", 2, "concurrent requests per host (politeness)", int),
    Setting("PUCHA_DELAY_PER_HOST", 0.5, "seconds between requests to one host (politeness)", float),
    Setting("PUCHA_CONCURRENCY", 64, "concurrent requests of one crawl process", int),
    Setting("PUCHA_CRAWL_PROCESSES", 0, "crawl processes of the embedded sweep, each with its own share of the hosts; 0: one per core", int),
    Setting("PUCHA_RETRIES", 2, "retries of a failed page fetch, with backoff", int),
    Setting("PUCHA_ROBOTS_OBEY", True, "honour robots.txt's Crawl-delay (Disallow is not applied: the census must see every government site)", _bool),
    Setting("PUCHA_ROBOTS_OVERRIDE", False, "census office override: ignore robots.txt Crawl-delay", _bool),
    Setting("PUCHA_USER_AGENT", "pucha/0.1 (+https://pucha.example.gov.cn/about; 全国政府网站普查)",
            "User-Agent naming the census and a contact URL"),
    Setting("PUCHA_LOG_LEVEL", "WARNING", "log level of the crawl (Scrapy's LOG_LEVEL)"),
    Setting("PUCHA_LOG_FORMAT", "text", "text: Scrapy's log lines; json: one JSON object a line (time, level, logger, message) for a log collector", log_format),
    Setting("PUCHA_METRICS_PORT", 0, "serve Prometheus metrics on this port (/metrics) from the sweep and every worker; 0: none. `pucha worker --role all` gives its roles this port and the next two", int),
    Setting("PUCHA_METRICS_ADDR", "127.0.0.1", "address the metrics server listens on (0.0.0.0 in a pod, for Prometheus to scrape)"),
    Setting("PUCHA_SMTP_HOST", None, "SMTP server for the portal's mail; unset: mail is logged, not sent"),
    Setting("PUCHA_SMTP_PORT", 25, "SMTP port", int),
    Setting("PUCHA_SMTP_USER", None, "SMTP login, when the server wants one"),
    Setting("PUCHA_SMTP_PASSWORD", None, "SMTP password"),
    Setting("PUCHA_SMTP_FROM", "pucha@localhost", "sender address of the portal's mail"),
    Setting("PUCHA_SMTP_SECURITY", "none", "none: plain SMTP; starttls: SMTP then STARTTLS (usually port 587); ssl: SMTPS, TLS from the first byte (usually port 465); the portal's mail and the monitor's alerts", smtp_security),
    Setting("PUCHA_SMTP_CAFILE", None, "PEM file of the CA that signs the SMTP server's certificate; unset: the system's CAs (the certificate and host name are always checked)"),
    Setting("PUCHA_OUTBOX_INTERVAL", 30.0, "seconds between the portal's background passes over its outbox (mail is also sent right after the decision that queued it); 0: no background sender, run `pucha portal send-mail` from a timer instead", float),
    Setting("PUCHA_OUTBOX_MAX_ATTEMPTS", 8, "attempts at a portal mail before it is marked 发送失败", int),
    Setting("PUCHA_OUTBOX_BACKOFF", 60.0, "seconds before the second attempt at a portal mail; each later wait doubles", float),
    Setting("PUCHA_SECRET_KEY", None, "kept for older configurations: portal sessions now live on the server (portal_session), nothing is signed with it"),
    Setting("PUCHA_PORTAL_SESSION_HOURS", 8.0, "portal sessions end this many hours after login, used or not (absolute lifetime)", float),
    Setting("PUCHA_PORTAL_SESSION_IDLE", 30.0, "portal sessions end after this many minutes without a request (idle timeout)", float),
    Setting("PUCHA_PORTAL_TLS", False, "the portal is served over HTTPS (directly or by the Ingress): Secure cookie and HSTS", _bool),
    Setting("PUCHA_PORTAL_TRUSTED_PROXIES", "", "comma-separated addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For the portal believes; empty: none, the peer address is the client"),
    Setting("PUCHA_PORTAL_MAX_BODY", 25_000_000, "largest request body of a logged-in user, bytes (workbook uploads); larger is refused before it is read", int),
    Setting("PUCHA_PORTAL_IMPORT_MAX_ROWS", 20_000, "most rows a sheet of a workbook imported in the portal may declare or hold (a city's sites, one column a row); larger files go through `pucha registry import`", int),
    Setting("PUCHA_PORTAL_MAX_ANONYMOUS_BODY", 65_536, "largest request body without a login (login, mailbox, 标识码找回), bytes", int),
)

_BY_NAME = {s.name: s for s in SETTINGS}


class ConfigError(ValueError):
    """A setting that cannot be read; the message names the file or variable."""


class Settings:
    """Resolved settings.  Attribute names are lower-case without the prefix."""

    def __init__(self, values: dict[str, Any]):
        self._values = values

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # copy/pickle probe for dunders before _values exists
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"no setting {name!r} (see pucha.settings.SETTINGS)") from None

    def __reduce__(self):
        return (Settings, (dict(self._values),))

    def replace(self, **changes: Any) -> "Settings":
        unknown = set(changes) - set(self._values)
        if unknown:
            raise AttributeError(f"no setting {sorted(unknown)}")
        return Settings({**self._values, **changes})

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    @property
    def home(self) -> Path:  # type: ignore[override]
        p = Path(self._values["home"])
        p.mkdir(parents=True, exist_ok=True)
        return p

    @property
    def database_url(self) -> str:
        url = self._values["database_url"]
        return url or f"sqlite:///{self.home / 'registry.sqlite3'}"

    @property
    def distributed(self) -> bool:
        return bool(self.redis_url and self.kafka_bootstrap and self.clickhouse_url)


def _key(setting: Setting) -> str:
    return setting.name.removeprefix("PUCHA_").lower()


def load(environ: dict[str, str] | None = None, config: str | Path | None = None) -> Settings:
    env = os.environ if environ is None else environ
    path = Path(config or env.get("PUCHA_CONFIG") or "pucha.toml")
    from_file: dict[str, Any] = {}
    if path.is_file():
        try:
            from_file = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
        known = {_key(s) for s in SETTINGS}
        unknown = sorted(set(from_file) - known)
        if unknown:
            raise ConfigError(f"{path}: unknown setting(s) {', '.join(unknown)}")
    elif env.get("PUCHA_CONFIG"):
        raise ConfigError(f"PUCHA_CONFIG names {path}, which does not exist")
    values: dict[str, Any] = {}
    for s in SETTINGS:
        key = _key(s)
        value = from_file.get(key, s.default)
        raw = env.get(s.name)
        if raw is not None and raw != "":
            try:
                value = s.parse(raw)
            except ValueError:
                raise ConfigError(f"{s.name}={raw!r}: not a valid {s.parse.__name__}") from None
        values[key] = value
    return Settings(values)
