"""What a simulated student knows about its session, to tell when the server lost it.

A session is *lost* when the server answers 404 for it, or when what the student knows was
saved is no longer there: an epoch it saw end is missing from the history or has other numbers,
the finished-epoch count or the optimizer step went back below what was saved, or, at the step
it was saved at, the same drawing no longer gives the same probabilities (the weights changed).

What is known saved: the state in the ``done`` of a train (sent *as saved*), and an epoch whose
``epoch_end`` was followed by a ``progress`` of the same train: the server sends ``epoch_end``,
then saves, then takes the next step, so a later step proves the save. An epoch whose end came
last before the socket failed is *pending*: the crash may have come before its save, and its
training may be redone (the protocol allows a kill to lose the last 5 s of training); the
student drops it (``drop_pending``, counted as possibly redone). The step in progress may go
back after a crash, but never below a saved one. The students never rewind, so history only
grows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SessionLedger:
    """The saved facts about one session; each ``check_*`` returns a problem or None."""

    session_id: str
    epochs: dict[int, float] = field(default_factory=dict)  # epoch -> train_loss, as saved
    saved_epoch: int = 0  # finished epochs known saved
    saved_step: int = 0  # optimizer steps known saved
    fingerprint: tuple[int, list[float]] | None = None  # (step, probabilities of the drawing)
    pending: list[dict[str, Any]] = field(default_factory=list)  # epoch_end not yet proven saved

    def note_epoch_end(self, message: dict[str, Any]) -> None:
        """An ``epoch_end`` message: saved once the next step of the train shows up."""
        self.pending.append(message)

    def note_progress(self) -> None:
        """A ``progress`` message: every epoch that ended before it was saved."""
        for message in self.pending:
            self.epochs[int(message["epoch"])] = float(message["train_loss"])
            self.saved_epoch = max(self.saved_epoch, int(message["epoch"]))
            self.saved_step = max(self.saved_step, int(message["step"]))
        self.pending.clear()

    def drop_pending(self) -> int:
        """The train's socket failed: epochs whose save is unproven; how many there were."""
        count = len(self.pending)
        self.pending.clear()
        return count

    def note_saved_state(self, state: dict[str, Any]) -> None:
        """A state the server says is saved (the ``done`` of a train): its history and step."""
        self.pending.clear()
        for entry in state["history"]:
            self.epochs[int(entry["epoch"])] = float(entry["train_loss"])
        self.saved_epoch = max(self.saved_epoch, int(state["epoch"]))
        self.saved_step = max(self.saved_step, int(state["step"]))

    def note_forward(self, step: int, probabilities: Sequence[float]) -> None:
        """The probabilities the reference drawing got with the weights at ``step``."""
        self.fingerprint = (step, list(probabilities))

    def check_state(self, state: dict[str, Any]) -> str | None:
        """Any state the server sends (on connect, GET, ``state``, ``done``)."""
        if state["epoch"] < self.saved_epoch:
            return f"epoch {state['epoch']} < saved epoch {self.saved_epoch}"
        if state["step"] < self.saved_step:
            return f"step {state['step']} < saved step {self.saved_step}"
        history = {int(e["epoch"]): e["train_loss"] for e in state["history"]}
        for epoch, loss in sorted(self.epochs.items()):
            if epoch not in history:
                return f"epoch {epoch} missing from the history"
            if history[epoch] is None or not math.isclose(history[epoch], loss, rel_tol=1e-9,
                                                          abs_tol=1e-12):
                return f"epoch {epoch} train_loss {history[epoch]} != saved {loss}"
        return None

    def check_forward(self, step: int, probabilities: Sequence[float]) -> str | None:
        """A forward of the reference drawing at ``step`` (the state's step just before)."""
        if self.fingerprint is None or self.fingerprint[0] != step:
            return None
        before = self.fingerprint[1]
        if len(before) != len(probabilities) or any(
                not math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-7)
                for a, b in zip(before, probabilities, strict=True)):
            return f"weights at step {step} changed: probabilities differ"
        return None
