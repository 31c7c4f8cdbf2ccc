// SPDX-License-Identifier: (BSD-2-Clause OR GPL-2.0-only)
/* The floor for flowlens-bench: a TC program that does nothing, run on the same frames as
 * flowlens.bpf.c so per-packet costs read as a ratio to the cost of running any program. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tc")
int flowlens_empty(struct __sk_buff* skb) {
  return TC_ACT_UNSPEC;
}
