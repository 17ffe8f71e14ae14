#!/usr/bin/env bash
# One device call that continues the bundled DiT along independent lines at once, one GPU each, then scores
# every line's export on the held-out prompts on its own GPU: an A/B of continuation settings (e.g. a stage
# `mix` against none) in the wall time of one.
#
#   bash recipes/bundled/lines.sh OUT BUDGET_MINUTES STATE N "SEEDS" NAME='RUN.PY ARGS' [NAME='ARGS' ...]
#
#   e.g. ... $OUT 7.5 runs/b2/state.json 64 "0 1" plain='--set seed=9' \
#        mix='--set seed=9 --set "dit.stages.2.mix={shapes: {star: 2}, objects: [2, 3, 1]}"'
#
# Line NAME works in LINES_DIR/NAME (default runs/lines, git-ignored, so it stays on a warm machine): a line
# that is already there continues from its own last export; a new one starts from stepvid/bundled with STATE (the
# state.json of the run that made it). Line i trains on GPU i (lines beyond the GPU count share round-robin;
# GPUS=0: CPU). The training budget is BUDGET_MINUTES; scoring (N prompts per language and object count, SEEDS)
# comes after it. OUT gets, per line, artifacts-NAME.tar.NN (bundled/transformer, MODEL_CARD.md, stepvid.json and
# state.json: the rest of the model is stepvid/bundled's) and NAME-adh.jsonl, plus summary.txt: 2 lines fit a
# call's 8 files. Unpack a line over a copy of stepvid/bundled: `cp -r stepvid/bundled W/bundled;
# cat artifacts-NAME.tar.* | tar -x -C W`, then `run.py --phase install --work W` (or `--phase soup`).
# RUN_ARGS: run.py arguments for every line; ADH_ARGS: bundled_adherence.py arguments (e.g. --steps 50).
set -euo pipefail
OUT=$1; BUDGET=$2; STATE=$3; N=$4; SEEDS=$5; shift 5
(( $# >= 1 )) || { echo "lines.sh: no NAME='ARGS' lines given" >&2; exit 2; }
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
G=${GPUS:-$(python -c "import torch; print(torch.cuda.device_count())")}
CPUS=$(nproc); L=$#; W=$(( CPUS / L - 1 )); (( W >= 1 )) || W=1
TMP=$(mktemp -d)
LINES_DIR=${LINES_DIR:-runs/lines}
mkdir -p "$OUT" "$LINES_DIR"

line() {  # line INDEX NAME ARGS...
  local i=$1 name=$2; shift 2
  local work=$LINES_DIR/$name gpu="" dev=cpu
  if (( G > 0 )); then gpu=$(( i % G )) dev=cuda; fi
  if [[ -d $work/bundled ]]; then
    echo "$name: continuing its own export ($(python -c "import json; print(json.load(open('$work/state.json'))['reports']['dit']['global_step'])" 2>/dev/null || echo '?') steps in its last call)"
  else
    echo "$name: new line from stepvid/bundled"
    rm -rf "$work" && mkdir -p "$work" && cp -r stepvid/bundled "$work"/bundled && cp "$STATE" "$work"/state.json
  fi
  CUDA_VISIBLE_DEVICES=$gpu torchrun --master-port $(( 29520 + i )) --nproc-per-node 1 recipes/bundled/run.py \
    --phase dit --continue-dit --work "$work" --budget-minutes "$BUDGET" --out "$TMP/$name" --workers "$W" \
    ${RUN_ARGS:-} "$@" > "$TMP/$name.log" 2>&1 || { echo "$name: training failed"; tail -n 20 "$TMP/$name.log"; return 1; }
  python -c "import sys; from pathlib import Path; sys.path.insert(0, 'recipes/bundled'); import run
run.pack(Path(sys.argv[1]), sys.argv[4:], Path(sys.argv[2]), sys.argv[3])" "$work" "$OUT" "$name" \
    bundled/transformer bundled/MODEL_CARD.md bundled/stepvid.json state.json  # the recipe's own transfer format
  CUDA_VISIBLE_DEVICES=$gpu timeout "${ADH_TIMEOUT:-400}" python benchmarks/bundled_adherence.py \
    --model "$work/bundled" --device "$dev" --n "$N" --seeds $SEEDS --judge-workers "$W" \
    ${ADH_ARGS:-} --out "$OUT/$name-adh.jsonl" > "$TMP/$name-adh.log" 2>&1 || { echo "$name: scoring failed"; tail -n 20 "$TMP/$name-adh.log"; return 1; }
}

names=() pids=() i=0
for spec in "$@"; do
  name=${spec%%=*}; args=${spec#*=}
  [[ $name =~ ^[A-Za-z0-9_-]+$ && $spec == *=* ]] || { echo "lines.sh: bad line '$spec' (want NAME='ARGS')" >&2; exit 2; }
  eval "argv=($args)"
  line "$i" "$name" "${argv[@]}" > "$TMP/$name.summary" 2>&1 &
  names+=("$name") pids+=($!) i=$(( i + 1 ))
done
rc=0
for k in "${!names[@]}"; do wait "${pids[$k]}" || rc=1; done
for name in "${names[@]}"; do
  echo "== $name"; cat "$TMP/$name.summary"
  grep -E 'calibrated|stage .* data|"step": [0-9]*0000,|Error' "$TMP/$name.log" | tail -n 4 || true
  grep -E '^dit:|^export:' "$TMP/$name.log" || true
  [[ -s $OUT/$name-adh.jsonl ]] && python benchmarks/bundled_adherence.py --merge "$OUT/$name-adh.jsonl" | tail -n 7
done 2>&1 | tee "$OUT/summary.txt"
exit $rc
