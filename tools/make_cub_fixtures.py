#!/usr/bin/env python3
"""Writes the CUB-200-2011, wsolevaluation-metadata and plain-folder fixtures of Tests/DatasetsTests.

Fixtures (each well under 1 MB):
  Fixtures/cub/CUB_200_2011/...        index files with the real first lines of CUB-200-2011, 16x12 JPEGs
  Fixtures/cub/segmentations/...       soft 8-bit masks (the separate release sits next to CUB_200_2011/)
  Fixtures/cub/expected.json           golden binary masks
  Fixtures/wsol/metadata/{ILSVRC,OpenImages}/test/...  wsolevaluation metadata, no trailing newline
  Fixtures/wsol/data/...               images and OpenImages-style instance / ignore PNGs
  Fixtures/wsol/expected.json          golden masks from wsolevaluation's own get_mask() logic (OpenCV)
  Fixtures/folder/...                  images/, masks/, boxes.json, labels.csv (CRLF), expected.json

Golden values:
  * CUB masks: chainercv reads the soft masks as probabilities, level / 255 (float32), and we binarise at
    0.5, i.e. `(level.astype(np.float32) / 255) >= 0.5`; for RGB masks the first channel is used.
  * OpenImages masks: the body of wsolevaluation's `evaluation.get_mask` run at the masks' own size
    (`cv2.resize` with INTER_NEAREST to the same size is the identity): `np.float32(cv2.imread(p,
    cv2.IMREAD_GRAYSCALE)) > 0.5` per instance, union, ignore = ignore_png > 0.5 and not foreground;
    encoded 0 / 1 / 255.

Run from the repository root: python3 tools/make_cub_fixtures.py
"""

import json
import os
import shutil

import cv2
import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "DatasetsTests", "Fixtures")
WIDTH, HEIGHT = 16, 12
RNG = np.random.default_rng(20240601)


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as handle:
        handle.write(text)


def write_jpeg(path, seed):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(HEIGHT, WIDTH, 3), dtype=np.uint8)
    Image.fromarray(pixels, "RGB").save(path, quality=90)


def write_png(path, array, mode):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(array, mode).save(path)


def soft_levels(width=WIDTH, height=HEIGHT, seed=0):
    """A soft mask that contains the levels around the threshold (0, 1, 127, 128, 254, 255) plus noise."""
    rng = np.random.default_rng(seed)
    levels = rng.integers(0, 256, size=(height, width), dtype=np.uint8)
    special = [0, 1, 126, 127, 128, 129, 254, 255]
    levels.flat[: len(special)] = special
    return levels


def cub():
    base = os.path.join(ROOT, "cub")
    shutil.rmtree(base, ignore_errors=True)
    root = os.path.join(base, "CUB_200_2011")
    # The real first lines of CUB-200-2011; id 61 is the first Laysan Albatross image of wsolevaluation's
    # test list, given an illustrative id.
    images = [
        (1, "001.Black_footed_Albatross/Black_Footed_Albatross_0046_18.jpg", 1, 0, "60.0 27.0 325.0 304.0"),
        (2, "001.Black_footed_Albatross/Black_Footed_Albatross_0009_34.jpg", 1, 1, "139.0 30.0 153.0 264.0"),
        (3, "001.Black_footed_Albatross/Black_Footed_Albatross_0002_55.jpg", 1, 0, "14.0 112.0 388.0 186.0"),
        (61, "002.Laysan_Albatross/Laysan_Albatross_0002_1027.jpg", 2, 0, "144.0 40.0 333.0 165.0"),
    ]
    classes = ["001.Black_footed_Albatross", "002.Laysan_Albatross", "003.Sooty_Albatross"]
    write_text(os.path.join(root, "images.txt"), "".join(f"{i} {p}\n" for i, p, _, _, _ in images))
    write_text(os.path.join(root, "classes.txt"), "".join(f"{k + 1} {c}\n" for k, c in enumerate(classes)))
    write_text(os.path.join(root, "image_class_labels.txt"), "".join(f"{i} {c}\n" for i, _, c, _, _ in images))
    write_text(os.path.join(root, "train_test_split.txt"), "".join(f"{i} {t}\n" for i, _, _, t, _ in images))
    write_text(os.path.join(root, "bounding_boxes.txt"), "".join(f"{i} {b}\n" for i, _, _, _, b in images))
    for image_id, path, _, _, _ in images:
        write_jpeg(os.path.join(root, "images", path), image_id)

    seg = os.path.join(base, "segmentations")
    expected = {}
    # Image 1: an 8-bit gray soft mask.
    gray = soft_levels(seed=1)
    gray_path = "001.Black_footed_Albatross/Black_Footed_Albatross_0046_18.png"
    write_png(os.path.join(seg, gray_path), gray, "L")
    # Image 3: an RGB soft mask whose channels differ; the first channel is the level.
    rgb = np.stack([soft_levels(seed=3), soft_levels(seed=4), soft_levels(seed=5)], axis=2)
    rgb_path = "001.Black_footed_Albatross/Black_Footed_Albatross_0002_55.png"
    write_png(os.path.join(seg, rgb_path), rgb, "RGB")
    # Image 2 (train split): a mask of the wrong size.
    write_png(
        os.path.join(seg, "001.Black_footed_Albatross/Black_Footed_Albatross_0009_34.png"),
        soft_levels(8, 6, seed=2), "L")
    # Image 61 has no mask.

    for key, path in [("gray", gray_path), ("rgb", rgb_path)]:
        array = np.asarray(Image.open(os.path.join(seg, path)))
        first = array if array.ndim == 2 else array[:, :, 0]
        probability = first.astype(np.float32) / 255.0
        expected[key] = {
            "path": path,
            "levels": first.flatten().tolist(),
            "half": (probability >= 0.5).astype(np.uint8).flatten().tolist(),
            "nonzero": (first > 0).astype(np.uint8).flatten().tolist(),
        }
    write_text(os.path.join(base, "expected.json"), json.dumps(expected))


