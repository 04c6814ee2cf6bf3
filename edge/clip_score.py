"""The edge loop scored against a synthetic clip's ``ground_truth.jsonl``: detection recall on
faces at least ``min_height`` pixels tall and mostly visible, id switches per 1,000 frames,
and smoothed-emotion accuracy outside expression transitions, on those same faces
(``emotion_accuracy``) and on every face the runner found (``emotion_accuracy_all_faces``).

A runner face can pair with a true face when its centre lies inside the true box and its
height is 0.5x-2x the true box's (as in benchmarks/detector_recall.py: detector boxes and the
renderer's boxes differ in extent); pairs are taken greedily, best IoU first. An id switch is
a true face paired with a different runner id than at its previous pairing although it
stayed in the frame and at least half visible in between. A face less than half visible is
not paired at all, and a pairing that still holds is kept from one frame to the next (CLEAR
MOT). A face that was hidden behind
someone or left the frame and comes back under a new id is counted apart (``new_id_after_gap``):
the tracker has no appearance re-identification.

``emotion_by_person`` splits ``emotion_accuracy`` by true track (a person in the clip):
accuracy on a clip is a few people's, and one face the model misreads can sink it.
"""

from __future__ import annotations

import json
from pathlib import Path

from .detection import box_iou
from .errors import EdgeInputError


def plausible_match(face_box, box) -> bool:
    """A found box can stand for a true face: its centre inside the true box, its height 0.5x-2x."""
    x, y, w, h = face_box
    bx, by, bw, bh = box
    cx, cy = bx + bw / 2, by + bh / 2
    return x <= cx <= x + w and y <= cy <= y + h and 0.5 * h <= bh <= 2.0 * h


class ClipScorer:
    def __init__(self, ground_truth, labels, min_height: float = 80.0, min_visible: float = 0.9):
        path = Path(ground_truth)
        self.truth = {}
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                try:
                    row = json.loads(line)
                    self.truth[int(row["frame"])] = row["faces"]
                except (ValueError, KeyError, TypeError) as exc:
                    raise EdgeInputError(
                        f"{path}, line {number}: not a ground-truth row ({exc}); render the clip again with "
                        f"`keras-fer data synth --clip`."
                    ) from exc
        self.labels = set(labels)
        self.min_height, self.min_visible = min_height, min_visible
        self.reset()

    def reset(self) -> None:
        self.frames = self.eligible = self.found = self.switches = 0
        self.scored = self.correct = self.unlabelled = 0
        self.scored_all = self.correct_all = 0
        self._last_id = {}
        self._gap = set()  # true tracks hidden or gone since their last pairing
        self.new_id_after_gap = 0
        self.confusion = {}
        self.by_person = {}  # true track -> [scored, correct], faces >= min_height

    def add(self, frame_index: int, results) -> None:
        faces = self.truth.get(frame_index)
        if faces is None:
            return
        self.frames += 1
        # A face less than half visible is not paired: no detector sees it. A pairing of the
        # previous frame that still holds is kept before the rest are taken by overlap (the
        # CLEAR MOT rule, Bernardin & Stiefelhagen 2008): when two people cross, the box the
        # tracker carries over the hidden one can overlap the face in front better than that
        # face's own box, and re-pairing by overlap would count a switch the tracker never made.
        pairs = sorted(
            (
                (box_iou(f["box"], r.box), i, j)
                for i, f in enumerate(faces)
                for j, r in enumerate(results)
                if f["visible"] >= 0.5 and plausible_match(f["box"], r.box)
            ),
            reverse=True,
        )
        kept = [(i, j) for _, i, j in pairs if self._last_id.get(faces[i]["track"]) == results[j].track]
        matched, used = {}, set()
        for i, j in kept + [(i, j) for _, i, j in pairs]:
            if i not in matched and j not in used:
                matched[i] = results[j]
                used.add(j)
        present = {face["track"] for face in faces if face["visible"] >= 0.5}
        self._gap |= set(self._last_id) - present
        for i, face in enumerate(faces):
            big = face["height"] >= self.min_height and face["visible"] >= self.min_visible
            result = matched.get(i)
            if big:
                self.eligible += 1
                self.found += result is not None
            if result is None:
                continue
            previous = self._last_id.get(face["track"])
            if previous is not None and previous != result.track:
                if face["track"] in self._gap:
                    self.new_id_after_gap += 1
                else:
                    self.switches += 1
            self._last_id[face["track"]] = result.track
            self._gap.discard(face["track"])
            if face["transition"] or face["emotion"] not in self.labels:
                continue
            if result.label is None:
                self.unlabelled += 1
                continue
            right = result.label == face["emotion"]
            self.scored_all += 1
            self.correct_all += right
            if not big:
                continue
            self.scored += 1
            self.correct += right
            person = self.by_person.setdefault(face["track"], [0, 0])
            person[0] += 1
            person[1] += right
            key = (face["emotion"], result.label)
            self.confusion[key] = self.confusion.get(key, 0) + 1

    def scores(self) -> dict:
        return {
            "frames": self.frames,
            "recall": round(self.found / self.eligible, 4) if self.eligible else None,
            "faces_eligible": self.eligible,
            "id_switches": self.switches,
            "id_switches_per_1000_frames": round(1000.0 * self.switches / self.frames, 3) if self.frames else None,
            "new_id_after_gap": self.new_id_after_gap,
            "emotion_accuracy": round(self.correct / self.scored, 4) if self.scored else None,
            "emotion_scored": self.scored,
            "emotion_accuracy_all_faces": round(self.correct_all / self.scored_all, 4) if self.scored_all else None,
            "emotion_scored_all_faces": self.scored_all,
            "not_yet_labelled": self.unlabelled,
            "emotion_by_person": {
                str(track): {"scored": n, "accuracy": round(right / n, 4)}
                for track, (n, right) in sorted(self.by_person.items())
            },
        }
