# SPDX-License-Identifier: BSD-2-Clause
"""The PromQL of deploy/: the dashboard's queries with Grafana's variables filled in as Grafana
would, for each choice of host label, and the Prometheus configurations shown in the README."""
import json
import re

# What Grafana puts in place of its variables when it sends a query: the host label picked, every
# host (the "All" value), every server, and a rate window.
ALL = ".*"
RATE_INTERVAL = "1m"


def load_dashboard(path):
    with open(path) as f:
        return json.load(f)


def variable(dashboard, name):
    for v in dashboard.get("templating", {}).get("list", []):
        if v.get("name") == name:
            return v
    return None


def host_labels(dashboard):
    """The host label choices the dashboard offers (its custom variable host_label)."""
    v = variable(dashboard, "host_label")
    return [o.strip() for o in v["query"].split(",")] if v else []


def fill(expr, host_label, host=ALL, server=ALL):
    """expr with Grafana's variables replaced; an unknown variable is left for promtool to reject."""
    values = {"host_label": host_label, "host": host, "server": server, "__rate_interval": RATE_INTERVAL}
    return re.sub(r"\$\{?(\w+)\}?", lambda m: values.get(m.group(1), m.group(0)), expr)


def panels(dashboard):
    """Every panel, rows' nested panels included."""
    for p in dashboard.get("panels", []):
        yield p
        yield from p.get("panels", [])


def expressions(dashboard):
    """(where, expr) for every query in the dashboard: panel targets and the variables' queries
    (label_values(SELECTOR, label) queries Prometheus for SELECTOR's series)."""
    out = []
    for p in panels(dashboard):
        for t in p.get("targets", []):
            out.append((f"panel {p.get('id')} '{p.get('title')}' query {t.get('refId')}", t.get("expr", "")))
    for v in dashboard.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v["query"]["query"] if isinstance(v.get("query"), dict) else v.get("query", "")
        m = re.fullmatch(r"\s*label_values\((.*),\s*([\w$]+)\)\s*", q)
        out.append((f"variable '{v.get('name')}'", m.group(1) if m else q))
    return out


def rules_file(named_exprs):
    """A rules file with one recording rule per expression, in a group named after where it is
    from, so that promtool's error names the panel."""
    lines = ["groups:"]
    for i, (where, expr) in enumerate(named_exprs):
        lines += [f"  - name: {json.dumps(where)}", "    rules:",
                  f"      - record: dashboard:query_{i}", f"        expr: {json.dumps(expr)}"]
    return "\n".join(lines) + "\n"


def readme_configs(readme_path):
    """The README's ```yaml blocks that are Prometheus configurations: (first line, text)."""
    with open(readme_path) as f:
        text = f.read()
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    return [(b.splitlines()[0], b) for b in blocks if "scrape_configs:" in b]
