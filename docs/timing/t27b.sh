#!/usr/bin/env bash
# Issue 27 (t27b): the papers' estimators at large N. Usage: t27b.sh CHECKOUT
# Uses CHECKOUT/target/release/migsim only. Prints one line per figure:
#   all enclave published tables at N = 200,000 (target 10 s wall) and at
#   N = 10^6 (target 60 s wall); one enclave recovery replication of
#   scenarios/recovery/enclave_endogenous.toml at N = 10^6 (target 60 CPU s);
#   100 recovery replications at the paper's N (7,762) as CPU seconds (the
#   1,000-replication figure is 10x; compare with main's binary side by side).
# About 3-4 minutes on a quiet 2-core machine; peak memory about 3 GB.
set -euo pipefail
cd "$1"
bin=target/release/migsim
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
run() { # label, then the command; prints wall, CPU and peak RSS
  local label=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$T/time" "$@" > "$T/out" 2> "$T/err"
  read -r wall user sys rss < "$T/time"
  echo "$label: ${wall} s wall, $(python3 -c "print(round($user+$sys,1))") s CPU, peak $((rss / 1024)) MB"
}
run "replicate enclave --n 200000 --seeds 1 (all tables; target 10 s wall)" \
  $bin replicate enclave --n 200000 --seeds 1
run "replicate enclave --n 1000000 --seeds 1 (all tables; target 60 s wall)" \
  $bin replicate enclave --n 1000000 --seeds 1
run "recover enclave_endogenous --reps 1 --n 1000000 (target 60 s CPU)" \
  $bin recover scenarios/recovery/enclave_endogenous.toml --reps 1 --n 1000000 --quiet --out "$T/rec1m"
run "recover enclave_endogenous --reps 100 at N = 7762 (x10 for 1,000 reps)" \
  $bin recover scenarios/recovery/enclave_endogenous.toml --reps 100 --quiet --out "$T/rec100"
