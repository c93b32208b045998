"""A small reader of kustomization.yaml, enough to render deploy/k8s/ offline (no kubectl or kustomize here).

It does what deploy/k8s uses, as kustomize does it, and refuses the rest
(an unknown field is an error, not a silent skip):

* ``resources``: files (several YAML documents each) and directories holding a kustomization.yaml;
* ``patches``: strategic merge patches from ``path`` or inline ``patch``, matched by kind and name, or to every
  resource a ``target`` (kind, name) selects.  Built-in kinds merge lists by their Kubernetes merge keys
  (containers by name, env by name, volumeMounts by mountPath...); custom resources, which have no merge keys,
  get a JSON merge patch (maps merge, lists are replaced), as kustomize does without their OpenAPI schema;
* ``replicas``, ``namespace``, ``commonLabels`` (metadata, selectors and pod templates), ``images``.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

KNOWN_FIELDS = {"apiVersion", "kind", "resources", "patches", "replicas", "namespace", "commonLabels", "images"}
BUILTIN_GROUPS = {"v1", "apps/v1", "batch/v1", "autoscaling/v2", "networking.k8s.io/v1", "policy/v1"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                  "PersistentVolume", "StorageClass", "IngressClass"}
# Kubernetes' patchMergeKey of the list fields the manifests use; other lists are replaced.
MERGE_KEYS = {"containers": "name", "initContainers": "name", "env": "name", "volumes": "name",
              "volumeMounts": "mountPath", "imagePullSecrets": "name"}
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}


class RenderError(ValueError):
    """A kustomization this reader cannot render; the message names the file and what is wrong."""


def load_docs(path: Path) -> list[dict]:
    try:
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
    except yaml.YAMLError as exc:
        raise RenderError(f"{path}: not YAML: {exc}") from None
    for d in docs:
        if not isinstance(d, dict) or "kind" not in d or "apiVersion" not in d:
            raise RenderError(f"{path}: a document without apiVersion and kind")
    return docs


def ident(obj: dict) -> tuple[str, str]:
    return obj["kind"], obj["metadata"]["name"]


def build(directory: str | Path) -> list[dict]:
    """The resources ``kubectl kustomize DIRECTORY`` would print, as dicts."""
    directory = Path(directory)
    kfile = directory / "kustomization.yaml"
    if not kfile.is_file():
        raise RenderError(f"{directory}: no kustomization.yaml")
    k = yaml.safe_load(kfile.read_text(encoding="utf-8")) or {}
    unknown = set(k) - KNOWN_FIELDS
    if unknown:
        raise RenderError(f"{kfile}: fields this reader does not render: {sorted(unknown)}")
    objs: list[dict] = []
    for res in k.get("resources", []):
        p = (directory / res).resolve()
        if p.is_dir():
            objs.extend(build(p))
        elif p.is_file():
            objs.extend(load_docs(p))
        else:
            raise RenderError(f"{kfile}: resource {res} does not exist")
    seen: set[tuple[str, str]] = set()
    for o in objs:
        if ident(o) in seen:
            raise RenderError(f"{kfile}: {o['kind']}/{o['metadata']['name']} is defined twice")
        seen.add(ident(o))
    for patch in k.get("patches", []):
        _apply_patch(objs, patch, directory, kfile)
    for rep in k.get("replicas", []):
        hits = [o for o in objs if o["metadata"]["name"] == rep["name"] and o["kind"] in WORKLOADS]
        if not hits:
            raise RenderError(f"{kfile}: replicas for {rep['name']}, which is no Deployment or StatefulSet")
        for o in hits:
            o["spec"]["replicas"] = rep["count"]
    if "namespace" in k:
        for o in objs:
            if o["kind"] not in CLUSTER_SCOPED:
                o["metadata"]["namespace"] = k["namespace"]
    if k.get("commonLabels"):
        for o in objs:
            _label(o, k["commonLabels"])
    for image in k.get("images", []):
        for o in objs:
            _set_images(o, image)
    return objs


def _apply_patch(objs: list[dict], patch: dict, directory: Path, kfile: Path) -> None:
    if "path" in patch:
        docs = load_docs(directory / patch["path"])
    elif "patch" in patch:
        docs = [d for d in yaml.safe_load_all(patch["patch"]) if d]
    else:
        raise RenderError(f"{kfile}: a patch with neither path nor patch")
    target = patch.get("target")
    for doc in docs:
        if target:
            unknown = set(target) - {"kind", "name"}
            if unknown:
                raise RenderError(f"{kfile}: patch target fields not rendered here: {sorted(unknown)}")
            hits = [i for i, o in enumerate(objs) if o["kind"] == target.get("kind", o["kind"])
                    and o["metadata"]["name"] == target.get("name", o["metadata"]["name"])]
        else:
            hits = [i for i, o in enumerate(objs) if ident(o) == ident(doc)]
        if not hits:
            raise RenderError(f"{kfile}: patch {doc['kind']}/{doc['metadata']['name']} matches no resource")
        body = {k: v for k, v in doc.items() if k not in ("apiVersion", "kind", "metadata")}
        meta = {k: v for k, v in doc.get("metadata", {}).items() if k in ("labels", "annotations")}
        for i in hits:
            o = objs[i]
            strategic = o["apiVersion"] in BUILTIN_GROUPS
            merged = merge(o, body, strategic)
            if meta:
                merged["metadata"] = merge(merged["metadata"], meta, strategic)
            objs[i] = merged


def merge(base: Any, patch: Any, strategic: bool, field: str = "") -> Any:
    """``patch`` applied to ``base``: maps merge, None deletes, lists merge by key (strategic) or are replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = copy.deepcopy(base)
        for k, v in patch.items():
            if v is None:
                out.pop(k, None)
            elif k in out:
                out[k] = merge(out[k], v, strategic, k)
            else:
                out[k] = copy.deepcopy(v)
        return out
    if strategic and isinstance(base, list) and isinstance(patch, list) and field in MERGE_KEYS:
        key = MERGE_KEYS[field]
        out = copy.deepcopy(base)
        index = {item.get(key): n for n, item in enumerate(out)}
        for item in patch:
            if item.get(key) in index:
                n = index[item[key]]
                out[n] = merge(out[n], item, strategic)
            else:
                out.append(copy.deepcopy(item))
        return out
    return copy.deepcopy(patch)


