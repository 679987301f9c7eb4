#!/usr/bin/env python3
"""Writes the golden fixtures of the input-gradient methods, the baselines and maps-from-disk
(Tests/ExplainersTests/Fixtures/gradients/).

Every golden is computed here, in PyTorch/NumPy, from the methods' written specs (the doc comments of
Sources/Explainers/{Saliency,InputXGradient,IntegratedGradients,SmoothGrad,RandomBaseline,CenterBaseline,
ExternalMaps}.swift), not from the Swift code:

* saliency            |d y_c / d x| of the normalised input, max (or sum) over channels (Simonyan et al. 2014);
* input-x-gradient    x * d y_c / d x, summed over channels (signed) or |sum|;
* integrated-gradients (x - x') * sum_i w_i grad(x' + a_i (x - x')), summed over channels; nodes and weights of
                      Captum's approximation rules (Gauss-Legendre from numpy's leggauss; the Riemann rules). Each
                      case is cross-checked against Captum 0.9.0's own ``IntegratedGradients`` before it is saved;
* smoothgrad          mean over samples of |g| (or g^2, or g), then a channel reduction; the noise is the spec'd
                      SplitMix64 + Box-Muller stream, reimplemented below;
* random / center     the spec'd seeded uniforms (FNV-1a of the image id XOR seed) and the centred Gaussian;
* maps from disk      .npy (float32, float64, [h, w] and [1, h, w]) and 8/16-bit grayscale .png maps, with the
                      expected input-resolution map from ``F.interpolate(bilinear, align_corners=False)``, and broken
                      files (wrong rank, NaN, colour PNG) that must be rejected.

The model is a small random-init timm ``VisionTransformer`` (32 px, patch 8, width 48, depth 3, 3 heads, 10 classes;
weights N(0, 0.25^2), norm weights N(1, 0.25^2)) saved with ``safetensors.torch.save_file(model.state_dict())``.
The input is ``image.png`` (a 32x32 RGB picture of two blobs on a gradient) through ToTensor + Normalize(0.5, 0.5).
``cases.json`` lists every case: the method text (as given to ``MethodRegistry.method``), the target class, the
image id and the golden file.

Requirements: torch, timm, safetensors, numpy, pillow, captum (tools/requirements.txt). Run from the repository root:

    python3 tools/make_input_gradient_fixtures.py
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from safetensors.torch import save_file
from timm.models.vision_transformer import VisionTransformer

OUT = Path(__file__).resolve().parent.parent / "Tests" / "ExplainersTests" / "Fixtures" / "gradients"
SIZE = 32
CLASSES = 10
MASK64 = (1 << 64) - 1


def randomize(model: torch.nn.Module, seed: int, std: float) -> None:
    """Every parameter from N(0, std^2), norm weights from N(1, std^2) (as tools/make_vit_fixtures.py)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            values = torch.randn(parameter.shape, generator=generator) * std
            is_norm_weight = name.endswith("weight") and parameter.ndim == 1
            parameter.copy_(values + 1 if is_norm_weight else values)


def picture() -> np.ndarray:
    """A 32x32 RGB uint8 picture: a horizontal gradient with a red disc top-left and a blue square bottom-right."""
    ys, xs = np.mgrid[0:SIZE, 0:SIZE]
    image = np.zeros((SIZE, SIZE, 3), np.float64)
    image[..., 0] = 40 + 4 * xs
    image[..., 1] = 60 + 3 * ys
    image[..., 2] = 90
    disc = (xs - 9) ** 2 + (ys - 10) ** 2 <= 36
    image[disc] = (230, 40, 30)
    square = (xs >= 19) & (xs < 28) & (ys >= 18) & (ys < 27)
    image[square] = (20, 50, 220)
    return np.clip(image, 0, 255).astype(np.uint8)


# --- the spec'd seeded noise (SeededNoise.swift) -------------------------------------------------------------------


