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
#
# KIND=vae: VAE lines instead (`run.py --phase vae --redo vae` on a copy of stepvid/bundled's VAE and text encoder,
# e.g. a full fine-tune with `--set vae.anchor_weight=1`); scored by the VAE's PSNR on the benchmark's other
# held-out clips (PSNR_CLIPS, default 32, of PSNR_SIZE "H W FRAMES", default "192 192 34"; N and SEEDS unused); artifacts-NAME.tar.NN = the line's vae/ and state.json. PACK=0: return no
# weights (the lines stay in LINES_DIR). GPU0=K: line i uses GPU (K + i) mod G, so a DiT and a VAE lines.sh can
# share one machine (`GPU0=2 KIND=vae bash lines.sh $OUT/vae ... & bash lines.sh $OUT ...; wait`). A DiT line
# continues on another VAE when its work/vae and work/bundled/vae hold another vae_v2.safetensors (e.g. a VAE
# line's); that VAE comes back once, as artifacts-vae-SHA8.tar.NN (unpack it over the line's copy too). Two such
# lines fill the 8 files without summary.txt, which is then only printed.
set -euo pipefail
OUT=$1; BUDGET=$2; STATE=$3; N=$4; SEEDS=$5; shift 5
(( $# >= 1 )) || { echo "lines.sh: no NAME='ARGS' lines given" >&2; exit 2; }
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
G=${GPUS:-$(python -c "import torch; print(torch.cuda.device_count())")}
CPUS=$(nproc); L=$#; W=$(( CPUS / L - 1 )); (( W >= 1 )) || W=1
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT  # logs: printed in the summary below
LINES_DIR=${LINES_DIR:-runs/lines}
KIND=${KIND:-dit} GPU0=${GPU0:-0}
case $KIND in
  dit) PHASE=(--phase dit --continue-dit) PARTS=(bundled/transformer bundled/MODEL_CARD.md bundled/stepvid.json state.json) ;;
  vae) PHASE=(--phase vae --redo vae) PARTS=(vae state.json) ;;
  *) echo "lines.sh: KIND=$KIND (want dit or vae)" >&2; exit 2 ;;
esac
mkdir -p "$OUT" "$LINES_DIR"

pack() {  # pack WORK TAG PATHS...: OUT/artifacts-TAG.tar.NN, the recipe's transfer format
  python -c "import sys; from pathlib import Path; sys.path.insert(0, 'recipes/bundled'); import run
run.pack(Path(sys.argv[1]), sys.argv[4:], Path(sys.argv[2]), sys.argv[3])" "$1" "$OUT" "$2" "${@:3}"
}

line() {  # line INDEX NAME ARGS...
  local i=$1 name=$2; shift 2
  local work=$LINES_DIR/$name gpu="" dev=cpu
  if (( G > 0 )); then gpu=$(( (GPU0 + i) % G )) dev=cuda; fi
  if [[ -d $work/bundled || $KIND == vae && -d $work/vae ]]; then
    echo "$name: continuing its own $KIND ($(python -c "import json; r = json.load(open('$work/state.json'))['reports']; print(r['dit']['global_step'] if '$KIND' == 'dit' else r['vae']['steps'])" 2>/dev/null || echo '?') steps in its last call)"
  else
    echo "$name: new line from stepvid/bundled"
    rm -rf "$work" && mkdir -p "$work" && cp "$STATE" "$work"/state.json
    if [[ $KIND == dit ]]; then cp -r stepvid/bundled "$work"/bundled
    else cp -r stepvid/bundled/vae stepvid/bundled/text_encoder "$work"/; fi
  fi
  CUDA_VISIBLE_DEVICES=$gpu torchrun --master-port $(( 29520 + GPU0 + i )) --nproc-per-node 1 recipes/bundled/run.py \
    "${PHASE[@]}" --work "$work" --budget-minutes "$BUDGET" --out "$TMP/$name" --workers "$W" \
    ${RUN_ARGS:-} "$@" > "$TMP/$name.log" 2>&1 || { echo "$name: training failed"; tail -n 20 "$TMP/$name.log"; return 1; }
  [[ ${PACK:-1} == 0 ]] || pack "$work" "$name" "${PARTS[@]}"
  if [[ $KIND == vae ]]; then
    CUDA_VISIBLE_DEVICES=$gpu python -c "import sys; from pathlib import Path; sys.path.insert(0, 'benchmarks')
from bundled_adherence import vae_psnr
n, (h, w, f) = int(sys.argv[3]), map(int, sys.argv[4].split())
print(f'VAE PSNR on {n} other held-out {h}x{w}x{f} clips: {vae_psnr(Path(sys.argv[1]), n, h, w, f, sys.argv[2]):.2f} dB')" \
      "$work" "$dev" "${PSNR_CLIPS:-32}" "${PSNR_SIZE:-192 192 34}" > "$TMP/$name-adh.log" 2>&1 || { echo "$name: scoring failed"; tail -n 20 "$TMP/$name-adh.log"; return 1; }
    return 0
  fi
  CUDA_VISIBLE_DEVICES=$gpu timeout "${ADH_TIMEOUT:-400}" python benchmarks/bundled_adherence.py \
    --model "$work/bundled" --device "$dev" --n "$N" --seeds $SEEDS --judge-workers "$W" --prompt-rewrite none \
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
if [[ $KIND == dit && ${PACK:-1} != 0 ]]; then  # each swapped-in VAE once, however many lines train on it
  for name in "${names[@]}"; do
    vae=$LINES_DIR/$name/bundled/vae/vae_v2.safetensors
    if [[ -f $vae ]] && ! cmp -s "$vae" stepvid/bundled/vae/vae_v2.safetensors; then
      tag=vae-$(sha256sum "$vae" | cut -c1-8)
      compgen -G "$OUT/artifacts-$tag.tar.*" > /dev/null || pack "$LINES_DIR/$name" "$tag" bundled/vae
    fi
  done
fi
# summary.txt only while OUT has room for it (a call returns 8 files); it is printed either way
summary=$OUT/summary.txt; (( $(find "$OUT" -maxdepth 1 -type f | wc -l) < 8 )) || summary=/dev/null
for name in "${names[@]}"; do
  echo "== $name"; cat "$TMP/$name.summary"
  grep -E 'calibrated|stage .* data|VAE data|"step": [0-9]*0000,|Error' "$TMP/$name.log" | tail -n 4 || true
  grep -E '"step": [0-9]+' "$TMP/$name.log" | tail -n 1 || true
  grep -E '^dit:|^export:|^vae:' "$TMP/$name.log" || true
  if [[ -s $OUT/$name-adh.jsonl ]]; then python benchmarks/bundled_adherence.py --merge "$OUT/$name-adh.jsonl" | tail -n 7; fi
  if [[ $KIND == vae ]]; then cat "$TMP/$name-adh.log"; fi
done 2>&1 | tee "$summary"
exit $rc
