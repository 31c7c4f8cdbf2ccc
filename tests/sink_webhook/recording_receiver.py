#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A real HTTP webhook receiver on loopback for the sink-webhook tests.

Records every request as one JSON line in --record FILE (path, headers, body, arrival time,
and whether an X-FlowLens-Signature verifies with Python's own hmac module against --hmac-key),
and answers by the first path segment:

  /ok/...          200
  /429-header/...  first request 429 with "Retry-After: 1", then 200
  /429-discord/... first request 429 with Discord's JSON body {"retry_after": 0.5}, then 200
  /500/...         first two requests 500, then 200
  /404/...         404 forever (a deleted Discord webhook)
  /slow/...        holds the request 60 s before answering (a hanging receiver)
  /discord-status/...  as Discord: POST ?wait=true answers the message with its id, PATCH 200

Writes the port it listens on to --port-file once it accepts connections.
"""
import argparse
import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--record", required=True)
parser.add_argument("--port-file", required=True)
parser.add_argument("--hmac-key", default="")
args = parser.parse_args()

lock = threading.Lock()
counts = {}


def signature_ok(headers, body):
    """The documented check: v1=hex(HMAC-SHA256(key, timestamp + "." + body))."""
    if not args.hmac_key or "X-FlowLens-Signature" not in headers:
        return None
    timestamp = headers.get("X-FlowLens-Timestamp", "")
    if abs(time.time() - int(timestamp or 0)) > 300:
        return False
    expected = "v1=" + hmac.new(args.hmac_key.encode(), timestamp.encode() + b"." + body,
                                hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-FlowLens-Signature"])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *unused):
        pass

    def handle_one(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length) if length else b""
        script = self.path.strip("/").split("/")[0]
        with lock:
            counts[self.path] = counts.get(self.path, 0) + 1
            n = counts[self.path]
            with open(args.record, "a") as out:
                out.write(json.dumps({
                    "path": self.path, "method": self.command, "n": n, "time": time.time(),
                    "headers": dict(self.headers.items()), "body": body.decode("utf-8", "replace"),
                    "signature_ok": signature_ok(self.headers, body)}) + "\n")
        status, headers, answer = 200, {}, b""
        if script == "429-header" and n == 1:
            status, headers = 429, {"Retry-After": "1"}
        elif script == "429-discord" and n == 1:
            status = 429
            answer = json.dumps({"message": "You are being rate limited.", "retry_after": 0.5,
                                 "global": False}).encode()
            headers = {"Content-Type": "application/json"}
        elif script == "500" and n <= 2:
            status = 500
        elif script == "404":
            status = 404
            answer = b'{"message": "Unknown Webhook", "code": 10015}'
        elif script == "slow":
            time.sleep(60)
        elif script == "discord-status":
            answer = json.dumps({"id": "424242", "type": 0}).encode()
            headers = {"Content-Type": "application/json"}
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_POST = handle_one
    do_PATCH = handle_one


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
tmp = args.port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, args.port_file)
server.serve_forever()
