"""Quality of meeting-speech intake on the labelled speeches in tests/data/speech/.

Runs the rule-based extractor and, side by side, a keyword baseline (every sentence holding an
obligation word is a task: what a clerk's Ctrl-F would give) and prints precision and recall of task
sentences, owner accuracy and deadline accuracy; writes bench/results/intake.json.

    .venv/bin/python bench/bench_intake.py [--labels tests/data/speech] [--out bench/results/intake.json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import date
from pathlib import Path

from devzone.intake.speech.extract import RuleExtractor
from devzone.intake.speech.model import DraftTask
from devzone.intake.speech.scoring import load_labelled, score, summarise
from devzone.intake.speech.segment import segment

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = re.compile(r"要|务必|必须|确保|力争|抓紧|请")


class KeywordBaseline:
    """Every sentence with 要/务必/必须/确保/力争/抓紧/请 is a task; no owners, deadlines or targets."""

    name = "keyword-baseline"

    def extract(self, text: str, meeting_date: date | None = None) -> list[DraftTask]:
        return [
            DraftTask(sentence=s.text, start=s.start, end=s.end, obligation=m[0], extractor=self.name)
            for s in segment(text)
            if (m := KEYWORDS.search(s.text))
        ]


def run(labels_dir: Path) -> dict:
    speeches = [load_labelled(path) for path in sorted(labels_dir.glob("*.yaml"))]
    report: dict = {"labels": str(labels_dir.relative_to(ROOT)) if labels_dir.is_relative_to(ROOT) else str(labels_dir)}
    for extractor in (RuleExtractor(), KeywordBaseline()):
        started = time.perf_counter()
        per_speech = [score(extractor, speech) for speech in speeches]
        elapsed = time.perf_counter() - started
        report[extractor.name] = {
            "overall": summarise(per_speech),
            "speeches": per_speech,
            "seconds": round(elapsed, 3),
        }
    return report


def _line(name: str, overall: dict) -> str:
    def pct(value: float | None) -> str:
        return "   n/a" if value is None else f"{value * 100:5.1f}%"

    return (
        f"{name:<17} precision {pct(overall['precision'])}  recall {pct(overall['recall'])}  "
        f"F1 {pct(overall['f1'])}  owners {pct(overall['owner_accuracy'])}  "
        f"deadlines {pct(overall['deadline_accuracy'])}  "
        f"(TP {overall['true_positives']}, FP {overall['false_positives']}, FN {overall['false_negatives']})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=ROOT / "tests" / "data" / "speech")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "intake.json")
    parser.add_argument("--verbose", action="store_true", help="list false positives and misses")
    args = parser.parse_args(argv)
    report = run(args.labels.resolve())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    rules = report["rules"]["overall"]
    print(
        f"labelled task sentences: {rules['labelled_tasks']} "
        f"(borderline ones ignored: predictions on them {rules['ignored_borderline']})"
    )
    print(_line("rules", rules))
    print(_line("keyword baseline", report["keyword-baseline"]["overall"]))
    print(
        f"owner items: precision {rules['owner_item_precision']}, recall {rules['owner_item_recall']}; "
        f"targets (value+unit): precision {rules['target_item_precision']}, "
        f"recall {rules['target_item_recall']}; deadlines where one is labelled: "
        f"{rules['deadlines_labelled_correct']}/{rules['deadlines_labelled']}"
    )
    print(
        f"borderline sentences ({rules['labelled_borderline']}) counted as non-tasks: precision "
        f"{rules['precision_if_borderline_negative']}; counted as tasks: precision "
        f"{rules['precision_if_borderline_positive']}, recall {rules['recall_if_borderline_positive']}"
    )
    if args.verbose:
        for speech in report["rules"]["speeches"]:
            print(f"\n== {speech['speech']}")
            for sentence in speech["false_positive_sentences"]:
                print("  FP", sentence[:90])
            for sentence in speech["missed_sentences"]:
                print("  FN", sentence[:90])
    print(f"written {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
