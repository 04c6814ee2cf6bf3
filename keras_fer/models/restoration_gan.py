"""``restoration_gan``: restore occluded faces before recognising them (the two-module idea of
Ge et al. 2022's abstract; everything below is ours): a U-Net generator (occluded face +
mask -> face) trained with a masked L1 loss, a PatchGAN adversary (least-squares loss, Mao
et al. 2017) and, when a recogniser is given, a recognition-aware term: the frozen
recogniser's prediction on the restored face should match its prediction on the clean one.

It trains through ``keras-fer train`` with ``train.target: restore``: the pipeline occludes
every face (``augment.occlusion_kinds`` / ``occlusion_coverage``) and yields (occluded face
with its mask as a channel, clean face). The optimizer the trainer makes drives the
generator; the discriminator gets a copy of it. Calling the model runs the generator, so
``predict`` and the export see the generator alone.

Logged: ``loss`` (the generator's total), ``d_loss``, ``l1``, ``mask`` (a blind generator's
mask cross-entropy), ``adversarial``,
``recognition``, and PSNR / SSIM over the occluded pixels (``psnr``, ``ssim``).
"""

from __future__ import annotations

import keras
import tensorflow as tf
from keras import ops

from keras_fer.models.loading import load_model
from keras_fer.models.masked_quality import masked_psnr, masked_ssim
from keras_fer.models.patch_discriminator import patch_discriminator
from keras_fer.models.registry import register_model
from keras_fer.models.restoration_unet import restoration_unet

TRACKED = ("loss", "d_loss", "l1", "mask", "adversarial", "recognition", "psnr", "ssim")


