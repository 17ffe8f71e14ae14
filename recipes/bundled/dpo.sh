#!/usr/bin/env bash
# Video-DPO on the bundled model (issue 19), one device call: train-split prompts (natural + template phrasing,
# 1 and 2 objects, EN/ZH) -> K candidates each from the shipped model, ranked by the world judge -> pairs ->
# one DPO run per VARIANT -> held-out adherence of each result (and of the starting model) on the quick seed.
#
#   bash recipes/bundled/dpo.sh OUT N_SCENES CANDIDATES PAIR_SECONDS QUICK_N QUICK_SEEDS VARIANT...
#
# VARIANT = name:arguments of `stepvid train dpo`, e.g. "b1k:--beta 1000 --lr 3e-5 --steps 300"; an ONLINE
# placeholder in the arguments becomes the online prompt file (train scenes the offline pairs do not use), REWARD
# the reward model trained on the offline pairs (`stepvid dpo reward`, its validation accuracy in reward.json).
# PAIR_SECONDS bounds pair generation (it is resumable: a cut run keeps every finished prompt; prompts are
# shuffled so a cut keeps the mix). Results in OUT: rows.tar (prompts, candidates/pair rows, metrics, adherence
# rows), and each variant's DiT and text encoder (transformer-NAME.tar.NN parts; the encoder changes with --text-lr). INIT (env): the starting model
# (default stepvid/bundled). BASE=0 skips scoring the starting model (scored last; BASE=first: before the variants). ONLINE_FRAC: the share of
# the prompts kept for the online loop (default 0.25). PHRASING (natural, template, mixed; default mixed) and
# OBJECTS (default "1 2"; an entry K:M takes M scenes of K objects instead of N_SCENES, e.g. "1:120 2:360")
# choose the train prompts. PAIR_RULE=pass-fail pairs only a passing clip with a failing one, offline and online
# (default: score); PAIRS_PER_PROMPT (default 1). WORK on a warm machine: a second call skips the variants
# already trained and the runs already scored (SCORE=0 trains without scoring). QUICK_SEEDS "1 2": each model is
# scored on both seeds, compared per seed and pooled. GUIDE=N: N more candidates per prompt sampled from the world
# rewriter's restatement (`dpo pairs --guide world`): chosen, never rejected; a variant's online rounds take them
# with "--online-guide world --online-guide-candidates N". REFERENCE=1: each train prompt's scene is rendered
# (`world prompts --videos`, the model's frames and size) and joins the ranking as real data (`dpo pairs
# --reference`): chosen, never rejected; a variant's online rounds take them with "--online-reference".
# CLIPS=1 renders them without reference pairs; a CLIPS placeholder in a variant's arguments becomes the prompt
# file with every train prompt's clip, for "--sft-data CLIPS --sft-data-weight W" (supervised steps on real clips).
# SFT_SCENES="1:M 2:M" (K:M as in OBJECTS): CLIPS becomes a separate, larger supervised set instead — M train scenes
# of K objects (another seed than the pairs', phrasing SFT_PHRASING, default mixed), rendered in the background
# while the pairs are made.
set -euo pipefail
OUT=$1; N=$2; K=$3; PAIR_S=$4; QN=$5; QSEED=$6; shift 6
. recipes/bundled/common.sh
recipe_init
VIDEOS=()
clip_args "$INIT"  # the model's frames and size; no PyAV there
if [[ ${REFERENCE:-0} == 1 || ${CLIPS:-0} == 1 ]]; then VIDEOS=(--videos "$W/clips" "${CLIP_ARGS[@]}"); fi
CLIPS_FILE=$W/all.jsonl
if [[ -n ${SFT_SCENES:-} ]]; then CLIPS_FILE=$W/sft.jsonl; fi
sft_clips "$W"

scene_prompts "$W/all.jsonl" "$N" 7 "${VIDEOS[@]}"
python - "$W/all.jsonl" "$W/prompts.jsonl" "$W/online.jsonl" "${ONLINE_FRAC:-0.25}" <<'EOF'
import random, sys
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()
random.Random(0).shuffle(rows)
cut = round(len(rows) * (1 - float(sys.argv[4])))  # the first part offline, the rest for the online loop
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(rows[:cut]) + "\n")
open(sys.argv[3], "w", encoding="utf-8").write("\n".join(rows[cut:]) + "\n")
EOF
stamp "prompts: $(wc -l < "$W/prompts.jsonl") offline, $(wc -l < "$W/online.jsonl") online"
timeout "$PAIR_S" python -m stepvid.cli dpo pairs --model "$INIT" --prompts "$W/prompts.jsonl" --out "$W/pairs" \
  --seeds "$K" --batch 64 --decode-batch 16 --judge-workers "$JW" --device "$DEV" --pair-rule "${PAIR_RULE:-score}" \
  --pairs-per-prompt "${PAIRS_PER_PROMPT:-1}" $( [[ ${GUIDE:-0} == 0 ]] || echo "--guide world --guide-seeds $GUIDE" ) \
  $( [[ ${REFERENCE:-0} == 1 ]] && echo --reference ) \
  2>&1 | grep -v "it/s\]" \
  || stamp "pair generation stopped at its ${PAIR_S} s limit (the finished prompts are kept)"
