"""LLM prompt rewriting against a local fake OpenAI-compatible server (stdlib http.server on 127.0.0.1)."""

from __future__ import annotations

import http.server
import json
import logging
import socket
import threading
import time

import pytest

from stepvid.cli import build_parser, main
from stepvid.llm_rewrite import LLMRewriter, clean_answer, system_prompt
from stepvid.prompt_rewrite import prompt_language, rewrite_prompt


class _FakeLLM(http.server.BaseHTTPRequestHandler):
    """Answers ``POST /v1/chat/completions`` as ``server.behaviour`` says; records every request body."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.calls.append((self.path, self.headers.get("Authorization"), body))
        kind, value = self.server.behaviour
        if kind == "sleep":
            time.sleep(value)
            kind, value = "answer", "too late"
        if kind == "status":
            return self._send(value, b'{"error": "overloaded"}')
        if kind == "raw":
            return self._send(200, value)
        self._send(
            200, json.dumps({"choices": [{"message": {"role": "assistant", "content": value}}]}).encode()
        )

    def _send(self, code: int, data: bytes) -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass

    def log_message(self, *a):
        pass


@pytest.fixture
def llm_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeLLM)
    server.daemon_threads = True
    server.calls, server.behaviour = [], ("answer", "")
    server.url = f"http://127.0.0.1:{server.server_port}/v1"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def _closed_port_url() -> str:
    with socket.socket() as s:  # bound then closed: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


DENSE = (
    "A ginger cat with white paws runs across a sunlit meadow from left to right, tall green grass swaying "
    "around it. Warm late-afternoon light, shallow depth of field. Medium tracking shot following the cat, "
    "live-action footage."
)


def test_answer_is_used_and_the_request_carries_system_prompt_model_and_prompt(llm_server, monkeypatch):
    monkeypatch.setenv("TEST_LLM_KEY", "sekret")
    llm_server.behaviour = ("answer", f'  "{DENSE}"\n')  # wrapping quotes and whitespace are dropped
    llm = LLMRewriter(llm_server.url, "fake-llm", api_key_env="TEST_LLM_KEY", timeout=5)
    rw = rewrite_prompt("a cat running", "none", llm=llm)
    assert (rw.text, rw.rewriter, rw.warning, rw.reason) == (DENSE, "llm", None, None)
    assert rw.message() == f"prompt rewritten for this model (llm rewriter): {DENSE!r}"
    [(path, auth, body)] = llm_server.calls
    assert path == "/v1/chat/completions" and auth == "Bearer sekret" and body["model"] == "fake-llm"
    assert body["messages"] == [
        {"role": "system", "content": system_prompt("dense")},
        {"role": "user", "content": "a cat running"},
    ]
    assert "dense" in body["messages"][0]["content"] and "camera movement" in body["messages"][0]["content"]


@pytest.mark.parametrize(
    "behaviour, reason",
    [
        (("status", 500), "HTTP 500"),
        (("status", 401), "HTTP 401"),
        (("raw", b"<html>not json</html>"), "malformed answer (not JSON"),
        (("raw", b'{"id": "x", "choices": []}'), "malformed answer (no choices[0].message.content)"),
        (("raw", b'{"choices": [{"message": {"content": 42}}]}'), "malformed answer (content is int"),
        (("answer", "   "), "empty answer"),
        (("answer", None), "empty answer"),
        (("answer", "<think>the user wants a cat</think>"), "empty answer"),
        (("answer", "x" * 2001), "answer too long (2,001 characters; at most 2,000)"),
        (("sleep", 1.0), "no answer within 0.3 s"),
    ],
)
def test_every_failure_keeps_the_prompt_with_one_warning(llm_server, behaviour, reason):
    llm_server.behaviour = behaviour
    timeout = 0.3 if behaviour[0] == "sleep" else 10  # generous unless timing out is the point (busy CI)
    rw = rewrite_prompt("a cat running", "none", llm=LLMRewriter(llm_server.url, "fake-llm", timeout=timeout))
    assert (rw.text, rw.rewriter, rw.message()) == ("a cat running", "none", None)
    assert rw.warning.startswith(
        f"warning: LLM prompt rewrite not used: no usable answer from {llm_server.url}"
    )
    assert reason in rw.warning and rw.warning.endswith("going on with the prompt as typed")
    assert len(llm_server.calls) == 1  # one request, no retries by default


def test_connection_refused_and_an_answer_too_long_for_the_encoder(llm_server):
    url = _closed_port_url()
    rw = rewrite_prompt("a cat running", "none", llm=LLMRewriter(url, "fake-llm", timeout=2))
    assert rw.text == "a cat running"
    assert "cannot connect (connection refused)" in rw.warning and url in rw.warning

    llm_server.behaviour = ("answer", DENSE)
    llm = LLMRewriter(llm_server.url, "fake-llm")
    seen = []

    def fits(text):
        seen.append(text)
        return "llm stream keeps 48 of 61 tokens"

    rw = rewrite_prompt("a cat running", "none", llm=llm, fits=fits)
    assert rw.text == "a cat running" and seen == [DENSE]
    assert "its answer is too long for the text encoder (llm stream keeps 48 of 61 tokens)" in rw.warning


def test_world_models_restate_the_llm_answer_or_else_the_prompt(llm_server):
    """World rewriter after the LLM: the LLM gets the world system prompt; a readable answer is restated in
    the training captions' words (here it also chose the colour the prompt left open); an unreadable one
    leaves the prompt as typed for the world rewriter, with a warning."""
    llm = LLMRewriter(llm_server.url, "fake-llm")
    answer = "A small red circle glides slowly to the right on a plain black background."
    llm_server.behaviour = ("answer", answer)
    rw = rewrite_prompt("a circle going right", "world", llm=llm)
    expected = rewrite_prompt(answer, "world")
    assert expected.reason is None and expected.text != answer  # the world's own words, not the LLM's
    assert (rw.text, rw.rewriter, rw.warning) == (expected.text, "llm+world", None)
    assert llm_server.calls[-1][2]["messages"][0]["content"] == system_prompt("world")
    assert rewrite_prompt("a circle going right", "world").substitutions == ("colour not stated -> red circle",)

    llm_server.behaviour = (
        "answer",
        "A cinematic shot of a red circle drifting right as the camera pans.",
    )
    prompt = "watch as a green triangle slowly slides left"
    rw = rewrite_prompt(prompt, "world", llm=llm)
    assert rw.text == rewrite_prompt(prompt, "world").text == "A green triangle moves slowly to the left."
    assert rw.rewriter == "world" and "the world rewriter cannot restate its answer" in rw.warning

    llm_server.behaviour = ("status", 503)
    rw = rewrite_prompt(prompt, "world", llm=llm)
    assert rw.text == "A green triangle moves slowly to the left." and "HTTP 503" in rw.warning


def test_world_system_prompt_lists_the_world_and_its_captions_parse():
    from stepvid.world.scene import COLORS, SHAPES

    text = system_prompt("world")
    assert all(c in text for c in COLORS) and all(s in text for s in SHAPES) and "{" not in text
    shown = text.split("Its captions look like this:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    examples = [line.removeprefix("- ") for line in shown]
    assert len(examples) == 5 and sum(bool(prompt_language(c) == "zh") for c in examples) == 2
    for caption in examples:  # the examples are captions the world rewriter reads back as themselves
        assert rewrite_prompt(caption, "world").text == caption
    with pytest.raises(ValueError, match="unknown system prompt style 'x'"):
        system_prompt("x")


def test_clean_answer():
    assert clean_answer("<think>\nplan\n</think>\n\n“A cat\n  runs.”") == "A cat runs."
    assert clean_answer("「一只猫在奔跑」") == "一只猫在奔跑"
    assert clean_answer('"A "quoted" word"') == 'A "quoted" word'
    assert clean_answer("A cat's toy") == "A cat's toy"


def test_configuration_from_flags_then_environment(monkeypatch):
    for var in (
        "STEPVID_REWRITE_URL",
        "STEPVID_REWRITE_MODEL",
        "STEPVID_REWRITE_KEY_ENV",
        "STEPVID_REWRITE_TIMEOUT",
    ):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(
        ValueError, match=r"needs the endpoint's model name \(--rewrite-model or \$STEPVID_REWRITE_MODEL\)"
    ):
        LLMRewriter.from_env()
    monkeypatch.setenv("STEPVID_REWRITE_MODEL", "env-model")
    llm = LLMRewriter.from_env()
    assert (llm.base_url, llm.model, llm.api_key_env, llm.timeout) == (
        "http://127.0.0.1:8000/v1",
        "env-model",
        "OPENAI_API_KEY",
        30.0,
    )
    monkeypatch.setenv("STEPVID_REWRITE_URL", "https://llm.example/v1/")
    monkeypatch.setenv("STEPVID_REWRITE_KEY_ENV", "MY_KEY")
    monkeypatch.setenv("STEPVID_REWRITE_TIMEOUT", "7.5")
    llm = LLMRewriter.from_env()
    assert (llm.client.url, llm.api_key_env, llm.timeout) == (
        "https://llm.example/v1/chat/completions",
        "MY_KEY",
        7.5,
    )
    llm = LLMRewriter.from_env("http://127.0.0.1:9/v1", "flag-model", "K", 2)
    assert (llm.base_url, llm.model, llm.api_key_env, llm.timeout) == (
        "http://127.0.0.1:9/v1",
        "flag-model",
        "K",
        2,
    )
    monkeypatch.setenv("STEPVID_REWRITE_TIMEOUT", "soon")
    with pytest.raises(
        ValueError, match=r"\$STEPVID_REWRITE_TIMEOUT must be a number of seconds; got 'soon'"
    ):
        LLMRewriter.from_env()
    with pytest.raises(ValueError, match="must start with http:// or https://; got 'llm.example'"):
        LLMRewriter("llm.example", "m")
    with pytest.raises(ValueError, match="timeout must be a number of seconds > 0; got 0"):
        LLMRewriter(model="m", timeout=0)


# ------------------------------------------------------------------------------------------------- the CLI


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from stepvid.testing.checkpoint_fixtures import write_tiny_small_model

    defaults = {
        "num_frames": 1,
        "height": 32,
        "width": 32,
        "steps": 1,
        "positive_suffix": "",
        "negative_prompt": "",
    }
    return write_tiny_small_model(tmp_path_factory.mktemp("llm_cli"), seed=0, defaults=defaults)


def test_cli_rewrite_end_to_end_and_fallbacks(llm_server, tiny_model, tmp_path, capsys, caplog, monkeypatch):
    """The answer reaches the text encoder and the video is written; an answer the (tiny, 16-token) encoder
    would cut and an endpoint that is down each leave the prompt as typed with one warning."""
    from stepvid.pipeline import TextToVideoPipeline
    from stepvid.video import read_video

    encoded = []
    encode_prompt = TextToVideoPipeline.encode_prompt
    monkeypatch.setattr(
        TextToVideoPipeline,
        "encode_prompt",
        lambda self, p, *a: encoded.append(p) or encode_prompt(self, p, *a),
    )
    out = tmp_path / "cat.mp4"
    args = [
        "generate",
        "a circle",
        "--model",
        str(tiny_model),
        "--device",
        "cpu",
        "-o",
        str(out),
        "--rewrite",
    ]
    answer = "a red circle moves to the right"
    llm_server.behaviour = ("answer", answer)
    assert main([*args, "--rewrite-url", llm_server.url, "--rewrite-model", "fake-llm"]) == 0
    err = capsys.readouterr().err
    assert f"asking fake-llm at {llm_server.url}/chat/completions to rewrite the prompt (timeout 30 s)" in err
    assert f"prompt rewritten for this model (llm rewriter): {answer!r}" in err
    assert encoded == [answer] and read_video(out).shape == (1, 32, 32, 3)
    assert llm_server.calls[0][2]["messages"][1]["content"] == "a circle"

    monkeypatch.setenv("STEPVID_REWRITE_MODEL", "fake-llm")  # the model name and URL from the environment
    monkeypatch.setenv("STEPVID_REWRITE_URL", llm_server.url)
    llm_server.behaviour = ("answer", DENSE)
    with caplog.at_level(logging.WARNING, logger="stepvid.pipeline"):
        assert main(args) == 0
        monkeypatch.setenv("STEPVID_REWRITE_URL", _closed_port_url())
        assert main([*args, "--rewrite-timeout", "2"]) == 0
    warnings = [r.getMessage() for r in caplog.records if "LLM prompt rewrite" in r.getMessage()]
    assert len(warnings) == 2 and len(llm_server.calls) == 2
    assert "its answer is too long for the text encoder (llm stream keeps 14 of" in warnings[0]
    assert "cannot connect (connection refused)" in warnings[1]
    assert encoded == [answer, "a circle", "a circle"]


def test_cli_rewrite_options_are_checked_before_loading(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("STEPVID_REWRITE_MODEL", raising=False)
    base = ["generate", "a cat", "--model", str(tmp_path / "no_such_model"), "-o", str(tmp_path / "o.mp4")]
    for flags, message in [
        (["--rewrite"], "LLM prompt rewriting needs the endpoint's model name"),
        (["--rewrite-model", "m"], "--rewrite-model has no effect without --rewrite"),
        (
            ["--rewrite", "--rewrite-model", "m", "--rewrite-url", "ftp://x"],
            "must start with http:// or https://",
        ),
        (
            ["--rewrite", "--rewrite-model", "m", "--rewrite-timeout", "-1"],
            "timeout must be a number of seconds > 0",
        ),
        (["--rewrite", "--rewrite-model", "m", "--gpus", "2"], "--rewrite runs in one process only"),
    ]:
        if (
            "--gpus" in flags
            and "--gpus" not in build_parser()._subparsers._group_actions[0].choices["generate"].format_help()
        ):
            continue  # a build without multi-GPU generation
        assert main([*base, *flags]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("stepvid generate: error: ") and message in err[0], err


def test_pipeline_llm_rewriter_attribute_runs_before_the_model_rewriter(llm_server, tiny_model, monkeypatch):
    """``pipe.llm_rewriter`` (off by default) makes ``pipe(prompt)`` and ``generate_batch`` encode the answer."""
    from stepvid.pipeline import TextToVideoPipeline

    pipe = TextToVideoPipeline.from_pretrained(tiny_model)
    assert pipe.llm_rewriter is None
    seen: list[list[str]] = []
    encode = pipe.text_encoder.encode
    monkeypatch.setattr(
        pipe.text_encoder, "encode", lambda texts, **kw: seen.append(list(texts)) or encode(texts, **kw)
    )
    answer = "a red circle moves to the right"
    llm_server.behaviour = ("answer", answer)
    pipe("a circle", seed=4, progress=False)
    pipe.llm_rewriter = LLMRewriter(llm_server.url, "fake-llm")
    pipe("a circle", seed=4, progress=False)
    pipe.generate_batch(["a circle", "a square"], [1, 2])
    assert seen == [["a circle", ""], [answer, ""], [answer, answer, ""]]  # + the (empty) negative prompt
    assert [body["messages"][1]["content"] for _, _, body in llm_server.calls] == [
        "a circle",
        "a circle",
        "a square",
    ]
