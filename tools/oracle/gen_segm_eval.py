#!/usr/bin/env python3
"""COCO `segm` evaluation oracle for HRNet.js: runs the UNEDITED cocoapi PythonAPI (coco.py,
cocoeval.py, mask.py) on seeded synthetic instance masks. Never run by the tests.

    /usr/bin/python3 tools/oracle/gen_segm_eval.py --cocoapi /tmp/cocoapi --shims ../shared/tools/oracle-shims

--cocoapi holds `PythonAPI/pycocotools/{coco,cocoeval,mask}.py` and `common/maskApi.c` of
cocodataset/cocoapi @ 8c9bcc3cf640524c4c20a9c40e89cb6a2f2fa0e9 (the commit of shared/fixtures/coco_eval).

pycocotools' compiled `_mask` module is Cython glue around maskApi.c. Neither Cython nor a
pycocotools package is installable here (Debian has no python3-pycocotools), so this script
compiles the official maskApi.c with gcc into a shared library and stands in for the Cython glue
with a ctypes module of the same functions (encode, decode, merge, area, iou, toBbox, frBbox,
frPoly, frUncompressedRLE, frPyObjects): every mask operation is cocoapi's own C code.
`np.float` (used by cocoeval.py) is restored as `float`; matplotlib comes from the shims' coco_deps.
"""

import argparse
import ctypes
import json
import os
import shutil
import subprocess
import sys
import tempfile
import types

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
if not hasattr(np, 'float'):
    np.float = float


class RLE(ctypes.Structure):
    _fields_ = [('h', ctypes.c_ulong), ('w', ctypes.c_ulong), ('m', ctypes.c_ulong), ('cnts', ctypes.POINTER(ctypes.c_uint))]


