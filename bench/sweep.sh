#!/bin/sh
# make bench (part 2): a 1000-point sweep of the GNMT attention layer
# (decoder.att_rnn.attn.linear_k, 1024 x 1024, gs-v at 90 %) over machine
# keys pruning does not depend on (memory latency and bandwidth, GSE queue
# depth), so each worker prunes once. Reports the wall time, the rate, and
# where a point's time goes: simulation (host.seconds, recorded per run)
# and everything else per point (kernel generation, process and database
# work, pruning amortised), next to one standalone `gssim run` of a point
# (a process, a fresh database, pruning). Fails if the sweep takes 30 s or
# more, the figure the project promises on 2 cores.
set -eu
gssim=${1:-build/gssim}
jobs=${JOBS:-2}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
root=$(pwd)

cat > "$dir/bench.yaml" <<SPEC
sweep: bench-1000
base: $root/configs/default.yaml
grid:
  memory.load_latency: [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
  memory.bandwidth_bytes_per_cycle: [8, 16, 24, 32, 40, 48, 56, 64, 96, 128]
  gse.queue_depth: [1, 2, 3, 4, 5, 6, 7, 8, 12, 16]
workloads: [gnmt:decoder.att_rnn.attn.linear_k]
patterns: [gs-v]
sparsities: [0.9]
SPEC

now() { date +%s.%N; }
t0=$(now)
"$gssim" sweep run "$dir/bench.yaml" --db "$dir/sweep.db" --jobs "$jobs" --quiet
t1=$(now)
"$gssim" run --config configs/default.yaml --workload gnmt:decoder.att_rnn.attn.linear_k \
	--pattern gs-v --sparsity 0.9 --db "$dir/one.db" --quiet
t2=$(now)

sim=$(sqlite3 "$dir/sweep.db" "SELECT sum(value) FROM stats WHERE name = 'host.seconds'")
n=$(sqlite3 "$dir/sweep.db" "SELECT count(*) FROM runs WHERE status = 'complete'")
awk -v t0="$t0" -v t1="$t1" -v t2="$t2" -v sim="$sim" -v n="$n" -v j="$jobs" 'BEGIN {
	wall = t1 - t0
	printf "%-44s %10s\n", "sweep of the GNMT 1024x1024 layer", ""
	printf "%-44s %10d\n", "points complete", n
	printf "%-44s %10.2f\n", "wall seconds (" j " workers)", wall
	printf "%-44s %10.1f\n", "points per second", n / wall
	printf "%-44s %10.2f\n", "per point: simulation ms (host.seconds)", 1000 * sim / n
	printf "%-44s %10.2f\n", "per point: everything else ms", 1000 * (wall * j - sim) / n
	printf "%-44s %10.2f\n", "one standalone gssim run of a point, ms", 1000 * (t2 - t1)
	if (n != 1000 || wall >= 30) { print "bench: sweep too slow or incomplete" > "/dev/stderr"; exit 1 }
}'
