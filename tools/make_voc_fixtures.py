#!/usr/bin/env python3
"""Writes the Pascal VOC 2012 and ILSVRC 2012 val test fixtures of the Datasets tests.

Output (all hand-made, in the exact on-disk formats; a few KB in all):
  Tests/DatasetsTests/Fixtures/voc/VOCdevkit/VOC2012/...   a small VOC tree (see VOC_OBJECTS below)
  Tests/DatasetsTests/Fixtures/voc/expected.json           what Pillow reads back from the masks and one JPEG
  Tests/DatasetsTests/Fixtures/imagenet/{kaggle,flat,folders}/...   three ILSVRC val layouts

Masks are palette ("P" mode) PNGs carrying the VOC colour map computed here with the devkit's own
algorithm (VOClabelcolormap.m, bit interleave), independently of the Swift VOCPalette, so the tests check the
Swift palette against it. Golden values in expected.json come from Pillow reading the written files back.

Usage: python3 tools/make_voc_fixtures.py   (needs Pillow and numpy; see tools/requirements.txt)
"""

import io
import json
import os
import shutil

import numpy as np
from PIL import Image

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "DatasetsTests", "Fixtures")
VOC = os.path.join(ROOT, "voc")
VOC2012 = os.path.join(VOC, "VOCdevkit", "VOC2012")
IMAGENET = os.path.join(ROOT, "imagenet")

CLASSES = [
    "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow", "diningtable",
    "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
]


def voc_colormap(n=256):
    """The devkit's VOClabelcolormap.m: bits 0/1/2 of the index go to r/g/b bit 7-j, then index >>= 3."""
    cmap = np.zeros((n, 3), dtype=np.uint8)
    for i in range(n):
        r = g = b = 0
        c = i
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        cmap[i] = (r, g, b)
    return cmap


PALETTE = voc_colormap().flatten().tolist()


def write(path, text, newline="\n"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline=newline) as f:
        f.write(text)


def write_jpeg(path, width, height, seed):
    """A small JPEG with a gradient and a block, so decoding is checked on non-flat content."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.stack([x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1),
                    np.full_like(x, int(rng.integers(0, 256)))], axis=-1).astype(np.uint8)
    rgb[height // 4: height // 2, width // 4: width // 2] = (200, 30, 30)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    Image.fromarray(rgb, "RGB").save(path, quality=90)


def write_palette_png(path, indices):
    image = Image.fromarray(indices.astype(np.uint8), "P")
    image.putpalette(PALETTE)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    image.save(path)


# ---------------------------------------------------------------- VOC

def voc_object_xml(obj, style):
    """One <object>. style 'devkit' = the 2007-2010 element order; 'alphabetical' = the 2011/2012 files'."""
    box = obj["box"]
    flags = {"truncated": obj.get("truncated", 0), "difficult": obj.get("difficult", 0)}
    if style == "devkit":
        lines = ["\t<object>", f"\t\t<name>{obj['name']}</name>", f"\t\t<pose>{obj.get('pose', 'Unspecified')}</pose>",
                 f"\t\t<truncated>{flags['truncated']}</truncated>", f"\t\t<difficult>{flags['difficult']}</difficult>"]
        if "occluded" in obj:
            lines.append(f"\t\t<occluded>{obj['occluded']}</occluded>")
        lines += ["\t\t<bndbox>", f"\t\t\t<xmin>{box[0]}</xmin>", f"\t\t\t<ymin>{box[1]}</ymin>",
                  f"\t\t\t<xmax>{box[2]}</xmax>", f"\t\t\t<ymax>{box[3]}</ymax>", "\t\t</bndbox>", "\t</object>"]
        return "\n".join(lines)
    # The 2011/2012 files: children sorted by name, bndbox as xmax, xmin, ymax, ymin; person-layout parts
    # and action points inside the object carry their own name/bndbox/x/y.
    lines = ["\t<object>", "\t\t<actions>", "\t\t\t<jumping>0</jumping>", "\t\t\t<other>1</other>", "\t\t</actions>",
             "\t\t<bndbox>", f"\t\t\t<xmax>{box[2]}</xmax>", f"\t\t\t<xmin>{box[0]}</xmin>",
             f"\t\t\t<ymax>{box[3]}</ymax>", f"\t\t\t<ymin>{box[1]}</ymin>", "\t\t</bndbox>",
             f"\t\t<difficult>{flags['difficult']}</difficult>", f"\t\t<name>{obj['name']}</name>",
             f"\t\t<occluded>{obj.get('occluded', 0)}</occluded>"]
    for part in obj.get("parts", []):
        lines += ["\t\t<part>", "\t\t\t<bndbox>", f"\t\t\t\t<xmax>{part[1][2]}</xmax>",
                  f"\t\t\t\t<xmin>{part[1][0]}</xmin>", f"\t\t\t\t<ymax>{part[1][3]}</ymax>",
                  f"\t\t\t\t<ymin>{part[1][1]}</ymin>", "\t\t\t</bndbox>", f"\t\t\t<name>{part[0]}</name>",
                  "\t\t</part>"]
    lines += ["\t\t<point>", "\t\t\t<x>20</x>", "\t\t\t<y>50</y>", "\t\t</point>",
              f"\t\t<pose>{obj.get('pose', 'Unspecified')}</pose>", f"\t\t<truncated>{flags['truncated']}</truncated>",
              "\t</object>"]
    return "\n".join(lines)