def build_mask_module(cocoapi):
    """A `pycocotools._mask` stand-in calling the official maskApi.c through ctypes."""
    tmp = tempfile.mkdtemp()
    so = os.path.join(tmp, 'libmaskapi.so')
    subprocess.check_call(['gcc', '-O2', '-shared', '-fPIC', '-o', so, os.path.join(cocoapi, 'common', 'maskApi.c')])
    lib = ctypes.CDLL(so)
    libc = ctypes.CDLL(None)
    lib.rleToString.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    R = ctypes.POINTER(RLE)
    dp = ctypes.POINTER(ctypes.c_double)
    ul = ctypes.c_ulong

    def to_string(rs):
        out = []
        for r in rs:
            p = lib.rleToString(ctypes.byref(r))
            out.append({'size': [r.h, r.w], 'counts': ctypes.string_at(p)})
            libc.free(p)
        return out

    def fr_string(objs):
        rs = (RLE * len(objs))()
        for i, o in enumerate(objs):
            c = o['counts'] if isinstance(o['counts'], bytes) else str.encode(o['counts'])
            lib.rleFrString(ctypes.byref(rs[i]), ctypes.c_char_p(c), ul(o['size'][0]), ul(o['size'][1]))
        return rs

    m = types.ModuleType('pycocotools._mask')

    def encode(mask):
        h, w, n = mask.shape
        data = np.asfortranarray(mask, dtype=np.uint8)
        rs = (RLE * n)()
        lib.rleEncode(rs, data.ctypes.data_as(ctypes.c_void_p), ul(h), ul(w), ul(n))
        return to_string(rs)

    def decode(objs):
        rs = fr_string(objs)
        h, w, n = rs[0].h, rs[0].w, len(objs)
        out = np.zeros((h, w, n), dtype=np.uint8, order='F')
        lib.rleDecode(rs, out.ctypes.data_as(ctypes.c_void_p), ul(n))
        return out

    def merge(objs, intersect=0):
        rs = fr_string(objs)
        r = RLE()
        lib.rleMerge(rs, ctypes.byref(r), ul(len(objs)), ctypes.c_int(intersect))
        return to_string([r])[0]

    def area(objs):
        rs = fr_string(objs)
        a = np.zeros(len(objs), dtype=np.uint32)
        lib.rleArea(rs, ul(len(objs)), a.ctypes.data_as(ctypes.c_void_p))
        return a

    def iou(dt, gt, iscrowd):
        if len(dt) == 0 or len(gt) == 0:
            return []
        crowd = np.array(iscrowd, dtype=np.uint8)
        o = np.zeros(len(dt) * len(gt), dtype=np.double)
        if all(isinstance(x, dict) for x in dt) and all(isinstance(x, dict) for x in gt):
            lib.rleIou(fr_string(dt), fr_string(gt), ul(len(dt)), ul(len(gt)), crowd.ctypes.data_as(ctypes.c_void_p), o.ctypes.data_as(dp))
        else:
            d = np.ascontiguousarray(np.array(dt, dtype=np.double).reshape(-1, 4))
            g = np.ascontiguousarray(np.array(gt, dtype=np.double).reshape(-1, 4))
            lib.bbIou(d.ctypes.data_as(dp), g.ctypes.data_as(dp), ul(len(d)), ul(len(g)), crowd.ctypes.data_as(ctypes.c_void_p), o.ctypes.data_as(dp))
        return o.reshape((len(dt), len(gt)), order='F')

    def toBbox(objs):
        rs = fr_string(objs)
        bb = np.zeros(4 * len(objs), dtype=np.double)
        lib.rleToBbox(rs, bb.ctypes.data_as(dp), ul(len(objs)))
        return bb.reshape((len(objs), 4))

    def frBbox(bb, h, w):
        bb = np.ascontiguousarray(np.array(bb, dtype=np.double).reshape(-1, 4))
        rs = (RLE * len(bb))()
        lib.rleFrBbox(rs, bb.ctypes.data_as(dp), ul(h), ul(w), ul(len(bb)))
        return to_string(rs)

    def frPoly(poly, h, w):
        rs = (RLE * len(poly))()
        for i, p in enumerate(poly):
            xy = np.array(p, dtype=np.double)
            lib.rleFrPoly(ctypes.byref(rs[i]), xy.ctypes.data_as(dp), ul(int(len(p) / 2)), ul(h), ul(w))
        return to_string(rs)

    def frUncompressedRLE(uc, h, w):
        out = []
        for o in uc:
            cnts = np.array(o['counts'], dtype=np.uint32)
            r = RLE()
            lib.rleInit(ctypes.byref(r), ul(o['size'][0]), ul(o['size'][1]), ul(len(cnts)), cnts.ctypes.data_as(ctypes.POINTER(ctypes.c_uint)))
            out.append(to_string([r])[0])
        return out

    def frPyObjects(pyobj, h, w):  # the dispatch of _mask.pyx
        if type(pyobj) == np.ndarray:
            return frBbox(pyobj, h, w)
        if type(pyobj) == list and len(pyobj[0]) == 4:
            return frBbox(pyobj, h, w)
        if type(pyobj) == list and len(pyobj[0]) > 4:
            return frPoly(pyobj, h, w)
        if type(pyobj) == list and type(pyobj[0]) == dict and 'counts' in pyobj[0] and 'size' in pyobj[0]:
            return frUncompressedRLE(pyobj, h, w)
        if type(pyobj) == dict and 'counts' in pyobj and 'size' in pyobj:
            return frUncompressedRLE([pyobj], h, w)[0]
        raise Exception('input type is not supported.')

    for f in (encode, decode, merge, area, iou, toBbox, frBbox, frPoly, frUncompressedRLE, frPyObjects):
        setattr(m, f.__name__, f)
    return m


def load_pycocotools(cocoapi, shims):
    sys.path.insert(0, os.path.join(shims, 'coco_deps'))
    pkg = types.ModuleType('pycocotools')
    pkg.__path__ = [os.path.join(cocoapi, 'PythonAPI', 'pycocotools')]
    sys.modules['pycocotools'] = pkg
    sys.modules['pycocotools._mask'] = build_mask_module(cocoapi)
    import pycocotools.mask as mask_utils
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    return COCO, COCOeval, mask_utils


def rng_polygon(rng, cx, cy, r, k):
    ang = np.sort(rng.uniform(0, 2 * np.pi, k))
    rad = r * rng.uniform(0.6, 1.0, k)
    return [float(round(v, 2)) for a, d in zip(ang, rad) for v in (cx + d * np.cos(a), cy + d * np.sin(a))]


