#!/usr/bin/env bash
# Byte-identity check of a refactor: run a fixed list of `migsim fit`,
# `recover`, `run` and `replicate` commands with the binary built at a base git
# revision and with the binary of the working tree, and diff every output
# (stdout, stderr, exit status and the files written), with timing fields
# masked.
#
# Usage: tests/byte_identity.sh [BASE_REV]        (default BASE_REV: main)
# Environment:
#   BASE_BIN=path   use this binary as the base instead of building BASE_REV
#                   (e.g. a copy of target/release/migsim taken at that rev)
#   NEW_BIN=path    use this binary as the new one instead of building the tree
#   KEEP=dir        keep the outputs in dir (default: a temporary folder)
# Exit status: 0 when every output is byte-identical, 1 otherwise.
set -euo pipefail

root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
base_rev=${1:-main}
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"

if [[ -z "${BASE_BIN:-}" ]]; then
    src="$work/base-src"
    rm -rf "$src"
    git -C "$root" worktree add --detach "$src" "$base_rev" >/dev/null
    trap 'git -C "$root" worktree remove --force "$src" >/dev/null 2>&1 || true' EXIT
    cargo build --release --quiet --manifest-path "$src/Cargo.toml" \
        --target-dir "$work/base-target" --bin migsim
    BASE_BIN="$work/base-target/release/migsim"
fi
if [[ -z "${NEW_BIN:-}" ]]; then
    cargo build --release --quiet --manifest-path "$root/Cargo.toml" --bin migsim
    NEW_BIN="$root/target/release/migsim"
fi

fx="$root/tests/fixtures"
B="$fx/binary/data_ds1.csv"
H="$fx/heckman/data.csv"
S="$fx/heckman_selection/mroz.csv"
M="$fx/mediation/data.csv"
O="$fx/ordered/ds1.csv"
L="$fx/psm_lalonde/lalonde.csv"
D="$fx/data/input.csv"
LX="age,educ,black,hispan,married,nodegree,re74,re75"

