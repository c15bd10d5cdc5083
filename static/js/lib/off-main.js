// The page's side of forward-worker.js: post a forward job, get the decoded reply back.
// One worker for the page, started on the first job. Where a worker cannot start (no module
// workers, a script refused) or dies, every job, the waiting ones included, runs on the main
// thread instead through `fallback(job)`, with the same result.

/**
 * @param {object} o
 * @param {() => Worker} o.makeWorker  starts the worker (a fake one in the tests)
 * @param {(job: {path, payload}) => Promise<[object, ArrayBuffer[]]>} o.fallback
 *   the same job on the main thread (lib/forward-job.js runForwardJob with the page's fetch)
 * @returns {{run(path, payload): Promise<{reply?, error?}>, readonly usingWorker: boolean}}
 */
export function createOffMain({ makeWorker, fallback }) {
  let worker = null;
  let broken = false;
  let next = 0;
  const waiting = new Map(); // id -> {job, resolve}

  function giveUp() {
    broken = true;
    worker?.terminate?.();
    worker = null;
    const jobs = [...waiting.values()];
    waiting.clear();
    for (const { job, resolve } of jobs) fallback(job).then(([m]) => resolve(m));
  }

  function start() {
    try {
      worker = makeWorker();
    } catch {
      broken = true;
      return;
    }
    worker.onmessage = (ev) => {
      const w = waiting.get(ev.data.id);
      if (!w) return;
      waiting.delete(ev.data.id);
      w.resolve(ev.data);
    };
    worker.onerror = (ev) => {
      ev?.preventDefault?.();
      giveUp();
    };
  }

  return {
    run(path, payload) {
      next += 1;
      const job = { id: next, path, payload };
      if (!worker && !broken) start();
      if (broken) return fallback(job).then(([m]) => m);
      return new Promise((resolve) => {
        waiting.set(job.id, { job, resolve });
        try {
          worker.postMessage(job);
        } catch {
          giveUp();
        }
      });
    },
    get usingWorker() {
      return Boolean(worker) && !broken;
    },
  };
}
