from __future__ import annotations

import pytest

from assistant.errors import ContentError
from knowledge_base.document import parse_document, split_sections

GOOD = """---
id: en-salt
language: en
topic: salt
title: Salt
summary: Less salt is better. Here is why.
source_url: https://www.who.int/news-room/fact-sheets/detail/salt-reduction
source_title: WHO fact sheet
source_date: 2025-02-07
status: approved
reviewed_by: test
reviewed_on: 2026-11-28
---
## Key facts
Adults should eat less than 5 g of salt a day.

## What you can do
Taste before you salt.
"""


def test_a_good_document_parses():
    doc = parse_document(GOOD)
    assert (doc.id, doc.language, doc.source_date) == ("en-salt", "en", "2025-02-07")
    assert [s.heading for s in split_sections(doc.body)] == ["Key facts", "What you can do"]


def test_every_problem_is_reported_at_once():
    bad = GOOD.replace("language: en", "language: xx").replace("status: approved",
                                                               "status: live")
    bad = bad.replace("source_date: 2025-02-07", "source_date: 07/02/2025")
    with pytest.raises(ContentError) as caught:
        parse_document(bad, origin="salt.md")
    message = str(caught.value)
    for needle in ("salt.md", "language 'xx'", "status 'live'", "source_date"):
        assert needle in message


def test_a_translation_must_name_its_english_document():
    with pytest.raises(ContentError, match="translation_of"):
        parse_document(GOOD.replace("language: en", "language: fr"))


def test_no_front_matter_says_how_to_fix():
    with pytest.raises(ContentError, match="start the file with '---'"):
        parse_document("# just markdown")
