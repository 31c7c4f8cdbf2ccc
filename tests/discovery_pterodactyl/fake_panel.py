#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A stand-in for a Pterodactyl/Pelican panel's Application API, on loopback only.

The real panel (PHP, a database, Wings) cannot be installed here. This serves the parts
discovery-pterodactyl uses, shaped as the panel's transformers and paginator write them:

  GET /api/application/servers?include=allocations&per_page=N&page=P[&filter[uuid]=U]
  GET /api/application/nodes[?filter[uuid]=U][&per_page=N&page=P]

with Bearer-key checks (401), X-RateLimit-Limit/Remaining on every answer, errors as
{"errors":[{"code","status","detail"}]}, meta.pagination with links.next that drops include and
per_page (as Laravel's does) and links [] on a single page. Servers sit on two nodes.

Tests steer it through /_fake/* (never used by the plugin):
  POST /_fake/mode     {"mode": M, "count": N, "delay": S}   next N list answers (default all)
       modes: ok, unauthorized, forbidden, rate_limited, server_error, malformed, truncated,
              slow, huge, wrong_shape, no_allocations, fail_page_2
  POST /_fake/servers  {"count": N, "per_node": [...]}       replace the data set
  GET  /_fake/stats                                          requests seen, with query and headers

Prints "listening PORT" on stdout once it accepts connections.
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

DEFAULT_RATE_LIMIT = 240  # the panel's default per admin user and minute
NODE_UUIDS = {
    1: "9f1b6c1e-1d2f-4c3b-8a9e-000000000001",
    2: "9f1b6c1e-1d2f-4c3b-8a9e-000000000002",
}
# Node 1 is this host (localhost resolves here); node 2's fqdn is a documentation address that
# is never local and needs no DNS.
NODE_FQDNS = {1: "localhost", 2: "198.51.100.7"}


def server_uuid(i):
    return "%08x-5e7a-4c1d-9b2e-%012x" % (0x5e000000 + i, i)


def make_server(i, node):
    """One server as ServerTransformer writes it, allocations included."""
    uuid = server_uuid(i)
    base_port = 20000 + 3 * i
    allocations = [
        {"object": "allocation",
         "attributes": {"id": 10 * i + k, "ip": ip, "alias": None, "port": base_port + k,
                        "notes": None, "assigned": True}}
        # The primary port on two addresses (one port to the kernel), and a second port.
        for k, ip in ((0, "0.0.0.0"), (0, "::"), (1, "0.0.0.0"))
    ]
    return {
        "object": "server",
        "attributes": {
            "id": i, "external_id": ("ext-%d" % i) if i % 4 else None, "uuid": uuid,
            "identifier": uuid[:8], "name": "game %d" % i, "description": "",
            "status": None, "suspended": False,
            "limits": {"memory": 2048, "swap": 0, "disk": 10240, "io": 500, "cpu": 200,
                       "threads": None, "oom_disabled": True},
            "feature_limits": {"databases": 0, "allocations": 2, "backups": 0},
            "user": 1, "node": node, "allocation": 10 * i, "nest": 1 + i % 2, "egg": 1 + i % 5,
            "container": {"startup_command": "./start", "image": "ghcr.io/pterodactyl/yolks:debian",
                          "installed": 1, "environment": {"SERVER_PORT": str(base_port)}},
            "updated_at": "2026-12-01T00:00:00+00:00", "created_at": "2026-12-01T00:00:00+00:00",
            "relationships": {"allocations": {"object": "list", "data": allocations}},
        },
    }


def make_servers(count, per_node):
    """`count` servers; server i sits on per_node[i % len(per_node)]."""
    return [make_server(i, per_node[i % len(per_node)]) for i in range(1, count + 1)]


def make_node(node_id):
    return {"object": "node", "attributes": {
        "id": node_id, "uuid": NODE_UUIDS[node_id], "public": True, "name": "node-%d" % node_id,
        "description": None, "location_id": 1, "fqdn": NODE_FQDNS[node_id], "scheme": "https",
        "behind_proxy": False, "maintenance_mode": False, "memory": 65536,
        "memory_overallocate": 0, "disk": 1048576, "disk_overallocate": 0,
        "upload_size": 100, "daemon_listen": 8080, "daemon_sftp": 2022,
        "daemon_base": "/var/lib/pterodactyl/volumes",
        "created_at": "2026-01-01T00:00:00+00:00", "updated_at": "2026-01-01T00:00:00+00:00"}}


def error_body(status, code, detail):
    return json.dumps({"errors": [{"code": code, "status": str(status), "detail": detail}]})


class Panel:
    def __init__(self, key, count, per_node, rate_limit, rate_remaining):
        self.key = key
        self.rate_limit = rate_limit
        self.rate_remaining = rate_remaining  # None: counted down in a 60 s window
        self.lock = threading.Lock()
        self.servers = make_servers(count, per_node)
        self.mode = "ok"
        self.mode_count = None  # None: every answer
        self.delay = 0.0
        self.requests = []
        self.window_start = time.monotonic()
        self.window_used = 0

    def take_mode(self):
        """The mode for this list answer, counting it down."""
        with self.lock:
            if self.mode == "ok":
                return "ok"
            mode = self.mode
            if self.mode_count is not None:
                self.mode_count -= 1
                if self.mode_count <= 0:
                    self.mode, self.mode_count = "ok", None
            return mode

    def rate_headers(self):
        with self.lock:
            now = time.monotonic()
            if now - self.window_start >= 60:
                self.window_start, self.window_used = now, 0
            self.window_used += 1
            remaining = self.rate_remaining
            if remaining is None:
                remaining = max(self.rate_limit - self.window_used, 0)
            return {"X-RateLimit-Limit": str(self.rate_limit),
                    "X-RateLimit-Remaining": str(remaining)}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"

    def log_message(self, *args):
        pass

    @property
    def panel(self):
        return self.server.panel

    def send(self, status, body, headers=None, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        path = urlsplit(self.path).path
        p = self.panel
        with p.lock:
            if path == "/_fake/mode":
                p.mode = body.get("mode", "ok")
                p.mode_count = body.get("count")
                p.delay = float(body.get("delay", 0))
            elif path == "/_fake/servers":
                p.servers = make_servers(body["count"], body.get("per_node", [1, 1, 2]))
            else:
                self.send(404, error_body(404, "NotFoundHttpException", "not found"))
                return
        self.send(200, "{}")

    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        p = self.panel
        if url.path == "/_fake/stats":
            with p.lock:
                self.send(200, json.dumps({"requests": p.requests}))
            return
        with p.lock:
            p.requests.append({"path": url.path, "query": {k: v[0] for k, v in query.items()},
                               "accept": self.headers.get("Accept"),
                               "authorization": self.headers.get("Authorization"),
                               "time": time.monotonic()})
        rate = p.rate_headers()
        if self.headers.get("Authorization") != "Bearer " + p.key:
            self.send(401, error_body(401, "AuthenticationException", "Unauthenticated."), rate)
            return
        if url.path == "/api/application/servers":
            self.list_servers(query, rate)
        elif url.path == "/api/application/nodes":
            self.list_nodes(query, rate)
        else:
            self.send(404, error_body(404, "NotFoundHttpException",
                                      "The requested resource could not be located."), rate)

    def paginate(self, items, query, path):
        per_page = int(query.get("per_page", ["50"])[0])
        if not 1 <= per_page <= 100:
            return None, error_body(400, "QueryValueOutOfRangeHttpException",
                                    "per_page must be between 1 and 100.")
        page = max(int(query.get("page", ["1"])[0]), 1)
        total_pages = max((len(items) + per_page - 1) // per_page, 1)
        chunk = items[(page - 1) * per_page: page * per_page]
        links = {}
        # Laravel's links carry only ?page=N: include, per_page and filters are gone.
        if page < total_pages:
            links["next"] = "http://%s%s?page=%d" % (self.headers.get("Host"), path, page + 1)
        if page > 1:
            links["previous"] = "http://%s%s?page=%d" % (self.headers.get("Host"), path, page - 1)
        return {
            "object": "list", "data": chunk,
            "meta": {"pagination": {"total": len(items), "count": len(chunk),
                                    "per_page": per_page, "current_page": page,
                                    "total_pages": total_pages,
                                    "links": links if links else []}},
        }, None

    def list_servers(self, query, rate):
        p = self.panel
        with p.lock:
            servers = list(p.servers)
            delay = p.delay
        mode = p.take_mode()
        page = int(query.get("page", ["1"])[0])
        if mode == "fail_page_2" and page != 2:
            mode = "ok"
        if mode == "unauthorized":
            return self.send(401, error_body(401, "AuthenticationException", "Unauthenticated."),
                             rate)
        if mode == "forbidden":
            return self.send(403, error_body(403, "AccessDeniedHttpException",
                                             "This action is unauthorized."), rate)
        if mode == "rate_limited":
            headers = dict(rate, **{"Retry-After": "1", "X-RateLimit-Remaining": "0",
                                    "X-RateLimit-Reset": str(int(time.time()) + 1)})
            return self.send(429, error_body(429, "TooManyRequestsHttpException",
                                             "Too Many Attempts."), headers)
        if mode in ("server_error", "fail_page_2"):
            return self.send(500, error_body(500, "HttpException",
                                             "An unexpected error was encountered while "
                                             "processing this request, please try again."), rate)
        if mode == "slow":
            time.sleep(delay)
        wanted = query.get("filter[uuid]")
        if wanted:
            servers = [s for s in servers if s["attributes"]["uuid"] == wanted[0]]
        if "allocations" not in query.get("include", [""])[0].split(","):
            # What following links.next would get: servers without their ports.
            servers = [dict(s, attributes=dict(s["attributes"], relationships={}))
                       for s in servers]
        if mode == "no_allocations":
            servers = [dict(s, attributes=dict(s["attributes"], relationships={
                "allocations": {"object": "null_resource", "attributes": None}}))
                for s in servers]
        body, error = self.paginate(servers, query, "/api/application/servers")
        if error:
            return self.send(400, error, rate)
        text = json.dumps(body)
        if mode == "malformed":
            return self.send(200, text.replace('"data": [', '"data": [,', 1), rate)
        if mode == "truncated":
            # Promise the whole body, send half, close: what a proxy dying mid-answer does.
            data = text.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in rate.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if mode == "huge":
            padding = " " * (32 << 20)
            return self.send(200, text[:-1] + "," + '"padding":"' + padding + '"}', rate)
        if mode == "wrong_shape":
            return self.send(200, json.dumps(dict(body, data={"oops": 1})), rate)
        self.send(200, text, rate)

    def list_nodes(self, query, rate):
        nodes = [make_node(1), make_node(2)]
        wanted = query.get("filter[uuid]")
        if wanted:
            nodes = [n for n in nodes if n["attributes"]["uuid"] == wanted[0]]
        body, error = self.paginate(nodes, dict(query, per_page=query.get("per_page", ["50"])),
                                    "/api/application/nodes")
        if error:
            return self.send(400, error, rate)
        self.send(200, json.dumps(body), rate)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that hung up (the plugin's size cap, timeout or stop) is part of the tests.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default="ptla_" + "k" * 43)
    parser.add_argument("--servers", type=int, default=250)
    parser.add_argument("--nodes", default="1,1,2", help="node of server i: list[i %% len]")
    parser.add_argument("--rate-limit", type=int, default=DEFAULT_RATE_LIMIT,
                        help="X-RateLimit-Limit (requests a minute; only reported, not enforced)")
    parser.add_argument("--rate-remaining", type=int, default=None,
                        help="always report this X-RateLimit-Remaining (another host used the rest)")
    args = parser.parse_args()
    server = QuietServer(("127.0.0.1", args.port), Handler)
    server.panel = Panel(args.key, args.servers, [int(n) for n in args.nodes.split(",")],
                         args.rate_limit, args.rate_remaining)
    print("listening %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