def _label(o: dict, labels: dict[str, str]) -> None:
    """commonLabels: metadata, selectors and pod templates, as kustomize does (so selectors still match)."""
    o["metadata"].setdefault("labels", {}).update(labels)
    if o["apiVersion"] not in BUILTIN_GROUPS:
        return
    spec = o.get("spec", {})
    if o["kind"] in WORKLOADS:
        spec.setdefault("selector", {}).setdefault("matchLabels", {}).update(labels)
        spec["template"].setdefault("metadata", {}).setdefault("labels", {}).update(labels)
        for vct in spec.get("volumeClaimTemplates", []):
            vct.setdefault("metadata", {}).setdefault("labels", {}).update(labels)
    elif o["kind"] == "Service":
        spec.setdefault("selector", {}).update(labels)
    elif o["kind"] == "Job":
        spec["template"].setdefault("metadata", {}).setdefault("labels", {}).update(labels)
    elif o["kind"] == "CronJob":
        job = spec["jobTemplate"]
        job.setdefault("metadata", {}).setdefault("labels", {}).update(labels)
        job["spec"]["template"].setdefault("metadata", {}).setdefault("labels", {}).update(labels)


def _set_images(node: Any, image: dict) -> None:
    """Every container image named ``image['name']`` (with or without a tag) becomes newName:newTag."""
    if isinstance(node, dict):
        for key in ("containers", "initContainers"):
            for c in node.get(key, []) if isinstance(node.get(key), list) else []:
                name = c.get("image", "")
                bare = name.split("@")[0].rsplit(":", 1)[0] if ":" in name.split("/")[-1] else name
                if bare == image["name"]:
                    tag = image.get("newTag") or (name.split(":")[-1] if bare != name else "")
                    c["image"] = image.get("newName", bare) + (f":{tag}" if tag else "")
        for v in node.values():
            _set_images(v, image)
    elif isinstance(node, list):
        for v in node:
            _set_images(v, image)
