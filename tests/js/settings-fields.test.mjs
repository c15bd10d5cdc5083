import { test } from "node:test";
import assert from "node:assert/strict";

import { formFieldsFor } from "../../static/js/lib/settings-fields.js";

test("a refused setting points at its box in the form", () => {
  assert.deepEqual(formFieldsFor("settings.lr"), ["lr"]);
  assert.deepEqual(formFieldsFor("settings.loss"), ["loss"]);
  assert.deepEqual(formFieldsFor("settings.batch_size"), ["batch_size"]);
  assert.deepEqual(formFieldsFor("settings.split"), ["split_train", "split_val", "split_test"]);
  assert.deepEqual(formFieldsFor("settings.split.val"), ["split_val"]);
});

test("a field the form has no box for points at none", () => {
  assert.deepEqual(formFieldsFor("settings"), []);
  assert.deepEqual(formFieldsFor("settings.planar.noise"), []);
  assert.deepEqual(formFieldsFor(null), []);
  assert.deepEqual(formFieldsFor(undefined), []);
});
