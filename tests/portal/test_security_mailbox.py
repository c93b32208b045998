"""The mailbox's challenge is kept on the server and good for one answer;
the mailbox is rate-limited per client."""
from __future__ import annotations

import re

from portal_client import Portal

_QUESTION = re.compile(r"验证题：(\d) \+ (\d) = \?")
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _letter(page) -> dict:
    a, b = _QUESTION.search(page.text).groups()
    return {"csrf_token": _TOKEN.search(page.text).group(1), "site_text": "某某网站 http://www.example.gov.cn/",
            "category": "内容不更新", "content": "首页三个月没有更新", "challenge": str(int(a) + int(b))}


def test_a_replayed_challenge_is_refused(world, app):
    sender = Portal(app, address="198.51.100.30")
    letter = _letter(sender.get("/mailbox"))
    saved = dict(sender.cookies)
    assert sender.post("/mailbox", data=letter).status_code == 200
    # The same cookie and the same answer again (a script replaying one solved challenge).
    replay = Portal(app, address="198.51.100.30")
    for name, value in saved.items():
        replay.cookies.set(name, value)
    response = replay.post("/mailbox", data=letter)
    assert response.status_code == 400 and "验证题" in response.text
    sender.close()
    replay.close()


def test_the_challenge_answer_is_not_in_the_cookie(world, app):
    with Portal(app) as client:
        assert _QUESTION.search(client.get("/mailbox").text)
        cookie = client.cookies["pucha_session"]
    assert "challenge" not in cookie and not cookie.startswith("ey")  # no readable payload


def test_mailbox_is_rate_limited_per_client(world, app):
    from portal.mailbox import PER_CLIENT

    sender = Portal(app, address="198.51.100.31")
    for _ in range(PER_CLIENT):
        assert sender.post("/mailbox", data=_letter(sender.get("/mailbox"))).status_code == 200
    refused = sender.post("/mailbox", data=_letter(sender.get("/mailbox")))
    assert refused.status_code == 400 and "每小时最多" in refused.text
    other = Portal(app, address="198.51.100.32")
    assert other.post("/mailbox", data=_letter(other.get("/mailbox"))).status_code == 200
    sender.close()
    other.close()
