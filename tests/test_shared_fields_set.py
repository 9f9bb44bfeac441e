"""A parsed paper shares one pydantic fields-set per class (memory, issue 13); pydantic's
answers about which fields were set must stay what they would be with a set of its own."""

from __future__ import annotations

import copy
import pickle

import digestkit
from digestkit import Paper

TEXT = (
    "## Daily Papers (2024-01-02)\n\n"
    "### [One](https://arxiv.org/abs/2401.00001)\n![](https://x.org/1.png)\nVote: 3\n"
    "Authors: ['A B']\n\n- ***What's New***: text\n\n"
    "### [Two](https://arxiv.org/abs/2401.00002)\n![](https://x.org/2.png)\nVote: 4\n"
    "Authors: ['C D']\n\n- plain\n"
)


def parsed() -> list[Paper]:
    return digestkit.parse(TEXT).papers


def test_fields_sets_are_pydantics_own() -> None:
    for paper in parsed():
        fresh = Paper.model_validate(paper.model_dump(exclude={"arxiv_id"}, exclude_unset=True))
        assert paper.model_fields_set == fresh.model_fields_set
        assert paper.media is not None and fresh.media is not None
        assert paper.media.model_fields_set == fresh.media.model_fields_set
        assert [i.model_fields_set for i in paper.summary] == [
            i.model_fields_set for i in fresh.summary
        ]
        assert paper.model_dump(exclude_unset=True) == fresh.model_dump(exclude_unset=True)


def test_the_set_is_shared() -> None:
    one, two = parsed()
    assert one.model_fields_set is two.model_fields_set


def test_setting_a_field_touches_only_that_paper() -> None:
    one, two = parsed()
    one.ai_summary = "set"
    assert "ai_summary" in one.model_fields_set
    assert "ai_summary" not in two.model_fields_set
    assert "ai_summary" not in parsed()[0].model_fields_set
    assert "ai_summary" in one.model_dump(exclude_unset=True)
    assert "ai_summary" not in two.model_dump(exclude_unset=True)


def test_copies_do_not_touch_the_shared_set() -> None:
    one, two = parsed()
    changed = one.model_copy(update={"ai_keywords": ["k"]})
    assert "ai_keywords" in changed.model_fields_set
    deep = one.model_copy(update={"ai_summary": "s"}, deep=True)
    assert "ai_summary" in deep.model_fields_set
    shallow = copy.copy(one)
    shallow.votes = 9
    for other in (one, two, parsed()[1]):
        assert "ai_keywords" not in other.model_fields_set
        assert "ai_summary" not in other.model_fields_set
    restored = pickle.loads(pickle.dumps(one))
    restored.ai_summary = "p"
    assert "ai_summary" not in two.model_fields_set
    assert one.votes == 3 and two.model_fields_set == parsed()[1].model_fields_set