# One command a line: a name, then the migsim arguments. `@OUT` is replaced by
# the command's own output folder.
commands() {
    cat <<EOF
ols fit ols --data $O --y educ --x age,male --fe grp --json
ols_cluster fit ols --data $B --y yols --x x1,x2,d1 --cluster cid --json
ols_robust fit ols --data $B --y yols --x x1,x2,d1 --robust
logit fit logit --data $B --y ylogit --x x1,x2,d1 --margins --json
logit_discrete fit logit --data $B --y ylogit --x x1,x2,d1 --discrete --robust
logit_interaction fit logit --data $B --y ylogit --x x1,d1,x1:d1 --interaction-effect x1:d1 --json
probit fit probit --data $B --y yprobit --x x1,x2,d1,x1^2 --margins --cluster cid --json
probit_interaction fit probit --data $B --y yprobit --x x1,d1,x1:d1 --interaction-effect x1:d1
probit_subset fit probit --data $B --y yprobit --x x1,x2 --subset "d1 == 1" --json
ologit fit ologit --data $O --y y --x age,male,educ --brant --json
oprobit fit oprobit --data $O --y y --x age,male,educ --robust --json
factor fit factor --data $B --x x1,x2,yols --json --out @OUT/scores.csv
factor_ml fit factor --data $B --x x1,x2,yols --method ml
lq fit ols --data $D --y y --x a,lq --lq region,school --json
lewbel fit lewbel --data $H --y y --treatment t --x x1,x2 --json
lewbel_iv fit lewbel --data $H --y y --treatment t --instrument z --x x1,x2 --robust
heckman fit heckman --data $H --y y --treatment t --instrument z --x x1,x2 --json
heckman_probit fit heckman --data $H --y yb --treatment t --instrument z --x x1 --json
heckman_ml fit heckman --model selection --data $S --y lwage --select inlf --x educ,exper,expersq --zx educ,exper,expersq,nwifeinc,age,kidslt6,kidsge6 --json
heckman_2step fit heckman --model selection --data $S --y lwage --select inlf --x educ,exper,expersq --zx educ,exper,expersq,nwifeinc,age,kidslt6,kidsge6 --method twostep --json
mediation fit mediation --data $M --y y --treatment t --mediator m --x x1,x2 --sims 200 --seed 3 --json
mediation_sens fit mediation --data $M --y y --treatment t --mediator m --x x1,x2 --outcome-model probit --sensitivity --sims 200 --seed 3
mediation_cont fit mediation --data $M --y ycb --treatment tc --mediator mc --x x1,x2 --control-value 0 --treat-value 2 --sims 200 --json
psm_nn fit psm --data $L --y re78 --treatment treat --x $LX --json
psm_nn3 fit psm --data $L --y re78 --treatment treat --x $LX --k 3 --caliper 0.1 --ate --json
psm_nn_probit fit psm --data $L --y re78 --treatment treat --x $LX --score probit --se ai2016 --json
psm_radius fit psm --data $L --y re78 --treatment treat --x $LX --method radius --caliper 0.05 --json
psm_kernel fit psm --data $L --y re78 --treatment treat --x $LX --method kernel --json
psm_kernel_gauss fit psm --data $L --y re78 --treatment treat --x $LX --method kernel --kernel normal --bandwidth 0.1 --json
psm_llr fit psm --data $L --y re78 --treatment treat --x $LX --method llr --bandwidth 0.8 --json
psm_llr_epan fit psm --data $L --y re78 --treatment treat --x $LX --method llr --kernel epan --bandwidth 0.3 --json
psm_spline fit psm --data $L --y re78 --treatment treat --x $LX --method spline --common-support --json
psm_boot fit psm --data $L --y re78 --treatment treat --x $LX --method kernel --bootstrap 20 --seed 5 --json
err_method fit psm --data $L --y re78 --treatment treat --x $LX --method knn
err_kernel fit psm --data $L --y re78 --treatment treat --x $LX --method kernel --kernel box
err_outcome fit mediation --data $M --y y --treatment t --mediator m --outcome-model tobit
err_estimator fit tobit --data $B --y yols --x x1
EOF
    for f in "$root"/scenarios/recovery/*.toml; do
        echo "recover_$(basename "$f" .toml) recover $f --reps 2 --json --quiet --out @OUT"
    done
    for s in enclave-platform assets-downturn talent-unit-support; do
        echo "run_$s run $work/scenarios/$s.toml --json --out @OUT"
    done
    echo "replicate_enclave replicate enclave --seed 1 --n 1000 --json"
    echo "replicate_assets replicate assets --seed 1 --json"
    echo "replicate_talent replicate talent --seed 1 --json"
}

# Shipped scenarios cut to 300 agents and 2 replications.
mkdir -p "$work/scenarios"
for s in enclave-platform assets-downturn talent-unit-support; do
    sed -E 's/^n = [0-9]+/n = 300/; s/^replications = [0-9]+/replications = 2/' \
        "$root/scenarios/$s.toml" >"$work/scenarios/$s.toml"
done

# Timing fields: "elapsed_s": 1.23 (JSON) and `elapsed: 1.2 s` (text).
mask() {
    sed -E 's/"(elapsed_s|seconds|wall_s)": ?[-0-9.eE+]+/"\1":MASKED/g; s/elapsed: [0-9.]+ s/elapsed: MASKED s/g'
}

run_all() {
    local bin=$1 dir=$2
    rm -rf "$dir"
    mkdir -p "$dir"
    commands | while read -r name cmdline; do
        local out="$dir/$name"
        mkdir -p "$out/files"
        local args=${cmdline//@OUT/$out/files}
        # shellcheck disable=SC2086 # the fixed command lines split on blanks
        set +e
        (cd "$work" && eval "\"$bin\" $args") >"$out/stdout" 2>"$out/stderr"
        echo $? >"$out/status"
        set -e
        for f in "$out/stdout" "$out/stderr" $(find "$out/files" -type f); do
            mask <"$f" >"$f.masked" && mv "$f.masked" "$f"
        done
        # the binary's own path appears in clap's usage lines
        sed -i "s#$bin#migsim#g" "$out/stderr"
    done
}

run_all "$BASE_BIN" "$work/base"
run_all "$NEW_BIN" "$work/new"

n=$(commands | wc -l)
if diff -r "$work/base" "$work/new" >"$work/diff.txt"; then
    echo "byte-identical: $n commands, base $base_rev vs working tree (outputs in $work)"
else
    changed=$(grep -c '^diff -r' "$work/diff.txt" || true)
    echo "DIFFERENT: $changed output files differ over $n commands (full diff: $work/diff.txt)"
    grep '^diff -r\|^Only in' "$work/diff.txt" | sed "s#$work/##g"
    exit 1
fi
