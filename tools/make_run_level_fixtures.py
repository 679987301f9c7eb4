#!/usr/bin/env python3
"""Run-level golden values: a folder dataset, maps on disk, and the dataset-level numbers the official evaluators
give for them (Tests/BenchCLITests/Fixtures/run-level/).

`Tests/BenchCLITests/RunLevelReferenceTests.swift` runs `bench run --dataset folder --root <fixture>/dataset
--methods "" --maps grid=<fixture>/maps/grid --maps fine=<fixture>/maps/fine --protocol P` and compares the run's
`summary.csv` with `expected.json`. The expected numbers come from the published code itself, imported unmodified
from checkouts of the protocols' reference commits (the ones named in EvaluationProtocol+BuiltIn.swift):

* clovaai/wsolevaluation @ 96f4b88679af41f005824661f47e6fe3628af2aa: `evaluation.BoxEvaluator` (MaxBoxAcc at
  IoU 30/50/70; `multi_contour_eval=True` is MaxBoxAccV2, `False` the largest contour of MaxBoxAccV1),
  `evaluation.MaskEvaluator` (PxAP), `inference.normalize_scoremap`, over metadata folders written here in their
  format (ILSVRC-style boxes, OpenImages-style masks with ignore masks), with their 1,000 thresholds
  `np.arange(0, 1, 0.001)` as `inference.CAMComputer` builds them. The evaluators get the score map `bench`
  scores (bilinear to 224, min-max in float32), in float64 as their pipeline hands maps over, through
  `normalize_scoremap` (the identity on such a map; zeros for a constant one). Their own CAM pipeline normalises
  in float64 instead, which moves pixels across PxAP's bin edges: PxAP 1.2e-4 points lower on the `fine` set,
  1.4e-6 on `grid`; MaxBoxAcc unchanged.
* hila-chefer/Transformer-Explainability @ c3e578f76b954e8528afeaaee26de3f07e3fe559: `utils/metrices.py`
  `batch_pix_accuracy`, `batch_intersection_union`, `get_ap_scores`. `baselines/ViT/imagenet_seg_eval.py` builds
  a model when imported, so its glue around those calls is restated here: bilinear `interpolate` of the map to
  224, min-max `(R - min) / (max - min)` in float32 (NaN for a constant map), threshold `R > mean(R)`, NaN set to
  0 in the binary channels and in the AP channels `[1 - R, R]`, then the dataset sums with `np.spacing(1)`.
* LeemSaebom/Attention-Guided-CAM @ 7202d31 (mirrored as
  LeemSaebom/Attention-Guided-CAM-Visual-Explanations-of-Vision-Transformer-Guided-by-Self-Attention):
  `Datasets/ILSVRC.py` `ImageNetDataset_val` reads the ground-truth boxes (`int(x / W * 224)`) from an ILSVRC-style
  copy of the fixture written here, `utils/bounding_box.py` `getBoudingBox_multi` and `box_to_seg` make the
  predicted and true masks. `localization.py` builds a model when imported, so its loop body is restated: upsample
  to 224 (`torch.nn.Upsample`, bilinear), min-max in float32, threshold 0.5, the eps 1e-5 per-image ratios in
  float32 torch, and their mean over the images.

The fixture (24 images, 17 of 224x224 with a mask and 7 of other sizes with boxes only) holds objects drawn on
plain backgrounds; every image's label is the class the demo model (models/demo, run here with timm) predicts
for it, with a logit margin of at least 1, so `agc2024`'s correct-only filter keeps every image (the Swift test
checks that it does). Two map sets: `grid` (mostly 14x14 grids, a few 7x7 and 28x28, upsampled bilinearly by
`bench` as by the official scripts) and `fine` (56x56, and two 224x224 maps with many ties); each set holds
constant maps (normalised to zeros by `bench`, NaN by Chefer's and AG-CAM's min-max, zeros by wsolevaluation's
`normalize_scoremap`), maps with many ties and maps whose single peak predicts almost nothing.

Compatibility shims, none of which changes a computation: numpy 2 has no `np.float`, which wsolevaluation
uses as a dtype and for its float64 check, so `np.float = float` is set before importing it; the AG-CAM dataset
class splits paths on `\\` (Windows), so on Linux it looks for each annotation next to its image, where the
ILSVRC-style copy puts it.

    python3 tools/make_run_level_fixtures.py --wsolevaluation W --transformer-explainability T --agcam A

where W, T, A are checkouts of the three repositories at those commits (e.g. `git --git-dir=MIRROR archive
COMMIT | tar -x -C DIR`; wsolevaluation's metadata folder is not needed). Seeded; rerunning writes the same files.
Requirements: tools/requirements.txt (numpy, torch, torchvision, opencv, scikit-learn, timm, safetensors, pillow,
munch, beautifulsoup4).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "Tests" / "BenchCLITests" / "Fixtures" / "run-level"
SIZE = 224
SEED = 20260114
REFERENCES = {
    "wsolevaluation": "clovaai/wsolevaluation@96f4b88679af41f005824661f47e6fe3628af2aa",
    "transformer-explainability": "hila-chefer/Transformer-Explainability@c3e578f76b954e8528afeaaee26de3f07e3fe559",
    "agcam": "LeemSaebom/Attention-Guided-CAM@7202d31",
}
# Image sizes of the box-only images (width, height): scaling by other factors than 1.
BOX_ONLY_SIZES = [(300, 200), (160, 240), (97, 131), (500, 375), (224, 180), (333, 222), (190, 224)]
MASKED_COUNT = 17


def load_module(name: str, path: Path, search_path: Path | None = None):
    """Imports the file at `path` as module `name`, with `search_path` first on sys.path while it loads."""
    if search_path is not None:
        sys.path.insert(0, str(search_path))
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        if search_path is not None:
            sys.path.remove(str(search_path))


# ----------------------------------------------------------------------------------------------------------------
# The dataset


def draw_objects(rng, width: int, height: int, count: int):
    """`count` filled ellipses or rectangles; returns the RGB image, the per-object masks."""
    background = rng.integers(30, 226, size=3)
    image = np.empty((height, width, 3), np.uint8)
    image[:] = background
    # A gentle gradient so the image is not flat.
    image = np.clip(image.astype(np.int16) + (np.arange(width)[None, :, None] * 20 // width), 0, 255).astype(np.uint8)
    ys, xs = np.mgrid[0:height, 0:width]
    masks = []
    for _ in range(count):
        cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
        rx, ry = rng.uniform(0.08, 0.3) * width, rng.uniform(0.08, 0.3) * height
        if rng.random() < 0.5:
            mask = ((xs - cx) / rx) ** 2 + ((ys - cy) / ry) ** 2 <= 1
        else:
            mask = (np.abs(xs - cx) <= rx) & (np.abs(ys - cy) <= ry)
        colour = rng.integers(0, 256, size=3)
        period = int(rng.integers(4, 12))
        stripes = ((xs + ys) // period) % 2 == 0
        image[mask & stripes] = colour
        image[mask & ~stripes] = 255 - colour
        masks.append(mask)
    return image, masks


def inclusive_box(mask: np.ndarray) -> list[int]:
    ys, xs = np.nonzero(mask)
    return [int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())]


def void_ring(mask: np.ndarray, width: int) -> np.ndarray:
    """The pixels within `width` of the object but outside it (a VOC-style void border)."""
    import cv2

    kernel = np.ones((2 * width + 1, 2 * width + 1), np.uint8)
    grown = cv2.dilate(mask.astype(np.uint8), kernel) > 0
    return grown & ~mask


def demo_model():
    import timm  # noqa: F401  (timm's VisionTransformer is the demo model's class)
    import torch
    from safetensors.torch import load_file
    from timm.models.vision_transformer import VisionTransformer

    config = json.loads((ROOT / "models" / "demo" / "config.json").read_text())
    model = VisionTransformer(num_classes=len(config["classes"]), **config["architecture"])
    model.load_state_dict(load_file(str(ROOT / "models" / "demo" / "model.safetensors")))
    model.eval()

    def predict(image: np.ndarray):
        picture = Image.fromarray(image)
        if picture.size != (SIZE, SIZE):
            # bench's squash resize with the model's interpolation (config.json: bilinear), Pillow's filter.
            picture = picture.resize((SIZE, SIZE), Image.BILINEAR)
        pixels = np.asarray(picture, np.float32) / 255
        planes = (pixels - np.float32(0.5)) / np.float32(0.5)
        with torch.no_grad():
            logits = model(torch.from_numpy(planes.transpose(2, 0, 1).copy())[None])[0].numpy()
        order = np.argsort(-logits)
        return int(order[0]), float(logits[order[0]] - logits[order[1]])

    return config["classes"], predict


def make_images(rng, predict):
    """The samples: stem, image, masks of the objects, void, label index."""
    samples = []
    sizes = [(SIZE, SIZE)] * MASKED_COUNT + BOX_ONLY_SIZES
    for index, (width, height) in enumerate(sizes):
        stem = f"img{index:02d}"
        # Redraw until the demo model is confident (margin >= 1 logit), so the Swift engine agrees on top-1.
        while True:
            count = 2 if index % 5 == 3 else 1
            image, objects = draw_objects(rng, width, height, count)
            label, margin = predict(image)
            if margin >= 1.0:
                break
        samples.append({"stem": stem, "image": image, "objects": objects, "label": label,
                        "masked": index < MASKED_COUNT, "width": width, "height": height})
    # Void borders on three masks; one mask with no foreground at all (its objects still have boxes).
    for index in (2, 7, 11):
        union = np.any(samples[index]["objects"], axis=0)
        samples[index]["void"] = void_ring(union, 3)
    samples[13]["empty_mask"] = True
    return samples


def write_dataset(samples, class_names, folder: Path):
    (folder / "images").mkdir(parents=True)
    (folder / "masks").mkdir()
    boxes = {}
    label_lines = ["id,label"]
    for sample in samples:
        stem = sample["stem"]
        Image.fromarray(sample["image"]).save(folder / "images" / f"{stem}.png", optimize=True)
        name = class_names[sample["label"]]
        label_lines.append(f"{stem},{name}")
        boxes[stem] = [inclusive_box(mask) + [name] for mask in sample["objects"]]
        if sample["masked"]:
            levels = np.zeros((sample["height"], sample["width"]), np.uint8)
            if not sample.get("empty_mask"):
                levels[np.any(sample["objects"], axis=0)] = 1
            if "void" in sample:
                levels[sample["void"]] = 255
            Image.fromarray(levels, mode="L").save(folder / "masks" / f"{stem}.png", optimize=True)
    (folder / "labels.csv").write_text("\n".join(label_lines) + "\n")
    (folder / "classes.txt").write_text("\n".join(class_names) + "\n")
    (folder / "boxes.json").write_text(json.dumps(boxes, indent=1, sort_keys=True) + "\n")


def truth_labels(sample) -> np.ndarray:
    """0 background, 1 foreground, -1 void (Chefer's `ignore_index`), at 224x224 (masked images are 224)."""
    labels = np.zeros((SIZE, SIZE), np.int64)
    if not sample.get("empty_mask"):
        labels[np.any(sample["objects"], axis=0)] = 1
    if "void" in sample:
        labels[sample["void"]] = -1
    return labels


# ----------------------------------------------------------------------------------------------------------------
# The maps


def smooth(rng, size: int, centre, spread: float) -> np.ndarray:
    ys, xs = np.mgrid[0:size, 0:size] + 0.5
    cx, cy = centre[0] * size, centre[1] * size
    bump = np.exp(-(((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * (spread * size) ** 2)))
    return bump + 0.15 * rng.random((size, size))


def object_centre(sample):
    ys, xs = np.nonzero(np.any(sample["objects"], axis=0))
    return xs.mean() / sample["width"], ys.mean() / sample["height"]


def make_map(rng, kind: str, size: int, sample) -> np.ndarray:
    centre = object_centre(sample)
    if kind == "blob":
        values = smooth(rng, size, centre, rng.uniform(0.08, 0.25))
    elif kind == "offset":
        values = smooth(rng, size, (1 - centre[0], 1 - centre[1]), 0.15)
    elif kind == "ties":
        # Four levels on the object, many equal values: ties at every threshold and at the map's mean.
        values = np.round(smooth(rng, size, centre, 0.2) * 3) / 3
    elif kind == "levels255":
        values = np.floor(smooth(rng, size, centre, 0.2) * 12) * 17 / 255
    elif kind == "noise":
        values = rng.random((size, size))
    elif kind == "peak":
        # One hot cell: the smallest possible prediction.
        values = np.zeros((size, size))
        values[int(centre[1] * size), int(centre[0] * size)] = 1
    elif kind == "two":
        # A lower peak on the object and a higher, broader one elsewhere: the largest contour (MaxBoxAccV1) is the
        # wrong one at thresholds where all contours (MaxBoxAccV2) still hold a box on the object.
        other = ((centre[0] + 0.5) % 1, (centre[1] + 0.5) % 1)
        values = 0.7 * smooth(rng, size, centre, 0.12) + smooth(rng, size, other, 0.2)
    elif kind.startswith("constant"):
        values = np.full((size, size), float(kind.split(":")[1]))
    else:
        raise ValueError(kind)
    return values.astype(np.float32)


# Map kind and grid size per image, for each set.
GRID_PLAN = [("blob", 14), ("ties", 14), ("constant:0.25", 14), ("blob", 7), ("offset", 14), ("peak", 14),
             ("constant:0.6", 14), ("blob", 28), ("constant:0", 14), ("two", 14), ("ties", 28), ("two", 14),
             ("levels255", 14), ("blob", 14), ("constant:1", 7), ("offset", 28), ("blob", 14),
             ("two", 14), ("ties", 14), ("peak", 7), ("two", 14), ("constant:0.5", 14), ("two", 14), ("noise", 7)]
FINE_PLAN = [("blob", 56), ("levels255", 224), ("two", 56), ("constant:0.7", 56), ("ties", 56), ("offset", 56),
             ("blob", 56), ("peak", 56), ("two", 56), ("ties", 224), ("constant:0", 56), ("blob", 56),
             ("noise", 56), ("constant:0.9", 56), ("levels255", 56), ("blob", 56), ("constant:0.3", 56),
             ("offset", 56), ("two", 56), ("ties", 56), ("peak", 56), ("two", 56), ("two", 56), ("blob", 56)]


# ----------------------------------------------------------------------------------------------------------------
# The official evaluators


def upsampled(raw: np.ndarray, how: str):
    """The map at 224x224 as each official script brings it there (float32 torch, bilinear, align_corners=False)."""
    import torch

    tensor = torch.from_numpy(raw)[None, None]
    if raw.shape[0] == SIZE:
        return tensor
    if how == "chefer":
        # imagenet_seg_eval.py: interpolate(Res, scale_factor=16, mode='bilinear') for 14x14 grids.
        return torch.nn.functional.interpolate(tensor, scale_factor=SIZE // raw.shape[0], mode="bilinear")
    # localization.py: torch.nn.Upsample(224, mode='bilinear', align_corners=False).
    return torch.nn.Upsample(SIZE, mode="bilinear", align_corners=False)(tensor)


def min_max(tensor):
    """`(R - R.min()) / (R.max() - R.min())` in float32, as both scripts write it (NaN for a constant map)."""
    return (tensor - tensor.min()) / (tensor.max() - tensor.min())


def wsolevaluation_numbers(wsol, inference, samples, maps, scratch: Path):
    """MaxBoxAcc (V2: all contours; V1: largest contour) at IoU 30/50/70 over all images, PxAP over the masked."""
    from munch import Munch

    boxes_root = scratch / "wsol-boxes"
    masks_root = scratch / "wsol-masks"
    boxes_root.mkdir()
    masks_root.mkdir()
    ids = [s["stem"] for s in samples]
    (boxes_root / "image_ids.txt").write_text("\n".join(ids))
    (boxes_root / "class_labels.txt").write_text("\n".join(f"{s['stem']},{s['label']}" for s in samples))
    (boxes_root / "image_sizes.txt").write_text("\n".join(f"{s['stem']},{s['width']},{s['height']}" for s in samples))
    (boxes_root / "localization.txt").write_text("\n".join(
        f"{s['stem']},{','.join(str(v) for v in inclusive_box(mask))}" for s in samples for mask in s["objects"]))
    masked = [s for s in samples if s["masked"]]
    (masks_root / "image_ids.txt").write_text("\n".join(s["stem"] for s in masked))
    (masks_root / "class_labels.txt").write_text("\n".join(f"{s['stem']},{s['label']}" for s in masked))
    (masks_root / "image_sizes.txt").write_text("")
    lines = []
    for s in masked:
        labels = truth_labels(s)
        cv2_write(masks_root / f"{s['stem']}_m.png", (labels == 1).astype(np.uint8) * 255)
        cv2_write(masks_root / f"{s['stem']}_ignore.png", (labels == -1).astype(np.uint8) * 255)
        lines.append(f"{s['stem']},{s['stem']}_m.png,{s['stem']}_ignore.png")
    (masks_root / "localization.txt").write_text("\n".join(lines))

    def metadata(folder: Path) -> Munch:
        return wsol.configure_metadata(str(folder))

    thresholds = list(np.arange(0, 1, 0.001))
    scoremaps = {}
    for s in samples:
        # The score map bench scores: bilinear to 224 and min-max in float32 (NaN when constant), handed over
        # as their pipeline hands it (float64) through normalize_scoremap (identity here; a NaN map becomes zeros).
        normalised = min_max(upsampled(maps[s["stem"]], "agcam"))[0, 0].numpy().astype(np.float64)
        scoremaps[s["stem"]] = inference.normalize_scoremap(normalised)
    result = {}
    for protocol, multi_contour in (("wsoleval", True), ("wsoleval-v1", False)):
        evaluator = wsol.BoxEvaluator(
            metadata=metadata(boxes_root), dataset_name="ILSVRC", split="test", cam_threshold_list=thresholds,
            iou_threshold_list=[30, 50, 70], mask_root=str(masks_root), multi_contour_eval=multi_contour)
        for s in samples:
            evaluator.accumulate(scoremaps[s["stem"]], s["stem"])
        result[protocol] = {"maxboxacc-iou30": None, "maxboxacc-iou50": None, "maxboxacc-iou70": None}
        for name, value in zip(result[protocol], evaluator.compute()):
            result[protocol][name] = float(value)
    masks = wsol.MaskEvaluator(
        metadata=metadata(masks_root), dataset_name="OpenImages", split="test", cam_threshold_list=thresholds,
        iou_threshold_list=[30, 50, 70], mask_root=str(masks_root), multi_contour_eval=True)
    for s in masked:
        masks.accumulate(scoremaps[s["stem"]], s["stem"])
    with contextlib.redirect_stdout(io.StringIO()):
        pxap = float(masks.compute())
    v2 = result["wsoleval"]
    v2["maxboxacc-v2"] = float(np.average([v2["maxboxacc-iou30"], v2["maxboxacc-iou50"], v2["maxboxacc-iou70"]]))
    v2["pxap"] = pxap
    # MaxBoxAccV1 is what evaluate_wsol reports without multi_iou_eval: the IoU-50 entry.
    v1 = result["wsoleval-v1"]["maxboxacc-iou50"]
    result["wsoleval-v1"] = {"maxboxacc-v1": v1, "maxboxacc-iou50": v1, "pxap": pxap}
    return result


def cv2_write(path: Path, image: np.ndarray) -> None:
    import cv2

    cv2.imwrite(str(path), image)


def chefer_numbers(metrices, samples, maps):
    """Dataset-level pixel accuracy and mIoU, mean per-image AP, over the masked images (every one is evaluated)."""
    import torch

    total_inter, total_union = np.int64(0), np.int64(0)
    total_correct, total_label = np.int64(0), np.int64(0)
    total_ap = []
    per_image = {}
    for s in samples:
        if not s["masked"]:
            continue
        relevance = min_max(upsampled(maps[s["stem"]], "chefer"))
        mean = relevance.mean()
        foreground = relevance.gt(mean).type(relevance.type())
        background = relevance.le(mean).type(relevance.type())
        ap_foreground = relevance
        ap_background = 1 - relevance
        for channel in (foreground, background, ap_foreground, ap_background):
            channel[channel != channel] = 0
        output = torch.cat((background, foreground), 1)
        output_ap = torch.cat((ap_background, ap_foreground), 1)
        labels = torch.from_numpy(truth_labels(s))[None]
        correct, labeled = metrices.batch_pix_accuracy(output[0].data.cpu(), labels[0])
        inter, union = metrices.batch_intersection_union(output[0].data.cpu(), labels[0], 2)
        ap = np.nan_to_num(metrices.get_ap_scores(output_ap, labels))
        total_correct += correct.astype("int64")
        total_label += labeled.astype("int64")
        total_inter += inter.astype("int64")
        total_union += union.astype("int64")
        total_ap += [ap]
        per_image[s["stem"]] = {"map": float(np.mean(ap))}
    pixel_accuracy = np.float64(1.0) * total_correct / (np.spacing(1, dtype=np.float64) + total_label)
    iou = np.float64(1.0) * total_inter / (np.spacing(1, dtype=np.float64) + total_union)
    return {
        "pixel-accuracy": float(pixel_accuracy), "miou": float(iou.mean()), "map": float(np.mean(total_ap)),
        "iou-background": float(iou[0]), "iou-foreground": float(iou[1]),
    }, per_image


def agcam_numbers(ilsvrc, bounding_box, samples, maps, class_names, scratch: Path):
    """AG-CAM's per-image pixel accuracy, IoU, Dice, precision, recall (eps 1e-5, float32) and their means."""
    import torch

    # Their dataset class, on an ILSVRC-style copy: Data/CLS-LOC/val/<class>/<id>.jpeg (the file's bytes are the
    # PNG: only its size is read) with the annotation beside it (the Linux path of their `split('\\')`).
    root = scratch / "agcam"
    assert "." not in str(root), "the AG-CAM dataset class cuts the path at its first dot"
    for s in samples:
        folder = root / "Data" / "CLS-LOC" / "val" / class_names[s["label"]]
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(s["image"]).save(folder / f"{s['stem']}.jpeg", format="PNG")
        objects = "".join(
            "<object><name>{}</name><bndbox><xmin>{}</xmin><ymin>{}</ymin><xmax>{}</xmax><ymax>{}</ymax>"
            "</bndbox></object>".format(class_names[s["label"]], *inclusive_box(mask)) for mask in s["objects"])
        (folder / f"{s['stem']}.xml").write_text(f"<annotation>{objects}</annotation>")
    (root / "Annotations" / "CLS-LOC" / "val").mkdir(parents=True)
    dataset = ilsvrc.ImageNetDataset_val(root_dir=str(root), transforms=None)
    totals = {name: torch.zeros(()) for name in ("pixel-accuracy", "iou", "dice", "precision", "recall")}
    per_image = {}
    for index in range(len(dataset)):
        item = dataset[index]
        stem = Path(item["img_path"]).stem
        true_boxes = item["bnd_box"]
        mask = min_max(upsampled(maps[stem], "agcam"))
        seg_label = bounding_box.box_to_seg(true_boxes)
        with warnings.catch_warnings():
            # A constant map is NaN after the min-max; its cast to uint8 warns (and gives no contour).
            warnings.simplefilter("ignore", RuntimeWarning)
            predicted_boxes = bounding_box.getBoudingBox_multi(mask, threshold=0.5)
        seg_mask = bounding_box.box_to_seg(predicted_boxes)
        output = seg_mask.view(-1)
        target = seg_label.view(-1).float()
        tp = torch.sum(output * target)
        fp = torch.sum(output * (1 - target))
        fn = torch.sum((1 - output) * target)
        tn = torch.sum((1 - output) * (1 - target))
        eps = 1e-5
        values = {
            "pixel-accuracy": (tp + tn + eps) / (tp + tn + fp + fn + eps),
            "dice": (2 * tp + eps) / (2 * tp + fp + fn + eps),
            "precision": (tp + eps) / (tp + fp + eps),
            "recall": (tp + eps) / (tp + fn + eps),
            "iou": (tp + eps) / (tp + fp + fn + eps),
        }
        for name, value in values.items():
            totals[name] += value
        per_image[stem] = {name: float(value.item()) for name, value in values.items()}
        per_image[stem]["truth-pixels"] = int(target.sum().item())
        per_image[stem]["predicted-pixels"] = int(output.sum().item())
    count = len(dataset)
    return {name: float((total / count).item()) for name, total in totals.items()}, per_image


# ----------------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wsolevaluation", type=Path, required=True, help="checkout of clovaai/wsolevaluation")
    parser.add_argument("--transformer-explainability", type=Path, required=True,
                        help="checkout of hila-chefer/Transformer-Explainability")
    parser.add_argument("--agcam", type=Path, required=True, help="checkout of LeemSaebom's Attention-Guided-CAM")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    import cv2
    import sklearn
    import timm
    import torch

    torch.set_num_threads(1)
    np.float = float  # numpy 2 dropped the alias wsolevaluation uses (as a dtype: float64)
    wsol = load_module("wsol_evaluation", args.wsolevaluation / "evaluation.py", args.wsolevaluation)
    inference = load_module("wsol_inference", args.wsolevaluation / "inference.py", args.wsolevaluation)
    metrices = load_module("chefer_metrices", args.transformer_explainability / "utils" / "metrices.py")
    bounding_box = load_module("agcam_bounding_box", args.agcam / "utils" / "bounding_box.py")
    ilsvrc = load_module("agcam_ilsvrc", args.agcam / "Datasets" / "ILSVRC.py")

    rng = np.random.default_rng(SEED)
    class_names, predict = demo_model()
    samples = make_images(rng, predict)

    if args.out.exists():
        shutil.rmtree(args.out)
    write_dataset(samples, class_names, args.out / "dataset")
    map_sets = {}
    for set_name, plan in (("grid", GRID_PLAN), ("fine", FINE_PLAN)):
        folder = args.out / "maps" / set_name
        folder.mkdir(parents=True)
        map_sets[set_name] = {}
        for sample, (kind, size) in zip(samples, plan, strict=True):
            values = make_map(rng, kind, size, sample)
            np.save(folder / f"{sample['stem']}.npy", values)
            map_sets[set_name][sample["stem"]] = values

    expected = {"wsoleval": {}, "wsoleval-v1": {}, "chefer2021": {}, "agc2024": {}}
    per_image = {"chefer2021": {}, "agc2024": {}}
    with tempfile.TemporaryDirectory(prefix="runlevel") as scratch:
        for set_name, maps in map_sets.items():
            work = Path(scratch) / set_name
            work.mkdir()
            wsol_result = wsolevaluation_numbers(wsol, inference, samples, maps, work)
            for protocol, numbers in wsol_result.items():
                expected[protocol][set_name] = numbers
            expected["chefer2021"][set_name], per_image["chefer2021"][set_name] = chefer_numbers(
                metrices, samples, maps)
            expected["agc2024"][set_name], per_image["agc2024"][set_name] = agcam_numbers(
                ilsvrc, bounding_box, samples, maps, class_names, work)

    fixture = {
        "generator": "tools/make_run_level_fixtures.py",
        "references": REFERENCES,
        "versions": {"numpy": np.__version__, "torch": torch.__version__, "opencv": cv2.__version__,
                     "scikit-learn": sklearn.__version__, "timm": timm.__version__},
        "units": {"wsoleval": "percent, as BoxEvaluator.compute and MaskEvaluator.compute return them",
                  "wsoleval-v1": "percent", "chefer2021": "fraction", "agc2024": "fraction (float32 results)"},
        "images": [{"id": s["stem"], "label": class_names[s["label"]], "masked": s["masked"],
                    "constant": {name: bool(np.all(maps[s["stem"]] == maps[s["stem"]].flat[0]))
                                 for name, maps in map_sets.items()}} for s in samples],
        "expected": expected,
        "perImage": per_image,
    }
    (args.out / "expected.json").write_text(json.dumps(fixture, indent=1, sort_keys=True) + "\n")
    print("wrote", args.out)


if __name__ == "__main__":
    main()