def voc_xml(image_id, width, height, objects, segmented, style="devkit"):
    head = ["<annotation>", "\t<folder>VOC2012</folder>", f"\t<filename>{image_id}.jpg</filename>",
            "\t<source>", "\t\t<database>The VOC2007 Database</database>",
            "\t\t<annotation>PASCAL VOC2007</annotation>", "\t\t<image>flickr</image>", "\t</source>",
            "\t<size>", f"\t\t<width>{width}</width>", f"\t\t<height>{height}</height>", "\t\t<depth>3</depth>",
            "\t</size>", f"\t<segmented>{segmented}</segmented>"]
    return "\n".join(head + [voc_object_xml(o, style) for o in objects] + ["</annotation>", ""])


# id -> (width, height, objects, xml style, has masks)
VOC_OBJECTS = {
    # Two classes, three objects; instance order = XML order.
    "2007_000032": (32, 24, [
        {"name": "aeroplane", "pose": "Frontal", "box": (3, 4, 14, 12)},
        {"name": "aeroplane", "pose": "Left", "truncated": 1, "box": (16, 2, 22, 8)},
        {"name": "person", "pose": "Unspecified", "box": (20, 12, 30, 23), "occluded": 1},
    ], "devkit", True),
    # A dog, and a difficult cat (void in both masks, as the devkit paints difficult objects).
    "2008_000123": (32, 24, [
        {"name": "dog", "pose": "Right", "box": (2, 2, 15, 20)},
        {"name": "cat", "pose": "Unspecified", "difficult": 1, "box": (18, 6, 29, 18)},
    ], "devkit", True),
    # Float coordinate (as in the real 2011_003353.xml), 2011-style element order, a person-layout part.
    "2011_003353": (80, 60, [
        {"name": "person", "pose": "Frontal", "box": (12, 45.70000076293945, 50, 58), "occluded": 1,
         "parts": [("head", (20, 46, 30, 52))]},
    ], "alphabetical", True),
    "2012_000002": (32, 24, [{"name": "bird", "box": (1, 1, 32, 24)}], "devkit", False),   # its JPEG is missing
    "2012_000003": (32, 24, [{"name": "zebra", "box": (1, 1, 10, 10)}], "devkit", False),  # unknown class
    "2012_000004": (32, 24, [{"name": "dog", "box": (1, 1, 40, 10)}], "devkit", False),    # box outside
    "2012_000005": (32, 24, [{"name": "cow", "box": (2, 2, 20, 20)}], "devkit", True),     # mask 30x20
    "2012_000007": (32, 24, [{"name": "cat", "difficult": 1, "box": (2, 2, 20, 20)}], "devkit", False),
    "2012_000008": (32, 24, [{"name": "dog", "box": (2, 2, 12, 12)}, {"name": "dog", "box": (14, 4, 30, 22)}],
                    "devkit", False),
}

MALFORMED_XML = """<annotation>
\t<folder>VOC2012</folder>
\t<filename>2012_000001.jpg</filename>
\t<object>
\t\t<name>dog</name>
\t\t<bndbox>
\t\t\t<xmin>1</xmin>
\t\t</bndbox
\t</object>
</annotation>
"""


