"""Golden values for the Evaluation target (Tests/EvaluationTests/Fixtures/evaluation/reference.json).

The reference tools themselves produce the values where a tool exists: scikit-image's `threshold_otsu`, OpenCV's
`threshold(THRESH_OTSU)` and `findContours`/`boundingRect`/`contourArea`, scikit-learn's
`average_precision_score` and `roc_auc_score`. Where the reference is a script we cannot import
(wsolevaluation's MaxBoxAcc and PxAP, Chefer's dataset-level pixel accuracy and mIoU, AG-CAM's per-image metrics
with eps), the computation below is written from ../shared/reference/evaluation.md and methods.md, on top of
OpenCV for the contours, independently of the Swift code.

Run: python3 tools/make_evaluation_fixtures.py   (seeded; rerunning gives the same file)
"""

import json
import os

import cv2
import numpy as np
import skimage
import sklearn
from skimage.filters import threshold_otsu
from sklearn.metrics import average_precision_score, roc_auc_score

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "EvaluationTests", "Fixtures", "evaluation")
rng = np.random.default_rng(20250805)


def random_map(h, w, kind):
    """A float32 map in [0, 1]: smooth (upsampled noise), noisy, few-level (many ties) or constant."""
    if kind == "smooth":
        gh, gw = rng.integers(3, 8, size=2)
        small = rng.random((gh, gw)).astype(np.float32)
        m = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    elif kind == "noise":
        m = rng.random((h, w)).astype(np.float32)
    elif kind == "levels":
        m = (rng.integers(0, 5, size=(h, w)) / 4.0).astype(np.float32)
    else:
        return np.zeros((h, w), np.float32)
    lo, hi = m.min(), m.max()
    return ((m - lo) / (hi - lo)).astype(np.float32)


def quantize(m):
    return (m * np.float32(255)).astype(np.uint8)  # float32 product, truncation (wsolevaluation, evaluation.md 1.3)


def flat(a):
    return [float(x) for x in np.asarray(a, dtype=np.float32).reshape(-1)]


