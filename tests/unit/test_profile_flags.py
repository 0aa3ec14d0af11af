"""Authenticity evidence reads as sentences: every flag the scoring stores, in words, with no field names."""

import json

import pytest

from core.db import warehouse
from core.profile.flags import FLAG_NAMES, flag_name, flag_sentences


def test_every_stored_flag_reads_as_sentences_without_field_names(small_demo_file):
    with warehouse.connect(small_demo_file, read_only=True) as con:
        stored = warehouse.rows(con, "SELECT flag, evidence::VARCHAR FROM authenticity_flags")
    assert stored
    for flag, evidence in stored:
        sentences = flag_sentences(flag, evidence)
        assert flag in FLAG_NAMES and flag_name(flag) != flag
        assert sentences and all(s.endswith(".") and (s[0].isupper() or s[0].isdigit()) for s in sentences)
        for field in json.loads(evidence):
            assert all(field not in s for s in sentences if "_" in field), (field, sentences)
        assert not any("{" in s or '":' in s for s in sentences)


@pytest.mark.parametrize(
    ("flag", "evidence", "expected"),
    [
        ("pod", {"pod_id": 4, "members": 6, "mutual_pairs": 15, "density": 1.0, "joined_by_reacting": False,
                 "pod_reactions_received": 200, "from_inside_pod": 150, "share_from_inside": 0.75},
         "Of the reactions the group's accounts received, 75% (150 of 200) came from inside the group."),
        ("burst_reactor", {"reactions_in_bought_bursts": 1, "bursts": 1, "other_activity": 0},
         "This account took part in 1 burst of bought reactions (1 reaction) and did nothing else in the period."),
    ],
)  # fmt: skip
def test_numbers_and_plurals_read_right(flag, evidence, expected):
    assert expected in flag_sentences(flag, evidence)


def test_evidence_of_an_unknown_shape_is_still_listed_in_words():
    assert flag_sentences("pod", {"something_new": 3}) == ["Something new: 3."]
