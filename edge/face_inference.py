"""The faces of one frame through the model together: one call per signature for all of
them (ExpressionModel's ``*_many``; one call each for files exported before batching), and
each face's state updated with its probabilities.

``frame`` models classify every crop; ``windowed`` models the faces whose buffer holds a
full window; ``streaming`` models encode every crop, then replay each face's last T frames
(or step its carried state with ``carry_state``).
"""

from __future__ import annotations


def infer_together(model, taken: list, t: float) -> None:
    """``taken``: (FaceState, crop) pairs of the frame at time ``t``, crops aligned."""
    if not taken:
        return
    if model.mode == "streaming":
        features = model.encode_many([crop for _, crop in taken])
        waiting = []
        for (state, _), f in zip(taken, features):
            probs = state.push_features(f[None], t)
            if probs is None:
                waiting.append(state)
            else:
                state.observe(probs)
        for state, probs in zip(waiting, model.replay_many([s.window_features() for s in waiting])):
            state.observe(probs)
    elif model.mode == "windowed":
        ready = [state for state, crop in taken if state.ready_window(crop, t)]
        for state, probs in zip(ready, model.predict_many([s.buffer.window() for s in ready])):
            state.observe(probs)
    else:
        for (state, _), probs in zip(taken, model.predict_many([crop for _, crop in taken])):
            state.last_taken = t
            state.observe(probs)
