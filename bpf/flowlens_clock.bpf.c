// SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0-only)
/*
 * The clock probe: reads jiffies and CLOCK_MONOTONIC back to back so the loader can work out how
 * jiffies map onto monotonic nanoseconds (bpf/jiffies_clock.cpp) before loading flowlens.bpf.c.
 * Only ever run through BPF_PROG_TEST_RUN; never attached.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

__u64 flowlens_probe_jiffies;
__u64 flowlens_probe_mono_ns;
__u64 flowlens_probe_jiffies_after;

SEC("tc")
int flowlens_clock_probe(struct __sk_buff* skb) {
  /* Jiffies on both sides of the clock read: when they agree, jiffies had that value at the
   * monotonic time read, even if an interrupt held the program up in between. */
  flowlens_probe_jiffies = bpf_jiffies64();
  flowlens_probe_mono_ns = bpf_ktime_get_ns();
  flowlens_probe_jiffies_after = bpf_jiffies64();
  return TC_ACT_UNSPEC;
}
