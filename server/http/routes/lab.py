"""POST /api/lab/...: the lab's by-hand views. Stateless: the body holds every number."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter

from engine.lab import net221, neuron
from server.errors import ApiError
from server.http.bodies import json_body, json_body_doc
from server.http.schemas.lab import Net221Body, Net221PredictBody, Net221TrainBody, NeuronBody

router = APIRouter(prefix="/api/lab")


@router.post("/neuron", openapi_extra=json_body_doc(NeuronBody))
def lab_neuron(body: Annotated[NeuronBody, json_body(NeuronBody)]) -> dict[str, Any]:
    """z = Σ wᵢxᵢ + b with every product, f(z), f′(z) and the curve of f and f′."""
    return asdict(neuron.neuron(body.x, body.w, body.b, body.activation, body.slope))


@router.post("/net221", openapi_extra=json_body_doc(Net221Body))
def lab_net221(body: Annotated[Net221Body, json_body(Net221Body)]) -> dict[str, Any]:
    """Forward, loss, the chain rule for every weight and bias, one SGD step."""
    return asdict(net221.analyse(body.params.model_dump(), body.x, body.y, body.lr,
                                 body.digits))


@router.post("/net221/train", openapi_extra=json_body_doc(Net221TrainBody))
def lab_net221_train(body: Annotated[Net221TrainBody, json_body(Net221TrainBody)]
                     ) -> dict[str, Any]:
    """SGD on the people table one person at a time: new weights, the table's loss."""
    try:
        result = net221.train(body.params.model_dump(), body.lr, body.steps, body.start)
    except ValueError as exc:
        raise ApiError(422, str(exc), "lr") from exc
    return asdict(result)


@router.post("/net221/predict", openapi_extra=json_body_doc(Net221PredictBody))
def lab_net221_predict(body: Annotated[Net221PredictBody, json_body(Net221PredictBody)]
                       ) -> dict[str, Any]:
    """The network's answer for a new person typed in raw units."""
    return asdict(net221.predict(body.params.model_dump(), body.weight_lb, body.height_in))
