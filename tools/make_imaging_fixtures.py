#!/usr/bin/env python3
"""Writes the golden fixtures for Tests/ImagingTests (decode, resize, crop and interpolate parity).

Everything here is deterministic (fixed seeds), so running it again rewrites identical inputs; the goldens
come from the reference tools themselves:

* decode/      PNG and JPEG files in many variants, and Pillow's ``Image.open(f).convert("RGB")`` of each
               as a uint8 ``.npy`` of shape [height, width, 3]. PNG variants Pillow cannot write (2-bit
               gray, 16-bit colour, interlaced, ...) are written by hand with numpy + zlib; Pillow is always
               the one decoding.
* resize/      inputs (PNG) and Pillow's ``Image.resize(size, filter)`` outputs (PNG), the torchvision
               ``Resize(248, BICUBIC) + CenterCrop(224)`` eval pipeline, and torchvision ``center_crop``s.
* interpolate/ ``torch.nn.functional.interpolate`` goldens on float32 planes: bilinear
               (align_corners=False, antialias=False) as ``.npy`` float32, and legacy ``nearest`` as the
               source row / column index chosen for every output row / column (nearest is a pure gather,
               so the indices say everything and take a few bytes).

Requirements: numpy, Pillow, torch, torchvision (tools/requirements.txt). Run from the repository root:

    python3 tools/make_imaging_fixtures.py
"""

from __future__ import annotations

import io
import json
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import PIL
from PIL import Image, features

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "ImagingTests" / "Fixtures"


# MARK: - helpers


