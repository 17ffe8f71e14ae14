"""The HTTP server (stdlib ``ThreadingHTTPServer``): pages under ``/``, a JSON API under ``/api/``, files under
``/media/``. See docs/serve.md for the endpoints.

Defences, all cheap: request bodies over :data:`MAX_BODY` are refused (413) unread; POSTs must be
``application/json`` (415) and same-origin when the browser says where they come from (403), which keeps other
web pages from driving the API; on a loopback address the ``Host`` header must be a loopback name (403), which
defeats DNS rebinding; ``/media/`` serves only media files inside its roots (:mod:`stepvid.serve.media`);
pages carry a strict Content-Security-Policy (scripts from this server only, no inline code).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import socket
import threading
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from stepvid.serve.jobs import Generator, JobError, JobStore, Limits, ParamError, Worker, validate_params
from stepvid.serve.media import (
    CONTENT_TYPES,
    RangeNotSatisfiable,
    Refused,
    parse_range,
    resolve_under,
    safe_segments,
)
from stepvid.serve.votes import (
    VoteError,
    VoteStore,
    load_eval_runs,
    pair_rows,
    read_vote_rows,
    tables,
    tables_markdown,
)

__all__ = ["MAX_BODY", "ServeApp", "Server", "is_loopback"]

log = logging.getLogger("stepvid.serve")

MAX_BODY = 64 * 1024
STATIC = Path(__file__).resolve().parent / "static"
PAGES = {"/": "index.html", "/index.html": "index.html", "/vote": "vote.html", "/vote.html": "vote.html",
         "/results": "results.html", "/results.html": "results.html"}
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
JOB_ID = re.compile(r"^[0-9a-f]{16}$")
LOOPBACK_NAMES = {"localhost", "localhost.", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and addresses in 127.0.0.0/8 or ``::1``."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class HTTPError(Exception):
    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.field = status, field


# ---------------------------------------------------------------------------------------------------- app


class ServeApp:
    """What the routes use: the model's description and limits, the job queue and its workers (one per
    device, the model loaded lazily by each), the votes and the pairs offered from ``eval_dirs``."""

    def __init__(self, out: str | os.PathLike, model_dir: str | os.PathLike | None = None, *,
                 eval_dirs: list[str | os.PathLike] = (), devices: list[str | None] = (None,),
                 generators: list[Generator] | None = None, queue_limit: int = 100,
                 max_body: int = MAX_BODY, seed: int | None = None, tries: int | None = None) -> None:
        self.out = Path(os.path.realpath(out))
        (self.out / "jobs").mkdir(parents=True, exist_ok=True)
        if generators:
            self.plan = generators[0].plan
        else:
            from stepvid.model_folder import plan_model, with_default_preset

            if model_dir is None:
                raise ValueError("no model folder given")
            self.plan = with_default_preset(plan_model(model_dir))  # what `stepvid generate` makes
        self.limits = Limits.for_model(self.plan.defaults, self.plan.size_multiple)
        self.max_body = int(max_body)
        self.jobs = JobStore(self.out / "jobs.sqlite", queue_limit)
        self.recovered = self.jobs.recover()
        self.eval_roots = [Path(os.path.realpath(d)) for d in eval_dirs]
        items, self.duplicates = load_eval_runs(list(eval_dirs))
        self.votes = VoteStore(self.out / "votes.sqlite", seed=seed)
        self.n_pairs = self.votes.offer(items)
        self.wake = threading.Event()
        gens = generators or [Generator(self.plan, d, tries) for d in devices]
        self.workers = [Worker(self.jobs, g, self.out, self.wake, name=str(g.device or "auto")) for g in gens]

    def start(self) -> None:
        for w in self.workers:
            w.start()

    def stop(self, timeout: float | None = 60.0) -> None:
        """Stop the workers: a running job returns to the queue at its next step (or finishes decoding)."""
        for w in self.workers:
            w.stop()
        for w in self.workers:
            if w.is_alive():
                w.join(timeout)

    def model_info(self) -> dict:
        d = self.plan.defaults
        return {
            "name": self.plan.name or self.plan.root.name,
            "path": str(self.plan.root),
            "size_multiple": self.limits.size_multiple,
            "defaults": {"num_frames": d.num_frames, "height": d.height, "width": d.width, "steps": d.steps,
                         "cfg": d.cfg, "seed": 1234, "negative_prompt": d.negative_prompt, "fps": d.fps},
            "limits": asdict(self.limits),
            "devices": [w.device_name for w in self.workers],
            "queue_limit": self.jobs.queue_limit,
            "eval": {"folders": len(self.eval_roots), "pairs": self.n_pairs},
        }


# ------------------------------------------------------------------------------------------------ server


class Server(ThreadingHTTPServer):
    """One thread per connection; ``app`` holds the state. ``port=0`` picks a free port (see :attr:`url`)."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64  # 20+ voters connecting at once must not overflow the listen backlog

    def __init__(self, app: ServeApp, host: str = "127.0.0.1", port: int = 0) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.app = app
        self.loopback = is_loopback(host)
        super().__init__((host.strip("[]"), port), Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def start_thread(self) -> threading.Thread:
        """Serve from a daemon thread (tests, embedding); stop with :meth:`close`."""
        t = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True,
                             name="stepvid-serve-http")
        t.start()
        self._thread = t
        return t

    def close(self) -> None:
        """Stop serving (when started with :meth:`start_thread`) and release the port."""
        if getattr(self, "_thread", None) is not None:
            self.shutdown()
            self._thread.join()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    """Routes requests to :class:`ServeApp`; every error is JSON ``{"error": message, "field": name|null}``."""

    server: Server
    server_version = "stepvid-serve"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 30  # an idle or stalled connection frees its thread after this many seconds

    # -- plumbing ---------------------------------------------------------------------------------------
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch(self._get)

    def do_HEAD(self) -> None:
        self._dispatch(self._get)

    def do_POST(self) -> None:
        self._body_pending = True
        self._dispatch(self._post)

    def _not_allowed(self) -> None:
        self._body_pending = "Content-Length" in self.headers or "Transfer-Encoding" in self.headers
        self._error(405, f"method {self.command} is not allowed", headers={"Allow": "GET, HEAD, POST"})

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed

    def _dispatch(self, route) -> None:
        try:
            self._check_host()
            target = self.path
            if not target.startswith("/") or target.startswith("//"):
                raise HTTPError(400, "the request target must be a path starting with a single /")
            path, _, query = target.partition("?")
            route(path, query)
        except (HTTPError, Refused, JobError, ParamError, VoteError) as e:
            self._error(e.status, str(e), getattr(e, "field", None))
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True
        except Exception as e:
            log.exception("error while answering %s %s", self.command, self.path)
            self._error(500, f"internal error: {type(e).__name__}: {e}")

    def _check_host(self) -> None:
        """On a loopback address only loopback host names are served (DNS-rebinding defence)."""
        host = self.headers.get("Host")
        if self.server.loopback and host is not None:
            name = urlsplit(f"//{host}").hostname or ""
            if not is_loopback(name):
                raise HTTPError(403, f"Host {host!r} is not this server's; open it as http://127.0.0.1:PORT/")

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        if getattr(self, "_body_pending", False):  # a body we did not read cannot stay on a kept-alive socket
            self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _error(self, status: int, message: str, field: str | None = None,
               headers: dict[str, str] | None = None) -> None:
        body = json.dumps({"error": message, "field": field}, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", headers)

    def _read_json(self) -> Any:
        """The request's JSON body: 411 without a length, 413 over the limit (unread), 415 for another content
        type, 400 for bytes that are not JSON; 403 for a browser request from another origin."""
        origin = self.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != self.headers.get("Host"):
            raise HTTPError(403, f"cross-origin request from {origin} refused")
        if "Transfer-Encoding" in self.headers:
            raise HTTPError(411, "send the body with a Content-Length (chunked bodies are not accepted)")
        length = self.headers.get("Content-Length")
        if length is None:
            raise HTTPError(411, "a Content-Length header is required")
        try:
            n = int(length)
            if n < 0:
                raise ValueError
        except ValueError:
            raise HTTPError(400, f"Content-Length {length!r} is not a byte count") from None
        limit = self.server.app.max_body
        if n > limit:
            raise HTTPError(413, f"request body of {n:,} bytes is over the limit of {limit:,} bytes")
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise HTTPError(415, f"Content-Type must be application/json; got {ctype or 'none'!r}")
        raw = self.rfile.read(n)
        self._body_pending = False
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as e:
            raise HTTPError(400, f"request body is not valid JSON ({str(e)[:120]})") from None

    # -- routes -----------------------------------------------------------------------------------------
    def _get(self, path: str, query: str) -> None:
        app = self.server.app
        if path in PAGES:
            return self._static(PAGES[path])
        if path.startswith("/static/"):
            return self._static(path.removeprefix("/static/"))
        if path.startswith("/media/"):
            return self._file(self._media(path.removeprefix("/media/")))
        q = parse_qs(query, max_num_fields=20)
        if path == "/api/model":
            return self._json(200, app.model_info())
        if path == "/api/jobs":
            return self._json(200, {"jobs": app.jobs.list(), "counts": app.jobs.counts()})
        m = re.fullmatch(r"/api/jobs/([^/]+)", path)
        if m:
            return self._json(200, app.jobs.get(self._job_id(m.group(1))))
        if path == "/api/pairs/next":
            return self._json(200, app.votes.next_pair(q.get("rater", [None])[0]))
        if path == "/api/export/pairs":
            mode = q.get("mode", ["vote"])[0]
            if mode not in ("vote", "majority"):
                raise HTTPError(400, f"mode must be 'vote' or 'majority'; got {mode!r}", "mode")
            rows = pair_rows(read_vote_rows(app.votes.path), None, majority=mode == "majority")
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            return self._send(200, text.encode("utf-8"), "text/plain; charset=utf-8")
        if path == "/api/export/tables":
            return self._json(200, tables(read_vote_rows(app.votes.path)))
        if path == "/api/export/tables.md":
            md = tables_markdown(tables(read_vote_rows(app.votes.path)))
            return self._send(200, md.encode("utf-8"), "text/plain; charset=utf-8")
        raise HTTPError(404, f"no page or endpoint {path[:200]!r}")

    def _post(self, path: str, query: str) -> None:
        app = self.server.app
        if path == "/api/jobs":
            params = validate_params(self._read_json(), app.plan.defaults, app.limits)
            job = app.jobs.submit(params)
            app.wake.set()
            return self._json(201, job)
        m = re.fullmatch(r"/api/jobs/([^/]+)/cancel", path)
        if m:
            jid = self._job_id(m.group(1))
            self._read_json()
            return self._json(200, app.jobs.cancel(jid))
        if path == "/api/votes":
            return self._json(201, app.votes.record(self._read_json()))
        raise HTTPError(404, f"no endpoint POST {path[:200]!r}")

    @staticmethod
    def _job_id(text: str) -> str:
        if not JOB_ID.match(text):
            raise HTTPError(404, f"no job {text[:40]!r} (job ids are 16 hex digits)")
        return text

    def _media(self, rest: str) -> Path:
        """``jobs/<path>`` (under OUT/jobs), ``eval/<k>/<path>`` (the k-th --eval folder), ``items/<id>.mp4``
        (a voting item, named without its model)."""
        app = self.server.app
        root, _, rel = rest.partition("/")
        if root == "jobs":
            return resolve_under(app.out / "jobs", safe_segments(rel))
        if root == "eval":
            k, _, rel = rel.partition("/")
            if not k.isdigit() or int(k) >= len(app.eval_roots):
                raise Refused(404, f"no eval folder {k[:20]!r}")
            return resolve_under(app.eval_roots[int(k)], safe_segments(rel))
        if root == "items":
            m = re.fullmatch(r"(\d{1,12})\.mp4", rel)
            if not m:
                raise Refused(404, "not found")
            item = app.votes.video(int(m.group(1)))
            return resolve_under(item.source, item.video.split("/"))
        raise Refused(404, "not found")

    def _static(self, name: str) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_-]+\.[a-z]+", name) or Path(name).suffix not in STATIC_TYPES:
            raise HTTPError(404, "not found")
        path = STATIC / name
        if not path.is_file():
            raise HTTPError(404, "not found")
        headers = {"Content-Security-Policy": CSP, "X-Frame-Options": "DENY"} if name.endswith(".html") else {}
        self._send(200, path.read_bytes(), STATIC_TYPES[path.suffix], headers)

    def _file(self, path: Path) -> None:
        """A media file, whole or one byte range (``Range: bytes=a-b``) for <video> seeking."""
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            ctype = CONTENT_TYPES[path.suffix.lower()]
            try:
                rng = parse_range(self.headers.get("Range"), size)
            except RangeNotSatisfiable:
                return self._send(416, b"", ctype, {"Content-Range": f"bytes */{size}"})
            first, last = rng if rng else (0, size - 1)
            self.send_response(206 if rng else 200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(last - first + 1))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("X-Content-Type-Options", "nosniff")
            if rng:
                self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            self.end_headers()
            if self.command == "HEAD":
                return
            f.seek(first)
            left = last - first + 1
            while left > 0:
                chunk = f.read(min(1 << 16, left))
                if not chunk:
                    break
                self.wfile.write(chunk)
                left -= len(chunk)
