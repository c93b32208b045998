"""Which link targets are files rather than pages: the crawler does not parse them as pages, and the
scorer knows an undated list entry linking to one has no article to take a date from."""
from __future__ import annotations

from urllib.parse import urlsplit

FILE_EXTENSIONS = (".doc", ".docx", ".xls", ".xlsx", ".pdf", ".zip", ".rar", ".7z", ".wps", ".et", ".dps",
                   ".ppt", ".pptx", ".txt", ".ofd", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg",
                   ".ico", ".css", ".js", ".mp4", ".mp3", ".avi", ".flv", ".swf", ".xml", ".json", ".apk", ".exe")


def is_file_url(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(FILE_EXTENSIONS)
