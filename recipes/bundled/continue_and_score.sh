#!/usr/bin/env bash
# One device call: continue the bundled DiT on all GPUs, pick sampler settings on a small held-out sweep,
# then score held-out adherence with the chosen settings (one benchmark shard per GPU).
#
#   bash recipes/bundled/continue_and_score.sh WORK BUDGET_MINUTES OUT [N_PROMPTS] [SEEDS...]
#
# WORK holds bundled/ (a previous dit call's export, e.g. unpacked with run.py --from) and state.json.
# Results in OUT: the artifacts of the continued model, report.json, log.txt, adherence shard JSONL files and
# sweep.json (the settings tried and the one used). RUN_ARGS: extra run.py arguments (e.g. "--tiny" for a CPU
# dry run).
set -euo pipefail
WORK=$1; BUDGET=$2; OUT=$3; N=${4:-64}; shift $(( $# < 4 ? $# : 4 )); SEEDS=${*:-0 1}
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
G=$(python -c "import torch; print(max(1, torch.cuda.device_count()))")
DEV=$(python -c "import torch; print('cuda' if torch.cuda.is_available() else 'cpu')")
CPUS=$(nproc)
torchrun --nproc-per-node "$G" recipes/bundled/run.py --phase dit --continue-dit --work "$WORK" \
  --budget-minutes "$BUDGET" --out "$OUT" --set seed=1 ${RUN_ARGS:-} 2>&1 | grep -v '^step' | grep -E 'calibrated|"step": [0-9]*000,|stage .* data|export|^dit|Error' || true
M=$WORK/bundled
adherence() {  # adherence TAG N "SEEDS" OUTDIR [args...]: one shard per GPU, then the merged table
  local tag=$1 n=$2 seeds=$3 dir=$4; shift 4
  for ((i = 0; i < G; i++)); do
    CUDA_VISIBLE_DEVICES=$i timeout 200 python benchmarks/bundled_adherence.py --model "$M" --device "$DEV" \
      --n "$n" --seeds $seeds --shard "$i/$G" --judge-workers $(( CPUS / G - 1 )) "$@" \
      --out "$dir/$tag-$i.jsonl" > "/tmp/$tag-$i.log" 2>&1 &
  done
  wait
  python benchmarks/bundled_adherence.py --merge "$dir"/$tag-*.jsonl | tail -n 7
}
best="" best_score=-1
for setting in "5 20" "8 30" "3 30" "12 30"; do
  set -- $setting
  tag="sweep-cfg$1-steps$2"
  adherence "$tag" 16 "0" /tmp --cfg "$1" --steps "$2" > "/tmp/$tag.txt"
  score=$(python -c "
import json, glob
rows = [json.loads(l) for f in glob.glob('/tmp/$tag-*.jsonl') for l in open(f)]
print(sum(r['score'] for r in rows) / max(1, len(rows)))")
  echo "sweep cfg=$1 steps=$2: mean attribute score $score"; cat "/tmp/$tag.txt"
  if python -c "import sys; sys.exit(0 if $score > $best_score else 1)"; then best="$1 $2" best_score=$score; fi
done
set -- $best
echo "{\"cfg\": $1, \"steps\": $2, \"sweep_score\": $best_score}" > "$OUT/sweep.json"
echo "== held-out adherence, cfg $1, steps $2, n=$N per object count and language, seeds $SEEDS"
adherence adh "$N" "$SEEDS" "$OUT" --cfg "$1" --steps "$2"
