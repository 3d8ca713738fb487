"""Prompt lookup proposes the tokens that followed the tail's earlier occurrence."""

from assistant.lookup import NgramLookup


def test_proposes_what_followed_the_tail_earlier():
    assert NgramLookup([1, 2, 3, 4, 5, 9, 1, 2]).draft(3) == [3, 4, 5]


def test_the_longest_matching_tail_wins_over_a_later_shorter_one():
    # the tail (1, 2) followed by 3 earlier; 2 alone was followed by 7 later
    assert NgramLookup([1, 2, 3, 8, 2, 7, 1, 2], longest=2).draft(1) == [3]


def test_the_latest_occurrence_of_the_same_tail_wins():
    assert NgramLookup([1, 2, 3, 1, 2, 4, 1, 2]).draft(1) == [4]


def test_a_new_tail_proposes_nothing():
    assert NgramLookup([1, 2, 3]).draft(4) == []
    assert NgramLookup([]).draft(4) == []


def test_appended_tokens_are_found_and_followed():
    lookup = NgramLookup([10, 11, 12])
    for token in (13, 10, 11):
        lookup.append(token)
    assert lookup.draft(5) == [12, 13, 10, 11]  # up to the end of what exists
    assert lookup.draft(0) == []
