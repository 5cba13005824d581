#!/usr/bin/env python3
"""Mask R-CNN / Cascade (Mask) R-CNN oracle cases for HRNet.js, made by running mmdetection 2.x.

Never run by the tests: they only read what this script wrote to tools/oracle/cases/.

    /usr/bin/python3 tools/oracle/gen_mask.py --mmdet-root /tmp/mmdet --shims ../shared/tools/oracle-shims

--mmdet-root holds the UNEDITED `mmdet/` package and `configs/` of mmdetection 2.x (see
tools/oracle/README.md: `git archive` of BitStrawber/mmdetection @ ca11860f, the v2.25.0 bump, whose
Faster R-CNN path reproduces shared/fixtures/det made with v2.28.2). --shims is
shared/tools/oracle-shims: `mmdet_scaffold.py` registers the mmdet modules without mmdet/__init__.py;
`mmcv_min` stands in for mmcv 1.7's compiled ops: `mmcv.ops.RoIAlign` = torchvision.ops.roi_align(
aligned=True) — what mmdet's `roi_layer=dict(type='RoIAlign', output_size=14, sampling_ratio=0)`
means (mmcv's RoIAlign defaults: pool_mode 'avg', aligned True) — and `mmcv.ops.nms` = torchvision nms.

Writes:
  cases/mmdet_mask_rcnn/          tiny MaskRCNN (non-default: 7 classes, 2 mask convs of 12 ch, mask_thr 0.4)
  cases/mmdet_cascade_mask_rcnn/  tiny CascadeRCNN with masks (3 stages, class-agnostic stage coders)
  cases/mmdet_cascade_rcnn/       tiny CascadeRCNN boxes only (class-specific regression in stage 2)
  cases/mmdet_key_manifests/      state_dict names + shapes of the model-zoo configs (mask / cascade)
"""

import argparse
import copy
import importlib.util
import json
import os
import shutil
import sys

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))


