"""Monitoring over time (附件2's week of homepage probes, two weeks of homepage updates).

``pucha monitor`` (run.run_monitor) probes every registered homepage
``probes_per_day`` times a day at slots spread over the day (schedule), each
probe an aiohttp request bounded by the probe timeout (prober), stores each
result as a pucha.events.Probe whose ``slot`` names the scheduled slot, and
keeps a persisted position (checkpoint) so that a restarted monitor neither
loses nor repeats a slot.  A successful probe doubles as the day's homepage
snapshot (snapshots).  When a Shanghai day has been probed in full, the day is
closed: every site is scored for that as_of from the monitoring window plus
the newest crawl sweep (scoring), its daily trend row is written (trends) and
veto thresholds crossed since yesterday are sent to the site's responsible
unit (alerts); ``veto.unreachable`` is also told the moment failed probes make
it certain (watch).  Everything runs against an injectable clock (clock), so
a simulated week takes seconds in the tests.  With PUCHA_REDIS_URL, monitor
processes share the sites in shards leased through Redis, one checkpoint per
shard (shards).

Where things are kept: probes and snapshots in the result store under a
monitoring sweep per calendar month (``monitor-2026-11``); the checkpoint,
trend rows and alerts in the ``monitor_*`` tables of the registry database
(monitor_db, made by the Alembic revision 0004_monitor), where the portal
reads them.
"""
