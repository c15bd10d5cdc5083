"""A session as a model file (docs/model-format.md) or a PyTorch script, and a new session
from a model file."""

from __future__ import annotations

from server.config import Settings
from server.errors import ApiError
from server.persist import model_file
from server.sessions import pytorch_script
from server.sessions.session import Session
from server.sessions.settings import TrainSettings


def export_npz(session: Session) -> bytes:
    """Spec, settings, class names and every parameter as one .npz."""
    return model_file.write(session.spec, session.settings.model_dump(),
                            session.state_class_names(), session.model.get_weights())


def export_py(session: Session) -> str:
    """A runnable PyTorch script rebuilding the network with the same weights."""
    weights = model_file.write_weights(session.model.get_weights())
    return pytorch_script.render(session.spec, session.state_class_names(), weights)


def from_model_file(session_id: str, limits: Settings,
                    loaded: model_file.ModelFile) -> Session:
    """A new session whose network is the file's, weights and all."""
    settings = TrainSettings()
    if loaded.settings is not None:
        try:
            settings = TrainSettings.model_validate(loaded.settings)
        except ValueError:
            settings = TrainSettings()
    try:
        session = Session(session_id, limits, loaded.spec, settings)
    except ApiError as exc:  # the file's spec (engine rules, server limits): name the file
        raise ApiError(exc.status, f"file: its spec is refused: {exc.message}", "file",
                       **exc.extra) from exc
    session.file_class_names = list(loaded.class_names or [])[:1024]
    try:
        session.model.set_weights(loaded.weights)
    except ValueError as exc:
        raise ApiError(422, f"file: {exc}", "file") from exc
    session.data, session.training, session.training_problem = session.data_for(
        session.model, session.settings, strict=False)
    return session
