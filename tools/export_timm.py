#!/usr/bin/env python3
"""Converts a timm ViT/DeiT model to a safetensors file that `Checkpoint.load` (and `bench predict`) read.

  python tools/export_timm.py vit_base_patch16_224.augreg2_in21k_ft_in1k -o vit_b16.safetensors
      downloads the pretrained weights of the tag through timm (the only case that touches the network)
  python tools/export_timm.py --model deit_small_patch16_224 --checkpoint my_finetune.pth -o deit_s.safetensors
      loads a local `.pth` / `.pt` / `.safetensors` state dict (optionally under a 'state_dict', 'model' or
      'state_dict_ema' key, with 'module.' prefixes from DataParallel) into the named architecture
  python tools/export_timm.py --model vit_tiny_patch16_224 --random -o random.safetensors
      random initialisation (for tests and benchmarks)

The state dict is loaded into `timm.create_model(NAME)` with `strict=True`, so the written file has exactly timm's
keys and shapes (`cls_token`, `pos_embed`, `patch_embed.proj.*`, `blocks.{i}.*`, `norm.*`, `head.*`, plus
`dist_token`/`head_dist.*` for distilled DeiT), stored as F32 (or `--dtype f16|bf16`) with the metadata
`{"format": "pt", "timm_model": NAME, "timm_version": ...}`. The pretrained config's preprocessing (mean, std,
interpolation, crop_pct) is printed so it can be checked against `bench predict`'s.
"""

import argparse
import sys

import timm
import torch
from safetensors.torch import save_file

DTYPES = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16}


def load_state_dict(path):
    if path.endswith(".safetensors"):
        from safetensors.torch import load_file
        return load_file(path)
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    for key in ("state_dict_ema", "model_ema", "state_dict", "model"):
        if isinstance(checkpoint, dict) and key in checkpoint and isinstance(checkpoint[key], dict):
            checkpoint = checkpoint[key]
            break
    return {k.removeprefix("module."): v for k, v in checkpoint.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tag", nargs="?", help="timm model name with pretrained tag (downloads the weights)")
    parser.add_argument("--model", help="timm architecture name (with --checkpoint or --random)")
    parser.add_argument("--checkpoint", help="local state dict (.pth, .pt, .safetensors)")
    parser.add_argument("--random", action="store_true", help="random initialisation")
    parser.add_argument("--num-classes", type=int, help="classifier size when it differs from the default")
    parser.add_argument("--dtype", choices=sorted(DTYPES), default="f32")
    parser.add_argument("-o", "--output", required=True, help="the .safetensors file to write")
    args = parser.parse_args()

    extra = {} if args.num_classes is None else {"num_classes": args.num_classes}
    if args.tag:
        name = args.tag
        model = timm.create_model(name, pretrained=True, **extra)
    elif args.model and (args.checkpoint or args.random):
        name = args.model
        model = timm.create_model(name, pretrained=False, **extra)
        if args.checkpoint:
            model.load_state_dict(load_state_dict(args.checkpoint), strict=True)
    else:
        parser.error("give a pretrained tag, or --model with --checkpoint or --random")

    model.eval()
    state = {k: v.detach().to(DTYPES[args.dtype]).contiguous() for k, v in model.state_dict().items()}
    metadata = {"format": "pt", "timm_model": name, "timm_version": timm.__version__}
    save_file(state, args.output, metadata=metadata)

    parameters = sum(v.numel() for v in state.values())
    print(f"wrote {args.output}: {len(state)} tensors, {parameters:,} parameters, {args.dtype}")
    config = model.pretrained_cfg or {}
    keys = ("input_size", "mean", "std", "interpolation", "crop_pct", "crop_mode")
    print("preprocessing: " + ", ".join(f"{k}={config.get(k)}" for k in keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
