"""Body limits, against a real uvicorn server on loopback: an anonymous
40 MB POST is answered 413 after a few kilobytes, before the body is read."""
from __future__ import annotations

import socket

import pytest

from portal_client import served as serve_app



@pytest.fixture
def served(app):
    with serve_app(app) as port:
        yield port


def _post_streaming(port: int, headers: str, total: int, chunk: int = 64 * 1024) -> tuple[bytes, int]:
    """Send the headers, then the body chunk by chunk until the server answers;
    the answer and how many body bytes had been sent by then."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(headers.encode())
    sent, answer = 0, b""
    sock.settimeout(0.05)
    try:
        while sent < total:
            try:
                answer += sock.recv(65536)
                if answer:
                    break
            except socket.timeout:
                pass
            try:
                sock.sendall(b"x" * chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += chunk
        sock.settimeout(5)
        while b"\r\n\r\n" not in answer:
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    finally:
        sock.close()
    return answer, sent


def test_anonymous_40mb_post_is_refused_before_it_is_read(served):
    total = 40 * 1024 * 1024
    headers = (f"POST /mailbox HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               f"Content-Length: {total}\r\n\r\n")
    answer, sent = _post_streaming(served, headers, total)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 2 * 1024 * 1024, f"the server let {sent} bytes in before answering"


def test_anonymous_chunked_post_is_cut_at_the_limit(served, settings):
    headers = ("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               "Transfer-Encoding: chunked\r\n\r\n")
    sock = socket.create_connection(("127.0.0.1", served), timeout=10)
    sock.sendall(headers.encode())
    piece = b"x" * 16384
    sent, answer = 0, b""
    sock.settimeout(0.05)
    while sent < 40 * 1024 * 1024 and not answer:
        try:
            sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            break
        sent += len(piece)
        try:
            answer = sock.recv(65536)
        except socket.timeout:
            pass
    sock.settimeout(5)
    answer += sock.recv(65536) if b"\r\n\r\n" not in answer else b""
    sock.close()
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < settings.portal_max_anonymous_body + 2 * 1024 * 1024


def test_small_anonymous_post_still_works(served):
    import httpx

    response = httpx.get(f"http://127.0.0.1:{served}/login")
    assert response.status_code == 200
