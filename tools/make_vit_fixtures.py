#!/usr/bin/env python3
"""Writes the ViT forward/backward parity fixtures for Tests/ViTTests (Fixtures/parity/).

Three tiny random-init models, each with seeded weights drawn from a wide normal distribution (so attention is
far from uniform and every path matters), run on a batch of two seeded inputs by the reference stack itself:

* ``vit``      timm ``VisionTransformer`` (timm names, ``safetensors.torch.save_file(model.state_dict())``);
* ``deit``     timm ``VisionTransformerDistilled`` (cls + dist tokens, both heads averaged at inference);
* ``hf``       Hugging Face ``ViTForImageClassification`` (``layer_norm_eps=1e-12``, ``save_pretrained``'s
               ``model.safetensors`` with the Hub's key names).

Per model folder: ``model.safetensors`` (+ ``config.json`` for ``hf``), ``input.npy`` [B, 3, S, S],
``classes.npy`` [B] (image 0: the predicted class, image 1: another class), ``logits.npy`` [B, K],
``scores.npy`` and ``attention.npy`` [L, B, H, N, N] (pre-softmax ``S = q kᵀ d^-0.5`` and ``A = softmax(S)``
of every block), and for each backward case ``<case>_dA.npy``, ``<case>_dS.npy`` [L, B, H, N, N],
``<case>_dBlockInput.npy`` [L, B, N, D], ``<case>_dInput.npy`` [B, 3, S, S]. The cases are:

* ``logit``               d logits[b, classes[b]], the model's own graph;
* ``probability``         d softmax(logits)[b, classes[b]], the model's own graph;
* ``detached_logit``      d logits[b, classes[b]] with every attention block's input detached, as the official
                          AG-CAM code does (``x = x.detach()`` at the top of ``Attention.forward``, i.e. on the
                          norm1 output feeding qkv; methods.md §1.1): gradients reach A and S, but flow back
                          into the residual stream only through skip connections and MLPs.

S and A are captured by running timm's own non-fused attention code (``fused_attn = False`` path, copied below
with the two tensors kept and ``retain_grad()`` on them) and, for Hugging Face, by replacing
``eager_attention_forward`` with the same code plus capture. Everything is float32 on the CPU, as the models run.

Requirements: torch, timm, transformers, safetensors, numpy (tools/requirements.txt). Run from the repository
root:

    python3 tools/make_vit_fixtures.py
"""

from __future__ import annotations

import json
import shutil
import tempfile
import types
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from timm.models.deit import VisionTransformerDistilled
from timm.models.vision_transformer import VisionTransformer
from transformers import ViTConfig, ViTForImageClassification
from transformers.models.vit import modeling_vit

OUT = Path(__file__).resolve().parent.parent / "Tests" / "ViTTests" / "Fixtures" / "parity"
BATCH = 2
CLASSES = 10


def randomize(model: torch.nn.Module, seed: int, std: float) -> None:
    """Every parameter from N(0, std^2), norm weights from N(1, std^2): wide enough that attention is peaked."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            values = torch.randn(parameter.shape, generator=generator) * std
            is_norm_weight = name.endswith("weight") and parameter.ndim == 1
            parameter.copy_(values + 1 if is_norm_weight else values)


class Capture:
    """The S and A tensors of every attention call of one forward, in call (block) order."""

    def __init__(self) -> None:
        self.detach = False
        self.scores: list[torch.Tensor] = []
        self.attention: list[torch.Tensor] = []

    def reset(self, detach: bool) -> None:
        self.detach = detach
        self.scores.clear()
        self.attention.clear()

    def keep(self, scores: torch.Tensor, attention: torch.Tensor) -> None:
        if scores.requires_grad:  # not under torch.no_grad()
            scores.retain_grad()
            attention.retain_grad()
        self.scores.append(scores)
        self.attention.append(attention)


def timm_attention_forward(capture: Capture):
    """timm 1.0.31 ``Attention.forward`` with ``fused_attn = False`` (no mask, no qk norm, no gate), keeping S, A."""

    def forward(self, x, attn_mask=None, is_causal=False):
        if capture.detach:
            x = x.detach()  # the AG-CAM repo's modified Attention.forward
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        q, k = self.q_norm(q), self.k_norm(k)
        q = q * self.scale
        scores = q @ k.transpose(-2, -1)
        attention = scores.softmax(dim=-1)
        capture.keep(scores, attention)
        x = self.attn_drop(attention) @ v
        x = x.transpose(1, 2).reshape(B, N, self.attn_dim)
        x = self.norm(x)
        x = self.proj(x)
        return self.proj_drop(x)

    return forward


def hf_eager_attention(capture: Capture):
    """transformers' ``eager_attention_forward`` (matmul, scale, softmax, dropout, matmul), keeping S and A."""

    def forward(module, query, key, value, attention_mask, scaling=None, dropout=0.0, **kwargs):
        scores = torch.matmul(query, key.transpose(2, 3)) * scaling
        attention = torch.nn.functional.softmax(scores, dim=-1, dtype=torch.float32).to(query.dtype)
        capture.keep(scores, attention)
        output = torch.matmul(attention, value).transpose(1, 2).contiguous()
        return output, attention

    return forward


