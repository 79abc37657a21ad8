#!/usr/bin/env bash
# Scaling of sharded and MPI runs on this machine (issue 15), and the cost of
# one enclave replication as the cohort grows, for cluster projections.
#
#   benches/shard_scaling.sh [SPEC] [REPS]
#
# Runs REPS replications of SPEC (default: the enclave recovery spec, 200
# replications at its own n) as
#   1. one process, 1 thread          -> per-replication cost at the spec's n
#   2. one process, 2 threads (rayon)
#   3. two shards at once (1 thread each) + merge
#   4. mpirun -np 2 (1 thread each), with the `mpi` build in $MPIBIN
#      (BUILD_MPI=1 builds it: cargo build --release --features mpi, copied to
#      target/migsim-mpi, then the default build is restored)
# and checks that every merged output equals the one-process bytes. It then
# times one replication (--reps 1, 1 thread) at each cohort size in SIZES
# (default "50000 200000"; add 1000000 when there is time), fits
# cost = a * N^b through the two largest sizes, and projects the wall time of
# PROJ_REPS (10000) replications at PROJ_N (10^6) on NODES (100) nodes of
# CORES (1 and 32) cores each, one replication per core.
#
# Every line carries the 1-minute load average before and after the run: on
# a loaded machine wall times are inflated, CPU times much less so.
# Environment: BIN, MPIBIN, BUILD_MPI, SIZES, NODES, PROJ_REPS, PROJ_N.
set -euo pipefail
cd "$(dirname "$0")/.."
SPEC=${1:-scenarios/recovery/enclave_endogenous.toml}
REPS=${2:-200}
SIZES=${SIZES:-50000 200000}
NODES=${NODES:-100}
PROJ_REPS=${PROJ_REPS:-10000}
PROJ_N=${PROJ_N:-1000000}
BIN=${BIN:-target/release/migsim}
MPIBIN=${MPIBIN:-target/migsim-mpi}
if [ "${BUILD_MPI:-0}" = 1 ] && [ ! -x "$MPIBIN" ]; then
    cargo build --release --features mpi >&2
    cp target/release/migsim "$MPIBIN"
    cargo build --release >&2
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

