// Pool detail: the window moving over one channel, and which value won (max/min) or the mean,
// as the engine reported it.
import { createWindowDetail } from "./window-detail.js";

export function createPoolDetail(container, store) {
  return createWindowDetail(container, store, "pool");
}
