#!/usr/bin/env python3
"""Golden LRP relevances for the Swift `ViTModel.relevance` (Tests/ViTTests/Fixtures/lrp/).

An independent PyTorch implementation of the LRP rules of methods.md §2.4, written from the spec (not Chefer's
modules), run on small random-init timm models. It reproduces, per rule set:

* `ours` = Chefer's `modules/layers_ours.py` driven by `baselines/ViT/ViT_LRP.py` (transformer attribution),
* `orig` = Chefer's `modules/layers_lrp.py` driven by `baselines/ViT/ViT_orig_LRP.py` (full and partial LRP),

both with `alpha=1` (what `ViT_explanation_generator.LRP.generate_LRP` passes), so the Linear rule's inhibitor term
is multiplied by beta = 0 and drops out.

The goldens are the float64 run (the models and images are float32 values widened with `.double()`), as the Swift
pass computes in float64; the float32 run of the same rules is kept only to record how far float32 rounding moves
each case (`float32Spread` in `cases.json`, asserted below 1e-5).

Outputs (the goldens as float64 `.npy`, the inputs as float32, the models as safetensors with timm names):

* `vit.safetensors`, `deit.safetensors`: the models (`model.state_dict()`), `vit_input.npy`, `deit_input.npy`:
  two images `[2, 3, S, S]`.
* `<model>_b<image>_c<class>_<rules>_attention.npy` `[L, H, N, N]`: the halved relevance at each block's
  post-softmax attention (Chefer's `attn_cam`).
* `..._blocks.npy` `[L, N, D]`: the relevance at each block's input (after `clone1`).
* `..._pixels.npy` `[3, S, S]`: the relevance at the input pixels (Chefer's `method="full"` before the channel sum).
* `cases.json`: the model geometries and, per case, the image, class, rules, file prefix and relevance totals.

The distilled DeiT has no counterpart in Chefer's code. Its generalisation here: the logits are
`(head(x_cls) + head_dist(x_dist)) / 2`, so each head receives the one-hot relevance times 0.5 and the pooling sends
the head's relevance to token 0 and the distillation head's to token 1.

Usage: python tools/make_lrp_fixtures.py [--out Tests/ViTTests/Fixtures/lrp]
"""

import argparse
import json
import os

import numpy as np
import safetensors.torch
import timm
import torch
from timm.models.deit import VisionTransformerDistilled
from timm.models.vision_transformer import VisionTransformer

EPSILON = 1e-9


# MARK: - The rules (methods.md §2.4), one image at a time (no batch axis)


def safe_div(numerator, denominator):
    """numerator / (denominator + 1e-9), and 0 where the denominator is exactly 0 (methods.md §2.4)."""
    shifted = denominator + EPSILON
    shifted = torch.where(shifted == 0, torch.full_like(shifted, EPSILON), shifted)
    quotient = numerator / shifted
    return torch.where(denominator == 0, torch.zeros_like(quotient), quotient)


def linear_rule(x, weight, relevance, rules):
    """Relevance at the input `[N, in]` of `x @ weight.T` (+ bias, ignored) for the output relevance `[N, out]`."""
    x_pos, x_neg = x.clamp(min=0), x.clamp(max=0)
    w_pos, w_neg = weight.clamp(min=0), weight.clamp(max=0)
    z_pos = x_pos @ w_pos.T
    z_neg = x_neg @ w_neg.T
    if rules == "ours":
        # alpha 1 beta 0 with one shared denominator: both terms divide by Z = x+W+ᵀ + x-W-ᵀ.
        s = safe_div(relevance, z_pos + z_neg)
        return x_pos * (s @ w_pos) + x_neg * (s @ w_neg)
    # "orig": each term normalised by its own partial sum.
    return x_pos * (safe_div(relevance, z_pos) @ w_pos) + x_neg * (safe_div(relevance, z_neg) @ w_neg)


def add_rule(a, b, total, relevance, rules):
    """Relevances at the two summands of `total = a + b`."""
    s = safe_div(relevance, total)
    rel_a, rel_b = a * s, b * s
    if rules == "orig":
        return rel_a, rel_b
    # "ours": rescale each side so the totals split by absolute mass and sum to the incoming total.
    sum_a, sum_b = rel_a.sum(), rel_b.sum()
    mass = sum_a.abs() + sum_b.abs()
    factor_a = safe_div(sum_a.abs(), mass) * relevance.sum()
    factor_b = safe_div(sum_b.abs(), mass) * relevance.sum()
    return rel_a * safe_div(factor_a, sum_a), rel_b * safe_div(factor_b, sum_b)


