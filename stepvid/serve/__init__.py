"""``stepvid serve``: a local web UI and HTTP job API over one model (generation with a persistent queue) and
blind side-by-side voting on eval runs (votes in SQLite, exported as Video-DPO pairs and as the report's tables).

Rooms: :mod:`.media` (safe paths, byte ranges), :mod:`.db` (SQLite in WAL mode), :mod:`.jobs` (parameter
checks, the job queue, one worker per device), :mod:`.votes` (eval run folders, blind pairing, votes, exports),
:mod:`.app` (the stdlib HTTP server and its routes), :mod:`.cli` (the command), ``static/`` (the pages: HTML,
CSS, plain JS), :mod:`.fixtures` (tiny eval runs and raw HTTP clients for tests). docs/serve.md has the API.
Only the standard library serves; torch is imported by the worker when the first job runs.
"""
