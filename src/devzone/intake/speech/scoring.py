"""Scoring an extractor against a labelled speech (tests/data/speech/*.yaml; format in its README).

A predicted task matches a labelled sentence when their spans in the normalised text overlap by at
least half of the shorter one (one-to-one, largest overlaps first), so a segmentation that differs
slightly still matches. Labelled `borderline` sentences are ignored: a prediction on one is neither a
hit nor a false alarm. Owners match when every predicted owner contains or is contained in a labelled
one and vice versa (市委、市政府督查室 ~ 市政府督查室); deadlines match on date, recurrence and masking
(and on the text when neither has a date).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from devzone.intake.speech.extract import Extractor
from devzone.intake.speech.model import DraftTask
from devzone.intake.speech.normalise import normalise


@dataclass(frozen=True)
class LabelledSentence:
    text: str
    kind: str  # task | borderline
    start: int
    end: int
    owners: tuple[str, ...] = ()
    deadline: dict[str, Any] = field(default_factory=dict)
    targets: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class LabelledSpeech:
    name: str
    text: str  # normalised
    meeting_date: date | None
    sentences: tuple[LabelledSentence, ...]


def load_labelled(label_path: Path, corpus_dir: Path | None = None) -> LabelledSpeech:
    """Read a label file and its speech; every labelled sentence must be found in the normalised text."""
    doc = yaml.safe_load(label_path.read_text(encoding="utf-8"))
    source = (corpus_dir or label_path.parent) / doc["source"]
    text = normalise(source.read_text(encoding="utf-8"))
    sentences = []
    for item in doc["sentences"]:
        start = text.find(item["text"])
        if start < 0:
            raise ValueError(f"{label_path.name}: labelled sentence not in the normalised text: {item['text'][:40]}")
        sentences.append(
            LabelledSentence(
                text=item["text"],
                kind=item["kind"],
                start=start,
                end=start + len(item["text"]),
                owners=tuple(item.get("owners") or ()),
                deadline=item.get("deadline") or {},
                targets=tuple(item.get("targets") or ()),
            )
        )
    meeting = doc.get("meeting_date")
    return LabelledSpeech(
        name=label_path.stem,
        text=text,
        meeting_date=date.fromisoformat(str(meeting)) if meeting else None,
        sentences=tuple(sentences),
    )


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match(predicted: list[DraftTask], gold: tuple[LabelledSentence, ...]) -> list[tuple[int, int]]:
    """One-to-one (predicted index, gold index) pairs, largest overlap first."""
    candidates = []
    for i, task in enumerate(predicted):
        for j, label in enumerate(gold):
            overlap = _overlap((task.start, task.end), (label.start, label.end))
            if overlap and overlap >= 0.5 * min(task.end - task.start, label.end - label.start):
                candidates.append((overlap, i, j))
    pairs, used_p, used_g = [], set(), set()
    for _overlap_size, i, j in sorted(candidates, reverse=True):
        if i not in used_p and j not in used_g:
            pairs.append((i, j))
            used_p.add(i)
            used_g.add(j)
    return pairs


def owners_match(predicted: tuple[str, ...], gold: tuple[str, ...]) -> bool:
    def covered(owner: str, others: tuple[str, ...]) -> bool:
        return any(owner in other or other in owner for other in others)

    return all(covered(p, gold) for p in predicted) and all(covered(g, predicted) for g in gold)


def deadline_match(predicted: dict[str, Any], gold: dict[str, Any]) -> bool:
    p_empty = not predicted.get("text") and not predicted.get("recurrence")
    g_empty = not gold.get("text") and not gold.get("recurrence")
    if p_empty or g_empty:
        return p_empty and g_empty
    gold_date = str(gold["date"]) if gold.get("date") else None
    if (predicted.get("date"), predicted.get("recurrence"), bool(predicted.get("masked"))) != (
        gold_date,
        gold.get("recurrence"),
        bool(gold.get("masked")),
    ):
        return False
    if gold_date or gold.get("recurrence"):
        return True
    p_text, g_text = predicted.get("text") or "", gold.get("text") or ""
    return p_text in g_text or g_text in p_text


def _target_key(target: dict[str, Any]) -> tuple[Any, str | None]:
    value = target.get("value")
    return (float(value) if value is not None else None, target.get("unit"))


def score(extractor: Extractor, speech: LabelledSpeech) -> dict[str, Any]:
    """Counts and ratios for one speech (see module docstring for the matching rules)."""
    predicted = extractor.extract(speech.text, speech.meeting_date)
    pairs = match(predicted, speech.sentences)
    matched_gold = {j for _i, j in pairs}
    tp_pairs = [(i, j) for i, j in pairs if speech.sentences[j].kind == "task"]
    ignored = sum(1 for _i, j in pairs if speech.sentences[j].kind == "borderline")
    false_positives = [predicted[i] for i in range(len(predicted)) if i not in {p for p, _ in pairs}]
    missed = [s for j, s in enumerate(speech.sentences) if s.kind == "task" and j not in matched_gold]
    owners_ok = deadline_ok = 0
    owner_tp = owner_hit = owner_pred = owner_gold = 0
    target_tp = target_pred = target_gold = 0
    dated = dated_ok = 0
    for i, j in tp_pairs:
        task, label = predicted[i], speech.sentences[j]
        owners_ok += owners_match(task.owners, label.owners)
        owner_pred += len(set(task.owners))
        owner_gold += len(set(label.owners))
        owner_tp += sum(1 for g in set(label.owners) if any(g in p or p in g for p in task.owners))
        owner_hit += sum(1 for p in set(task.owners) if any(g in p or p in g for g in label.owners))
        ok = deadline_match(task.deadline.to_dict(), label.deadline)
        deadline_ok += ok
        if label.deadline.get("text") or label.deadline.get("recurrence"):
            dated += 1
            dated_ok += ok
        predicted_targets = [_target_key(t.to_dict()) for t in task.targets]
        gold_targets = [_target_key(t) for t in label.targets]
        target_pred += len(predicted_targets)
        target_gold += len(gold_targets)
        target_tp += sum(1 for t in gold_targets if t in predicted_targets)
    tp, fp, fn = len(tp_pairs), len(false_positives), len(missed)
    return {
        "speech": speech.name,
        "labelled_tasks": sum(1 for s in speech.sentences if s.kind == "task"),
        "labelled_borderline": sum(1 for s in speech.sentences if s.kind == "borderline"),
        "predicted": len(predicted),
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "ignored_borderline": ignored,
        "owners_correct": owners_ok,
        "deadlines_correct": deadline_ok,
        "deadlines_labelled": dated,
        "deadlines_labelled_correct": dated_ok,
        "owner_items": {
            "labelled_found": owner_tp,
            "predicted_right": owner_hit,
            "predicted": owner_pred,
            "labelled": owner_gold,
        },
        "target_items": {"true_positives": target_tp, "predicted": target_pred, "labelled": target_gold},
        "false_positive_sentences": [t.sentence for t in false_positives],
        "missed_sentences": [s.text for s in missed],
    }


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Micro-averaged figures over several speeches."""
    total = {
        key: sum(r[key] for r in results)
        for key in (
            "labelled_tasks",
            "predicted",
            "true_positives",
            "false_positives",
            "false_negatives",
            "ignored_borderline",
            "owners_correct",
            "deadlines_correct",
            "deadlines_labelled",
            "deadlines_labelled_correct",
        )
    }
    owner = {
        k: sum(r["owner_items"][k] for r in results)
        for k in ("labelled_found", "predicted_right", "predicted", "labelled")
    }
    target = {k: sum(r["target_items"][k] for r in results) for k in ("true_positives", "predicted", "labelled")}
    tp = total["true_positives"]
    borderline_labelled = sum(r["labelled_borderline"] for r in results)
    ignored = total["ignored_borderline"]
    return {
        **total,
        "labelled_borderline": borderline_labelled,
        # the same predictions scored as if the borderline sentences had been labelled one way or the other
        "precision_if_borderline_negative": _ratio(tp, tp + total["false_positives"] + ignored),
        "precision_if_borderline_positive": _ratio(tp + ignored, tp + ignored + total["false_positives"]),
        "recall_if_borderline_positive": _ratio(tp + ignored, total["labelled_tasks"] + borderline_labelled),
        "precision": _ratio(tp, tp + total["false_positives"]),
        "recall": _ratio(tp, tp + total["false_negatives"]),
        "f1": _ratio(2 * tp, 2 * tp + total["false_positives"] + total["false_negatives"]),
        "owner_accuracy": _ratio(total["owners_correct"], tp),
        "deadline_accuracy": _ratio(total["deadlines_correct"], tp),
        "deadline_accuracy_where_labelled": _ratio(total["deadlines_labelled_correct"], total["deadlines_labelled"]),
        "owner_item_precision": _ratio(owner["predicted_right"], owner["predicted"]),
        "owner_item_recall": _ratio(owner["labelled_found"], owner["labelled"]),
        "target_item_precision": _ratio(target["true_positives"], target["predicted"]),
        "target_item_recall": _ratio(target["true_positives"], target["labelled"]),
    }
