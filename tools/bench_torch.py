"""Times the PyTorch + timm side of the engine benchmarks, for ratios measured in the same session.

    python3 tools/bench_torch.py [--threads 2] [--repeats 10] [--model vit_base_patch16_224]
    python3 tools/bench_torch.py --perturbation [--threads 2] [--repeats 5]
    python3 tools/bench_torch.py --methods [--model demo | --weights FILE.safetensors] [--threads 2] [--repeats 3]

The model: timm's `--model` (default vit_base_patch16_224) with random weights (seed 0), or `--weights FILE` loaded
with `strict=True`: into `--model` when given, else into the timm model named by the file's `timm_model` metadata
(what tools/export_timm.py writes), else into a `VisionTransformer` built from the `architecture` of a
`config.json` beside the file (the demo model's) or inferred from the tensor shapes (`--heads`, default width / 64).
`--model demo` is models/demo (model.safetensors and config.json: embedding 96, 8 blocks, 3 heads, 10 classes). The
classifier size is the checkpoint's, else `--num-classes` (default 1000, and 10 with `--methods`).

Measures, for timm's model with random weights (weights frozen, eval mode, fp32, 224x224):
- load: `safetensors.torch.load_file` of the model's state dict, copied into a built model (`load_state_dict`);
- forward at batch 1 and batch 8;
- forward + backward of one logit to the input pixels and to every block's attention probabilities (the
  attention is captured with a forward hook on `attn_drop`, timm's non-fused path, and `retain_grad`);
- peak RSS of the process (includes the torch + timm import, about 720 MiB here).
Prints the median of `--repeats` calls after 2 warm-ups, in milliseconds, one line per figure.

`--perturbation` times instead the reference perturbation loops at batch 1 (as the reference scripts run them),
for `benchmarks/Benchmarks/PerturbationBenchmarks`:
- Chefer positive (`pertubation_eval_from_hdf5.py`): for each of the 9 steps, `topk` of the map, scatter 0 into
  the [0, 1] image, normalise, forward one image (the unperturbed forward is not part of the loop);
- AG-CAM ABPC (`ABPC.py`): MoRF and LeRF, 11 steps each: `topk`, a 0/1 mask times the normalised image, forward;
- the bare 9 batch-1 forwards, for reference.

`--methods` times the methods of issue 17 per image (one 224x224 image, the same synthetic input as
EngineBenchmarks, `(i % 251) / 125 - 1`, target = the top-1 class), each at every batch size of `--batch-sizes`
(clamped to the method's pass count), and prints per case the best batch size and the median ms per image (wall,
and the process CPU time of the same calls) after `--warmups` untimed calls; every batch size's figures go to
stderr as they come. Weights frozen (`requires_grad_(False)`: no parameter gradients), eval mode, fp32, timm's
default attention (fused SDPA) unless `--explicit-attention`. The defaults are the Swift methods' defaults
(Sources/Explainers):
- `integrated-gradients`: Captum `IntegratedGradients(f).attribute(x, baselines=b, target=c, n_steps=--steps (50),
  method=--rule (gausslegendre; our rule names are Captum's method names), internal_batch_size=B)`, `b` = 0
  (`--baseline zero`) or `(0 - mean) / std` per channel (`black`), then the signed channel sum;
- `smoothgrad`: Captum `NoiseTunnel(Saliency(f)).attribute(x, nt_type="smoothgrad", nt_samples=--samples (25),
  nt_samples_batch_size=B, stdevs=--sigma (0.15) * (x.max() - x.min()), target=c, abs=True)`, then the channel
  max (ours: sigma is a fraction of the normalised input's range; Captum's stdevs is absolute);
  `--average square` is nt_type="smoothgrad_sq", abs=False; `raw` is abs=False;
- `tam` (plain PyTorch, no Captum equivalent): the attention integral that TAM, BT-H and BT-C share, the gradient
  of the target at the last block's post-softmax attention (a forward hook on its `attn_drop` returns the attention
  detached with `requires_grad`, so only the last block is differentiated) for `alpha * x`, `alpha` in
  `numpy.linspace(0, 1, --tam-steps)` (20), in batches of B, summed and divided by the steps (`tam_integral`);
  and the whole TAM map (`tam`: one forward keeping the attention of blocks `--tam-start` (4) to the last, the
  Markov chain, the integral, clamp, head mean, CLS row, times the states);
- `forward_backward_b1`: one batch-1 forward + backward of the target to the input pixels, for reference.
`f` is the model (`--grad logit`, the default) or its softmax (`probability`).
"""