def clone_rule(x, relevance_skip, relevance_branch):
    """Relevance at a tensor used twice: x ⊙ Σ safe_div(R_i, x)."""
    return x * (safe_div(relevance_skip, x) + safe_div(relevance_branch, x))


def matmul_rule(left, right, product, relevance):
    """Gradient×input z-rule for `product = left @ right` (per head): relevances at `left` and `right`."""
    s = safe_div(relevance, product)
    return left * (s @ right.transpose(-2, -1)), right * (left.transpose(-2, -1) @ s)


def patch_embed_rule(image, conv_weight, patch, relevance):
    """z^B rule for the first conv with `L`/`H` the image's global min/max; `relevance` `[D, g, g]` -> `[C, S, S]`."""
    x = image.unsqueeze(0)
    low = torch.full_like(x, x.min().item())
    high = torch.full_like(x, x.max().item())
    w_pos, w_neg = conv_weight.clamp(min=0), conv_weight.clamp(max=0)

    def conv(inp, w):
        return torch.nn.functional.conv2d(inp, w, stride=patch)

    def conv_t(s, w):
        return torch.nn.functional.conv_transpose2d(s, w, stride=patch)

    z = conv(x, conv_weight) - conv(low, w_pos) - conv(high, w_neg) + EPSILON
    s = (relevance / z[0]).unsqueeze(0)
    result = x * conv_t(s, conv_weight) - low * conv_t(s, w_pos) - high * conv_t(s, w_neg)
    return result[0]


# MARK: - The forward with every value the rules read


def trace(model, images):
    """A manual forward of a timm ViT (checked against `model(images)`), returning per-image values."""
    sd = {k: v.detach() for k, v in model.state_dict().items()}
    patch = model.patch_embed.proj.stride[0]
    heads = model.blocks[0].attn.num_heads
    patches = torch.nn.functional.conv2d(
        images, sd["patch_embed.proj.weight"], sd["patch_embed.proj.bias"], stride=patch
    )
    patches = patches.flatten(2).transpose(1, 2)
    prefix = [sd["cls_token"].expand(images.shape[0], -1, -1)]
    if "dist_token" in sd:
        prefix.append(sd["dist_token"].expand(images.shape[0], -1, -1))
    tokens = torch.cat(prefix + [patches], dim=1)
    x = tokens + sd["pos_embed"]
    values = {"tokens": tokens, "embeddings": x, "blocks": []}
    for index, block in enumerate(model.blocks):
        p = f"blocks.{index}."
        batch, count, width = x.shape
        head_dim = width // heads
        norm1 = torch.nn.functional.layer_norm(
            x, (width,), sd[p + "norm1.weight"], sd[p + "norm1.bias"], block.norm1.eps
        )
        qkv = norm1 @ sd[p + "attn.qkv.weight"].T + sd[p + "attn.qkv.bias"]
        q, k, v = qkv.reshape(batch, count, 3, heads, head_dim).permute(2, 0, 3, 1, 4)
        products = q @ k.transpose(-2, -1)
        attention = (products * head_dim**-0.5).softmax(dim=-1)
        context = attention @ v
        merged = context.transpose(1, 2).reshape(batch, count, width)
        after_attention = x + (merged @ sd[p + "attn.proj.weight"].T + sd[p + "attn.proj.bias"])
        norm2 = torch.nn.functional.layer_norm(
            after_attention, (width,), sd[p + "norm2.weight"], sd[p + "norm2.bias"], block.norm2.eps
        )
        hidden = torch.nn.functional.gelu(norm2 @ sd[p + "mlp.fc1.weight"].T + sd[p + "mlp.fc1.bias"])
        output = after_attention + (hidden @ sd[p + "mlp.fc2.weight"].T + sd[p + "mlp.fc2.bias"])
        values["blocks"].append(
            dict(input=x, norm1=norm1, q=q, k=k, v=v, products=products, attention=attention, context=context,
                 merged=merged, after_attention=after_attention, norm2=norm2, hidden=hidden, output=output)
        )
        x = output
    final = torch.nn.functional.layer_norm(x, (x.shape[-1],), sd["norm.weight"], sd["norm.bias"], model.norm.eps)
    logits = final[:, 0] @ sd["head.weight"].T + sd["head.bias"]
    if "head_dist.weight" in sd:
        logits = (logits + final[:, 1] @ sd["head_dist.weight"].T + sd["head_dist.bias"]) / 2
    values["final"] = final
    values["logits"] = logits
    reference = model(images)
    assert torch.allclose(reference, logits, rtol=1e-5, atol=1e-5), (reference - logits).abs().max()
    return values, sd


