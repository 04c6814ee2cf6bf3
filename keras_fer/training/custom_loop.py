"""One training epoch written out by hand, for ``train.strategy=multi_worker``.

Keras 3's ``model.fit`` fails under ``MultiWorkerMirroredStrategy`` (keras-team/keras#20585:
"Attempt to convert a value (PerReplica...)", then metric reductions over scalars), so the
multi-worker path runs this loop instead: ``strategy.run`` of a gradient step per replica,
the loss averaged over the global batch, and the optimizer's own distributed update. It
returns the same log names as ``fit`` (loss, accuracy / mae, val_*), so checkpoints, history
and resume are shared with the single-process path.
"""

from __future__ import annotations

import tensorflow as tf


def _per_example_loss(task):
    base = task.per_example_loss()

    def loss(y, pred):
        value = tf.cast(base(y, pred), tf.float32)
        return tf.reshape(tf.reduce_mean(tf.reshape(value, [tf.shape(value)[0], -1]), axis=1), [-1])

    return loss


def _score(task, y, pred):
    """The task's per-example figure (accuracy, absolute error), averaged over frames."""
    hit = task.per_example_score(y, pred)
    return tf.reduce_mean(tf.reshape(hit, [tf.shape(hit)[0], -1]), axis=1)


def make_epoch_runner(model, strategy, task, global_batch: int):
    """A function (train_dataset, val_dataset or None, callbacks) -> logs, for one epoch of the
    task's (keras_fer.tasks) loss, logging its ``loop_metric``."""
    loss_fn = _per_example_loss(task)
    metric = task.loop_metric

    def replica_step(x, y):
        with tf.GradientTape() as tape:
            pred = model(x, training=True)
            per_example = loss_fn(y, pred)
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=global_batch)
            if model.losses:
                loss += tf.nn.scale_regularization_loss(tf.add_n(model.losses))
            scaled = model.optimizer.scale_loss(loss)  # loss scaling under mixed_float16; identity otherwise
        grads = tape.gradient(scaled, model.trainable_variables)
        model.optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return (
            tf.reduce_sum(per_example),
            tf.reduce_sum(_score(task, y, pred)),
            tf.cast(tf.shape(per_example)[0], tf.float32),
        )

    @tf.function
    def train_step(batch):
        totals = strategy.run(replica_step, args=batch)
        return [strategy.reduce(tf.distribute.ReduceOp.SUM, t, axis=None) for t in totals]

    @tf.function
    def eval_step(x, y):
        pred = model(x, training=False)
        return (
            tf.reduce_sum(loss_fn(y, pred)),
            tf.reduce_sum(_score(task, y, pred)),
            tf.cast(tf.shape(y)[0], tf.float32),
        )

    def run(train, val, callbacks=()):
        for callback in callbacks:
            callback.on_epoch_begin(0)
        loss_sum = score_sum = count = 0.0
        for batch_index, batch in enumerate(strategy.experimental_distribute_dataset(train)):
            a, b, n = (float(v) for v in train_step(batch))
            loss_sum, score_sum, count = loss_sum + a, score_sum + b, count + n
            for callback in callbacks:
                callback.on_train_batch_end(batch_index, {"loss": loss_sum / max(count, 1)})
        logs = {"loss": loss_sum / max(count, 1)}
        if metric:
            logs[metric] = score_sum / max(count, 1)
        if val is not None:
            sums = [0.0, 0.0, 0.0]
            for x, y in val:  # every worker scores the whole validation split locally
                sums = [s + float(v) for s, v in zip(sums, eval_step(x, y))]
            logs["val_loss"] = sums[0] / max(sums[2], 1)
            if metric:
                logs[f"val_{metric}"] = sums[1] / max(sums[2], 1)
        for callback in callbacks:
            callback.on_epoch_end(0, logs)
        return {k: [v] for k, v in logs.items()}

    return run
