"""The lab's 2-D data view in a real browser (headless system Chromium), Performance API timings.

1. Redraws while training: Play on the spiral with two hidden layers of 8 ReLUs (the issue's
   case). The server streams a grid (every neuron over the plane, uint8 frames) after an
   optimizer step at most ~30 times a second; the page paints the output map and marks
   `plane-paint`, and every neuron's map and marks `plane-maps`, each with the grid's optimizer
   step. Counted over `--seconds` of Play: paints a second whose step is newer than the one
   painted before (so each counted frame follows at least one optimizer step), plus the longest
   gap between animation frames.
2. A typed weight to its boundary on screen: click a weight's line, type a value, Enter. The
   page measures `weight-to-boundary` from the Enter to the animation frame after the new grid
   is painted (PUT params, WS grid command, decode, paint). Median and p90 over `--edits`.

    .venv/bin/python bench/lab_page_perf.py [--seconds 10] [--edits 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browser_page import browser_page  # noqa: E402

SPIRAL = "tab=plane&set=spiral&in=2x1x1&arch=flatten-dense8-relu-dense8-relu-dense1-sigmoid"
STORE = "window.nnplayLab.plane.store"
GAPS = """() => {
  window.__frames = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__frames.push({
      duration: e.duration, blocking: e.blockingDuration,
      scripts: e.scripts.map((x) => ({ what: `${x.invoker} ${x.sourceFunctionName || ""} `
        + `${(x.sourceURL || "").split("/").pop()}`, ms: x.duration })),
    });
  }).observe({ type: "long-animation-frame" });
  window.__gaps = [];
  let last = performance.now();
  const tick = (t) => { window.__gaps.push(t - last); last = t; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}"""


def fresh_paints(marks: list[dict]) -> tuple[int, float]:
    """(paints whose step is newer than the last one painted, seconds from first to last)."""
    count = 0
    last = -1
    for m in marks:
        if m["step"] > last:
            count += 1
            last = m["step"]
    span = (marks[-1]["t"] - marks[0]["t"]) / 1000 if len(marks) > 1 else 0.0
    return count, span


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args()
    with browser_page(f"/lab?{SPIRAL}", 1280, 800) as page:
        page.wait_for_function("document.querySelector('.out-wrap')?.dataset.gridId")
        page.wait_for_function(f"{STORE}.get('weights') !== null")
        page.evaluate(GAPS)
        play = page.get_by_role("button", name="Train epoch after epoch until paused")
        page.evaluate("performance.clearMarks()")
        play.click()
        page.wait_for_function(f"{STORE}.get('training')")
        page.wait_for_timeout(500)  # past the start of the stream
        page.evaluate("performance.clearMarks(); performance.clearMeasures();"
                      " window.__gaps = []; window.__frames = []")
        grids0 = int(page.evaluate("document.querySelector('.plane').dataset.grids"))
        page.wait_for_timeout(args.seconds * 1000)
        grids = int(page.evaluate("document.querySelector('.plane').dataset.grids")) - grids0
        marks = {
            name: page.evaluate(
                f"performance.getEntriesByName('{name}')"
                ".map(e => ({t: e.startTime, step: e.detail.step}))"
            )
            for name in ("plane-paint", "plane-maps")
        }
        work = {
            name: page.evaluate(f"performance.getEntriesByName('{name}').map(e => e.duration)")
            for name in ("plane-diagram-work", "plane-output-work")
        }
        gaps = page.evaluate("window.__gaps")
        frames = page.evaluate("window.__frames")
        play.click()
        page.wait_for_function(f"!{STORE}.get('training')", timeout=60_000)
        epochs = page.evaluate(f"{STORE}.get('epoch')")

        page.evaluate("performance.clearMeasures('weight-to-boundary')")
        line = page.locator("path.net-hit[data-dense=dense3][data-row='0'][data-col='0']")
        edits = page.locator(".out-wrap")
        for i in range(args.edits):
            line.click()
            page.locator("form.net-edit input").fill(f"{(-1) ** i * (1 + i % 7) * 0.5}")
            page.locator("form.net-edit input").press("Enter")
            page.wait_for_function(
                f"Number(document.querySelector('.out-wrap').dataset.edits) === {i + 1}"
            )
        durations = page.evaluate(
            "performance.getEntriesByName('weight-to-boundary').map(e => e.duration)"
        )
        assert edits.get_attribute("data-edits") == str(args.edits)

    paints = marks["plane-paint"]
    span = (paints[-1]["t"] - paints[0]["t"]) / 1000 if len(paints) > 1 else 0.0
    steps_rate = (paints[-1]["step"] - paints[0]["step"]) / span if span else 0.0
    print(f"Play, spiral, 2-8-8-1 ReLU, grid 48x48, {args.seconds:.0f} s of Play "
          f"({steps_rate:.0f} optimizer steps a second; {epochs} epochs in all):")
    for name, ms in marks.items():
        fresh, span = fresh_paints(ms)
        rate = fresh / span if span else 0.0
        print(f"  {name}: {len(ms)} paints, {fresh} after a new optimizer step, "
              f"{rate:.1f} a second")
    between = sorted((paints[i + 1]["t"] - paints[i]["t"] for i in range(len(paints) - 1)),
                     reverse=True)
    print(f"  time between paints: median {statistics.median(between):.1f} ms, "
          f"longest {', '.join(f'{g:.0f}' for g in between[:3])} ms")
    pauses = [g for g in between if g > 300]
    if pauses and span:
        busy = span - sum(pauses) / 1000
        print(f"  without the {len(pauses)} pause(s) over 300 ms (a 100-epoch train command ending "
              f"and the next starting): {(len(paints) - len(pauses)) / busy:.1f} paints a second")
    for name, ms in work.items():
        if ms:
            print(f"  {name} (the page's own drawing per paint): median "
                  f"{statistics.median(ms):.2f} ms, max {max(ms):.1f} ms")
    print(f"  grids received from the server: {grids} ({grids / args.seconds:.1f} a second)")
    print(f"  frame gaps: median {statistics.median(gaps):.1f} ms, longest {max(gaps):.1f} ms")
    for frame in sorted(frames, key=lambda f: -f["duration"])[:3]:
        scripts = ", ".join(f"{x['what'].strip()} {x['ms']:.0f}ms"
                            for x in sorted(frame["scripts"], key=lambda x: -x["ms"])[:3])
        print(f"  long frame {frame['duration']:.0f}ms (blocking {frame['blocking']:.0f}ms): "
              f"{scripts or 'no script'}")
    durations.sort()
    p90 = durations[int(0.9 * (len(durations) - 1))]
    print(f"typed weight to boundary on screen: n={len(durations)} "
          f"median={statistics.median(durations):.1f}ms p90={p90:.1f}ms max={max(durations):.1f}ms")


if __name__ == "__main__":
    main()