def save_npy(path: Path, array: np.ndarray) -> None:
    """Writes a C-order .npy (format 1.0) that the Swift test reader understands."""
    np.save(path, np.ascontiguousarray(array), allow_pickle=False)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pack_row(samples: np.ndarray, bit_depth: int) -> bytes:
    """One scanline's samples (1-D, already interleaved) packed at `bit_depth`, big-endian as PNG wants."""
    if bit_depth == 16:
        return samples.astype(">u2").tobytes()
    if bit_depth == 8:
        return samples.astype(np.uint8).tobytes()
    per_byte = 8 // bit_depth
    padded = np.zeros(-(-len(samples) // per_byte) * per_byte, dtype=np.uint8)
    padded[: len(samples)] = samples
    padded = padded.reshape(-1, per_byte)
    packed = np.zeros(len(padded), dtype=np.uint8)
    for slot in range(per_byte):
        packed |= padded[:, slot] << (8 - bit_depth * (slot + 1))
    return packed.tobytes()


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(
    samples: np.ndarray,
    bit_depth: int,
    color_type: int,
    palette: np.ndarray | None = None,
    trns: bytes | None = None,
    interlace: bool = False,
    extra_chunks: list[tuple[bytes, bytes]] = (),
) -> bytes:
    """A PNG written by hand: samples [h, w, channels] (values already at bit_depth), filter 0 on every row."""
    height, width = samples.shape[:2]
    flat = samples.reshape(height, width, -1)
    raw = bytearray()
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            sub = flat[y0::dy, x0::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            for row in sub:
                raw += b"\x00" + pack_row(row.reshape(-1), bit_depth)
    else:
        for row in flat:
            raw += b"\x00" + pack_row(row.reshape(-1), bit_depth)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlace else 0)
    out = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
    for kind, data in extra_chunks:
        out += png_chunk(kind, data)
    if palette is not None:
        out += png_chunk(b"PLTE", palette.astype(np.uint8).tobytes())
    if trns is not None:
        out += png_chunk(b"tRNS", trns)
    out += png_chunk(b"IDAT", zlib.compress(bytes(raw), 9))
    out += png_chunk(b"IEND", b"")
    return out


def natural_rgb(width: int, height: int, seed: int, noise: float = 3.0) -> np.ndarray:
    """A photo-like test image: smooth gradients, sharp-edged shapes and a little noise, uint8 [h, w, 3]."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    u, v = x / max(width - 1, 1), y / max(height - 1, 1)
    red = 40 + 170 * u + 25 * np.sin(7.0 * v + 2.0 * u)
    green = 30 + 150 * v + 40 * np.cos(5.0 * u * v + 1.0)
    blue = 128 + 100 * np.sin(3.0 * u - 4.0 * v)
    image = np.stack([red, green, blue], axis=-1)
    # A bright disc and a dark bar give hard edges, where bicubic overshoots and clipping matters.
    disc = (x - 0.62 * width) ** 2 + (y - 0.40 * height) ** 2 < (0.18 * min(width, height)) ** 2
    image[disc] = [250, 245, 10]
    bar = (np.abs(x - 0.25 * width) < 0.04 * width + 1) & (y > 0.2 * height) & (y < 0.85 * height)
    image[bar] = [5, 10, 20]
    image += rng.normal(0.0, noise, image.shape)
    return np.clip(np.round(image), 0, 255).astype(np.uint8)


def synthetic_rgb(width: int, height: int) -> np.ndarray:
    """A photo-like image from integer arithmetic only, so the Swift tests rebuild it bit for bit
    (``SyntheticImage`` in Tests/ImagingTests) and the 500x375 input need not be stored. uint8 [h, w, 3].

    Per pixel: gradients and a product term, a disc and a bar with hard edges, and hash noise in -3...3
    from ``h = (x * 73856093) ^ (y * 19349663) ^ (c * 83492791)`` (32-bit wrapping), ``(h >> 13) % 7 - 3``.
    """
    y, x = np.mgrid[0:height, 0:width].astype(np.int64)
    base = [
        40 + x * 170 // (width - 1) + (x * y * 60) // (width * height),
        30 + y * 150 // (height - 1) + ((x - width // 2) ** 2 * 50) // (width * width // 4 + 1),
        230 - (x * 90 // (width - 1)) - (y * 100 // (height - 1)),
    ]
    image = np.stack(base, axis=-1)
    disc = (x * 100 - 62 * width) ** 2 + (y * 100 - 40 * height) ** 2 < (18 * min(width, height)) ** 2
    image[disc] = [250, 245, 10]
    bar = (np.abs(x * 100 - 25 * width) < 4 * width + 100) & (y * 100 > 20 * height) & (y * 100 < 85 * height)
    image[bar] = [5, 10, 20]
    channel = np.arange(3, dtype=np.int64)[None, None, :]
    mask = 0xFFFFFFFF
    hashed = ((x[..., None] * 73856093) & mask) ^ ((y[..., None] * 19349663) & mask) ^ ((channel * 83492791) & mask)
    image = image + ((hashed >> 13) % 7 - 3)
    return np.clip(image, 0, 255).astype(np.uint8)


def fnv1a(data: bytes) -> int:
    """32-bit FNV-1a, to check that the Swift side rebuilt the same synthetic input."""
    value = 0x811C9DC5
    for byte in data:
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def pil_rgb(data: bytes) -> tuple[np.ndarray, str]:
    image = Image.open(io.BytesIO(data))
    mode = image.mode
    return np.asarray(image.convert("RGB")), mode


# MARK: - decode fixtures


def make_decode(folder: Path) -> list[dict]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20240601)
    width, height = 23, 17
    cases: list[dict] = []

    def add_png(name: str, data: bytes, note: str) -> None:
        (folder / f"{name}.png").write_bytes(data)
        expected, mode = pil_rgb(data)
        save_npy(folder / f"{name}.npy", expected)
        cases.append(
            {"name": name, "file": f"{name}.png", "expected": f"{name}.npy", "tolerance": 0, "pilMode": mode,
             "note": note}
        )

    def gray(bits: int) -> np.ndarray:
        return rng.integers(0, 1 << bits, size=(height, width, 1), dtype=np.int64)

    for bits in (1, 2, 4, 8, 16):
        samples = gray(bits)
        if bits == 16:
            # Pillow opens 16-bit gray as "I;16" and clips on conversion: mix small values and large ones.
            samples[::2] = rng.integers(0, 300, size=samples[::2].shape)
        add_png(f"gray{bits}", write_png(samples, bits, 0), f"{bits}-bit gray")
    add_png("gray8_trns", write_png(gray(8), 8, 0, trns=struct.pack(">H", 7)), "8-bit gray with tRNS")
    for bits in (8, 16):
        add_png(
            f"gray_alpha{bits}",
            write_png(rng.integers(0, 1 << bits, size=(height, width, 2)), bits, 4),
            f"{bits}-bit gray + alpha",
        )
        add_png(f"rgb{bits}", write_png(rng.integers(0, 1 << bits, size=(height, width, 3)), bits, 2),
                f"{bits}-bit RGB")
        add_png(f"rgba{bits}", write_png(rng.integers(0, 1 << bits, size=(height, width, 4)), bits, 6),
                f"{bits}-bit RGBA")
    add_png(
        "rgb8_trns_gama",
        write_png(rng.integers(0, 256, size=(height, width, 3)), 8, 2, trns=struct.pack(">HHH", 1, 2, 3),
                  extra_chunks=[(b"gAMA", struct.pack(">I", 45455))]),
        "8-bit RGB with tRNS and gAMA (both ignored by convert('RGB'))",
    )
    for bits in (1, 2, 4, 8):
        entries = {1: 2, 2: 3, 4: 11, 8: 200}[bits]  # fewer entries than 2**bits on purpose
        palette = rng.integers(0, 256, size=(entries, 3))
        indices = rng.integers(0, entries, size=(height, width, 1))
        add_png(f"palette{bits}", write_png(indices, bits, 3, palette=palette), f"{bits}-bit palette")
    palette = rng.integers(0, 256, size=(16, 3))
    add_png(
        "palette8_trns",
        write_png(rng.integers(0, 16, size=(height, width, 1)), 8, 3, palette=palette,
                  trns=bytes(range(0, 160, 10))),
        "8-bit palette with tRNS",
    )
    add_png("rgb8_interlaced", write_png(natural_rgb(width, height, 5), 8, 2, interlace=True),
            "8-bit RGB, Adam7 interlaced")
    add_png("gray2_interlaced", write_png(gray(2), 2, 0, interlace=True), "2-bit gray, Adam7 interlaced")
    buffer = io.BytesIO()
    Image.fromarray(natural_rgb(width, height, 6)).save(buffer, "PNG", optimize=True)
    add_png("rgb8_pillow", buffer.getvalue(), "8-bit RGB written by Pillow (filtered rows)")

    # JPEGs: written by Pillow (libjpeg-turbo), odd sizes so partial MCUs and chroma edges are exercised.
    jw, jh = 45, 31
    photo = Image.fromarray(natural_rgb(jw, jh, 7, noise=6.0))

    def add_jpeg(name: str, data: bytes, note: str) -> None:
        (folder / f"{name}.jpg").write_bytes(data)
        expected, mode = pil_rgb(data)
        save_npy(folder / f"{name}.npy", expected)
        cases.append(
            {"name": name, "file": f"{name}.jpg", "expected": f"{name}.npy", "tolerance": 1, "pilMode": mode,
             "note": note}
        )

    def jpeg(image: Image.Image, **options) -> bytes:
        out = io.BytesIO()
        image.save(out, "JPEG", **options)
        return out.getvalue()

    add_jpeg("ycc420", jpeg(photo, quality=90, subsampling=2), "YCbCr 4:2:0 baseline")
    add_jpeg("ycc422", jpeg(photo, quality=90, subsampling=1), "YCbCr 4:2:2 baseline")
    add_jpeg("ycc444", jpeg(photo, quality=90, subsampling=0), "YCbCr 4:4:4 baseline")
    add_jpeg("progressive", jpeg(photo, quality=85, progressive=True), "progressive 4:2:0")
    add_jpeg("optimized", jpeg(photo, quality=75, optimize=True), "optimised Huffman tables")
    add_jpeg("gray", jpeg(photo.convert("L"), quality=90), "grayscale")
    add_jpeg("cmyk", jpeg(photo.convert("CMYK"), quality=90), "CMYK as Pillow writes it (Adobe, inverted)")
    truncated = jpeg(photo, quality=90)
    (folder / "truncated.jpg").write_bytes(truncated[: len(truncated) * 3 // 5])
    try:
        pil_rgb(truncated[: len(truncated) * 3 // 5])
        raise SystemExit("Pillow decoded the truncated JPEG; the fixture no longer tests what it says")
    except OSError:
        pass
    cases.append({"name": "truncated", "file": "truncated.jpg", "expected": None, "tolerance": 0,
                  "pilMode": "RGB", "note": "first 60% of a baseline JPEG; Pillow raises OSError"})
    return cases


# MARK: - resize fixtures


def make_resize(folder: Path) -> dict:
    import torchvision.transforms as T
    import torchvision.transforms.functional as TF

    folder.mkdir(parents=True, exist_ok=True)
    inputs = {
        "natural": Image.fromarray(synthetic_rgb(500, 375)),
        "odd": Image.fromarray(np.random.default_rng(12).integers(0, 256, size=(23, 37, 3), dtype=np.uint8)),
        "small": Image.fromarray(natural_rgb(60, 45, 13, noise=4.0)),
        "edges": Image.fromarray(
            (((np.indices((40, 40)).sum(axis=0) // 5) % 2) * 255).astype(np.uint8)[..., None].repeat(3, -1)
        ),
        "gray": Image.fromarray(natural_rgb(123, 77, 14)).convert("L"),
    }
    for name, image in inputs.items():
        if name != "natural":  # rebuilt by the tests from synthetic_rgb's formula
            image.save(folder / f"{name}.png", optimize=True)

    filters = {"nearest": Image.Resampling.NEAREST, "bilinear": Image.Resampling.BILINEAR,
               "bicubic": Image.Resampling.BICUBIC}
    plan = [
        ("natural", (224, 224), ["bilinear", "bicubic"]),
        ("odd", (17, 41), ["bilinear", "bicubic", "nearest"]),
        ("odd", (37, 11), ["bilinear", "bicubic"]),  # width unchanged: Pillow skips the horizontal pass
        ("odd", (15, 23), ["bilinear", "bicubic"]),  # height unchanged: Pillow skips the vertical pass
        ("odd", (80, 50), ["bilinear", "bicubic", "nearest"]),
        ("odd", (16, 11), ["nearest"]),
        ("small", (224, 224), ["bilinear", "bicubic"]),
        ("edges", (97, 61), ["bicubic", "bilinear", "nearest"]),
        ("edges", (13, 9), ["bicubic"]),
        ("gray", (50, 30), ["bilinear", "bicubic"]),
        ("gray", (300, 200), ["bicubic"]),
    ]
    resizes = []
    for source, size, names in plan:
        for filter_name in names:
            out_name = f"{source}_{size[0]}x{size[1]}_{filter_name}.png"
            inputs[source].resize(size, filters[filter_name]).save(folder / out_name, optimize=True)
            resizes.append({"input": f"{source}.png", "width": size[0], "height": size[1],
                            "filter": filter_name, "expected": out_name})

    # timm's eval transform: Resize(248) of the shorter side with PIL bicubic, then CenterCrop(224).
    pipelines = []
    for source, shorter, crop in [("natural", 248, 224), ("odd", 30, 20)]:
        image = inputs[source]
        resized = T.Resize(shorter, interpolation=T.InterpolationMode.BICUBIC)(image)
        cropped = T.CenterCrop(crop)(resized)
        out_name = f"{source}_eval_{shorter}_{crop}.png"
        cropped.save(folder / out_name, optimize=True)
        pipelines.append({"input": f"{source}.png", "shorterSide": shorter, "crop": crop,
                          "resizedWidth": resized.size[0], "resizedHeight": resized.size[1],
                          "expected": out_name})

    crops = []
    for height, width in [(16, 16), (23, 37), (10, 5), (22, 36), (30, 40), (24, 38)]:
        out_name = f"odd_crop_{height}x{width}.png"
        TF.center_crop(inputs["odd"], [height, width]).save(folder / out_name)
        crops.append({"input": "odd.png", "height": height, "width": width, "expected": out_name})

    size_rule = []
    for width, height, shorter in [(500, 375, 248), (375, 500, 248), (333, 500, 248), (500, 334, 248),
                                   (640, 480, 224), (1, 1000, 248), (7, 3, 248), (248, 248, 248)]:
        new_height, new_width = TF._compute_resized_output_size((height, width), [shorter])
        size_rule.append({"width": width, "height": height, "shorterSide": shorter,
                          "newWidth": new_width, "newHeight": new_height})
    synthetic = {"name": "natural.png", "width": 500, "height": 375,
                 "fnv1a": fnv1a(np.asarray(inputs["natural"]).tobytes())}
    return {"synthetic": synthetic, "resizes": resizes, "pipelines": pipelines, "crops": crops,
            "sizeRule": size_rule}


# MARK: - interpolate fixtures


def make_interpolate(folder: Path) -> dict:
    import torch
    import torch.nn.functional as F

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(99)
    bilinear = []
    # (name, [channels, height, width], (out height, out width)); torch picks its generic separable kernel
    # when out height + out width > 128 and a channels-last kernel below that (see TorchInterpolation.swift).
    for name, shape, size in [
        ("map14_to224", (1, 14, 14), (224, 224)),
        ("map14_to60x90", (1, 14, 14), (60, 90)),
        ("planes2_5x7_to40x100", (2, 5, 7), (40, 100)),
        ("mask37x23_to9x6", (2, 37, 23), (9, 6)),
        ("planes3_5x7_to11x13", (3, 5, 7), (11, 13)),
        ("map14_to14x40", (1, 14, 14), (14, 40)),
    ]:
        planes = rng.standard_normal(shape).astype(np.float32) * 3.0
        output = F.interpolate(torch.from_numpy(planes)[None], size=size, mode="bilinear",
                               align_corners=False)[0].numpy()
        save_npy(folder / f"{name}_in.npy", planes)
        save_npy(folder / f"{name}_out.npy", output)
        bilinear.append({"name": name, "input": f"{name}_in.npy", "expected": f"{name}_out.npy",
                         "outHeight": size[0], "outWidth": size[1],
                         "torchKernel": "generic" if size[0] + size[1] > 128 else "channels_last"})

    nearest = []
    for in_height, in_width, out_height, out_width in [
        (14, 14, 224, 224), (375, 500, 224, 224), (23, 37, 9, 6), (7, 5, 13, 10), (3, 10, 10, 3),
        (224, 224, 14, 14), (281, 500, 333, 111),
    ]:
        index = np.arange(in_height * in_width, dtype=np.float32).reshape(1, 1, in_height, in_width)
        output = F.interpolate(torch.from_numpy(index), size=(out_height, out_width), mode="nearest")
        output = output[0, 0].numpy().astype(np.int64)
        rows, cols = output // in_width, output % in_width
        # Nearest is separable: every output row reads one source row, every column one source column.
        assert (rows == rows[:, :1]).all() and (cols == cols[:1, :]).all()
        nearest.append({"inHeight": in_height, "inWidth": in_width, "outHeight": out_height,
                        "outWidth": out_width, "sourceRows": rows[:, 0].tolist(),
                        "sourceColumns": cols[0, :].tolist()})
    return {"torchVersion": torch.__version__, "bilinear": bilinear, "nearest": nearest}


def main() -> int:
    import torch
    import torchvision

    FIXTURES.mkdir(parents=True, exist_ok=True)
    versions = {"pillow": PIL.__version__, "libjpeg_turbo": features.version("libjpeg_turbo"),
                "numpy": np.__version__, "torch": torch.__version__, "torchvision": torchvision.__version__}
    decode = make_decode(FIXTURES / "decode")
    (FIXTURES / "decode" / "manifest.json").write_text(json.dumps({"versions": versions, "cases": decode},
                                                                  indent=1) + "\n")
    resize = make_resize(FIXTURES / "resize")
    resize["versions"] = versions
    (FIXTURES / "resize" / "manifest.json").write_text(json.dumps(resize, indent=1) + "\n")
    interpolate = make_interpolate(FIXTURES / "interpolate")
    interpolate["versions"] = versions
    (FIXTURES / "interpolate" / "manifest.json").write_text(json.dumps(interpolate, indent=1) + "\n")
    total = sum(path.stat().st_size for path in FIXTURES.rglob("*") if path.is_file())
    print(f"wrote fixtures under {FIXTURES} ({total / 1024:.0f} KiB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
