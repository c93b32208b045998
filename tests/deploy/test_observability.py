"""The Grafana dashboard and the alert rules in deploy/ name only series pucha exports (census/metrics.py),
and the pods that export them say so to Prometheus."""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import census.metrics  # noqa: F401  (registers the metrics)

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SERIES = re.compile(r"\bpucha_[a-z_]+")


def exported() -> set[str]:
    names = set()
    for metric in REGISTRY.collect():  # a counter's family is named without its _total
        if metric.name.startswith("pucha_"):
            names.add(metric.name + "_total" if metric.type == "counter" else metric.name)
    return names


def test_alert_rules_and_dashboard_use_real_series():
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yaml").read_text(encoding="utf-8"))
    exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    assert len(exprs) >= 5 and all(r.get("annotations", {}).get("summary") for g in rules["groups"] for r in g["rules"])
    board = json.loads((DEPLOY / "grafana" / "pucha.json").read_text(encoding="utf-8"))
    exprs += [t["expr"] for p in board["panels"] for t in p["targets"]]
    used = {name for e in exprs for name in SERIES.findall(e)}
    assert used and used <= exported(), used - exported()
    # Every exported metric is on the dashboard.
    families = {m.name for m in REGISTRY.collect() if m.name.startswith("pucha_")}
    on_board = {name for p in board["panels"] for t in p["targets"] for name in SERIES.findall(t["expr"])}
    assert {f.removesuffix("_total") for f in families} <= {n.removesuffix("_total") for n in on_board}


def test_worker_pods_expose_the_metrics_port():
    settings = yaml.safe_load((DEPLOY / "k8s" / "base" / "settings.yaml").read_text(encoding="utf-8"))["data"]
    port = int(settings["PUCHA_METRICS_PORT"])
    assert settings["PUCHA_METRICS_ADDR"] == "0.0.0.0" and settings["PUCHA_LOG_FORMAT"] == "json"
    for role in ("crawl", "score", "ingest"):
        docs = yaml.safe_load_all((DEPLOY / "k8s" / "base" / f"{role}.yaml").read_text(encoding="utf-8"))
        (deployment,) = [d for d in docs if d and d["kind"] == "Deployment"]
        pod = deployment["spec"]["template"]
        assert pod["metadata"]["annotations"]["prometheus.io/port"] == str(port)
        ports = [p["containerPort"] for c in pod["spec"]["containers"] for p in c.get("ports", [])]
        assert port in ports, role