def make_data(rng, mask_utils):
    images, anns, cats = [], [], [{'id': 1, 'name': 'person'}, {'id': 3, 'name': 'car'}, {'id': 7, 'name': 'dog'}]
    aid = 1
    for idx, img_id in enumerate([42, 7, 19, 300, 5, 77, 11, 64]):
        h, w = int(rng.integers(80, 300)), int(rng.integers(80, 320))
        images.append({'id': img_id, 'height': h, 'width': w, 'file_name': f'{img_id}.png'})
        for j in range(int(rng.integers(1, 7))):
            cat = int(rng.choice([1, 1, 3, 7]))
            r = float(rng.uniform(3, min(h, w) / 2.5))
            cx, cy = float(rng.uniform(r * 0.5, w - r * 0.5)), float(rng.uniform(r * 0.5, h - r * 0.5))
            kind = rng.choice(['poly', 'poly2', 'rle', 'crowd'], p=[0.55, 0.15, 0.15, 0.15])
            if kind == 'poly':
                seg = [rng_polygon(rng, cx, cy, r, int(rng.integers(3, 12)))]
            elif kind == 'poly2':  # two parts
                seg = [rng_polygon(rng, cx, cy, r * 0.6, 6), rng_polygon(rng, cx + r * 0.5, cy + r * 0.3, r * 0.5, 5)]
            else:
                yy, xx = np.mgrid[0:h, 0:w]
                blob = ((xx - cx) ** 2 / (r * rng.uniform(0.5, 1.5)) ** 2 + (yy - cy) ** 2 / r ** 2) < 1
                seg = mask_utils.encode(np.asfortranarray(blob.astype(np.uint8)))
                if kind == 'crowd':  # uncompressed counts, as COCO's crowd annotations
                    fc = blob.astype(np.uint8).flatten(order='F')
                    counts, prev, run = [], 0, 0
                    for v in fc:
                        if v != prev:
                            counts.append(run)
                            run, prev = 0, v
                        run += 1
                    counts.append(run)
                    seg = {'size': [h, w], 'counts': counts}
                else:
                    seg = {'size': seg['size'], 'counts': seg['counts'].decode()}
            rle = mask_utils.merge(mask_utils.frPyObjects(seg, h, w)) if isinstance(seg, list) else (
                mask_utils.frPyObjects(seg, h, w) if isinstance(seg['counts'], list) else seg)
            area = float(mask_utils.area(rle))
            bbox = [float(v) for v in mask_utils.toBbox(rle)]
            # COCO stores the mask area as `area`; a few are rounded like real annotations
            anns.append({'id': aid, 'image_id': img_id, 'category_id': cat, 'segmentation': seg, 'area': area if j % 3 else round(area, 0) + 0.5,
                         'bbox': bbox, 'iscrowd': 1 if kind == 'crowd' else 0})
            aid += 1
    return {'images': images, 'annotations': anns, 'categories': cats}


def make_results(rng, gt, mask_utils, with_bbox):
    imgs = {im['id']: im for im in gt['images']}
    res = []
    for a in gt['annotations']:
        im = imgs[a['image_id']]
        h, w = im['height'], im['width']
        seg = a['segmentation']
        rle = mask_utils.merge(mask_utils.frPyObjects(seg, h, w)) if isinstance(seg, list) else (
            mask_utils.frPyObjects(seg, h, w) if isinstance(seg['counts'], list) else seg)
        m = mask_utils.decode(rle).astype(bool)
        for copy in range(int(rng.integers(0, 3))):
            dy, dx = int(rng.integers(-4, 5)), int(rng.integers(-4, 5))
            mm = np.roll(np.roll(m, dy, 0), dx, 1)
            if rng.uniform() < 0.4:  # erode / dilate a little
                sh = np.roll(mm, 1, 0) & np.roll(mm, -1, 0) if rng.uniform() < 0.5 else np.roll(mm, 1, 1) | np.roll(mm, -1, 1)
                mm = sh
            res.append((a['image_id'], a['category_id'] if rng.uniform() < 0.9 else 7, round(float(rng.uniform(0.05, 1.0)), 3), mm))
    for im in gt['images']:  # false positives
        for _ in range(int(rng.integers(0, 4))):
            h, w = im['height'], im['width']
            yy, xx = np.mgrid[0:h, 0:w]
            cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(2, 20)
            res.append((im['id'], int(rng.choice([1, 3, 7])), round(float(rng.uniform(0.01, 0.9)), 3), (xx - cx) ** 2 + (yy - cy) ** 2 < r * r))
    # an empty mask and a tie on purpose
    im = gt['images'][0]
    res.append((im['id'], 1, 0.5, np.zeros((im['height'], im['width']), bool)))
    res.append((im['id'], 1, res[0][2], res[0][3]))
    out = []
    for img_id, cat, score, mm in res:
        rle = mask_utils.encode(np.asfortranarray(mm.astype(np.uint8)))
        entry = {'image_id': img_id, 'category_id': cat, 'score': score, 'segmentation': {'size': rle['size'], 'counts': rle['counts'].decode()}}
        if with_bbox:  # mmdet's results2json writes the detection box too
            x0, y0, bw, bh = [float(v) for v in mask_utils.toBbox(rle)]
            entry['bbox'] = [round(x0 + rng.uniform(-1, 1), 2), round(y0 + rng.uniform(-1, 1), 2), round(bw + 1, 2), round(bh + 1, 2)]
        out.append(entry)
    return out


