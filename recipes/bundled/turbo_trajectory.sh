#!/usr/bin/env bash
# Turbo on the bundled model (issue 20), trajectory objective: the teacher (the shipped model at its own settings:
# 50 steps, constant CFG 3) samples train-split prompts into a cache; one trajectory student per learning rate
# (`stepvid train distill --objective trajectory --no-cfg-distill`: its own 8-step guided sampler, unrolled from the
# cached noise, ends on the teacher's sample), all sharing the GPU for MINUTES; with SWEEP=1 the untouched model's
# sampler settings are scored meanwhile (50 / 25 / 8 steps, 8 steps ab2, 8 steps shift 6); then each student at its
# 8 steps. Held-out adherence, seed 1: natural phrasings (100 prompts) and templates (50) per object count and
# language, prompts as written (recipes/bundled/common.sh `adherence`).
#
#   bash recipes/bundled/turbo_trajectory.sh OUT MINUTES LR [LR...]
#
# TJ_ARGS adds trainer options (e.g. "--compile --lr-schedule cosine --steps 1200 --ema-decay 0.995"; a later
# --steps wins); SCORE_STEPS lists the students' scored step counts (default 8; SCORE_STEPS=none: train only);
# NPROMPTS train-split prompts per object count and language go to the cache, PER_PROMPT samples each (default 256
# and 2). JUDGE=1 judges every teacher sample as it is made (`distill cache --judge`; cache folder cache-judged), and
# an LR written LR-pass (e.g. 3e-5-pass) trains that student on the passing samples only (`--passed-only`);
# LR-cfg1 (e.g. 3e-5-pass-cfg1) distils the guidance too (one unguided DiT forward per step instead of two);
# LR-dmd (e.g. 3e-5-dmd-cfg1) adds distribution matching to the regression (DMD_ARGS, default "--dmd-weight 1
# --fake-lr 1e-4": the fake score's rate).
# With WORK set, a second call on the same machine reuses the cache and resumes each student where it stopped.
#
# OUT gets res.tar (adherence rows, training logs and metrics) and each student's folder as split tar parts
# (student-LR.tar.part*; `cat student-LR.tar.part* | tar x` restores transformer/, stepvid.json, distill.json).
set -uo pipefail
OUT=$1; MIN=$2; shift 2
export PYTHONUNBUFFERED=1
. recipes/bundled/common.sh
recipe_init
JW=$(( CPUS > 4 ? CPUS - 2 : 1 ))
R=$W/res; mkdir -p "$R" "$W/rows"
python -m stepvid.cli world prompts --out "$W/prompts.jsonl" --split train --phrasing mixed --objects 1 2 --n "${NPROMPTS:-256}" --seed 11
C=$W/cache; JUDGE_ARGS=()
[[ ${JUDGE:-0} = 1 ]] && { C=$W/cache-judged; JUDGE_ARGS=(--judge --judge-workers "$JW"); }
python -m stepvid.cli distill cache --teacher "$INIT" --teacher-steps 50 --no-cfg-decay --prompts "$W/prompts.jsonl" \
  --per-prompt "${PER_PROMPT:-2}" --batch 128 --out "$C" --device "$DEV" "${JUDGE_ARGS[@]}" 2>&1 \
  | grep -v "prompt/s\]" | tail -n 2
cat "$C"/samples-*.jsonl > "$R/cache-samples.jsonl"; stamp "teacher cache"
for LR in "$@"; do
  OPT=(--no-cfg-distill); lr=${LR//-pass/}; lr=${lr//-cfg1/}; lr=${lr//-dmd/}
  [[ $LR == *-pass* ]] && OPT+=(--passed-only)
  [[ $LR == *-dmd* ]] && OPT+=(${DMD_ARGS:---dmd-weight 1 --fake-lr 1e-4})
  [[ $LR == *-cfg1* ]] && OPT=("${OPT[@]:1}")  # CFG distilled: the student's own steps run unguided (CFG 1)
  python -m stepvid.cli train distill --teacher "$INIT" --cache "$C" --run-dir "$W/run-$LR" --out "$W/student-$LR" \
    --steps 100000 --batch-size 32 --lr "$lr" --warmup 30 --log-every 10 --checkpoint-every 100000 \
    --objective trajectory --turbo-steps 8 --max-minutes "$MIN" --device "$DEV" "${OPT[@]}" \
    ${TJ_ARGS:-} >> "$R/tj-$LR.log" 2>&1 &
done
score() { local model=$1 tag=$2; shift 2; adherence_pair "$model" "$tag" "${SCORE_N:-100}" "${SCORE_SEEDS:-1}" "$R" "$W/rows" "$JW" "$@"; stamp "scored $tag"; }
for X in ${TEACHER_SCORES:-}; do score "$INIT" "t$X" --steps "$X"; done  # beside the students' training
if [ "${SWEEP:-0}" = 1 ]; then
  score "$INIT" t50 --steps 50; score "$INIT" t8 --steps 8; score "$INIT" t8ab2 --steps 8 --solver ab2
  score "$INIT" t8s6 --steps 8 --shift 6; score "$INIT" t25 --steps 25
fi
wait
stamp "students trained"
for LR in "$@"; do tail -n 1 "$R/tj-$LR.log"; cp "$W/run-$LR/metrics.jsonl" "$R/metrics-$LR.jsonl"
  (cd "$W/student-$LR" && tar cf - transformer stepvid.json distill.json | split -b 15M - "$OUT/student-$LR.tar.part"); done
(cd "$W" && tar cf "$OUT/res.tar" res)
[ "${SCORE_STEPS:-8}" = none ] && exit 0
for S in ${SCORE_STEPS:-8}; do
  for LR in "$@"; do score "$W/student-$LR" "s$LR-$S" --steps "$S"; (cd "$W" && tar cf "$OUT/res.tar" res); done
done
