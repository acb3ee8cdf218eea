#!/usr/bin/env bash
# Byte-compare every output of two builds of fitcircle on the bundles, the
# Xicheng venue fixture, the sites command and a synthetic city.
#
#   tools/compare-outputs.sh /tmp/fc-before target/release/fitcircle
#   NODES=200000 tools/compare-outputs.sh /tmp/fc-before target/release/fitcircle
#
# Each case runs both builds into target/compare/<case>/{a,b} and compares
# every file (and the --json stdout) with cmp. Exit 1 on any difference.
# NODES (default 0: none) adds a synthetic city of that many nodes, cached
# in target/compare/city-NODES.osm.pbf (written by build A).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: tools/compare-outputs.sh BUILD_A BUILD_B" >&2; exit 2; }
A=$(realpath "$1"); B=$(realpath "$2")
NODES=${NODES:-0}
# IGNORE: a grep -E pattern of file paths not compared (e.g. 'outputs.json$'
# when build A predates that file).
IGNORE=${IGNORE:-}
ROOT=target/compare
mkdir -p "$ROOT"
VENUES=tests/fixtures/xicheng_venues/venues.csv
fail=0
# The files compared: all but those IGNORE matches, sorted.
listed() {
    if [ -n "$IGNORE" ]; then grep -Ev "$IGNORE" | sort; else sort; fi
}
run_case() {
    local name=$1; shift
    for side in a b; do
        local bin=$A; [ $side = b ] && bin=$B
        local dir=$ROOT/$name/$side
        rm -rf "$dir"; mkdir -p "$dir"
        "$bin" "$@" --out "$dir/out" --json >"$dir/stdout.json" 2>"$dir/stderr.txt" || echo "exit $?" >>"$dir/stderr.txt"
        # the paths of the files written name the side's folder
        sed -i "s#$dir/##g" "$dir/stdout.json"
    done
    local diffs=0 files=0
    while IFS= read -r f; do
        files=$((files + 1))
        if ! cmp -s "$ROOT/$name/a/$f" "$ROOT/$name/b/$f"; then
            echo "  DIFFERS: $name/$f"; diffs=$((diffs + 1))
        fi
    done < <(cd "$ROOT/$name/a" && find . -type f | listed)
    local only
    only=$(diff <(cd "$ROOT/$name/a" && find . -type f | listed) <(cd "$ROOT/$name/b" && find . -type f | listed) || true)
    [ -z "$only" ] || { echo "  file lists differ in $name:"; echo "$only"; diffs=$((diffs + 1)); }
    echo "$name: $files files, $diffs differences"
    [ $diffs -eq 0 ] || fail=1
}
run_case helsinki analyze
run_case helsinki-all analyze --isochrones --network-geojson --export-graph --format fgb --lang zh --output-crs gcj02
run_case porto-alegre analyze --bundle porto-alegre
run_case xicheng analyze --bundle xicheng --facilities "$VENUES" --facilities-crs gcj02 --output-crs gcj02 --lang zh
run_case xicheng-plain analyze --bundle xicheng
run_case helsinki-coverage-only analyze --coverage-only --check-sample 20
run_case sites-helsinki sites --category fitness_station --count 5
run_case sites-porto-alegre sites --bundle porto-alegre --category school_venue --count 10 --format fgb
run_case sites-xicheng sites --bundle xicheng --category football_pitch --count 5 --output-crs gcj02
if [ "$NODES" -gt 0 ]; then
    CITY=$ROOT/city-$NODES.osm.pbf
    [ -f "$CITY" ] || "$A" synth --nodes "$NODES" --out "$CITY" >/dev/null
    "$B" synth --nodes "$NODES" --out "$ROOT/city-b.osm.pbf" >/dev/null
    if cmp -s "$CITY" "$ROOT/city-b.osm.pbf"; then echo "synth-$NODES: identical"; else echo "  DIFFERS: synth-$NODES"; fail=1; fi
    rm -f "$ROOT/city-b.osm.pbf"
    run_case "city-$NODES" analyze --network "$CITY" --facilities "$CITY" --communities "$CITY"
    run_case "city-$NODES-coverage-only" analyze --network "$CITY" --facilities "$CITY" --communities "$CITY" --coverage-only
fi
exit $fail
