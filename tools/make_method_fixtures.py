#!/usr/bin/env python3
"""Golden raw grids of the attention-, gradient- and LRP-based explanation methods (Tests/ExplainersTests/
Fixtures/methods/).

An independent PyTorch implementation of each method, written from ../shared/reference/methods.md (§1.1, §2.1-2.5,
§3, §4.1, §5.1, §5.2, §8) and the official codes it describes, run on small random-init timm 1.0.31 models:

* attention, pre-softmax scores, value vectors and block inputs are captured from timm's own non-fused attention
  code (``Attention.forward`` replaced by the same code plus capture, ``retain_grad`` on the attention);
* gradients come from PyTorch autograd on that model: the standard graph, and AG-CAM's graph in which every
  attention's input is detached (``x = x.detach()`` at the top of ``Attention.forward``, methods.md §1.1);
* the integrated attention gradient of TAM / Beyond Intuition runs the official loop, one forward + backward per
  ``alpha in np.linspace(0, 1, 20)`` on ``input * alpha``, summing the last block's attention gradient;
* LRP relevances come from the independent implementation of the §2.4 rules in ``make_lrp_fixtures.py``.

Every method is also run in float64, and the script asserts that the float32 goldens agree with it to far better
than the Swift tests' 1e-4 tolerance (so the goldens are determined, not rounding noise).

Models: ``vit`` (timm ``VisionTransformer``, depth 4) and ``deit`` (``VisionTransformerDistilled``, depth 2,
prefix tokens cls + dist), both 48 px, patch 8 (6 x 6 grid), width 48, 3 heads, 10 classes, with
make_lrp_fixtures' well-conditioned init. Inputs: ``two_objects`` (a red square and a blue disc on grey, the
Chefer/AG-CAM normalisation ``(x - 0.5) / 0.5``) and ``noise`` (uniform in [-1, 1]).

Outputs: ``<model>.safetensors``, ``<model>_<input>.npy`` ``[1, 3, 48, 48]``, per case and method
``<model>_<input>_c<class>__<method id>.npy`` (``:`` and ``=`` of the id written as ``_``), the raw grid ``[6, 6]``
(``[48, 48]`` for ``lrp``) before upsampling and normalisation, and ``cases.json``.

gxa / gxa-signed goldens come from the float64 run (see main) and are the product ``Π_l (s_l + eps)`` divided by its largest magnitude, computed as
``sign * exp(L - max L)`` with ``L = Σ_l log|s_l + eps|`` in float64 from float32 ``s_l``.

Usage: python3 tools/make_method_fixtures.py [--out Tests/ExplainersTests/Fixtures/methods]
"""

import argparse
import json
import os
import sys
import types

import numpy as np
import safetensors.torch
import torch
from timm.models.deit import VisionTransformerDistilled
from timm.models.vision_transformer import VisionTransformer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_lrp_fixtures as lrp  # noqa: E402  (the independent LRP rules of methods.md §2.4)

SIZE, PATCH, CLASSES = 48, 8, 10
IG_STEPS = 20


# MARK: - Capturing timm's attention


class Capture:
    """Per block, in call order: pre-softmax scores S, attention A (grad retained), values v, block input z."""

    def __init__(self):
        self.detach = False
        self.reset()

    def reset(self):
        self.scores, self.attention, self.values, self.inputs = [], [], [], []


def attention_forward(capture):
    """timm 1.0.31 ``Attention.forward``, non-fused path, keeping S, A and v (AG-CAM's detach on request)."""

    def forward(self, x, attn_mask=None, is_causal=False):
        if capture.detach:
            x = x.detach()
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        q, k = self.q_norm(q), self.k_norm(k)
        q = q * self.scale
        scores = q @ k.transpose(-2, -1)
        attention = scores.softmax(dim=-1)
        if attention.requires_grad:
            attention.retain_grad()
        capture.scores.append(scores)
        capture.attention.append(attention)
        capture.values.append(v)
        x = self.attn_drop(attention) @ v
        x = x.transpose(1, 2).reshape(B, N, self.attn_dim)
        x = self.norm(x)
        x = self.proj(x)
        return self.proj_drop(x)

    return forward


def instrument(model):
    capture = Capture()
    for block in model.blocks:
        block.attn.fused_attn = False
        block.attn.forward = types.MethodType(attention_forward(capture), block.attn)
        block.register_forward_pre_hook(lambda module, args: capture.inputs.append(args[0]))
    return capture


