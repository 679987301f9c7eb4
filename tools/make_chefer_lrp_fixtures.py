#!/usr/bin/env python3
"""Reference maps from Hila Chefer's own LRP code (Tests/ExplainersTests/Fixtures/chefer_lrp/).

Unlike tools/make_lrp_fixtures.py (an independent re-implementation of the rules from methods.md §2.4), this runs
the official code of "Transformer Interpretability Beyond Attention Visualization" (Chefer, Gur, Wolf, CVPR 2021),
repository hila-chefer/Transformer-Explainability, UNMODIFIED: it puts the checkout on `sys.path` and imports

* `baselines.ViT.ViT_LRP.VisionTransformer` (the "ours" rules, `modules/layers_ours.py`), for transformer attribution,
* `baselines.ViT.ViT_orig_LRP.VisionTransformer` (the "orig" rules, `modules/layers_lrp.py`), for full LRP and
  partial (last-layer) LRP,
* `baselines.ViT.ViT_explanation_generator.LRP`, whose `generate_LRP(input, index, method, start_layer=...)` makes
  every map (it passes `alpha=1` to the rules).

Nothing of theirs is copied here. The repository is at github.com/hila-chefer/Transformer-Explainability; the
fixtures were made from the commit recorded in `cases.json` (`cheferCommit`).

The model: a small random-init ViT (img 32, patch 8, embed 48, depth 3, heads 3, mlp ratio 4, qkv bias, 10 classes),
every parameter drawn from N(0, 0.3) with a seeded generator (LayerNorm weights and biases, `pos_embed` and
`cls_token` included, so no layer is an identity). The values are drawn in float32, saved as they are
(`model.safetensors`, timm's names, which are also Chefer's) and only then widened with `.double()`, so the Swift
side (float32 weights) and the float64 reference use exactly the same weight values; `input.npy` (`[2, 3, 32, 32]`,
float32, N(0, 1) normalised-pixel values) likewise. Both Chefer models load the same state dict (strict), and the
float64 forward of each is checked against timm's own `VisionTransformer` with that state dict.

Per image and for its predicted and its least likely class (argmax / argmin of the float64 logits of Chefer's model;
both final-norm variants below agree, which `main` checks), one call of `generate_LRP` each on a freshly built
model, batch of one (their one-hot is `[1, classes]`, broadcast over the batch, and the methods read item `[0]`):

* `lrp` = method "full", orig model: `[S, S]` pixel relevance (their channel sum of the z^B rule's `[3, S, S]`).
* `partial-lrp` = method "last_layer", orig model: `[patches]`.
* `transformer-attribution` = method "transformer_attribution", ours model, `start_layer` 1 and 0: `[patches]`.

Their final `self.norm` is `LayerNorm(embed_dim)`, PyTorch's default eps 1e-5, while the blocks' `norm1`/`norm2`
use eps 1e-6 (timm uses 1e-6 everywhere). Each map is made twice: `eps` "chefer" (their code as it is) and `eps`
"model" (after `model.norm.eps = 1e-6` at run time, i.e. the timm model's own forward). The maps are the raw return
values (no normalisation), batch axis dropped, as float64 `.npy`. The same maps are also computed with float32
models and inputs; `cases.json` records max|float32 - float64| / max|float64| per case as `float32Spread`.

Shims (all at run time; their files stay untouched):

* `einops` is imported by their ViT modules: pinned in tools/requirements.txt (their `rearrange` calls, a list of
  tensors included, work with einops 0.8).
* `generate_LRP` hard-codes `one_hot.cuda()`; on a machine without CUDA, `torch.Tensor.cuda` is replaced by the
  identity for the duration of each call (`_cpu_cuda`), so everything runs on the CPU.
* Nothing else: their ViT modules import no timm (their `helpers.py`, `weight_init.py`, `layer_helpers.py` are
  local copies) and run unchanged on torch 2.

Outputs (in `--out`): `model.safetensors`, `input.npy`, `b<image>_c<class>_<method>[_start<k>]_<eps>.npy`,
`cases.json` (geometry, seed, Chefer commit, logits, and per case image, class, method id, options, eps variant,
file, shape, float32 spread).

Get the repository (any clone of it) and rerun:

    git clone https://github.com/hila-chefer/Transformer-Explainability /path/to/Transformer-Explainability
    pip install -r tools/requirements.txt
    python3 tools/make_chefer_lrp_fixtures.py --chefer-repo /path/to/Transformer-Explainability \
        [--out Tests/ExplainersTests/Fixtures/chefer_lrp]
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys

import numpy as np
import safetensors.torch
import torch
from timm.models.vision_transformer import VisionTransformer as TimmVisionTransformer

# Seeds 0-11 all give both images the same predicted class (a random-init ViT's logits lean on its biases); 10 is the
# first whose least likely classes differ between the images and whose partial-LRP maps are none of them all zero.
SEED = 10
STD = 0.3
GEOMETRY = dict(img_size=32, patch_size=8, embed_dim=48, depth=3, num_heads=3, mlp_ratio=4.0, qkv_bias=True,
                num_classes=10)
IMAGES = 2
# (Swift method id, Chefer method, rules, options): rules "ours" = ViT_LRP, "orig" = ViT_orig_LRP.
METHODS = [
    ("lrp", "full", "orig", {}),
    ("partial-lrp", "last_layer", "orig", {}),
    ("transformer-attribution", "transformer_attribution", "ours", {"start": 1}),
    ("transformer-attribution", "transformer_attribution", "ours", {"start": 0}),
]
# Final-norm eps variants: their LayerNorm(embed_dim) default, and timm's 1e-6.
EPS_VARIANTS = {"chefer": None, "model": 1e-6}


# MARK: - Chefer's code


def import_chefer(repo):
    """Their two ViT modules and the explanation generator, imported from the checkout as they are."""
    sys.path.insert(0, os.path.abspath(repo))
    from baselines.ViT import ViT_LRP, ViT_orig_LRP
    from baselines.ViT.ViT_explanation_generator import LRP

    return {"ours": ViT_LRP, "orig": ViT_orig_LRP}, LRP


def chefer_commit(repo, given):
    if given:
        return given
    try:
        return subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], check=True, capture_output=True,
                              text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        sys.exit(f"{repo} is not a git checkout: pass --chefer-commit")


@contextlib.contextmanager
def _cpu_cuda():
    """`generate_LRP` calls `one_hot.cuda()`; without CUDA make `.cuda()` the identity while it runs."""
    if torch.cuda.is_available():
        yield
        return
    original = torch.Tensor.cuda
    torch.Tensor.cuda = lambda self, *args, **kwargs: self
    try:
        yield
    finally:
        torch.Tensor.cuda = original


def chefer_model(modules, rules, state_dict, final_eps, dtype):
    model = modules[rules].VisionTransformer(**GEOMETRY)
    model.load_state_dict(state_dict, strict=True)
    if final_eps is not None:
        model.norm.eps = final_eps
    return model.to(dtype).eval()


# MARK: - Model, inputs, checks


def make_state_dict(seed):
    """timm's parameter names and shapes, every value N(0, STD) in float32 from a seeded generator."""
    timm_model = TimmVisionTransformer(**GEOMETRY)
    generator = torch.Generator().manual_seed(seed)
    return {
        name: (STD * torch.randn(value.shape, generator=generator, dtype=torch.float32)).contiguous()
        for name, value in timm_model.state_dict().items()
    }