def mask_api_cases(rng, mask_utils):
    """Direct mask-API values: encode strings, areas, boxes, IoUs (crowd and not), polygons, merges."""
    h, w = 23, 31
    masks = [(rng.uniform(size=(h, w)) < p).astype(np.uint8) for p in (0.0, 0.05, 0.5, 0.95, 1.0)]
    yy, xx = np.mgrid[0:h, 0:w]
    masks += [((xx - 10) ** 2 + (yy - 12) ** 2 < 40).astype(np.uint8), ((xx > 20) & (yy < 5)).astype(np.uint8)]
    big = np.zeros((300, 500), np.uint8)
    big[40:260, 100:480] = 1  # long runs: multi-character counts
    rles = [mask_utils.encode(np.asfortranarray(m)) for m in masks]
    big_rle = mask_utils.encode(np.asfortranarray(big))
    polys = [[[2.3, 3.1, 20.7, 4.2, 15.5, 19.9]], [[0, 0, 30, 0, 30, 22, 0, 22]], [[5.5, 5.5, 12.25, 3.0, 25.0, 9.75, 18.5, 21.0, 4.0, 17.5]],
             [[-3.0, -2.0, 10.0, 1.0, 4.0, 12.0]], [[1.0, 1.0, 8.0, 2.0, 6.0, 9.0], [12.0, 12.0, 20.0, 13.0, 16.0, 20.0]], [[3.0, 4.0, 10.0, 6.0]]]
    poly_rles = [mask_utils.merge(mask_utils.frPyObjects(p, h, w)) for p in polys]
    crowd = [0, 1, 0, 0, 1, 0, 0]
    ious = mask_utils.iou(rles, rles, crowd)
    s = lambda r: r['counts'].decode()
    return {
        'height': h, 'width': w,
        'masks_row_major': [m.reshape(-1).tolist() for m in masks],
        'encoded': [s(r) for r in rles],
        'area': [int(a) for a in mask_utils.area(rles)],
        'bbox': mask_utils.toBbox(rles).tolist(),
        'iscrowd': crowd,
        'iou': ious.tolist(),
        'big': {'size': [300, 500], 'box': [40, 260, 100, 480], 'encoded': s(big_rle), 'area': int(mask_utils.area(big_rle))},
        'polygons': polys,
        'polygon_encoded': [s(r) for r in poly_rles],
        'polygon_area': [int(a) for a in mask_utils.area(poly_rles)],
        'merge_all': s(mask_utils.merge(rles[1:])),
    }


