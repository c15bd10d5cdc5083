"""Front-end timings in a real browser (headless system Chromium), with the Performance API.

1. Stroke to all feature maps redrawn, *small* network: the pad stamps the time of each input
   (performance.now()), the network view records a `stroke-to-maps` measure at the first
   animation frame after it has repainted every column for the forward reply of that input
   (one request in flight; inputs made while one is out are coalesced). Median and p90 over
   every reply to a stroke drawn with the mouse.
2. Longest main-thread task while an epoch of *small* streams over the WebSocket: a
   PerformanceObserver for `longtask` entries (tasks over 50 ms), plus the longest gap
   between animation frames as a second view of the same thing.

    .venv/bin/python bench/page_perf.py [--strokes 40] [--epochs 1] [--throttle 4] [--trace]
                                        [--frame-gaps] [--burners 2 [--bursty]]

`--trace` also records a Chromium trace of the epoch and prints the page's main-thread CPU time
(thread time, which other processes' load does not inflate): total, the tasks over 50 ms of CPU,
and the time in layout, style, HTML parsing and paint.

`--burners N` runs N busy-loop processes beside the whole run (the strokes and the epochs): a
loaded machine that the command itself makes, the same every time; `--bursty` makes them work and
sleep in turns, like other interactive programs (bench/burners.py).

`--throttle N` slows the page's CPU N times (Chromium's DevTools CPU throttling) while the epoch
streams: a loaded machine made repeatable, so that two versions of the page can be compared.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browser_page import browser_page  # noqa: E402
from bench.burners import cpu_burners, load_average  # noqa: E402
from bench.run_queue import describe_wait, renderer_sched  # noqa: E402

SMALL = (
    "in=1x28x28&arch=conv8k3p1-relu-maxpool2-conv16k3p1-relu-maxpool2-flatten-dense64-relu-"
    "dense10-softmax&autotrain=0"
)

WATCH = """() => {
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push(e.duration);
  }).observe({ type: "longtask" });
  // What ran in each animation frame over 50 ms (Long Animation Frames API): the scripts'
  // entry points and their time, so a long task can be traced to the code behind it.
  window.__frames = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__frames.push({
      duration: e.duration, blocking: e.blockingDuration,
      render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
      scripts: e.scripts.map((x) => ({ what: `${x.invoker} ${x.sourceFunctionName || ""} `
        + `${(x.sourceURL || "").split("/").pop()}`, ms: x.duration })),
    });
  }).observe({ type: "long-animation-frame" });
  window.__gaps = [];
}"""

# The gaps between animation frames, seen by a requestAnimationFrame loop. Optional: the loop
# itself makes the renderer produce a frame (commit, layerize) every 16.7 ms whether or not the
# page changed anything, several thousand extra main-thread tasks per epoch on a loaded machine.
FRAME_GAPS = """() => {
  let last = performance.now();
  const tick = (t) => {
    window.__gaps.push(t - last); last = t; window.__raf = requestAnimationFrame(tick);
  };
  window.__raf = requestAnimationFrame(tick);
}"""


PHASES = {
    "layout": ("Layout",),
    "style": ("UpdateLayoutTree",),
    "html": ("ParseHTML",),
    "paint": ("PrePaint", "Paint", "Layerize", "Commit"),
}


def main_thread_cpu(trace_path: Path, seconds: float) -> str:
    """The renderer main thread's CPU (trace `tdur`, microseconds) during the traced epoch."""
    data = json.loads(trace_path.read_text())
    events = data["traceEvents"] if isinstance(data, dict) else data
    mains = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("ph") == "M"
        and e.get("name") == "thread_name"
        and e["args"].get("name") == "CrRendererMain"
    }
    by_thread: dict[tuple[int, int], list[dict]] = {}
    for e in events:
        if e.get("ph") == "X" and (e.get("pid"), e.get("tid")) in mains:
            by_thread.setdefault((e["pid"], e["tid"]), []).append(e)
    thread = max(
        by_thread.values(),
        key=lambda es: sum(e.get("tdur", 0) for e in es if e["name"] == "RunTask"),
    )
    tasks = [e.get("tdur", 0) / 1000 for e in thread if e["name"] == "RunTask"]
    phases = {
        k: sum(e.get("tdur", 0) for e in thread if e["name"] in names) / 1000
        for k, names in PHASES.items()
    }
    long = [t for t in tasks if t > 50]
    lines = [
        f"main-thread CPU {sum(tasks):.0f}ms in {len(tasks)} tasks "
        f"({sum(tasks) / seconds:.0f}ms and {len(tasks) / seconds:.0f} tasks per second), "
        f"{sum(e['name'] == 'Commit' for e in thread) / seconds:.0f} frames rendered per second, "
        "over 50ms of CPU: "
        f"{len(long)} (longest {max(tasks):.0f}ms); "
        + " ".join(f"{k} {v:.0f}ms" for k, v in phases.items())
    ]
    gcs = [e for e in thread if "GC" in e["name"] or e["name"].startswith("V8.GC")]
    lines.append(
        f"GC on the main thread: {len(gcs)} events, "
        f"{sum(e.get('dur', 0) for e in gcs if e['name'] in GC_TOP) / 1000:.0f}ms wall"
    )
    lines += long_task_contents(thread)
    return "\n  ".join(lines)


