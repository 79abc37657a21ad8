#!/bin/bash
# Issue 30 (t30): wall time of the replicate commands whose figures the
# README quotes, on a quiet machine. Usage: t30.sh CHECKOUT
cd "$1" || exit 1
B=target/release/migsim
t() {
  local s e rc
  s=$(date +%s.%N); "$@" >/dev/null 2>&1; rc=$?; e=$(date +%s.%N)
  printf '%s: %.1f s wall (rc %d)\n' "$*" "$(echo "$e - $s" | bc)" "$rc"
}
t $B replicate assets --seed 1 --seeds 20
t $B replicate enclave --seed 1 --seeds 20
t $B replicate talent --seed 1 --seeds 20
t $B replicate enclave --seed 1 --seeds 2 --decompose --decompose-seeds 12 --json
