"""Quality regression test: the rule-based extractor on the labelled speeches (tests/data/speech) must
stay above floors set a little under what was measured (bench/bench_intake.py prints the figures).
Not a timing test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devzone.intake.speech import RuleExtractor
from devzone.intake.speech.scoring import LabelledSpeech, load_labelled, score, summarise

LABELS = Path(__file__).resolve().parents[2] / "data" / "speech"

# measured 2026-11 on the two labelled speeches: precision 0.889, recall 1.00, owners 0.981, deadlines 0.990
FLOORS = {"precision": 0.85, "recall": 0.95, "owner_accuracy": 0.93, "deadline_accuracy": 0.95}


@pytest.fixture(scope="module")
def speeches() -> list[LabelledSpeech]:
    return [load_labelled(path) for path in sorted(LABELS.glob("*.yaml"))]


@pytest.fixture(scope="module")
def results(speeches: list[LabelledSpeech]) -> list[dict[str, Any]]:
    return [score(RuleExtractor(), speech) for speech in speeches]


def test_every_labelled_sentence_is_found_in_its_speech(speeches: list[LabelledSpeech]) -> None:
    assert len(speeches) == 2
    for speech in speeches:
        assert sum(s.kind == "task" for s in speech.sentences) >= 15
        assert all(speech.text[s.start : s.end] == s.text for s in speech.sentences)


def test_rule_extractor_stays_above_the_floors(results: list[dict[str, Any]]) -> None:
    overall = summarise(results)
    below = {name: overall[name] for name, floor in FLOORS.items() if overall[name] < floor}
    assert not below, f"quality fell below the floor: {below} (floors {FLOORS})"


def test_masked_and_dated_labels_are_reproduced(results: list[dict[str, Any]]) -> None:
    """Every labelled deadline (including the masked x月x日前) and every labelled target value is found."""
    for result in results:
        assert result["deadlines_labelled_correct"] == result["deadlines_labelled"]
        assert result["target_items"]["true_positives"] == result["target_items"]["labelled"]