def run(model, capture, image, class_index, target="logit", detach=False):
    """One forward + backward of ``target`` of ``class_index``: (S, A, v, z, dA) per block, each for image 0."""
    capture.reset()
    capture.detach = detach
    with torch.enable_grad():
        logits = model(image)
        scalar = logits[0, class_index] if target == "logit" else logits.softmax(dim=-1)[0, class_index]
        model.zero_grad()
        scalar.backward()
    capture.detach = False
    return dict(
        scores=[s[0].detach() for s in capture.scores],
        attention=[a[0].detach() for a in capture.attention],
        values=[v[0].detach() for v in capture.values],
        inputs=[z[0].detach() for z in capture.inputs],
        gradients=[a.grad[0].detach() for a in capture.attention],
        logits=logits.detach(),
    )


def integrated_last_gradient(model, capture, image, class_index, steps=IG_STEPS):
    """The official loop (TAM and transformerinterp): sum over alpha of dA_L at input * alpha, divided by steps."""
    total = None
    for alpha in np.linspace(0, 1, steps):
        gradient = run(model, capture, image * alpha, class_index)["gradients"][-1]
        total = gradient.clone() if total is None else total + gradient
    return total / steps


# MARK: - The methods, from methods.md


def head_mean(tensor):
    return tensor.mean(dim=0)


def cls_patches(matrix, prefix):
    return matrix[0, prefix:]


def rollout(p, prefix, start):
    """§2.1: (mean_h A + I) row-normalised, joint = Â_s, then Â_l · joint."""
    matrices = []
    for attention in p["attention"]:
        augmented = head_mean(attention) + torch.eye(attention.shape[-1], dtype=attention.dtype)
        matrices.append(augmented / augmented.sum(dim=-1, keepdim=True))
    joint = matrices[start]
    for matrix in matrices[start + 1 :]:
        joint = matrix @ joint
    return cls_patches(joint, prefix)


def raw_attention(p, prefix):
    return cls_patches(head_mean(p["attention"][-1].clamp(min=0)), prefix)


def gradcam(p, prefix):
    """§2.3: last block, CLS row patches, w_h = mean_p G_h, clamp(mean_h A_h w_h, 0)."""
    attention = p["attention"][-1][:, 0, prefix:]
    gradient = p["gradients"][-1][:, 0, prefix:]
    weights = gradient.mean(dim=1, keepdim=True)
    return (attention * weights).mean(dim=0).clamp(min=0)


def gae(p, prefix):
    """§3: R = I; R += mean_h clamp(dA ⊙ A, 0) · R over every block."""
    tokens = p["attention"][0].shape[-1]
    relevance = torch.eye(tokens, dtype=p["attention"][0].dtype)
    for attention, gradient in zip(p["attention"], p["gradients"]):
        relevance = relevance + (gradient * attention).clamp(min=0).mean(dim=0) @ relevance
    return cls_patches(relevance, prefix)


def agc(p_detached, p_forward, prefix):
    """§1.1: Σ_l Σ_h sigmoid(S[h, 0, patches]) * relu(dA_detached[h, 0, patches])."""
    total = 0
    for scores, gradient in zip(p_forward["scores"], p_detached["gradients"]):
        total = total + (torch.sigmoid(scores[:, 0, prefix:]) * gradient[:, 0, prefix:].clamp(min=0)).sum(dim=0)
    return total


def gxa(p, prefix, signed, eps, start=0):
    """§4.1 with the two documented readings; the product in the log domain (float64), scaled to max |.| = 1."""
    log_magnitude, negative = 0, None
    for attention, gradient in list(zip(p["attention"], p["gradients"]))[start:]:
        s = (attention[:, 0, prefix:] * gradient[:, 0, prefix:]).mean(dim=0)
        if not signed:
            s = s.clamp(min=0)
            if s.max() > 0:
                s = s / s.max()
        term = s.double() + eps
        log_magnitude = log_magnitude + term.abs().log()
        flips = term < 0
        negative = flips if negative is None else negative ^ flips
    scaled = torch.exp(log_magnitude - log_magnitude.max())
    return torch.where(negative, -scaled, scaled)


def lrp_full(relevance):
    return relevance[2].sum(dim=0)


def partial_lrp(relevance, prefix):
    return cls_patches(head_mean(relevance[0][-1].clamp(min=0)), prefix)


def transformer_attribution(p, relevance_ours, prefix, start):
    """§2.5: Ā_l = mean_h clamp(dA ⊙ R_A, 0); joint = Ā_s + I, then (Ā_l + I) · joint (no normalisation)."""
    tokens = p["attention"][0].shape[-1]
    eye = torch.eye(tokens, dtype=p["attention"][0].dtype)
    matrices = [(g * r).clamp(min=0).mean(dim=0) + eye for g, r in zip(p["gradients"], relevance_ours[0])]
    joint = matrices[start]
    for matrix in matrices[start + 1 :]:
        joint = matrix @ joint
    return cls_patches(joint, prefix)


