#!/usr/bin/env python3
"""Writes the ImageNet-Segmentation (gtsegs_ijcv.mat) test fixtures into Tests/DatasetsTests/Fixtures/imagenet-seg.

The real file is a MATLAB v7.3 MAT-file: HDF5 with a 512-byte user block holding the MATLAB header. The struct
variable `value` is the group `/value`; its cell fields `img` and `gt` are (N, 1) datasets of HDF5 object
references into the `#refs#` group, as MATLAB writes cells:

* `img[i, 0]` -> uint8 dataset of HDF5 shape (3, W, H) (MATLAB's H x W x 3, column-major).
* `gt[i, 0]`  -> a (1, 1) cell (dataset of references) whose `[0, 0]` -> uint8 mask of HDF5 shape (W, H).

Files written:

* `gtsegs_ijcv.mat` - three images of sizes 20x14, 9x11 and 16x16 (width x height) with known patterns. Storage
  varies so every read path is covered: sample 0 is one deflated chunk (MATLAB compresses large arrays), sample 1
  is contiguous, sample 2 is split into many chunks with partial edge chunks (image: deflate + shuffle, chunk
  (2, 5, 6); mask: unfiltered, chunk (7, 5)).
* `expected.json`   - the decoded arrays, computed with h5py + numpy + Pillow exactly as Chefer's loader
  (hila-chefer/Transformer-Explainability, baselines/ViT/data/Imagenet.py, Imagenet_Segmentation.__getitem__):
  `np.array(f[f['/value/img'][i, 0]]).transpose((2, 1, 0))` then `Image.fromarray(img).convert('RGB')`, and
  `np.array(f[f[f['/value/gt'][i, 0]][0, 0]]).transpose((1, 0))` then `Image.fromarray(target)`.
  Images are flattened (H, W, 3) row-major, masks (H, W) row-major.
* `no-value-img.mat` - a valid v7.3-like file with `/value/gt` but no `/value/img`.
* `broken.mat`       - per-sample faults: mask size mismatch, float64 image, 2-D image, a gt reference that skips
  the cell level, an image reference pointing to a group.

Usage: python3 tools/make_imagenet_seg_fixture.py   (needs h5py, numpy, Pillow; see tools/requirements.txt)
"""

import json
import os

import h5py
import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "DatasetsTests", "Fixtures", "imagenet-seg")
USER_BLOCK = 512
SIZES = [(20, 14), (9, 11), (16, 16)]  # (width, height)


def matlab_header() -> bytes:
    """The 128-byte MAT-file header MATLAB puts at the start of the user block (text, subsystem offset,
    version 0x0200, endian indicator 'IM'), padded with zeros to the block size."""
    text = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 1970 HDF5 schema 1.00 ."
    header = text.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM"
    return header.ljust(USER_BLOCK, b"\x00")


def write_header(path: str) -> None:
    with open(path, "r+b") as handle:
        handle.write(matlab_header())


def image_pattern(index: int, width: int, height: int) -> np.ndarray:
    """An (H, W, 3) uint8 image whose every channel differs, so any transpose mistake shows."""
    y, x = np.mgrid[0:height, 0:width]
    red = (x * 11 + y * 3 + index * 40) % 256
    green = (y * 17 + x + index * 7) % 256
    blue = (x * y + 5 * index + 100) % 256
    return np.stack([red, green, blue], axis=-1).astype(np.uint8)


def mask_pattern(index: int, width: int, height: int) -> np.ndarray:
    """An (H, W) 0/1 uint8 mask, asymmetric in x and y."""
    y, x = np.mgrid[0:height, 0:width]
    if index == 0:
        mask = (x >= 3) & (x < 12) & (y >= 2) & (y < 11)
    elif index == 1:
        mask = x + 2 * y < 12
    else:
        mask = (x - 10) ** 2 + (y - 5) ** 2 < 20
    return mask.astype(np.uint8)


def matlab_dataset(group, name, array_hwc_or_hw, compress=False, chunks=None, shuffle=False):
    """Stores an (H, W[, 3]) array as MATLAB v7.3 does: axes reversed, so HDF5 shape is ([3,] W, H).

    `compress` adds deflate (MATLAB's compression); `chunks` picks the HDF5 chunk shape (default: one chunk when
    compressed, contiguous otherwise)."""
    stored = np.ascontiguousarray(np.asarray(array_hwc_or_hw).transpose())
    options = {}
    if compress:
        options.update(compression="gzip", compression_opts=3)
    if shuffle:
        options.update(shuffle=True)
    if chunks is not None or compress or shuffle:
        options.update(chunks=chunks if chunks is not None else stored.shape)
    dataset = group.create_dataset(name, data=stored, **options)
    dataset.attrs["MATLAB_class"] = np.bytes_(str(stored.dtype) if stored.dtype != np.float64 else "double")
    return dataset


def cell(group, name, references):
    """A MATLAB cell: a (len, 1) dataset of object references."""
    dataset = group.create_dataset(name, (len(references), 1), dtype=h5py.ref_dtype)
    for row, reference in enumerate(references):
        dataset[row, 0] = reference
    dataset.attrs["MATLAB_class"] = np.bytes_("cell")
    return dataset


def new_file(path):
    handle = h5py.File(path, "w", userblock_size=USER_BLOCK, libver="earliest")
    return handle, handle.create_group("#refs#")


def value_group(handle):
    group = handle.create_group("value")
    group.attrs["MATLAB_class"] = np.bytes_("struct")
    return group


