#!/bin/bash
# A Slurm job array that splits one bench run over 8 tasks, one shard each, then merges the shards.
#
#   sbatch tools/slurm_shards.sh                    # the 8 shard tasks
#   sbatch --dependency=afterok:JOBID --export=ALL,MERGE=1 --array=0 tools/slurm_shards.sh
#                                                   # the merge, once every shard has finished
#
# Submit from the checkout (Slurm starts the job in the submitting directory, which relative paths resolve
# against). `--export=ALL,...` keeps the submitting shell's environment, so the merge sees the same settings as
# the shards (`--export=MERGE=1` alone would pass MERGE and Slurm's own variables only).
#
# Settings come from the environment (sbatch passes it on); the defaults are a ViT-B/16 run over VOC:
#   SHARDS=8                     the number of shards; must equal the array's task count (`--array=0-2` with
#                                SHARDS=3: the command line's --array overrides the #SBATCH line below)
#   BENCH=.build/release/bench   built once with: swift build -c release --product bench
#   DATASET=voc ROOT=/data/VOCdevkit/VOC2012
#                                DATASET=demo: the demo's synthetic validation set (.cache/synthetic, written by
#                                the first run if absent; write it before submitting, as tools/slurm/check.sh
#                                does, so that tasks do not write it at once) and, unless MODEL is given, the
#                                demo model
#   MODEL=vit_base_patch16_224.augreg2_in21k_ft_in1k WEIGHTS=vit_base.safetensors
#                                MODEL=demo: the bundled demo model (models/demo)
#   METHODS=all  PROTOCOL=otsu   as bench's --methods and --protocol
#   LIMIT=                       the first N images of the split only (bench --limit)
#   THREADS=                     OpenBLAS threads (default: the task's --cpus-per-task)
#   GALLERY=                     the report's gallery (bench --gallery N|none; default bench's, 8)
#   OUT=runs/$DATASET-$PROTOCOL  the merged folder; the shards are $OUT-shard0 ... $OUT-shard$((SHARDS-1))
#
# A 3-task demo run and its merge:
#   SHARDS=3 DATASET=demo sbatch --array=0-2 --cpus-per-task=1 --mem=1G tools/slurm_shards.sh
#   SHARDS=3 DATASET=demo sbatch --dependency=afterok:JOBID --export=ALL,MERGE=1 --array=0 tools/slurm_shards.sh
#
# A shard that is killed (time limit, preemption) resumes where it stopped when the task is requeued with the
# same command, and `bench merge` ignores an incomplete last image of a shard that never finished.
#SBATCH --job-name=vit-bench
#SBATCH --array=0-7
#SBATCH --cpus-per-task=8
#SBATCH --mem=4G
#SBATCH --time=12:00:00
#SBATCH --requeue
set -euo pipefail

SHARDS=${SHARDS:-8}
BENCH=${BENCH:-.build/release/bench}
DATASET=${DATASET:-voc}
PROTOCOL=${PROTOCOL:-otsu}
METHODS=${METHODS:-all}
OUT=${OUT:-runs/$DATASET-$PROTOCOL}

# The options every shard and the merge agree on. An empty array expands to nothing under `set -u` only from
# bash 4.4 on, hence the "${array[@]+...}" guards below.
dataset_options=()
if [ "$DATASET" != demo ]; then
    dataset_options=(--dataset "$DATASET" --root "${ROOT:-/data/VOCdevkit/VOC2012}")
    MODEL=${MODEL:-vit_base_patch16_224.augreg2_in21k_ft_in1k}
fi
model_options=()
if [ "${MODEL:-demo}" != demo ]; then
    model_options=(--model "$MODEL" --weights "${WEIGHTS:-vit_base.safetensors}")
fi
run_options=(--methods "$METHODS" --protocol "$PROTOCOL")
if [ -n "${LIMIT:-}" ]; then run_options+=(--limit "$LIMIT"); fi
gallery_options=()
if [ -n "${GALLERY:-}" ]; then gallery_options=(--gallery "$GALLERY"); fi

if [ "${MERGE:-0}" = "1" ]; then
    shards=()
    for index in $(seq 0 $((SHARDS - 1))); do shards+=("$OUT-shard$index"); done
    exec "$BENCH" merge "${shards[@]}" --out "$OUT" ${gallery_options[@]+"${gallery_options[@]}"}
fi

# A task outside 0..SHARDS-1 means --array and SHARDS disagree (e.g. the #SBATCH line's 0-7 with SHARDS=3):
# say so in those words rather than let bench refuse the shard.
task=${SLURM_ARRAY_TASK_ID:?not a Slurm array task: submit with sbatch (see the top of this file)}
if [ "$task" -ge "$SHARDS" ]; then
    echo "slurm_shards.sh: array task $task but SHARDS=$SHARDS; set SHARDS to the array's task count" >&2
    exit 64
fi

exec "$BENCH" ${dataset_options[@]+"${dataset_options[@]}"} ${model_options[@]+"${model_options[@]}"} \
    "${run_options[@]}" ${gallery_options[@]+"${gallery_options[@]}"} \
    --threads "${THREADS:-${SLURM_CPUS_PER_TASK:-8}}" \
    --shard "$task/$SHARDS" --out "$OUT-shard$task"