load1() { cut -d' ' -f1 /proc/loadavg; }
# timed LABEL REPS N COMMAND...: runs COMMAND, appends a table row (wall,
# CPU = user+sys of the children, CPU per replication, peak memory of an
# external command, load around it) to $OUT/rows; echoes "wall cpu".
timed() {
    local label=$1 reps=$2 n=$3; shift 3
    local before; before=$(load1)
    local t rss=-
    if [ "$(type -t "$1")" = file ] && [ -x /usr/bin/time ]; then
        set -- /usr/bin/time -f %M -o "$OUT/$label.rss" "$@"
    fi
    t=$( { TIMEFORMAT='%R %U %S'; time "$@" > "$OUT/$label.log" 2>&1; } 2>&1 | tail -n 1)
    [ -s "$OUT/$label.rss" ] && rss=$(( $(tail -n 1 "$OUT/$label.rss") / 1024 ))
    local wall user sys
    read -r wall user sys <<< "$t"
    local cpu; cpu=$(echo "$user + $sys" | bc -l)
    printf '%-26s %6s %8s %9.1f %9.1f %10.3f %8s   %s -> %s\n' \
        "$label" "$reps" "$n" "$wall" "$cpu" "$(echo "$cpu / $reps" | bc -l)" "$rss" \
        "$before" "$(load1)" >> "$OUT/rows"
    echo "$wall $cpu"
}
same() { # dir_a dir_b: identical files, recovery's elapsed_s aside
    for f in "$1"/*; do
        local n; n=$(basename "$f")
        if [ "$n" = diagnosands.json ]; then
            diff <(grep -v '"elapsed_s"' "$f") <(grep -v '"elapsed_s"' "$2/$n") > /dev/null
        else
            cmp -s "$f" "$2/$n"
        fi || { echo "DIFFERENT: $n ($1 vs $2)" >&2; return 1; }
    done
}
spec_n=$(sed -n 's/^n *= *\([0-9]*\).*/\1/p' "$SPEC" | head -n 1)
rec() { "$BIN" recover "$SPEC" --reps "$REPS" --quiet "$@"; }

read -r t1 c1 <<< "$(RAYON_NUM_THREADS=1 timed one-process-1-thread "$REPS" "$spec_n" rec --out "$OUT/one1")"
read -r t2 _ <<< "$(RAYON_NUM_THREADS=2 timed one-process-2-threads "$REPS" "$spec_n" rec --out "$OUT/one2")"
shards() {
    RAYON_NUM_THREADS=1 rec --shard 1/2 --out "$OUT/s1" &
    local p1=$!
    RAYON_NUM_THREADS=1 rec --shard 2/2 --out "$OUT/s2" &
    local p2=$!
    wait $p1 && wait $p2
    "$BIN" merge "$OUT/s1" "$OUT/s2" --out "$OUT/merged"
}
read -r t3 _ <<< "$(timed two-shards-at-once+merge "$REPS" "$spec_n" shards)"
same "$OUT/one1" "$OUT/one2" && same "$OUT/one1" "$OUT/merged"
t4=""
if [ -x "$MPIBIN" ] && command -v mpirun > /dev/null; then
    read -r t4 _ <<< "$(RAYON_NUM_THREADS=1 timed mpirun-np-2 "$REPS" "$spec_n" \
        mpirun --allow-run-as-root --oversubscribe -x RAYON_NUM_THREADS -np 2 \
        "$MPIBIN" recover "$SPEC" --reps "$REPS" --quiet --out "$OUT/mpi")"
    same "$OUT/one1" "$OUT/mpi"
fi
declare -A COST
for n in $SIZES; do
    read -r _ c <<< "$(RAYON_NUM_THREADS=1 timed "one-rep-n=$n" 1 "$n" \
        "$BIN" recover "$SPEC" --reps 1 --n "$n" --quiet --out "$OUT/n$n")"
    COST[$n]=$c
done

echo
echo "spec $SPEC; $(nproc) cores; $(uname -n); $(date -u +%FT%TZ)"
printf '%-26s %6s %8s %9s %9s %10s %8s   %s\n' run reps N "wall s" "cpu s" "cpu/rep s" "max MiB" \
    "load (1 min) before -> after"
cat "$OUT/rows"
echo
ratio() { echo "$1 / $2" | bc -l | cut -c1-5; }
echo "speed-up over 1 thread: 2 threads $(ratio "$t1" "$t2"), 2 shards $(ratio "$t1" "$t3")${t4:+, mpirun -np 2 $(ratio "$t1" "$t4")}"
echo "all merged outputs are byte-identical to the one-process run"
sizes=($(printf '%s\n' "${!COST[@]}" | sort -n))
if [ "${#sizes[@]}" -ge 2 ]; then
    na=${sizes[-2]} nb=${sizes[-1]}
    ca=${COST[$na]} cb=${COST[$nb]}
    b=$(echo "l($cb / $ca) / l($nb / $na)" | bc -l)
    cn=$(echo "$cb * e($b * l($PROJ_N / $nb))" | bc -l)
    [ -n "${COST[$PROJ_N]:-}" ] && cn=${COST[$PROJ_N]}
    printf 'cost of one replication ~ N^%.2f (from N = %s, %s); at N = %s: %.0f CPU s\n' \
        "$b" "$na" "$nb" "$PROJ_N" "$cn"
    for cores in 1 32; do
        waves=$(( (PROJ_REPS + NODES * cores - 1) / (NODES * cores) ))
        printf '%s replications at N = %s on %s nodes x %s cores: %s waves x %.0f s = %.2f h\n' \
            "$PROJ_REPS" "$PROJ_N" "$NODES" "$cores" "$waves" "$cn" "$(echo "$waves * $cn / 3600" | bc -l)"
    done
fi
