/*
** stats.h: every statistic a run produces, in one table (name, unit, doc)
** that drives the machine's counters, the results database and
** docs/stats.md. The cpi.* rows partition the cycles: they sum to `cycles`.
** Only host.* stats depend on the host; all others are deterministic.
*/
#ifndef gs_stats_h
#define gs_stats_h

#include <stdint.h>
#include <stdio.h>

/* X(enum, name, unit, doc) */
#define GS_STATS(X) \
	X(ST_CYCLES, "cycles", "cycles", "Simulated cycles from cycle 0 (first issue) until the last instruction completed.") \
	X(ST_TIME_US, "time_us", "us", "Simulated time: cycles / clock_ghz / 1000.") \
	X(ST_INSN_TOTAL, "insn.total", "instructions", "Instructions executed.") \
	X(ST_INSN_GATHER, "insn.gather", "instructions", "gather instructions.") \
	X(ST_INSN_SCATTER, "insn.scatter", "instructions", "scatter instructions.") \
	X(ST_INSN_SCATTER_ADD, "insn.scatter_add", "instructions", "scatter.add instructions.") \
	X(ST_INSN_VLOAD, "insn.vload", "instructions", "Contiguous scratchpad vector loads.") \
	X(ST_INSN_VSTORE, "insn.vstore", "instructions", "Contiguous scratchpad vector stores.") \
	X(ST_INSN_MLOAD, "insn.mload", "instructions", "Streamed vector loads from main memory.") \
	X(ST_INSN_MSTORE, "insn.mstore", "instructions", "Streamed vector stores to main memory.") \
	X(ST_INSN_FMA, "insn.fma", "instructions", "Vector fused multiply-adds.") \
	X(ST_INSN_ADD, "insn.add", "instructions", "Vector adds.") \
	X(ST_INSN_MUL, "insn.mul", "instructions", "Vector multiplies.") \
	X(ST_INSN_REDUCE, "insn.reduce", "instructions", "Horizontal reductions.") \
	X(ST_INSN_BCAST, "insn.bcast", "instructions", "Scalar scratchpad reads broadcast to all lanes.") \
	X(ST_INSN_DMA_IN, "insn.dma_in", "instructions", "DMA transfers memory -> scratchpad.") \
	X(ST_INSN_DMA_OUT, "insn.dma_out", "instructions", "DMA transfers scratchpad -> memory.") \
	X(ST_INSN_DMA_WAIT, "insn.dma_wait", "instructions", "Waits on a DMA tag.") \
	X(ST_IPC, "ipc", "instructions/cycle", "insn.total / cycles.") \
	X(ST_GATHER_COUNT, "gse.gather.count", "gathers", "Gathers with at least one active lane.") \
	X(ST_GATHER_PASSES, "gse.gather.passes", "passes", "Sum over gathers of the bank-array passes the most-loaded bank needed: ceil(max distinct words per bank / ports_per_bank).") \
	X(ST_GATHER_CONFLICTS, "gse.gather.conflicts", "passes", "gse.gather.passes - gse.gather.count: passes lost to bank conflicts.") \
	X(ST_GATHER_LANES, "gse.gather.lanes_active", "lanes", "Sum over gathers of the active (unmasked) lanes.") \
	X(ST_SCATTER_COUNT, "gse.scatter.count", "scatters", "scatter and scatter.add instructions with at least one active lane.") \
	X(ST_SCATTER_PASSES, "gse.scatter.passes", "passes", "Sum over scatters of the bank-array passes needed (same rule as gathers, duplicate words per gse.scatter_same_address).") \
	X(ST_SCATTER_CONFLICTS, "gse.scatter.conflicts", "passes", "gse.scatter.passes - gse.scatter.count.") \
	X(ST_SCATTER_LANES, "gse.scatter.lanes_active", "lanes", "Sum over scatters of the active lanes.") \
	X(ST_CONTIG_COUNT, "spm.contig.count", "accesses", "vload, vstore and bcast accesses to the scratchpad.") \
	X(ST_CONTIG_PASSES, "spm.contig.passes", "passes", "Bank-array passes used by vload, vstore and bcast.") \
	X(ST_DMA_PASSES, "spm.dma.passes", "passes", "Bank-array passes used by DMA chunks reading or writing the scratchpad.") \
	X(ST_SPM_WORD_READS, "spm.word_reads", "bank words", "Bank-word reads served (all banks).") \
	X(ST_SPM_WORD_WRITES, "spm.word_writes", "bank words", "Bank-word writes served (all banks).") \
	X(ST_SPM_BUSY, "spm.busy_cycles", "cycles", "Cycles in which the bank array was serving a pass.") \
	X(ST_MEM_LOAD_BYTES, "mem.load_bytes", "bytes", "Bytes read from main memory by mload.") \
	X(ST_MEM_STORE_BYTES, "mem.store_bytes", "bytes", "Bytes written to main memory by mstore.") \
	X(ST_DMA_IN_BYTES, "dma.in_bytes", "bytes", "Bytes moved memory -> scratchpad by DMA.") \
	X(ST_DMA_OUT_BYTES, "dma.out_bytes", "bytes", "Bytes moved scratchpad -> memory by DMA.") \
	X(ST_MEM_BUSY, "mem.busy_cycles", "cycles", "Cycles' worth of memory-channel transfer time: total bytes moved / bandwidth_bytes_per_cycle.") \
	X(ST_MEM_UTIL, "mem.bandwidth_utilisation", "fraction", "mem.busy_cycles / cycles.") \
	X(ST_LANE_OPS, "lanes.ops", "instructions", "Vector ALU instructions (fma, add, mul).") \
	X(ST_LANE_SLOTS, "lanes.slots", "lane-ops", "lanes.ops * vector.lanes.") \
	X(ST_LANE_ACTIVE, "lanes.active", "lane-ops", "Lane-ops doing useful work: lanes active in the operands (fma/mul: in both multiplicands; add: in either source).") \
	X(ST_LANE_UTIL, "lanes.utilisation", "fraction", "lanes.active / lanes.slots (1 when lanes.ops = 0); below 1 means masked or padded lanes, e.g. load imbalance.") \
	X(ST_CPI_ISSUE, "cpi.issue", "cycles", "Cycles in which at least one instruction issued.") \
	X(ST_CPI_DEP_ALU, "cpi.dep_alu", "cycles", "Front-end stalled on a register written by a vector ALU op (fma/add/mul/reduce/bcast latency).") \
	X(ST_CPI_SPM_LATENCY, "cpi.spm_latency", "cycles", "Stalled on scratchpad data during its first pass and access latency.") \
	X(ST_CPI_BANK_CONFLICT, "cpi.bank_conflict", "cycles", "Stalled while the awaited scratchpad access was in its extra (conflict) passes.") \
	X(ST_CPI_GSE_QUEUE, "cpi.gse_queue", "cycles", "Stalled because the gather/scatter queue was full, or the awaited access waited behind others for the bank array.") \
	X(ST_CPI_MEM_BANDWIDTH, "cpi.mem_bandwidth", "cycles", "Stalled on a memory transfer waiting for or using the memory channel.") \
	X(ST_CPI_MEM_LATENCY, "cpi.mem_latency", "cycles", "Stalled on memory load latency after the transfer.") \
	X(ST_CPI_DMA_WAIT, "cpi.dma_wait", "cycles", "Stalled in dma.wait.") \
	X(ST_CPI_DRAIN, "cpi.drain", "cycles", "After the last issue, waiting for in-flight instructions to complete.") \
	X(ST_HOST_SECONDS, "host.seconds", "s", "Host wall-clock seconds of the whole run as timed by its caller (machine set-up, reading or generating the instructions, simulating); the same value as runs.host_seconds (not deterministic).") \
	X(ST_HOST_CPS, "host.cycles_per_second", "cycles/s", "Simulated cycles per host.seconds (not deterministic).") \
	X(ST_HOST_IPS, "host.insns_per_second", "instructions/s", "Simulated instructions per host.seconds (not deterministic).") \
	X(ST_HOST_RSS, "host.peak_rss_kib", "KiB", "Peak resident memory of the gssim process so far (getrusage; not deterministic).")

enum gs_stat {
#define GS_STAT_ENUM(e, n, u, d) e,
	GS_STATS(GS_STAT_ENUM)
#undef GS_STAT_ENUM
	ST__COUNT
};

struct gs_stats {
	double v[ST__COUNT];
	int banks;
	const uint64_t *bank_reads;	/* [banks], owned by the machine */
	const uint64_t *bank_writes;	/* [banks] */
};

const char *stat_name(int st);
const char *stat_unit(int st);
const char *stat_doc(int st);
int stat_is_host(int st);		/* 1 for host.* (non-deterministic) */
int stat_lookup(const char *name);	/* index or -1 */

/* Write docs/stats.md to f. */
void stats_write_docs(FILE *f);

#endif
