"""``keras-fer explain``: where a model looks, one PNG grid per image.

- Occlusion saliency (Minaee & Abdolrashidi, sec. IV-C): a zeroed N x N patch slides over
  the face with stride s; the map is the drop in the predicted class's probability, and
  positions where the predicted label changes are outlined.
- The spatial transformer's attended region (``deep_emotion``): the sampling grid drawn on
  the input, and the warped face the classifier sees.
- Grad-CAM (Selvaraju et al. 2017) for the CNN models: the last spatial feature map,
  weighted by the pooled gradients of the predicted class.
Sequences are explained on their last frame, with the patch zeroed in every frame.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_fer import tasks
from keras_fer.data.images import load_image
from keras_fer.edge.align import AlignRecipe, align_face


def face_input(image_path, recipe: AlignRecipe, detector: str = "blazeface", sequence_length: int = 1) -> np.ndarray:
    """The model input for one image file, aligned with the run's recipe: (H, W, C) or (T, H, W, C)."""
    from keras_fer.errors import UsageError

    image = load_image(image_path, channels=3 if recipe.method == "eyes" else recipe.channels)
    eyes = None
    if recipe.method == "eyes":
        from keras_fer.data.face_source import EyeFinder

        finder = EyeFinder(detector)
        try:
            eyes = finder.eyes(image)
        finally:
            finder.close()
        if eyes is None:
            raise UsageError(
                f"{image_path}: no face found by {detector}; pass a photo with a visible face, or a face crop to a "
                f"run trained with data.align=none."
            )
    crop = align_face(image, recipe, eyes)
    crop = crop[..., None] if crop.ndim == 2 else crop
    return np.repeat(crop[None], sequence_length, axis=0) if sequence_length > 1 else crop


def occlusion_map(model, x: np.ndarray, patch: int = 8, stride: int = 4, batch: int = 64):
    """(drop in predicted-class probability per pixel, mask where the label changes, label, probs)."""
    base = _probs(model, x[None])[0]
    label = int(base.argmax())
    height, width = x.shape[-3], x.shape[-2]
    positions = [
        (r, c)
        for r in range(0, max(1, height - patch + 1), stride)
        for c in range(0, max(1, width - patch + 1), stride)
    ]
    drop = np.zeros((height, width))
    changed = np.zeros((height, width))
    counts = np.zeros((height, width))
    for start in range(0, len(positions), batch):
        chunk = positions[start : start + batch]
        occluded = np.repeat(x[None], len(chunk), axis=0).astype(np.float32)
        for i, (r, c) in enumerate(chunk):
            occluded[i, ..., r : r + patch, c : c + patch, :] = 0
        probs = _probs(model, occluded)
        for (r, c), p in zip(chunk, probs):
            drop[r : r + patch, c : c + patch] += base[label] - p[label]
            changed[r : r + patch, c : c + patch] += p.argmax() != label
            counts[r : r + patch, c : c + patch] += 1
    counts = np.maximum(counts, 1)
    return drop / counts, changed / counts > 0.5, label, base


def grad_cam(model, x: np.ndarray, label: int):
    """Grad-CAM heat map at input resolution, or None when the model has no spatial map."""
    import cv2
    import keras
    import tensorflow as tf

    layer = next(
        (
            lyr
            for lyr in reversed(model.layers)
            if len(lyr.output.shape) == 4 and not isinstance(lyr, keras.layers.InputLayer)
        ),
        None,
    )
    if layer is None or len(model.inputs[0].shape) != 4:
        return None
    probe = keras.Model(model.inputs, [layer.output, model.outputs[0]])
    with tf.GradientTape() as tape:
        features, probs = probe(x[None].astype(np.float32), training=False)
        score = probs[:, label]
    grads = tape.gradient(score, features)
    weights = tf.reduce_mean(grads, axis=(1, 2))
    cam = tf.nn.relu(tf.reduce_sum(features * weights[:, None, None, :], axis=-1))[0].numpy()
    cam = cam / cam.max() if cam.max() > 0 else cam
    return cv2.resize(cam, (x.shape[1], x.shape[0]), interpolation=cv2.INTER_LINEAR)


