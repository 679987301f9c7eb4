"""Times the PyTorch + timm side of the engine benchmarks, for ratios measured in the same session.

    python3 tools/bench_torch.py [--threads 2] [--repeats 10] [--model vit_base_patch16_224]
    python3 tools/bench_torch.py --perturbation [--threads 2] [--repeats 5]

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
"""

import argparse
import os
import resource
import statistics
import tempfile
import time

import torch
import timm
from safetensors.torch import load_file, save_file


def median_ms(function, repeats, clock=time.perf_counter):
    for _ in range(2):
        function()
    samples = []
    for _ in range(repeats):
        start = clock()
        function()
        samples.append((clock() - start) * 1000)
    return statistics.median(samples)


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
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--model", default="vit_base_patch16_224")
    parser.add_argument("--perturbation", action="store_true", help="time the batch-1 perturbation loops")
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    torch.manual_seed(0)
    if arguments.perturbation:
        model = timm.create_model(arguments.model, pretrained=False).eval()
        perturbation(model, arguments.repeats)
        return

    model = timm.create_model(arguments.model, pretrained=False).eval()
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    for block in model.blocks:
        block.attn.fused_attn = False  # the explicit softmax path, so the attention map exists

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.safetensors")
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, path)

        target = timm.create_model(arguments.model, pretrained=False)

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
