// A module worker (started by lib/off-main.js): forward requests fetched, parsed and decoded
// here, off the page's main thread; the decoded tensors' buffers are transferred back.

import { runForwardJob } from "./lib/forward-job.js";

self.onmessage = async (ev) => {
  const [message, transfer] = await runForwardJob(ev.data, (url, init) => fetch(url, init));
  self.postMessage(message, transfer);
};
