#!/usr/bin/env bash
# Scaling benchmark (issue 6): synthetic cities of several sizes through the
# whole `analyze` pipeline (PBF in, every output written), per-stage medians
# of several runs, peak memory from /usr/bin/time -v, 1 vs 2 worker threads,
# and every run checks a sample of nearest distances against a plain
# Dijkstra (--check-sample; a mismatch fails the run).
#
#   benches/scale.sh                      # 50k 200k 1M 2M, 3 runs, 2 and 1 threads
#   SIZES="50000 200000" RUNS=5 benches/scale.sh
#   EXTRA="--skip-isochrones" benches/scale.sh   (the default; EXTRA="" builds unions)
#   EXTRA="--coverage-only" benches/scale.sh     (nearest distances only)
#
# Cities are cached in target/scale/. Prints one markdown table row per
# (size, threads) with the median of each stage in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-"50000 200000 1000000 2000000"}
RUNS=${RUNS:-3}
THREADS=${THREADS:-"2 1"}
EXTRA=${EXTRA:---skip-isochrones}
SAMPLE=${SAMPLE:-1000}
STAGES="load index snap graph search summary catchments isochrones gaps write total"

cargo build --release --quiet
B=target/release/fitcircle
mkdir -p target/scale
command -v /usr/bin/time >/dev/null || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 1; }

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

printf '| nodes | options | threads | PBF MB |'
for s in $STAGES; do printf ' %s s |' "$s"; done
printf ' peak RSS MB | check |\n|---|---|---|---|'
for s in $STAGES; do printf -- '---|'; done
printf -- '---|---|\n'

for n in $SIZES; do
    pbf=target/scale/city-$n.osm.pbf
    [ -f "$pbf" ] || $B synth --nodes "$n" --out "$pbf" >/dev/null
    mb=$(awk -v b="$(stat -c %s "$pbf")" 'BEGIN {printf "%.1f", b / 1e6}')
    for t in $THREADS; do
        log=target/scale/log-$n-$t-$(echo "$EXTRA" | tr -dc 'a-z')
        : >"$log"
        for r in $(seq "$RUNS"); do
            # shellcheck disable=SC2086
            /usr/bin/time -v "$B" analyze --network "$pbf" --facilities "$pbf" \
                --communities "$pbf" --out "target/scale/out-$n-$t" --threads "$t" \
                --check-sample "$SAMPLE" $EXTRA -v >/dev/null 2>>"$log"
        done
        printf '| %s | %s | %s | %s |' "$n" "${EXTRA:-(all)}" "$t" "$mb"
        for s in $STAGES; do
            v=$(awk -v s="$s" '$1 == s && $3 == "ms" {print $2 / 1000}' "$log" | median)
            printf ' %s |' "$v"
        done
        # The outputs of a 2M city are gigabytes: keep only the logs.
        rm -rf "target/scale/out-$n-$t"
        rss=$(awk '/Maximum resident set size/ {print $6 / 1024}' "$log" | median)
        check=$(grep -c ', 0 mismatches' "$log" || true)
        printf ' %.0f | %s/%s ok |\n' "$rss" "$check" "$RUNS"
    done
done