def tam(p, ig, prefix, start):
    """§5.1: states = CLS row of mean_h A_L; for i = L-2 .. start: states = states · Ā_i + states; × W."""
    states = head_mean(p["attention"][-1])[0:1, :]
    for index in reversed(range(start, len(p["attention"]) - 1)):
        states = states @ head_mean(p["attention"][index]) + states
    weights = ig.clamp(min=0).mean(dim=0)[0:1, :]
    return (states * weights)[0, prefix:]


def bt_heads(p, ig, prefix, start):
    """§5.2 Ours-H: I_h = mean |A_hᵀ dA_h| normalised; R += (Σ_h I_h A_h) · R for blocks >= start - 1; W ⊙ R."""
    tokens = p["attention"][0].shape[-1]
    relevance = torch.eye(tokens, dtype=p["attention"][0].dtype)
    for index, (attention, gradient) in enumerate(zip(p["attention"], p["gradients"])):
        if index < start - 1:
            continue
        importance = (attention.transpose(-1, -2) @ gradient).abs().mean(dim=(-1, -2))
        importance = importance / importance.sum()
        mixed = (importance[:, None, None] * attention).sum(dim=0)
        relevance = relevance + mixed @ relevance
    weights = ig.clamp(min=0).mean(dim=0)
    return (weights * relevance)[0, prefix:]


def bt_tokens(p, ig, proj_weights, prefix, start):
    """§5.2 Ours-C: o_j = |v_j W_projᵀ| / |z_j|; R += (mean_h A · diag(o)) · R for blocks >= start - 1; W ⊙ |R|."""
    tokens = p["attention"][0].shape[-1]
    relevance = torch.eye(tokens, dtype=p["attention"][0].dtype)
    for index, (attention, values, inputs) in enumerate(zip(p["attention"], p["values"], p["inputs"])):
        if index < start - 1:
            continue
        merged = values.transpose(0, 1).reshape(tokens, -1)  # 'h n d -> n (h d)'
        ratio = torch.linalg.norm(merged @ proj_weights[index].T, dim=-1) / torch.linalg.norm(inputs, dim=-1)
        relevance = relevance + (head_mean(attention) @ torch.diag(ratio)) @ relevance
    weights = ig.clamp(min=0).mean(dim=0)
    return (weights * relevance.abs())[0, prefix:]


# MARK: - Models, inputs, cases


def make_model(distilled, seed):
    torch.manual_seed(seed)
    kwargs = dict(img_size=SIZE, patch_size=PATCH, num_classes=CLASSES, embed_dim=48, num_heads=3, qkv_bias=True)
    model = VisionTransformerDistilled(depth=2, **kwargs) if distilled else VisionTransformer(depth=4, **kwargs)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            key = next(key for key in lrp.INIT if name == key or name.endswith("." + key))
            mean, std = lrp.INIT[key]
            parameter.copy_(mean + std * torch.randn_like(parameter))
    return model.eval()


def two_objects():
    """A red square (top left) and a blue disc (bottom right) on a lightly textured grey, in [0, 1], then
    (x - 0.5) / 0.5. (A flat grey is exactly 0 after normalisation, which makes full LRP's orig rules divide by
    near-zero partial sums: the texture keeps the golden well conditioned.)"""
    texture = np.random.default_rng(7).uniform(-0.15, 0.15, size=(3, SIZE, SIZE)).astype(np.float32)
    image = 0.5 + texture
    image[:, 5:21, 4:20] = np.array([0.9, 0.1, 0.1], dtype=np.float32)[:, None, None]
    rows, columns = np.mgrid[0:SIZE, 0:SIZE]
    disc = (rows - 33) ** 2 + (columns - 32) ** 2 <= 9**2
    image[:, disc] = np.array([0.1, 0.2, 0.9], dtype=np.float32)[:, None]
    return torch.from_numpy((image - 0.5) / 0.5).unsqueeze(0)