def attended_region(model, x: np.ndarray):
    """(grid corners in input pixels, warped image) of a spatial transformer, or None."""
    import keras

    names = {layer.name for layer in model.layers}
    if not {"loc_theta", "stn_sample"} <= names:
        return None
    probe = keras.Model(model.inputs, [model.get_layer("loc_theta").output, model.get_layer("stn_sample").output])
    theta, warped = probe(x[None].astype(np.float32), training=False)
    theta = np.asarray(theta)[0].reshape(2, 3)
    # Normalised target corners (x, y in -1..1) map through theta to source coordinates.
    corners = np.array([[-1, -1, 1], [1, -1, 1], [1, 1, 1], [-1, 1, 1]], np.float64) @ theta.T
    height, width = x.shape[0], x.shape[1]
    pixels = np.stack([(corners[:, 0] + 1) * (width - 1) / 2, (corners[:, 1] + 1) * (height - 1) / 2], 1)
    return pixels, np.asarray(warped)[0]


# Over 60 lines because it lays out one figure panel by panel (input, restored face, occlusion
# map, Grad-CAM, attended region); the maps are computed by the functions above.
def explain_image(model, x: np.ndarray, classes, out_path, patch: int = 8, stride: int = 4, before=None) -> dict:
    """``before``: (the occluded input, the restorer's mask) when ``x`` is a restored face;
    the figure then starts with the input as given, then the restored face and its maps."""
    from keras_fer.evaluation.plots import _pyplot, _save

    drop, changed, label, probs = occlusion_map(model, x, patch, stride)
    face = x[-1] if x.ndim == 4 else x
    cam = grad_cam(model, x, label)
    stn = attended_region(model, x)
    first = 1 if before is not None else 0
    panels = first + 2 + (cam is not None) + (stn is not None)
    plt = _pyplot()
    fig, axes = plt.subplots(1, panels, figsize=(3.2 * panels, 3.4))
    extra = {}
    if before is not None:
        given, mask = before
        given_probs = _probs(model, given[None])[0]
        shown_given = given[..., 0] if given.shape[-1] == 1 else given.astype(np.uint8)
        axes[0].imshow(shown_given, cmap="gray")
        axes[0].contour(mask > 0.5, levels=[0.5], colors="red", linewidths=1)
        axes[0].set_title(f"input: {classes[int(given_probs.argmax())]} {given_probs.max():.2f}")
        extra = {
            "label_before_restoring": classes[int(given_probs.argmax())],
            "occluded_share": float(np.mean(mask > 0.5)),
        }
        axes = axes[1:]
    shown = face[..., 0] if face.shape[-1] == 1 else face.astype(np.uint8)
    axes[0].imshow(shown, cmap="gray")
    axes[0].set_title(("restored: " if before is not None else "") + f"{classes[label]} {probs[label]:.2f}")
    axes[1].imshow(shown, cmap="gray")
    axes[1].imshow(drop, cmap="jet", alpha=0.5)
    if changed.any():
        axes[1].contour(changed, levels=[0.5], colors="white", linewidths=1)
    axes[1].set_title(f"occlusion {patch}x{patch}, stride {stride}")
    k = 2
    if cam is not None:
        axes[k].imshow(shown, cmap="gray")
        axes[k].imshow(cam, cmap="jet", alpha=0.5)
        axes[k].set_title("Grad-CAM")
        k += 1
    if stn is not None:
        corners, warped = stn
        axes[k].imshow(shown, cmap="gray")
        closed = np.vstack([corners, corners[:1]])
        axes[k].plot(closed[:, 0], closed[:, 1], "y-", lw=2)
        inset = axes[k].inset_axes([0.62, 0.62, 0.38, 0.38])
        inset.imshow(warped[..., 0] if warped.shape[-1] == 1 else np.clip(warped, 0, 1), cmap="gray")
        inset.set_xticks([])
        inset.set_yticks([])
        axes[k].set_title("attended region")
    for ax in fig.axes:
        ax.set_xticks([])
        ax.set_yticks([])
    _save(fig, out_path)
    return {
        "label": classes[label],
        "probability": float(probs[label]),
        "out": str(Path(out_path)),
        "label_changing_area": float(changed.mean()),
        "has_grad_cam": cam is not None,
        "has_attention": stn is not None,
        **extra,
    }


