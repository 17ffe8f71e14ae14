#!/usr/bin/env bash
# Turbo on the bundled model (issue 20), training call: train-split prompts -> the shipped model (teacher, 50 steps,
# decaying CFG) samples them into a cache -> concurrently on the one GPU: a CFG-distilled student per learning rate
# (torch.compile) and a slim VAE decoder distilled on the same cache (`stepvid distill decoder`).
#
#   bash recipes/bundled/turbo.sh OUT N_SCENES PER_PROMPT STEPS BATCH DEC_STEPS DECODER_JSON LR[:M] [LR[:M]...]
#
# Results in OUT: metrics-*.jsonl, logs, the slim VAE. Per student (LR, or LR:M = the progressive objective with M
# teacher substeps, named LR-mM) a folder in runs/turbo/student-NAME (DiT + stepvid.json, the slim VAE in vae/),
# and teacher-slim (the teacher with the slim VAE), for recipes/bundled/turbo_score.sh in the same call; with
# TAR=1 also OUT/student-NAME.tar. INIT (env): the teacher. OBJECTIVE (env): reflow (default) or progressive
# (stepvid/distill/trainer.py) for plain LR specs. MAXMIN (env): wall-time budget in minutes of every trainer
# (students and decoder train at once on the one GPU). COMPILE=0 (env): eager students (CPU smoke runs). START (env):
# where progressive students' teacher steps start, line (default) or student (on-policy; stepvid/distill/trainer.py).
# WORK (env, recipes/bundled/common.sh): keep the cache and runs there, so the same command again resumes them.
set -euo pipefail
OUT=$1; N=$2; PER=$3; STEPS=$4; BATCH=$5; DSTEPS=$6; DEC=$7; shift 7
. recipes/bundled/common.sh
recipe_init
python -m stepvid.cli world prompts --out "$W/prompts.jsonl" --split train --phrasing mixed --objects 1 2 --n "$N" --seed 11
python -m stepvid.cli distill cache --teacher "$INIT" --teacher-steps 50 --prompts "$W/prompts.jsonl" --per-prompt "$PER" --batch 128 \
  --out "$W/cache" --device "$DEV" 2>&1 | grep -v "prompt/s\]" | tail -n 2
stamp "teacher cache"
python -m stepvid.cli distill decoder --vae "$INIT" --cache "$W/cache" --run-dir "$W/dec" --out "$W/vae.safetensors" \
  --decoder "$DEC" --steps "$DSTEPS" --batch-size 8 ${MAXMIN:+--max-minutes "$MAXMIN"} --device "$DEV" \
  > "$OUT/decoder.log" 2>&1 &
names=()
for spec in "$@"; do
  LR=${spec%%:*}; M=${spec#*:}; obj=${OBJECTIVE:-reflow}; name=$LR
  if [ "$M" != "$spec" ]; then obj=progressive; name=$LR-m$M; else M=2; fi
  names+=("$name")
  python -m stepvid.cli train distill --teacher "$INIT" --cache "$W/cache" --run-dir "$W/run-$name" \
    --out "$W/student-$name" --steps "$STEPS" --batch-size "$BATCH" --lr "$LR" --warmup 100 --log-every 100 \
    --checkpoint-every 100000 --objective "$obj" --teacher-substeps "$M" ${START:+--start "$START"} ${MAXMIN:+--max-minutes "$MAXMIN"} \
    $( [ "${COMPILE:-1}" = 1 ] && echo --compile ) --device "$DEV" > "$OUT/distill-$name.log" 2>&1 &
done
wait
stamp "students and decoder trained"
tail -n 1 "$OUT/decoder.log"; cp "$W/dec/metrics.jsonl" "$OUT/metrics-decoder.jsonl"
K=runs/turbo; rm -rf "$K"; mkdir -p "$K"
cp -r "$INIT" "$K/teacher-slim" && cp "$W/vae.safetensors" "$K/teacher-slim/vae/vae_v2.safetensors"
for name in "${names[@]}"; do
  tail -n 1 "$OUT/distill-$name.log"; cp "$W/run-$name/metrics.jsonl" "$OUT/metrics-distill-$name.jsonl"
  cp -rL "$W/student-$name" "$K/student-$name"  # keeps the shipped VAE (a link to the teacher's, copied)
  cp -rL "$W/student-$name" "$K/student-$name-slim"
  cp "$W/vae.safetensors" "$K/student-$name-slim/vae/vae_v2.safetensors"
  if [ "${TAR:-0}" = 1 ]; then (cd "$K/student-$name-slim" && tar cf "$OUT/student-$name.tar" transformer vae stepvid.json distill.json); fi
done
