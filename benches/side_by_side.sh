#!/usr/bin/env bash
# Two or more builds of fitcircle on one city, runs alternating (A B A B ...)
# so that the machine's slow and fast spells fall on every build alike;
# prints the median of every `-v` stage and sub-stage per build, and of the
# process's wall time, in milliseconds. On these shared machines a change
# is only measured against the build before it this way, never against a
# figure taken at another hour.
#
#   benches/side_by_side.sh 5 /tmp/fc-before target/release/fitcircle
#   CITY=target/scale/city-1000000.osm.pbf EXTRA="--skip-isochrones" \
#       benches/side_by_side.sh 3 /tmp/fc-before target/release/fitcircle
#   BUNDLE=porto-alegre EXTRA= benches/side_by_side.sh 11 /tmp/fc-before target/release/fitcircle
#
# A build to compare with: `git worktree add /tmp/wt <commit>`, then
# `cd /tmp/wt && CARGO_TARGET_DIR=/tmp/wt-target cargo build --release`.
# The city defaults to the 2M-node one of benches/scale.sh (run that once
# to write it). Each build's outputs of its last run stay in
# target/side-by-side/<n>/ for comparing bytes (`cmp`), then are deleted
# by the next call.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 2 ]; then
    echo "usage: benches/side_by_side.sh RUNS BUILD [BUILD...]" >&2
    exit 2
fi
RUNS=$1
shift
CITY=${CITY:-target/scale/city-2000000.osm.pbf}
EXTRA=${EXTRA:---coverage-only}
THREADS=${THREADS:-2}
# BUNDLE=porto-alegre runs a bundled data set instead of the city.
BUNDLE=${BUNDLE:-}
if [ -n "$BUNDLE" ]; then
    INPUTS=(--bundle "$BUNDLE")
else
    [ -f "$CITY" ] || { echo "$CITY not found: run benches/scale.sh first" >&2; exit 1; }
    INPUTS=(--network "$CITY" --facilities "$CITY" --communities "$CITY")
fi

OUT=target/side-by-side
rm -rf "$OUT"
mkdir -p "$OUT"
raw="$OUT/stages.txt"
: >"$raw"
for r in $(seq "$RUNS"); do
    n=0
    for b in "$@"; do
        n=$((n + 1))
        start=$(date +%s%N)
        # shellcheck disable=SC2086
        "$b" analyze "${INPUTS[@]}" \
            --threads "$THREADS" $EXTRA --out "$OUT/$n" -v 2>&1 >/dev/null |
            awk -v b="$n" '/^ +[a-z]/ && $2 ~ /^[0-9.]+$/ {print b, $1, $2}' >>"$raw"
        # Wall time of the whole process, exit included (`total` ends
        # before the process does).
        echo "$n wall $((($(date +%s%N) - start) / 1000000))" >>"$raw"
    done
    echo "run $r of $RUNS done" >&2
done

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) printf "%.0f", a[(NR+1)/2]; else printf "%.0f", (a[NR/2]+a[NR/2+1])/2}'; }

printf '| stage (ms) |'
n=0
for b in "$@"; do
    n=$((n + 1))
    printf ' %s: %s |' "$n" "$b"
done
printf '\n|---|'
for _ in "$@"; do printf -- '---|'; done
printf '\n'
for s in $(awk '{print $2}' "$raw" | awk '!seen[$0]++'); do
    printf '| %s |' "$s"
    n=0
    for _ in "$@"; do
        n=$((n + 1))
        printf ' %s |' "$(awk -v b="$n" -v s="$s" '$1 == b && $2 == s {print $3}' "$raw" | median)"
    done
    printf '\n'
done
