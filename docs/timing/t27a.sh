#!/usr/bin/env bash
# Issue 27 (t27a): the exact Zenou engine at national scale. Usage: t27a.sh CHECKOUT
# Prints one line per figure: events/s of the event loop at 10^8 agents (the
# engine's own clock, median of 3), and the 2.9e8-agent, t = 2 run (events,
# events/s, whole-process wall and CPU seconds, peak RSS). About 2-3 minutes
# on a quiet machine; needs about 3 GB of memory.
set -euo pipefail
cd "$1"
bin=target/release/migsim
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
rates=()
for _ in 1 2 3; do
  out=$("$bin" zenou --lambda 1 --delta 0.3 --omega 0.4 --agents 100000000 --t-end 0.5 --json)
  rates+=("$(echo "$out" | field events_per_s)")
  events=$(echo "$out" | field events)
done
median=$(printf '%s\n' "${rates[@]}" | sort -g | sed -n 2p)
printf 'engine 1e8 agents t=0.5: %s events, event loop %.3e events/s (median of 3: %s)\n' \
  "$events" "$median" "${rates[*]}"
tmp=$(mktemp)
/usr/bin/time -f '%e %U %S %M' -o "$tmp.time" \
  "$bin" zenou --lambda 1 --delta 0.3 --omega 0.4 --agents 290000000 --t-end 2 --json >"$tmp"
read -r wall user sys rss <"$tmp.time"
printf 'engine 2.9e8 agents t=2: %s events, event loop %.3e events/s, whole process %s s wall %s s user %s s sys, peak RSS %s KB\n' \
  "$(field events <"$tmp")" "$(field events_per_s <"$tmp")" "$wall" "$user" "$sys" "$rss"
rm -f "$tmp" "$tmp.time"
