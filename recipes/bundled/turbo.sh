#!/usr/bin/env bash
# Turbo on the bundled model (issue 20), one device call: train-split prompts -> the shipped model (teacher, 50
# steps, decaying CFG) samples them into a cache -> the student learns straight paths (CFG distilled) -> held-out
# adherence of the student at STUDENT_STEPS (its default) and at the other step counts given.
#
#   bash recipes/bundled/turbo.sh OUT N_SCENES PER_PROMPT STEPS BATCH QUICK_N QUICK_SEED [OTHER_STEPS...]
#
# Results in OUT: rows.tar (metrics, adherence rows) and the student's DiT + stepvid.json (student.tar.NN parts).
# INIT (env): the teacher (default stepvid/bundled). LR (env): learning rate (default 1e-4).
set -euo pipefail
OUT=$1; N=$2; PER=$3; STEPS=$4; BATCH=$5; QN=$6; QSEED=$7; shift 7
. recipes/bundled/common.sh
recipe_init
mkdir -p "$W/rows"
save() { tar cf "$OUT/rows.tar" -C "$W" rows; }

python -m stepvid.cli world prompts --out "$W/prompts.jsonl" --split train --phrasing mixed --objects 1 2 --n "$N" --seed 11
python -m stepvid.cli train distill --teacher "$INIT" --prompts "$W/prompts.jsonl" --per-prompt "$PER" --batch 128 \
  --run-dir "$W/run" --out "$W/student" --steps "$STEPS" --batch-size "$BATCH" --lr "${LR:-1e-4}" --warmup 50 \
  --log-every 100 --checkpoint-every 100000 --device "$DEV" 2>&1 | grep -v "step/s\]\|prompt/s\]" | tail -n 4
cp "$W/run/metrics.jsonl" "$W/rows/metrics-distill.jsonl"
save
stamp "student trained"
(cd "$W/student" && tar cf "$W/student.tar" transformer stepvid.json distill.json && split -b 15m -d "$W/student.tar" "$OUT/student.tar.")
for S in "" "$@"; do  # "" = the student's own default (its stepvid.json)
  tag=${S:-default}
  args=(); [[ -n $S ]] && args=(--steps "$S")
  adherence "$W/student" "nat-$tag" "$QN" "$QSEED" "$W/rows" "$W" "$JW" --phrasing natural "${args[@]}" | tail -n 6
  adherence "$W/student" "tpl-$tag" "$(( QN / 2 ))" "$QSEED" "$W/rows" "$W" "$JW" "${args[@]}" | tail -n 6
  save
  stamp "scored at ${S:-the default} steps"
done
