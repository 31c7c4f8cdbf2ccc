#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""deploy/ as an operator would load it, checked by promtool (Debian's prometheus package):
every PromQL expression of the Grafana dashboard (variables filled in, for each host label) and of
the alerting rules parses (`promtool check rules`); the rules' unit tests pass (`promtool test
rules`); the README's Prometheus configurations load (`promtool check config`, --agent for the
agent's). The dashboard's check is shown to fail on a broken expression.

usage: deploy_check_test.py DEPLOY_DIR"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from promql import expressions, fill, host_labels, load_dashboard, panels, readme_configs, rules_file, variable  # noqa: E402


def promtool(*args, cwd=None):
    r = subprocess.run(["promtool", *args], capture_output=True, text=True, cwd=cwd)
    return r.returncode, (r.stdout + r.stderr).strip()


def check_dashboard(deploy, work, failures):
    dashboard = load_dashboard(os.path.join(deploy, "grafana", "flowlens.json"))
    labels = host_labels(dashboard)
    if labels != ["instance", "node"]:
        failures.append(f"the dashboard's host_label variable offers {labels}, expected instance and node")
    host = variable(dashboard, "host")
    if not host or "$host_label" not in host.get("definition", ""):
        failures.append("the dashboard has no host variable listing the values of the chosen host label")
    titles = [p.get("title", "") for p in panels(dashboard)]
    for wanted in ("Fleet players", "Players per server", "Players per host (node total) and fleet total",
                   "Unknown servers", "Bytes per server", "Flows vs map capacity", "Tick duration",
                   "Sink drops"):
        if wanted not in titles:
            failures.append(f"the dashboard has no panel '{wanted}': {titles}")
    exprs = expressions(dashboard)
    for where, expr in exprs:
        if "$host_label=~\"$host\"" not in expr and where.startswith("panel"):
            failures.append(f"{where} does not filter on the host variable: {expr}")
    for label in labels:
        filled = [(f"{where} (host label {label})", fill(e, label)) for where, e in exprs]
        path = os.path.join(work, f"dashboard-{label}.rules.yml")
        with open(path, "w") as f:
            f.write(rules_file(filled))
        rc, out = promtool("check", "rules", path)
        print(f"dashboard, host label {label}: {len(filled)} expressions: {out.splitlines()[-1]}")
        if rc != 0:
            failures.append(f"promtool check rules on the dashboard's expressions (host label {label}):\n{out}")
    # The check itself can fail: one broken expression is rejected, and named.
    broken = [(w, fill(e, "instance")) for w, e in exprs]
    broken[0] = (broken[0][0], broken[0][1] + " +")
    path = os.path.join(work, "broken.rules.yml")
    with open(path, "w") as f:
        f.write(rules_file(broken))
    rc, out = promtool("check", "rules", path)
    if rc == 0 or broken[0][0].split("'")[1] not in out:
        failures.append(f"promtool accepted, or did not name, a broken dashboard expression: {out}")


def check_rules(deploy, work, failures):
    rules = os.path.join(deploy, "prometheus")
    rc, out = promtool("check", "rules", "flowlens.rules.yml", cwd=rules)
    print(out)
    if rc != 0:
        failures.append(f"promtool check rules deploy/prometheus/flowlens.rules.yml:\n{out}")
    rc, out = promtool("test", "rules", "flowlens.rules.test.yml", cwd=rules)
    print(out)
    if rc != 0:
        failures.append(f"promtool test rules deploy/prometheus/flowlens.rules.test.yml:\n{out}")


def check_readme(deploy, work, failures):
    configs = readme_configs(os.path.join(deploy, "README.md"))
    if not any("agent" in first for first, _ in configs) or not any("agent" not in first for first, _ in configs):
        failures.append(f"the README shows no central and agent Prometheus configurations: {[c[0] for c in configs]}")
    for i, (first, text) in enumerate(configs):
        path = os.path.join(work, f"readme-{i}.yml")
        with open(path, "w") as f:
            f.write(text)
        shutil.copy(os.path.join(deploy, "prometheus", "flowlens.rules.yml"), work)
        args = ["check", "config"] + (["--agent"] if "agent" in first else []) + [path]
        rc, out = promtool(*args)
        print(f"README {first}: {out.splitlines()[-1] if out else rc}")
        if rc != 0:
            failures.append(f"promtool {' '.join(args[:-1])} on the README's '{first}':\n{out}\n{text}")


def main():
    deploy = os.path.abspath(sys.argv[1])
    if not shutil.which("promtool"):
        print("FAIL: promtool is not installed (Debian package prometheus; scripts/install-deps.sh --test)",
              file=sys.stderr)
        return 1
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for check in (check_dashboard, check_rules, check_readme):
            check(deploy, work, failures)
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    print("deploy/ checked by promtool:", "FAILED" if failures else "passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