def contour_record(mask, mode):
    contours, hierarchy = cv2.findContours(mask, mode, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for i, c in enumerate(contours):
        x, y, w, h = cv2.boundingRect(c)
        parent = int(hierarchy[0][i][3]) if hierarchy is not None else -1
        out.append([x, y, w, h, float(cv2.contourArea(c)), parent])
    return out


# --- Otsu ---------------------------------------------------------------------------------------------------
otsu_cases = []
for index in range(40):
    kind = ["smooth", "noise", "levels", "smooth"][index % 4]
    h, w = int(rng.integers(6, 20)), int(rng.integers(6, 20))
    m = random_map(h, w, kind)
    u = quantize(m)
    cv_thr, _ = cv2.threshold(u, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    otsu_cases.append({"height": h, "width": w, "map": flat(m), "levels": [int(v) for v in u.reshape(-1)],
                       "skimage": float(threshold_otsu(u)), "opencv": float(cv_thr)})

# --- Contours -------------------------------------------------------------------------------------------------
contour_cases = []
for index in range(60):
    h, w = int(rng.integers(5, 40)), int(rng.integers(5, 40))
    m = random_map(h, w, "smooth" if index % 3 else "noise")
    mask = (m > rng.uniform(0.2, 0.8)).astype(np.uint8) * 255
    contour_cases.append({
        "height": h, "width": w, "mask": [int(v > 0) for v in mask.reshape(-1)],
        "tree": contour_record(mask, cv2.RETR_TREE),
        "list": contour_record(mask, cv2.RETR_LIST),
        "external": contour_record(mask, cv2.RETR_EXTERNAL),
    })


# --- wsolevaluation MaxBoxAcc v1/v2 (from evaluation.md 1.3-1.6) -------------------------------------------
def boxes_at(u, t, multi):
    thr = int(t * np.max(u))
    _, binary = cv2.threshold(u, thr, 255, cv2.THRESH_BINARY)
    contours, _ = cv2.findContours(binary, cv2.RETR_TREE, cv2.CHAIN_APPROX_SIMPLE)
    if len(contours) == 0:
        return [[0, 0, 0, 0]]
    if not multi:
        contours = [max(contours, key=cv2.contourArea)]
    h, w = u.shape
    out = []
    for c in contours:
        x, y, bw, bh = cv2.boundingRect(c)
        out.append([x, y, min(x + bw, w - 1), min(y + bh, h - 1)])
    return out


def iou(a, b):
    iw = max(0, min(a[2], b[2]) - max(a[0], b[0]) + 1)
    ih = max(0, min(a[3], b[3]) - max(a[1], b[1]) + 1)
    inter = iw * ih
    union = (a[2] - a[0] + 1) * (a[3] - a[1] + 1) + (b[2] - b[0] + 1) * (b[3] - b[1] + 1) - inter
    return inter / union if union > 0 else 0.0


def random_box(h, w):
    x0, x1 = sorted(rng.integers(0, w, size=2))
    y0, y1 = sorted(rng.integers(0, h, size=2))
    return [int(x0), int(y0), int(x1), int(y1)]


box_images = []
H, W = 32, 40
for index in range(30):
    kind = "constant" if index == 7 else ("levels" if index % 5 == 0 else "smooth")
    m = random_map(H, W, kind)
    gts = [random_box(H, W) for _ in range(int(rng.integers(1, 3)))]
    box_images.append({"map": flat(m), "boxes": gts})
thresholds = np.arange(0, 1, 0.01)
box_acc = {}
for multi, name in [(False, "v1"), (True, "v2")]:
    correct = {d: np.zeros(len(thresholds)) for d in (30, 50, 70)}
    for image in box_images:
        u = quantize(np.array(image["map"], np.float32).reshape(H, W))
        for k, t in enumerate(thresholds):
            best = max(iou(p, g) for p in boxes_at(u, t, multi) for g in image["boxes"])
            for d in correct:
                if best >= d / 100:
                    correct[d][k] += 1
    box_acc[name] = {str(d): float(np.max(correct[d]) / len(box_images) * 100) for d in correct}
    box_acc[name + "_curve50"] = [float(v) for v in correct[50]]
single = np.array([[0, 0, 0, 0, 0], [0, .4, .4, .4, .6], [0, .4, 1, .8, .6], [0, .4, .4, .4, .6]], np.float32)
box_vectors = {"map": flat(single), "height": 4, "width": 5,
               "v1": [boxes_at(quantize(single), t, False) for t in [0, .2, .4, .6, .8]],
               "v2": [boxes_at(quantize(single), t, True) for t in [0, .2, .4, .6, .8]]}


# --- Masks: PxAP, Chefer accumulation and AP, AG-CAM eps metrics, AUC, pointing, energy ---------------------
mask_images = []
for index in range(12):
    kind = "constant" if index == 5 else ("levels" if index % 4 == 0 else "smooth")
    m = random_map(H, W, kind)
    gt = (random_map(H, W, "smooth") > 0.55).astype(np.uint8)
    if index == 3:
        gt[:] = 0
        gt[4:9, 6:12] = 1
    ignore = np.zeros_like(gt)
    if index % 3 == 1:
        ignore[rng.integers(0, H):, rng.integers(0, W):] = 1
    mask_images.append((m, gt, ignore))

# PxAP (evaluation.md 1.7): histograms of float scores at GT-fg and GT-bg pixels, ignore excluded.
edges = list(np.arange(0, 1, 0.01)) + [1.0, 2.0, 3.0]
true_hist = np.zeros(len(edges) - 1)
false_hist = np.zeros(len(edges) - 1)
for m, gt, ignore in mask_images:
    keep = ignore == 0
    true_hist += np.histogram(m[(gt == 1) & keep], bins=edges)[0]
    false_hist += np.histogram(m[(gt == 0) & keep], bins=edges)[0]
tp = true_hist[::-1].cumsum()
fp = false_hist[::-1].cumsum()
with np.errstate(invalid="ignore", divide="ignore"):
    precision = tp / (tp + fp)
    recall = tp / true_hist.sum()
valid = ~np.isnan(precision[1:])
pxap = float((precision[1:] * np.diff(recall))[valid].sum() * 100)

# Chefer (evaluation.md 4.1): mean threshold, dataset-level pixel accuracy and 2-class mIoU with np.spacing(1).
total_correct = total_label = 0
total_inter = np.zeros(2)
total_union = np.zeros(2)
per_image = []
for m, gt, ignore in mask_images:
    pred = (m > m.mean(dtype=np.float32)).astype(np.int64)
    total_correct += int((pred == gt).sum())
    total_label += gt.size
    for c in (0, 1):
        inter = int(((pred == c) & (gt == c)).sum())
        total_inter[c] += inter
        total_union[c] += int((pred == c).sum()) + int((gt == c).sum()) - inter
    scores = np.concatenate([(np.float32(1) - m).reshape(-1), m.reshape(-1)])
    targets = np.concatenate([(1 - gt).reshape(-1), gt.reshape(-1)])
    ap = float(np.nan_to_num(average_precision_score(targets, scores)))
    # AG-CAM per-image metrics with eps 1e-5 on the fixed-0.5 mask vs gt (ignore not used by AG-CAM).
    p5 = m > np.float32(0.5)
    t = gt == 1
    TP = float((p5 & t).sum()); FP = float((p5 & ~t).sum()); FN = float((~p5 & t).sum()); TN = float((~p5 & ~t).sum())
    eps = 1e-5
    agc = [(TP + TN + eps) / (TP + TN + FP + FN + eps), (TP + eps) / (TP + FP + FN + eps),
           (2 * TP + eps) / (2 * TP + FP + FN + eps), (TP + eps) / (TP + FP + eps), (TP + eps) / (TP + FN + eps)]
    keep = (ignore == 0).reshape(-1)
    lab = gt.reshape(-1)[keep]
    sc = m.reshape(-1)[keep]
    auc = float(roc_auc_score(lab, sc)) if 0 < lab.sum() < lab.size else None
    peak = m == m.max()
    pointing = bool((peak & (gt == 1) & (ignore == 0)).any())
    energy = float(sc[lab == 1].astype(np.float64).sum() / sc.astype(np.float64).sum()) if sc.sum() > 0 else 0.0
    per_image.append({"map": flat(m), "gt": [int(v) for v in gt.reshape(-1)],
                      "ignore": [int(v) for v in ignore.reshape(-1)], "cheferAP": ap, "agcFixed05": agc,
                      "rocAUC": auc, "pointing": pointing, "energy": energy})
eps64 = np.spacing(1, dtype=np.float64)
chefer = {"pixelAccuracy": float(total_correct / (eps64 + total_label)),
          "iou": [float(v) for v in total_inter / (eps64 + total_union)],
          "mIoU": float((total_inter / (eps64 + total_union)).mean())}

# AG-CAM GT box scaling and rasterisation (methods.md 1.3): int(x / W * 224), inclusive fill, numpy clipping.
scaling_cases = []
for _ in range(20):
    W0, H0 = int(rng.integers(50, 700)), int(rng.integers(50, 700))
    x0, x1 = sorted(rng.integers(1, W0 + 1, size=2))
    y0, y1 = sorted(rng.integers(1, H0 + 1, size=2))
    agc = [int(x0 / W0 * 224), int(y0 / H0 * 224), int(x1 / W0 * 224), int(y1 / H0 * 224)]
    wsol = [int(x0 * 224 / W0), int(y0 * 224 / H0), int(x1 * 224 / W0), int(y1 * 224 / H0)]
    scaling_cases.append({"width": W0, "height": H0, "box": [int(x0), int(y0), int(x1), int(y1)],
                          "agc": agc, "wsol": wsol})

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "reference.json"), "w") as f:
    json.dump({
        "versions": {"numpy": np.__version__, "opencv": cv2.__version__, "skimage": skimage.__version__,
                     "sklearn": sklearn.__version__},
        "otsu": otsu_cases, "contours": contour_cases,
        "boxDataset": {"height": H, "width": W, "images": box_images, "thresholdCount": 100, "result": box_acc},
        "boxVectors": box_vectors,
        "maskDataset": {"height": H, "width": W, "images": per_image, "pxap100": pxap, "chefer": chefer},
        "boxScaling": scaling_cases,
    }, f, separators=(",", ":"))
print("wrote", os.path.join(OUT, "reference.json"))
