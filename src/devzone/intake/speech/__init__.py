"""Meeting-speech intake: turn a speech (Traditional or Simplified Chinese, pasted from the web) into
draft supervision tasks — the sentence that assigns work, its owners, deadline, targets and obligation.

Plain Python, no Django: ``normalise`` → ``segment`` → ``extract``. The rule-based extractor is the
default; ``LLMExtractor`` asks a locally hosted OpenAI-compatible model when DEVZONE_LLM_URL is set.
"""

from devzone.intake.speech.errors import IntakeInputError
from devzone.intake.speech.extract import Extractor, RuleExtractor, default_extractor, extract
from devzone.intake.speech.llm import LLMExtractor
from devzone.intake.speech.model import Deadline, DraftTask, Target
from devzone.intake.speech.normalise import normalise
from devzone.intake.speech.segment import Clause, Sentence, segment

__all__ = [
    "Clause",
    "Deadline",
    "DraftTask",
    "Extractor",
    "IntakeInputError",
    "LLMExtractor",
    "RuleExtractor",
    "Sentence",
    "Target",
    "default_extractor",
    "extract",
    "normalise",
    "segment",
]
