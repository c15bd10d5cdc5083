// POST to the lab's by-hand routes (docs/protocol.md, "The lab: by hand").

import { ApiError } from "../../api.js";

/** The JSON reply of POST `path` with `body`; throws ApiError (message, field) on a 4xx. */
export async function post(path, body) {
  const response = await fetch(path, {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      detail = (await response.json()).detail ?? detail;
    } catch {
      /* not JSON */
    }
    throw new ApiError(response.status, detail);
  }
  return response.json();
}

/** Calls `fn(...)` and hands its result to `onReply` only if no later call was made meanwhile. */
export function latestOnly(onReply, onError) {
  let seq = 0;
  return async (promiseFactory) => {
    const mine = ++seq;
    try {
      const reply = await promiseFactory();
      if (mine === seq) onReply(reply);
    } catch (err) {
      if (mine === seq) onError(err);
    }
  };
}
