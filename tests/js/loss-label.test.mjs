// Which label a traced step's loss is for (static/js/film/loss-label.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { lossLabel, lossLabelPhrase } from "../../static/js/film/loss-label.js";

test("a dataset sample's true label wins over anything chosen, the prediction never counts", () => {
  assert.deepEqual(lossLabel({ true_label: 3, prediction: 8 }, 5), { label: 3, source: "sample" });
  assert.deepEqual(lossLabel({ true_label: 0, prediction: 8 }, null), { label: 0, source: "sample" });
});

test("a drawing has the chosen label, or none until one is chosen", () => {
  assert.deepEqual(lossLabel({ prediction: 8 }, 7), { label: 7, source: "chosen" });
  assert.deepEqual(lossLabel({ prediction: 8 }, 0), { label: 0, source: "chosen" });
  assert.deepEqual(lossLabel({ prediction: 8 }, null), { label: null, source: "none" });
  assert.deepEqual(lossLabel(null, null), { label: null, source: "none" });
});

test("the phrase names the label and where it came from", () => {
  assert.equal(lossLabelPhrase(["cat", "dog"], 1, "sample"), "label dog (the sample's true label)");
  assert.equal(lossLabelPhrase([], 4, "chosen"), "label 4 (the label you chose)");
});
