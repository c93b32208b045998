"""Candidates for 严重错误 from the lexicon; none on real, correct government pages."""
from __future__ import annotations

import json
from pathlib import Path

from crawler.understand.dom import parse
from crawler.understand.lexicon import text_findings

REAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "real-pages"


def test_misspelt_names_and_banned_words_are_found_once_each_with_context():
    doc = parse("<html><body><p>深入学习习近凭同志讲话。</p><div>中华人民共合国成立，中华人民共合国万岁</div>"
                "<a href='x'>博彩</a><script>var a='时时彩';</script></body></html>")
    hits = {h.term: h for h in text_findings(doc)}
    assert set(hits) == {"习近凭", "中华人民共合国", "博彩"}
    assert hits["习近凭"].what == "misspelt_name" and hits["习近凭"].suggestion == "习近平"
    assert "深入学习" in hits["习近凭"].context
    assert hits["博彩"].what == "banned_word"


def test_correct_text_gives_nothing():
    doc = parse("<p>中华人民共和国国务院办公厅 习近平新时代中国特色社会主义思想 中国共产党</p>")
    assert text_findings(doc) == []


def test_no_candidates_on_the_real_pages():
    labels = json.loads((REAL / "labels.json").read_text(encoding="utf-8"))
    for sample in labels["samples"]:
        text = (REAL / sample["file"]).read_bytes().decode("utf-8", "replace")
        assert text_findings(parse(text)) == [], sample["id"]
