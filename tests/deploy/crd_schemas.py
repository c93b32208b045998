"""JSON schemas of the operator resources deploy/k8s uses: the fields those operators require, and their types.

Written from the operators' documentation, not copied from their CRDs (which
are not available offline here): Strimzi's "Custom resource API reference"
(kafka.strimzi.io/v1beta2: Kafka, KafkaNodePool, KafkaTopic) and Altinity
clickhouse-operator's docs/custom_resource_explained.md
(clickhouse.altinity.com/v1: ClickHouseInstallation).  They check what a
typo or a wrong shape would break: required fields, enums, integer counts,
and that nothing unknown sits where the operators would ignore it.
"""
from __future__ import annotations

_QUANTITY = {"type": ["string", "integer"]}
_RESOURCES = {"type": "object", "additionalProperties": False,
              "properties": {"requests": {"type": "object", "additionalProperties": _QUANTITY},
                             "limits": {"type": "object", "additionalProperties": _QUANTITY}}}
_META = {"type": "object", "required": ["name"],
         "properties": {"name": {"type": "string", "pattern": r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"},
                        "namespace": {"type": "string"},
                        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                        "annotations": {"type": "object", "additionalProperties": {"type": "string"}}}}


def _resource(api: str, kind: str, spec: dict) -> dict:
    return {"type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
            "properties": {"apiVersion": {"const": api}, "kind": {"const": kind}, "metadata": _META, "spec": spec}}


_VOLUME = {"type": "object", "required": ["type"],
           "properties": {"id": {"type": "integer", "minimum": 0},
                          "type": {"enum": ["ephemeral", "persistent-claim"]},
                          "size": {"type": "string", "pattern": r"^[0-9]+(Mi|Gi|Ti)$"},
                          "deleteClaim": {"type": "boolean"}, "class": {"type": "string"},
                          "kraftMetadata": {"enum": ["shared"]}},
           "additionalProperties": False}
_STORAGE = {"type": "object", "required": ["type"],
            "properties": {"type": {"enum": ["jbod", "ephemeral", "persistent-claim"]},
                           "volumes": {"type": "array", "minItems": 1, "items": _VOLUME}}}

KAFKA_NODE_POOL = _resource("kafka.strimzi.io/v1beta2", "KafkaNodePool", {
    "type": "object", "required": ["replicas", "roles", "storage"], "additionalProperties": False,
    "properties": {"replicas": {"type": "integer", "minimum": 1},
                   "roles": {"type": "array", "minItems": 1, "items": {"enum": ["controller", "broker"]}},
                   "storage": _STORAGE, "resources": _RESOURCES,
                   "jvmOptions": {"type": "object"}, "template": {"type": "object"}}})
KAFKA_NODE_POOL["properties"]["metadata"] = {**_META, "required": ["name", "labels"]}

_LISTENER = {"type": "object", "required": ["name", "port", "type", "tls"], "additionalProperties": False,
             "properties": {"name": {"type": "string", "pattern": "^[a-z0-9]{1,11}$"},
                            "port": {"type": "integer", "minimum": 9092},
                            "type": {"enum": ["internal", "route", "loadbalancer", "nodeport", "ingress",
                                              "cluster-ip"]},
                            "tls": {"type": "boolean"}, "authentication": {"type": "object"},
                            "configuration": {"type": "object"}}}

KAFKA = _resource("kafka.strimzi.io/v1beta2", "Kafka", {
    "type": "object", "required": ["kafka"], "additionalProperties": False,
    "properties": {
        "kafka": {"type": "object", "required": ["listeners"], "additionalProperties": False,
                  "properties": {"version": {"type": "string"}, "metadataVersion": {"type": "string"},
                                 "listeners": {"type": "array", "minItems": 1, "items": _LISTENER},
                                 "config": {"type": "object",
                                            "additionalProperties": {"type": ["string", "integer", "boolean",
                                                                              "number"]}},
                                 "authorization": {"type": "object"}, "rack": {"type": "object"},
                                 "template": {"type": "object"}}},
        "entityOperator": {"type": "object", "additionalProperties": False,
                           "properties": {"topicOperator": {"type": "object"},
                                          "userOperator": {"type": "object"}}},
        "cruiseControl": {"type": "object"}, "kafkaExporter": {"type": "object"}}})

KAFKA_TOPIC = _resource("kafka.strimzi.io/v1beta2", "KafkaTopic", {
    "type": "object", "required": ["partitions", "replicas"], "additionalProperties": False,
    "properties": {"topicName": {"type": "string", "pattern": r"^[a-zA-Z0-9._-]{1,249}$"},
                   "partitions": {"type": "integer", "minimum": 1},
                   "replicas": {"type": "integer", "minimum": 1, "maximum": 32767},
                   "config": {"type": "object",
                              "additionalProperties": {"type": ["string", "integer", "boolean", "number"]}}}})
KAFKA_TOPIC["properties"]["metadata"] = {**_META, "required": ["name", "labels"],
                                         "properties": {**_META["properties"], "labels": {
                                             "type": "object", "required": ["strimzi.io/cluster"]}}}

_CONTAINER = {"type": "object", "required": ["name"],
              "properties": {"name": {"type": "string"}, "image": {"type": "string"}, "resources": _RESOURCES}}
CLICKHOUSE_INSTALLATION = _resource("clickhouse.altinity.com/v1", "ClickHouseInstallation", {
    "type": "object", "required": ["configuration"], "additionalProperties": False,
    "properties": {
        "configuration": {
            "type": "object", "required": ["clusters"], "additionalProperties": False,
            "properties": {
                # users/profiles/settings are flat "name/path: value" maps in the operator's syntax
                "users": {"type": "object", "propertyNames": {"pattern": r"^[a-z_][a-z0-9_]*/[a-z0-9_/]+$"},
                          "additionalProperties": {"type": ["string", "integer", "array"]}},
                "profiles": {"type": "object"}, "settings": {"type": "object"}, "files": {"type": "object"},
                "zookeeper": {"type": "object"},
                "clusters": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "required": ["name"], "additionalProperties": False,
                    "properties": {
                        "name": {"type": "string", "pattern": "^[a-z0-9-]{1,15}$"},
                        "layout": {"type": "object", "additionalProperties": False,
                                   "properties": {"shardsCount": {"type": "integer", "minimum": 1},
                                                  "replicasCount": {"type": "integer", "minimum": 1}}},
                        "templates": {"type": "object", "additionalProperties": False,
                                      "properties": {k: {"type": "string"} for k in (
                                          "podTemplate", "dataVolumeClaimTemplate", "logVolumeClaimTemplate",
                                          "serviceTemplate", "volumeClaimTemplate")}}}}}}},
        "defaults": {"type": "object"},
        "templates": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "podTemplates": {"type": "array", "items": {
                    "type": "object", "required": ["name", "spec"],
                    "properties": {"name": {"type": "string"},
                                   "spec": {"type": "object", "required": ["containers"],
                                            "properties": {"containers": {"type": "array", "minItems": 1,
                                                                          "items": _CONTAINER}}}}}},
                "volumeClaimTemplates": {"type": "array", "items": {
                    "type": "object", "required": ["name", "spec"],
                    "properties": {"name": {"type": "string"},
                                   "spec": {"type": "object", "required": ["accessModes", "resources"]}}}},
                "serviceTemplates": {"type": "array"}}}}})

SCHEMAS = {("kafka.strimzi.io/v1beta2", "Kafka"): KAFKA,
           ("kafka.strimzi.io/v1beta2", "KafkaNodePool"): KAFKA_NODE_POOL,
           ("kafka.strimzi.io/v1beta2", "KafkaTopic"): KAFKA_TOPIC,
           ("clickhouse.altinity.com/v1", "ClickHouseInstallation"): CLICKHOUSE_INSTALLATION}