GC_TOP = ("MinorGC", "MajorGC", "ScavengeTask", "V8.GCScavenger", "V8.GCFinalizeMC")


def describe(e: dict) -> str:
    """One trace event in a few words: its name and, for script, the function and file."""
    data = e.get("args", {}).get("data", {}) or {}
    where = data.get("functionName") or data.get("type") or ""
    url = (data.get("url") or "").split("/")[-1]
    return " ".join(x for x in (e["name"], where, url) if x)


def long_task_contents(thread: list[dict], limit: int = 8) -> list[str]:
    """Tasks over 50 ms of wall time: wall vs CPU, and their direct children (wall/CPU ms)."""
    tasks = sorted(
        (e for e in thread if e["name"] == "RunTask" and e.get("dur", 0) > 50_000),
        key=lambda e: -e["dur"],
    )
    out = [f"tasks over 50ms of wall time: {len(tasks)}"]
    events = sorted(thread, key=lambda e: (e["ts"], -e.get("dur", 0)))
    for task in tasks[:limit]:
        end = task["ts"] + task["dur"]
        inside = [
            e for e in events if e is not task and task["ts"] <= e["ts"] < end
        ]
        children, reach = [], -1
        for e in inside:  # direct children: not nested in an earlier child
            if e["ts"] >= reach:
                children.append(e)
                reach = e["ts"] + e.get("dur", 0)
        parts: dict[str, list[float]] = {}
        for c in children:
            acc = parts.setdefault(describe(c), [0.0, 0.0])
            acc[0] += c.get("dur", 0) / 1000
            acc[1] += c.get("tdur", 0) / 1000
        top = sorted(parts.items(), key=lambda kv: -kv[1][0])[:4]
        out.append(
            f"  task {task['dur'] / 1000:.0f}ms wall, {task.get('tdur', 0) / 1000:.0f}ms CPU: "
            + "; ".join(f"{k} {w:.0f}/{c:.0f}" for k, (w, c) in top)
        )
    return out