def noise(seed):
    return torch.rand(1, 3, SIZE, SIZE, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def all_methods(model, capture, image, class_index, prefix):
    """Every method's raw grid for one image and class, as {id: tensor}."""
    standard = run(model, capture, image, class_index)
    probability = run(model, capture, image, class_index, target="probability")
    detached = run(model, capture, image, class_index, detach=True)
    ig = integrated_last_gradient(model, capture, image, class_index)
    with torch.no_grad():
        values, sd = lrp.trace(model, image)
        relevance_orig = lrp.relevance(values, sd, 0, class_index, "orig", image, PATCH)
        relevance_ours = lrp.relevance(values, sd, 0, class_index, "ours", image, PATCH)
    proj = [block.attn.proj.weight.detach() for block in model.blocks]
    grid = lambda t: t.reshape(SIZE // PATCH, SIZE // PATCH)  # noqa: E731
    maps = {
        "raw-attention": grid(raw_attention(standard, prefix)),
        "rollout": grid(rollout(standard, prefix, 0)),
        "rollout:start=1": grid(rollout(standard, prefix, 1)),
        "gradcam": grid(gradcam(standard, prefix)),
        "lrp": lrp_full(relevance_orig),
        "partial-lrp": grid(partial_lrp(relevance_orig, prefix)),
        "transformer-attribution": grid(transformer_attribution(standard, relevance_ours, prefix, 1)),
        "transformer-attribution:start=0": grid(transformer_attribution(standard, relevance_ours, prefix, 0)),
        "gae": grid(gae(standard, prefix)),
        "gae:grad=probability": grid(gae(probability, prefix)),
        "agc": grid(agc(detached, standard, prefix)),
        "gxa": grid(gxa(standard, prefix, signed=False, eps=1e-3)),
        "gxa-signed": grid(gxa(standard, prefix, signed=True, eps=1e-6)),
        "tam": grid(tam(standard, ig, prefix, 4)),
        "tam:start=1": grid(tam(standard, ig, prefix, 1)),
        "bt-h": grid(bt_heads(standard, ig, prefix, 4)),
        "bt-h:start=2": grid(bt_heads(standard, ig, prefix, 2)),
        "bt-c": grid(bt_tokens(standard, ig, proj, prefix, 7)),
        "bt-c:start=2": grid(bt_tokens(standard, ig, proj, prefix, 2)),
    }
    return maps, standard["logits"]


def file_stem(model_name, input_name, class_index, method):
    return f"{model_name}_{input_name}_c{class_index}__{method.replace(':', '_').replace('=', '_')}"


def relative(actual, expected):
    scale = expected.double().abs().max()
    difference = (actual.double() - expected.double()).abs().max()
    return float(difference / scale) if scale > 0 else float(difference)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="Tests/ExplainersTests/Fixtures/methods")
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    manifest = {"models": {}, "cases": []}
    failures = []
    inputs = {"two_objects": two_objects(), "noise": noise(21)}
    for name, distilled, seed, input_names in [("vit", False, 5, ["two_objects", "noise"]), ("deit", True, 1, ["two_objects"])]:
        model = make_model(distilled, seed)
        model64 = make_model(distilled, seed).double()
        capture, capture64 = instrument(model), instrument(model64)
        prefix = 2 if distilled else 1
        safetensors.torch.save_file(model.state_dict(), os.path.join(arguments.out, f"{name}.safetensors"))
        manifest["models"][name] = dict(
            imageSize=SIZE, patchSize=PATCH, embedDim=48, depth=len(model.blocks), heads=3, classes=CLASSES,
            distilled=distilled,
        )
        for input_name in input_names:
            image = inputs[input_name]
            np.save(os.path.join(arguments.out, f"{name}_{input_name}.npy"), image.numpy())
            with torch.no_grad():
                logits = model(image)
            predicted = int(logits[0].argmax())
            other = 3 if predicted != 3 else 7  # a fixed other class
            classes = [predicted] if distilled else [predicted, other]
            for class_index in classes:
                maps, _ = all_methods(model, capture, image, class_index, prefix)
                maps64, _ = all_methods(model64, capture64, image.double(), class_index, prefix)
                files = {}
                for method, grid in maps.items():
                    conditioning = relative(grid, maps64[method])
                    if method.startswith("gxa"):
                        # gxa's factors s_l / max + eps amplify the float32 rounding of s_l by up to 1 / eps, so
                        # the float32 product is determined only to ~1e-4 of its maximum: the golden is the
                        # float64 run (the exact value the tests compare against), and the float32 run must merely
                        # agree with it to 2e-4.
                        if conditioning >= 2e-4:
                            failures.append(f"{name} {input_name} c{class_index} {method}: {conditioning:.1e}")
                        grid = maps64[method]
                    elif conditioning >= 1e-5:
                        failures.append(f"{name} {input_name} c{class_index} {method}: f32 vs f64 {conditioning:.1e}")
                    stem = file_stem(name, input_name, class_index, method)
                    np.save(os.path.join(arguments.out, stem + ".npy"), grid.float().numpy())
                    files[method] = stem
                    print(f"{stem:60s} max|.| {float(grid.abs().max()):.3e}  f32 vs f64 {conditioning:.1e}")
                manifest["cases"].append(
                    dict(model=name, input=input_name, classIndex=class_index, predicted=predicted, methods=files)
                )
    assert not failures, "ill-conditioned goldens:\n" + "\n".join(failures)
    with open(os.path.join(arguments.out, "cases.json"), "w") as handle:
        json.dump(manifest, handle, indent=1)


if __name__ == "__main__":
    main()
