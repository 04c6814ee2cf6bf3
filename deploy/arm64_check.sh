#!/usr/bin/env bash
# The device world on an Arm CPU, proven by emulation (not part of `make test`: it builds a
# Debian root and installs wheels under QEMU, 20-40 minutes on 2 cores).
#
#   sudo bash deploy/arm64_check.sh            # from the repository, after `make test` built .venv
#
# 1. Builds a Debian 12 (bookworm) arm64 root with Debian's mmdebstrap, run by
#    qemu-user-static through binfmt_misc (both installed here with apt when missing).
# 2. Builds keras-fer's wheel on this machine and installs it there with the [edge] extra:
#    pip inside the arm64 root, taking the aarch64 wheels from the package index (numpy,
#    opencv-contrib-python, ai-edge-litert), pinned by requirements/constraints.txt.
# 3. Copies in the two BlazeFace files this machine fetched (checked by sha256 there on load),
#    200 held-out FER2013 faces and a rendered synthetic clip, then runs, on both machines:
#      keras-fer predict --no-detect --source faces/ --json predict.jsonl
#      keras-fer run --source clip.avi --jsonl run.jsonl
#      keras-fer bench --video clip.avi --truth ground_truth.jsonl --json
# 4. Compares: identical labels on >= 99% of the faces, probabilities within 2/256.
#
# Emulated times say nothing about a Raspberry Pi or a Jetson: only the results are compared.
# The root has no /proc or /sys of its own (the host's crash XNNPACK's CPU probe under QEMU), so
# the interpreter there runs TFLite's built-in kernels, whose int8 rounding differs from
# XNNPACK's; benchmarks/kernel_agreement.py measures that difference on one machine.
# ARM64_ROOT (default /var/tmp/keras-fer-arm64) holds the root; it is kept for a rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
ROOT=${ARM64_ROOT:-/var/tmp/keras-fer-arm64}
WORK=${ARM64_WORK:-/var/tmp/keras-fer-arm64-work}
FER2013=${FER2013:-$REPO/../shared/data/fer2013_train.tgz}
HOST=$REPO/.venv/bin
[ -x "$HOST/keras-fer" ] || { echo "arm64_check: build .venv first (make test)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "arm64_check: run as root (mmdebstrap, chroot, binfmt)" >&2; exit 2; }

if ! command -v mmdebstrap >/dev/null || [ ! -e /usr/bin/qemu-aarch64-static ]; then
  apt-get update -q && apt-get install -y -q mmdebstrap qemu-user-static binfmt-support
fi
[ -e /proc/sys/fs/binfmt_misc/register ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || update-binfmts --enable qemu-aarch64

if [ ! -x "$ROOT/usr/bin/python3" ]; then
  rm -rf "$ROOT"
  # libgl1 and libglib2.0-0: what the opencv-contrib-python wheel links against.
  mmdebstrap --arch=arm64 --variant=apt \
    --include=python3,python3-venv,python3-pip,ca-certificates,libgl1,libglib2.0-0 \
    bookworm "$ROOT"
fi
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
# The host's CA bundle: where the package index is reached through a TLS-inspecting proxy,
# pip inside the root needs the same trust as pip here (Debian's pip reads the system bundle).
cp "${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}" "$ROOT/etc/ssl/certs/ca-certificates.crt"

rm -rf "$WORK" && mkdir -p "$WORK/faces" "$WORK/x86" "$WORK/arm64"
"$HOST/pip" wheel -q --no-deps --no-build-isolation . -w "$WORK/dist"
WHEEL=$(basename "$(ls "$WORK"/dist/keras_fer-*.whl)")
"$HOST/python" - "$FER2013" "$WORK/faces" <<'EOF'
import sys
from pathlib import Path
from keras_fer.data.archive import unpacked
folder, out = unpacked(Path(sys.argv[1])), Path(sys.argv[2])
keys = Path("tests/edge/fer2013_heldout.txt").read_text().split()
keys = keys[:: len(keys) // 200][:200]  # every class: the list is sorted by class
for i, key in enumerate(keys):
    (out / f"{i:03d}_{Path(key).parent.name}.jpg").write_bytes((folder / key).read_bytes())
EOF
"$HOST/keras-fer" data synth --clip --seconds 10 --out "$WORK/clip" --overwrite --quiet
mkdir -p "$WORK/home/models"
cp "$HOME"/.cache/keras-fer/models/face_detection_*.tflite "$WORK/home/models/"

checks() {  # $1: keras-fer command, $2: output folder
  "$1" predict --no-detect --source "$WORK/faces" --json "$2/predict.jsonl"
  "$1" run --source "$WORK/clip/clip.avi" --jsonl "$2/run.jsonl"
  "$1" bench --video "$WORK/clip/clip.avi" --truth "$WORK/clip/ground_truth.jsonl" --json > "$2/bench.json"
}

KERAS_FER_HOME=$WORK/home checks "$HOST/keras-fer" "$WORK/x86"

mkdir -p "$ROOT/work"
mountpoint -q "$ROOT/work" && umount "$ROOT/work"  # left by an interrupted run
mount --bind "$WORK" "$ROOT/work"
trap 'umount "$ROOT/work" 2>/dev/null || true' EXIT
cp requirements/constraints.txt "$WORK/constraints.txt"
chroot "$ROOT" /bin/bash -euo pipefail -c "
  uname -m; python3 --version
  [ -x /opt/kf/bin/pip ] || python3 -m venv /opt/kf
  /opt/kf/bin/pip install -q --disable-pip-version-check -c /work/constraints.txt '/work/dist/$WHEEL[edge]'
  /opt/kf/bin/pip list 2>/dev/null | grep -iE '^(numpy|opencv|ai-edge-litert|keras-fer) '
  /opt/kf/bin/python -c 'import platform, sys; from keras_fer.edge.interpreter import interpreter_class; print(platform.machine(), sys.version.split()[0], interpreter_class()[1]); assert \"tensorflow\" not in sys.modules'
"
chroot "$ROOT" /usr/bin/env KERAS_FER_HOME=/work/home /bin/bash -euo pipefail -c "
  k=/opt/kf/bin/keras-fer
  \$k predict --no-detect --source /work/faces --json /work/arm64/predict.jsonl
  \$k run --source /work/clip/clip.avi --jsonl /work/arm64/run.jsonl
  \$k bench --video /work/clip/clip.avi --truth /work/clip/ground_truth.jsonl --json > /work/arm64/bench.json
"
"$HOST/python" deploy/compare_runs.py "$WORK/x86" "$WORK/arm64"
