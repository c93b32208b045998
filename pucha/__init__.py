"""pucha (普查), the core: what every other package of the census builds on.

events (the event schema), settings, errors, localtime (the census's Beijing
clock), categories, db and migrations, registry/ (the registry model and its
import), store/ (where events and scorecards are kept), transport/ (how events
travel: sinks and sources).  It imports nothing above it: the roles (crawler/,
scorers/, ingest/) build on it, the application (census/) and the portal
(portal/) on them.  pyproject.toml's import contracts hold that in the suite.
"""

__version__ = "0.1.0"
