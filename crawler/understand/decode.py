"""Bytes to text: which charset a government page is really in.

Order: a byte-order mark; the HTTP header's charset; ``<meta charset>`` or
``http-equiv`` in the first 4 KB; detection.  Two corrections on top, because
wrong declarations are common on these sites (FIELD-NOTES): a page declared
UTF-8 that is not valid UTF-8 but is valid GB18030 is read as GB18030, and a
page declared in the GB family whose bytes are valid UTF-8 with non-ASCII
text is read as UTF-8 (GBK text is almost never valid UTF-8 by accident).
A header ``ISO-8859-1``/``US-ASCII`` is ignored: it is the default of
misconfigured servers, never the real charset of a Chinese page.

GBK, GB2312 and GB18030 all decode as GB18030, their superset.  Undecodable
bytes are replaced; this never raises.
"""
from __future__ import annotations

import codecs
import logging
import re

_GB = {"gbk", "gb2312", "gb18030", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "ms936",
       "euc-cn", "euccn", "hz-gb-2312", "windows-936", "csgb2312", "chinese", "iso-ir-58"}
_IGNORED_HEADER = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1"}

_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
# <meta charset="gbk"> and <meta http-equiv="Content-Type" content="text/html; charset=gbk">
_META_CHARSET_RE = re.compile(
    rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
# charset_normalizer logs every candidate it tries (about 100 records a page) at levels below
# DEBUG; Scrapy leaves the root logger at NOTSET, so each record was built and then dropped.
logging.getLogger("charset_normalizer").setLevel(logging.WARNING)

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))


def _canonical(name: str | None) -> str | None:
    """Python codec name for a declared charset, GB family as gb18030; None if unknown."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in _GB:
        return "gb18030"
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if info.name in ("gbk", "gb2312", "gb18030", "hz"):
        return "gb18030"
    return info.name


def _valid(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    """The charset the header or the page's own meta declares (canonical), if any."""
    if content_type:
        m = _HEADER_CHARSET_RE.search(content_type)
        if m and m.group(1).lower() not in _IGNORED_HEADER:
            enc = _canonical(m.group(1))
            if enc:
                return enc
    m = _META_CHARSET_RE.search(body, 0, 4096)
    if m:
        return _canonical(m.group(1).decode("ascii", "replace"))
    return None


def _detect(body: bytes) -> str:
    if _valid(body, "utf-8"):
        return "utf-8"
    if _valid(body, "gb18030"):
        return "gb18030"
    from charset_normalizer import from_bytes  # only for pages neither reads cleanly

    best = from_bytes(body[:65536]).best()
    enc = _canonical(best.encoding) if best is not None else None
    return enc or "gb18030"


def decode(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, encoding used) of a response body; see the module doc for the order."""
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(enc, "replace"), enc
    enc = declared_charset(body, content_type)
    if enc is None:
        enc = _detect(body)
    elif enc == "utf-8":
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            if _valid(body, "gb18030"):
                enc = "gb18030"
    elif enc == "gb18030" and not body.isascii():
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        return body.decode(enc, "replace"), enc
    except LookupError:  # a codec Python names but cannot run (rare aliases)
        return body.decode("gb18030", "replace"), "gb18030"
