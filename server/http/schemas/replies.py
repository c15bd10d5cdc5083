"""JSON Schemas of the replies, for the OpenAPI document only (server.http.openapi): what every
reply of a route always carries, typed. Replies are built as plain dicts by the services
(nothing validates them at run time); tests/server/test_fuzz.py checks them against these.
Objects stay open (more keys may come), so a new key never breaks a client.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def obj(required: dict[str, Schema], optional: dict[str, Schema] | None = None) -> Schema:
    return {"type": "object", "required": list(required),
            "properties": {**required, **(optional or {})}}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
NUM: Schema = {"type": "number"}
BOOL: Schema = {"type": "boolean"}
NULL: Schema = {"type": "null"}
ANY_OBJ: Schema = {"type": "object"}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, NULL]}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


ERROR = obj({"detail": obj(
    {"message": STR, "field": nullable(STR)},
    {"errors": array(obj({"field": nullable(STR), "message": STR})),
     "layer_index": nullable(INT),
     "problems": array(obj({"file": STR, "message": STR})),
     "session": STR, "retry_after": INT})})

TENSOR = obj({"shape": array(INT), "dtype": {"enum": ["float32", "uint8"]}, "data": STR},
             {"scale": NUM, "offset": NUM})

LAYER_ROW = obj({"name": STR, "type": STR, "input_shape": array(INT),
                 "output_shape": array(INT), "param_count": INT})

DESCRIBE = obj({"spec": ANY_OBJ, "layers": array(LAYER_ROW), "total_params": INT,
                "activations": INT})

SAMPLES_SUMMARY = obj({"count": INT, "classes": {"type": "object",
                                                 "additionalProperties": INT}})

STATE = obj({
    "id": STR, "spec": ANY_OBJ, "settings": ANY_OBJ, "layers": array(LAYER_ROW),
    "total_params": INT, "class_names": array(STR),
    "dataset": obj({"name": STR, "train": INT, "val": INT, "test": INT}),
    "samples": ref("SamplesSummary"), "training": BOOL, "training_problem": nullable(STR),
    "created": NUM, "touched": NUM, "epoch": INT, "batch": INT,
    "batches_per_epoch": nullable(INT), "step": INT, "history": array(ANY_OBJ),
    "rewind_epochs": array(INT), "batch_losses": array(nullable(NUM)),
    "batch_losses_from": INT, "confusion": nullable(ANY_OBJ),
    "diverged": nullable(ANY_OBJ),
}, {"weights_reset": BOOL, "history_reset": BOOL})

FORWARD = obj({
    "prediction": INT, "label": nullable(STR), "class_names": array(STR),
    "probabilities": nullable(array(NUM)), "scores": array(NUM),
    "preprocessed": ref("Tensor"),
    "layers": array(obj({"name": STR, "type": STR, "shape": array(INT),
                         "output": ref("Tensor")})),
}, {"true_label": INT, "softmax": ANY_OBJ})

SAMPLE_STRIP = obj({"dataset": STR, "split": STR, "total": INT, "offset": INT,
                    "class_names": array(STR), "labels": array(INT), "indices": array(INT),
                    "images": ref("Tensor")})

CONFUSION_SAMPLES = obj({"split": STR, "true": INT, "predicted": INT, "total": INT,
                         "class_names": array(STR), "indices": array(INT),
                         "images": ref("Tensor")})

OWN_SAMPLES = obj({"samples": array(obj({"id": STR, "label": STR})),
                   "images": ref("Tensor"),
                   "classes": {"type": "object", "additionalProperties": INT}})

OWN_SAMPLE_ADDED = obj({"id": STR, "label": STR, "samples": ref("SamplesSummary")})

OWN_SAMPLES_LEFT = obj({"samples": ref("SamplesSummary")})

ZIP_ADDED = obj({"added": INT, "problems": array(obj({"file": STR, "message": STR})),
                 "samples": ref("SamplesSummary")})

EVALUATE = obj({"split": STR, "count": INT, "loss": nullable(NUM), "rmse": nullable(NUM),
                "acc": nullable(NUM), "class_names": array(STR), "matrix": array(array(INT)),
                "per_class_acc": array(nullable(NUM))})

LANDSCAPE = obj({"directions": STR, "grid": INT, "axes": obj({"x": array(NUM),
                                                              "y": array(NUM)}),
                 "surface": ref("Tensor"), "trajectory": array(ANY_OBJ)})

HEALTH = obj({"status": STR, "version": STR})

LIMITED_INT = obj({"key": STR, "kind": {"enum": ["int"]}, "min": INT, "max": INT})

LAYER_FIELD = obj({"key": STR, "kind": {"enum": ["int", "number", "choice", "bool", "padding"]},
                   "default": {}},
                  {"min": NUM, "max": NUM, "step": NUM, "choices": array(STR),
                   "default_from": STR, "suggest": {}})

LAYER_TYPE = obj({"type": STR, "label": STR, "prefix": STR, "fields": array(LAYER_FIELD),
                  "params": BOOL, "activation": BOOL, "elementwise": BOOL, "monotone": BOOL,
                  "rectifier": BOOL, "pass_through": BOOL, "needs_map": BOOL,
                  "pytorch": STR})

LAYERS = obj({"types": array(ref("LayerType")), "input": array(LIMITED_INT),
              "max_layers": INT})

COMPONENTS: dict[str, Schema] = {
    "Error": ERROR, "Tensor": TENSOR, "LayerRow": LAYER_ROW, "SamplesSummary": SAMPLES_SUMMARY,
    "SessionState": STATE, "Describe": DESCRIBE, "ForwardResult": FORWARD,
    "SampleStrip": SAMPLE_STRIP, "ConfusionSamples": CONFUSION_SAMPLES,
    "OwnSamples": OWN_SAMPLES, "OwnSampleAdded": OWN_SAMPLE_ADDED,
    "OwnSamplesLeft": OWN_SAMPLES_LEFT, "ZipAdded": ZIP_ADDED, "Evaluation": EVALUATE,
    "LossSurface": LANDSCAPE, "Health": HEALTH, "Cell": ANY_OBJ,
    "LayerType": LAYER_TYPE, "LayerTypes": LAYERS,
}

# (method, path) -> the component its success reply follows.
REPLIES: dict[tuple[str, str], str] = {
    ("get", "/api/health"): "Health",
    ("post", "/api/describe"): "Describe",
    ("get", "/api/layers"): "LayerTypes",
    ("post", "/api/sessions"): "SessionState",
    ("get", "/api/sessions/{session_id}"): "SessionState",
    ("put", "/api/sessions/{session_id}/spec"): "SessionState",
    ("put", "/api/sessions/{session_id}/settings"): "SessionState",
    ("put", "/api/sessions/{session_id}/params/{layer}"): "SessionState",
    ("get", "/api/sessions/{session_id}/evaluate"): "Evaluation",
    ("post", "/api/sessions/{session_id}/forward"): "ForwardResult",
    ("get", "/api/sessions/{session_id}/cell"): "Cell",
    ("get", "/api/datasets/{name}/samples"): "SampleStrip",
    ("get", "/api/sessions/{session_id}/dataset/samples"): "SampleStrip",
    ("get", "/api/sessions/{session_id}/confusion/samples"): "ConfusionSamples",
    ("get", "/api/sessions/{session_id}/samples"): "OwnSamples",
    ("post", "/api/sessions/{session_id}/samples"): "OwnSampleAdded",
    ("delete", "/api/sessions/{session_id}/samples/{sample_id}"): "OwnSamplesLeft",
    ("post", "/api/sessions/{session_id}/dataset/zip"): "ZipAdded",
    ("post", "/api/sessions/import"): "SessionState",
    ("post", "/api/sessions/{session_id}/landscape"): "LossSurface",
}