def check_against_timm(modules, state_dict, images64):
    """Chefer's float64 forward with the final norm at 1e-6 is timm's forward; with their 1e-5 it is close to it."""
    timm_model = TimmVisionTransformer(**GEOMETRY)
    timm_model.load_state_dict(state_dict, strict=True)
    timm_model = timm_model.double().eval()
    assert all(block.norm1.eps == 1e-6 and block.norm2.eps == 1e-6 for block in timm_model.blocks)
    assert timm_model.norm.eps == 1e-6
    with torch.no_grad():
        reference = timm_model(images64)
    logits = {}
    for eps_name, final_eps in EPS_VARIANTS.items():
        for rules in ("ours", "orig"):
            model = chefer_model(modules, rules, state_dict, final_eps, torch.float64)
            assert all(block.norm1.eps == 1e-6 and block.norm2.eps == 1e-6 for block in model.blocks)
            assert model.norm.eps == (1e-5 if final_eps is None else final_eps), model.norm.eps
            output = model(images64).detach()  # their forward registers hooks: it needs autograd on
            difference = float((output - reference).abs().max())
            if eps_name == "model":
                assert difference < 1e-12, f"Chefer {rules} vs timm: {difference}"
            print(f"forward {rules} eps={eps_name}: max |chefer - timm| = {difference:.3e}")
            logits[eps_name] = output
    return logits


