"""The figures of ``bench/classroom.py`` from the students' records (pure: no network).

* forward p50/p99: client-side latency of every forward (stroke) that succeeded;
* epochs/s and steps/s in total: ``epoch_end`` and ``progress`` messages over the run;
* lost sessions: what ``student_ledger`` flagged (must be 0);
* recovery after a kill at ``t_kill``: per student, until it was served again
  (``student_recovery``); time to recover = the slowest student (inf: never recovered);
  affected: the students that saw a request fail or their train moved (a ``notice``);
* errors: failed requests by kind, before the first kill (a healthy server has none) and after.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.client import percentile
from bench.student import StudentRecord


@dataclass
class Recovery:
    t_kill: float
    what: str
    affected: int  # students that saw a request fail, or their train moved, after the kill
    seconds: float  # until every student was served again (student_recovery)
    per_student: list[float] = field(default_factory=list)


@dataclass
class Summary:
    students: int
    seconds: float
    forwards: int
    forward_p50_ms: float
    forward_p99_ms: float
    epochs_per_s: float
    steps_per_s: float
    play_fraction: float  # share of student-time with Play on
    sessions_created: int
    unsaved_epochs: int
    notices: int
    redone_s: float
    lost: list[tuple[float, str, str]]
    errors_before: Counter[str]
    errors_after: Counter[str]
    recoveries: list[Recovery]
    actions: Counter[str]


def student_recovery(record: StudentRecord, t_kill: float) -> float:
    """Seconds from the kill until this student was served again: the longest of
    - after a failure: until the first request started after its last failure succeeded;
    - a request in flight at the kill: until it succeeded;
    - its next request after the kill: how long that one took;
    - a train the server moved (``notice``): until its next step arrived (``resume``).
    inf when nothing succeeded after its last failure."""
    waits = [0.0]
    failures = [e.t1 for e in record.events if not e.ok and e.t1 >= t_kill]
    if failures:
        after = [e.t1 for e in record.events if e.ok and e.t0 >= max(failures)]
        waits.append(min(after) - t_kill if after else math.inf)
    waits += [e.t1 - t_kill for e in record.events if e.ok and e.t0 < t_kill <= e.t1]
    later = [e for e in record.events if e.ok and e.t0 >= t_kill]
    if later:
        first = min(later, key=lambda e: e.t0)
        waits.append(first.t1 - first.t0)
    waits += [e.t1 - t_kill for e in record.events if e.kind == "resume" and e.t1 >= t_kill]
    return max(waits)


def moved_or_failed(record: StudentRecord, t_kill: float) -> bool:
    return any((not e.ok or e.kind == "resume") and e.t1 >= t_kill for e in record.events)


def recovery(records: Sequence[StudentRecord], t_kill: float, what: str) -> Recovery:
    per = [student_recovery(r, t_kill) for r in records]
    return Recovery(t_kill, what, sum(moved_or_failed(r, t_kill) for r in records),
                    max(per, default=0.0), per)


def summarize(records: Sequence[StudentRecord], start: float, end: float,
              kills: Sequence[tuple[float, str]]) -> Summary:
    """``kills``: (wall-clock time, what was killed) of each kill during the run."""
    seconds = max(end - start, 1e-9)
    forwards = [e.t1 - e.t0 for r in records for e in r.events if e.kind == "forward" and e.ok]
    first_kill = min((t for t, _ in kills), default=math.inf)
    failed = [e for r in records for e in r.events if not e.ok]
    return Summary(
        students=len(records), seconds=seconds, forwards=len(forwards),
        forward_p50_ms=percentile(forwards, 50) * 1000,
        forward_p99_ms=percentile(forwards, 99) * 1000,
        epochs_per_s=sum(r.epochs for r in records) / seconds,
        steps_per_s=sum(r.steps for r in records) / seconds,
        play_fraction=sum(r.play_s for r in records) / (seconds * max(len(records), 1)),
        sessions_created=sum(len(r.sessions) for r in records),
        unsaved_epochs=sum(r.unsaved_epochs for r in records),
        notices=sum(len(r.notices) for r in records),
        redone_s=sum(redone for r in records for _, redone in r.notices),
        lost=[lost for r in records for lost in r.lost],
        errors_before=Counter(e.kind for e in failed if e.t1 < first_kill),
        errors_after=Counter(e.kind for e in failed if e.t1 >= first_kill),
        recoveries=[recovery(records, t, what) for t, what in kills],
        actions=sum((r.actions for r in records), Counter()),
    )


def format_summary(s: Summary) -> list[str]:
    lines = [
        f"students {s.students}, {s.seconds:.0f} s, actions {dict(s.actions)}",
        f"forward p50 {s.forward_p50_ms:.1f} ms, p99 {s.forward_p99_ms:.1f} ms "
        f"({s.forwards} strokes, {s.forwards / s.seconds:.1f}/s)",
        f"training {s.epochs_per_s:.2f} epochs/s, {s.steps_per_s:.1f} steps/s in total; "
        f"Play on {100 * s.play_fraction:.0f}% of student-time",
        f"sessions created {s.sessions_created}, lost {len(s.lost)} (epochs that ended just "
        f"before a failure, their save unproven: {s.unsaved_epochs})",
    ]
    if s.notices:
        lines.append(f"trains moved to another node (notices) {s.notices}, training redone "
                     f"{s.redone_s:.1f} s in all")
    lines += [f"  LOST {sid} at {t:.1f}: {why}" for t, sid, why in s.lost[:10]]
    lines.append(f"failed requests before a kill {dict(s.errors_before) or 0}, "
                 f"after {dict(s.errors_after) or 0}")
    for r in s.recoveries:
        slow = sorted(r.per_student, reverse=True)[:5]
        lines.append(f"kill of {r.what}: {r.affected} students affected, all served again in "
                     f"{r.seconds:.1f} s (slowest {', '.join(f'{x:.1f}' for x in slow)} s)")
    return lines
