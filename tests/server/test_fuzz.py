"""Fuzz every route from the app's own OpenAPI schema (schemathesis, every check on): no input
may cause a 5xx, every status and reply is the one the document gives (response schemas
included), and every 4xx carries the error shape ``{"detail": {"message", "field"}}``.

Three cases in four are aimed at a real session (so bodies reach the engine), the rest
keep their generated ids (unknown sessions).
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from server.http.app import create_app
from tests.server.conftest import app_settings

LIMITS = app_settings(data_dir=Path(tempfile.mkdtemp(prefix="nnplay-fuzz-")),
                      max_dataset_size=400, max_dataset_pixels=400 * 28 * 28,
                      max_activations=200_000, max_batch_values=4_000_000, max_params=200_000,
                      max_grid=11, max_landscape_eval=32, max_upload_bytes=2 * 1024 * 1024,
                      max_sessions_per_minute=1_000_000)
APP = create_app(LIMITS)
CLIENT = TestClient(APP)
# Every check runs (call_and_validate below). A schema-valid body may still be refused for
# what JSON Schema cannot say: a kernel that does not fit its input, a loss that does not pair
# with the last layer, a sample index past the split, an image the engine cannot use, or a
# limit of this server (413 or 422 naming the field), or bytes that are not the kind of file
# an upload takes (415), as documented.
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "401", "403", "404", "409", "413", "415", "422", "429"]}}})
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


def _new_session() -> str:
    # Within a lifespan of its own: schemathesis ends the app's lifespan after each test
    # (which closes its runtime); a new lifespan opens a new one over the same store.
    with CLIENT:
        reply = CLIENT.post("/api/sessions", json={"settings": {"dataset_size": 200}})
    assert reply.status_code == 201, reply.text
    return str(reply.json()["id"])


TURN = itertools.count()  # three cases in four go to a real session
@pytest.fixture(scope="module", autouse=True)
def _remove_data_dir():
    yield
    APP.state.runtime.manager.close()
    shutil.rmtree(LIMITS.data_dir, ignore_errors=True)


SESSION = _new_session()
with CLIENT:
    CLIENT.post(f"/api/sessions/{SESSION}/forward",
                json={"sample": {"split": "val", "index": 0}})


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(case):
    params = case.path_parameters or {}
    if "session_id" in params and next(TURN) % 4 != 0:
        deleting = case.method == "DELETE" and case.path == "/api/sessions/{session_id}"
        params["session_id"] = _new_session() if deleting else SESSION
    response = case.call_and_validate()  # every schemathesis check, response schemas too
    assert response.status_code < 500, (case.method, case.path, response.text)
    if response.status_code >= 400:
        detail = response.json()["detail"]
        assert isinstance(detail["message"], str) and detail["message"], response.text
        assert "field" in detail, response.text