def masks_for(width, height, objects):
    """Class and instance masks: each object's box filled, with a 1-px void (255) rim; difficult objects void."""
    cls = np.zeros((height, width), np.uint8)
    inst = np.zeros((height, width), np.uint8)
    for k, obj in enumerate(objects, start=1):
        x0, y0, x1, y1 = (int(v) - 1 for v in obj["box"])
        cls[y0:y1 + 1, x0:x1 + 1] = 255
        inst[y0:y1 + 1, x0:x1 + 1] = 255
        if not obj.get("difficult", 0):
            cls[y0 + 1:y1, x0 + 1:x1] = CLASSES.index(obj["name"]) + 1
            inst[y0 + 1:y1, x0 + 1:x1] = k
    return cls, inst


def make_voc():
    shutil.rmtree(VOC, ignore_errors=True)
    expected = {"palette": PALETTE, "masks": {}, "jpeg": {}}
    for image_id, (width, height, objects, style, has_masks) in VOC_OBJECTS.items():
        write(os.path.join(VOC2012, "Annotations", image_id + ".xml"),
              voc_xml(image_id, width, height, objects, int(has_masks), style))
        if image_id != "2012_000002":
            seed = sum(image_id.encode()) % 97
            write_jpeg(os.path.join(VOC2012, "JPEGImages", image_id + ".jpg"), width, height, seed)
        if has_masks:
            cls, inst = masks_for(width, height, objects)
            if image_id == "2012_000005":
                cls, inst = cls[:20, :30], inst[:20, :30]
            for folder, values in (("SegmentationClass", cls), ("SegmentationObject", inst)):
                path = os.path.join(VOC2012, folder, image_id + ".png")
                write_palette_png(path, values)
                back = Image.open(path)
                assert back.mode == "P"
                read = np.array(back)
                hist = {str(v): int(c) for v, c in zip(*np.unique(read, return_counts=True))}
                expected["masks"][f"{folder}/{image_id}"] = {
                    "width": back.size[0], "height": back.size[1], "void": int((read == 255).sum()),
                    "histogram": hist, "palette_prefix": back.getpalette()[:9],
                    "values": read.flatten().tolist() if image_id == "2007_000032" else None,
                }
    write(os.path.join(VOC2012, "Annotations", "2012_000001.xml"), MALFORMED_XML)
    write_jpeg(os.path.join(VOC2012, "JPEGImages", "2012_000001.jpg"), 32, 24, 1)
    # Pillow's decode of one JPEG (libjpeg-turbo, accurate IDCT, fancy upsampling), for a max-diff check.
    jpeg = np.array(Image.open(os.path.join(VOC2012, "JPEGImages", "2007_000032.jpg")).convert("RGB"))
    expected["jpeg"]["2007_000032"] = {"width": 32, "height": 24, "pixels": jpeg.flatten().tolist()}

    seg = os.path.join(VOC2012, "ImageSets", "Segmentation")
    write(os.path.join(seg, "val.txt"), "2007_000032\n2008_000123\n2011_003353\n")
    write(os.path.join(seg, "train.txt"), "2012_000005\r\n\r\n", newline="")  # CRLF and a blank line
    main = os.path.join(VOC2012, "ImageSets", "Main")
    write(os.path.join(main, "val.txt"), "\n".join([
        "2007_000032", "2008_000123", "2011_003353", "2012_000001", "2012_000002", "2012_000003",
        "2012_000004", "2012_000006", "2012_000007", "2012_000008"]) + "\n")
    write(os.path.join(main, "aeroplane_val.txt"), "2007_000032  1\n2008_000123 -1\n")
    with open(os.path.join(VOC, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))


# ---------------------------------------------------------------- ImageNet

SYNSETS = [  # real LOC_synset_mapping.txt lines (a sorted subset)
    "n01440764 tench, Tinca tinca",
    "n01443537 goldfish, Carassius auratus",
    "n01484850 great white shark, white shark, man-eater, man-eating shark, Carcharodon carcharias",
    "n01491361 tiger shark, Galeocerdo cuvieri",
    "n01751748 sea snake",
    "n02119789 kit fox, Vulpes macrotis",
]


