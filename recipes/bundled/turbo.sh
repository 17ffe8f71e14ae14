#!/usr/bin/env bash
# Turbo on the bundled model (issue 20), training call: train-split prompts -> the shipped model (teacher, 50 steps,
# decaying CFG) samples them into a cache -> concurrently on the one GPU: a CFG-distilled student per learning rate
# (torch.compile) and a slim VAE decoder distilled on the same cache (`stepvid distill decoder`).
#
#   bash recipes/bundled/turbo.sh OUT N_SCENES PER_PROMPT STEPS BATCH DEC_STEPS DECODER_JSON LR [LR...]
#
# Results in OUT: metrics-*.jsonl, logs, the slim VAE, and per LR a student folder (DiT + stepvid.json, the slim
# VAE in vae/) as student-LR.tar. The folders stay in runs/turbo/ (student-LR, and teacher-slim: the teacher with
# the slim VAE) for recipes/bundled/turbo_score.sh in the same call. INIT (env): the teacher. OBJECTIVE (env):
# reflow (default) or progressive (one student step = two guided teacher steps; stepvid/distill/trainer.py).
set -euo pipefail
OUT=$1; N=$2; PER=$3; STEPS=$4; BATCH=$5; DSTEPS=$6; DEC=$7; shift 7
. recipes/bundled/common.sh
recipe_init
python -m stepvid.cli world prompts --out "$W/prompts.jsonl" --split train --phrasing mixed --objects 1 2 --n "$N" --seed 11
python -m stepvid.cli distill cache --teacher "$INIT" --prompts "$W/prompts.jsonl" --per-prompt "$PER" --batch 128 \
  --out "$W/cache" --device "$DEV" 2>&1 | grep -v "prompt/s\]" | tail -n 2
stamp "teacher cache"
python -m stepvid.cli distill decoder --vae "$INIT" --cache "$W/cache" --run-dir "$W/dec" --out "$W/vae.safetensors" \
  --decoder "$DEC" --steps "$DSTEPS" --batch-size 8 --device "$DEV" > "$OUT/decoder.log" 2>&1 &
for LR in "$@"; do
  python -m stepvid.cli train distill --teacher "$INIT" --cache "$W/cache" --run-dir "$W/run-$LR" --out "$W/student-$LR" \
    --steps "$STEPS" --batch-size "$BATCH" --lr "$LR" --warmup 100 --log-every 100 --checkpoint-every 100000 \
    --objective "${OBJECTIVE:-reflow}" --compile --device "$DEV" > "$OUT/distill-$LR.log" 2>&1 &
done
wait
stamp "students and decoder trained"
tail -n 1 "$OUT/decoder.log"; cp "$W/dec/metrics.jsonl" "$OUT/metrics-decoder.jsonl"
cp "$W/vae.safetensors" "$OUT/vae-slim.safetensors"
K=runs/turbo; rm -rf "$K"; mkdir -p "$K"
cp -r "$INIT" "$K/teacher-slim" && cp "$W/vae.safetensors" "$K/teacher-slim/vae/vae_v2.safetensors"
for LR in "$@"; do
  tail -n 1 "$OUT/distill-$LR.log"; cp "$W/run-$LR/metrics.jsonl" "$OUT/metrics-distill-$LR.jsonl"
  rm "$W/student-$LR/vae/vae_v2.safetensors"  # a hard link to the teacher's: replaced, never written through
  cp "$W/vae.safetensors" "$W/student-$LR/vae/vae_v2.safetensors"
  (cd "$W/student-$LR" && tar chf "$OUT/student-$LR.tar" transformer vae stepvid.json distill.json)
  cp -rL "$W/student-$LR" "$K/student-$LR"
done