def relevance(values, sd, image_index, class_index, rules, images, patch):
    """Relevances for one image and class: (attention [L,H,N,N], block inputs [L,N,D], pixels [C,S,S])."""
    b = image_index
    final = values["final"][b]
    classes = sd["head.weight"].shape[0]
    one_hot = torch.zeros(1, classes)
    one_hot[0, class_index] = 1
    r = torch.zeros_like(final)
    heads = [("head", 0)] + ([("head_dist", 1)] if "head_dist.weight" in sd else [])
    share = 1.0 / len(heads)
    for name, token in heads:
        pooled = final[token : token + 1]
        r_pooled = linear_rule(pooled, sd[name + ".weight"], one_hot * share, rules)
        # IndexSelect: Chefer's grad×input through the selection: x ⊙ safe_div(R, x) at the selected token.
        r[token : token + 1] = pooled * safe_div(r_pooled, pooled)
    # The final LayerNorm passes relevance unchanged.
    attention_relevances, block_relevances = [], []
    for block_index in reversed(range(len(values["blocks"]))):
        t = {k: v[b] for k, v in values["blocks"][block_index].items()}
        p = f"blocks.{block_index}."
        heads_count, count, head_dim = t["q"].shape
        # add2: skip (after_attention) + MLP branch.
        mlp_out = t["output"] - t["after_attention"]
        r_skip, r_mlp = add_rule(t["after_attention"], mlp_out, t["output"], r, rules)
        r_hidden = linear_rule(t["hidden"], sd[p + "mlp.fc2.weight"], r_mlp, rules)
        r_norm2 = linear_rule(t["norm2"], sd[p + "mlp.fc1.weight"], r_hidden, rules)  # GELU, LN2: identity
        r = clone_rule(t["after_attention"], r_skip, r_norm2)
        # add1: skip (block input) + attention branch.
        attn_out = t["after_attention"] - t["input"]
        r_skip, r_attn = add_rule(t["input"], attn_out, t["after_attention"], r, rules)
        r_merged = linear_rule(t["merged"], sd[p + "attn.proj.weight"], r_attn, rules)
        r_context = r_merged.reshape(count, heads_count, head_dim).transpose(0, 1)
        r_a, r_v = matmul_rule(t["attention"], t["v"], t["context"], r_context)
        r_a, r_v = r_a / 2, r_v / 2
        attention_relevances.append(r_a)
        # Softmax and the score scale pass relevance unchanged; Chefer's einsum is the unscaled q·kᵀ.
        r_q, r_k = matmul_rule(t["q"], t["k"].transpose(-2, -1), t["products"], r_a)
        r_q, r_k = r_q / 2, r_k.transpose(-2, -1) / 2
        r_qkv = torch.stack([r_q, r_k, r_v]).permute(2, 0, 1, 3).reshape(count, 3 * heads_count * head_dim)
        r_norm1 = linear_rule(t["norm1"], sd[p + "attn.qkv.weight"], r_qkv, rules)
        r = clone_rule(t["input"], r_skip, r_norm1)
        block_relevances.append(r)
    attention_relevances.reverse()
    block_relevances.reverse()
    # Position-embedding add (token part), drop the prefix tokens, patch embedding z^B rule.
    tokens = values["tokens"][b]
    r_tokens, _ = add_rule(tokens, sd["pos_embed"][0], values["embeddings"][b], r, rules)
    prefix = tokens.shape[0] - (images.shape[-1] // patch) ** 2
    grid = images.shape[-1] // patch
    r_patches = r_tokens[prefix:].T.reshape(-1, grid, grid)
    pixels = patch_embed_rule(images[b], sd["patch_embed.proj.weight"], patch, r_patches)
    return torch.stack(attention_relevances), torch.stack(block_relevances), pixels


# MARK: - Models and files


# Mean and standard deviation of each parameter's seeded normal init. Chosen so the fixtures are well conditioned:
# the z-rules divide by sums of mixed-sign terms (residual adds, q·kᵀ, A·V), and with zero-mean weights some of those
# sums come near 0 and amplify float32 rounding ~1000x (float32 and float64 goldens then differ by 1e-3). A positive
# residual stream (positive prefix tokens, position embedding and patch bias), positive q, k, v (qkv bias) and small
# branch outputs (proj, fc2) keep every such sum away from 0; the Linear rules and LayerNorms still see mixed signs.
# `main` checks the result: every float32 golden must agree with a float64 run within 1e-5 of its largest magnitude.
INIT = {
    "cls_token": (2, 0.3), "dist_token": (2, 0.3), "pos_embed": (2, 0.3),
    "patch_embed.proj.weight": (0, 0.1), "patch_embed.proj.bias": (3, 0.3),
    "norm1.weight": (1, 0.3), "norm1.bias": (0, 0.3), "norm2.weight": (1, 0.3), "norm2.bias": (0, 0.3),
    "attn.qkv.weight": (0, 0.1), "attn.qkv.bias": (1.5, 0.3),
    "attn.proj.weight": (0, 0.05), "attn.proj.bias": (0.5, 0.1),
    "mlp.fc1.weight": (0, 0.3), "mlp.fc1.bias": (0, 0.3),
    "mlp.fc2.weight": (0, 0.03), "mlp.fc2.bias": (0.5, 0.1),
    "norm.weight": (1, 0.3), "norm.bias": (0, 0.3),
    "head.weight": (0, 0.3), "head.bias": (0, 0.3), "head_dist.weight": (0, 0.3), "head_dist.bias": (0, 0.3),
}


def make_model(distilled, seed):
    torch.manual_seed(seed)
    kwargs = dict(img_size=32, patch_size=8, num_classes=10, embed_dim=48, num_heads=3, qkv_bias=True)
    model = VisionTransformerDistilled(depth=2, **kwargs) if distilled else VisionTransformer(depth=3, **kwargs)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            key = next(key for key in INIT if name == key or name.endswith("." + key))
            mean, std = INIT[key]
            parameter.copy_(mean + std * torch.randn_like(parameter))
    return model.eval()


def max_relative_difference(actual, expected):
    return float((actual.double() - expected.double()).abs().max() / expected.double().abs().max())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="Tests/ViTTests/Fixtures/lrp")
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    torch.set_grad_enabled(False)
    manifest = {"models": {}, "cases": []}
    for name, distilled, seed in [("vit", False, 5), ("deit", True, 1)]:
        model = make_model(distilled, seed)
        images = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(seed + 10)) * 2 - 1
        safetensors.torch.save_file(model.state_dict(), os.path.join(arguments.out, f"{name}.safetensors"))
        np.save(os.path.join(arguments.out, f"{name}_input.npy"), images.numpy().astype(np.float32))
        values, sd = trace(model, images)
        # The goldens: the same computation in float64.
        values64, sd64 = trace(make_model(distilled, seed).double(), images.double())
        manifest["models"][name] = dict(
            imageSize=32, patchSize=8, embedDim=48, depth=len(model.blocks), heads=3, classes=10,
            distilled=distilled, logits=values["logits"].tolist(),
        )
        for image_index in range(images.shape[0]):
            predicted = int(values["logits"][image_index].argmax())
            other = int(values["logits"][image_index].argmin())
            for class_index in (predicted, other):
                for rules in ("ours", "orig"):
                    attention, blocks, pixels = relevance(values, sd, image_index, class_index, rules, images, 8)
                    exact = relevance(values64, sd64, image_index, class_index, rules, images.double(), 8)
                    conditioning = max(map(max_relative_difference, (attention, blocks, pixels), exact))
                    assert conditioning < 1e-5, f"ill-conditioned fixture: float32 vs float64 {conditioning}"
                    prefix = f"{name}_b{image_index}_c{class_index}_{rules}"
                    for suffix, tensor in zip(("attention", "blocks", "pixels"), exact):
                        path = os.path.join(arguments.out, f"{prefix}_{suffix}.npy")
                        np.save(path, tensor.numpy().astype(np.float64))
                    manifest["cases"].append(
                        dict(
                            model=name, image=image_index, classIndex=class_index, rules=rules, prefix=prefix,
                            blockTotals=[float(t) for t in exact[1].sum(dim=(1, 2))],
                            pixelTotal=float(exact[2].sum()), float32Spread=conditioning,
                        )
                    )
                    print(prefix, "block totals", [round(float(t), 5) for t in blocks.sum(dim=(1, 2))],
                          "pixel total", round(float(pixels.sum()), 5),
                          "max |R_A|", float(attention.abs().max()), "float32 vs float64 %.1e" % conditioning)
    with open(os.path.join(arguments.out, "cases.json"), "w") as handle:
        json.dump(manifest, handle, indent=1)


if __name__ == "__main__":
    main()