def run_case(model, blocks, capture: Capture, pixels, classes, target: str, detach: bool) -> dict[str, np.ndarray]:
    """One forward + backward; returns logits, S, A, and the gradients of the case."""
    inputs: list[torch.Tensor] = []
    handles = [
        block.register_forward_pre_hook(lambda module, args: inputs.append(args[0]) or None) for block in blocks
    ]
    capture.reset(detach)
    x = pixels.clone().requires_grad_(True)
    logits = model(x)
    logits = logits.logits if hasattr(logits, "logits") else logits
    for handle in handles:
        handle.remove()
    for tensor in inputs:
        tensor.retain_grad()
    rows = torch.arange(len(classes))
    chosen = logits if target == "logit" else logits.softmax(dim=-1)
    chosen[rows, classes].sum().backward()

    def stack(tensors):
        return np.stack([t.detach().numpy() for t in tensors]).astype(np.float32)

    return {
        "logits": logits.detach().numpy().astype(np.float32),
        "scores": stack(capture.scores),
        "attention": stack(capture.attention),
        "dA": stack([t.grad for t in capture.attention]),
        "dS": stack([t.grad for t in capture.scores]),
        "dBlockInput": stack([t.grad for t in inputs]),
        "dInput": x.grad.numpy().astype(np.float32),
    }


def write_model(name: str, model, blocks, capture: Capture, seed: int, image_size: int) -> None:
    folder = OUT / name
    folder.mkdir(parents=True, exist_ok=True)
    model.eval()
    generator = torch.Generator().manual_seed(seed + 1)
    pixels = torch.randn(BATCH, 3, image_size, image_size, generator=generator)
    with torch.no_grad():
        capture.reset(False)
        plain = model(pixels)
        plain = plain.logits if hasattr(plain, "logits") else plain
    predicted = int(plain[0].argmax())
    other = int((plain[1].argmax() + 3) % CLASSES)
    classes = torch.tensor([predicted, other])
    np.save(folder / "input.npy", pixels.numpy().astype(np.float32))
    np.save(folder / "classes.npy", classes.numpy().astype(np.int64))
    cases = {
        "logit": ("logit", False),
        "probability": ("probability", False),
        "detached_logit": ("logit", True),
    }
    for case, (target, detach) in cases.items():
        result = run_case(model, blocks, capture, pixels, classes, target, detach)
        if case == "logit":
            np.testing.assert_allclose(result["logits"], plain.numpy(), rtol=0, atol=1e-5)
            for key in ("logits", "scores", "attention"):
                np.save(folder / f"{key}.npy", result[key])
        for key in ("dA", "dS", "dBlockInput", "dInput"):
            np.save(folder / f"{case}_{key}.npy", result[key])
    top = plain.max(dim=-1).values.tolist()
    peak = float(np.load(folder / "attention.npy").max(axis=-1).mean())
    print(f"{name}: classes {classes.tolist()}, top logits {top}, mean row max of A {peak:.3f}")


def main() -> None:
    torch.manual_seed(0)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    capture = Capture()

    vit = VisionTransformer(
        img_size=32, patch_size=8, embed_dim=48, depth=3, num_heads=3, mlp_ratio=2.0, num_classes=CLASSES)
    randomize(vit, seed=1, std=0.25)
    for block in vit.blocks:
        block.attn.forward = types.MethodType(timm_attention_forward(capture), block.attn)
    (OUT / "vit").mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in vit.state_dict().items()}, str(OUT / "vit" / "model.safetensors"))
    write_model("vit", vit, list(vit.blocks), capture, seed=1, image_size=32)

    deit = VisionTransformerDistilled(
        img_size=32, patch_size=8, embed_dim=48, depth=2, num_heads=3, mlp_ratio=2.0, num_classes=CLASSES)
    randomize(deit, seed=2, std=0.25)
    for block in deit.blocks:
        block.attn.forward = types.MethodType(timm_attention_forward(capture), block.attn)
    (OUT / "deit").mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in deit.state_dict().items()}, str(OUT / "deit" / "model.safetensors"))
    write_model("deit", deit, list(deit.blocks), capture, seed=2, image_size=32)

    config = ViTConfig(
        hidden_size=48, num_hidden_layers=2, num_attention_heads=3, intermediate_size=96, image_size=32,
        patch_size=8, num_labels=CLASSES, layer_norm_eps=1e-12, hidden_act="gelu", qkv_bias=True)
    config._attn_implementation = "eager"  # the plain matmul/softmax path, which the capture below replaces
    hf = ViTForImageClassification(config)
    randomize(hf, seed=3, std=0.25)
    modeling_vit.eager_attention_forward = hf_eager_attention(capture)
    (OUT / "hf").mkdir(parents=True, exist_ok=True)
    layers = list(hf.vit.layers) if hasattr(hf.vit, "layers") else list(hf.vit.encoder.layer)
    for layer in layers:
        attention = layer.attention
        original = attention.forward

        def detaching(hidden_states, *args, _original=original, **kwargs):
            return _original(hidden_states.detach() if capture.detach else hidden_states, *args, **kwargs)

        attention.forward = detaching
    with tempfile.TemporaryDirectory() as directory:
        hf.save_pretrained(directory)
        shutil.copy(Path(directory) / "model.safetensors", OUT / "hf" / "model.safetensors")
        with open(Path(directory) / "config.json") as source:
            saved = json.load(source)
        with open(OUT / "hf" / "config.json", "w") as target:
            json.dump(saved, target, indent=2, sort_keys=True)
    write_model("hf", hf, layers, capture, seed=3, image_size=32)


if __name__ == "__main__":
    main()
