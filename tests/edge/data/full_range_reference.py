"""Writes blazeface_full_range_reference.json: MediaPipe's own full-range detections on the
frames of ``tests/edge/test_blazeface.py``. MediaPipe 1.x's Tasks FaceDetector only knows the
short-range anchors, so the reference comes from MediaPipe 0.10.21's legacy solution, run once
in a separate environment (it is not a dependency of the project):

    python -m venv /tmp/mp21 && /tmp/mp21/bin/pip install mediapipe==0.10.21
    .venv/bin/python -c "from tests.edge.test_blazeface import _frames; import numpy as np; \
        np.savez('/tmp/frames.npz', *_frames())"
    /tmp/mp21/bin/python tests/edge/data/full_range_reference.py /tmp/frames.npz \
        > tests/edge/data/blazeface_full_range_reference.json
"""

import json
import sys

import cv2
import mediapipe as mp
import numpy as np


def main(frames_file: str) -> None:
    frames = np.load(frames_file)
    found = []
    solution = mp.solutions.face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.6)
    with solution as detector:
        for key in sorted(frames.files, key=lambda name: int(name.split("_")[1])):
            frame = frames[key]
            h, w = frame.shape[:2]
            result = detector.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            faces = []
            for detection in result.detections or []:
                box = detection.location_data.relative_bounding_box
                faces.append(
                    {
                        "score": round(detection.score[0], 5),
                        "box": [round(v, 5) for v in (box.xmin * w, box.ymin * h, box.width * w, box.height * h)],
                        "keypoints": [
                            [round(p.x * w, 5), round(p.y * h, 5)] for p in detection.location_data.relative_keypoints
                        ],
                    }
                )
            found.append(faces)
    source = (
        "mediapipe 0.10.21, solutions.face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.6)"
    )
    print(json.dumps({"source": f"{source}, on tests/edge/test_blazeface.py _frames()", "frames": found}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
