#!/bin/bash
# Runs tools/slurm_shards.sh on a real Slurm cluster of one node on this machine and checks that the merged
# tables equal those of one unsplit run, byte for byte.
#
#   tools/slurm/check.sh                     # as root on Debian: installs slurm-wlm and munge when missing
#   METHODS=all tools/slurm/check.sh         # every method: 2.5 min of jobs on 2 cores instead of 12 s
#
# It installs slurm-wlm and munge from Debian's packages when they are missing (as root), builds bench in
# release (or takes BENCH), writes a private configuration in a temporary folder (a munge key and socket, a
# slurm.conf that SLURM_CONF points at, spool, state and logs; the machine's /etc/slurm and /etc/munge are
# neither used nor changed), starts
# munged, slurmctld and slurmd bound to 127.0.0.1, and submits:
#   - the unsplit reference run, as one job (so it runs beside the shards: the node has `nproc` CPUs),
#   - the example array, `SHARDS=3 DATASET=demo sbatch --array=0-2 tools/slurm_shards.sh`, one CPU a task,
#   - its merge, the dependent job that tools/slurm_shards.sh documents.
# Then it waits for them, compares the merged folder's tables with the reference's with cmp, prints a summary and
# exits 0 only when every table is identical. On exit, whatever happened, it cancels its jobs, stops the daemons
# it started (by their pids) and removes the temporary folder (KEEP=1 keeps it, with the runs and logs).
#
# Settings (environment):
#   METHODS=           the methods every run evaluates (bench --methods); default: the 15 built-in methods
#                      that take one forward and at most one backward of each kind, so the check stays short:
#                      all but integrated-gradients, smoothgrad, tam, bt-h and bt-c, which repeat the passes
#                      20 to 50 times and take 95 % of a full run's time
#   LIMIT=             the first N images of the demo's 50 only (bench --limit); empty: all 50
#   BENCH=             a bench binary to use; empty: `swift build -c release --product bench` in this checkout
#   PORT=16817         slurmctld's port (slurmd takes PORT+1); not Slurm's 6817, so that a machine's own Slurm
#                      is left alone
#   TIMEOUT=1800       seconds to wait for the jobs before giving up
#   KEEP=0             1 keeps the temporary folder
# Every run uses --threads 1 (one CPU a task; the same for all, since OpenBLAS may sum in another order with
# more threads) and --gallery none (the gallery and report.html are not compared: the page names the shards and
# timings, as manifest.json does; skipping them keeps the check short).
set -euo pipefail

cd "$(dirname "$0")/../.."
repo=$PWD
SHARDS=3
METHODS=${METHODS:-raw-attention,rollout,gradcam,lrp,partial-lrp,transformer-attribution,gae,agc,gxa,gxa-signed,saliency,input-x-gradient,random,center,uniform}
LIMIT=${LIMIT:-}
PORT=${PORT:-16817}
TIMEOUT=${TIMEOUT:-1800}
KEEP=${KEEP:-0}
TABLES="summary.csv per_class.csv per_image.csv curves.csv summary.md skipped.csv"
started=$(date +%s)

say() { echo "check: $*"; }
fail() {
    echo "check: FAIL: $*" >&2
    exit 1
}

# --- Packages -------------------------------------------------------------------------------------------------
install_seconds=0
missing=""
for tool in munged mungekey slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
    command -v "$tool" >/dev/null || missing="$missing $tool"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        fail "missing:$missing; install them with: sudo apt-get install -y slurm-wlm munge"
    fi
    say "installing slurm-wlm and munge (missing:$missing)"
    install_start=$(date +%s)
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # Without recommends: the plugins' development headers and the like are not needed to run jobs. On a host
    # with systemd the packages start their own munge service; that one uses /run/munge and is not ours.
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
    install_seconds=$(($(date +%s) - install_start))
fi

