#!/usr/bin/env bash
# Samples, with `perf record`, one cold pass of the sync benchmark: the floor (every domain's
# XML through `virt` alone) or Virtumancer's full sync of the same generated node into a fresh
# database. Only what the benchmark times is sampled (benches/support/perf_window.rs tells
# perf when), on every thread: not the seconds spent opening the node. Prints the pass's time,
# the CPU each thread used and the hottest functions; the recording stays for `perf report`.
#   scripts/bench-profile.sh [ours|floor] [domains] [perf record options…]
#   scripts/bench-profile.sh ours 10000 --call-graph dwarf     # inclusive costs, slower
# Set BENCH_PROFILE_OUT to keep the recording elsewhere (default: bench-profile.data here).
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:-ours}
n=${2:-10000}
shift $(($# < 2 ? $# : 2))
case "$kind" in ours | floor) ;; *) echo "usage: $0 [ours|floor] [domains] [perf options…]" >&2; exit 2 ;; esac

# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
bench_tool perf linux-perf
bin=$(bench_binary)
out=${BENCH_PROFILE_OUT:-bench-profile.data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

node="$work/node-$n.xml"
bench_node "$n" "$node"
mkfifo "$work/ctl" "$work/ack"
mkdir "$work/db"
BENCH_CHILD=$kind BENCH_CHILD_URI="test://$node" BENCH_CHILD_N=$n BENCH_CHILD_DIR="$work/db" \
  BENCH_PERF_CTL="$work/ctl" BENCH_PERF_ACK="$work/ack" \
  perf record -q -D -1 --control="fifo:$work/ctl,$work/ack" -F 4000 -o "$out" "$@" -- "$bin" >"$work/took"
echo "$kind, $n domains: $(cat "$work/took") s (under perf)"
echo "CPU by thread:"
# perf's "pid" is the thread here: one line per thread, named as it names itself.
perf report -i "$out" --no-children --sort pid --stdio -g none 2>/dev/null | grep '%' | head -12 || true
echo "hottest functions:"
perf report -i "$out" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep '%' | head -25 || true
