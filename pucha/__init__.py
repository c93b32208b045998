"""pucha (普查): a census of government websites.  See README.md."""

__version__ = "0.1.0"
