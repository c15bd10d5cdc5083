// When a view draws: at most once per animation frame however often it is asked (the asks
// of one frame coalesce into one draw of the newest state), no more often than `minInterval`
// ms, and only while it is on screen. A view asked while off screen is marked stale and draws
// as soon as it is shown again. Pure: the frame clock is passed in (tested with a fake one in
// tests/js/draw-scheduler.test.mjs); ui/on-screen.js says when the view is on screen.

/**
 * @param {() => void} draw  draws the view from the store's current state
 * @param {object} [o]
 * @param {(fn: (t: number) => void) => number} [o.schedule]  requestAnimationFrame
 * @param {(id: number) => void} [o.cancel]  cancelAnimationFrame
 * @param {() => number} [o.now]  performance.now
 * @param {(fn: () => void, ms: number) => number} [o.delay]  setTimeout (waits out minInterval
 *   without asking for frames meanwhile: an asked-for frame makes the browser render one)
 * @param {(id: number) => void} [o.undelay]  clearTimeout
 * @param {number} [o.minInterval]  ms between two draws (0: every frame)
 * @param {boolean} [o.visible]  whether the view starts on screen (until told otherwise)
 * @param {boolean} [o.sync]  an ask that comes when a draw is due (on screen, the interval
 *   over, none waiting) draws at once, in the asker's task: asked from an animation frame
 *   (the stream's store update), the view is drawn in that frame, not one more
 * @returns {{request(): void, setVisible(v: boolean): void, drawNow(): void, flush(): void,
 *   readonly stale: boolean, readonly visible: boolean, readonly draws: number, destroy(): void}}
 */
export function createDrawScheduler(draw, o = {}) {
  const schedule = o.schedule ?? ((fn) => requestAnimationFrame(fn));
  const cancel = o.cancel ?? ((id) => cancelAnimationFrame(id));
  const now = o.now ?? (() => performance.now());
  const delay = o.delay ?? ((fn, ms) => setTimeout(fn, ms));
  const undelay = o.undelay ?? ((id) => clearTimeout(id));
  const minInterval = o.minInterval ?? 0;
  let visible = o.visible ?? true;
  let stale = false;
  let frame = null;
  let timer = null;
  let last = -Infinity;
  let draws = 0;
  let dead = false;

  function run() {
    draws += 1;
    last = now();
    stale = false;
    draw();
  }

  function onFrame() {
    frame = null;
    if (dead || !stale || !visible) return;
    const wait = minInterval - (now() - last);
    if (wait > 0) {
      // too soon after the last draw: wait, then draw at the frame after
      timer = delay(() => {
        timer = null;
        arm();
      }, wait);
      return;
    }
    run();
  }

  function arm() {
    if (frame === null && timer === null && stale && visible && !dead) frame = schedule(onFrame);
  }

  function stop() {
    if (frame !== null) cancel(frame);
    if (timer !== null) undelay(timer);
    frame = null;
    timer = null;
  }

  return {
    /** The state changed: draw at the next frame (once, however many asks come before it). */
    request() {
      stale = true;
      if (o.sync && visible && !dead && frame === null && timer === null && now() - last >= minInterval) run();
      else arm();
    },
    /** The view came on screen (draws then if it missed a change) or went off it. */
    setVisible(v) {
      visible = Boolean(v);
      if (!visible) stop();
      arm();
    },
    /** Draw at once if on screen (a stroke's reply: no frame of delay), else mark stale. */
    drawNow() {
      if (dead) return;
      if (!visible) {
        stale = true;
        return;
      }
      stop();
      run();
    },
    /** Draw now if a draw is owed, on screen or not (the page is about to be printed). */
    flush() {
      if (dead || !stale) return;
      stop();
      run();
    },
    get stale() {
      return stale;
    },
    get visible() {
      return visible;
    },
    get draws() {
      return draws;
    },
    destroy() {
      dead = true;
      stop();
    },
  };
}
