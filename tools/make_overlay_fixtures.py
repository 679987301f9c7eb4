#!/usr/bin/env python3
"""Writes the colour-map and overlay goldens of Tests/ImagingTests (Fixtures/overlay/) with OpenCV and NumPy.

* ``jet_lut.npy``        [256, 3] uint8: ``cv2.applyColorMap(arange(256), cv2.COLORMAP_JET)`` turned to RGB.
* ``overlay_*``          Chefer et al.'s ``show_cam_on_image`` (hila-chefer/Transformer-Explainability notebooks):
                         ``heatmap = applyColorMap(uint8(255 * mask), JET) / 255; cam = heatmap + img;
                         cam /= max(cam); vis = uint8(255 * cam)`` in float32, with the heatmap in RGB order (the
                         documented difference of Sources/Imaging/HeatmapOverlay.swift) and ``img`` the image
                         min-max stretched over all channels (``overlay_expected.npy``, as the notebook does) or
                         ``pixel / 255`` (``overlay_expected_plain.npy``). Inputs: ``overlay_image.npy`` [20, 24, 3]
                         uint8 and ``overlay_mask.npy`` [20, 24] float32 in [0, 1] (0 and 1 included).

Requirements: numpy, opencv-python-headless (tools/requirements.txt). Run from the repository root:

    python3 tools/make_overlay_fixtures.py
"""

from pathlib import Path

import cv2
import numpy as np

OUT = Path(__file__).resolve().parent.parent / "Tests" / "ImagingTests" / "Fixtures" / "overlay"


def show_cam_on_image(img: np.ndarray, mask: np.ndarray) -> np.ndarray:
    heatmap = cv2.applyColorMap(np.uint8(255 * mask), cv2.COLORMAP_JET)
    heatmap = np.float32(heatmap) / 255
    heatmap = heatmap[..., ::-1]  # BGR -> RGB, so the jet colours land on the right channels of an RGB image
    cam = heatmap + np.float32(img)
    cam = cam / np.max(cam)
    return np.uint8(255 * cam)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    levels = np.arange(256, dtype=np.uint8).reshape(1, 256)
    lut = cv2.applyColorMap(levels, cv2.COLORMAP_JET)[0][:, ::-1]
    np.save(OUT / "jet_lut.npy", np.ascontiguousarray(lut))

    generator = np.random.default_rng(5)
    image = generator.integers(20, 231, (20, 24, 3), dtype=np.uint8)
    mask = generator.random((20, 24)).astype(np.float32)
    mask[0, 0], mask[0, 1], mask[5, 5] = 0.0, 1.0, np.float32(128 / 255)
    np.save(OUT / "overlay_image.npy", image)
    np.save(OUT / "overlay_mask.npy", mask)
    pixels = image.astype(np.float32)
    stretched = (pixels - pixels.min()) / (pixels.max() - pixels.min())
    np.save(OUT / "overlay_expected.npy", show_cam_on_image(stretched, mask))
    np.save(OUT / "overlay_expected_plain.npy", show_cam_on_image(pixels / np.float32(255), mask))
    print(f"wrote {OUT} (OpenCV {cv2.__version__})")


if __name__ == "__main__":
    main()
