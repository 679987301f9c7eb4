#!/usr/bin/env python3
"""Writes the checkpoint-loader and preprocessing fixtures of `Tests/ViTTests/Fixtures/checkpoints/` and the two
generated Swift tables of the ViT target.

Fixtures (tiny random-init models; nothing is downloaded):
  - `timm_vit.safetensors`: timm `VisionTransformer` (width 48, depth 2, 3 heads, patch 8, 32 px, 10 classes), every
    parameter redrawn uniformly in [-1, 1) so no value is a default; plus `timm_vit_f16.safetensors` and
    `timm_vit_bf16.safetensors`, the same tensors stored as F16 and BF16.
  - `deit_distilled.safetensors`: timm `VisionTransformerDistilled` of the same geometry (dist_token, head_dist).
  - `hf_vit.safetensors`: transformers `ViTForImageClassification` holding exactly the timm ViT's values, mapped with
    the key table of transformers' `convert_vit_timm_to_pytorch.py` (qkv split into query/key/value); the script
    checks that both models give the same logits before writing it.
  - `expected.json`: per file, the geometry and, per parameter in timm's names and the loader's shapes (patch weight
    `[D, C*P*P]`, tokens `[D]`, position embedding `[N, D]`), the float64 sum and the first and last four values as
    the loader must produce them (for F16/BF16 files: after `.to(dtype).float()`).
  - `preprocess_input.png` (45x37 RGB) and `preprocess_<case>.npy`: timm's `create_transform` (eval) and transformers'
    `ViTImageProcessorPil` / `ViTImageProcessor` (torchvision backend) outputs at 32 px, `[3, 32, 32]` float32, with
    the settings in `expected.json`.

Generated Swift (committed; regenerate when timm changes):
  - `Sources/ViT/PreprocessingPretrainedTable.swift`: timm's pretrained data config (mean, std, interpolation,
    crop_pct, crop_mode, input size) for every pretrained tag of vit_{tiny,small,base,large}_patch{8,16,32}_{224,384}
    and deit_* models, and for each untagged name its default tag.
  - `Sources/ViT/ImageNetClasses.swift`: the 1000 ImageNet-1k class descriptions in index order (timm's
    `ImageNetInfo`).

Usage: python tools/make_checkpoint_fixtures.py   (from the repository root)
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import timm
import torch
import transformers
from PIL import Image
from safetensors.torch import save_file
from timm.data import ImageNetInfo, create_transform, resolve_data_config
from timm.models import get_pretrained_cfg

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests/ViTTests/Fixtures/checkpoints"
SOURCES = ROOT / "Sources/ViT"

GEOMETRY = dict(img_size=32, patch_size=8, embed_dim=48, depth=2, num_heads=3, num_classes=10)


def randomize(model, seed):
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(torch.rand(parameter.shape, generator=generator) * 2 - 1)
    return model.eval()


def loader_view(name, tensor):
    """The tensor as `Checkpoint.load` hands it out (timm name, loader shape)."""
    if name in ("cls_token", "dist_token"):
        return tensor.reshape(-1)
    if name == "pos_embed":
        return tensor.reshape(tensor.shape[1], tensor.shape[2])
    if name == "patch_embed.proj.weight":
        return tensor.reshape(tensor.shape[0], -1)
    return tensor


def summary(state, dtype=None):
    parameters = {}
    for name, tensor in state.items():
        value = tensor if dtype is None else tensor.to(dtype).float()
        value = loader_view(name, value).contiguous()
        flat = value.reshape(-1).double()
        parameters[name] = {
            "shape": list(value.shape),
            "sum": float(flat.sum()),
            "first": [float(x) for x in flat[:4]],
            "last": [float(x) for x in flat[-4:]],
        }
    return parameters


def hf_state_from_timm(state, depth, width):
    """transformers' `convert_vit_timm_to_pytorch.py` key table (`create_rename_keys`, `read_in_q_k_v`)."""
    hf = {
        "vit.embeddings.cls_token": state["cls_token"],
        "vit.embeddings.position_embeddings": state["pos_embed"],
        "vit.embeddings.patch_embeddings.projection.weight": state["patch_embed.proj.weight"],
        "vit.embeddings.patch_embeddings.projection.bias": state["patch_embed.proj.bias"],
        "vit.layernorm.weight": state["norm.weight"],
        "vit.layernorm.bias": state["norm.bias"],
        "classifier.weight": state["head.weight"],
        "classifier.bias": state["head.bias"],
    }
    renames = {
        "norm1": "layernorm_before", "norm2": "layernorm_after", "attn.proj": "attention.output.dense",
        "mlp.fc1": "intermediate.dense", "mlp.fc2": "output.dense",
    }
    for i in range(depth):
        for timm_name, hf_name in renames.items():
            for kind in ("weight", "bias"):
                hf[f"vit.encoder.layer.{i}.{hf_name}.{kind}"] = state[f"blocks.{i}.{timm_name}.{kind}"]
        for kind in ("weight", "bias"):
            qkv = state[f"blocks.{i}.attn.qkv.{kind}"]
            for j, part in enumerate(("query", "key", "value")):
                hf[f"vit.encoder.layer.{i}.attention.attention.{part}.{kind}"] = qkv[j * width:(j + 1) * width]
    return {k: v.contiguous().clone() for k, v in hf.items()}