@keras.saving.register_keras_serializable(package="keras_fer")
class RestorationGAN(keras.Model):
    def __init__(
        self,
        generator,
        discriminator,
        recogniser=None,
        l1_weight: float = 100.0,
        adversarial_weight: float = 1.0,
        recognition_weight: float = 10.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.generator, self.discriminator, self.recogniser = generator, discriminator, recogniser
        if recogniser is not None:
            recogniser.trainable = False
        self.l1_weight, self.adversarial_weight = float(l1_weight), float(adversarial_weight)
        self.recognition_weight = float(recognition_weight) if recogniser is not None else 0.0
        given, made = int(generator.inputs[0].shape[-1]), int(generator.outputs[0].shape[-1])
        self.blind = made > given  # face in, face and predicted mask out
        self.channels = given if self.blind else made
        self.trackers = {name: keras.metrics.Mean(name=name) for name in TRACKED}

    def call(self, inputs, training=False):
        """The restored faces (B, H, W, C) from (occluded faces + mask channel); a blind
        generator ignores the given mask."""
        return self._restore(inputs, training)[0]

    def _restore(self, x, training):
        """(restored face, the mask it used: predicted when blind, else None)."""
        c = self.channels
        if not self.blind:
            return self.generator(x, training=training), None
        out = self.generator(x[..., :c], training=training)
        return out[..., :c], out[..., c:]

    @property
    def metrics(self):
        return list(self.trackers.values())

    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        """The generator's optimizer is ``optimizer``; the discriminator trains with a copy of it.
        ``loss`` and ``metrics`` must be empty: the losses are the model's own."""
        if loss is not None or metrics:
            raise ValueError("restoration_gan computes its own losses and metrics; compile it with an optimizer only.")
        super().compile(optimizer=optimizer, **kwargs)
        self.d_optimizer = self.optimizer.__class__.from_config(self.optimizer.get_config())
        # Both built now, each on its own network, so that a saved model's optimizer states
        # (model.keras holds both) load back when a run resumes.
        self.optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)

    def compile_from_config(self, config):
        """Loading with ``compile=True`` (``--resume``) compiles through the override above;
        Keras skips custom ``compile`` methods otherwise."""
        self.compile(**keras.saving.deserialize_keras_object(config))

    def _pair(self, x, face):
        """The discriminator's input: the occluded face and mask, then the candidate face, scaled."""
        c = self.channels
        return ops.concatenate([x[..., :c] / 127.5 - 1.0, x[..., c:], face / 127.5 - 1.0], axis=-1)

    def _generator_terms(self, x, clean, fake, predicted_mask=None):
        mask = ops.cast(x[..., self.channels :], "float32")
        area = ops.maximum(ops.sum(mask) * self.channels, 1.0)
        # Over every pixel, per occluded pixel: outside the mask only a blind generator errs.
        l1 = ops.sum(ops.abs(fake - clean)) / area / 127.5  # in the [-1, 1] units of pix2pix
        mask_loss = ops.convert_to_tensor(0.0)
        if predicted_mask is not None:  # weighed as the L1 term is
            p = ops.clip(ops.cast(predicted_mask, "float32"), 1e-6, 1 - 1e-6)
            mask_loss = ops.mean(-(mask * ops.log(p) + (1 - mask) * ops.log(1 - p)))
        recognition = ops.convert_to_tensor(0.0)
        if self.recogniser is not None:
            target = ops.stop_gradient(self.recogniser(clean, training=False))
            predicted = ops.clip(self.recogniser(fake, training=False), 1e-7, 1.0)
            recognition = ops.mean(-ops.sum(target * ops.log(predicted), axis=-1))
        return mask, l1, mask_loss, recognition

    def _quality(self, fake, clean, mask):
        for name, values in (("psnr", masked_psnr(fake, clean, mask)), ("ssim", masked_ssim(fake, clean, mask))):
            finite = tf.boolean_mask(values, tf.math.is_finite(values))
            self.trackers[name].update_state(finite)

    def train_step(self, data):
        x, clean = data[0], ops.cast(data[1], "float32")
        x = ops.cast(x, "float32")
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake, predicted_mask = self._restore(x, True)
            fake = ops.cast(fake, "float32")
            real_logits = ops.cast(self.discriminator(self._pair(x, clean), training=True), "float32")
            fake_logits = ops.cast(self.discriminator(self._pair(x, fake), training=True), "float32")
            d_loss = 0.5 * (ops.mean(ops.square(real_logits - 1.0)) + ops.mean(ops.square(fake_logits)))
            adversarial = ops.mean(ops.square(fake_logits - 1.0))
            mask, l1, mask_loss, recognition = self._generator_terms(x, clean, fake, predicted_mask)
            loss = (
                self.l1_weight * (l1 + mask_loss)
                + self.adversarial_weight * adversarial
                + self.recognition_weight * recognition
            )
        g_vars, d_vars = self.generator.trainable_variables, self.discriminator.trainable_variables
        self.optimizer.apply(g_tape.gradient(loss, g_vars), g_vars)
        self.d_optimizer.apply(d_tape.gradient(d_loss, d_vars), d_vars)
        for name, value in (
            ("loss", loss),
            ("d_loss", d_loss),
            ("l1", l1),
            ("mask", mask_loss),
            ("adversarial", adversarial),
            ("recognition", recognition),
        ):
            self.trackers[name].update_state(value)
        self._quality(fake, clean, mask)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def test_step(self, data):
        x, clean = ops.cast(data[0], "float32"), ops.cast(data[1], "float32")
        fake, predicted_mask = self._restore(x, False)
        fake = ops.cast(fake, "float32")
        mask, l1, mask_loss, recognition = self._generator_terms(x, clean, fake, predicted_mask)
        self.trackers["l1"].update_state(l1)
        self.trackers["mask"].update_state(mask_loss)
        self.trackers["recognition"].update_state(recognition)
        self.trackers["loss"].update_state(self.l1_weight * (l1 + mask_loss) + self.recognition_weight * recognition)
        self._quality(fake, clean, mask)
        return {name: self.trackers[name].result() for name in ("loss", "l1", "mask", "recognition", "psnr", "ssim")}

    def get_config(self):
        return {
            **super().get_config(),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "recogniser": keras.saving.serialize_keras_object(self.recogniser) if self.recogniser is not None else None,
            "l1_weight": self.l1_weight,
            "adversarial_weight": self.adversarial_weight,
            "recognition_weight": self.recognition_weight,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator", "recogniser"):
            if config.get(key) is not None:
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


@register_model("restoration_gan")
def restoration_gan(
    input_shape=(48, 48, 1),
    num_classes: int = 0,
    filters: int = 32,
    depth: int = 3,
    blind: bool = False,
    discriminator_filters: int = 32,
    recogniser: str | None = None,
    l1_weight: float = 100.0,  # Isola et al. 2017's lambda
    adversarial_weight: float = 1.0,
    recognition_weight: float = 10.0,  # ours
):
    """``input_shape`` is the face's (H, W, C); ``num_classes`` is unused (a restorer has no
    classes); ``blind``: the generator is not given the mask and predicts it (what the edge
    runner uses; its mask error joins the L1 term as a cross-entropy); ``recogniser``: a
    trained classifier (``.keras`` file or run folder) for the recognition-aware term; it
    must take the same faces."""
    teacher = None
    if recogniser:
        teacher = load_model(recogniser)
        expected = tuple(int(v) for v in input_shape)
        if tuple(teacher.inputs[0].shape[1:]) != expected:
            raise ValueError(
                f"restoration_gan: the recogniser {recogniser} takes {tuple(teacher.inputs[0].shape[1:])}, the faces "
                f"are {expected}."
            )
    return RestorationGAN(
        restoration_unet(input_shape, filters, depth, blind),
        patch_discriminator(input_shape, discriminator_filters),
        teacher,
        l1_weight=l1_weight,
        adversarial_weight=adversarial_weight,
        recognition_weight=recognition_weight,
        name="restoration_gan",
    )
