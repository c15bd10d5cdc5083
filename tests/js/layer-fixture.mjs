// The layer table the server serves (GET /api/layers), saved as a fixture for node tests;
// tests/server/test_layers_route.py holds it equal to the server's reply.
import { readFileSync } from "node:fs";
import { setLayerTypes } from "../../static/js/lib/layer-types.js";

export const FIXTURE = JSON.parse(readFileSync(new URL("./fixtures/layer-types.json", import.meta.url), "utf8"));

export function installLayerTypes() {
  setLayerTypes(FIXTURE);
}