def write_main(path):
    handle, refs = new_file(path)
    image_refs, gt_refs = [], []
    for index, (width, height) in enumerate(SIZES):
        if index == 0:  # one deflated chunk each
            image = matlab_dataset(refs, "img0", image_pattern(0, width, height), compress=True)
            mask = matlab_dataset(refs, "mask0", mask_pattern(0, width, height), compress=True)
        elif index == 1:  # contiguous
            image = matlab_dataset(refs, "img1", image_pattern(1, width, height))
            mask = matlab_dataset(refs, "mask1", mask_pattern(1, width, height))
        else:  # many chunks with partial edge chunks: deflate + shuffle for the image, unfiltered for the mask
            image = matlab_dataset(refs, "img2", image_pattern(2, width, height), compress=True, shuffle=True,
                                   chunks=(2, 5, 6))
            mask = matlab_dataset(refs, "mask2", mask_pattern(2, width, height), chunks=(7, 5))
        inner = cell(refs, f"gtcell{index}", [mask.ref])
        image_refs.append(image.ref)
        gt_refs.append(inner.ref)
    group = value_group(handle)
    cell(group, "img", image_refs)
    cell(group, "gt", gt_refs)
    handle.close()
    write_header(path)


def write_without_img(path):
    handle, refs = new_file(path)
    mask = matlab_dataset(refs, "mask0", mask_pattern(0, 4, 3))
    inner = cell(refs, "gtcell0", [mask.ref])
    cell(value_group(handle), "gt", [inner.ref])
    handle.close()
    write_header(path)


def write_broken(path):
    handle, refs = new_file(path)
    image_refs, gt_refs = [], []

    def good_gt(name, width, height):
        mask = matlab_dataset(refs, f"mask_{name}", mask_pattern(1, width, height))
        return cell(refs, f"gtcell_{name}", [mask.ref]).ref

    # 0: image 6x5, mask 5x6 -> size mismatch.
    image_refs.append(matlab_dataset(refs, "img_mismatch", image_pattern(0, 6, 5)).ref)
    gt_refs.append(good_gt("mismatch", 5, 6))
    # 1: float64 image -> not uint8.
    image_refs.append(matlab_dataset(refs, "img_double", image_pattern(1, 4, 4).astype(np.float64)).ref)
    gt_refs.append(good_gt("double", 4, 4))
    # 2: 2-D (grayscale) image; Chefer's transpose((2, 1, 0)) cannot handle it.
    image_refs.append(matlab_dataset(refs, "img_gray", image_pattern(2, 4, 4)[:, :, 0]).ref)
    gt_refs.append(good_gt("gray", 4, 4))
    # 3: gt reference pointing straight to the mask (no cell level).
    image_refs.append(matlab_dataset(refs, "img_ok", image_pattern(3, 4, 4)).ref)
    gt_refs.append(matlab_dataset(refs, "mask_direct", mask_pattern(1, 4, 4)).ref)
    # 4: image reference pointing to a group.
    image_refs.append(refs.create_group("not_a_dataset").ref)
    gt_refs.append(good_gt("group", 4, 4))
    group = value_group(handle)
    cell(group, "img", image_refs)
    cell(group, "gt", gt_refs)
    handle.close()
    write_header(path)


def chefer_decode(path):
    """Chefer's Imagenet_Segmentation.__getitem__ minus the torchvision transforms."""
    samples = []
    with h5py.File(path, "r") as f:
        for index in range(len(f["/value/img"])):
            img = np.array(f[f["/value/img"][index, 0]]).transpose((2, 1, 0))
            target = np.array(f[f[f["/value/gt"][index, 0]][0, 0]]).transpose((1, 0))
            img = np.array(Image.fromarray(img).convert("RGB"))
            target = np.array(Image.fromarray(target))
            height, width = target.shape
            assert img.shape == (height, width, 3)
            samples.append({
                "width": int(width),
                "height": int(height),
                "image": img.reshape(-1).tolist(),
                "mask": target.reshape(-1).tolist(),
            })
    return samples


def main():
    os.makedirs(OUT, exist_ok=True)
    main_path = os.path.join(OUT, "gtsegs_ijcv.mat")
    write_main(main_path)
    write_without_img(os.path.join(OUT, "no-value-img.mat"))
    write_broken(os.path.join(OUT, "broken.mat"))
    samples = chefer_decode(main_path)
    for index, (width, height) in enumerate(SIZES):
        assert (samples[index]["width"], samples[index]["height"]) == (width, height)
        # The decoded arrays must be the patterns we stored, which pins down the axis order.
        assert samples[index]["image"] == image_pattern(index, width, height).reshape(-1).tolist()
        assert samples[index]["mask"] == mask_pattern(index, width, height).reshape(-1).tolist()
    with open(main_path, "rb") as handle:
        file_size = len(handle.read())
    expected = {
        "source": "tools/make_imagenet_seg_fixture.py (h5py %s, HDF5 %s, numpy %s)"
        % (h5py.__version__, h5py.version.hdf5_version, np.__version__),
        "count": len(samples),
        "file_size": file_size,
        "samples": samples,
    }
    with open(os.path.join(OUT, "expected.json"), "w") as handle:
        json.dump(expected, handle, separators=(",", ":"))
        handle.write("\n")
    for name in sorted(os.listdir(OUT)):
        print(name, os.path.getsize(os.path.join(OUT, name)))


if __name__ == "__main__":
    main()