def wsol_get_mask(mask_paths, ignore_path):
    """wsolevaluation evaluation.get_mask with the resize to the masks' own size (the identity)."""
    def load(path):
        mask = np.float32(cv2.imread(path, cv2.IMREAD_GRAYSCALE))
        return cv2.resize(mask, (mask.shape[1], mask.shape[0]), interpolation=cv2.INTER_NEAREST)

    instances = np.stack([load(p) > 0.5 for p in mask_paths], axis=0).any(axis=0)
    ignore_box = load(ignore_path) > 0.5
    ignore = np.logical_and(ignore_box, np.logical_not(instances))
    return instances.astype(np.uint8) + 255 * ignore.astype(np.uint8)


def wsol():
    base = os.path.join(ROOT, "wsol")
    shutil.rmtree(base, ignore_errors=True)
    data = os.path.join(base, "data")

    # ILSVRC boxes: two boxes for image 2 (evaluation.md §1.9), no trailing newline on any file.
    ilsvrc = os.path.join(base, "metadata", "ILSVRC", "test")
    ids = ["val/ILSVRC2012_val_00000001.JPEG", "val/ILSVRC2012_val_00000002.JPEG"]
    write_text(os.path.join(ilsvrc, "image_ids.txt"), "\n".join(ids))
    write_text(os.path.join(ilsvrc, "class_labels.txt"), f"{ids[0]},65\n{ids[1]},970")
    write_text(os.path.join(ilsvrc, "image_sizes.txt"), f"{ids[0]},500,375\n{ids[1]},500,375")
    write_text(
        os.path.join(ilsvrc, "localization.txt"),
        f"{ids[0]},111,108,441,193\n{ids[1]},45,49,499,162\n{ids[1]},2,69,437,207")
    for seed, image_id in enumerate(ids):
        write_jpeg(os.path.join(data, image_id), 100 + seed)

    # OpenImages masks: image A has two instances (8-bit gray, RGB) and an ignore PNG on its first line only;
    # image B has one 1-bit instance and an ignore PNG.
    open_images = os.path.join(base, "metadata", "OpenImages", "test")
    image_a = "test/01226z/7af766bd43da900b.jpg"
    image_b = "test/01226z/973645e9516726b3.jpg"
    mask_a1 = "test/01226z/7af766bd43da900b_m01226z_6554d965.png"
    mask_a2 = "test/01226z/7af766bd43da900b_m01226z_8856c605.png"
    ignore_a = "test/01226z/7af766bd43da900b_ignore.png"
    mask_b1 = "test/01226z/973645e9516726b3_m01226z_9ad378d4.png"
    ignore_b = "test/01226z/973645e9516726b3_ignore.png"
    write_text(os.path.join(open_images, "image_ids.txt"), f"{image_a}\n{image_b}")
    write_text(os.path.join(open_images, "class_labels.txt"), f"{image_a},0\n{image_b},0")
    write_text(os.path.join(open_images, "image_sizes.txt"), "")
    write_text(
        os.path.join(open_images, "localization.txt"),
        f"{image_a},{mask_a1},{ignore_a}\n{image_a},{mask_a2},\n{image_b},{mask_b1},{ignore_b}")
    write_jpeg(os.path.join(data, image_a), 200)
    write_jpeg(os.path.join(data, image_b), 201)

    level_a1 = np.zeros((HEIGHT, WIDTH), np.uint8)
    level_a1[2:6, 3:9] = 255
    level_a1[0, 0:8] = [1, 2, 64, 127, 128, 200, 254, 255]  # soft levels: all foreground under `> 0.5`
    write_png(os.path.join(data, mask_a1), level_a1, "L")
    color_a2 = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    color_a2[7:10, 10:14] = [255, 255, 255]
    color_a2[11, 0:4] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [1, 0, 0]]  # colour pixels -> OpenCV gray
    write_png(os.path.join(data, mask_a2), color_a2, "RGB")
    ignore_level_a = np.zeros((HEIGHT, WIDTH), np.uint8)
    ignore_level_a[1:8, 1:12] = 255  # overlaps the instances: the overlap stays foreground
    write_png(os.path.join(data, ignore_a), ignore_level_a, "L")

    bits_b1 = np.zeros((HEIGHT, WIDTH), bool)
    bits_b1[4:8, 4:12] = True
    Image.fromarray(bits_b1).convert("1").save(os.path.join(data, mask_b1))
    ignore_level_b = np.zeros((HEIGHT, WIDTH), np.uint8)
    ignore_level_b[0:3, :] = 255
    write_png(os.path.join(data, ignore_b), ignore_level_b, "L")

    expected = {
        image_a: wsol_get_mask([os.path.join(data, mask_a1), os.path.join(data, mask_a2)],
                               os.path.join(data, ignore_a)).flatten().tolist(),
        image_b: wsol_get_mask([os.path.join(data, mask_b1)], os.path.join(data, ignore_b)).flatten().tolist(),
        "opencv_gray_" + mask_a2: cv2.imread(os.path.join(data, mask_a2), cv2.IMREAD_GRAYSCALE).flatten().tolist(),
        "opencv_version": cv2.__version__,
    }
    write_text(os.path.join(base, "expected.json"), json.dumps(expected))