import argparse
import json
import os
import resource
import statistics
import tempfile
import sys
import time
from pathlib import Path

import numpy
import torch
import timm
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from timm.models.vision_transformer import VisionTransformer

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "models" / "demo"


def median_ms(function, repeats, clock=time.perf_counter):
    for _ in range(2):
        function()
    samples = []
    for _ in range(repeats):
        start = clock()
        function()
        samples.append((clock() - start) * 1000)
    return statistics.median(samples)


def inferred_architecture(state, heads):
    """A `VisionTransformer`'s arguments from a timm state dict's shapes (class token, no distillation)."""
    embed = state["cls_token"].shape[-1]
    patch = state["patch_embed.proj.weight"].shape[-1]
    grid = round((state["pos_embed"].shape[1] - 1) ** 0.5)
    depth = 1 + max(int(key.split(".")[1]) for key in state if key.startswith("blocks."))
    return {"img_size": grid * patch, "patch_size": patch, "embed_dim": embed, "depth": depth,
            "num_heads": heads or embed // 64, "mlp_ratio": state["blocks.0.mlp.fc1.weight"].shape[0] / embed}


def build_model(arguments, default_classes):
    """(model, create, mean, std, label): the model with its weights (see the module docstring), a function
    building the same architecture afresh, and the normalisation (for integrated gradients' black baseline)."""
    weights = arguments.weights
    if arguments.model == "demo" and weights is None:
        weights = str(DEMO / "model.safetensors")
    state = load_file(weights) if weights else None
    if state is not None and "head.weight" in state:
        classes = int(state["head.weight"].shape[0])
    else:
        classes = arguments.num_classes or default_classes
    name = arguments.model if arguments.model != "demo" else None
    if name is None and weights:
        with safe_open(weights, framework="pt") as file:
            tagged = (file.metadata() or {}).get("timm_model")
        if tagged and timm.is_model(tagged):
            name = tagged
    if name is None and weights is None:
        name = "vit_base_patch16_224"
    if name is not None:
        def create():
            return timm.create_model(name, pretrained=False, num_classes=classes)
        mean = std = None
        label = name
    else:
        config_path = Path(weights).parent / "config.json"
        config = json.loads(config_path.read_text()) if config_path.exists() else {}
        architecture = config.get("architecture") or inferred_architecture(state, arguments.heads)

        def create():
            return VisionTransformer(num_classes=classes, **architecture)
        mean, std = config.get("mean"), config.get("std")
        label = "VisionTransformer(" + ", ".join(f"{k}={v}" for k, v in architecture.items()) + ")"
    model = create()
    if state is not None:
        model.load_state_dict(state, strict=True)
    if mean is None or std is None:
        pretrained = getattr(model, "pretrained_cfg", None) or {}
        mean, std = pretrained.get("mean", (0.5,) * 3), pretrained.get("std", (0.5,) * 3)
    label += f", {classes} classes, " + (f"weights {weights}" if weights else "random weights")
    return model.eval(), create, [float(v) for v in mean], [float(v) for v in std], label


def timed(function, repeats, warmups):
    """Median wall and process CPU milliseconds of `repeats` calls after `warmups` untimed ones."""
    for _ in range(warmups):
        function()
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def best_batch(name, function, batches, passes, arguments):
    """Times `function(batch)` for every batch size (clamped to `passes`) and prints the fastest."""
    results = {}
    for batch in sorted({min(max(b, 1), passes) for b in batches}):
        results[batch] = timed(lambda: function(batch), arguments.repeats, arguments.warmups)
        wall, cpu = results[batch]
        print(f"  {name} batch {batch}: {wall:.1f} ms (cpu {cpu:.1f} ms)", file=sys.stderr, flush=True)
    best = min(results, key=lambda batch: results[batch][0])
    others = ", ".join(f"{batch}: {results[batch][0]:.1f}" for batch in results)
    print(f"{name} best_batch {best} ms_per_image {results[best][0]:.1f} cpu_ms {results[best][1]:.1f} "
          f"(wall ms by batch: {others})", flush=True)
    return best, results[best]


def methods(model, mean, std, arguments):
    """The per-image method timings of issue 17 (see the module docstring)."""
    from captum.attr import IntegratedGradients, NoiseTunnel, Saliency

    for parameter in model.parameters():
        parameter.requires_grad_(False)
    if arguments.explicit_attention:
        for block in model.blocks:
            block.attn.fused_attn = False
    size = model.patch_embed.img_size[0]
    x = ((torch.arange(3 * size * size, dtype=torch.float32) % 251) / 125 - 1).reshape(1, 3, size, size)
    with torch.no_grad():
        target = int(model(x)[0].argmax())

    def scalar(logits):
        """Per image, the differentiated value: the logit or the probability of the target."""
        values = logits if arguments.grad == "logit" else logits.softmax(dim=-1)
        return values[:, target]

    forward = model if arguments.grad == "logit" else (lambda inputs: model(inputs).softmax(dim=-1))
    batches = [int(b) for b in arguments.batch_sizes.split(",")]
    cases = set(arguments.cases.split(","))
    print(f"# target class {target}, input range [{float(x.min()):.3f}, {float(x.max()):.3f}], "
          f"grad={arguments.grad}", flush=True)

    if "ig" in cases:
        integrated = IntegratedGradients(forward)
        if arguments.baseline == "zero":
            baselines = torch.zeros_like(x)
        else:
            black = torch.tensor([(0 - m) / s for m, s in zip(mean, std)], dtype=torch.float32)
            baselines = black.reshape(1, 3, 1, 1).expand_as(x).contiguous()

        def ig(batch):
            attribution = integrated.attribute(x, baselines=baselines, target=target, n_steps=arguments.steps,
                                               method=arguments.rule, internal_batch_size=batch)
            return attribution.sum(dim=1)  # reduce=signed

        best_batch(f"integrated_gradients_{arguments.rule}_{arguments.steps}_{arguments.baseline}", ig, batches,
                   arguments.steps, arguments)

    if "smoothgrad" in cases:
        tunnel = NoiseTunnel(Saliency(forward))
        stdev = float(arguments.sigma * (x.max() - x.min()))
        nt_type = "smoothgrad_sq" if arguments.average == "square" else "smoothgrad"

        def smoothgrad(batch):
            attribution = tunnel.attribute(x, nt_type=nt_type, nt_samples=arguments.samples,
                                           nt_samples_batch_size=batch, stdevs=stdev, target=target,
                                           abs=arguments.average == "abs")
            return attribution.amax(dim=1)  # reduce=max

        best_batch(f"smoothgrad_{arguments.samples}_sigma{arguments.sigma}_{arguments.average}", smoothgrad,
                   batches, arguments.samples, arguments)

    if "tam" in cases:
        kept = {}

        def keep(index):
            def hook(module, inputs, output):
                if kept.get("differentiate") and index == len(model.blocks) - 1:
                    output = output.detach().requires_grad_(True)
                kept[index] = output
                return output
            return hook

        handles = [block.attn.attn_drop.register_forward_hook(keep(index))
                   for index, block in enumerate(model.blocks)]
        depth = len(model.blocks)
        start = arguments.tam_start
        fused = [block.attn.fused_attn for block in model.blocks]
        alphas = numpy.linspace(0, 1, arguments.tam_steps)

        def set_explicit(blocks):
            for index, block in enumerate(model.blocks):
                block.attn.fused_attn = fused[index] and index not in blocks

        def integral(batch):
            # The explicit softmax only in the last block, whose attention is differentiated.
            set_explicit({depth - 1})
            kept.clear()
            kept["differentiate"] = True
            total = None
            for first in range(0, len(alphas), batch):
                scales = torch.tensor(alphas[first:first + batch], dtype=torch.float32).reshape(-1, 1, 1, 1)
                logits = model(x * scales)
                gradient, = torch.autograd.grad(scalar(logits).sum(), kept[depth - 1])
                total = gradient.sum(dim=0) if total is None else total + gradient.sum(dim=0)
            return total / len(alphas)  # [H, N, N]

        def tam(batch):
            set_explicit(set(range(start, depth)))
            kept.clear()
            with torch.no_grad():
                model(x)
            states = kept[depth - 1][0].mean(dim=0)[0:1]  # CLS row of the head-mean last attention, [1, N]
            for index in reversed(range(start, depth - 1)):
                states = states @ kept[index][0].mean(dim=0) + states
            weights = integral(batch).clamp(min=0).mean(dim=0)[0]
            grid = model.patch_embed.grid_size
            return (states[0] * weights)[model.num_prefix_tokens:].reshape(grid)

        best_batch(f"tam_integral_{arguments.tam_steps}", integral, batches, arguments.tam_steps, arguments)
        best_batch(f"tam_start{start}_{arguments.tam_steps}", tam, batches, arguments.tam_steps, arguments)
        for handle in handles:
            handle.remove()
        for block, value in zip(model.blocks, fused):
            block.attn.fused_attn = value

    if "fb" in cases:
        def forward_backward():
            inputs = x.clone().requires_grad_(True)
            gradient, = torch.autograd.grad(scalar(model(inputs)).sum(), inputs)
            return gradient

        wall, cpu = timed(forward_backward, arguments.repeats, arguments.warmups)
        print(f"forward_backward_b1 best_batch 1 ms_per_image {wall:.1f} cpu_ms {cpu:.1f}", flush=True)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak_rss_mib {peak:.0f}")
    print(f"threads {torch.get_num_threads()} torch {torch.__version__} timm {timm.__version__}", flush=True)


def perturbation(model, repeats):
    """The reference scripts' batch-1 perturbation loops (see the module docstring)."""
    size = 224 * 224
    image01 = (torch.arange(3 * size, dtype=torch.float32) % 251 / 250).reshape(1, 3, 224, 224)
    rows = torch.arange(size) // 224 // 16
    columns = torch.arange(size) % 224 // 16
    vis = ((rows * 14 + columns).float() / 195).reshape(1, size)

    def normalize(x):
        return (x - 0.5) / 0.5

    def chefer():
        with torch.no_grad():
            for step in [i / 10 for i in range(1, 10)]:
                data = image01.clone().reshape(1, 3, size)
                _, index = torch.topk(vis, int(size * step), dim=-1)
                data.scatter_(-1, index.unsqueeze(1).repeat(1, 3, 1), 0)
                model(normalize(data.reshape(1, 3, 224, 224)))

    def agcam():
        normalized = normalize(image01)
        with torch.no_grad():
            for sign in (1, -1):
                for step in [i / 10 for i in range(0, 11)]:
                    mask = torch.ones(1, size)
                    _, index = torch.topk(sign * vis, int(size * step), dim=-1)
                    mask[0, index[0]] = 0
                    model(normalized * mask.reshape(1, 1, 224, 224)).softmax(dim=-1)

    def forwards():
        with torch.no_grad():
            for _ in range(9):
                model(normalize(image01))

    # Wall clock, and process CPU time (less disturbed by other processes on a shared machine).
    for name, function in [("perturbation_chefer_9_b1", chefer), ("perturbation_agcam_2x11_b1", agcam),
                           ("forward_9x_b1", forwards)]:
        wall = median_ms(function, repeats)
        cpu = median_ms(function, repeats, clock=time.process_time)
        print(f"{name}_ms {wall:.1f} cpu_ms {cpu:.1f}")
    print(f"threads {torch.get_num_threads()} torch {torch.__version__} timm {timm.__version__}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, help="timed calls (default 10; 3 with --methods)")
    parser.add_argument("--model", help="timm model name, or demo (default vit_base_patch16_224)")
    parser.add_argument("--weights", help="a .safetensors state dict with timm's names (default: random weights)")
    parser.add_argument("--num-classes", type=int, help="classifier size without --weights (default 1000; 10 "
                        "with --methods)")
    parser.add_argument("--heads", type=int, help="heads when inferred from --weights' shapes (default width / 64)")
    parser.add_argument("--perturbation", action="store_true", help="time the batch-1 perturbation loops")
    parser.add_argument("--methods", action="store_true", help="time IG, SmoothGrad and TAM per image")
    group = parser.add_argument_group("--methods")
    group.add_argument("--cases", default="ig,smoothgrad,tam,fb", help="of ig, smoothgrad, tam, fb")
    group.add_argument("--batch-sizes", default="1,5,10,25,50", help="comma-separated images per pass")
    group.add_argument("--warmups", type=int, default=1, help="untimed calls before the timed ones")
    group.add_argument("--grad", choices=["logit", "probability"], default="logit")
    group.add_argument("--steps", type=int, default=50, help="integrated gradients: n_steps")
    group.add_argument("--rule", default="gausslegendre", help="integrated gradients: Captum's method",
                       choices=["gausslegendre", "riemann_left", "riemann_right", "riemann_middle",
                                "riemann_trapezoid"])
    group.add_argument("--baseline", choices=["zero", "black"], default="zero", help="integrated gradients")
    group.add_argument("--samples", type=int, default=25, help="smoothgrad: nt_samples")
    group.add_argument("--sigma", type=float, default=0.15, help="smoothgrad: noise / (max x - min x)")
    group.add_argument("--average", choices=["abs", "square", "raw"], default="abs", help="smoothgrad")
    group.add_argument("--tam-steps", type=int, default=20, help="the attention integral's steps")
    group.add_argument("--tam-start", type=int, default=4, help="TAM's 0-based start block")
    group.add_argument("--explicit-attention", action="store_true",
                       help="timm's explicit softmax attention everywhere instead of fused SDPA")
    arguments = parser.parse_args()
    if arguments.repeats is None:
        arguments.repeats = 3 if arguments.methods else 10
    torch.set_num_threads(arguments.threads)
    torch.manual_seed(0)
    model, create, mean, std, label = build_model(arguments, 10 if arguments.methods else 1000)
    if arguments.methods:
        print(f"# {label}", flush=True)
        methods(model, mean, std, arguments)
        return
    if arguments.perturbation:
        perturbation(model, arguments.repeats)
        return

    for parameter in model.parameters():
        parameter.requires_grad_(False)
    for block in model.blocks:
        block.attn.fused_attn = False  # the explicit softmax path, so the attention map exists

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.safetensors")
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, path)

        target = create()

        def load():
            # Reading the file into tensors and copying them into an already built model: building the model
            # (random init) is not part of loading a checkpoint.
            target.load_state_dict(load_file(path))

        print(f"load_ms {median_ms(load, arguments.repeats):.1f}")

    attentions = []

    def keep_attention(module, inputs, output):
        if output.requires_grad:
            output.retain_grad()
            attentions.append(output)

    for block in model.blocks:
        block.attn.attn_drop.register_forward_hook(keep_attention)

    single = torch.randn(1, 3, 224, 224)
    batch = torch.randn(8, 3, 224, 224)

    def forward(x):
        with torch.no_grad():
            attentions.clear()
            return model(x)

    def forward_backward():
        attentions.clear()
        x = single.clone().requires_grad_(True)
        logits = model(x)
        logits[0, int(logits[0].argmax())].backward()
        return x.grad, [a.grad for a in attentions]

    print(f"forward_b1_ms {median_ms(lambda: forward(single), arguments.repeats):.1f}")
    print(f"forward_b8_ms {median_ms(lambda: forward(batch), max(3, arguments.repeats // 2)):.1f}")
    print(f"forward_backward_b1_ms {median_ms(forward_backward, arguments.repeats):.1f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak_rss_mib {peak:.0f}")
    print(f"threads {torch.get_num_threads()} torch {torch.__version__} timm {timm.__version__}")


if __name__ == "__main__":
    main()
