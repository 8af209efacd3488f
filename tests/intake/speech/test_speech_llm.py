"""The optional LLM extractor, against a tiny OpenAI-compatible stub served on 127.0.0.1 by the test
(a real HTTP round trip on loopback; the model is never called in tests)."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from devzone.intake.speech import LLMExtractor, extract, normalise
from devzone.intake.speech.llm import LLMError

SPEECH = "去年全市完成投资80亿元。各县(市、区)要在一周内上报项目清单,开工率力争达到XX%。要增强意识。"


class _Stub(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []
    reply: str | None = None  # fixed content, else built from the request

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8"))
        _Stub.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        content = _Stub.reply if _Stub.reply is not None else json.dumps(_answer(body), ensure_ascii=False)
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    """What a careless model might say: right picks mixed with things the sentence does not contain."""
    user = body["messages"][-1]["content"]
    tasks = []
    for number, sentence in re.findall(r"^\[(\d+)\] (.*)$", user, flags=re.M):
        if "上报" in sentence:
            tasks.append(
                {
                    "id": int(number),
                    "obligation": "要",
                    "owners": ["各县(市、区)", "市长办公室"],
                    "deadline": "一周内",
                    "targets": [
                        {"indicator": "开工率", "value": "XX", "unit": "%"},
                        {"indicator": "开工率", "value": "30", "unit": "%"},
                    ],
                }
            )
    tasks.append({"id": 999, "obligation": "要", "owners": [], "deadline": None, "targets": []})
    return {"tasks": tasks}


@pytest.fixture
def stub_url() -> Iterator[str]:
    _Stub.requests = []
    _Stub.reply = None
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_round_trip_and_everything_is_checked_against_the_sentence(stub_url: str) -> None:
    extractor = LLMExtractor(stub_url, model="qwen2.5-7b-instruct", api_key="local-test-key")
    tasks = extractor.extract(normalise(SPEECH), date(2026, 3, 10))
    (task,) = tasks
    assert task.sentence == "各县(市、区)要在一周内上报项目清单,开工率力争达到XX%。"
    assert task.owners == ("各县(市、区)",)  # 市长办公室 is not in the sentence
    assert task.deadline.text == "一周内" and task.deadline.date == date(2026, 3, 17)
    assert [(t.indicator, t.value, t.unit, t.masked) for t in task.targets] == [("开工率", None, "%", True)]
    assert task.extractor == "llm"

    (request,) = _Stub.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer local-test-key"
    body = request["body"]
    assert body["model"] == "qwen2.5-7b-instruct" and body["temperature"] == 0
    assert [m["role"] for m in body["messages"]] == ["system", "user"]
    assert "[1] 各县(市、区)要在一周内上报项目清单" in body["messages"][1]["content"]


def test_through_the_public_api(stub_url: str) -> None:
    tasks = extract(SPEECH, date(2026, 3, 10), extractor=LLMExtractor(stub_url))
    assert [t.owners for t in tasks] == [("各县(市、区)",)]


def test_long_text_is_sent_in_chunks(stub_url: str) -> None:
    text = normalise("各县(市、区)要在一周内上报项目清单。" * 40)
    tasks = LLMExtractor(stub_url, chunk_chars=200).extract(text)
    assert len(_Stub.requests) > 1
    assert len(tasks) == 40


def test_fenced_json_is_accepted(stub_url: str) -> None:
    _Stub.reply = '```json\n{"tasks": [{"id": 1, "obligation": "要", "owners": [], "deadline": "x月x日前"}]}\n```'
    (task,) = LLMExtractor(stub_url).extract(normalise("第一句。x月x日前各部门要提交报告。"), date(2026, 3, 10))
    assert task.deadline.masked and task.deadline.date is None


def test_an_answer_that_is_not_json_is_an_error(stub_url: str) -> None:
    _Stub.reply = "好的,以下是任务清单:……"
    with pytest.raises(LLMError):
        LLMExtractor(stub_url).extract(normalise(SPEECH))


def test_an_unreachable_endpoint_is_an_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(LLMError):
        LLMExtractor(f"http://127.0.0.1:{port}/v1", timeout=2).extract(normalise(SPEECH))


def test_configuration_from_the_environment() -> None:
    assert LLMExtractor.from_env({}) is None
    extractor = LLMExtractor.from_env({"DEVZONE_LLM_URL": "http://127.0.0.1:8080/v1", "DEVZONE_LLM_MODEL": "m"})
    assert extractor is not None and extractor.url == "http://127.0.0.1:8080/v1/chat/completions"
    assert extractor.model == "m" and extractor.api_key is None


def test_only_http_urls() -> None:
    with pytest.raises(ValueError):
        LLMExtractor("file:///etc/passwd")