def _probs(model, batch) -> np.ndarray:
    from keras_fer.evaluation.frame_aggregation import sum_frame_probabilities

    # Per-frame outputs (Sharma & Jain) count as the sequence's summed probabilities.
    return sum_frame_probabilities(model.predict(batch.astype(np.float32), verbose=0, batch_size=64))


def explain_run(run, images, out=None, patch: int = 8, stride: int = 4, restore=None) -> list[dict]:
    """Explain ``run``'s model on each image file; PNGs go to ``out`` (a file for one image,
    else a folder), by default ``RUN/explain/<image name>.png``. ``restore``: a blind
    restoration_gan run (or .keras) that restores each face first; the figure shows the
    occluded input with the predicted mask, the restored face and the maps of the restored one."""
    import json

    from keras_fer.config import load_config
    from keras_fer.data.images import BadImage
    from keras_fer.data.prepare import recipe_of
    from keras_fer.errors import UsageError
    from keras_fer.io.run_dir import open_run_dir
    from keras_fer.models import load_model

    folder = open_run_dir(run)
    if not (folder / "model.keras").is_file():
        raise UsageError(f"{folder} has no model.keras yet; explain a finished run (or one of its fold-NN folders).")
    config = load_config(folder / "config.yaml")
    if not tasks.get(config.train.target).classifies:
        raise UsageError(f"explain works on classifiers; this run's train.target is {config.train.target!r}.")
    model = load_model(folder / "model.keras")
    classes = json.loads((folder / "metrics.json").read_text())["classes"]
    shape = model.inputs[0].shape
    sequence_length = int(shape[1]) if len(shape) == 5 else 1
    recipe = recipe_of(config.data)
    restorer = _restorer(restore, shape) if restore else None
    results = []
    if patch > min(shape[-3], shape[-2]):
        raise UsageError(
            f"--patch {patch} is larger than the model's {shape[-3]}x{shape[-2]} input; use a patch of a few pixels "
            f"(8 on a 48 px face)."
        )
    for image in images:
        if len(images) == 1 and out is not None and str(out).endswith(".png"):
            target = Path(out)
        else:
            target = Path(out or folder / "explain") / f"{Path(image).stem}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            x = face_input(image, recipe, config.data.detector, sequence_length)
        except BadImage as exc:
            raise UsageError(f"--image {image}: {exc}; pass a PNG, JPEG, BMP, TIFF or WebP face image.") from exc
        before = None
        if restorer is not None:
            out = np.asarray(restorer.generator.predict(x[None].astype(np.float32), verbose=0))[0]
            before, x = (x, out[..., -1]), out[..., : restorer.channels]
        results.append(explain_image(model, x, classes, target, patch, stride, before))
    return results


def _restorer(path, shape):
    from keras_fer.errors import UsageError
    from keras_fer.models import load_model

    path = Path(path)
    gan = load_model(path)
    if not getattr(gan, "blind", False):
        raise UsageError(f"--restore {path}: explain needs a blind restorer (it predicts the occluder's mask).")
    if len(shape) != 4 or tuple(gan.generator.inputs[0].shape[1:]) != tuple(shape[1:]):
        raise UsageError(
            f"--restore {path}: it restores {tuple(gan.generator.inputs[0].shape[1:])} faces; the model takes "
            f"{tuple(shape[1:])} (still images only)."
        )
    return gan