def geometry_json(model_kind, distilled, eps):
    return {
        "family": model_kind, "imageSize": 32, "patchSize": 8, "channels": 3, "embedDim": 48, "depth": 2,
        "heads": 3, "mlpDim": 192, "classes": 10, "layerNormEpsilon": eps, "distilled": distilled, "tokens": 16 + (
            2 if distilled else 1),
    }


def make_checkpoints(expected):
    vit = randomize(timm.create_model("vit_base_patch16_224", pretrained=False, **GEOMETRY), seed=1)
    state = {k: v.detach().contiguous() for k, v in vit.state_dict().items()}
    save_file(state, str(OUT / "timm_vit.safetensors"))
    expected["files"]["timm_vit.safetensors"] = {"geometry": geometry_json("timm", False, 1e-6), "parameters": summary(state)}
    for dtype, suffix in ((torch.float16, "f16"), (torch.bfloat16, "bf16")):
        save_file({k: v.to(dtype) for k, v in state.items()}, str(OUT / f"timm_vit_{suffix}.safetensors"))
        expected["files"][f"timm_vit_{suffix}.safetensors"] = {
            "geometry": geometry_json("timm", False, 1e-6), "parameters": summary(state, dtype)}

    deit = randomize(
        timm.create_model("deit_base_distilled_patch16_224", pretrained=False, **GEOMETRY), seed=2)
    deit_state = {k: v.detach().contiguous() for k, v in deit.state_dict().items()}
    assert "dist_token" in deit_state and "head_dist.weight" in deit_state
    save_file(deit_state, str(OUT / "deit_distilled.safetensors"))
    expected["files"]["deit_distilled.safetensors"] = {
        "geometry": geometry_json("timm", True, 1e-6), "parameters": summary(deit_state)}

    config = transformers.ViTConfig(
        hidden_size=48, num_hidden_layers=2, num_attention_heads=3, intermediate_size=192, image_size=32,
        patch_size=8, num_labels=10)
    hf_state = hf_state_from_timm(state, depth=2, width=48)
    # Load the file through transformers' own `from_pretrained` (which maps these checkpoint names onto its
    # in-memory modules), and check both models agree (up to the LayerNorm eps, 1e-6 vs 1e-12).
    with tempfile.TemporaryDirectory() as folder:
        config.save_pretrained(folder)
        save_file(hf_state, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
        hf = transformers.ViTForImageClassification.from_pretrained(folder).eval()
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        difference = (hf(pixel_values=x).logits - vit(x)).abs().max().item()
    assert difference < 1e-4, difference
    save_file(hf_state, str(OUT / "hf_vit.safetensors"), metadata={"format": "pt"})
    modular = {k: v.detach() for k, v in hf.state_dict().items()}
    expected["files"]["hf_vit.safetensors"] = {
        "geometry": geometry_json("huggingFace", False, 1e-12), "parameters": summary(state),
        "hfKeys": sorted(hf_state), "modularKeys": sorted(modular), "hfLogitsMaxDifference": difference}
    # transformers 5's in-memory names, as `save_file(model.state_dict())` would write them; the values must be
    # the same tensors under other names (checked here, recorded as the name map the Swift test renames with).
    renamed = {}
    for name, tensor in modular.items():
        matches = [k for k, v in hf_state.items() if v.shape == tensor.shape and torch.equal(v, tensor)]
        assert len(matches) == 1, name
        renamed[name] = matches[0]
    expected["files"]["hf_vit.safetensors"]["modularToLegacy"] = renamed


def make_preprocessing(expected):
    rng = np.random.default_rng(7)
    height, width = 37, 45
    yy, xx = np.mgrid[0:height, 0:width]
    base = np.stack([xx * 255 / width, yy * 255 / height, (xx + yy) * 255 / (width + height)], axis=-1)
    pixels = np.clip(base + rng.normal(0, 40, base.shape), 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    image.save(OUT / "preprocess_input.png")
    cases = {}
    for case, tag in (("vit_augreg", "vit_base_patch16_224.augreg2_in21k_ft_in1k"),
                      ("deit", "deit_base_patch16_224.fb_in1k")):
        data = resolve_data_config(pretrained_cfg=get_pretrained_cfg(tag).to_dict())
        data["input_size"] = (3, 32, 32)  # small output; the Swift side overrides the size the same way
        transform = create_transform(**data, is_training=False)
        output = transform(image).numpy().astype(np.float32)
        np.save(OUT / f"preprocess_{case}.npy", output)
        cases[case] = {"tag": tag, "size": 32, "mean": list(data["mean"]), "std": list(data["std"]),
                       "interpolation": data["interpolation"], "cropPct": data["crop_pct"],
                       "cropMode": data["crop_mode"], "transform": repr(transform)}
    # transformers 5 has two backends: `ViTImageProcessorPil` (PIL resize, as transformers 4's slow processor) and
    # the default `ViTImageProcessor` (torchvision tensor resize, which differs from Pillow by up to one level).
    from transformers.models.vit.image_processing_pil_vit import ViTImageProcessorPil
    for case, processor_class in (("hf", ViTImageProcessorPil), ("hf_torchvision", transformers.ViTImageProcessor)):
        processor = processor_class(size={"height": 32, "width": 32})
        output = processor(images=image, return_tensors="np")["pixel_values"][0].astype(np.float32)
        np.save(OUT / f"preprocess_{case}.npy", output)
        cases[case] = {"tag": "google/vit-base-patch16-224", "size": 32, "mean": list(processor.image_mean),
                       "std": list(processor.image_std), "interpolation": "bilinear", "cropPct": 1.0,
                       "cropMode": "squash", "transform": f"{processor_class.__name__}(size=32x32, resample=BILINEAR)"}
    expected["preprocessing"] = cases


MODEL_PATTERN = re.compile(
    r"^(vit_(tiny|small|base|large)_patch(8|16|32)_(224|384)|deit_(tiny|small|base)(_distilled)?_patch16_(224|384))"
    r"(\.|$)")


def swift_float(value):
    return repr(float(value))


def write_pretrained_table():
    rows = []
    tags = sorted(n for n in timm.list_pretrained() if MODEL_PATTERN.match(n))
    names = sorted({t.split(".")[0] for t in tags})
    for key in names + tags:
        cfg = get_pretrained_cfg(key).to_dict()
        mean = ", ".join(swift_float(v) for v in cfg["mean"])
        std = ", ".join(swift_float(v) for v in cfg["std"])
        rows.append(
            f'        "{key}": .init(\n'
            f"            size: {cfg['input_size'][-1]}, normalization: .init(mean: [{mean}], std: [{std}]),\n"
            f"            interpolation: .{cfg['interpolation']}, cropPct: {swift_float(cfg['crop_pct'])}, "
            f"policy: .{'squash' if cfg.get('crop_mode') == 'squash' else 'timm'}),")
    text = (
        "// Generated by tools/make_checkpoint_fixtures.py from timm "
        f"{timm.__version__}'s pretrained configs; do not edit.\n\n"
        "extension PreprocessingSettings {\n"
        "    /// timm's pretrained data config (`timm.models.get_pretrained_cfg(tag)`: `input_size`, `mean`, `std`,\n"
        "    /// `interpolation`, `crop_pct`, `crop_mode`) for every pretrained tag of the preset-sized ViT and DeiT\n"
        "    /// models, and for each untagged name the config of timm's default tag.\n"
        "    static let timmPretrained: [String: PreprocessingSettings] = [\n"
        + "\n".join(rows) + "\n    ]\n}\n")
    (SOURCES / "PreprocessingPretrainedTable.swift").write_text(text)


def write_imagenet_classes():
    info = ImageNetInfo()
    assert info.num_classes() == 1000
    lines = [f"        {json.dumps(info.index_to_description(i))}," for i in range(1000)]
    text = (
        f"// Generated by tools/make_checkpoint_fixtures.py from timm {timm.__version__}'s ImageNetInfo; do not edit.\n\n"
        "/// The ImageNet-1k classes in the index order of every 1000-class timm and Hugging Face classifier.\n"
        "public enum ImageNetClasses {\n"
        "    /// The WordNet descriptions (synonyms separated by commas), index 0 (`tench, Tinca tinca`) to 999.\n"
        "    public static let descriptions: [String] = [\n" + "\n".join(lines) + "\n    ]\n}\n")
    (SOURCES / "ImageNetClasses.swift").write_text(text)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    expected = {"versions": {"torch": torch.__version__, "timm": timm.__version__,
                             "transformers": transformers.__version__}, "files": {}}
    make_checkpoints(expected)
    make_preprocessing(expected)
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    write_pretrained_table()
    write_imagenet_classes()
    # House style for the generated Swift (skipped where swift-format is not installed).
    generated = [str(SOURCES / "PreprocessingPretrainedTable.swift"), str(SOURCES / "ImageNetClasses.swift")]
    if shutil.which("swift"):
        subprocess.run(["swift", "format", "format", "-i", *generated], check=False)


if __name__ == "__main__":
    main()
