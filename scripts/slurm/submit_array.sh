#!/bin/bash
# Submits a sweep as a job array of N tasks plus one job that, after all of them,
# rebuilds the index from the run files (tasks finishing together may each have written
# an index that misses the other's last runs).
#
#   scripts/slurm/submit_array.sh SPEC OUT N [sbatch options...]
# Prints the array job id and the index job id.
set -euo pipefail
SPEC=$1 OUT=$2 N=$3
shift 3
here=$(dirname "$0")
export SPEC OUT
array=$(sbatch --parsable --array=0-$((N - 1)) "$@" "$here/sweep_array.sbatch")
index=$(sbatch --parsable --dependency=afterany:"$array" --job-name=corridor-index \
  --ntasks=1 --output=corridor-index-%j.log "$@" \
  --wrap="${CORRIDOR:-build/corridor} sweep '$SPEC' -o '$OUT' --collect --quiet ${SETS:-}")
echo "$array $index"
