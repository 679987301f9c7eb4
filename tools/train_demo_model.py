#!/usr/bin/env python3
"""Trains the demo model that `bench` runs with no arguments, and writes it to models/demo/.

The model is a small timm ``VisionTransformer`` (224x224 input, 16x16 patches, so a 14x14 patch grid; embedding
96, 3 heads of 32, 8 blocks, class token, pre-norm, timm's default layout) trained from scratch on the synthetic
dataset that `bench synth` writes (10 classes of textured shapes on cluttered backgrounds, 1 to 3 objects an
image, 30 % of images with two classes). Everything runs on the CPU. Eight blocks, so that the default start
layers of TAM (4), BT-H (4) and BT-C (7), which their code sets for ViT-B's 12 blocks, fall inside the model and
every method's default computes what it computes on ViT-B; width 96 keeps a demo image's 20 methods near a
second in the release build.

    python3 tools/train_demo_model.py                 # the committed model (about 15 minutes on 2 cores)
    python3 tools/train_demo_model.py --epochs 1      # a quick smoke run, to a scratch --out

Steps:

1. `bench synth` (the release build of this package; built with `swift build -c release --product bench` when
   `--bench` is not given and the binary is missing) writes the training set (``--train-count`` images, seed 1,
   all in ``train``) and the held-out set (``--held-out-count`` images, seed 2, all in ``val``) under ``--work``.
   The demo's own evaluation set (seed 0, 250 images, val split: what `bench` evaluates) is a third,
   disjoint draw, whose accuracy is reported too.
2. Images are read with Pillow (``convert("RGB")``, as the harness decodes them), kept in memory as uint8, and
   normalised with mean = std = 0.5 (timm's inception constants). The images are already 224x224, so the
   harness's squash resize is the identity.
3. Training: AdamW (lr 1e-3, weight decay 0.05), batch 64, linear warm-up for one epoch then cosine decay, random
   horizontal flips and 90-degree rotations (the classes are rotation- and mirror-invariant), soft cross-entropy
   against the image's classes (each present class weighs 1/k). Seeded: torch's and numpy's generators.
4. Accuracy is top-1 in the image's set of classes, the harness's `top1-correct` rule.

Outputs in ``--out`` (default models/demo):

* ``model.safetensors``: the state dict with timm's names, float32, metadata ``timm_model``;
* ``config.json``: what the weights cannot tell (heads, input size, mean, std, interpolation), the training
  settings, the held-out and demo-set accuracies, the training time;
* ``reference_logits.json``: PyTorch's logits on the first 4 images of the demo set, which
  ``Tests/BenchCLITests`` compares against the Swift engine.

Requirements: torch, timm, safetensors, numpy, pillow (tools/requirements.txt).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import numpy as np
import timm
import torch
from PIL import Image
from safetensors.torch import save_file
from timm.models.vision_transformer import VisionTransformer

ROOT = Path(__file__).resolve().parent.parent
# Sources/Datasets/SyntheticClass.swift, in class-index order.
CLASS_NAMES = [
    "striped_circle", "checker_square", "dotted_triangle", "gradient_star", "banded_ring",
    "zigzag_cross", "grid_hexagon", "wavy_ellipse", "plaid_diamond", "hatched_heart",
]
MEAN = [0.5, 0.5, 0.5]
STD = [0.5, 0.5, 0.5]


def bench_binary(given: str | None) -> Path:
    if given:
        return Path(given)
    binary = ROOT / ".build" / "release" / "bench"
    if not binary.exists():
        subprocess.run(["swift", "build", "-c", "release", "--product", "bench"], cwd=ROOT, check=True)
    return binary


def synthesize(bench: Path, root: Path, count: int, seed: int, split_fraction: float) -> None:
    """Writes a synthetic VOC tree with `bench synth` unless the same one is already there."""
    manifest = root / "synthetic.json"
    if manifest.exists():
        written = json.loads(manifest.read_text())
        if written.get("seed") == seed and written.get("count") == count:
            return
    subprocess.run(
        [str(bench), "synth", "--out", str(root), "--count", str(count), "--seed", str(seed),
         "--split-fraction", str(split_fraction), "--quiet"],
        check=True)


def load_split(root: Path, split: str) -> tuple[np.ndarray, list[list[int]], list[str]]:
    """Images [N, 224, 224, 3] uint8, each image's sorted class indices, and the ids, in the split file's order."""
    ids = (root / "ImageSets" / "Main" / f"{split}.txt").read_text().split()
    images = np.empty((len(ids), 224, 224, 3), dtype=np.uint8)
    labels = []
    for index, image_id in enumerate(ids):
        with Image.open(root / "JPEGImages" / f"{image_id}.jpg") as image:
            images[index] = np.asarray(image.convert("RGB"))
        names = {node.text for node in ElementTree.parse(root / "Annotations" / f"{image_id}.xml").iter("name")}
        labels.append(sorted(CLASS_NAMES.index(name) for name in names))
    return images, labels, ids


def to_input(images: np.ndarray) -> torch.Tensor:
    """uint8 [B, H, W, 3] to the normalised float input [B, 3, H, W] (ToTensor, then Normalize)."""
    tensor = torch.from_numpy(images).permute(0, 3, 1, 2).float().div_(255)
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return (tensor - mean) / std


def soft_targets(labels: list[list[int]]) -> torch.Tensor:
    targets = torch.zeros(len(labels), len(CLASS_NAMES))
    for row, classes in enumerate(labels):
        targets[row, classes] = 1 / len(classes)
    return targets


def augment(batch: torch.Tensor, generator: np.random.Generator) -> torch.Tensor:
    """Per image: a horizontal flip with probability 1/2, then a rotation by a random multiple of 90 degrees."""
    out = torch.empty_like(batch)
    for index in range(batch.shape[0]):
        image = batch[index]
        if generator.random() < 0.5:
            image = image.flip(-1)
        out[index] = torch.rot90(image, int(generator.integers(4)), dims=(-2, -1))
    return out


@torch.no_grad()
def accuracy(model: torch.nn.Module, images: np.ndarray, labels: list[list[int]], batch: int = 125) -> float:
    model.eval()
    correct = 0
    for start in range(0, len(images), batch):
        predicted = model(to_input(images[start:start + batch])).argmax(1).tolist()
        correct += sum(p in labels[start + i] for i, p in enumerate(predicted))
    return correct / len(images)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", help="the bench binary (default: .build/release/bench, built if missing)")
    parser.add_argument("--work", default=str(ROOT / ".cache" / "demo-training"), help="where the data sets go")
    parser.add_argument("--out", default=str(ROOT / "models" / "demo"), help="the model folder to write")
    parser.add_argument("--train-count", type=int, default=8000)
    parser.add_argument("--held-out-count", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--depth", type=int, default=8, help="transformer blocks")
    parser.add_argument("--embed-dim", type=int, default=96)
    parser.add_argument("--heads", type=int, default=3)
    args = parser.parse_args()
    architecture = {"img_size": 224, "patch_size": 16, "embed_dim": args.embed_dim, "depth": args.depth,
                    "num_heads": args.heads, "mlp_ratio": 4.0}

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    generator = np.random.default_rng(args.seed)
    bench = bench_binary(args.bench)
    work = Path(args.work)
    synthesize(bench, work / "train", args.train_count, seed=1, split_fraction=1)
    synthesize(bench, work / "held-out", args.held_out_count, seed=2, split_fraction=0)
    synthesize(bench, work / "demo", 250, seed=0, split_fraction=0.8)
    train_images, train_labels, _ = load_split(work / "train", "train")
    held_images, held_labels, _ = load_split(work / "held-out", "val")
    demo_images, demo_labels, demo_ids = load_split(work / "demo", "val")
    print(f"train {len(train_images)}, held-out {len(held_images)}, demo set {len(demo_images)} images", flush=True)

    model = VisionTransformer(num_classes=len(CLASS_NAMES), **architecture)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)
    steps_per_epoch = math.ceil(len(train_images) / args.batch)
    total_steps = steps_per_epoch * args.epochs
    warmup = steps_per_epoch

    def learning_rate(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total_steps - warmup)))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, learning_rate)
    targets = soft_targets(train_labels)
    started = time.time()
    history = []
    for epoch in range(args.epochs):
        model.train()
        order = generator.permutation(len(train_images))
        total_loss = 0.0
        for step in range(steps_per_epoch):
            rows = order[step * args.batch:(step + 1) * args.batch]
            inputs = augment(to_input(train_images[rows]), generator)
            logits = model(inputs)
            loss = torch.sum(-targets[rows] * torch.log_softmax(logits, dim=1), dim=1).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total_loss += loss.item() * len(rows)
        held_out = accuracy(model, held_images, held_labels)
        history.append({"epoch": epoch + 1, "loss": total_loss / len(train_images), "held_out_accuracy": held_out})
        print(f"epoch {epoch + 1}/{args.epochs}: loss {history[-1]['loss']:.4f}, held-out accuracy "
              f"{held_out:.4f}, {time.time() - started:.0f} s", flush=True)
    seconds = time.time() - started

    model.eval()
    held_out = accuracy(model, held_images, held_labels)
    demo = accuracy(model, demo_images, demo_labels)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    state = {key: value.detach().float().contiguous() for key, value in model.state_dict().items()}
    save_file(state, str(out / "model.safetensors"),
              metadata={"format": "pt", "timm_model": "VisionTransformer", "timm_version": timm.__version__})
    config = {
        "heads": architecture["num_heads"],
        "image_size": architecture["img_size"],
        "mean": MEAN,
        "std": STD,
        "interpolation": "bilinear",
        "classes": CLASS_NAMES,
        "architecture": architecture,
        "held_out_accuracy": held_out,
        "held_out_set": {"seed": 2, "count": args.held_out_count, "split": "val"},
        "demo_set_accuracy": demo,
        "demo_set": {"seed": 0, "count": 250, "split": "val", "images": len(demo_images)},
        "training": {
            "script": "tools/train_demo_model.py",
            "train_set": {"seed": 1, "count": args.train_count},
            "epochs": args.epochs, "batch": args.batch, "lr": args.lr, "weight_decay": 0.05,
            "schedule": "linear warm-up 1 epoch, cosine", "augmentation": "hflip, rot90",
            "loss": "soft cross-entropy over the image's classes", "seed": args.seed, "threads": args.threads,
            "seconds": round(seconds, 1), "torch": torch.__version__, "timm": timm.__version__,
            "history": history,
        },
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    with torch.no_grad():
        logits = model(to_input(demo_images[:4]))
    reference = {"ids": demo_ids[:4], "logits": logits.tolist()}
    (out / "reference_logits.json").write_text(json.dumps(reference, indent=1) + "\n")
    parameters = sum(value.numel() for value in state.values())
    print(f"wrote {out}: {parameters:,} parameters; held-out accuracy {held_out:.4f}, demo set {demo:.4f}, "
          f"{seconds / 60:.1f} min of training")
    return 0 if held_out >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