stamp "pairs: $(cat "$W"/pairs/pairs-*.jsonl | wc -l) from $(cat "$W"/pairs/candidates-*.jsonl | wc -l) prompts"
mkdir -p "$W/rows"
cp "$W"/pairs/*.jsonl "$W"/pairs/settings.json "$W/prompts.jsonl" "$W/online.jsonl" "$W/rows/"
save() { tar cf "$OUT/rows.tar" -C "$W" rows; }  # after every phase: a call cut short still returns its rows
save
if [[ "$*" == *REWARD* && ! -f $W/reward/reward.json ]]; then  # only for a variant that uses it
  python -m stepvid.cli dpo reward --model "$INIT" --pairs "$W/pairs" --out "$W/reward" --device "$DEV" 2>&1 | tail -n 1
  cp "$W/reward/reward.json" "$W/rows/"
  save
fi

score() {  # MODEL TAG: natural (held-out phrasing families) and template prompts, held-out scenes, seed QSEED
  [[ ${SCORE:-1} == 1 && ! -f $W/rows/tpl-$2.jsonl ]] || return 0
  adherence "$1" "nat-$2" "$QN" "$QSEED" "$W/rows" "$W" "$JW" --phrasing natural | tail -n 6
  adherence "$1" "tpl-$2" "$(( QN / 2 ))" "$QSEED" "$W/rows" "$W" "$JW" | tail -n 6
}
if [[ ${BASE:-1} == first ]]; then stamp "scoring the starting model"; score "$INIT" base; save; fi
if [[ -n $SFT_PID ]]; then wait "$SFT_PID"; stamp "supervised clips: $(wc -l < "$CLIPS_FILE") rows"; fi
for V in "$@"; do
  name=${V%%:*}; args=${V#*:}; args=${args//ONLINE/$W/online.jsonl}; args=${args//REWARD/$W/reward}; args=${args//CLIPS/$CLIPS_FILE}
  stamp "variant $name: $args"
  if [[ ! -f $W/m-$name/dpo.json ]]; then
  python -m stepvid.cli train dpo --init "$INIT" --pairs "$W/pairs" --run-dir "$W/run-$name" --out "$W/m-$name" \
    --batch-size 32 --log-every 25 --checkpoint-every 1000 --judge-workers "$JW" --online-pair-rule "${PAIR_RULE:-score}" \
    $args 2>&1 | grep -v "step/s\]" | tail -n 4
  fi
  (cd "$W/m-$name" && tar cf "$W/t-$name.tar" transformer text_encoder dpo.json && split -b 15m -d "$W/t-$name.tar" "$OUT/transformer-$name.tar.")
  cp "$W/run-$name/metrics.jsonl" "$W/rows/metrics-$name.jsonl"
  for f in "$W/run-$name"/online/*.jsonl; do if [[ -f $f ]]; then cp "$f" "$W/rows/online-$name-$(basename "$f")"; fi; done
  save
  score "$W/m-$name" "$name"
  save
done
# The starting model last (a call cut short keeps the variants' scores); BASE=0 skips it.
if [[ ${BASE:-1} == 1 ]]; then stamp "scoring the starting model"; score "$INIT" base; save; fi
for V in "$@"; do  # each variant against the starting model: same prompts and seed
  name=${V%%:*}
  for P in nat tpl; do
    [[ -f $W/rows/$P-base.jsonl && -f $W/rows/$P-$name.jsonl ]] || continue
    for S in $( [[ $QSEED == *" "* ]] && echo "$QSEED" ) all; do  # each seed apart when there are several, then pooled
      echo "$name vs the start, $P, seed $S:"
      python benchmarks/adherence_compare.py "$W/rows/$P-base.jsonl" "$W/rows/$P-$name.jsonl" --label "$P" \
        $( [[ $S == all ]] || echo "--seed $S" )
    done
  done
done
stamp "done"
