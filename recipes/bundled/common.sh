# Sourced by the recipe's scoring scripts (continue_and_score.sh, decoder_and_score.sh): environment, device
# counts, and held-out adherence scored with one benchmark shard per GPU.
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
G=$(python -c "import torch; print(max(1, torch.cuda.device_count()))")
DEV=$(python -c "import torch; print('cuda' if torch.cuda.is_available() else 'cpu')")
CPUS=$(nproc)

# adherence MODEL TAG N "SEEDS" DIR SHARDS JUDGE_WORKERS [args...]: shard files go to SHARDS, merged into
# DIR/TAG.jsonl (one file: a device call returns at most 8); prints the table. Waits for every background job.
# The model is scored on prompts as written (--prompt-rewrite none): the recipe measures the model, not the
# shipped world rewriter in front of it. Each shard is killed after ADH_TIMEOUT seconds (default 800 / GPUs: a hung judge must not eat the call).
adherence() {
  local model=$1 tag=$2 n=$3 seeds=$4 dir=$5 shards=$6 jw=$7 limit=${ADH_TIMEOUT:-$(( 800 / G ))}; shift 7
  for ((i = 0; i < G; i++)); do
    CUDA_VISIBLE_DEVICES=$i timeout "$limit" python benchmarks/bundled_adherence.py --model "$model" --device "$DEV" \
      --n "$n" --seeds $seeds --shard "$i/$G" --judge-workers "$jw" --prompt-rewrite none "$@" \
      --out "$shards/$tag-$i.jsonl" > "$shards/$tag-$i.log" 2>&1 &
  done
  wait
  cat "$shards/$tag"-*.jsonl > "$dir/$tag.jsonl"
  python benchmarks/bundled_adherence.py --merge "$dir/$tag.jsonl" | tail -n 7
}

# adherence_pair MODEL TAG N "SEEDS" DIR SHARDS JUDGE_WORKERS [args...]: the Turbo recipes' held-out score — TAG-nat
# (N natural-phrasing prompts) and TAG-tpl (N / 2 template prompts) per object count and language, same args.
adherence_pair() {
  local model=$1 tag=$2 n=$3 seeds=$4 dir=$5 shards=$6 jw=$7; shift 7
  adherence "$model" "$tag-nat" "$n" "$seeds" "$dir" "$shards" "$jw" --phrasing natural "$@"
  adherence "$model" "$tag-tpl" "$(( n / 2 ))" "$seeds" "$dir" "$shards" "$jw" "$@"
}

# recipe_init: the post-training recipes' preamble (dpo.sh, turbo.sh): INIT (the starting model, default the
# bundled one), W (a scratch folder: WORK when set — then a second call on the same machine resumes the caches and
# the training runs where the first stopped, e.g. WORK=runs/turbo-work with MAXMIN), JW (judge processes beside
# the GPU work), t0 and stamp (elapsed-time lines).
recipe_init() {
  INIT=${INIT:-stepvid/bundled}
  W=${WORK:-$(mktemp -d)}
  mkdir -p "$W"
  W=$(cd "$W" && pwd)  # absolute: steps cd elsewhere
  JW=$(( CPUS - 1 ))
  t0=$(date +%s)
}
stamp() { echo "[$(( $(date +%s) - t0 )) s] $*"; }

# clip_args MODEL: CLIP_ARGS = `world prompts --videos` options for the model's own frames and size, as .npy (the
# device has no PyAV).
clip_args() {
  local f h w
  read -r f h w < <(python -c "import json,sys; d=json.load(open(sys.argv[1]+'/stepvid.json'))['defaults']; print(d['num_frames'], d['height'], d['width'])" "$1")
  CLIP_ARGS=(--frames "$f" --height "$h" --width "$w" --video-format npy)
}

# scene_prompts OUT N SEED [args...]: train-split prompts, for each OBJECTS entry (default "1 2"; K, or K:M for M
# scenes of K objects instead of N) in phrasing PHRASING (default mixed), concatenated into OUT.
scene_prompts() {
  local out=$1 n=$2 seed=$3 e k m; shift 3
  : > "$out"
  for e in ${OBJECTS:-1 2}; do
    k=${e%%:*}; m=$n; [[ $e == *:* ]] && m=${e#*:}
    python -m stepvid.cli world prompts --out "${out%.jsonl}-$k.jsonl" --split train --phrasing "${PHRASING:-mixed}" \
      --objects "$k" --n "$m" --seed "$seed" "$@"
    cat "${out%.jsonl}-$k.jsonl" >> "$out"
  done
}

# sft_clips DIR: with SFT_SCENES="1:M 2:M" (K:M: M train scenes of K objects, seed 11, phrasing SFT_PHRASING,
# default mixed), renders them in the background as DIR/sft.jsonl (prompt rows naming their clips, for
# `train dpo --sft-data`; the CLIP_ARGS of clip_args) unless it exists; SFT_PID is the job to wait for.
sft_clips() {
  local dir=$1
  SFT_PID=
  [[ -n ${SFT_SCENES:-} && ! -s $dir/sft.jsonl ]] || return 0
  ( for e in $SFT_SCENES; do
      python -m stepvid.cli world prompts --out "$dir/sft-${e%%:*}.jsonl" --split train --phrasing "${SFT_PHRASING:-mixed}" \
        --objects "${e%%:*}" --n "${e#*:}" --seed 11 --videos "$dir/sftclips" "${CLIP_ARGS[@]}" | tail -n 1
    done
    cat "$dir"/sft-*.jsonl > "$dir/sft.jsonl.tmp" && mv "$dir/sft.jsonl.tmp" "$dir/sft.jsonl" ) &
  SFT_PID=$!
}
