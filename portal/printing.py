"""HTML to PDF with Debian's headless Chromium (the 通报's printable copy).

The page is written to a file and printed from there, so Chromium needs no
session with the portal; the 通报 template carries its own styles for that.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from portal.errors import PortalError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def chromium() -> str:
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    raise PortalError("服务器未安装 Chromium，无法生成 PDF（apt-get install chromium），可先使用浏览器的打印功能")


def html_to_pdf(html: str, timeout: float = 60) -> bytes:
    with tempfile.TemporaryDirectory(prefix="pucha-pdf-") as tmp:
        page, pdf = Path(tmp) / "page.html", Path(tmp) / "out.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", f"--user-data-dir={tmp}/profile",
               "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise PortalError("生成 PDF 超时，请稍后重试") from None
        if not pdf.exists() or pdf.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
            raise PortalError(f"生成 PDF 失败（Chromium 退出码 {done.returncode}：{tail[0][:200]}）")
        return pdf.read_bytes()
