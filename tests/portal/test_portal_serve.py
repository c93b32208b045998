"""``pucha portal`` serves the app: started as the command line starts it."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx


def test_pucha_portal_serves_the_public_pages(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUCHA_")}
    env["PUCHA_HOME"] = str(tmp_path / "home")
    process = subprocess.Popen([sys.executable, "-m", "census", "portal", "--port", str(port)], cwd=tmp_path,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "the portal did not start within 60 s"
                time.sleep(0.2)
        assert response.status_code == 200 and "全国政府网站普查报送系统" in response.text
        assert httpx.get(f"http://127.0.0.1:{port}/dashboard", timeout=5).status_code == 303
        # Sessions live on the server: the cookie is an opaque token, HttpOnly.
        assert "httponly" in response.headers["set-cookie"].lower()
        assert response.headers["x-frame-options"] == "DENY"
    finally:
        process.terminate()
        process.wait(timeout=30)
