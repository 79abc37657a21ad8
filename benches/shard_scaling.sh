#!/usr/bin/env bash
# Scaling of sharded and MPI runs on this machine (issue 15).
#
#   benches/shard_scaling.sh [SPEC] [REPS] [N]
#
# Runs REPS replications of SPEC (default: the enclave recovery spec, 200
# replications at its own n) as
#   1. one process, 1 thread          -> per-replication cost
#   2. one process, 2 threads (rayon)
#   3. two shards at once (1 thread each) + merge
#   4. mpirun -np 2 (1 thread each), if target/migsim-mpi exists
#      (cargo build --release --features mpi && cp target/release/migsim target/migsim-mpi)
# and checks that every merged output equals the one-process bytes. It then
# times one replication at N = 10^6 (set BIG_N=0 to skip) for projections.
# Prints wall seconds, ratios and the load average before each run.
set -euo pipefail
cd "$(dirname "$0")/.."
SPEC=${1:-scenarios/recovery/enclave_endogenous.toml}
REPS=${2:-200}
NARG=()
[ -n "${3:-}" ] && NARG=(--n "$3")
BIG_N=${BIG_N:-1000000}
BIN=${BIN:-target/release/migsim}
MPIBIN=${MPIBIN:-target/migsim-mpi}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
timed() { # label, command...
    local label=$1; shift
    local l; l=$(load)
    local t0; t0=$(now)
    "$@" > "$OUT/$label.log" 2>&1
    local t1; t1=$(now)
    local dt; dt=$(echo "$t1 - $t0" | bc -l)
    printf '%-28s %9.1f s   (load before: %s)\n' "$label" "$dt" "$l" >&2
    echo "$dt"
}
same() { # dir_a dir_b
    for f in "$1"/*; do
        n=$(basename "$f")
        if [ "$n" = diagnosands.json ]; then
            diff <(grep -v '"elapsed_s"' "$f") <(grep -v '"elapsed_s"' "$2/$n") > /dev/null
        else
            cmp -s "$f" "$2/$n"
        fi || { echo "DIFFERENT: $n ($1 vs $2)" >&2; return 1; }
    done
}

echo "spec $SPEC, $REPS replications ${NARG[*]:-}, $(nproc) cores" >&2
t1=$(RAYON_NUM_THREADS=1 timed one-process-1-thread \
    "$BIN" recover "$SPEC" --reps "$REPS" "${NARG[@]}" --quiet --out "$OUT/one1")
t2=$(RAYON_NUM_THREADS=2 timed one-process-2-threads \
    "$BIN" recover "$SPEC" --reps "$REPS" "${NARG[@]}" --quiet --out "$OUT/one2")
shards() {
    RAYON_NUM_THREADS=1 "$BIN" recover "$SPEC" --reps "$REPS" "${NARG[@]}" --quiet --shard 1/2 --out "$OUT/s1" &
    local p1=$!
    RAYON_NUM_THREADS=1 "$BIN" recover "$SPEC" --reps "$REPS" "${NARG[@]}" --quiet --shard 2/2 --out "$OUT/s2" &
    local p2=$!
    wait $p1 && wait $p2
    "$BIN" merge "$OUT/s1" "$OUT/s2" --out "$OUT/merged"
}
t3=$(timed two-shards-at-once+merge shards)
same "$OUT/one1" "$OUT/one2" && same "$OUT/one1" "$OUT/merged"
if [ -x "$MPIBIN" ] && command -v mpirun > /dev/null; then
    t4=$(RAYON_NUM_THREADS=1 timed mpirun-np-2 mpirun --allow-run-as-root --oversubscribe \
        -x RAYON_NUM_THREADS -np 2 "$MPIBIN" recover "$SPEC" --reps "$REPS" "${NARG[@]}" --quiet --out "$OUT/mpi")
    same "$OUT/one1" "$OUT/mpi"
    echo "mpirun -np 2 speed-up over 1 thread: $(echo "$t1 / $t4" | bc -l | cut -c1-5)" >&2
fi
echo "per replication (1 thread): $(echo "$t1 / $REPS" | bc -l | cut -c1-6) s" >&2
echo "2 threads speed-up: $(echo "$t1 / $t2" | bc -l | cut -c1-5); 2 shards speed-up: $(echo "$t1 / $t3" | bc -l | cut -c1-5)" >&2
echo "all merged outputs identical to the one-process bytes" >&2
if [ "$BIG_N" != 0 ]; then
    timed "one-rep-n=$BIG_N" env RAYON_NUM_THREADS=1 \
        "$BIN" recover "$SPEC" --reps 1 --n "$BIG_N" --quiet --out "$OUT/big" > /dev/null
fi
