#!/usr/bin/env bash
# One device call: fine-tune the VAE decoder of stepvid/bundled on all GPUs (encoder frozen: the latent space
# and any DiT trained on it stay valid), put it into MODEL (a bundled model folder whose DiT was trained on the
# same encoder), then score MODEL with it: the VAE's judge ceiling (its round trip of ground truth) and held-out
# adherence (one shard per GPU), each merged into one file so few files come back.
#
#   bash recipes/bundled/decoder_and_score.sh OUT BUDGET_MINUTES STATE MODEL [N_PROMPTS] [SEEDS...]
#
# OUT receives artifacts-vae.tar.NN (the new vae/ + text_encoder/ + state.json; `run.py --from`),
# adherence.jsonl, vae-ceiling.jsonl and summary.txt. VAE_ARGS: extra run.py arguments.
set -euo pipefail
OUT=$1; BUDGET=$2; STATE=$3; MODEL=$4; N=${5:-64}; shift $(( $# < 5 ? $# : 5 )); SEEDS=${*:-0 1}
. recipes/bundled/common.sh
JW=$(( (CPUS - 8) / G - 1 )); (( JW >= 1 )) || JW=1
WV=$(mktemp -d) TMP=$(mktemp -d)
cp -r stepvid/bundled/vae stepvid/bundled/text_encoder "$WV"/ && cp "$STATE" "$WV"/state.json
mkdir -p "$OUT"
torchrun --nproc-per-node "$G" recipes/bundled/run.py --phase vae --redo vae --work "$WV" \
  --budget-minutes "$BUDGET" --out "$TMP/vae" --set vae.freeze_encoder=true ${VAE_ARGS:-} > "$TMP/vae.log" 2>&1
cp "$TMP"/vae/artifacts-vae.tar.* "$OUT"/
grep -E 'calibrated|"step": [0-9]*000,|^vae:' "$TMP/vae.log" | tail -n 8 | tee "$OUT/summary.txt"
cp "$WV/vae/vae_v2.safetensors" "$MODEL/vae/vae_v2.safetensors"
CUDA_VISIBLE_DEVICES=0 python benchmarks/bundled_adherence.py --vae-ceiling --model "$MODEL" --device "$DEV" \
  --n "$N" --judge-workers $(( CPUS > 16 ? 8 : 1 )) --batch 16 --out "$OUT/vae-ceiling.jsonl" > "$TMP/ceiling.txt" 2>&1 &
adherence "$MODEL" adherence "$N" "$SEEDS" "$OUT" "$TMP" "$JW" > "$TMP/adherence.txt"  # also waits for the ceiling
{ echo "== VAE ceiling"; tail -n 8 "$TMP/ceiling.txt"; echo "== adherence"; cat "$TMP/adherence.txt"; } \
  | tee -a "$OUT/summary.txt"
