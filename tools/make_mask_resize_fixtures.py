"""Golden fixtures for OpenCV's nearest-neighbour resize (Tests/ImagingTests/Fixtures/opencv-nearest/).

wsolevaluation (clovaai/wsolevaluation @ 96f4b88, evaluation.py `load_mask_image`) brings every mask to
224 x 224 with `cv2.resize(mask, (224, 224), interpolation=cv2.INTER_NEAREST)`, which samples other source
pixels than Pillow's NEAREST. This script writes a few gray masks (blobs with label values, as masks have) and
OpenCV's resize of each to several sizes, all as PNG, with a manifest.

Run: python3 tools/make_mask_resize_fixtures.py   (seeded; rerunning gives the same files)
"""

import json
from pathlib import Path

import cv2
import numpy as np

OUT = Path(__file__).resolve().parent.parent / "Tests" / "ImagingTests" / "Fixtures" / "opencv-nearest"
rng = np.random.default_rng(20261204)


def blobs(height, width):
    """A mask of a few ellipses with values 1, 2, 255 (foreground, another instance, an ignore region)."""
    mask = np.zeros((height, width), np.uint8)
    for value in (1, 2, 255):
        center = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        axes = (int(rng.integers(1, max(2, width // 2))), int(rng.integers(1, max(2, height // 2))))
        cv2.ellipse(mask, center, axes, float(rng.integers(0, 180)), 0, 360, int(value), -1)
    # Single-pixel stripes make the sampled columns and rows visible.
    mask[:, ::7] = 3
    mask[::5, :] = 4
    return mask


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    sources = {"mask_500x375": (375, 500), "mask_13x9": (9, 13), "mask_224x300": (300, 224)}
    targets = [(224, 224), (97, 61), (448, 448), (7, 5)]
    cases = []
    for name, (height, width) in sources.items():
        mask = blobs(height, width)
        cv2.imwrite(str(OUT / f"{name}.png"), mask)
        for target_width, target_height in targets:
            # float32 as wsolevaluation reads masks (np.float32(cv2.imread(...))); the sampling is the same.
            resized = cv2.resize(np.float32(mask), (target_width, target_height), interpolation=cv2.INTER_NEAREST)
            out_name = f"{name}_to_{target_width}x{target_height}.png"
            cv2.imwrite(str(OUT / out_name), resized.astype(np.uint8))
            cases.append({"input": f"{name}.png", "width": target_width, "height": target_height, "output": out_name})
    manifest = {"opencv": cv2.__version__, "numpy": np.__version__, "cases": cases}
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


if __name__ == "__main__":
    main()