# One forward reply's work, split (parse and decode timed here on the main thread; the page does
# them in its forward worker since issue 12): JSON.parse of the reply's text, decoding its
# tensors (base64 -> Float32Array), and every view's redraw (store.set of lastForward). Fifteen
# validation samples, fetched first so that the network is not in the timings.
REPLY_WORK = """async () => {
  const api = await import('/static/js/api.js');
  const s = window.nnplay.store;
  const id = s.get('sessionId');
  const t = {parse: [], decode: [], views: []};
  let bytes = 0;
  for (let i = 0; i < 15; i++) {
    const res = await fetch(`/api/sessions/${id}/forward`, {method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({sample: {split: 'val', index: i}})});
    const text = await res.text();
    bytes = text.length;
    let t0 = performance.now();
    const json = JSON.parse(text);
    t.parse.push(performance.now() - t0);
    t0 = performance.now();
    const reply = api.decodeForward(json);
    t.decode.push(performance.now() - t0);
    t0 = performance.now();
    s.set('lastForward', {...reply, input: s.get('input')});
    t.views.push(performance.now() - t0);
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 20)));
  }
  const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
  return {bytes, parse: med(t.parse), decode: med(t.decode), views: med(t.views)};
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strokes", type=int, default=40)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--frames", type=int, default=3, help="longest frames to print")
    parser.add_argument("--trace", action="store_true", help="main-thread CPU of the epoch")
    parser.add_argument(
        "--frame-gaps", action="store_true", help="also run a rAF loop timing frame gaps"
    )
    parser.add_argument(
        "--throttle", type=float, default=1, help="CPU slowdown while the epoch streams"
    )
    parser.add_argument(
        "--burners", type=int, default=0, help="busy-loop processes beside the run"
    )
    parser.add_argument(
        "--bursty", action="store_true", help="burners work and sleep in turns (1-20 ms)"
    )
    args = parser.parse_args()
    with cpu_burners(args.burners, bursty=args.bursty):
        run(args)


def run(args: argparse.Namespace) -> None:
    """Strokes, then the epochs streaming; prints the figures."""
    with browser_page(f"/?{SMALL}", 1280, 720) as page:
        page.wait_for_function("document.getElementById('app').dataset.state === 'ready'")
        page.wait_for_function("window.nnplay.store.get('lastForward')")
        page.evaluate("performance.clearMeasures()")
        box = page.locator("canvas.pad").bounding_box()
        for i in range(args.strokes):
            if i % 5 == 0:
                page.keyboard.press("c")
            x0 = box["x"] + box["width"] * (0.2 + 0.12 * (i % 5))
            page.mouse.move(x0, box["y"] + box["height"] * 0.15)
            page.mouse.down()
            page.mouse.move(x0 + 20, box["y"] + box["height"] * 0.85, steps=12)
            page.mouse.up()
            page.wait_for_function(
                "() => window.nnplay.store.get('lastForward').input"
                " === window.nnplay.store.get('input')"
            )
            page.wait_for_timeout(50)
        durations = page.evaluate(
            "performance.getEntriesByName('stroke-to-maps').map(e => e.duration)"
        )
        layers = page.evaluate("window.nnplay.store.get('lastForward').layers.length")
        parts = {
            name: page.evaluate(f"performance.getEntriesByName('{name}').map(e => e.duration)")
            for name in ("forward-queued", "forward-request", "forward-views", "forward-frame")
        }
        reply_work = page.evaluate(REPLY_WORK)

        if args.throttle != 1:
            cdp = page.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.throttle})
        page.evaluate(WATCH)
        if args.frame_gaps:
            page.evaluate(FRAME_GAPS)
        page.wait_for_timeout(500)
        page.evaluate("window.__longtasks = []; window.__gaps = []; window.__frames = []")
        trace_path = Path(tempfile.mkdtemp(prefix="nnplay-trace-")) / "epoch.json"
        if args.trace:
            page.context.browser.start_tracing(
                page=page,
                path=str(trace_path),
                categories=[
                    "disabled-by-default-devtools.timeline",
                    "devtools.timeline",
                    "v8",
                ],
            )
        sched_before = renderer_sched()
        started = time.perf_counter()
        for e in range(args.epochs):
            page.get_by_role("button", name="+1 epoch").click()
            # Polled every 100 ms, not at every animation frame (Playwright's default): a
            # poll per frame would make the renderer draw 60 frames a second by itself.
            page.wait_for_function(
                f"window.nnplay.store.get('epoch') >= {e + 1}"
                " && !window.nnplay.store.get('training')",
                timeout=600_000,
                polling=100,
            )
        seconds = time.perf_counter() - started
        waited = describe_wait(sched_before, renderer_sched())
        if args.trace:
            page.context.browser.stop_tracing()
        tasks = page.evaluate("window.__longtasks")
        gaps = page.evaluate("window.__gaps")
        frames = page.evaluate("window.__frames")
        steps = page.evaluate("window.nnplay.store.get('batchLosses').length")

    durations.sort()
    p90 = durations[int(0.9 * (len(durations) - 1))]
    print(
        f"stroke-to-maps small ({layers} layers): n={len(durations)} "
        f"median={statistics.median(durations):.1f}ms p90={p90:.1f}ms max={max(durations):.1f}ms"
    )
    for name, values in parts.items():
        if values:  # forward-frame is measured by the page since 2026-12-04
            print(f"  {name}: median={statistics.median(values):.1f}ms max={max(values):.1f}ms")
    w = reply_work
    print(
        f"  one reply ({w['bytes'] / 1000:.0f} KB of JSON), medians: JSON.parse {w['parse']:.1f}ms"
        f" decode {w['decode']:.1f}ms views {w['views']:.1f}ms"
    )
    longest = max(tasks) if tasks else 0.0
    throttled = f", CPU throttled {args.throttle:g}x" if args.throttle != 1 else ""
    busy = sum(f["duration"] for f in frames)
    gap_text = (
        f"longest-frame-gap={max(gaps):.1f}ms median-frame-gap={statistics.median(gaps):.1f}ms "
        if gaps
        else ""
    )
    print(
        f"epoch streaming small ({steps} steps{throttled}, {seconds:.1f}s): "
        f"longtasks(>50ms)={len(tasks)} "
        f"longest={f'{longest:.0f}ms' if tasks else 'none over 50ms'} {gap_text}"
        f"long-frames(>50ms)={len(frames)} totalling {busy:.0f}ms"
    )
    if args.trace:
        print("  " + main_thread_cpu(trace_path, seconds))
    print(f"  {waited}")
    kind = " bursty" if args.bursty else ""
    print(f"  load average (1 min) at the end: {load_average():.1f}, burners: {args.burners}{kind}")
    for frame in sorted(frames, key=lambda f: -f["duration"])[: args.frames]:
        if frame["duration"] < 50:
            break
        scripts = ", ".join(
            f"{x['what'].strip()} {x['ms']:.0f}ms"
            for x in sorted(frame["scripts"], key=lambda x: -x["ms"])[:3]
        )
        print(
            f"  long frame {frame['duration']:.0f}ms (blocking {frame['blocking']:.0f}ms, "
            f"render {frame['render']:.0f}ms): {scripts or 'no script'}"
        )


if __name__ == "__main__":
    main()
