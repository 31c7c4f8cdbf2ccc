#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks the accuracy suite itself, so a wrong score or a broken capture cannot pass for an
accurate estimator: the scores of hand-made estimates, and what generated captures hold."""
import json
import os
import struct
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "suite"))
from generate import generate  # noqa: E402
from packets import HOST_MAC, checksum, outbound, read_pcap, write_filtered  # noqa: E402
from scenarios import params  # noqa: E402
from score import misses, score  # noqa: E402

T0 = 1_000_000


def write_lines(path, rows):
    with open(path, "w") as f:
        f.write("".join(json.dumps(r) + "\n" for r in rows))


class ScoreTest(unittest.TestCase):
    """A server with 2 players; a third joins at +100 s and leaves at +200 s."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.truth = [2 + (100 <= i < 200) for i in range(300)]
        write_lines(self.path("truth.jsonl"), [{"t": T0 + i, "truth": {"s": n}} for i, n in enumerate(self.truth)])

    def tearDown(self):
        self.dir.cleanup()

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def scored(self, counts, clean=None):
        write_lines(self.path("est.jsonl"), [{"t": T0 + i, "servers": [{"server_id": "s", "active_players": n}]}
                                             for i, n in enumerate(counts)])
        if clean is not None:
            write_lines(self.path("clean.jsonl"), [{"t": T0 + i, "servers": [{"server_id": "s", "active_players": n}]}
                                                   for i, n in enumerate(clean)])
        return score(self.path("truth.jsonl"), self.path("est.jsonl"),
                     self.path("clean.jsonl") if clean is not None else None)["all"]

    def test_an_exact_estimate_scores_zero_and_meets_every_bound(self):
        m = self.scored(self.truth)
        self.assertEqual((m["mae"], m["bias"], m["join_p95"], m["leave_p95"]), (0, 0, 0, 0))
        self.assertEqual(misses(m), [])

    def test_a_late_estimate_shows_as_join_and_leave_latency(self):
        late = self.truth[:3] + self.truth[:-3]
        m = self.scored(late)
        self.assertEqual((m["join_p95"], m["leave_p95"]), (3, 3))
        self.assertAlmostEqual(m["mae"], 6 / 240)

    def test_a_leave_never_followed_counts_the_cap(self):
        m = self.scored([2 + (i >= 100) for i in range(300)])
        self.assertEqual(m["leave_p95"], 120)
        self.assertIn("leave p95 120 s > 30 s", misses(m))

    def test_unknown_and_missing_ticks_are_zero_players(self):
        write_lines(self.path("est.jsonl"), [{"t": T0 + i, "servers": [{"server_id": "s", "active_players": None}]}
                                             for i in range(150)])
        m = score(self.path("truth.jsonl"), self.path("est.jsonl"))["all"]
        self.assertAlmostEqual(m["bias"], -sum(self.truth[60:]) / 240)

    def test_only_over_count_beyond_the_capture_without_bystanders_is_blamed_on_them(self):
        over = [n + 1 for n in self.truth]
        self.assertEqual(self.scored(over, clean=over)["poller_ps"], 0)       # the estimator's own
        self.assertEqual(self.scored(over, clean=self.truth)["poller_ps"], 240)  # the bystanders'
        self.assertIn("poller p-s 240 > 0", misses(self.scored(over, clean=self.truth)))


class CaptureTest(unittest.TestCase):
    """A short server_stops capture: frames, truth and the host's refusals."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.meta = generate("server_stops", 3, params("server_stops", {"duration": 200}), cls.dir.name)
        cls.frames = list(read_pcap(os.path.join(cls.dir.name, "capture.pcap")))

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_the_same_seed_makes_the_same_capture(self):
        with tempfile.TemporaryDirectory() as again:
            generate("server_stops", 3, params("server_stops", {"duration": 200}), again)
            for name in ("capture.pcap", "truth.jsonl", "bystanders.bin"):
                with open(os.path.join(again, name), "rb") as a, open(os.path.join(self.dir.name, name), "rb") as b:
                    self.assertEqual(a.read(), b.read(), name)

    def test_frames_are_time_ordered_with_valid_ipv4_checksums(self):
        times = [t for t, _ in self.frames]
        self.assertEqual(times, sorted(times))
        for _, fr in self.frames:
            if fr[12:14] == b"\x08\x00":
                self.assertEqual(checksum(fr[14:34]), 0)

    def test_a_crashed_server_answers_with_icmp_port_unreachable_or_reset_from_its_port(self):
        refused, resets, stop = set(), [], self.frames[0][0] + 170
        for ts, fr in self.frames:
            if not outbound(fr) or fr[12:14] != b"\x08\x00":
                continue
            if fr[23] == 1 and fr[34:36] == b"\x03\x03":
                refused.add(struct.unpack("!H", fr[34 + 8 + 22:34 + 8 + 24])[0])   # quoted UDP dport
            if fr[23] == 6 and fr[34 + 13] & 0x04 and fr[34:36] == b"\x63\xdd" and stop <= ts < stop + 5:
                resets.append(fr[30:34])   # from 25565 to the client
        self.assertIn(27015, refused)   # cs crashes at 140 s
        self.assertGreaterEqual(len(set(resets)), 2)   # mc crashes at 170 s: its players meet resets

    def test_truth_drops_to_zero_when_a_server_stops(self):
        with open(os.path.join(self.dir.name, "truth.jsonl")) as f:
            rows = [json.loads(line) for line in f]
        start = rows[0]["t"]
        for sid, stop in (("q3", 120), ("cs", 140)):
            self.assertGreater(min(r["truth"][sid] for r in rows if r["t"] < start + stop - 1), 0, sid)
            self.assertEqual({r["truth"][sid] for r in rows if r["t"] >= start + stop + 1}, {0}, sid)

    def test_bystander_marks_cover_every_frame_and_filter_them_out(self):
        marks = os.path.join(self.dir.name, "bystanders.bin")
        self.assertEqual(os.path.getsize(marks), len(self.frames))
        players = os.path.join(self.dir.name, "players.pcap")
        write_filtered(os.path.join(self.dir.name, "capture.pcap"), marks, players)
        with open(marks, "rb") as f:
            kept = f.read().count(0)
        self.assertEqual(len(list(read_pcap(players))), kept)
        self.assertGreater(len(self.frames), kept)   # crawlers were there

    def test_frames_come_from_the_host_or_the_router(self):
        self.assertTrue(all(fr[0:6] == HOST_MAC or fr[6:12] == HOST_MAC for _, fr in self.frames))


if __name__ == "__main__":
    unittest.main()