class SplitMix64:
    def __init__(self, seed: int) -> None:
        self.state = seed & MASK64
        self.spare: float | None = None

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def uniform(self) -> np.float32:
        return np.float32((self.next() >> 40) * 2.0**-24)

    def normal(self) -> float:
        if self.spare is not None:
            value, self.spare = self.spare, None
            return value
        u1 = ((self.next() >> 11) + 1) * 2.0**-53
        u2 = (self.next() >> 11) * 2.0**-53
        radius = math.sqrt(-2.0 * math.log(u1))
        self.spare = radius * math.sin(2.0 * math.pi * u2)
        return radius * math.cos(2.0 * math.pi * u2)


def image_seed(seed: int, image_id: str | None) -> int:
    if image_id is None:
        return seed
    hash_value = 0xCBF29CE484222325
    for byte in image_id.encode("utf-8"):
        hash_value ^= byte
        hash_value = (hash_value * 0x100000001B3) & MASK64
    return seed ^ hash_value


# --- the methods, from their specs ---------------------------------------------------------------------------------


def target_scalar(model, batch: torch.Tensor, target: int, grad: str) -> torch.Tensor:
    """The sum over the batch of each image's logit (or softmax probability) of `target`."""
    logits = model(batch)
    chosen = logits if grad == "logit" else logits.softmax(dim=-1)
    return chosen[:, target].sum()


def input_gradients(model, batch: torch.Tensor, target: int, grad: str) -> torch.Tensor:
    batch = batch.clone().requires_grad_(True)
    target_scalar(model, batch, target, grad).backward()
    return batch.grad.detach()


def reduce_channels(attribution: torch.Tensor, how: str) -> np.ndarray:
    """[3, H, W] -> [H, W]."""
    if how == "max":
        result = attribution.abs().max(dim=0).values
    elif how == "sum":
        result = attribution.abs().sum(dim=0)
    elif how == "signed":
        result = attribution.sum(dim=0)
    elif how == "abs":
        result = attribution.sum(dim=0).abs()
    else:
        raise ValueError(how)
    return result.numpy().astype(np.float32)


