#!/bin/bash
# A Slurm job array that splits one bench run over 8 tasks, one shard each, then merges the shards.
#
#   sbatch tools/slurm_shards.sh                    # the 8 shard tasks
#   sbatch --dependency=afterok:JOBID --export=MERGE=1 --array=0 tools/slurm_shards.sh
#                                                   # the merge, once every shard has finished
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

SHARDS=8
BENCH=${BENCH:-.build/release/bench}               # built once with: swift build -c release --product bench
DATASET=${DATASET:-voc}
ROOT=${ROOT:-/data/VOCdevkit/VOC2012}
MODEL=${MODEL:-vit_base_patch16_224.augreg2_in21k_ft_in1k}
WEIGHTS=${WEIGHTS:-vit_base.safetensors}
PROTOCOL=${PROTOCOL:-otsu}
OUT=${OUT:-runs/$DATASET-$PROTOCOL}

if [ "${MERGE:-0}" = "1" ]; then
    shards=()
    for index in $(seq 0 $((SHARDS - 1))); do shards+=("$OUT-shard$index"); done
    exec "$BENCH" merge "${shards[@]}" --out "$OUT"
fi

exec "$BENCH" --dataset "$DATASET" --root "$ROOT" --model "$MODEL" --weights "$WEIGHTS" \
    --methods all --protocol "$PROTOCOL" --threads "${SLURM_CPUS_PER_TASK:-8}" \
    --shard "$SLURM_ARRAY_TASK_ID/$SHARDS" --out "$OUT-shard$SLURM_ARRAY_TASK_ID"
