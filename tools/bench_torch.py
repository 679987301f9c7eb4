"""Times the PyTorch + timm side of the engine benchmarks, for ratios measured in the same session.

    python3 tools/bench_torch.py [--threads 2] [--repeats 10] [--model vit_base_patch16_224]

Measures, for timm's model with random weights (weights frozen, eval mode, fp32, 224x224):
- load: `safetensors.torch.load_file` of the model's state dict, copied into a built model (`load_state_dict`);
- forward at batch 1 and batch 8;
- forward + backward of one logit to the input pixels and to every block's attention probabilities (the
  attention is captured with a forward hook on `attn_drop`, timm's non-fused path, and `retain_grad`);
- peak RSS of the process (includes the torch + timm import, about 720 MiB here).
Prints the median of `--repeats` calls after 2 warm-ups, in milliseconds, one line per figure.
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


def median_ms(function, repeats):
    for _ in range(2):
        function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--model", default="vit_base_patch16_224")
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    torch.manual_seed(0)

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
