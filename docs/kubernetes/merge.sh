#!/usr/bin/env bash
# The follow-up step of bench-job.yaml: wait until every shard's pod has finished, take each
# pod's stdout (the last line of which is its summary record), and merge them with
# `mqtt bench merge` into one summary: summary.json, and the table on stderr.
#
#   docs/kubernetes/merge.sh [JOB] [OUT]     # defaults: mqtt-bench, summary.json
#   WAIT_SECONDS=600 docs/kubernetes/merge.sh  # give up waiting after 10 minutes [default: 2 h]
#
# Needs kubectl (with access to the job's namespace) and mqtt where it runs.
set -euo pipefail

job="${1:-mqtt-bench}"
out="${2:-summary.json}"
wait_seconds="${WAIT_SECONDS:-7200}"

completions=$(kubectl get job "$job" -o jsonpath='{.spec.completions}')
deadline=$(($(date +%s) + wait_seconds))
# Succeeded or failed, every shard's summary counts (a failed one says what went wrong).
while :; do
    done_pods=$(kubectl get job "$job" -o jsonpath='{.status.succeeded} {.status.failed}' |
        awk '{print $1 + $2}')
    [ "$done_pods" -ge "$completions" ] && break
    if [ "$(date +%s)" -ge "$deadline" ]; then
        echo "merge.sh: $done_pods of $completions shards finished after ${wait_seconds}s" >&2
        exit 1
    fi
    sleep 10
done

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for ((k = 0; k < completions; k++)); do
    pod=$(kubectl get pods \
        -l "job-name=$job,batch.kubernetes.io/job-completion-index=$k" \
        -o jsonpath='{.items[-1:].metadata.name}')
    kubectl logs "$pod" >"$dir/shard-$k.jsonl"
done
mqtt bench merge "$dir"/shard-*.jsonl --json "$out"
echo "merge.sh: the summary of $completions shards is in $out" >&2