def load_helpers():
    spec = importlib.util.spec_from_file_location('gen_extra', os.path.join(HERE, 'gen_extra.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load_config(path):
    """mmcv Config.fromfile stand-in: exec the .py file, merge `_base_` dicts (`_delete_` honoured)."""
    ns = {}
    with open(path) as f:
        exec(compile(f.read(), path, 'exec'), ns)
    cfg = {k: v for k, v in ns.items() if not k.startswith('__') and not callable(v) and not isinstance(v, type(os))}
    bases = cfg.pop('_base_', [])
    bases = [bases] if isinstance(bases, str) else bases
    merged = {}
    for b in bases:
        merged = merge(merged, load_config(os.path.join(os.path.dirname(path), b)))
    return merge(merged, cfg)


def merge(a, b):
    if isinstance(b, dict) and b.get('_delete_'):
        return {k: v for k, v in b.items() if k != '_delete_'}
    if not (isinstance(a, dict) and isinstance(b, dict)):
        return copy.deepcopy(b)
    out = copy.deepcopy(a)
    for k, v in b.items():
        out[k] = merge(out[k], v) if k in out else merge({}, v) if isinstance(v, dict) else copy.deepcopy(v)
    return out


def to_cfg(d):
    from mmcv.utils import ConfigDict
    if isinstance(d, dict):
        return ConfigDict({k: to_cfg(v) for k, v in d.items()})
    if isinstance(d, (list, tuple)):
        return type(d)(to_cfg(v) for v in d)
    return d


def jsonable(d):
    if isinstance(d, dict):
        return {k: jsonable(v) for k, v in d.items()}
    if isinstance(d, (list, tuple)):
        return [jsonable(v) for v in d]
    if isinstance(d, np.ndarray):
        return d.tolist()
    return d


def tiny_backbone(widths):
    st = lambda n, blocks, ch: dict(num_modules=1, num_branches=n, block='BASIC', num_blocks=blocks, num_channels=ch)
    return dict(type='HRNet', extra=dict(
        stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK', num_blocks=(1,), num_channels=(8,)),
        stage2=st(2, (1, 1), tuple(widths[:2])),
        stage3=st(3, (1, 1, 1), tuple(widths[:3])),
        stage4=st(4, (1, 1, 1, 1), tuple(widths))))


def coder(stds):
    return dict(type='DeltaXYWHBBoxCoder', target_means=[0., 0., 0., 0.], target_stds=stds)


def bbox_head(ch, fc, k, stds, agnostic):
    return dict(type='Shared2FCBBoxHead', in_channels=ch, fc_out_channels=fc, roi_feat_size=7, num_classes=k,
                bbox_coder=coder(stds), reg_class_agnostic=agnostic,
                loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
                loss_bbox=dict(type='L1Loss', loss_weight=1.0))


def roi_extractor(ch, size):
    return dict(type='SingleRoIExtractor', roi_layer=dict(type='RoIAlign', output_size=size, sampling_ratio=0),
                out_channels=ch, featmap_strides=[4, 8, 16, 32])


def tiny_model(kind, ch=16, k=7):
    model = dict(
        type='MaskRCNN' if kind == 'mask' else 'CascadeRCNN',
        backbone=tiny_backbone([6, 12, 18, 24]),
        neck=dict(type='HRFPN', in_channels=[6, 12, 18, 24], out_channels=ch, num_outs=5),
        rpn_head=dict(type='RPNHead', in_channels=ch, feat_channels=8,
                      anchor_generator=dict(type='AnchorGenerator', scales=[8], ratios=[0.5, 1.0, 2.0], strides=[4, 8, 16, 32, 64]),
                      bbox_coder=coder([1.0, 1.0, 1.0, 1.0]),
                      loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0),
                      loss_bbox=dict(type='L1Loss', loss_weight=1.0)),
        test_cfg=dict(rpn=dict(nms_pre=400, max_per_img=200, nms=dict(type='nms', iou_threshold=0.7), min_bbox_size=0),
                      rcnn=dict(score_thr=0.05, nms=dict(type='nms', iou_threshold=0.5), max_per_img=25, mask_thr_binary=0.4)))
    mask_head = dict(type='FCNMaskHead', num_convs=2, in_channels=ch, conv_out_channels=12, num_classes=k,
                     loss_mask=dict(type='CrossEntropyLoss', use_mask=True, loss_weight=1.0))
    if kind == 'mask_agnostic':  # class-agnostic masks, one 5×5 conv, 10×10 mask RoIs (20×20 masks)
        model['type'] = 'MaskRCNN'
        model['roi_head'] = dict(type='StandardRoIHead', bbox_roi_extractor=roi_extractor(ch, 7),
                                 bbox_head=bbox_head(ch, 16, k, [0.1, 0.1, 0.2, 0.2], True),
                                 mask_roi_extractor=roi_extractor(ch, 10),
                                 mask_head=dict(mask_head, num_convs=1, conv_kernel_size=5, roi_feat_size=10, class_agnostic=True))
        model['test_cfg']['rcnn']['mask_thr_binary'] = 0.6
        return model
    if kind == 'mask':
        model['roi_head'] = dict(type='StandardRoIHead', bbox_roi_extractor=roi_extractor(ch, 7),
                                 bbox_head=bbox_head(ch, 16, k, [0.1, 0.1, 0.2, 0.2], False),
                                 mask_roi_extractor=roi_extractor(ch, 14), mask_head=mask_head)
    else:
        stages = [bbox_head(ch, 16, k, [0.1, 0.1, 0.2, 0.2], True),
                  bbox_head(ch, 16, k, [0.05, 0.05, 0.1, 0.1], kind == 'cascade'),  # class-specific in the box-only case
                  bbox_head(ch, 16, k, [0.033, 0.033, 0.067, 0.067], True)]
        model['roi_head'] = dict(type='CascadeRoIHead', num_stages=3, stage_loss_weights=[1, 0.5, 0.25],
                                 bbox_roi_extractor=roi_extractor(ch, 7), bbox_head=stages)
        if kind == 'cascade_mask':
            model['roi_head'].update(mask_roi_extractor=roi_extractor(ch, 14), mask_head=mask_head)
        else:
            model['test_cfg']['rcnn'].pop('mask_thr_binary')
    return model


def calibrate_heads(model, x, metas, seed, reg_std=None):
    """One test pass; then logits layers are rescaled so their outputs have a fixed std (scores away
    from saturation and ties) and regression layers shrunk by 10 so boxes stay near their RoIs."""
    targets = {}
    for name, m in model.named_modules():
        if name.endswith('rpn_cls'):
            targets[name] = 1.0
        elif name.endswith('fc_cls'):
            targets[name] = 2.0
        elif name.endswith('conv_logits'):
            targets[name] = 3.0
        elif reg_std is not None and (name.endswith('rpn_reg') or name.endswith('fc_reg')):
            targets[name] = reg_std
    got = {}
    hooks = [m.register_forward_hook(lambda mod, i, o, n=n: None if n in got else got.update({n: o.detach().clone()}))
             for n, m in model.named_modules() if n in targets]
    with torch.no_grad():
        model.simple_test(x, metas, rescale=True)
    for h in hooks:
        h.remove()
    with torch.no_grad():
        for name, m in model.named_modules():
            if (name.endswith('rpn_reg') or name.endswith('fc_reg')) and reg_std is None:
                m.weight.mul_(0.1)
                m.bias.mul_(0.1)
            elif name.endswith('rpn_reg') or name.endswith('fc_reg'):
                s = reg_std / got[name].std().item()
                m.weight.mul_(s)
                m.bias.sub_(got[name].mean(dim=[d for d in range(got[name].dim()) if d != 1])).mul_(s)
                continue
            if name in got:
                o = got[name]
                s = targets[name] / o.std().item()
                m.weight.mul_(s)
                if name.endswith('rpn_cls'):
                    m.bias.mul_(s)
                else:  # centre every class column / channel so that every class gets detections
                    dims = [d for d in range(o.dim()) if d != 1]
                    m.bias.sub_(o.mean(dim=dims)).mul_(s)


def run_test(model, x, metas, rescale, num_classes, kind):
    """simple_test with the detections captured in NMS order (run-time wrappers, no file edited)."""
    rh = model.roi_head
    rec = {}
    if kind in ('mask', 'mask_agnostic'):
        orig = rh.simple_test_bboxes

        def wrapped(*a, **kw):
            b, l = orig(*a, **kw)
            rec['bboxes'], rec['labels'] = b[0].clone(), l[0].clone()
            return b, l
        rh.simple_test_bboxes = wrapped
        heads = [rh.mask_head]
    else:
        heads = []
        orig_get = rh.bbox_head[-1].get_bboxes

        def wrapped_get(*a, **kw):
            b, l = orig_get(*a, **kw)
            rec['bboxes'], rec['labels'] = b.clone(), l.clone()
            return b, l
        rh.bbox_head[-1].get_bboxes = wrapped_get
        if rh.with_mask:
            heads = list(rh.mask_head)
    mask_logits = []
    hooks = [h.register_forward_hook(lambda mod, i, o: None if mask_logits.append(o.detach().clone()) else None) for h in heads]
    prop = {}
    orig_rpn = model.rpn_head.simple_test_rpn

    def rpn_wrapped(*a, **kw):
        p = orig_rpn(*a, **kw)
        prop['p'] = p[0].clone()
        return p
    model.rpn_head.simple_test_rpn = rpn_wrapped
    with torch.no_grad():
        result = model.simple_test(x, metas, rescale=rescale)[0]
    for h in hooks:
        h.remove()
    del model.rpn_head.simple_test_rpn
    if kind in ('mask', 'mask_agnostic'):
        del rh.simple_test_bboxes
    else:
        del rh.bbox_head[-1].get_bboxes
    bboxes, labels = rec['bboxes'].numpy(), rec['labels'].numpy().astype(np.int32)
    out = {'proposals': prop['p'].numpy(), 'det_bboxes': bboxes, 'det_labels': labels}
    if heads:
        bbox_res, segm_res = result
        # bbox2result / get_seg_masks group by class keeping NMS order inside a class: undo that.
        taken = [0] * num_classes
        masks = []
        for i, c in enumerate(labels):
            assert np.array_equal(bbox_res[c][taken[c]], bboxes[i])
            masks.append(segm_res[c][taken[c]])
            taken[c] += 1
        out['masks'] = np.stack(masks).astype(bool) if masks else np.zeros((0, 1, 1), bool)
        idx = np.arange(len(labels))
        # the label channel of each stage's mask logits [N, 28, 28]
        out['mask_logits'] = np.stack([m.numpy()[idx, labels if m.shape[1] > 1 else 0] for m in mask_logits])
    return out


def make_case(helpers, scaffold_b, kind, name, out_dir, seeds, image):
    torch.manual_seed(seeds[0])
    cfg = tiny_model(kind)
    from mmcv.utils import ConfigDict
    model = scaffold_b.build_detector(to_cfg(copy.deepcopy(cfg)), test_cfg=to_cfg(copy.deepcopy(cfg['test_cfg'])))
    model.eval()
    helpers.init_weights(model, seeds[0])
    (pad_h, pad_w), (img_h, img_w), (ori_h, ori_w) = image
    helpers.calibrate_bn(model.backbone, helpers.randn([2, 3, pad_h, pad_w], seeds[1]), seeds[2])
    x = helpers.randn([1, 3, pad_h, pad_w], seeds[3])
    sf = np.array([img_w / ori_w, img_h / ori_h, img_w / ori_w, img_h / ori_h], dtype=np.float32)
    meta = dict(img_shape=(img_h, img_w, 3), ori_shape=(ori_h, ori_w, 3), pad_shape=(pad_h, pad_w, 3),
                scale_factor=sf, flip=False, batch_input_shape=(pad_h, pad_w))
    calibrate_heads(model, x, [meta], seeds[4])
    sd = model.state_dict()
    k = cfg['roi_head']['bbox_head']['num_classes'] if kind in ('mask', 'mask_agnostic') else cfg['roi_head']['bbox_head'][0]['num_classes']
    res = run_test(model, x, [meta], True, k, kind)
    res_noscale = run_test(model, x, [meta], False, k, kind)
    # reload check: a fresh official model with the written weights gives the same detections
    fresh = scaffold_b.build_detector(to_cfg(copy.deepcopy(cfg)), test_cfg=to_cfg(copy.deepcopy(cfg['test_cfg'])))
    fresh.load_state_dict(sd, strict=True)
    fresh.eval()
    again = run_test(fresh, x, [meta], True, k, kind)
    reload_ok = bool(np.array_equal(again['det_bboxes'], res['det_bboxes']))

    case_dir = os.path.join(out_dir, name)
    shutil.rmtree(case_dir, ignore_errors=True)
    os.makedirs(case_dir)
    torch.save(sd, os.path.join(case_dir, 'model.pth'))
    config = dict(cfg)
    config['img_metas'] = [dict(img_shape=[img_h, img_w, 3], ori_shape=[ori_h, ori_w, 3], pad_shape=[pad_h, pad_w, 3],
                                scale_factor=sf.tolist())]
    config['rescale'] = True
    with open(os.path.join(case_dir, 'config.json'), 'w') as f:
        json.dump(jsonable(config), f, indent=1)
        f.write('\n')
    np.save(os.path.join(case_dir, 'input.npy'), x.numpy().astype(np.float32))
    files = {}
    for suffix, r in (('', res), ('_noscale', res_noscale)):
        for key, arr in r.items():
            if suffix and key in ('proposals', 'mask_logits'):
                continue
            if key == 'masks':
                # bit-packed [N, H, W] bool (np.packbits of the C-order flattening) keeps the case small
                np.save(os.path.join(case_dir, f'masks{suffix}_packed.npy'), np.packbits(arr.reshape(-1)))
                files[f'masks{suffix}_packed'] = {'shape': list(arr.shape), 'pixels_set': int(arr.sum())}
            else:
                a = np.ascontiguousarray(arr)
                np.save(os.path.join(case_dir, f'{key}{suffix}.npy'), a)
                files[key + suffix] = {'shape': list(a.shape)}
    scores = res['det_bboxes'][:, 4]
    gaps = np.diff(np.sort(scores))
    manifest = dict(case=name, checkpoint='model.pth', config='config.json', input={'file': 'input.npy', 'shape': list(x.shape)},
                    files=files, reload_identical=reload_ok, num_detections=int(len(scores)),
                    min_score_gap=float(gaps.min()) if len(gaps) else None,
                    labels=sorted(set(res['det_labels'].tolist())), seeds=seeds, env=helpers.ENV)
    with open(os.path.join(case_dir, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    write_readme(case_dir, name, kind, cfg, manifest, meta)
    print(name, json.dumps({k: v for k, v in manifest.items() if k in ('num_detections', 'labels', 'reload_identical', 'min_score_gap')}))


def write_readme(case_dir, name, kind, cfg, manifest, meta):
    what = {'mask': 'MaskRCNN (StandardRoIHead with mask_roi_extractor + FCNMaskHead)',
            'mask_agnostic': 'MaskRCNN, class-agnostic boxes and masks (one 5×5 mask conv, 10×10 mask RoIs → 20×20 masks, mask_thr 0.6)',
            'cascade_mask': 'CascadeRCNN with masks (CascadeRoIHead, 3 stages, one FCNMaskHead per stage)',
            'cascade': 'CascadeRCNN, boxes only (CascadeRoIHead, 3 stages; stage 2 class-specific regression)'}[kind]
    sizes = '\n'.join(f'| {fn} | {os.path.getsize(os.path.join(case_dir, fn))} |' for fn in sorted(os.listdir(case_dir)))
    text = f"""# {name} — mmdetection 2.x {what} on a tiny HRNet + HRFPN

- code: the unedited `mmdet/` package of BitStrawber/mmdetection @ ca11860f4f3c3ca2ce8340e2686eeaec05b29111
  (official history up to "Bump version to v2.25.0"), imported through shared/tools/oracle-shims
  (`mmdet_scaffold.setup`, `setup_detector`, `setup_mask_cascade`; `mmcv_min`: RoIAlign =
  torchvision.ops.roi_align(aligned=True, sampling_ratio=0) — what `roi_layer=dict(type='RoIAlign',
  output_size=…, sampling_ratio=0)` means with mmcv 1.x defaults — and torchvision NMS).
- model: `config.json` (the mmdet model dict, plus the `img_metas[0]` and `rescale` used); built with
  the scaffold's `build_detector`, run with `model.simple_test(input, img_metas, rescale=…)` on CPU, so
  `get_seg_masks` pastes each mask alone (`skip_empty=True`, mmdet's CPU path).
- image meta: padded input {meta['pad_shape'][:2]}, img_shape {meta['img_shape'][:2]}, ori_shape
  {meta['ori_shape'][:2]}, scale_factor {[float(v) for v in meta['scale_factor']]} (float32).
- weights: gen_extra.py's recipe (kaiming-normal conv/linear, BN U(0.5, 1.5) / N(0, 0.1), BN stats
  calibrated on a separate input), seeds {manifest['seeds']}; the mask head's deconv (`nn.ConvTranspose2d`,
  which that recipe does not cover) keeps PyTorch's default init after `torch.manual_seed({manifest['seeds'][0]})`;
  then one test pass rescales `rpn_cls`
  (logit std 1), every `fc_cls` (std 2) and `conv_logits` (std 3), the last two with every class
  column / channel centred, and shrinks `rpn_reg` /
  `fc_reg` by 10, so scores and mask probabilities stay away from saturation and ties.
- a fresh official model loading model.pth reproduces the detections exactly: {manifest['reload_identical']}.
- {manifest['num_detections']} detections, labels {manifest['labels']}, smallest gap between sorted
  scores {manifest['min_score_gap']}.

## Files

- `proposals.npy` [P, 5]: RPN proposals (input coordinates).
- `det_bboxes.npy` [N, 5] / `det_labels.npy` [N] int32: detections in the NMS output order, rescaled
  to the original image (`rescale=True`); `*_noscale` the same with `rescale=False`.
- `masks_packed.npy` (and `masks_noscale_packed.npy`): `np.packbits` of the [N, H, W] bool masks of
  `get_seg_masks`, in the order of `det_bboxes` (regrouped from mmdet's per-class lists, which keep
  the NMS order inside a class); shapes in manifest.json (`rescale=True`: ori_shape; `rescale=False`:
  round(ori_shape × scale_factor), as mmdet computes it).
- `mask_logits.npy` [S, N, M, M]: the mask head output (logits) at each detection's label channel (the only one when class-agnostic),
  one row per mask head run (S = 1 for Mask R-CNN, 3 stages for Cascade Mask R-CNN).

| file | bytes |
| --- | --- |
{sizes}
"""
    with open(os.path.join(case_dir, 'README.md'), 'w') as f:
        f.write(text)


def pipeline_case(helpers, scaffold_b, out_dir, det_pipeline):
    """The mmdet_mask_rcnn architecture on shared/fixtures/det_pipeline's image, as mmdet's test pipeline
    feeds it (its README: network input rebuilt from resized.png + normalize_lut.npy, checked by
    sha256; img_metas.json as Collect gave them). Outputs only: detections + masks on the 500×375
    original image, for the library `detect()` and CLI `hrnet detect` tests."""
    import hashlib
    import cv2
    cfg = tiny_model('mask')
    torch.manual_seed(9400)  # PyTorch's default init of what init_weights leaves alone (the deconv)
    model = scaffold_b.build_detector(to_cfg(copy.deepcopy(cfg)), test_cfg=to_cfg(copy.deepcopy(cfg['test_cfg'])))
    model.eval()
    rgb = cv2.cvtColor(cv2.imread(os.path.join(det_pipeline, 'resized.png'), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    lut = np.load(os.path.join(det_pipeline, 'normalize_lut.npy'))
    with open(os.path.join(det_pipeline, 'img_metas.json')) as f:
        meta = json.load(f)['img_metas'][0]
    ph, pw = meta['pad_shape'][:2]
    x = np.zeros((1, 3, ph, pw), np.float32)
    h, w = rgb.shape[:2]
    for c in range(3):
        x[0, c, :h, :w] = lut[c][rgb[:, :, c]]
    digest = hashlib.sha256(x.tobytes()).hexdigest()
    assert digest == 'd150567df7d0aa4101e7c42d97f50980f1b98c00bdb717ec7550e1f32faf6368', digest
    meta = dict(meta, scale_factor=np.array(meta['scale_factor'], dtype=np.float32), ori_shape=tuple(meta['ori_shape']),
                img_shape=tuple(meta['img_shape']), pad_shape=tuple(meta['pad_shape']), batch_input_shape=tuple(meta['batch_input_shape']))
    xt = torch.from_numpy(x)
    # Weights as the other cases, but BN statistics and head scales calibrated on THIS input (a real
    # image): with statistics of N(0,1) noise the activations explode and decisions become chaotic.
    helpers.init_weights(model, 9401)
    helpers.calibrate_bn(model.backbone, xt, 9402)
    calibrate_heads(model, xt, [meta], 9403, reg_std=0.3)
    res = run_test(model, xt, [meta], True, 7, 'mask')
    case_dir = os.path.join(out_dir, 'mmdet_mask_rcnn_pipeline')
    shutil.rmtree(case_dir, ignore_errors=True)
    os.makedirs(case_dir)
    torch.save(model.state_dict(), os.path.join(case_dir, 'model.pth'))
    config = dict(cfg)
    with open(os.path.join(case_dir, 'config.json'), 'w') as f:
        json.dump(jsonable(config), f, indent=1)
        f.write('\n')
    np.save(os.path.join(case_dir, 'det_bboxes.npy'), res['det_bboxes'])
    np.save(os.path.join(case_dir, 'det_labels.npy'), res['det_labels'])
    np.save(os.path.join(case_dir, 'masks_packed.npy'), np.packbits(res['masks'].reshape(-1)))
    manifest = dict(case='mmdet_mask_rcnn_pipeline', checkpoint='model.pth', config='config.json',
                    image='shared/fixtures/det_pipeline/image.png', input_sha256=digest,
                    files={'det_bboxes': {'shape': list(res['det_bboxes'].shape)}, 'det_labels': {'shape': list(res['det_labels'].shape)},
                           'masks_packed': {'shape': list(res['masks'].shape), 'pixels_set': int(res['masks'].sum())}},
                    labels=sorted(set(res['det_labels'].tolist())))
    with open(os.path.join(case_dir, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    with open(os.path.join(case_dir, 'README.md'), 'w') as f:
        f.write(f"""# mmdet_mask_rcnn_pipeline — a tiny Mask R-CNN on a real image through mmdet's test pipeline

- model: `config.json` (the mmdet_mask_rcnn architecture, no img_metas: the pipeline gives them) and
  `model.pth`: the same weight recipe (seed 9401; deconv: PyTorch's default init after torch.manual_seed(9400)) but BN statistics (noise seed 9402) and head scales
  calibrated on this very input, since statistics of N(0, 1) noise make a real image's activations
  explode and the detections chaotic; here `rpn_reg` / `fc_reg` are also centred and scaled to
  output std 0.3 (instead of × 0.1) so the boxes stay box-shaped.
- image: `shared/fixtures/det_pipeline/image.png` (500×375). The network input is the one mmdet's test
  pipeline made of it (Resize 1333×800 keep-ratio, Normalize, Pad /32 → [1, 3, 800, 1088]), rebuilt as
  that fixture's README says from resized.png + normalize_lut.npy and checked against its sha256
  ({digest}); img_metas = its img_metas.json (ori 375×500, scale_factor ≈ 2.134 / 2.133).
- run: `model.simple_test(input, img_metas, rescale=True)` (CPU, so get_seg_masks pastes one mask at a time).
- outputs: `det_bboxes.npy` [N, 5] / `det_labels.npy` in NMS order on the original image; `masks_packed.npy`
  = np.packbits of the [N, 375, 500] bool masks in the same order. {len(res['det_labels'])} detections, labels {manifest['labels']}.
""")
    print('mmdet_mask_rcnn_pipeline', len(res['det_labels']), manifest['labels'])


def mask_train_case(helpers, mmdet_root, out_dir):
    """Mask-head training pieces of mmdet 2.x: `mask_target` (real core/mask/structures.py
    BitmapMasks.crop_and_resize) and `FCNMaskHead.loss` + its gradients, with the mask head of
    the mmdet_mask_rcnn case."""
    import types as _types
    if 'pycocotools.mask' not in sys.modules:  # structures.py imports it; only polygon masks use it
        pc = _types.ModuleType('pycocotools')
        pc.__path__ = []
        sys.modules['pycocotools'] = pc
        sys.modules['pycocotools.mask'] = _types.ModuleType('pycocotools.mask')
    pkg = os.path.join(mmdet_root, 'mmdet')
    spec = importlib.util.spec_from_file_location('mmdet.core.mask.structures', os.path.join(pkg, 'core', 'mask', 'structures.py'))
    structures = importlib.util.module_from_spec(spec)
    sys.modules['mmdet.core.mask.structures'] = structures
    spec.loader.exec_module(structures)
    mask_target = sys.modules['mmdet.core.mask.mask_target'].mask_target
    from mmcv.utils import ConfigDict
    fcn = sys.modules['mmdet.models.roi_heads.mask_heads.fcn_mask_head'].FCNMaskHead
    head = fcn(num_convs=2, in_channels=16, conv_out_channels=12, num_classes=7)
    sd = torch.load(os.path.join(out_dir, 'mmdet_mask_rcnn', 'model.pth'))
    head.load_state_dict({k[len('roi_head.mask_head.'):]: v for k, v in sd.items() if k.startswith('roi_head.mask_head.')}, strict=True)
    head.train()

    g = torch.Generator().manual_seed(9501)
    H, W = 60, 80
    yy, xx = np.mgrid[0:H, 0:W]
    blobs = [((xx - 20) ** 2 / 144 + (yy - 25) ** 2 / 100) < 1, (np.abs(xx - 55) < 14) & (np.abs(yy - 30) < 20) & ((xx + yy) % 7 != 0),
             ((xx - 40) ** 2 + (yy - 45) ** 2) < 90]
    gt = np.stack(blobs).astype(np.uint8)
    gt_masks = structures.BitmapMasks(gt, H, W)
    proposals = torch.tensor([[8.3, 14.1, 33.7, 36.2], [5.0, 10.0, 30.5, 40.0], [40.2, 9.6, 70.1, 50.3], [38.0, 12.0, 75.5, 47.0],
                              [28.4, 33.3, 52.9, 58.8], [-6.0, -3.5, 24.0, 30.0], [60.0, 20.0, 91.0, 66.0], [30.1, 36.0, 50.2, 54.3],
                              [12.0, 18.0, 13.0, 19.5]], dtype=torch.float32)
    inds = torch.tensor([0, 0, 1, 1, 2, 0, 1, 2, 0])
    labels = torch.tensor([3, 3, 0, 6, 2, 3, 0, 5, 1])
    cfg = ConfigDict(mask_size=28)
    targets = mask_target([proposals], [inds], [gt_masks], cfg)
    feats = torch.randn((len(proposals), 16, 14, 14), generator=g)
    mask_pred = head(feats)
    loss = head.loss(mask_pred, targets, labels)['loss_mask']
    head.zero_grad()
    loss.backward()
    grads = {k: v.grad.detach().clone() for k, v in head.named_parameters()}

    case_dir = os.path.join(out_dir, 'mmdet_mask_train')
    shutil.rmtree(case_dir, ignore_errors=True)
    os.makedirs(case_dir)
    np.save(os.path.join(case_dir, 'gt_masks_packed.npy'), np.packbits(gt.astype(bool).reshape(-1)))
    np.save(os.path.join(case_dir, 'proposals.npy'), proposals.numpy())
    np.save(os.path.join(case_dir, 'assigned_gt_inds.npy'), inds.numpy().astype(np.int32))
    np.save(os.path.join(case_dir, 'labels.npy'), labels.numpy().astype(np.int32))
    np.save(os.path.join(case_dir, 'mask_feats.npy'), feats.numpy())
    np.save(os.path.join(case_dir, 'mask_targets_packed.npy'), np.packbits(targets.numpy().astype(bool).reshape(-1)))
    for k, v in grads.items():
        np.save(os.path.join(case_dir, f'grad_{k}.npy'), v.numpy())
    manifest = dict(case='mmdet_mask_train', mask_head='../mmdet_mask_rcnn/model.pth (roi_head.mask_head.*)', gt_masks_shape=[3, H, W],
                    mask_targets_shape=list(targets.shape), mask_target_pixels=int(targets.sum().item()), loss_mask=float(loss.item()),
                    grads=sorted(grads.keys()), seed=9501)
    with open(os.path.join(case_dir, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    with open(os.path.join(case_dir, 'README.md'), 'w') as f:
        f.write(f"""# mmdet_mask_train — mmdet 2.x mask targets, mask loss and its gradients

- code: mmdetection (BitStrawber/mmdetection @ ca11860f, v2.25.0 history) `core/mask/mask_target.py` with the real
  `core/mask/structures.py` `BitmapMasks` (its `crop_and_resize` = mmcv `roi_align(aligned=True)`, here torchvision's), and
  `FCNMaskHead.loss` (`CrossEntropyLoss(use_mask=True)`: BCE with logits of each RoI's label channel, mean over pixels).
  `pycocotools.mask`, which structures.py imports for polygon masks only, is an empty module here.
- inputs: 3 gt bitmaps of a 60×80 canvas (ellipse, hatched rectangle, disc), 9 positive proposals (two partly outside the
  canvas: mask_target clips them; one 1×1.5 px), their assigned gt indices and labels; RoI features N(0, 1) [9, 16, 14, 14]
  (seed 9501); the mask head (2 convs of 12 ch, 7 classes) of ../mmdet_mask_rcnn/model.pth in train mode.
- outputs: `mask_targets_packed.npy` (np.packbits of [9, 28, 28]), loss_mask = {float(loss.item())!r} (manifest.json),
  `grad_<param>.npy` = d loss / d param for every mask-head parameter.
""")
    print('mmdet_mask_train', float(loss.item()), int(targets.sum().item()))


def key_manifests(scaffold_b, mmdet_root, out_dir):
    """state_dict names + shapes of the HRNet model-zoo configs (built with random init, never run)."""
    d = os.path.join(out_dir, 'mmdet_key_manifests')
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for cfg_name in ('mask_rcnn_hrnetv2p_w18_1x_coco', 'mask_rcnn_hrnetv2p_w32_1x_coco', 'mask_rcnn_hrnetv2p_w40_1x_coco',
                     'cascade_rcnn_hrnetv2p_w32_20e_coco', 'cascade_mask_rcnn_hrnetv2p_w18_20e_coco',
                     'cascade_mask_rcnn_hrnetv2p_w32_20e_coco', 'cascade_mask_rcnn_hrnetv2p_w40_20e_coco'):
        cfg = load_config(os.path.join(mmdet_root, 'configs', 'hrnet', cfg_name + '.py'))['model']
        cfg['backbone'].pop('init_cfg', None)
        cfg.pop('train_cfg', None)  # assigners / samplers are training-only and not in the scaffold
        model = scaffold_b.build_detector(to_cfg(cfg), test_cfg=to_cfg(cfg.get('test_cfg')))
        sd = model.state_dict()
        with open(os.path.join(d, cfg_name + '.json'), 'w') as f:
            json.dump({'config': f'configs/hrnet/{cfg_name}.py', 'keys': [[k, list(v.shape)] for k, v in sd.items()]}, f)
            f.write('\n')
        print(cfg_name, len(sd))
        del model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mmdet-root', required=True)
    ap.add_argument('--shims', required=True)
    ap.add_argument('--out', default=os.path.join(HERE, 'cases'))
    ap.add_argument('--only', default='')
    a = ap.parse_args()
    sys.path.insert(0, a.shims)
    import mmdet_scaffold
    mmdet_scaffold.setup(a.mmdet_root, os.path.join(a.shims, 'mmcv_min'))
    mmdet_scaffold.setup_detector(a.mmdet_root)
    b = mmdet_scaffold.setup_mask_cascade(a.mmdet_root)
    helpers = load_helpers()
    torch.use_deterministic_algorithms(False)
    only = set(filter(None, a.only.split(',')))
    image = ((160, 224), (150, 213), (120, 170))
    if not only or 'mask' in only:
        make_case(helpers, b, 'mask', 'mmdet_mask_rcnn', a.out, [9101, 9102, 9103, 9104, 9105], image)
    if not only or 'cascade_mask' in only:
        make_case(helpers, b, 'cascade_mask', 'mmdet_cascade_mask_rcnn', a.out, [9201, 9202, 9203, 9204, 9205],
                  ((192, 160), (180, 150), (200, 167)))
    if not only or 'mask_agnostic' in only:
        make_case(helpers, b, 'mask_agnostic', 'mmdet_mask_rcnn_agnostic', a.out, [9601, 9602, 9603, 9604, 9605],
                  ((128, 96), (121, 90), (97, 72)))
    if not only or 'cascade' in only:
        make_case(helpers, b, 'cascade', 'mmdet_cascade_rcnn', a.out, [9301, 9302, 9303, 9304, 9305], image)
    if not only or 'pipeline' in only:
        pipeline_case(helpers, b, a.out, os.path.join(a.shims, '..', '..', 'fixtures', 'det_pipeline'))
    if not only or 'train' in only:
        mask_train_case(helpers, a.mmdet_root, a.out)
    if not only or 'keys' in only:
        key_manifests(b, a.mmdet_root, a.out)


if __name__ == '__main__':
    main()
