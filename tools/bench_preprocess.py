"""Times the reference preprocessing (Pillow decode + torchvision transforms) on the image the Swift
benchmark `benchmarks/Benchmarks/ImagingBenchmarks` uses, so the two can be compared as a ratio.

    python3 tools/bench_preprocess.py            # prints median milliseconds per image

The 500x375 test image is rebuilt with the same integer formula and encoded with Pillow at quality 90.
"""

import io
import statistics
import time

import numpy as np
from PIL import Image
import torch
from torchvision import transforms


def voc_sized_image() -> Image.Image:
    width, height = 500, 375
    pixels = np.zeros((height, width, 3), dtype=np.uint8)
    state = 12345
    for y in range(height):
        for x in range(width):
            state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
            noise = state >> 28
            pixels[y, x, 0] = (x * 255 // width + noise) & 0xFF
            pixels[y, x, 1] = (y * 255 // height + ((x // 9) % 2) * 40) & 0xFF
            pixels[y, x, 2] = ((x + y) // 3 + noise * 3) & 0xFF
    return Image.fromarray(pixels, "RGB")


def median_ms(function, repeats: int = 200) -> float:
    for _ in range(5):
        function()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    torch.set_num_threads(1)
    buffer = io.BytesIO()
    voc_sized_image().save(buffer, format="JPEG", quality=90)
    jpeg = buffer.getvalue()
    normalize = transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))
    timm_eval = transforms.Compose([
        transforms.Resize(248, interpolation=transforms.InterpolationMode.BICUBIC),
        transforms.CenterCrop(224), transforms.ToTensor(), normalize])
    squash = transforms.Compose([
        transforms.Resize((224, 224), interpolation=transforms.InterpolationMode.BILINEAR),
        transforms.ToTensor(), normalize])

    def decode():
        return Image.open(io.BytesIO(jpeg)).convert("RGB")

    print(f"decode only:                         {median_ms(decode):.2f} ms")
    print(f"decode + timm eval (248 bicubic+crop): {median_ms(lambda: timm_eval(decode())):.2f} ms")
    print(f"decode + squash 224 bilinear:          {median_ms(lambda: squash(decode())):.2f} ms")


if __name__ == "__main__":
    main()
