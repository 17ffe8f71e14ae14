#!/usr/bin/env bash
# One device call of the natural-prompt recipe (recipes/bundled/natural.py): a training phase, then held-out
# adherence of the result on natural-phrasing prompts (held-out phrasing families) and on template prompts.
#
#   bash recipes/bundled/natural.sh WORK BUDGET_MINUTES OUT [N_NATURAL] [SEEDS] [PHASE]
#
# WORK holds text_open/ + state.json (run.py --phase open-text, e.g. run here on the CPU); WORK/bundled (the
# teacher: the shipped model) is copied from stepvid/bundled when missing. PHASE: distill (default: the open
# encoder taught through the frozen DiT) or dit (the DiT continued on natural + template captions with the
# distilled encoder: run.py --phase dit --continue-dit with dit.stages.2.natural=7). Results in OUT: the phase's
# artifacts, report.json, log.txt, nat.jsonl (N_NATURAL scenes per object count x EN/ZH) and tpl.jsonl (64).
# RUN_ARGS: extra run.py arguments; TPL_N: template prompts per object count (default 64; 0 skips them).
set -euo pipefail
WORK=$1; BUDGET=$2; OUT=$3; N=${4:-200}; SEEDS=${5:-0}; PHASE=${6:-distill}
. recipes/bundled/common.sh
[[ -d $WORK/bundled ]] || cp -r stepvid/bundled "$WORK/bundled"
TMPD=$(mktemp -d)
JW=$(( CPUS / G - 1 ))
case $PHASE in
  distill) ARGS=(--phase distill) ;;
  dit) ARGS=(--phase dit --continue-dit --set dit.stages.2.natural=7) ;;
  *) echo "PHASE must be distill or dit; got $PHASE" >&2; exit 2 ;;
esac
torchrun --nproc-per-node "$G" recipes/bundled/run.py "${ARGS[@]}" --work "$WORK" --budget-minutes "$BUDGET" \
  --out "$OUT" ${RUN_ARGS:-} 2>&1 | grep -E 'calibrated|"step": [0-9]*000,|data|^distill|^dit|export|rror' || true
echo "== natural-phrasing prompts (held-out families), n=$N per object count and language, seeds $SEEDS"
adherence "$WORK/bundled" nat "$N" "$SEEDS" "$OUT" "$TMPD" "$JW" --phrasing natural
if (( ${TPL_N:-64} > 0 )); then
  echo "== template prompts, n=${TPL_N:-64}, seeds $SEEDS"
  adherence "$WORK/bundled" tpl "${TPL_N:-64}" "$SEEDS" "$OUT" "$TMPD" "$JW"
fi
