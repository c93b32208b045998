"""Every labelled sample of the real government pages (shared/real-pages/labels.json)."""
import datetime as dt
import json
from pathlib import Path

import pytest

from crawler.understand import understand

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "real-pages"
LABELS = json.loads((REAL / "labels.json").read_text(encoding="utf-8"))["samples"]
AS_OF = dt.date(2026, 11, 26)
# 002 has no recorded URL; its links are relative to the list's own directory.
DEFAULT_URL = "http://www.example.gov.cn/xxgk/xxgknb/index.html"

# The scoring each uncertain label's note states, as accepted dates (None: "no date").
ACCEPTED_UNCERTAIN = {
    "005": {"2007-08-20", None},  # "2007-08-20 correct, 'no date' acceptable, 2007-06-29 wrong"
    "009": {"2023-05-11", "2023-08-16"},  # 2023-07-12 wrong
    "010": {"2023-05-16", "2023-04-18"},  # 2023-04-12 wrong
    "011": {"2023-05-16", "2023-03-31"},  # 2023-03-28 wrong
}


def _view(sample, role):
    body = (REAL / sample["file"]).read_bytes()
    return understand(body, sample.get("page_url") or DEFAULT_URL, None, AS_OF, role)


LISTS = [s for s in LABELS if s["kind"] in ("homepage", "list")]
ARTICLES = [s for s in LABELS if s["kind"] == "article"]


def test_the_labels_are_all_here():
    assert len(LISTS) == 2 and len(ARTICLES) == 13


@pytest.mark.parametrize("sample", LISTS, ids=[s["id"] for s in LISTS])
def test_list_pages(sample):
    truth = sample["truth"]
    view = _view(sample, "home" if sample["kind"] == "homepage" else "column")
    got = {(i.title, i.date) for i in view.items}
    wanted = [(it["title"], it["date"]) for lst in truth["lists"] for it in lst["items"]]
    missing = [w for w in wanted if w not in got]
    assert not missing, f"{sample['id']}: items not found with their date: {missing}"
    assert len(set(wanted)) <= len({i for i in got if i[1]})
    assert max(i.date for i in view.items if i.date) == truth["newest_date"]
    if truth["next_page"]:
        page_url = sample.get("page_url") or DEFAULT_URL
        from urllib.parse import urljoin
        assert urljoin(page_url, truth["next_page"]) in view.next_pages
    else:
        assert view.next_pages == []


@pytest.mark.parametrize("sample", ARTICLES, ids=[s["id"] for s in ARTICLES])
def test_article_pub_date(sample):
    truth = sample["truth"]
    got = _view(sample, "page").pub_date
    got_iso = got.isoformat() if got else None
    if sample.get("uncertain") or truth.get("uncertain"):
        assert got_iso in ACCEPTED_UNCERTAIN[sample["id"]], sample["note"]
    else:
        assert got_iso == truth["pub_date"], truth["pub_date_basis"]


def test_uncertain_samples_are_the_ones_we_read_notes_for():
    assert {s["id"] for s in ARTICLES if s["truth"].get("uncertain") or s.get("uncertain")} <= set(ACCEPTED_UNCERTAIN)