# --- bench ----------------------------------------------------------------------------------------------------
build_seconds=0
if [ -z "${BENCH:-}" ]; then
    # Always through swift build, so the binary is this checkout's (a second to check when it is up to date).
    say "building bench in release (swift build -c release --product bench)"
    build_start=$(date +%s)
    swift build -c release --product bench
    build_seconds=$(($(date +%s) - build_start))
    BENCH=$repo/.build/release/bench
fi
case $BENCH in /*) ;; *) BENCH=$repo/$BENCH ;; esac
[ -x "$BENCH" ] || fail "$BENCH is not an executable"

# --- The private cluster --------------------------------------------------------------------------------------
# Slurm's commands would otherwise talk to an enclosing job's or the machine's cluster.
for variable in "${!SLURM_@}"; do unset "$variable"; done
work=$(mktemp -d "${TMPDIR:-/tmp}/slurm-check.XXXXXX")
# munged requires every directory above its socket to be searchable by all; the key itself stays 0600.
chmod 755 "$work"
mkdir -p "$work/state" "$work/spool" "$work/log" "$work/runs"
export SLURM_CONF=$work/slurm.conf
pids=()        # the daemons this script started, stopped in reverse order
names=()
# A daemon that died stays a zombie until waited for, and kill -0 still reaches a zombie.
alive() {
    local state
    state=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}
jobs_submitted=0
result=1

# The live processes, other than this script, whose environment names this cluster's configuration.
leftovers() {
    local entry pid
    for entry in /proc/[0-9]*; do
        pid=${entry#/proc/}
        { [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ]; } && continue
        if tr '\0' '\n' 2>/dev/null <"$entry/environ" | grep -qxF "SLURM_CONF=$SLURM_CONF" && alive "$pid"; then
            echo "$pid"
        fi
    done
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ "$jobs_submitted" = 1 ]; then
        # Cancel what is still queued or running, then wait until the node has finished with every job, so no
        # job step outlives slurmd.
        scancel --user="$(id -un)" 2>/dev/null || true
        for _ in $(seq 1 30); do
            [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
            sleep 1
        done
    fi
    local index pid
    for ((index = ${#pids[@]} - 1; index >= 0; index--)); do
        pid=${pids[index]}
        kill -TERM "$pid" 2>/dev/null || continue
        for _ in $(seq 1 20); do
            alive "$pid" || break
            sleep 0.5
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    # Had slurmd died before its jobs ended, their slurmstepd and job processes would live on; they are this
    # cluster's when they carry its SLURM_CONF (slurmd hands its environment on to them).
    local stray
    stray=$(leftovers)
    if [ -n "$stray" ]; then
        echo "check: stopping what its jobs left running: pids $(echo "$stray" | tr '\n' ' ')" >&2
        # shellcheck disable=SC2086 # a list of pids
        kill -TERM $stray 2>/dev/null || true
        sleep 2
        stray=$(leftovers)
        # shellcheck disable=SC2086
        [ -z "$stray" ] || kill -KILL $stray 2>/dev/null || true
    fi
    if [ "$KEEP" = 1 ]; then
        echo "check: kept $work (runs, logs, slurm.conf)" >&2
    else
        rm -rf "$work"
    fi
    if [ "$result" != 0 ] && [ "$status" = 0 ]; then status=1; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The jobs' output, then the daemons' logs (a daemon writes to its .out only what comes before its log file).
show_logs() {
    local file daemon
    for file in "$work"/log/reference.out "$work"/log/shard-*.out "$work"/log/merge.out; do
        [ -f "$file" ] || continue
        echo "----- ${file#"$work"/} (last 40 lines)" >&2
        tail -n 40 "$file" >&2
    done
    for daemon in munged slurmctld slurmd; do
        file=$work/log/$daemon.log
        [ -s "$file" ] || file=$work/log/$daemon.out
        [ -f "$file" ] || continue
        echo "----- ${file#"$work"/} (last 20 lines)" >&2
        tail -n 20 "$file" >&2
    done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$PORT" $((PORT + 1)); do
    if port_in_use "$port"; then fail "port $port on 127.0.0.1 is in use (another cluster?); set PORT"; fi
done

mungekey --create --keyfile="$work/munge.key"
munged --foreground --socket="$work/munge.socket" --key-file="$work/munge.key" \
    --pid-file="$work/munged.pid" --seed-file="$work/munged.seed" --log-file="$work/log/munged.log" \
    >"$work/log/munged.out" 2>&1 &
pids+=($!) names+=(munged)
for _ in $(seq 1 50); do
    [ -S "$work/munge.socket" ] && break
    sleep 0.1
done
[ -S "$work/munge.socket" ] || {
    show_logs
    fail "munged did not create its socket"
}

cpus=$(nproc)
# A little under the machine's memory: slurmd drains a node that has less than its configured RealMemory.
memory=$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
cat >"$SLURM_CONF" <<EOF
# Written by tools/slurm/check.sh for one check; removed when it ends.
ClusterName=benchcheck
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
# Every daemon binds 127.0.0.1 (the address its name resolves to), not every interface.
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge.socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
# No cgroups: containers rarely delegate them, and the check needs no enforcement.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
# No slurmdbd: job states are read from slurmctld (scontrol) while it keeps them.
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# A merge whose shards failed is cancelled instead of waiting forever on its dependency.
DependencyParameters=kill_invalid_depend
# Job records stay queryable for an hour after they end.
MinJobAge=3600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=check Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

# In the foreground (-D) so that $! is the daemon itself; -c starts from an empty state.
slurmctld -D -c >"$work/log/slurmctld.out" 2>&1 &
pids+=($!) names+=(slurmctld)
slurmd -D -N localhost >"$work/log/slurmd.out" 2>&1 &
pids+=($!) names+=(slurmd)
for _ in $(seq 1 60); do
    [ "$(sinfo -h -n localhost -o %T 2>/dev/null)" = idle ] && break
    sleep 1
done
if [ "$(sinfo -h -n localhost -o %T 2>/dev/null)" != idle ]; then
    show_logs
    fail "the node is not idle after 60 s (sinfo: $(sinfo -h -n localhost -o '%T %E' 2>&1))"
fi
say "slurm $(sinfo -V | cut -d' ' -f2) up: node localhost, $cpus CPUs, 127.0.0.1:$PORT, config $SLURM_CONF"

# --- The jobs -------------------------------------------------------------------------------------------------
run_options=(--methods "$METHODS" --threads 1 --gallery none)
if [ -n "$LIMIT" ]; then run_options+=(--limit "$LIMIT"); fi
# The demo writes .cache/synthetic on first use; write it now, so that four jobs do not write it at once.
"$BENCH" --methods uniform --limit 1 --gallery none --quiet --out "$work/runs/cache" >/dev/null

cluster_start=$(date +%s)
common=(--parsable --chdir="$repo" --cpus-per-task=1 --mem=1G --time=1:00:00)
# The reference as a job script of its own (sbatch --wrap would hand the command to sh, which bash's %q quoting
# does not suit), timed by bash for the cost on one core: user + system seconds, which the jobs beside it inflate
# less than the wall time.
{
    echo '#!/bin/bash'
    echo "TIMEFORMAT='cpu seconds: %U user, %S system, %R wall'"
    printf '%q ' time "$BENCH" "${run_options[@]}" --out "$work/runs/reference"
    echo
} >"$work/reference.sh"
reference=$(sbatch "${common[@]}" --job-name=reference --output="$work/log/reference.out" "$work/reference.sh")
jobs_submitted=1
export SHARDS DATASET=demo METHODS LIMIT THREADS=1 GALLERY=none BENCH OUT=$work/runs/merged
array=$(sbatch "${common[@]}" --array=0-$((SHARDS - 1)) --output="$work/log/shard-%a.out" tools/slurm_shards.sh)
merge=$(sbatch "${common[@]}" --dependency=afterok:"$array" --export=ALL,MERGE=1 --array=0 \
    --job-name=vit-bench-merge --output="$work/log/merge.out" tools/slurm_shards.sh)
say "submitted: reference job $reference, array $array (tasks 0-$((SHARDS - 1))), merge $merge (afterok:$array)"

deadline=$(($(date +%s) + TIMEOUT))
while [ -n "$(squeue -h -j "$reference,$array,$merge" -o %i 2>/dev/null)" ]; do
    for index in "${!pids[@]}"; do
        alive "${pids[index]}" || {
            show_logs
            fail "${names[index]} stopped"
        }
    done
    # Should kill_invalid_depend not have cancelled it yet, a merge that can never start ends the wait.
    if [ "$(squeue -h -j "$merge" -o %r 2>/dev/null)" = DependencyNeverSatisfied ]; then break; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
        show_logs
        fail "the jobs did not finish in $TIMEOUT s"
    fi
    sleep 2
done
cluster_seconds=$(($(date +%s) - cluster_start))

# Every job (each array task is a record) must have completed with exit code 0.
# scontrol -o prints one line of Key=Value fields per job record.
states=$(for job in "$reference" "$array" "$merge"; do scontrol -o show job "$job"; done | awk '{
    delete field
    for (i = 1; i <= NF; i++) { split($i, pair, "="); field[pair[1]] = substr($i, length(pair[1]) + 2) }
    task = ("ArrayTaskId" in field) ? "_" field["ArrayTaskId"] : ""
    if (("ArrayJobId" in field)) id = field["ArrayJobId"] task; else id = field["JobId"]
    print id, field["JobName"], field["JobState"], field["ExitCode"] }')
echo "$states" | while read -r id name state code; do say "job $id ($name): $state, exit code $code"; done
if [ "$(echo "$states" | grep -c ' COMPLETED 0:0$')" != $((SHARDS + 2)) ]; then
    show_logs
    fail "not every job completed"
fi

# --- The comparison -------------------------------------------------------------------------------------------
different=0
for table in $TABLES; do
    left=$work/runs/merged/$table right=$work/runs/reference/$table
    if [ ! -f "$left" ] || [ ! -f "$right" ]; then
        say "$table: missing in $([ -f "$left" ] || echo "the merge ")$([ -f "$right" ] || echo "the reference")"
        different=1
    elif cmp -s "$left" "$right"; then
        say "$table: identical ($(wc -c <"$right") bytes)"
    else
        say "$table: DIFFERENT ($(cmp "$left" "$right" 2>&1 | head -n 1))"
        different=1
    fi
done

# The cost on one core: the reference ran every image with every method on one CPU (--threads 1).
manifest_number() { sed -n "s/.*\"$1\" : \([0-9.e+-]*\).*/\1/p" "$work/runs/reference/manifest.json" | head -n 1; }
images=$(manifest_number images_done)
wall=$(manifest_number wall_seconds)
method_count=$(grep -c '^    "' <(sed -n '/"methods" : \[/,/\]/p' "$work/runs/reference/manifest.json"))
cpu=$(sed -n 's/^cpu seconds: \([0-9.]*\) user, \([0-9.]*\) system.*/\1 \2/p' "$work/log/reference.out")
awk -v images="$images" -v wall="$wall" -v methods="$method_count" -v cpu="$cpu" 'BEGIN {
    split(cpu, part, " "); seconds = part[1] + part[2]
    printf "check: cost on one core (the reference job, --threads 1, %d images x %d methods): " \
        "%.1f s of CPU (%.1f s wall), %.3f s an image, %.1f ms an image and method\n",
        images, methods, seconds, wall, seconds / images, 1000 * seconds / images / methods }'

total=$(($(date +%s) - started))
say "$SHARDS shard tasks + their merge vs one unsplit run: $images images of the demo's val split," \
    "$method_count methods, ${LIMIT:+--limit $LIMIT, }--threads 1 --gallery none"
say "methods: $METHODS"
say "wall: ${total} s in all (install ${install_seconds} s, build ${build_seconds} s, jobs ${cluster_seconds} s)"
if [ "$different" = 0 ]; then
    result=0
    say "pass: the merged tables equal the unsplit run's byte for byte"
else
    fail "the merged tables differ from the unsplit run's"
fi
