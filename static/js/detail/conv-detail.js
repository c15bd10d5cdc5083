// Conv detail: the kernel sliding over the (padded) input, the output filling in, and each
// cell's arithmetic from the engine. The container logic is shared with pool (window-detail.js).
import { createWindowDetail } from "./window-detail.js";

export function createConvDetail(container, store) {
  return createWindowDetail(container, store, "conv");
}
