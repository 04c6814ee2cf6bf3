"""One stage of a run, epoch by epoch: its model (resumed, or built with the previous stage's
weights), compiled with the stage's optimizer and loss; the training and validation streams;
each epoch fitted (``model.fit``, or the custom loop under multi-worker), checked for
divergence, checkpointed (the last and the best epoch) and recorded in ``state.json`` and
``history.csv``, so a run killed at any point resumes at its first unfinished epoch.
"""

from __future__ import annotations

import dataclasses
import math
import time
from pathlib import Path

import keras
import numpy as np

from keras_fer import tasks
from keras_fer.data.pipeline import class_weights
from keras_fer.errors import UsageError
from keras_fer.models import build, load_model
from keras_fer.training.checkpoints import save_model_atomic, write_history_csv, write_state
from keras_fer.training.custom_loop import make_epoch_runner
from keras_fer.training.distillation import stage_targets
from keras_fer.training.initial_weights import start_from
from keras_fer.training.inputs import epoch_seed, stage_dataset, stage_input_shape
from keras_fer.training.losses import monitor_of
from keras_fer.training.optimizers import current_learning_rate, make_optimizer
from keras_fer.training.progress import EpochProgress
from keras_fer.training.stages import freeze, transfer_weights
from keras_fer.training.strategy import is_chief
from keras_fer.training.weight_decay import l2_in_loss


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite."""


def train_stage(config, prepared, stages, s: int, state: dict, folder: Path, strategy, parts, progress, log) -> None:
    """Train stage ``s`` from ``state["epoch"]`` to its end (or early stopping); ``parts``: the
    (train, validation) sample indices. ``state`` is updated and written epoch by epoch."""
    train_idx, val_idx = parts
    best_path = folder / "checkpoints" / f"{stages[s].name}_best.keras"
    plan = _plan_stage(config, prepared, stages, s, state, folder, strategy, train_idx, val_idx, log)
    # TF pairs every op seed with the global one, so the global seed is set here, once per
    # stage and to the same value on a fresh run and after --resume; each epoch then draws
    # from its own explicit seeds (the stream's and the dropout states'), so epoch e draws
    # the same either way. Not per epoch: tf.random.set_seed clears TF's kernel caches,
    # and every epoch then re-instantiated the traced steps (2-3x slower epochs measured).
    keras.utils.set_random_seed(epoch_seed(config.train.seed, s, 0) % 2**31)
    for epoch in range(state["epoch"], plan.epochs):
        row, logged = _fit_epoch(plan, config, prepared, train_idx, strategy, epoch, epoch == state["epoch"], progress)
        if _record_epoch(plan, row, logged, epoch, state, folder, best_path, log):
            break


@dataclasses.dataclass
class _StagePlan:
    """What every epoch of one stage needs, worked out once when the stage starts."""

    index: int
    stage: object
    title: str  # "" for a one-stage run, else the stage's name
    model: object
    soft: object  # distillation targets, or None
    frames: object
    steps: int  # optimizer steps in a whole epoch
    epochs: int
    global_batch: int
    replicas: int
    val: object  # the validation stream, or None
    monitor: str
    mode: str
    weights: object  # class weights, or None
    by_hand: object  # the custom epoch runner (multi-worker), or None for model.fit
    folder: Path


def _plan_stage(config, prepared, stages, s, state, folder, strategy, train_idx, val_idx, log) -> _StagePlan:
    stage = stages[s]
    task = tasks.get(stage.train.target)
    replicas = strategy.num_replicas_in_sync
    model, frames = _stage_model(config, prepared, stages, s, state, folder, strategy, log)
    mixing = bool(config.augment.mixup or config.augment.cutmix)
    soft = stage_targets(stage, prepared, train_idx, frames, log, mixing=mixing)
    global_batch = stage.train.batch_size * replicas
    samples = len(train_idx) * (stage.frames or 1)
    steps = samples // global_batch if replicas > 1 else math.ceil(samples / global_batch)
    # A paper that counts iterations (Yu et al.: 300 + 200) sets train.iterations: the epochs
    # needed to cover them, the last one cut short where the count ends.
    epochs = math.ceil(stage.train.iterations / max(steps, 1)) if stage.train.iterations else stage.train.epochs
    if steps == 0:
        raise UsageError(
            f"{samples} training samples do not fill one global batch of {global_batch} ({replicas} replicas); "
            f"lower train.batch_size."
        )
    l2_in_loss(model, stage.train)  # train.weight_decay_form: l2 (fresh or resumed: set on each stage's model)
    with strategy.scope():
        if not getattr(model, "compiled", False):
            loss, metrics = task.loss_and_metrics(stage.train.label_smoothing, soft is not None)
            model.compile(
                optimizer=make_optimizer(stage.train, steps),
                loss=loss,
                metrics=metrics,
                jit_compile=stage.train.jit_compile,
            )
    val = _validation(config, prepared, stage, val_idx, global_batch, replicas, frames, soft)
    monitor, mode = monitor_of(stage.train, task, val is not None)
    weights = _class_weights(config, prepared, train_idx, stage, frames)
    # model.fit is broken under MultiWorkerMirroredStrategy in Keras 3 (see custom_loop).
    by_hand = make_epoch_runner(model, strategy, task, global_batch) if _is_multi_worker(strategy) else None
    if by_hand is not None and (weights is not None or soft is not None):
        raise UsageError(
            "train.class_weights, train.distill_from, augment.mixup and augment.cutmix are not available with "
            "train.strategy=multi_worker; drop them or the strategy."
        )
    title = stage.name if len(stages) > 1 else ""
    return _StagePlan(
        s,
        stage,
        title,
        model,
        soft,
        frames,
        steps,
        epochs,
        global_batch,
        replicas,
        val,
        monitor,
        mode,
        weights,
        by_hand,
        folder,
    )


def _validation(config, prepared, stage, val_idx, global_batch, replicas, frames, soft):
    """The validation stream of a stage, or None without enough validation samples."""
    # With several replicas every batch must split evenly, so validation drops its last
    # partial batch (fewer than one global batch of samples; the test split is complete).
    val_batch = (
        global_batch
        if replicas == 1
        else replicas * max(1, min(stage.train.batch_size, len(val_idx) * (stage.frames or 1) // replicas))
    )
    return (
        stage_dataset(
            prepared,
            val_idx,
            stage=stage,
            config=config,
            training=False,
            global_batch=val_batch,
            frames_per_output=frames,
            replicas=replicas,
            targets=soft,
        )
        if len(val_idx) >= replicas
        else None
    )


def _fit_epoch(plan, config, prepared, train_idx, strategy, epoch: int, first: bool, progress) -> tuple[dict, bool]:
    """One epoch of training and validation: the history row (logs, lr, wall and CPU seconds), and whether
    any loss was logged (an empty epoch logs none)."""
    stage = plan.stage
    data = stage_dataset(
        prepared,
        train_idx,
        stage=stage,
        config=config,
        training=True,
        global_batch=plan.global_batch,
        seed=epoch_seed(config.train.seed, plan.index, epoch),
        frames_per_output=plan.frames,
        replicas=plan.replicas,
        targets=plan.soft,
    )
    epoch_steps = plan.steps
    if stage.train.iterations and epoch == plan.epochs - 1:
        epoch_steps = stage.train.iterations - (plan.epochs - 1) * plan.steps
        data = data.take(epoch_steps)
    _reseed_layers(plan.model, epoch_seed(config.train.seed, plan.index, epoch))
    started, cpu_started = time.perf_counter(), time.process_time()
    title = f"{plan.title} epoch {epoch + 1}/{plan.epochs}".lstrip()
    if plan.by_hand is None and first:
        with strategy.scope():
            _build_before_tracing(plan.model, data.element_spec)
    if plan.by_hand is not None:
        logs = plan.by_hand(data, plan.val, [EpochProgress(title, epoch_steps, progress and is_chief())])
    else:
        callbacks = [
            keras.callbacks.TerminateOnNaN(),
            EpochProgress(title, epoch_steps, progress),
            keras.callbacks.TensorBoard(str(plan.folder / "logs" / stage.name), write_graph=False, profile_batch=0),
        ]
        logs = plan.model.fit(
            data,
            validation_data=plan.val,
            epochs=epoch + 1,
            initial_epoch=epoch,
            callbacks=callbacks,
            verbose=0,
            shuffle=False,
            class_weight=plan.weights,
        ).history
    row = {
        "stage": stage.name,
        "epoch": epoch + 1,
        **{k: float(v[-1]) for k, v in logs.items()},
        "lr": current_learning_rate(plan.model.optimizer),
        "seconds": round(time.perf_counter() - started, 2),  # wall clock: grows while the machine is shared
        "cpu_seconds": round(time.process_time() - cpu_started, 1),  # this process's CPU time, all threads
    }
    return row, bool(len(logs.get("loss", [])))


def _record_epoch(plan, row: dict, logged: bool, epoch: int, state: dict, folder: Path, best_path: Path, log) -> bool:
    """Check, checkpoint and log one finished epoch; True when the stage ends here (its last
    epoch, or early stopping)."""
    stage = plan.stage
    bad = [k for k, v in row.items() if isinstance(v, float) and not math.isfinite(v)] or ([] if logged else ["loss"])
    if bad:
        raise TrainingDiverged(
            f"{stage.name} epoch {epoch + 1}: {', '.join(bad)} became NaN or infinite; the run stopped and "
            f"kept the checkpoint of its last good epoch ({state['epoch']}) in {folder / 'checkpoints'}. "
            f"Train again with a lower train.learning_rate or with train.clipnorm set."
        )
    value = epoch + 1 if plan.monitor == "last" else row.get(plan.monitor)  # last: the schedule's end is the model
    if value is None:
        raise UsageError(
            f"train.monitor={plan.monitor!r} is not a logged metric; logged: "
            f"{sorted(k for k in row if k not in ('stage', 'epoch'))}."
        )
    best = state["best"]
    improved = (
        best is None
        or best.get("stage") != stage.name
        or best.get("monitor", plan.monitor) != plan.monitor  # resumed under another monitor: unlike values
        or (value > best["value"] if plan.mode == "max" else value < best["value"])
    )
    if is_chief():
        if improved:
            save_model_atomic(plan.model, best_path)
        save_model_atomic(plan.model, folder / "checkpoints" / f"{stage.name}.keras")
    if improved:
        state["best"] = {"stage": stage.name, "epoch": epoch + 1, "value": value, "monitor": plan.monitor}
    state["epoch"] = epoch + 1
    state["history"].append(row)
    patience = stage.train.early_stopping
    if patience and epoch + 1 - state["best"]["epoch"] >= patience:
        log(
            f"Early stopping: {plan.monitor} has not improved for {patience} epochs (best "
            f"{state['best']['value']:.4f} at epoch {state['best']['epoch']})."
        )
        state["epoch"] = plan.epochs
    if is_chief():
        write_state(folder, state)
        write_history_csv(folder, state["history"])
    return state["epoch"] >= plan.epochs


def _stage_model(config, prepared, stages, s, state, folder, strategy, log=print):
    """The model for stage ``s``: the last checkpoint when resuming mid-stage, else built
    fresh, with the previous stage's best weights moved over by name and layers frozen."""
    stage = stages[s]
    checkpoint = folder / "checkpoints" / f"{stage.name}.keras"
    with strategy.scope():
        if state["stage"] == s and state["epoch"] > 0 and checkpoint.is_file():
            model = load_model(checkpoint, compile=True)  # the optimizer's state resumes too
        else:
            keras.utils.set_random_seed(config.train.seed + s)
            model = build(
                config.model.name,
                stage_input_shape(prepared, stage),
                tasks.get(stage.train.target).num_outputs(prepared),
                **config.model.options,
            )
            if s == 0 and stage.train.init_from:
                start_from(model, stage.train.init_from, prepared.classes, log)
            own_steps = type(model).train_step is not keras.Model.train_step  # restoration_gan
            if keras.config.dtype_policy().name == "mixed_float16" and not own_steps:
                # Softmax and the loss stay in float32 under mixed precision.
                outputs = keras.layers.Activation("linear", dtype="float32", name="float32_output")(model.outputs[0])
                model = keras.Model(model.inputs, outputs, name=model.name)
            if s > 0:
                previous = load_model(folder / "checkpoints" / f"{stages[s - 1].name}_best.keras", compile=False)
                if not transfer_weights(previous, model):
                    raise UsageError(
                        f"Stage {stage.name!r}: no layer of {model.name} matches the previous stage's model by name "
                        f"and shape; nothing to carry over."
                    )
            freeze(model, stage.freeze)
    classifies = tasks.get(stage.train.target).classifies
    frames = int(model.outputs[0].shape[1]) if classifies and len(model.outputs[0].shape) == 3 else 0
    return model, frames


