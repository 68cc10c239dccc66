#!/usr/bin/env bash
# setup.sh: idempotent machine setup for building and testing.
# Installs the Debian -dev packages the build needs (only those missing) and
# fetches the pinned npm packages (DuckDB library and header, sample data)
# into the git-ignored .deps/ folder. Safe to run any number of times.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
deps="$top/.deps"

DUCKDB_VERSION=1.4.4
DUCKDB_BINDINGS=@duckdb/node-bindings-linux-x64@1.4.4-r.4
VEGA_DATASETS=vega-datasets@3.2.1

apt_packages=(cmake make gcc pkg-config libcurl4-openssl-dev libssl-dev
              libjansson-dev libexpat1-dev libmicrohttpd-dev libsqlite3-dev
              libedit-dev)
[ "${ATHENA_SETUP_AWSCLI:-1}" = 1 ] && apt_packages+=(awscli)

missing=()
for p in "${apt_packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    if ! $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"; then
        $sudo apt-get update -q
        $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
fi

# Pinned npm packages, unpacked once. A stamp file records the versions so a
# version bump refetches.
stamp="$deps/.stamp"
want="$DUCKDB_VERSION $DUCKDB_BINDINGS $VEGA_DATASETS"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "setup: fetching $want"
    rm -rf "$deps.tmp"
    mkdir -p "$deps.tmp/pack"
    (cd "$deps.tmp/pack" && npm pack --silent "duckdb@$DUCKDB_VERSION" "$DUCKDB_BINDINGS" "$VEGA_DATASETS" >/dev/null)
    mkdir -p "$deps.tmp/duckdb/include" "$deps.tmp/duckdb/lib" "$deps.tmp/data"
    tar -xzf "$deps.tmp/pack"/duckdb-node-bindings-*.tgz -C "$deps.tmp/duckdb/lib" \
        --strip-components=1 package/libduckdb.so
    tar -xzf "$deps.tmp/pack/duckdb-$DUCKDB_VERSION.tgz" -C "$deps.tmp/duckdb/include" \
        --strip-components=5 package/src/duckdb/src/include/duckdb.h
    tar -xzf "$deps.tmp/pack"/vega-datasets-*.tgz -C "$deps.tmp/data" \
        --strip-components=2 package/data/flights-3m.parquet package/data/airports.csv
    rm -rf "$deps.tmp/pack"
    echo "$want" > "$deps.tmp/.stamp"
    rm -rf "$deps"
    mv "$deps.tmp" "$deps"
fi

# The AWS SDK for JavaScript v3 for tests/js (pinned by its package-lock.json)
# in .deps/js; reinstalled only when the lock file changes. Skip it with
# ATHENA_SETUP_JS_SDK=0.
js_lock="$top/tests/js/package-lock.json"
js_stamp="$deps/js/.stamp"
if [ "${ATHENA_SETUP_JS_SDK:-1}" = 1 ]; then
    js_want=$(cat "$top/tests/js/package.json" "$js_lock" | sha256sum | cut -d' ' -f1)
    if [ ! -f "$js_stamp" ] || [ "$(cat "$js_stamp")" != "$js_want" ]; then
        echo "setup: installing the AWS SDK for JavaScript (tests/js/package-lock.json)"
        rm -rf "$deps/js.tmp"
        mkdir -p "$deps/js.tmp"
        cp "$top/tests/js/package.json" "$js_lock" "$deps/js.tmp/"
        npm ci --ignore-scripts --no-audit --no-fund --silent --prefix "$deps/js.tmp"
        echo "$js_want" > "$deps/js.tmp/.stamp"
        rm -rf "$deps/js"
        mv "$deps/js.tmp" "$deps/js"
    fi
fi
