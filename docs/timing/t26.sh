#!/usr/bin/env bash
# t26 (issue 26): wall-clock figures of the Bayesian calibration on a quiet machine.
# Usage: t26.sh CHECKOUT   (uses CHECKOUT/target/release/migsim only; about 4 minutes in all)
set -euo pipefail
cd "$1"
M=target/release/migsim
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
run() { # label, then the command; prints wall s, CPU s and the cohorts simulated
  local label=$1; shift
  /usr/bin/time -f '%e %U %S' -o "$T/time" "$@" --json > "$T/out.json"
  read -r wall user sys < "$T/time"
  sims=$(python3 -c "import json,sys; d=json.load(open('$T/out.json')); print(d.get('simulations', d.get('fit',{}).get('evaluations','-')))")
  echo "$label: ${wall} s wall, $(python3 -c "print(round($user+$sys,1))") s CPU, ${sims} cohorts"
}
# Talent posterior at the defaults (target: 5 min).
run "talent posterior, defaults (200 particles, 4 moves, R = 4)" $M calibrate talent --method smc --seed 1
# Assets posterior at the defaults is about 15,000 cohorts (target: 15 min): a 40-particle,
# 1-move run gives the per-cohort cost; the full run scales by cohorts.
run "assets posterior, 40 particles 1 move (scale by cohorts: defaults use about 15,000)" $M calibrate assets --method smc --particles 40 --moves 1 --predictive 4 --no-heldout --seed 1
# Enclave (target: 30 min): the same reduced run.
run "enclave posterior, 40 particles 1 move, R = 1 (scale by cohorts)" $M calibrate enclave --method smc --particles 40 --moves 1 --reps 1 --predictive 4 --no-heldout --seed 1
# Talent SBC (target: K = 100 in 30 min): K = 4 at the defaults gives the per-draw cost.
run "talent SBC, K = 4 at the defaults (x25 for K = 100)" $M calibrate talent --method smc --sbc 4 --seed 1