def _build_before_tracing(model, spec) -> None:
    """Create the optimizer's and the compiled metrics' variables before ``fit`` traces its
    step. Keras does this itself only under a non-default strategy; otherwise they are made
    inside the first trace and TensorFlow traces the whole step again (a second graph build
    per stage: 20-37 s for the MobileNet models here). ``_symbolic_build`` is Keras's own
    pre-build (private in 3.x); if a later Keras drops it, training is only slower."""
    build = getattr(model, "_symbolic_build", None)
    if build is not None:
        build(data_batch=spec)


def _is_multi_worker(strategy) -> bool:
    import tensorflow as tf

    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)


def _reseed_layers(model, seed: int) -> None:
    """Set every dropout-style SeedGenerator state from ``seed``: Keras does not save these
    states in model.keras, so without this a resumed run would drop different units."""
    states = [v for v in model.non_trainable_variables if "seed_generator_state" in v.path]
    for i, variable in enumerate(states):
        value = np.array([(seed + 7919 * i) % 2**31, 0]).astype(keras.backend.standardize_dtype(variable.dtype))
        variable.assign(value)


def _class_weights(config, prepared, train_idx, stage, frames):
    if not stage.train.class_weights:
        return None
    if not tasks.get(stage.train.target).classifies or frames:
        raise UsageError(
            "train.class_weights applies to one label per sample; it is not available for per-frame outputs or "
            "non-label targets."
        )
    return class_weights(prepared.labels[train_idx], len(prepared.classes), stage.train.class_weight_power)
