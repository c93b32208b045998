"""deploy/k8s renders and is valid, offline: every overlay through a small kustomize reader (kustomize.py).

Core resources are validated against the Kubernetes OpenAPI schemas of
kubernetes-validate (strict: an unknown field is an error) for the oldest
and newest Kubernetes versions we support; the operators' resources (Strimzi
Kafka, KafkaNodePool, KafkaTopic; Altinity ClickHouseInstallation) against
small schemas of their required fields written from the operators'
documentation (crd_schemas.py).  Then what the schemas cannot know: every
PUCHA_* key is a real setting whose value parses, every container has probes
and resource requests, probes run real health roles, commands are real pucha
commands, references (Secrets, ConfigMaps, Services, the HPA's target) resolve,
and the Kafka topics are exactly the event kinds of pucha/events.py.
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import kubernetes_validate
import pytest

from crd_schemas import SCHEMAS
from kustomize import RenderError, build

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = sorted(p.parent.name for p in (K8S / "overlays").glob("*/kustomization.yaml"))
K8S_VERSIONS = ("1.30", "1.37")  # CronJob.spec.timeZone is GA from 1.27; 1.30 is the oldest release we support
SECRET_KEYS_NOT_SETTINGS = {"postgres-password", "clickhouse-password"}


def test_there_are_dev_and_national_overlays():
    assert {"dev", "national"} <= set(OVERLAYS)


@pytest.fixture(scope="module", params=["base", *OVERLAYS])
def rendered(request) -> tuple[str, list[dict]]:
    path = K8S / "base" if request.param == "base" else K8S / "overlays" / request.param
    return request.param, build(path)


def by_kind(objs: list[dict], kind: str) -> list[dict]:
    return [o for o in objs if o["kind"] == kind]


def one(objs: list[dict], kind: str, name: str | None = None) -> dict:
    hits = [o for o in by_kind(objs, kind) if name is None or o["metadata"]["name"] == name]
    assert len(hits) == 1, f"want one {kind} {name or ''}, found {len(hits)}"
    return hits[0]


def pod_specs(objs: list[dict]) -> list[tuple[str, dict]]:
    out = []
    for o in objs:
        if o["kind"] in ("Deployment", "StatefulSet", "Job"):
            out.append((f"{o['kind']}/{o['metadata']['name']}", o["spec"]["template"]["spec"]))
        elif o["kind"] == "CronJob":
            out.append((f"CronJob/{o['metadata']['name']}", o["spec"]["jobTemplate"]["spec"]["template"]["spec"]))
    return out


def settings_data(objs: list[dict]) -> dict[str, str]:
    env = dict(one(objs, "ConfigMap", "pucha-settings")["data"])
    env.update(one(objs, "Secret", "pucha-secrets")["stringData"])
    return env


# --- schemas -------------------------------------------------------------------------------------

def test_every_resource_is_valid(rendered):
    name, objs = rendered
    assert objs, f"{name} renders nothing"
    for o in objs:
        where = f"{name}: {o['kind']}/{o['metadata']['name']}"
        schema = SCHEMAS.get((o["apiVersion"], o["kind"]))
        if schema is not None:
            try:
                jsonschema.validate(o, schema)
            except jsonschema.ValidationError as exc:
                pytest.fail(f"{where}: {exc.message} at {list(exc.absolute_path)}")
            continue
        assert "." not in o["apiVersion"].split("/")[0] or o["apiVersion"].endswith("k8s.io/v1"), \
            f"{where}: {o['apiVersion']} is neither core Kubernetes nor a schema of crd_schemas.py"
        for version in K8S_VERSIONS:
            try:
                kubernetes_validate.validate(o, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                pytest.fail(f"{where} (Kubernetes {version}): {exc.message} at {list(exc.absolute_path)}")


def test_the_crd_schemas_catch_mistakes():
    """The hand-written schemas are not empty shells: a wrong shape is refused."""
    objs = build(K8S / "base")
    topic = one(objs, "KafkaTopic", "pucha.page")
    bad = {**topic, "spec": {**topic["spec"], "partitions": "twelve"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMAS[("kafka.strimzi.io/v1beta2", "KafkaTopic")])
    chi = one(objs, "ClickHouseInstallation")
    bad = {**chi, "spec": {"configuration": {"users": chi["spec"]["configuration"]["users"]}}}
    with pytest.raises(jsonschema.ValidationError, match="clusters"):
        jsonschema.validate(bad, SCHEMAS[("clickhouse.altinity.com/v1", "ClickHouseInstallation")])
    kafka = one(objs, "Kafka")
    bad = {**kafka, "spec": {"kafka": {**kafka["spec"]["kafka"], "listners": []}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMAS[("kafka.strimzi.io/v1beta2", "Kafka")])


def test_the_reader_refuses_what_it_does_not_render(tmp_path):
    (tmp_path / "kustomization.yaml").write_text("resources: [a.yaml]\nnamePrefix: x-\n")
    with pytest.raises(RenderError, match="namePrefix"):
        build(tmp_path)
    (tmp_path / "kustomization.yaml").write_text("resources: [a.yaml]\n")
    with pytest.raises(RenderError, match="a.yaml does not exist"):
        build(tmp_path)
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    (tmp_path / "p.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\ndata: {a: b}\n")
    (tmp_path / "kustomization.yaml").write_text("resources: [a.yaml]\npatches: [{path: p.yaml}]\n")
    with pytest.raises(RenderError, match="ConfigMap/other matches no resource"):
        build(tmp_path)


# --- settings --------------------------------------------------------------------------------------

def test_every_pucha_key_is_a_real_setting_and_parses(rendered):
    from pucha import settings

    name, objs = rendered
    known = {s.name for s in settings.SETTINGS}
    data = settings_data(objs)
    for key in data:
        if key in SECRET_KEYS_NOT_SETTINGS:
            continue
        assert key in known, f"{name}: {key} is not a setting of pucha/settings.py"
    cfg = settings.load({k: v for k, v in data.items() if k in known}, config="/nonexistent/pucha.toml")
    assert cfg.distributed, f"{name}: Redis, Kafka and ClickHouse must all be set for the workers"
    for secret_key in ("PUCHA_SMTP_PASSWORD", "PUCHA_SECRET_KEY", "PUCHA_DATABASE_URL", "PUCHA_CLICKHOUSE_URL"):
        assert secret_key not in one(objs, "ConfigMap", "pucha-settings")["data"], \
            f"{name}: {secret_key} holds a password and belongs in the Secret"


def test_service_urls_name_services_of_the_deployment(rendered):
    name, objs = rendered
    data = settings_data(objs)
    services = {s["metadata"]["name"]: s for s in by_kind(objs, "Service")}

    redis = urlsplit(data["PUCHA_REDIS_URL"])
    assert redis.hostname in services and redis.port in [p["port"] for p in services[redis.hostname]["spec"]["ports"]]
    db = urlsplit(data["PUCHA_DATABASE_URL"])
    assert db.hostname in services and db.port in [p["port"] for p in services[db.hostname]["spec"]["ports"]]
    assert db.username == one(objs, "StatefulSet", "postgres")["spec"]["template"]["spec"]["containers"][0][
        "env"][0]["value"]

    kafka = one(objs, "Kafka")
    listener = kafka["spec"]["kafka"]["listeners"][0]
    assert not listener["tls"]
    assert data["PUCHA_KAFKA_BOOTSTRAP"] == f"{kafka['metadata']['name']}-kafka-bootstrap:{listener['port']}"

    chi = one(objs, "ClickHouseInstallation")
    ch = urlsplit(data["PUCHA_CLICKHOUSE_URL"])
    assert ch.scheme == "clickhouse" and ch.hostname == f"clickhouse-{chi['metadata']['name']}" and ch.port == 9000
    users = chi["spec"]["configuration"]["users"]
    assert users[f"{ch.username}/k8s_secret_password"] == "pucha-secrets/clickhouse-password"
    secret = one(objs, "Secret", "pucha-secrets")["stringData"]
    assert ch.password == secret["clickhouse-password"] and db.password == secret["postgres-password"]


def test_kafka_topics_are_the_event_kinds(rendered):
    from pucha.transport.kafka import all_topics

    name, objs = rendered
    data = settings_data(objs)
    topics = by_kind(objs, "KafkaTopic")
    want = all_topics(data["PUCHA_KAFKA_TOPIC_PREFIX"])
    assert sorted(t["spec"].get("topicName", t["metadata"]["name"]) for t in topics) == want
    kafka, pool = one(objs, "Kafka"), one(objs, "KafkaNodePool")
    brokers = pool["spec"]["replicas"]
    for t in topics:
        assert t["metadata"]["labels"]["strimzi.io/cluster"] == kafka["metadata"]["name"]
        assert t["spec"]["partitions"] == int(data["PUCHA_KAFKA_PARTITIONS"]), \
            f"{name}: {t['metadata']['name']} has other partitions than PUCHA_KAFKA_PARTITIONS"
        assert t["spec"]["replicas"] <= brokers
        assert int(t["spec"]["config"]["min.insync.replicas"]) <= t["spec"]["replicas"]
    assert pool["metadata"]["labels"]["strimzi.io/cluster"] == kafka["metadata"]["name"]
    assert kafka["spec"]["kafka"]["config"]["offsets.topic.replication.factor"] <= brokers


# --- workloads --------------------------------------------------------------------------------------

def test_every_container_has_probes_and_resources(rendered):
    name, objs = rendered
    containers = [(where, c) for where, spec in pod_specs(objs) for c in spec["containers"]]
    for chi in by_kind(objs, "ClickHouseInstallation"):  # the operator adds its own probes
        containers += [("ClickHouseInstallation", c) for t in chi["spec"]["templates"]["podTemplates"]
                       for c in t["spec"]["containers"]]
    assert len(containers) >= 8
    for where, c in containers:
        req = c.get("resources", {}).get("requests", {})
        assert "cpu" in req and "memory" in req, f"{name}: {where}/{c['name']} has no cpu and memory requests"
        assert "memory" in c["resources"].get("limits", {}), f"{name}: {where}/{c['name']} has no memory limit"
        if where.startswith("ClickHouseInstallation"):
            continue
        assert "livenessProbe" in c, f"{name}: {where}/{c['name']} has no liveness probe"
        if not where.startswith("CronJob"):  # a Job's pod is never "ready"
            assert "readinessProbe" in c, f"{name}: {where}/{c['name']} has no readiness probe"
    for pool in by_kind(objs, "KafkaNodePool"):
        assert "cpu" in pool["spec"]["resources"]["requests"] and "memory" in pool["spec"]["resources"]["requests"]


def test_probes_run_real_health_roles_and_commands_are_real_pucha_commands(rendered):
    from census.cli import build_parser
    from census.distributed.health import ROLES

    name, objs = rendered
    parser = build_parser()
    seen_roles = set()
    for where, spec in pod_specs(objs):
        for c in spec["containers"]:
            for probe in (c.get("readinessProbe"), c.get("livenessProbe")):
                cmd = (probe or {}).get("exec", {}).get("command", [])
                if cmd[:3] == ["python", "-m", "census.distributed.health"]:
                    role = cmd[cmd.index("--role") + 1]
                    assert role in ROLES, f"{name}: {where} probes an unknown role {role}"
                    seen_roles.add(role)
            cmd = c.get("command", [])
            if cmd[:2] == ["sh", "-c"]:
                cmd = shlex.split(re.sub(r'"\$\(date \+%F\)"', "2026-11-26", cmd[2].removeprefix("exec ")))
            if cmd[:1] == ["pucha"]:
                parser.parse_args(cmd[1:])  # SystemExit (a failed test) when the CLI refuses it
                assert c["image"].endswith("pucha:0.1.0") and "/" in c["image"], \
                    f"{name}: {where} runs {c['image']}, not the pucha image of the kustomization"
    assert {"crawl", "score", "ingest", "sweep"} <= seen_roles


def test_references_resolve(rendered):
    name, objs = rendered
    present = {(o["kind"], o["metadata"]["name"]): o for o in objs}
    for where, spec in pod_specs(objs):
        for c in spec["containers"]:
            for src in c.get("envFrom", []):
                for kind, ref in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    if ref in src:
                        assert (kind, src[ref]["name"]) in present, f"{name}: {where} reads a missing {kind}"
            for e in c.get("env", []):
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    secret = present[("Secret", ref["name"])]
                    assert ref["key"] in secret["stringData"], f"{name}: {where} reads a missing key {ref['key']}"
            mounts = {m["name"] for m in c.get("volumeMounts", [])}
            volumes = {v["name"] for v in spec.get("volumes", [])}
            claims = set()
            for o in by_kind(objs, "StatefulSet"):
                if o["spec"]["template"]["spec"] is spec:
                    claims = {v["metadata"]["name"] for v in o["spec"].get("volumeClaimTemplates", [])}
            assert mounts <= volumes | claims, f"{name}: {where} mounts volumes it does not have"
    for svc in by_kind(objs, "Service"):
        sel = svc["spec"]["selector"]
        pods = [spec for o in objs if o["kind"] in ("Deployment", "StatefulSet")
                for spec in [o["spec"]["template"]] if sel.items() <= spec["metadata"]["labels"].items()]
        assert pods, f"{name}: Service {svc['metadata']['name']} selects no pods"
        port_names = {p.get("name") for c in pods[0]["spec"]["containers"] for p in c.get("ports", [])}
        for p in svc["spec"]["ports"]:
            assert p["targetPort"] in port_names, f"{name}: Service {svc['metadata']['name']} targets {p['targetPort']}"
    for o in by_kind(objs, "Deployment") + by_kind(objs, "StatefulSet"):
        assert o["spec"]["selector"]["matchLabels"].items() <= o["spec"]["template"]["metadata"]["labels"].items()
    for ing in by_kind(objs, "Ingress"):
        for rule in ing["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                svc = present[("Service", backend["name"])]
                assert backend["port"]["name"] in {p["name"] for p in svc["spec"]["ports"]}


def test_the_hpa_scales_the_crawl_workers(rendered):
    name, objs = rendered
    hpa = one(objs, "HorizontalPodAutoscaler")
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"], target["name"]) == ("apps/v1", "Deployment", "pucha-crawl")
    crawl = one(objs, "Deployment", "pucha-crawl")
    assert crawl["spec"]["template"]["spec"]["containers"][0]["command"] == ["pucha", "worker", "--role", "crawl"]
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    # CPU utilisation is measured against requests: without one the HPA cannot act.
    assert "cpu" in crawl["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]


def test_overlays_are_sized_and_namespaced():
    dev, national = build(K8S / "overlays" / "dev"), build(K8S / "overlays" / "national")
    for objs, ns in ((dev, "pucha-dev"), (national, "pucha")):
        assert one(objs, "Namespace")["metadata"]["name"] == ns
        assert {o["metadata"].get("namespace") for o in objs if o["kind"] != "Namespace"} == {ns}
    hpa = lambda objs: one(objs, "HorizontalPodAutoscaler")["spec"]  # noqa: E731
    assert hpa(national)["minReplicas"] > hpa(dev)["maxReplicas"]
    assert one(dev, "KafkaNodePool")["spec"]["replicas"] == 1
    assert one(national, "KafkaNodePool")["spec"]["replicas"] >= 3
    assert one(national, "Deployment", "pucha-score")["spec"]["replicas"] <= int(
        settings_data(national)["PUCHA_KAFKA_PARTITIONS"]), "scorers beyond the partitions would idle"
    sweep = one(national, "CronJob", "pucha-sweep")["spec"]
    assert sweep["suspend"] is True and sweep["timeZone"] == "Asia/Shanghai"
    assert sweep["jobTemplate"]["spec"]["backoffLimit"] == 0
    cmd = sweep["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"]
    assert "--local-workers 0" in cmd[-1]


def test_the_dockerfile_builds_the_image_the_manifests_run():
    text = (ROOT / "deploy" / "docker" / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    assert "pip install" in text and 'ENTRYPOINT ["pucha"]' in text
    for folder in ("pucha", "crawler", "scorers", "ingest", "portal"):  # the packages pyproject.toml installs
        assert f"COPY {folder} ./{folder}" in text
    assert re.search(r"^USER 10001$", text, re.M), "the pods run as user 10001 (runAsNonRoot)"
