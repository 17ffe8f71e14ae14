#!/usr/bin/env bash
# Turbo + Video-DPO on the bundled model (issues 20 and 19): the trajectory objective brings the 8-step sampler
# close to the teacher in latent space but not in what the judge sees (docs/turbo.md, runs 6-8); here the 8-step
# student is then post-trained with judge-ranked Video-DPO on its *own* 8-step samples (offline pairs, then the
# online loop), so the objective is the judge's verdict at the student's own sampler settings.
#
#   WORK=runs/td bash recipes/bundled/turbo_dpo.sh OUT STUDENT_MINUTES DPO_MINUTES [STAGE...]
#
# STAGE: student (teacher cache + trajectory student, lr LR, default 3e-5), pairs (N_SCENES train scenes,
# default 320, half of them for the online loop; 4 candidates each from the student), dpo (`stepvid train dpo`
# on the student, DPO_ARGS), score (the student and its DPO result at 8 steps; SCORE_EXTRA="t50 d4 d16" adds the
# teacher at 50 steps and the DPO student at 4 / 16 steps). Default: all of them, in that order; a stage whose
# result is in WORK is skipped, so calls on the same warm machine continue where the last one stopped (each phase
# leaves its rows in OUT/res.tar, the trained students as split tar parts). PAIR_RULE=pass-fail pairs only a passing
# clip with a failing one, offline and online (default: score); PAIRS_PER_PROMPT (default 1); PHRASING and OBJECTS
# ("1:160 2:320": scenes per object count) choose the pair prompts as in dpo.sh. SFT_SCENES="1:M 2:M" renders M
# other train scenes of K objects in the background from the start (common.sh `sft_clips`); a CLIPS placeholder in
# DPO_ARGS becomes their prompt file ("--sft-data CLIPS --sft-data-weight 1000": supervised steps beside DPO, the
# bundled run 16's recipe). SCORE_SEEDS (default 1) are the held-out seeds scored.
set -uo pipefail
OUT=$1; SMIN=$2; DMIN=$3; shift 3
STAGES=${*:-student pairs dpo score}
. recipes/bundled/common.sh
recipe_init
JW=$(( CPUS > 4 ? CPUS - 2 : 1 ))
LR=${LR:-3e-5}
COMPILE=${COMPILE---compile}  # COMPILE= (empty): eager, e.g. for a CPU smoke run
R=$W/res; mkdir -p "$R" "$W/rows"
S=$W/student-$LR; D=$W/dpo-$LR
save() { (cd "$W" && tar cf "$OUT/res.tar" res); }
pack() { (cd "$1" && tar cf - transformer text_encoder stepvid.json | split -b 15M - "$OUT/$(basename "$1").tar.part"); }
has() { [[ " $STAGES " == *" $1 "* ]]; }

SFT_PID=
if has dpo; then clip_args "$INIT"; sft_clips "$W"; fi  # rendered beside the student's training and the pairs (CPU)
if has student && [[ ! -f $S/stepvid.json ]]; then
  WORK=$W SCORE_STEPS=none TJ_ARGS="$COMPILE ${TJ_ARGS:-}" bash recipes/bundled/turbo_trajectory.sh "$OUT" "$SMIN" "$LR"
  stamp "student trained"
fi
if has pairs && [[ -f $S/stepvid.json && ! -f $W/pairs.done ]]; then
  scene_prompts "$W/all.jsonl" "${N_SCENES:-320}" 7
  python - "$W/all.jsonl" "$W/offline.jsonl" "$W/online.jsonl" <<'EOF'
import random, sys
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()
random.Random(0).shuffle(rows)
half = len(rows) // 2  # the first half offline, the rest for the online loop
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(rows[:half]) + "\n")
open(sys.argv[3], "w", encoding="utf-8").write("\n".join(rows[half:]) + "\n")
EOF
  python -m stepvid.cli dpo pairs --model "$S" --prompts "$W/offline.jsonl" --out "$W/pairs" --seeds 4 --batch 64 \
    --decode-batch 16 --judge-workers "$JW" --device "$DEV" --pair-rule "${PAIR_RULE:-score}" \
    --pairs-per-prompt "${PAIRS_PER_PROMPT:-1}" > "$R/pairs.log" 2>&1 \
    && touch "$W/pairs.done"
  grep -v "it/s\]" "$R/pairs.log" | tail -n 2
  cp "$W"/pairs/pairs-*.jsonl "$R/"; save
  stamp "pairs: $(cat "$W"/pairs/pairs-*.jsonl | wc -l) from $(cat "$W"/pairs/candidates-*.jsonl | wc -l) prompts"
fi
if has dpo && [[ -f $W/pairs.done && ! -f $D/stepvid.json ]]; then
  if [[ -n $SFT_PID ]]; then wait "$SFT_PID"; stamp "supervised clips: $(wc -l < "$W/sft.jsonl") rows"; fi
  ARGS=${DPO_ARGS:---beta 2000 --lr 3e-5 --steps 600 --online-every 100 --online-per-round 96}
  python -m stepvid.cli train dpo --init "$S" --pairs "$W/pairs" --run-dir "$W/run-dpo" --out "$D" --batch-size 32 \
    --log-every 25 --checkpoint-every 100 --judge-workers "$JW" $COMPILE --max-minutes "$DMIN" \
    --online-prompts "$W/online.jsonl" --online-pair-rule "${PAIR_RULE:-score}" ${ARGS//CLIPS/$W/sft.jsonl} \
    > "$R/dpo.log" 2>&1
  grep -v "step/s\]" "$R/dpo.log" | tail -n 4
  cp "$W/run-dpo/metrics.jsonl" "$R/metrics-dpo.jsonl"; save
  [[ -f $D/stepvid.json ]] && pack "$D"
  stamp "DPO trained"
fi
score() { adherence_pair "$1" "$2" "${SCORE_N:-100}" "${SCORE_SEEDS:-1}" "$R" "$W/rows" "$JW" "${@:3}"; save; stamp "scored $2"; }
if has score; then
  [[ -f $D/stepvid.json && ! -f $R/d8-tpl.jsonl ]] && score "$D" d8 --steps 8
  [[ -f $S/stepvid.json && ! -f $R/s8-tpl.jsonl ]] && score "$S" s8 --steps 8
  for X in ${SCORE_EXTRA:-}; do
    case $X in
      t50) [[ -f $R/t50-tpl.jsonl ]] || score "$INIT" t50 --steps 50 ;;
      d*) [[ -f $R/$X-tpl.jsonl ]] || score "$D" "$X" --steps "${X#d}" ;;
    esac
  done
fi
stamp "done"
