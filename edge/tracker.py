"""Face tracks with stable ids across frames (IoU matching, births and deaths with hysteresis).

A detection becomes a confirmed track after ``min_hits`` matches in a row, and only then
gets its id: ids count 1, 2, 3... over the confirmed tracks of a stream, with no gaps for
candidates that never were confirmed (those carry id 0). A confirmed track is reported only
while the detector confirms it: a detector run that misses it hides it (no box left drifting
onto the background); it is kept, unreported, for up to ``max_missed`` detector runs so the
face gets its id back when it is found again, then dies. Every track carries the score of
the detection that last confirmed it.
Between detector runs (detection every k frames) ``predict()`` moves each track's box and
keypoints along its velocity (estimated from its detections, smoothed) without ageing it. At most ``max_faces``
confirmed tracks, largest faces first. Timestamps must
increase; ``reset()`` forgets everything.

A detection no track takes by overlap gets a second chance: a confirmed track carried without
detections, or one that died less than ``revive_seconds`` after it was last detected, takes it
when it lies close to where that face was last detected (centre within one face width, size
within 1.5x), as in ByteTrack's second association and lost-track buffer (Zhang et al.
2022); 2 s is about DeepSORT's default age limit (70 frames at 30 fps). A detector that
misses a small or turned face for a second or so then does not hand the person a new id; a
revived track's per-track state (buffer, smoothing) starts afresh.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .detection import Detection


@dataclasses.dataclass
class Track:
    id: int
    box: tuple
    keypoints: object = None
    hits: int = 1
    missed: int = 0
    confirmed: bool = False
    last_seen: float = 0.0
    velocity: tuple = (0.0, 0.0)  # pixels per second, from the detections
    detected_box: tuple = None
    detected_keypoints: object = None
    counted: bool = False  # the runner has counted this face
    score: float = 0.0  # of the detection that last confirmed the track

    def __post_init__(self):
        if self.detected_box is None:
            self.detected_box, self.detected_keypoints = self.box, self.keypoints

    def observe(self, box, keypoints, t: float, smoothing: float = 0.5, score: float | None = None) -> None:
        dt = t - self.last_seen
        if dt > 0:
            (ox, oy, ow, oh), (nx, ny, nw, nh) = self.detected_box, box
            step = ((nx + nw / 2 - ox - ow / 2) / dt, (ny + nh / 2 - oy - oh / 2) / dt)
            self.velocity = tuple(smoothing * s + (1 - smoothing) * v for s, v in zip(step, self.velocity))
        self.box = self.detected_box = box
        self.keypoints = self.detected_keypoints = keypoints
        self.last_seen = t
        if score is not None:
            self.score = float(score)

    def extrapolate(self, t: float, limit: float = 0.5) -> None:
        dt = min(max(0.0, t - self.last_seen), limit)
        dx, dy = self.velocity[0] * dt, self.velocity[1] * dt
        x, y, w, h = self.detected_box
        self.box = (x + dx, y + dy, w, h)
        if self.detected_keypoints is not None:
            self.keypoints = self.detected_keypoints + np.array([dx, dy], np.float32)


class FaceTracker:
    def __init__(
        self,
        iou_threshold: float = 0.3,
        min_hits: int = 2,
        max_missed: int = 10,
        max_faces: int = 3,
        revive_seconds: float = 2.0,
    ):
        self.iou_threshold, self.min_hits, self.max_missed, self.max_faces = (
            iou_threshold,
            min_hits,
            max_missed,
            max_faces,
        )
        self.revive_seconds = revive_seconds
        self.reset()

    def reset(self) -> None:
        self.tracks: list[Track] = []
        self.lost: list[Track] = []  # confirmed tracks that died less than revive_seconds ago
        self.next_id = 1
        self.last_time = None
        self.deaths: list[int] = []

    def _check_time(self, t: float) -> None:
        if self.last_time is not None and t <= self.last_time:
            raise ValueError(f"timestamps must increase: got {t} after {self.last_time}")
        self.last_time = t

    def update(self, detections: list[Detection], t: float) -> list[Track]:
        """Match this frame's detections; returns the confirmed tracks (at most max_faces)."""
        self._check_time(t)
        for track in self.tracks:
            track.extrapolate(t)  # match against where each face should be now
        pairs = sorted(
            ((d.iou(track.box), i, j) for i, track in enumerate(self.tracks) for j, d in enumerate(detections)),
            reverse=True,
        )
        used_tracks, used_detections = set(), set()
        for overlap, i, j in pairs:  # greedy, best overlap first
            if overlap < self.iou_threshold or i in used_tracks or j in used_detections:
                continue
            track, detection = self.tracks[i], detections[j]
            track.observe(detection.box, detection.keypoints, t, score=detection.score)
            track.missed = 0
            track.hits += 1
            if track.hits >= self.min_hits:
                self._confirm(track)
            used_tracks.add(i)
            used_detections.add(j)
        carried = [track for i, track in enumerate(self.tracks) if i not in used_tracks and track.confirmed]
        found = self._reassociate(carried, detections, used_detections, t)
        used_detections |= set(found.values())
        for i, track in enumerate(self.tracks):
            if i not in used_tracks and track.id not in found:
                track.missed += 1
        for j, detection in enumerate(detections):
            if j not in used_detections:
                track = Track(0, detection.box, detection.keypoints, last_seen=t, score=float(detection.score))
                self.tracks.append(track)
                if self.min_hits <= 1:
                    self._confirm(track)
        return self._prune()

    def _confirm(self, track: Track) -> None:
        """A candidate becomes a track with the next id (ids of confirmed tracks only: no gaps)."""
        if not track.confirmed:
            track.confirmed, track.id = True, self.next_id
            self.next_id += 1

    def _reassociate(self, carried: list[Track], detections: list[Detection], used: set, t: float) -> dict:
        """Second chance for detections no track took by overlap: confirmed tracks carried without
        a detection, and tracks lost less than ``revive_seconds`` ago, take the nearest one close
        to where they were last detected. Returns {track id: detection index}."""
        self.lost = [track for track in self.lost if t - track.last_seen <= self.revive_seconds]
        candidates = carried + self.lost
        pairs = []
        for i, track in enumerate(candidates):
            x, y, w, h = track.detected_box
            for j, detection in enumerate(detections):
                dx, dy, dw, dh = detection.box
                distance = np.hypot(dx + dw / 2 - x - w / 2, dy + dh / 2 - y - h / 2)
                if j not in used and distance <= max(w, h) and 1 / 1.5 <= dh / h <= 1.5:
                    pairs.append((distance, i, j))
        found = {}
        for _, i, j in sorted(pairs):
            track = candidates[i]
            if track.id in found or j in found.values():
                continue
            track.observe(detections[j].box, detections[j].keypoints, t, score=detections[j].score)
            track.velocity, track.missed = (0.0, 0.0), 0  # a velocity across a gap is not one
            track.hits += 1
            found[track.id] = j
        revived = [track for track in self.lost if track.id in found]
        self.tracks.extend(revived)
        self.lost = [track for track in self.lost if track.id not in found]
        return found

    def predict(self, t: float) -> list[Track]:
        """A frame without a detector run: boxes move along their velocity, nobody ages out."""
        self._check_time(t)
        for track in self.tracks:
            track.extrapolate(t)
        return self._shown()

    def active(self) -> list[Track]:
        """The tracks reported now (the last ``update`` or ``predict`` returned them)."""
        return self._shown()

    def _prune(self) -> list[Track]:
        alive = []
        for track in self.tracks:
            dead = track.missed > self.max_missed or (not track.confirmed and track.missed > 0)
            if dead:
                if track.confirmed:
                    self.deaths.append(track.id)
                    self.lost.append(track)
            else:
                alive.append(track)
        self.tracks = alive
        return self._shown()

    def _shown(self) -> list[Track]:
        """Confirmed tracks the last detector run confirmed; largest first."""
        shown = [track for track in self.tracks if track.confirmed and track.missed == 0]
        shown.sort(key=lambda track: -track.box[2] * track.box[3])
        return shown[: self.max_faces]
