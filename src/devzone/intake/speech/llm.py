"""An optional extractor that asks a locally hosted, OpenAI-compatible chat model (llama.cpp server,
vLLM, Ollama …) which sentences assign work. Used only when DEVZONE_LLM_URL is set; the rule-based
extractor stays the default. Standard library only (urllib).

The model only chooses: which numbered sentences are tasks, and which words of each sentence are the
owners, the deadline, the targets and the obligation word. Everything it returns is checked against the
sentence — an owner, deadline or figure that is not in the sentence is dropped — and dates and numbers
are computed here, by the same code as the rules, so a masked figure (XX%, x月x日) stays masked.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import date
from typing import Any

from devzone.intake.speech.deadlines import deadline_of
from devzone.intake.speech.model import Deadline, DraftTask, Target
from devzone.intake.speech.numbers import is_masked, parse_number
from devzone.intake.speech.segment import Sentence, segment

SYSTEM_PROMPT = """你是政府督查室的工作人员,负责从领导讲话中整理督办任务清单。
用户给出编号的句子。找出其中布置了具体工作的句子(有明确要求、责任单位、时限或指标;不包括回顾成绩、
一般性号召、态度要求、转述上级讲话),用 JSON 回答,格式:
{"tasks": [{"id": 句子编号, "obligation": "句中表示要求的词,如 要/务必/确保/力争/请",
  "owners": ["句中原文的责任单位、职务或人员"], "deadline": "句中原文的时间要求,没有则为 null",
  "targets": [{"indicator": "指标名称", "value": "句中原文的数值,如 30 或 XX", "unit": "单位,如 % 或 亿元"}]}]}
只能摘录句子里的原文,不要改写,不要补充句子里没有的内容;数值被遮盖(如 X、XX、*、**)时照原样写出。"""


class LLMError(RuntimeError):
    """The model endpoint could not be reached or answered something unusable."""


class LLMExtractor:
    """Draft tasks chosen by a chat model behind an OpenAI-compatible HTTP endpoint."""

    name = "llm"

    def __init__(
        self,
        url: str,
        model: str = "local",
        *,
        api_key: str | None = None,
        timeout: float = 120.0,
        chunk_chars: int = 4000,
    ) -> None:
        if not re.match(r"^https?://", url):
            raise ValueError("DEVZONE_LLM_URL must be an http(s) URL")
        self.url = url if url.rstrip("/").endswith("/chat/completions") else url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.chunk_chars = chunk_chars

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LLMExtractor | None:
        """The extractor configured by DEVZONE_LLM_URL (and DEVZONE_LLM_MODEL, DEVZONE_LLM_API_KEY,
        DEVZONE_LLM_TIMEOUT), or None when DEVZONE_LLM_URL is not set."""
        env = os.environ if environ is None else environ
        url = env.get("DEVZONE_LLM_URL", "").strip()
        if not url:
            return None
        return cls(
            url,
            env.get("DEVZONE_LLM_MODEL", "local"),
            api_key=env.get("DEVZONE_LLM_API_KEY") or None,
            timeout=float(env.get("DEVZONE_LLM_TIMEOUT", "120")),
        )

    # --- the protocol ---------------------------------------------------------------------------------------

    def extract(self, text: str, meeting_date: date | None = None) -> list[DraftTask]:
        tasks: list[DraftTask] = []
        for chunk in self._chunks(segment(text)):
            answer = self._ask(_numbered(chunk))
            tasks.extend(_tasks_from_answer(answer, chunk, meeting_date))
        return sorted(tasks, key=lambda t: t.start)

    # --- HTTP --------------------------------------------------------------------------------------------------

    def _chunks(self, sentences: list[Sentence]) -> list[list[Sentence]]:
        chunks: list[list[Sentence]] = [[]]
        size = 0
        for sentence in sentences:
            if chunks[-1] and size + len(sentence.text) > self.chunk_chars:
                chunks.append([])
                size = 0
            chunks[-1].append(sentence)
            size += len(sentence.text)
        return [c for c in chunks if c]

    def _ask(self, user_content: str) -> dict[str, Any]:
        body = json.dumps(
            {
                "model": self.model,
                "temperature": 0,
                "response_format": {"type": "json_object"},
                "messages": [
                    {"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": user_content},
                ],
            },
            ensure_ascii=False,
        ).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read().decode("utf-8"))
            content = payload["choices"][0]["message"]["content"]
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise LLMError(f"model endpoint {self.url} unreachable: {exc}") from exc
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError("model endpoint answered something that is not a chat completion") from exc
        return _parse_content(content)


def _numbered(sentences: list[Sentence]) -> str:
    return "\n".join(f"[{s.index}] {s.text}" for s in sentences)


def _parse_content(content: str) -> dict[str, Any]:
    content = re.sub(r"^```(?:json)?\s*|\s*```$", "", content.strip())
    try:
        answer = json.loads(content)
    except ValueError as exc:
        raise LLMError("model answer is not JSON") from exc
    if isinstance(answer, list):
        answer = {"tasks": answer}
    if not isinstance(answer, dict) or not isinstance(answer.get("tasks", []), list):
        raise LLMError("model answer has no task list")
    return answer


def _tasks_from_answer(answer: dict[str, Any], chunk: list[Sentence], meeting_date: date | None) -> list[DraftTask]:
    by_index = {s.index: s for s in chunk}
    tasks: dict[int, DraftTask] = {}
    for item in answer.get("tasks", []):
        if not isinstance(item, dict):
            continue
        try:
            sentence = by_index.get(int(item.get("id")))
        except (TypeError, ValueError):
            continue
        if sentence is None or sentence.index in tasks:
            continue
        tasks[sentence.index] = _checked_task(item, sentence, meeting_date)
    return list(tasks.values())


def _quoted(value: Any, sentence: str) -> str | None:
    """The value when it is a non-empty string that occurs in the sentence, else None."""
    return value.strip() if isinstance(value, str) and value.strip() and value.strip() in sentence else None


def _checked_task(item: dict[str, Any], sentence: Sentence, meeting_date: date | None) -> DraftTask:
    text = sentence.text
    owners = tuple(dict.fromkeys(o for o in (_quoted(v, text) for v in item.get("owners") or []) if o))
    deadline_text = _quoted(item.get("deadline"), text)
    deadline = Deadline()
    if deadline_text:
        resolved = deadline_of(deadline_text, meeting_date)
        position = text.index(deadline_text)
        deadline = Deadline(
            text=deadline_text,
            date=resolved.date,
            recurrence=resolved.recurrence,
            masked=resolved.masked or is_masked(deadline_text),
            start=sentence.start + position,
            end=sentence.start + position + len(deadline_text),
        )
    targets = []
    for target in item.get("targets") or []:
        if not isinstance(target, dict):
            continue
        value_text = str(target.get("value", "")).strip()
        if not value_text or value_text not in text:
            continue  # a figure the sentence does not contain is never kept
        unit = _quoted(target.get("unit"), text)
        position = text.index(value_text)
        targets.append(
            Target(
                text=value_text + (unit or ""),
                indicator=_quoted(target.get("indicator"), text),
                value=None if is_masked(value_text) else parse_number(value_text),
                unit=unit,
                masked=is_masked(value_text),
                start=sentence.start + position,
                end=sentence.start + position + len(value_text),
            )
        )
    return DraftTask(
        sentence=text,
        start=sentence.start,
        end=sentence.end,
        obligation=_quoted(item.get("obligation"), text) or "",
        owners=owners,
        deadline=deadline,
        targets=tuple(targets),
        extractor="llm",
    )