def ilsvrc_xml(image_id, width, height, objects):
    lines = ["<annotation>", "\t<folder>val</folder>", f"\t<filename>{image_id}</filename>", "\t<source>",
             "\t\t<database>ILSVRC_2012</database>", "\t</source>", "\t<size>", f"\t\t<width>{width}</width>",
             f"\t\t<height>{height}</height>", "\t\t<depth>3</depth>", "\t</size>", "\t<segmented>0</segmented>"]
    for wnid, box in objects:
        lines += ["\t<object>", f"\t\t<name>{wnid}</name>", "\t\t<pose>Unspecified</pose>",
                  "\t\t<truncated>0</truncated>", "\t\t<difficult>0</difficult>", "\t\t<bndbox>",
                  f"\t\t\t<xmin>{box[0]}</xmin>", f"\t\t\t<ymin>{box[1]}</ymin>", f"\t\t\t<xmax>{box[2]}</xmax>",
                  f"\t\t\t<ymax>{box[3]}</ymax>", "\t\t</bndbox>", "\t</object>"]
    return "\n".join(lines + ["</annotation>", ""])


# id -> (width, height, objects). Image 1 is the real one (evaluation.md §6.2); the others are hand-made.
ILSVRC = {
    "ILSVRC2012_val_00000001": (500, 375, [("n01751748", (111, 108, 441, 193))]),
    "ILSVRC2012_val_00000002": (32, 24, [("n01440764", (0, 0, 31, 23))]),
    "ILSVRC2012_val_00008726": (32, 24, [("n02119789", (5, 4, 20, 18)), ("n02119789", (2, 1, 30, 22))]),
}
ILSVRC_BAD = {
    "ILSVRC2012_val_00000003": (32, 24, [("n09999999", (1, 1, 5, 5))]),   # wnid not in the synset list
    "ILSVRC2012_val_00000005": (32, 24, [("n01443537", (0, 0, 32, 23))]),  # xmax = W, beyond W-1
}


def make_imagenet():
    shutil.rmtree(IMAGENET, ignore_errors=True)
    mapping = "\n".join(SYNSETS) + "\n"
    images = dict(ILSVRC, **ILSVRC_BAD)

    # Kaggle layout: both per-image XML and the CSV, mapping at the root.
    kaggle = os.path.join(IMAGENET, "kaggle")
    write(os.path.join(kaggle, "LOC_synset_mapping.txt"), mapping)
    for image_id, (width, height, objects) in images.items():
        write_jpeg(os.path.join(kaggle, "ILSVRC", "Data", "CLS-LOC", "val", image_id + ".JPEG"), width, height, 3)
        write(os.path.join(kaggle, "ILSVRC", "Annotations", "CLS-LOC", "val", image_id + ".xml"),
              ilsvrc_xml(image_id, width, height, objects))
    write(os.path.join(kaggle, "ILSVRC", "Annotations", "CLS-LOC", "val", "ILSVRC2012_val_00000006.xml"),
          "<annotation>\n\t<size>\n\t\t<width>32</width>\n\t</size>\n\t<object>\n\t\t<name>n01440764\n")
    # The CSV: unsorted rows, the real trailing space, one row with a bad token count, one unknown wnid.
    rows = ["ImageId,PredictionString"]
    for image_id in ["ILSVRC2012_val_00008726", "ILSVRC2012_val_00000003", "ILSVRC2012_val_00000001",
                     "ILSVRC2012_val_00000002"]:
        objects = images[image_id][2]
        rows.append(image_id + "," + "".join(f"{w} {b[0]} {b[1]} {b[2]} {b[3]} " for w, b in objects))
    rows.append("ILSVRC2012_val_00000004,n01443537 1 2 3 ")
    write(os.path.join(kaggle, "LOC_val_solution.csv"), "\n".join(rows) + "\n")

    # image-net.org files, the bbox tarball unpacked over the flat val/ folder.
    flat = os.path.join(IMAGENET, "flat")
    write(os.path.join(flat, "LOC_synset_mapping.txt"), mapping)
    for image_id, (width, height, objects) in ILSVRC.items():
        write_jpeg(os.path.join(flat, "val", image_id + ".JPEG"), min(width, 32), min(height, 24), 4)
        write(os.path.join(flat, "val", image_id + ".xml"), ilsvrc_xml(image_id, width, height, objects))

    # valprep.sh layout: wnid folders, no mapping, no boxes.
    folders = os.path.join(IMAGENET, "folders")
    for image_id, (_, _, objects) in ILSVRC.items():
        write_jpeg(os.path.join(folders, "val", objects[0][0], image_id + ".JPEG"), 32, 24, 5)


if __name__ == "__main__":
    make_voc()
    make_imagenet()
    total = sum(os.path.getsize(os.path.join(d, f)) for top in (VOC, IMAGENET)
                for d, _, fs in os.walk(top) for f in fs)
    print(f"wrote VOC and ImageNet fixtures, {total} bytes")
