#!/usr/bin/env bash
# A one-node Slurm cluster on this machine (Debian's slurm-wlm and munge), the
# real-Slurm tests (tests/slurm_real.rs) against it, then the daemons stopped.
# Idempotent: packages are installed only when missing, state lives under
# /tmp/migsim-slurm and is made afresh. Needs root (or sudo) for apt and for
# munged/slurmd. `.ci/slurm.sh start` / `.ci/slurm.sh stop` only start or stop.
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
state=/tmp/migsim-slurm
host=$(hostname -s)

install() {
    if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null \
        || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null \
        || ! command -v shellcheck >/dev/null; then
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq slurm-wlm munge shellcheck
    fi
}

stop() {
    for d in slurmd slurmctld; do
        if [ -f "$state/$d.pid" ]; then
            $sudo kill "$(cat "$state/$d.pid")" 2>/dev/null || true
        fi
    done
    if [ -f "$state/munged.pid" ]; then
        $sudo kill "$(cat "$state/munged.pid")" 2>/dev/null || true
    fi
    sleep 1
}

start() {
    stop
    $sudo rm -rf "$state"
    $sudo mkdir -p "$state/ctld" "$state/d" "$state/munge" "$state/log"
    # munge: a key of this run, its own socket folder, run as root.
    $sudo dd if=/dev/urandom of="$state/munge/munge.key" bs=1024 count=1 status=none
    $sudo chmod 700 "$state/munge"
    $sudo chmod 400 "$state/munge/munge.key"
    $sudo mkdir -p /run/munge
    $sudo munged --force --key-file="$state/munge/munge.key" \
        --socket=/run/munge/munge.socket.2 --pid-file="$state/munged.pid" \
        --log-file="$state/log/munged.log" --seed-file="$state/munge/seed"
    cpus=2
    real=$(nproc)
    [ "$real" -lt "$cpus" ] && cpus=$real
    mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 / 2 }' /proc/meminfo)
    $sudo tee "$state/slurm.conf" >/dev/null <<CONF
ClusterName=migsim-ci
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/d
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
MinJobAge=600
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    $sudo mkdir -p /etc/slurm
    $sudo ln -sf "$state/slurm.conf" /etc/slurm/slurm.conf
    $sudo slurmctld -f "$state/slurm.conf"
    $sudo slurmd -f "$state/slurm.conf"
    for _ in $(seq 60); do
        if sinfo -h -N -o '%T' 2>/dev/null | grep -qx idle; then
            sinfo
            return 0
        fi
        sleep 1
    done
    echo "slurm did not come up; logs:" >&2
    $sudo tail -n 50 "$state"/log/*.log >&2 || true
    return 1
}

case "${1:-all}" in
    start) install; start ;;
    stop) stop ;;
    all)
        install
        start
        trap stop EXIT
        MIGSIM_SLURM_REAL=1 MIGSIM_REQUIRE_SHELLCHECK=1 \
            cargo test --release --test slurm_real --test shard_slurm -- --test-threads=1
        ;;
    *) echo "usage: $0 [start|stop|all]" >&2; exit 2 ;;
esac