def evaluate(COCO, COCOeval, gt_path, res_path):
    gt = COCO(gt_path)
    dt = gt.loadRes(res_path)
    E = COCOeval(gt, dt, 'segm')
    E.evaluate()
    E.accumulate()
    E.summarize()
    ious = [{'image_id': int(k[0]), 'category_id': int(k[1]), 'ious': np.asarray(v).tolist()} for k, v in sorted(E.ious.items()) if len(v) > 0]
    return [float(v) for v in E.stats], ious


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cocoapi', required=True)
    ap.add_argument('--shims', required=True)
    ap.add_argument('--out', default=os.path.join(HERE, 'cases', 'coco_segm'))
    a = ap.parse_args()
    COCO, COCOeval, mask_utils = load_pycocotools(a.cocoapi, a.shims)
    rng = np.random.default_rng(9901)
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    gt = make_data(rng, mask_utils)
    gt_path = os.path.join(a.out, 'gt.json')
    with open(gt_path, 'w') as f:
        json.dump(gt, f)
    stats = {}
    for name, with_bbox in (('segm_results', False), ('segm_results_bbox', True)):
        res = make_results(rng, gt, mask_utils, with_bbox)
        p = os.path.join(a.out, name + '.json')
        with open(p, 'w') as f:
            json.dump(res, f)
        st, ious = evaluate(COCO, COCOeval, gt_path, p)
        stats[name] = {'num_results': len(res), 'stats': st}
        with open(os.path.join(a.out, name + '_ious.json'), 'w') as f:
            json.dump(ious, f)
    with open(os.path.join(a.out, 'mask_api.json'), 'w') as f:
        json.dump(mask_api_cases(rng, mask_utils), f)
    crowd = sum(x['iscrowd'] for x in gt['annotations'])
    kinds = {'polygon': sum(isinstance(x['segmentation'], list) for x in gt['annotations']),
             'uncompressed RLE (crowd)': sum(isinstance(x['segmentation'], dict) and isinstance(x['segmentation']['counts'], list) for x in gt['annotations']),
             'compressed RLE': sum(isinstance(x['segmentation'], dict) and isinstance(x['segmentation']['counts'], str) for x in gt['annotations'])}
    manifest = {'case': 'coco_segm', 'cocoapi_commit': '8c9bcc3cf640524c4c20a9c40e89cb6a2f2fa0e9', 'seed': 9901,
                'images': len(gt['images']), 'annotations': len(gt['annotations']), 'crowd': crowd, 'segmentation_kinds': kinds, **stats}
    with open(os.path.join(a.out, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    rows = '\n'.join(f"| {n} | {v['num_results']} | {', '.join(f'{x:.6f}' for x in v['stats'])} |" for n, v in stats.items())
    with open(os.path.join(a.out, 'README.md'), 'w') as f:
        f.write(f"""# coco_segm — pycocotools COCOeval(iouType='segm') on synthetic instance masks

- code: cocodataset/cocoapi @ 8c9bcc3cf640524c4c20a9c40e89cb6a2f2fa0e9, the unedited PythonAPI `coco.py`,
  `cocoeval.py`, `mask.py` and `common/maskApi.c`. The Cython glue `_mask.pyx` could not be built here
  (no Cython, no pycocotools package, Debian has no python3-pycocotools): `tools/oracle/gen_segm_eval.py`
  compiles maskApi.c with gcc and calls it through a ctypes module with `_mask`'s functions, so every
  mask operation (rasterising polygons, RLE strings, areas, IoUs) is cocoapi's own C code.
  `np.float` restored as `float`; numpy {np.__version__}.
- run: `gt = COCO('gt.json'); dt = gt.loadRes(results); E = COCOeval(gt, dt, 'segm'); E.evaluate(); E.accumulate(); E.summarize()`, default params.
- data (seed 9901): {len(gt['images'])} images (ids unsorted), {len(gt['annotations'])} annotations in 3 categories:
  {kinds}; {crowd} crowd. `area` is the mask area, some rounded +0.5 like hand-made annotations.
- results: shifted / eroded / dilated copies of gt masks (10% with a wrong class), false-positive
  discs, an empty mask and a score tie, all compressed RLE. `segm_results_bbox.json` also carries a
  `bbox` per result (mmdet's results2json): pycocotools' loadRes then takes the box branch
  (`area` = box w·h), which decides the area ranges of unmatched detections.
- `*_ious.json`: `COCOeval.ious` (non-empty [D × G] matrices by (image, category), detections by score).
- `mask_api.json`: encode / area / toBbox / iou (crowd flags) / polygon rasterisation / merge values of
  small masks, for the mask API tests.

| results | n | stats (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl) |
| --- | --- | --- |
{rows}
""")
    print(json.dumps(stats))


if __name__ == '__main__':
    main()
