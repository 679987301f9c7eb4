#!/usr/bin/env python3
"""Writes the perturbation-curve fixtures for Tests/EvaluationTests (Fixtures/perturbation/).

An independent PyTorch implementation of the perturbation protocols, written from the specs
(../shared/reference/evaluation.md §4.2 and §5.1, methods.md §1.3 and §2.6), run on a tiny random-init timm
``VisionTransformer`` (32 px, patch 8, width 48, depth 2, 3 heads, 10 classes) and seeded images and maps:

* Chefer et al. 2021 (``pertubation_eval_from_hdf5.py``): the image in [0, 1]; at step p in 0.1..0.9 the top
  ``int(S*S*p)`` pixels of ``vis`` (positive) or of ``-vis`` (negative) are set to 0 in all three channels, then
  the image is normalised. Area: ``np.trapz([unperturbed] + steps, [0] + fractions) * 100``.
* Leem & Seo 2024 (``ABPC.py``): steps 0.0..1.0 (11), ``int(S*S*s)`` pixels; removal multiplies the *normalised*
  image by a 0/1 mask (0 in normalised space). Area: plain mean over the 11 steps; ABPC = mean(LeRF - MoRF).
* Fill variants beside those two: the dataset mean colour (in [0, 1], normalised like the image) and RISE's blur
  (``gkern(11, 5)``: scipy ``gaussian_filter`` of an 11x11 delta with sigma 5, so the kernel is the
  reflect-mode-smoothed delta, applied per channel with ``conv2d(padding=5)``, zero padding, to the
  normalised image).
* RISE (Petsiuk et al. 2018, eclique/RISE ``evaluation.py``, ``CausalMetric.single_run``): ``step`` pixels per
  iteration, ``n_steps = ceil(HW / step)`` and ``n_steps + 1`` scores (the first on the untouched start image);
  deletion starts from the image and moves to the substrate ``zeros_like`` (normalised zero); insertion starts
  from the blurred image and moves to the image; score = softmax probability of the class predicted on the
  original image; ``auc(arr) = (sum(arr) - arr[0]/2 - arr[-1]/2) / (len(arr) - 1)``.

Pixel order, the one documented deterministic rule that replaces ``torch.topk``'s unspecified tie order (and
RISE's flipped ``np.argsort``): MoRF = stable sort by map value descending (ties: lower flat index first);
LeRF = stable sort ascending (the order of ``-map`` descending with the same tie rule). Map 1 is quantised to
8 levels so that ties decide which pixels go.

Files: ``model.safetensors``; ``images.npy`` [N, 3, S, S] (normalised, ImageNet mean/std), ``maps.npy``
[N, S, S], ``labels.npy`` [N], ``blurred.npy`` [N, 3, S, S]; ``meta.json`` (mean, std, dataset mean colour,
fractions, RISE step, per-case pixel counts, the areas); and per case ``<case>_logits.npy`` [N, T, K],
``<case>_perturbed.npy`` [N, 3, S, S] (the input at the middle step), ``<case>_<score>.npy`` [N, T] for
score in correct / probability / logit (the last three only for the scored cases in ``SCORED``). Cases: ``<schedule>_<order>_<fill>`` for schedule chefer (9 steps) and
agcam (11), order morf / lerf, fill black / gray / mean / blur; and ``rise_deletion``, ``rise_insertion``.

Requirements: torch, timm, safetensors, numpy, scipy (tools/requirements.txt). Run from the repository root:

    python3 tools/make_perturbation_fixtures.py
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from scipy.ndimage import gaussian_filter
from timm.models.vision_transformer import VisionTransformer

OUT = Path(__file__).resolve().parent.parent / "Tests" / "EvaluationTests" / "Fixtures" / "perturbation"
SIZE = 32
CLASSES = 10
IMAGES = 3
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
DATASET_MEAN = (0.5, 0.5, 0.5)  # the "mean" fill's colour in [0, 1] (not the normalisation mean, so it differs from gray)
RISE_STEP = 100  # 1024 pixels -> ceil(1024 / 100) = 11 steps, the last one partial

# The cases whose curves are scored (each forward costs the debug-built Swift tests time); every case's perturbed
# inputs are checked. Together they cover every fill, both orders and both schedules.
SCORED = {"chefer": ("black", "blur"), "agcam": ("gray", "mean")}

SCHEDULES = {
    "chefer": [i / 10 for i in range(1, 10)],
    "agcam": [i / 10 for i in range(0, 11)],
}


def randomize(model: torch.nn.Module, seed: int, std: float) -> None:
    """Every parameter from N(0, std^2), norm weights from N(1, std^2) (as tools/make_vit_fixtures.py)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            values = torch.randn(parameter.shape, generator=generator) * std
            is_norm_weight = name.endswith("weight") and parameter.ndim == 1
            parameter.copy_(values + 1 if is_norm_weight else values)


def normalize(image01: torch.Tensor) -> torch.Tensor:
    """torchvision ``Normalize``: ``(x - mean) / std`` per channel, float32."""
    mean = torch.tensor(MEAN, dtype=torch.float32).view(3, 1, 1)
    std = torch.tensor(STD, dtype=torch.float32).view(3, 1, 1)
    return (image01 - mean) / std


