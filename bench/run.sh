#!/bin/sh
# make bench: simulation speed and memory on long traces.
# Generates GS-vertical-SpMV-like traces of 1 M and 4 M instructions (awk),
# runs gssim on each and reports simulated instructions per host second and
# peak resident memory (both recorded by gssim as host.* statistics). Memory
# must not grow with trace length: the script fails if the 4 M run's peak
# RSS exceeds the 1 M run's by more than 2 MiB.
set -eu
gssim=${1:-build/gssim}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

gen() {	# gen N FILE: N instructions, a GS bucket loop with rotating registers
	awk -v n="$1" 'BEGIN {
		print "gstrace 1"
		for (i = 0; i * 4 < n; i++) {
			r = (i % 6) * 4
			printf "mload v%d, 0x%x\n", r, 268435456 + i * 32
			printf "mload v%d, 0x%x\n", r + 1, 268435456 + i * 32 + 16
			printf "gather v%d, 0x0, [%d %d %d %d %d %d %d %d], v%d\n", r + 2,
				(i*8)%512, (i*8+9)%512, (i*8+18)%512, (i*8+27)%512,
				(i*8+36)%512, (i*8+45)%512, (i*8+54)%512, (i*8+63)%512, r + 1
			printf "fma v%d, v%d, v%d\n", 24 + i % 4, r, r + 2
		}
	}' > "$2"
}

db="$dir/bench.db"
for n in 1000000 4000000; do
	gen "$n" "$dir/t$n.gst"
	"$gssim" run --config configs/default.yaml --trace "$dir/t$n.gst" --db "$db" \
		--param bench_insns="$n" --quiet
done
sqlite3 -header -column "$db" "
SELECT p.value AS trace_insns,
       max(CASE WHEN s.name = 'cycles' THEN s.value END) AS cycles,
       round(max(CASE WHEN s.name = 'host.seconds' THEN s.value END), 3) AS host_s,
       round(max(CASE WHEN s.name = 'host.insns_per_second' THEN s.value END) / 1e6, 2) AS M_insns_per_s,
       max(CASE WHEN s.name = 'host.peak_rss_kib' THEN s.value END) AS peak_rss_kib
FROM runs r JOIN run_params p ON p.run_id = r.id AND p.key = 'bench_insns'
JOIN stats s ON s.run_id = r.id GROUP BY r.id ORDER BY r.id;"
grow=$(sqlite3 "$db" "SELECT (SELECT value FROM stats WHERE run_id = 2 AND name = 'host.peak_rss_kib')
                           - (SELECT value FROM stats WHERE run_id = 1 AND name = 'host.peak_rss_kib')")
echo "peak RSS growth from 1 M to 4 M instructions: ${grow} KiB"
awk -v g="$grow" 'BEGIN { exit !(g <= 2048) }' || { echo "bench: memory grows with trace length" >&2; exit 1; }
