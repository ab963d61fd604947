#!/usr/bin/env bash
# Counts, with callgrind, the instructions of the sync benchmark's cold passes: the floor
# (every domain's XML through `virt` alone) and Virtumancer's full sync of the same generated
# node into a fresh database. Only what the benchmark times is counted (benches/support/
# callgrind.rs marks it), on every thread. Unlike wall-clock time on a shared 2-CPU machine the
# counts repeat run after run, so they show changes of a per cent or less. They are not the
# ratio the issue targets: that one is time, with two CPUs sharing the work.
#   scripts/bench-instructions.sh            # 1,000 domains (BENCH_SIZES=500,2000 to change)
# Under valgrind everything runs slower, opening the node too: a 10,000-domain node outlasts
# the libvirt plugin's 30 s deadline for opening a connection, so the default is one size.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
bench_tool valgrind valgrind
bin=$(bench_binary)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Instructions of one cold pass of `kind` (floor or ours) on `node` with `n` domains.
count() {
  local kind=$1 node=$2 n=$3 dir="$work/$1"
  rm -rf "$dir" && mkdir -p "$dir"
  # Under valgrind a pass is about 50 times slower: without a long write-through budget it
  # would fall back to buffering and count the database work twice.
  BENCH_CHILD=$kind BENCH_CHILD_URI="test://$node" BENCH_CHILD_N=$n BENCH_CHILD_DIR="$dir" \
    BENCH_WRITE_THROUGH_SECS=36000 \
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/$kind.out" \
    "$bin" >/dev/null 2>"$work/$kind.log" || { cat "$work/$kind.log" >&2; exit 1; }
  sed -n 's/^totals: \([0-9]*\).*/\1/p' "$work/$kind.out"
}

echo "instructions of one cold pass (callgrind; generated nodes, seed 1)"
printf '%8s | %14s %14s %6s\n' domains floor sync ratio
IFS=, read -ra sizes <<<"${BENCH_SIZES:-1000}"
for n in "${sizes[@]}"; do
  node="$work/node-$n.xml"
  bench_node "$n" "$node"
  floor=$(count floor "$node" "$n")
  ours=$(count ours "$node" "$n")
  awk -v n="$n" -v f="$floor" -v o="$ours" \
    'BEGIN { printf "%8d | %14d %14d %5.2fx\n", n, f, o, o / f }'
done