def rise_kernel(length: int = 11, sigma: float = 5) -> torch.Tensor:
    """RISE's ``gkern``: an 11x11 delta smoothed by scipy's ``gaussian_filter`` (mode reflect), as [3, 3, k, k]."""
    delta = np.zeros((length, length))
    delta[length // 2, length // 2] = 1
    smoothed = gaussian_filter(delta, sigma)
    kernel = np.zeros((3, 3, length, length))
    for channel in range(3):
        kernel[channel, channel] = smoothed
    return torch.from_numpy(kernel.astype("float32"))


def blur(normalized: torch.Tensor) -> torch.Tensor:
    """RISE's insertion substrate: ``conv2d(x, gkern(11, 5), padding=5)`` on the normalised image."""
    return F.conv2d(normalized.unsqueeze(0), rise_kernel(), padding=5)[0]


def pixel_order(vis: torch.Tensor, most_relevant_first: bool) -> torch.Tensor:
    """Flat pixel indices: stable sort by value (descending for MoRF), ties by ascending index."""
    return torch.argsort(vis.flatten(), descending=most_relevant_first, stable=True)


def chefer_step(image01: torch.Tensor, order: torch.Tensor, count: int, fill01) -> torch.Tensor:
    """Chefer: set the first ``count`` ranked pixels of the [0, 1] image to a colour, then normalise."""
    data = image01.clone().reshape(3, -1)
    if count > 0:
        chosen = order[:count]
        for channel in range(3):
            data[channel, chosen] = fill01[channel]
    return normalize(data.reshape(3, SIZE, SIZE))


def masked_step(start: torch.Tensor, finish: torch.Tensor, order: torch.Tensor, count: int) -> torch.Tensor:
    """AG-CAM / RISE: the start image with its first ``count`` ranked pixels taken from ``finish`` (all channels);
    for AG-CAM's gray fill this is ``normalised image * mask`` with ``finish = 0``."""
    data = start.clone().reshape(3, -1)
    chosen = order[:count]
    data[:, chosen] = finish.reshape(3, -1)[:, chosen]
    return data.reshape(3, SIZE, SIZE)


def scores_of(logits: torch.Tensor, label: int) -> dict[str, np.ndarray]:
    """Per-row correctness (argmax == label), softmax probability of the label, and the label's logit."""
    return {
        "correct": (logits.argmax(dim=-1) == label).float().numpy(),
        "probability": logits.softmax(dim=-1)[:, label].numpy(),
        "logit": logits[:, label].numpy(),
    }


def main() -> None:
    torch.manual_seed(0)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)

    model = VisionTransformer(
        img_size=SIZE, patch_size=8, embed_dim=48, depth=2, num_heads=3, mlp_ratio=2.0, num_classes=CLASSES)
    randomize(model, seed=11, std=0.2)
    model.eval()
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(OUT / "model.safetensors"))

    generator = torch.Generator().manual_seed(12)
    images01 = torch.rand(IMAGES, 3, SIZE, SIZE, generator=generator)
    images = torch.stack([normalize(image) for image in images01])
    maps = torch.rand(IMAGES, SIZE, SIZE, generator=generator)
    maps[1] = torch.floor(maps[1] * 8) / 7  # 8 levels: every level holds ~128 tied pixels
    maps[2] = torch.where(maps[2] < 0.3, torch.zeros(()), maps[2])  # a block of tied zeros, as after a ReLU
    for index in range(IMAGES):
        low, high = maps[index].min(), maps[index].max()
        maps[index] = (maps[index] - low) / (high - low)
    with torch.no_grad():
        plain = model(images)
    predicted = plain.argmax(dim=-1)
    labels = torch.tensor([int(predicted[0]), int((predicted[1] + 3) % CLASSES), int(predicted[2])])
    blurred = torch.stack([blur(image) for image in images])

    np.save(OUT / "images.npy", images.numpy().astype(np.float32))
    np.save(OUT / "maps.npy", maps.numpy().astype(np.float32))
    np.save(OUT / "labels.npy", labels.numpy().astype(np.int64))
    np.save(OUT / "blurred.npy", blurred.numpy().astype(np.float32))
    np.save(OUT / "plain_logits.npy", plain.numpy().astype(np.float32))

    area = SIZE * SIZE
    meta: dict = {
        "mean": MEAN, "std": STD, "dataset_mean": DATASET_MEAN, "schedules": SCHEDULES, "rise_step": RISE_STEP,
        "counts": {}, "areas": {},
    }
    smallest_gap = float("inf")

    def run(case: str, batches: list[torch.Tensor], middle: int, scored: bool = True) -> dict[str, np.ndarray]:
        nonlocal smallest_gap
        all_logits, perturbed, curves = [], [], {"correct": [], "probability": [], "logit": []}
        for index, batch in enumerate(batches):
            with torch.no_grad():
                logits = model(batch)
            top2 = logits.topk(2, dim=-1).values
            smallest_gap = min(smallest_gap, float((top2[:, 0] - top2[:, 1]).min()))
            all_logits.append(logits.numpy())
            perturbed.append(batch[middle].numpy())
            for key, values in scores_of(logits, int(labels[index])).items():
                curves[key].append(values)
        np.save(OUT / f"{case}_perturbed.npy", np.stack(perturbed).astype(np.float32))
        result = {key: np.stack(values).astype(np.float32) for key, values in curves.items()}
        if scored:
            np.save(OUT / f"{case}_logits.npy", np.stack(all_logits).astype(np.float32))
            for key, values in result.items():
                np.save(OUT / f"{case}_{key}.npy", values)
        return result

    unperturbed = {key: np.stack([scores_of(plain[i:i + 1], int(labels[i]))[key][0] for i in range(IMAGES)])
                   for key in ("correct", "probability", "logit")}
    fills01 = {"black": (0.0, 0.0, 0.0), "mean": DATASET_MEAN}
    step_means: dict[str, dict[str, np.ndarray]] = {}
    for schedule, fractions in SCHEDULES.items():
        counts = [int(area * fraction) for fraction in fractions]
        meta["counts"][schedule] = counts
        middle = len(fractions) // 2
        for order_name in ("morf", "lerf"):
            orders = [pixel_order(maps[i], order_name == "morf") for i in range(IMAGES)]
            for fill in ("black", "gray", "mean", "blur"):
                case = f"{schedule}_{order_name}_{fill}"
                batches = []
                for i in range(IMAGES):
                    if fill in fills01:
                        steps = [chefer_step(images01[i], orders[i], k, fills01[fill]) for k in counts]
                    else:
                        finish = torch.zeros_like(images[i]) if fill == "gray" else blurred[i]
                        steps = [masked_step(images[i], finish, orders[i], k) for k in counts]
                    batches.append(torch.stack(steps))
                scored = fill in SCORED[schedule]
                curves = run(case, batches, middle, scored)
                if not scored:
                    continue
                areas = {}
                for key, values in curves.items():
                    # Chefer: trapezoid over [0] + fractions with the unperturbed score first, x100.
                    y = np.concatenate([unperturbed[key][:, None], values.astype(np.float64)], axis=1)
                    x = np.array([0.0] + fractions)
                    areas[f"{key}_trapezoid_images"] = [float(np.trapezoid(row, x) * 100) for row in y]
                    areas[f"{key}_trapezoid_dataset"] = float(np.trapezoid(y.mean(axis=0), x) * 100)
                    # AG-CAM: the mean over the steps (of the dataset's mean curve).
                    areas[f"{key}_stepmean_images"] = [float(row.mean()) for row in values.astype(np.float64)]
                    areas[f"{key}_stepmean_dataset"] = float(values.astype(np.float64).mean(axis=0).mean())
                meta["areas"][case] = areas
                step_means[case] = {key: values.astype(np.float64) for key, values in curves.items()}
        for fill in SCORED[schedule]:
            lerf, morf = step_means[f"{schedule}_lerf_{fill}"], step_means[f"{schedule}_morf_{fill}"]
            meta["areas"][f"{schedule}_abpc_{fill}"] = {
                key: float((lerf[key] - morf[key]).mean(axis=0).mean()) for key in ("correct", "probability", "logit")
            }

    # RISE insertion and deletion: the class predicted on the original image, softmax probability.
    n_steps = (area + RISE_STEP - 1) // RISE_STEP
    rise_counts = [min(i * RISE_STEP, area) for i in range(n_steps + 1)]
    meta["counts"]["rise"] = rise_counts
    for mode in ("deletion", "insertion"):
        batches = []
        for i in range(IMAGES):
            order = pixel_order(maps[i], True)
            if mode == "deletion":
                start, finish = images[i], torch.zeros_like(images[i])
            else:
                start, finish = blurred[i], images[i]
            batches.append(torch.stack([masked_step(start, finish, order, k) for k in rise_counts]))
        saved_labels = labels.clone()
        labels[:] = predicted  # RISE scores the class predicted on the original image
        curves = run(f"rise_{mode}", batches, n_steps // 2)
        labels[:] = saved_labels
        probability = curves["probability"].astype(np.float64)

        def rise_auc(arr: np.ndarray) -> float:
            return float((arr.sum() - arr[0] / 2 - arr[-1] / 2) / (arr.shape[0] - 1))

        meta["areas"][f"rise_{mode}"] = {
            "probability_images": [rise_auc(row) for row in probability],
            "probability_dataset": rise_auc(probability.mean(axis=0)),
        }
    meta["predicted"] = predicted.tolist()
    meta["labels"] = labels.tolist()
    meta["smallest_top2_gap"] = smallest_gap
    with open(OUT / "meta.json", "w") as handle:
        json.dump(meta, handle, indent=1, sort_keys=True)
    total = sum(path.stat().st_size for path in OUT.iterdir())
    print(f"labels {labels.tolist()} predicted {predicted.tolist()}; smallest top-2 logit gap {smallest_gap:.2e}; "
          f"{total / 1024:.0f} KiB")
    assert smallest_gap > 1e-3, "an argmax this close could flip between engines; change a seed"


if __name__ == "__main__":
    main()