def generate(LRP, modules, state_dict, image, class_index, method, rules, options, final_eps, dtype):
    """One `generate_LRP` call on a fresh model, batch of one; returns (raw output, map without the batch axis)."""
    model = chefer_model(modules, rules, state_dict, final_eps, dtype)
    kwargs = {"start_layer": options["start"]} if "start" in options else {}
    with _cpu_cuda():
        raw = LRP(model).generate_LRP(image.to(dtype), index=class_index, method=method, **kwargs).detach()
    # "full" -> [1, S, S], "transformer_attribution" -> [1, patches], "last_layer" -> [patches] (it indexes [0]).
    size, patches = GEOMETRY["img_size"], (GEOMETRY["img_size"] // GEOMETRY["patch_size"]) ** 2
    expected = {"full": (1, size, size), "transformer_attribution": (1, patches), "last_layer": (patches,)}[method]
    assert tuple(raw.shape) == expected, (method, raw.shape)
    return raw, raw if method == "last_layer" else raw[0]


def spread(float32_map, float64_map):
    """max|float32 - float64| / max|float64|; the plain max|float32 - float64| where the float64 map is all 0."""
    difference = float((float32_map.double() - float64_map).abs().max())
    scale = float(float64_map.abs().max())
    return difference / scale if scale > 0 else difference


def file_name(image_index, class_index, method_id, options, eps_name):
    option = "".join(f"_{key}{value}" for key, value in options.items())
    return f"b{image_index}_c{class_index}_{method_id}{option}_{eps_name}.npy"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chefer-repo", required=True, help="a checkout of hila-chefer/Transformer-Explainability")
    parser.add_argument("--chefer-commit", help="its commit, where the checkout is not a git work tree")
    parser.add_argument("--out", default="Tests/ExplainersTests/Fixtures/chefer_lrp")
    arguments = parser.parse_args()
    commit = chefer_commit(arguments.chefer_repo, arguments.chefer_commit)
    modules, LRP = import_chefer(arguments.chefer_repo)
    os.makedirs(arguments.out, exist_ok=True)

    state_dict = make_state_dict(SEED)
    images = torch.randn(IMAGES, 3, GEOMETRY["img_size"], GEOMETRY["img_size"],
                         generator=torch.Generator().manual_seed(SEED + 1), dtype=torch.float32)
    safetensors.torch.save_file(state_dict, os.path.join(arguments.out, "model.safetensors"))
    np.save(os.path.join(arguments.out, "input.npy"), images.numpy().astype(np.float32))
    images64 = images.double()
    logits = check_against_timm(modules, state_dict, images64)

    grid = GEOMETRY["img_size"] // GEOMETRY["patch_size"]
    manifest = dict(
        cheferRepository="hila-chefer/Transformer-Explainability", cheferCommit=commit,
        geometry=dict(imageSize=GEOMETRY["img_size"], patchSize=GEOMETRY["patch_size"],
                      embedDim=GEOMETRY["embed_dim"], depth=GEOMETRY["depth"], heads=GEOMETRY["num_heads"],
                      mlpRatio=GEOMETRY["mlp_ratio"], qkvBias=GEOMETRY["qkv_bias"],
                      classes=GEOMETRY["num_classes"], patches=grid * grid, blockNormEps=1e-6,
                      finalNormEps={"chefer": 1e-5, "model": 1e-6}),
        seed=SEED, init=f"every parameter N(0, {STD}) float32 (torch.Generator seed {SEED}, timm state_dict order)",
        inputs=f"input.npy: [{IMAGES}, 3, 32, 32] N(0, 1) float32 (torch.Generator seed {SEED + 1})",
        logits={name: value.tolist() for name, value in logits.items()},
        cases=[],
    )
    for image_index in range(IMAGES):
        predicted = int(logits["chefer"][image_index].argmax())
        least = int(logits["chefer"][image_index].argmin())
        assert predicted == int(logits["model"][image_index].argmax())
        assert least == int(logits["model"][image_index].argmin())
        image = images64[image_index : image_index + 1]
        for class_index, role in ((predicted, "predicted"), (least, "least")):
            for method_id, method, rules, options in METHODS:
                for eps_name, final_eps in EPS_VARIANTS.items():
                    args = (image, class_index, method, rules, options, final_eps)
                    raw, exact = generate(LRP, modules, state_dict, *args, dtype=torch.float64)
                    _, rounded = generate(LRP, modules, state_dict, *args, dtype=torch.float32)
                    assert exact.dtype == torch.float64 and rounded.dtype == torch.float32
                    assert torch.isfinite(exact).all()
                    name = file_name(image_index, class_index, method_id, options, eps_name)
                    np.save(os.path.join(arguments.out, name), exact.numpy().astype(np.float64))
                    case = dict(
                        image=image_index, classIndex=class_index, classRole=role, method=method_id,
                        cheferMethod=method, rules=rules, options=options, eps=eps_name, file=name,
                        shape=list(exact.shape), cheferShape=list(raw.shape),
                        float32Spread=spread(rounded, exact), min=float(exact.min()), max=float(exact.max()),
                        sum=float(exact.sum()),
                    )
                    manifest["cases"].append(case)
                    print(f"{name:52s} shape {case['shape']} float32 spread {case['float32Spread']:.2e}")
    with open(os.path.join(arguments.out, "cases.json"), "w") as handle:
        json.dump(manifest, handle, indent=1, allow_nan=False)


if __name__ == "__main__":
    main()
