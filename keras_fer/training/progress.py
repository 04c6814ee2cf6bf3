"""A progress bar per epoch (tqdm) that shows the running loss and, at the end, the
validation figures; one plain line per epoch when stderr is not a terminal (logs, CI),
where a redrawn bar would leave hundreds of carriage-return updates; quiet mode prints
nothing."""

from __future__ import annotations

import keras
from tqdm import tqdm

from keras_fer.quiet import stderr_is_terminal


class EpochProgress(keras.callbacks.Callback):
    def __init__(self, title: str, steps: int | None, enabled: bool = True):
        super().__init__()
        self.title, self.steps, self.enabled = title, steps, enabled
        self.bar = None
        self.started = None

    def on_epoch_begin(self, epoch, logs=None):
        import time

        self.started = time.perf_counter()
        if self.enabled and stderr_is_terminal():
            self.bar = tqdm(total=self.steps, desc=self.title, unit="batch", leave=True, dynamic_ncols=True)

    def on_train_batch_end(self, batch, logs=None):
        if self.bar is not None:
            self.bar.update(1)
            if logs and "loss" in logs:
                self.bar.set_postfix_str(f"loss {float(logs['loss']):.4f}", refresh=False)

    def on_epoch_end(self, epoch, logs=None):
        import sys
        import time

        shown = {
            k: v
            for k, v in (logs or {}).items()
            if k in ("loss", "accuracy", "val_loss", "val_accuracy", "mae", "val_mae", "psnr", "val_psnr", "val_ssim")
        }
        figures = " ".join(f"{k} {float(v):.4f}" for k, v in shown.items())
        if self.bar is not None:
            self.bar.set_postfix_str(figures)
            self.bar.close()
            self.bar = None
        elif self.enabled:
            print(f"{self.title}: {figures} ({time.perf_counter() - self.started:.0f} s)", file=sys.stderr, flush=True)
