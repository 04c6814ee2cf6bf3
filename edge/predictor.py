"""``Predictor``: expressions of the faces in an image, or of the tracked faces in a stream.

The Python face of the edge runtime (no TensorFlow): the same model file, detector, crop
recipe and interpreter as ``keras-fer run``. ``predict`` answers at once for one image (no
tracking, no smoothing); ``stream`` is the runner's loop, yielding each frame's faces with
their track ids and smoothed labels.

    from keras_fer import Predictor
    with Predictor() as p:                    # the bundled FER2013 model
        for face in p.predict("photo.jpg"):
            print(face.box, face.label, face.probs[face.label])
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import cv2
import numpy as np

from .align import align_face
from .bundled_model import bundled_model_path
from .detector_choice import make_detector
from .errors import EdgeInputError
from .expression_model import ExpressionModel
from .face_crop import face_crop, model_recipe
from .face_prediction import FacePrediction
from .frame import MIN_SIDE
from .image_size import MAX_PIXELS, header_size
from .loop_options import LoopOptions
from .output_paths import safe_name
from .results import Result
from .runner import EdgeRunner
from .source_spec import open_source


class Predictor:
    def __init__(
        self,
        model=None,
        detector: str = "auto",
        threads: int = 1,
        max_faces: int = 10,
        detect: bool = True,
        detector_model=None,
        min_score: float | None = None,
    ):
        """``model``: an exported .tflite (default: the bundled one). ``detect=False`` takes each
        image as one face crop (FER2013-style inputs) and classifies it whole."""
        if max_faces < 1:
            raise EdgeInputError(f"max_faces={max_faces}; expected 1 or more.")
        self.model = ExpressionModel(model if model is not None else bundled_model_path(), threads)
        self.recipe = model_recipe(self.model)
        self.labels = self.model.labels
        self.detector_name, self.detector_model, self.min_score = detector, detector_model, min_score
        self.max_faces, self.detect = max_faces, detect
        # What stream() starts from: this predictor's detector and faces, the loop's defaults.
        self.options = LoopOptions(
            detector=detector, detector_model=detector_model, min_score=min_score, threads=threads, max_faces=max_faces
        )
        self._image_detector = None

    def predict(self, images):
        """The faces in one image, or in each of a list of images.

        Args:
            images: a path or a BGR/grey uint8 array, or a list (or tuple) of them.

        Returns:
            A :class:`~keras_fer.edge.results.Result` (a list of :class:`FacePrediction`, most
            confident detection first, with ``to_json()``, ``to_dataframe()``, ``plot()``), or a
            list of them, one per image, for a list. The faces of all the images go through
            the interpreter together.

        Raises:
            EdgeInputError: an image that cannot be read or is not (H, W) / (H, W, 3) pixels,
                or a sequence model (it classifies streams).
        """
        if isinstance(images, (list, tuple)):
            return self._predict_many(list(images))
        return self._predict_many([images])[0]

    def _predict_many(self, images: list) -> list[Result]:
        if self.model.mode != "frame":
            raise EdgeInputError(
                f"{self.model.path.name} is a {self.model.mode} sequence model; it classifies streams "
                f"(Predictor.stream), not single images."
            )
        found, crops = [], []
        for image in images:
            pixels = read_image(image) if isinstance(image, (str, Path)) else np.asarray(image)
            if pixels.ndim not in (2, 3) or pixels.size == 0 or pixels.dtype != np.uint8:
                raise EdgeInputError(
                    f"image of shape {pixels.shape} and type {pixels.dtype}; expected a path, or (H, W) grey or "
                    "(H, W, 3) BGR uint8 pixels."
                )
            if not self.detect and min(pixels.shape[:2]) < MIN_SIDE:
                raise EdgeInputError(
                    f"the image is {pixels.shape[1]}x{pixels.shape[0]} px, too small to be a face crop (at least "
                    f"{MIN_SIDE} px a side); --no-detect takes images that are faces."
                )
            boxes = self._find(pixels)
            if self.detect:
                crops += [face_crop(pixels, box, points, self.recipe) for box, points, _ in boxes]
            else:  # the whole image is the face crop (FER2013 style)
                crops.append(align_face(pixels, dataclasses.replace(self.recipe, method="none")))
            found.append((image, pixels, boxes))
        probs = iter(self._classify(crops)) if crops else iter(())
        results = []
        for image, pixels, boxes in found:
            faces = [self._face(box, next(probs), score) for box, _, score in boxes]
            source = image if isinstance(image, (str, Path)) else None
            results.append(Result(faces, source=source, image=pixels))
        return results

    def _find(self, pixels: np.ndarray) -> list[tuple]:
        """(box, keypoints, detector score) of each face to classify, most confident first."""
        if not self.detect:
            h, w = pixels.shape[:2]
            return [((0.0, 0.0, float(w), float(h)), None, None)]
        if self._image_detector is None:
            self._image_detector = make_detector(
                self.detector_name, self.detector_model, video=False, min_score=self.min_score
            )
        found = sorted(self._image_detector.detect(_bgr(pixels)), key=lambda d: -d.score)[: self.max_faces]
        return [(d.box, d.keypoints, d.score) for d in found]

    def stream(self, source, *, options: LoopOptions | None = None, with_frames: bool = False, **settings):
        """Yield one :class:`~keras_fer.edge.results.Result` per processed frame of a video or stream;
        faces carry track ids, and a face whose label is not decided yet (a new track, a filling
        buffer) is left out.

        Args:
            source: a camera index, device, URL, GStreamer pipeline or video file.
            options: how the loop finds, follows and classifies faces (a
                :class:`~keras_fer.edge.loop_options.LoopOptions`); default: this predictor's
                detector, threads, faces and score with the loop's own defaults.
            with_frames: yield ``(frame, result)`` pairs and keep the pixels in ``result.image``
                (``result.plot()`` draws on them).
            **settings: single LoopOptions fields over ``options``, e.g. ``max_frames=300``,
                ``detect_every=2``, ``smoothing={"method": "majority"}``, ``open_timeout=5``.

        Yields:
            A Result per frame (``frame`` index and ``time`` set), or ``(frame, result)`` pairs.

        Raises:
            TypeError: a setting LoopOptions does not have.
            EdgeInputError: an option or source that cannot be used.
            SourceUnavailable: a camera or stream that delivered no frame within ``open_timeout``.
        """
        options = dataclasses.replace(options or self.options, **settings)
        named = isinstance(options.detector, str)
        detector = (
            make_detector(options.detector, options.detector_model, video=True, min_score=options.min_score)
            if named
            else options.detector
        )
        frames = None
        try:
            runner = EdgeRunner.from_options(self.model, detector, options)
            frames = open_source(str(source), log=lambda message: None, open_timeout=options.open_timeout)
            for frame, results in runner.stream(frames, max_frames=options.max_frames):
                faces = Result(
                    [face for face in results if face.label is not None],
                    source=None if getattr(frames, "live", True) else str(source),
                    frame=frame.index,
                    time=frame.t,
                    image=frame.image if with_frames else None,
                )
                yield (frame, faces) if with_frames else faces
        finally:
            if frames is not None:
                frames.close()
            if named:
                detector.close()

    def close(self) -> None:
        if self._image_detector is not None:
            self._image_detector.close()
            self._image_detector = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _classify(self, crops) -> np.ndarray:
        return np.asarray(self.model.predict_many([c if c.ndim == 3 else c[:, :, None] for c in crops]))

    def _face(self, box, probs, score) -> FacePrediction:
        return FacePrediction(
            tuple(float(v) for v in box),
            self.labels[int(np.argmax(probs))],
            dict(zip(self.labels, map(float, probs))),
            score,
        )


def read_image(path) -> np.ndarray:
    """BGR pixels of the image file at ``path``; a ValueError names the file when it cannot be read.

    Read as bytes and decoded in memory: OpenCV's own file functions crash on a name that is
    not valid UTF-8."""
    path = Path(path)
    if path.is_symlink() and not path.exists():
        raise EdgeInputError(f"{safe_name(path)}: a link to {safe_name(os.readlink(path))}, which does not exist.")
    if not path.is_file():
        raise EdgeInputError(f"{safe_name(path)}: no such image file.")
    try:
        data = np.fromfile(path, np.uint8)
    except OSError as exc:
        raise EdgeInputError(f"{safe_name(path)}: cannot be read ({exc.strerror or exc}).") from exc
    size = header_size(data[:65536].tobytes())
    if size is not None and size[0] * size[1] > MAX_PIXELS:
        raise EdgeInputError(
            f"{safe_name(path)}: a {size[0]}x{size[1]} image ({size[0] * size[1] / 1e6:.0f} megapixels) is over the "
            f"{MAX_PIXELS / 1e6:.0f}-megapixel limit; downscale it first."
        )
    pixels = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if pixels is None:
        raise EdgeInputError(
            f"{safe_name(path)}: not an image OpenCV can read (corrupt, or not PNG/JPEG/BMP/TIFF/WebP)."
        )
    return pixels


def _bgr(pixels: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR) if pixels.ndim == 2 else pixels
