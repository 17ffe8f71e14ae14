#!/usr/bin/env bash
# Turbo on the bundled model (issue 20), scoring call: held-out adherence (world judge) of each MODEL at each
# "STEPS CFG" setting, natural phrasings (QUICK_N prompts) and templates (QUICK_N / 2), same seed.
#
#   bash recipes/bundled/turbo_score.sh OUT QUICK_N QUICK_SEED MODEL:TAG:STEPS:CFG [MODEL:TAG:STEPS:CFG...]
#
# Rows in OUT/TAG-nat.jsonl and OUT/TAG-tpl.jsonl; the tables print as each finishes.
set -euo pipefail
OUT=$1; QN=$2; QSEED=$3; shift 3
. recipes/bundled/common.sh
recipe_init
mkdir -p "$W/rows"
for spec in "$@"; do
  IFS=: read -r model tag steps cfg <<< "$spec"
  adherence_pair "$model" "$tag" "$QN" "$QSEED" "$OUT" "$W/rows" "$JW" --steps "$steps" --cfg "$cfg"
  stamp "scored $tag"
done
