#!/usr/bin/env bash
# One device call that improves both halves of a shipped bundled model at once: the VAE decoder is fine-tuned
# (encoder frozen, so the latent space stays) on the first half of the GPUs while the DiT continues on the other
# half. Both start from stepvid/bundled; STATE is the state.json of the run that made it (its phase reports).
#
#   bash recipes/bundled/decoder_and_dit.sh OUT BUDGET_MINUTES STATE
#
# OUT receives both runs' artifacts-{vae,dit}.tar.NN (unpack with `run.py --from`; they do not collide) and
# summary.txt (key log lines and both report.json files): 6 files, as a device call returns at most 8. VAE_ARGS / DIT_ARGS: extra run.py
# arguments for each (e.g. "--set vae.border_weight=8"); RUN_ARGS: for both (e.g. "--tiny" for a CPU dry run).
# GPUS overrides the device count (0: CPU, two single-process runs; 1: both runs share GPU 0). KEEP=DIR: also leave the continued model
# (DIR/bundled, still with the old decoder), DIR/state.json and the new decoder (DIR/decoder.safetensors) on this
# machine, for a following warm call: `DECODER=DIR/decoder.safetensors continue_and_score.sh DIR ...`.
set -euo pipefail
OUT=$1; BUDGET=$2; STATE=$3
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
G=${GPUS:-$(python -c "import torch; print(torch.cuda.device_count())")}
if (( G >= 2 )); then H=$(( G / 2 )); else H=1; fi
CPUS=$(nproc); W=$(( CPUS / (G >= 2 ? G : 2) - 1 )); (( W >= 1 )) || W=1
WV=$(mktemp -d) WD=$(mktemp -d) TMP=$(mktemp -d)
cp -r stepvid/bundled/vae stepvid/bundled/text_encoder "$WV"/ && cp "$STATE" "$WV"/state.json
cp -r stepvid/bundled "$WD"/bundled && cp "$STATE" "$WD"/state.json
mkdir -p "$OUT"
gpus() { if (( G >= 2 )); then seq -s, "$1" "$2"; elif (( G == 1 )); then echo 0; else echo ""; fi; }
CUDA_VISIBLE_DEVICES=$(gpus 0 $(( H - 1 ))) torchrun --master-port 29511 --nproc-per-node "$H" \
  recipes/bundled/run.py --phase vae --redo vae --work "$WV" --budget-minutes "$BUDGET" --out "$TMP/vae" \
  --workers "$W" --set vae.freeze_encoder=true ${RUN_ARGS:-} ${VAE_ARGS:-} > "$TMP/vae.log" 2>&1 &
VAE_PID=$!
CUDA_VISIBLE_DEVICES=$(gpus "$H" $(( G - 1 ))) torchrun --master-port 29512 --nproc-per-node $(( G >= 2 ? G - H : 1 )) \
  recipes/bundled/run.py --phase dit --continue-dit --work "$WD" --budget-minutes "$BUDGET" --out "$TMP/dit" \
  --workers "$W" ${RUN_ARGS:-} ${DIT_ARGS:-} > "$TMP/dit.log" 2>&1 &
DIT_PID=$!
rc=0
wait $VAE_PID || rc=$?
wait $DIT_PID || rc=$(( rc ? rc : $? ))
cp "$TMP"/vae/artifacts-*.tar.* "$TMP"/dit/artifacts-*.tar.* "$OUT"/ 2>/dev/null || true
if [[ -n "${KEEP:-}" ]] && (( rc == 0 )); then
  rm -rf "$KEEP/bundled" && mkdir -p "$KEEP" && cp -r "$WD/bundled" "$KEEP"/
  [[ "$STATE" -ef "$KEEP/state.json" ]] || cp "$STATE" "$KEEP/state.json"
  cp "$WV/vae/vae_v2.safetensors" "$KEEP/decoder.safetensors"
fi
for part in vae dit; do
  echo "== $part"; grep -E 'calibrated|held|rendered|data:|"step": [0-9]*000,|Error|error' "$TMP/$part.log" | tail -n 8 || true
  tail -n 4 "$TMP/$part.log"; cat "$TMP/$part/report.json" 2>/dev/null || true
done | tee "$OUT/summary.txt"
exit $rc
