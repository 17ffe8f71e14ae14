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
