#!/usr/bin/env bash
# aws_cli_query.sh: the baseline of bench/run.sh's "SELECT 1" benchmark:
# what a shell script does to run one Athena query with the AWS CLI —
# start-query-execution, get-query-execution until the query has finished,
# then get-query-results. The endpoint, region and credentials come from
# the environment (AWS_ENDPOINT_URL, AWS_DEFAULT_REGION, AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY), the result location from BENCH_OUTPUT_LOCATION.
# It polls without sleeping: each aws call already takes far longer than
# the query, so this is the fastest the AWS CLI can do it.
set -euo pipefail

out=${BENCH_OUTPUT_LOCATION:?BENCH_OUTPUT_LOCATION must be an s3:// URI}
endpoint=(--endpoint-url "${AWS_ENDPOINT_URL:?AWS_ENDPOINT_URL must be set}")

id=$(aws "${endpoint[@]}" athena start-query-execution --query-string "SELECT 1" \
    --result-configuration "OutputLocation=$out" --query QueryExecutionId --output text)
while :; do
    state=$(aws "${endpoint[@]}" athena get-query-execution --query-execution-id "$id" \
        --query QueryExecution.Status.State --output text)
    case $state in
    SUCCEEDED) break ;;
    FAILED | CANCELLED) echo "aws_cli_query: query $id ended $state" >&2 && exit 1 ;;
    esac
done
aws "${endpoint[@]}" athena get-query-results --query-execution-id "$id" --output text >/dev/null