def rule_nodes(rule: str, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Path positions and weights of Captum's approximation rules (captum/attr/_utils/approximation_methods.py)."""
    if rule == "gausslegendre":
        points, weights = np.polynomial.legendre.leggauss(steps)
        return 0.5 * (1 + points), 0.5 * weights
    weights = np.full(steps, 1.0 / steps)
    if rule == "riemann_trapezoid":
        weights[0] /= 2
        weights[-1] /= 2
        return np.linspace(0, 1, steps), weights
    if rule == "riemann_left":
        return np.linspace(0, 1 - 1 / steps, steps), weights
    if rule == "riemann_right":
        return np.linspace(1 / steps, 1, steps), weights
    if rule == "riemann_middle":
        return np.linspace(1 / (2 * steps), 1 - 1 / (2 * steps), steps), weights
    raise ValueError(rule)


def integrated_gradients(model, x, target, steps, rule, baseline, grad) -> torch.Tensor:
    """[3, H, W] attribution (before the channel reduction)."""
    alphas, weights = rule_nodes(rule, steps)
    path = torch.cat([baseline + float(alpha) * (x - baseline) for alpha in alphas])
    gradients = input_gradients(model, path, target, grad)
    total = (gradients * torch.tensor(weights, dtype=torch.float32).view(-1, 1, 1, 1)).sum(dim=0, keepdim=True)
    attribution = total * (x - baseline)
    check_with_captum(model, x, target, steps, rule, baseline, grad, attribution)
    return attribution[0]


def check_with_captum(model, x, target, steps, rule, baseline, grad, attribution) -> None:
    """Captum's IntegratedGradients must agree with the spec implementation above."""
    from captum.attr import IntegratedGradients

    forward = model if grad == "logit" else (lambda batch: model(batch).softmax(dim=-1))
    reference = IntegratedGradients(forward).attribute(
        x, baselines=baseline, target=target, n_steps=steps, method=rule, internal_batch_size=steps)
    scale = float(reference.abs().max())
    difference = float((reference - attribution).abs().max())
    assert difference <= 1e-5 * scale, f"captum disagrees: {difference} vs scale {scale}"


def smoothgrad(model, x, target, samples, sigma, seed, average, grad) -> torch.Tensor:
    """[3, H, W]: the mean over samples of f(gradient at x + noise)."""
    values = x.numpy().astype(np.float32)
    deviation = sigma * float(np.float32(values.max() - values.min()))
    noise = SplitMix64(seed)
    flat = values.reshape(-1)
    batch = np.empty((samples, flat.size), np.float32)
    for sample in range(samples):
        draws = np.array([noise.normal() for _ in range(flat.size)], np.float64)
        batch[sample] = flat + (deviation * draws).astype(np.float32)
    gradients = input_gradients(model, torch.from_numpy(batch).view(samples, *x.shape[1:]), target, grad)
    if average == "abs":
        gradients = gradients.abs()
    elif average == "square":
        gradients = gradients * gradients
    return gradients.sum(dim=0) / samples


def random_map(grid: int, seed: int, image_id: str | None) -> np.ndarray:
    noise = SplitMix64(image_seed(seed, image_id))
    return np.array([noise.uniform() for _ in range(grid * grid)], np.float32).reshape(grid, grid)


def center_map(grid: int, sigma: float) -> np.ndarray:
    centre = (grid - 1) / 2
    rows, columns = np.mgrid[0:grid, 0:grid].astype(np.float64)
    squared = (rows - centre) ** 2 + (columns - centre) ** 2
    return np.exp(-squared / (2 * (sigma * grid) ** 2)).astype(np.float32)


def upsample(grid: np.ndarray) -> np.ndarray:
    tensor = torch.from_numpy(grid.astype(np.float32))[None, None]
    return F.interpolate(tensor, size=(SIZE, SIZE), mode="bilinear", align_corners=False)[0, 0].numpy()


def write_maps(folder: Path, cases: list[dict]) -> None:
    """Map files for ExternalMaps and the expected grids and input-resolution maps."""
    maps = folder / "maps"
    maps.mkdir()
    generator = np.random.default_rng(11)
    expected: dict[str, np.ndarray] = {}

    grid = generator.random((3, 5)).astype(np.float32)
    np.save(maps / "f32.npy", grid)
    expected["f32"] = grid
    grid = generator.random((1, 7, 4))
    np.save(maps / "f64.npy", grid)
    expected["f64"] = grid[0].astype(np.float32)
    grid = generator.random((40, 36)).astype(np.float32)  # larger than the input: bilinear downsampling
    np.save(maps / "large.npy", grid)
    expected["large"] = grid
    levels = generator.integers(0, 256, (6, 5), dtype=np.uint8)
    Image.fromarray(levels).save(maps / "gray8.png")
    expected["gray8"] = (levels.astype(np.float32) / 255).astype(np.float32)
    levels16 = generator.integers(0, 65536, (3, 3)).astype(np.uint16)
    Image.fromarray(levels16).save(maps / "gray16.png")  # mode I;16: a 16-bit grayscale PNG
    reread = np.array(Image.open(maps / "gray16.png"))
    assert reread.dtype == np.uint16 and np.array_equal(reread, levels16), "16-bit PNG round trip"
    expected["gray16"] = (levels16.astype(np.float32) / 65535).astype(np.float32)

    np.save(maps / "rank3.npy", generator.random((2, 3, 4)).astype(np.float32))
    nan = generator.random((4, 4)).astype(np.float32)
    nan[1, 2] = np.nan
    np.save(maps / "nan.npy", nan)
    Image.fromarray(generator.integers(0, 256, (4, 4, 3), dtype=np.uint8)).save(maps / "colour.png")
    (maps / "garbage.npy").write_bytes(b"not an npy file")

    for image_id, grid in expected.items():
        np.save(folder / f"maps_{image_id}_grid.npy", grid)
        np.save(folder / f"maps_{image_id}_upsampled.npy", upsample(grid))
        cases.append({"name": f"maps_{image_id}", "method": "maps:MAPS", "image": image_id, "target": 0,
                      "golden": f"maps_{image_id}_grid.npy", "upsampled": f"maps_{image_id}_upsampled.npy"})


def main() -> None:
    torch.manual_seed(0)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)

    model = VisionTransformer(
        img_size=SIZE, patch_size=8, embed_dim=48, depth=3, num_heads=3, mlp_ratio=2.0, num_classes=CLASSES)
    randomize(model, seed=21, std=0.25)
    model.eval()
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(OUT / "model.safetensors"))

    pixels = picture()
    Image.fromarray(pixels).save(OUT / "image.png")
    x = ((torch.from_numpy(pixels).permute(2, 0, 1).float() / 255 - 0.5) / 0.5)[None]
    np.save(OUT / "input.npy", x.numpy().astype(np.float32))
    with torch.no_grad():
        logits = model(x)[0]
    order = logits.argsort(descending=True).tolist()
    top1, top2 = order[0], order[1]
    np.save(OUT / "logits.npy", logits.numpy().astype(np.float32))

    cases: list[dict] = []

    def add(name: str, method: str, target: int, grid: np.ndarray, image: str | None = "image") -> None:
        np.save(OUT / f"{name}.npy", np.asarray(grid, np.float32))
        cases.append({"name": name, "method": method, "image": image, "target": target, "golden": f"{name}.npy"})

    for target in (top1, top2):
        tag = f"c{target}"
        gradient = input_gradients(model, x, target, "logit")[0]
        add(f"saliency_{tag}", "saliency", target, reduce_channels(gradient, "max"))
        add(f"ixg_{tag}", "input-x-gradient", target, reduce_channels(x[0] * gradient, "signed"))
        zero = torch.zeros_like(x)
        add(f"ig_{tag}", "integrated-gradients", target,
            reduce_channels(integrated_gradients(model, x, target, 50, "gausslegendre", zero, "logit"), "signed"))
        add(f"smoothgrad_{tag}", "smoothgrad:samples=8", target,
            reduce_channels(smoothgrad(model, x, target, 8, 0.15, 0, "abs", "logit"), "max"))
    gradient = input_gradients(model, x, top1, "probability")[0]
    add("saliency_sum_probability", "saliency:reduce=sum:grad=probability", top1, reduce_channels(gradient, "sum"))
    gradient = input_gradients(model, x, top1, "logit")[0]
    add("ixg_abs", "input-x-gradient:reduce=abs", top1, reduce_channels(x[0] * gradient, "abs"))
    black = torch.full_like(x, -1.0)  # pixel 0 under Normalize(0.5, 0.5)
    for rule, steps in (("riemann_trapezoid", 7), ("riemann_left", 5), ("riemann_right", 5), ("riemann_middle", 6)):
        add(f"ig_{rule}", f"integrated-gradients:steps={steps}:rule={rule}:batch=3", top1,
            reduce_channels(integrated_gradients(model, x, top1, steps, rule, zero, "logit"), "signed"))
    add("ig_black_probability", "integrated-gradients:steps=9:baseline=black:grad=probability:reduce=max", top2,
        reduce_channels(integrated_gradients(model, x, top2, 9, "gausslegendre", black, "probability"), "max"))
    add("smoothgrad_square", "smoothgrad:samples=5:sigma=0.3:seed=7:average=square:reduce=sum:batch=2", top1,
        reduce_channels(smoothgrad(model, x, top1, 5, 0.3, 7, "square", "logit"), "sum"))
    add("smoothgrad_raw_probability", "smoothgrad:samples=4:seed=3:average=raw:reduce=signed:grad=probability", top2,
        reduce_channels(smoothgrad(model, x, top2, 4, 0.15, 3, "raw", "probability"), "signed"))

    grid = SIZE // 8
    add("random_image", "random", top1, random_map(grid, 0, "image"))
    add("random_seed5_other", "random:seed=5", top1, random_map(grid, 5, "other"), image="other")
    add("random_no_id", "random:seed=9", top1, random_map(grid, 9, None), image=None)
    add("center", "center", top1, center_map(grid, 0.25))
    add("center_sigma", "center:sigma=0.4", top1, center_map(grid, 0.4))

    write_maps(OUT, cases)
    with open(OUT / "cases.json", "w") as handle:
        json.dump({"classes": [top1, top2], "cases": cases}, handle, indent=1)
    total = sum(path.stat().st_size for path in OUT.rglob("*") if path.is_file())
    print(f"classes top1 {top1} top2 {top2}, logits {logits.numpy().round(3).tolist()}")
    print(f"{len(cases)} cases, {total / 1024:.0f} KiB in {OUT}")


if __name__ == "__main__":
    main()
