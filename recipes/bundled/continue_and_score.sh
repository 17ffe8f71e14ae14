#!/usr/bin/env bash
# One device call: continue the bundled DiT on all GPUs, pick sampler settings on a small held-out sweep,
# then score held-out adherence with the chosen settings (one benchmark shard per GPU).
#
#   bash recipes/bundled/continue_and_score.sh WORK BUDGET_MINUTES OUT [N_PROMPTS] [SEEDS...]
#
# WORK holds bundled/ (a previous dit call's export, e.g. unpacked with run.py --from) and state.json.
# Results in OUT (7 files): the artifacts of the continued model (3 parts), report.json, log.txt, adh.jsonl (all
# shards) and sweep.json (the settings tried and the one used). RUN_ARGS: extra run.py arguments (e.g. "--tiny" for a CPU
# dry run). SWEEP: the "CFG STEPS" settings to try, separated by commas (default "5 20,8 30,3 30,12 30"; one
# setting skips the sweep's time, e.g. SWEEP="3 30"). DECODER: a vae_v2.safetensors of the same encoder (e.g. from
# decoder_and_dit.sh KEEP=) to score the continued DiT with as well: adh-decoder.jsonl, the 8th file.
set -euo pipefail
WORK=$1; BUDGET=$2; OUT=$3; N=${4:-64}; shift $(( $# < 4 ? $# : 4 )); SEEDS=${*:-0 1}
. recipes/bundled/common.sh
TMPD=$(mktemp -d)  # shard files of this run only
torchrun --nproc-per-node "$G" recipes/bundled/run.py --phase dit --continue-dit --work "$WORK" \
  --budget-minutes "$BUDGET" --out "$OUT" --set seed=1 ${RUN_ARGS:-} 2>&1 | grep -v '^step' | grep -E 'calibrated|"step": [0-9]*000,|stage .* data|export|^dit|Error' || true
M=$WORK/bundled JW=$(( CPUS / G - 1 ))
best="" best_score=-1
IFS=, read -ra SETTINGS <<< "${SWEEP:-5 20,8 30,3 30,12 30}"
for setting in "${SETTINGS[@]}"; do
  set -- $setting
  if (( ${#SETTINGS[@]} == 1 )); then best="$1 $2" best_score=0; break; fi
  tag="sweep-cfg$1-steps$2"
  adherence "$M" "$tag" 16 "0" "$TMPD" "$TMPD" "$JW" --cfg "$1" --steps "$2" > "$TMPD/$tag.txt"
  score=$(python -c "
import json
rows = [json.loads(l) for l in open('$TMPD/$tag.jsonl')]
print(sum(r['score'] for r in rows) / max(1, len(rows)))")
  echo "sweep cfg=$1 steps=$2: mean attribute score $score"; cat "$TMPD/$tag.txt"
  if python -c "import sys; sys.exit(0 if $score > $best_score else 1)"; then best="$1 $2" best_score=$score; fi
done
set -- $best
echo "{\"cfg\": $1, \"steps\": $2, \"sweep_score\": $best_score}" > "$OUT/sweep.json"
echo "== held-out adherence, cfg $1, steps $2, n=$N per object count and language, seeds $SEEDS"
adherence "$M" adh "$N" "$SEEDS" "$OUT" "$TMPD" "$JW" --cfg "$1" --steps "$2"
if [[ -n "${DECODER:-}" ]]; then
  MD=$TMPD/model-decoder  # the continued model with that decoder (install refuses another encoder)
  python recipes/bundled/run.py --phase install --work "$WORK" --vae "$DECODER" --dest "$MD" > /dev/null
  echo "== held-out adherence with decoder $DECODER"
  adherence "$MD" adh-decoder "$N" "$SEEDS" "$OUT" "$TMPD" "$JW" --cfg "$1" --steps "$2"
fi