def folder():
    base = os.path.join(ROOT, "folder")
    shutil.rmtree(base, ignore_errors=True)
    write_jpeg(os.path.join(base, "images", "cat1.jpg"), 300)
    os.makedirs(os.path.join(base, "images"), exist_ok=True)
    Image.fromarray(RNG.integers(0, 256, size=(HEIGHT, WIDTH, 3), dtype=np.uint8), "RGB").save(
        os.path.join(base, "images", "dog2.PNG"))
    write_jpeg(os.path.join(base, "images", "bird3.jpeg"), 302)  # no mask
    write_text(os.path.join(base, "images", "notes.txt"), "not an image\n")

    binary = np.zeros((HEIGHT, WIDTH), np.uint8)  # plain 0/255 binary mask: 255 is foreground
    binary[3:9, 2:10] = 255
    write_png(os.path.join(base, "masks", "cat1.png"), binary, "L")
    label = np.zeros((HEIGHT, WIDTH), np.uint8)  # VOC-style: 1 = object, 255 = void border
    label[4:8, 4:12] = 1
    label[3, 3:13] = 255
    label[8, 3:13] = 255
    palette_image = Image.fromarray(label, "P")
    palette_image.putpalette([0, 0, 0, 128, 0, 0] + [0, 0, 0] * 253 + [224, 224, 192])
    palette_image.save(os.path.join(base, "masks", "dog2.png"))
    write_png(os.path.join(base, "masks", "ghost.png"), binary, "L")  # orphan

    write_text(
        os.path.join(base, "boxes.json"),
        json.dumps({"cat1": [[2, 3, 9, 8, "cat"]], "dog2": [[0, 0, 15, 11, "dog"], [4.5, 4, 6, 6.5]]}, indent=1))
    write_text(os.path.join(base, "labels.csv"), 'id,label\r\ncat1,cat\r\ndog2,dog\r\n"bird3","bird"\r\n')

    expected = {
        "cat1": [1 if v else 0 for v in (binary.flatten() > 0)],
        "dog2": [255 if v == 255 else (1 if v else 0) for v in label.flatten().tolist()],
    }
    write_text(os.path.join(base, "expected.json"), json.dumps(expected))


if __name__ == "__main__":
    cub()
    wsol()
    folder()
