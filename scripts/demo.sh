#!/usr/bin/env bash
# demo.sh: the main job of the README's `make demo`.
# Until athena-local (the local Athena service) lands, the demo shows the
# built CLI and how to point it at an Athena endpoint.
set -euo pipefail
build=${1:-build}
athena="$build/bin/athena"
"$athena" version
echo
"$athena" --help
cat <<'MSG'

To run a query against Amazon Athena:
  export AWS_PROFILE=my-athena-profile      # or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
  build/bin/athena --region us-east-1 --output-location s3://my-bucket/athena-results/ \
      query "SELECT 1 AS one"
MSG
