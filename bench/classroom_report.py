"""The figures of ``bench/classroom.py`` from the students' records (pure: no network).

* forward p50/p99: client-side latency of every forward (stroke) that succeeded;
* epochs/s and steps/s in total: ``epoch_end`` and ``progress`` messages over the run;
* lost sessions: what ``student_ledger`` flagged (must be 0);
* recovery after a kill at ``t_kill``: a student that saw no request fail after it is
  unaffected (0 s); otherwise it recovered when the first request it started after its last
  failure succeeded. Time to recover = the slowest student (inf: never recovered);
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
    affected: int  # students that saw a request fail after the kill
    seconds: float  # until every student's next request succeeded (0: nobody noticed)
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
    lost: list[tuple[float, str, str]]
    errors_before: Counter[str]
    errors_after: Counter[str]
    recoveries: list[Recovery]
    actions: Counter[str]


def student_recovery(record: StudentRecord, t_kill: float) -> float:
    """Seconds from the kill until this student's first request after its last failure
    succeeded; 0 when nothing failed after the kill; inf when nothing succeeded after."""
    failures = [e for e in record.events if not e.ok and e.t1 >= t_kill]
    if not failures:
        return 0.0
    last = max(e.t1 for e in failures)
    after = [e.t1 for e in record.events if e.ok and e.t0 >= last]
    return min(after) - t_kill if after else math.inf


def recovery(records: Sequence[StudentRecord], t_kill: float, what: str) -> Recovery:
    per = [student_recovery(r, t_kill) for r in records]
    return Recovery(t_kill, what, sum(1 for s in per if s > 0), max(per, default=0.0), per)


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
    lines += [f"  LOST {sid} at {t:.1f}: {why}" for t, sid, why in s.lost[:10]]
    lines.append(f"failed requests before a kill {dict(s.errors_before) or 0}, "
                 f"after {dict(s.errors_after) or 0}")
    for r in s.recoveries:
        slow = sorted(r.per_student, reverse=True)[:5]
        lines.append(f"kill of {r.what}: {r.affected} students affected, all recovered in "
                     f"{r.seconds:.1f} s (slowest {', '.join(f'{x:.1f}' for x in slow)} s)")
    return lines
