#!/usr/bin/env python3
"""Hybrid Task Cascade oracle cases for HRNet.js, made by running mmdetection 2.x.

Never run by the tests: they only read what this script wrote to tools/oracle/cases/.

    /usr/bin/python3 tools/oracle/gen_htc.py --mmdet-root /tmp/mmdet --shims ../shared/tools/oracle-shims

--mmdet-root and --shims as for gen_mask.py (the unedited `mmdet/` + `configs/` of
BitStrawber/mmdetection @ ca11860f = v2.25.0 history; shared/tools/oracle-shims). On top of
`mmdet_scaffold.setup_mask_cascade` this script loads the real HTC files:
models/utils/brick_wrappers.py, roi_heads/mask_heads/{htc_mask_head,fused_semantic_head}.py,
roi_heads/htc_roi_head.py, detectors/htc.py. Run-time stand-ins (here only, no file edited):
`mmcv.cnn.bricks.wrappers` with mmcv 1.7's `obsolete_torch_version` (and a `NewEmptyTensorOp`
that is only reached for empty inputs, which never happen here).

Writes:
  cases/mmdet_htc/               semantic branch fused into bbox and mask features, 3 stages, info flow, 4 classes
  cases/mmdet_htc_nosemantic/    no semantic branch, 2 classes, other widths, class-specific stage 2
  cases/mmdet_htc_bbox_fusion/   semantic fused into bbox features only (6×6 bbox RoIs: uneven adaptive pooling),
                                 fusion_level 0, mask_info_flow False, 2 stages, class-agnostic masks
  cases/mmdet_htc_pipeline/      the mmdet_htc architecture on shared/fixtures/det_pipeline/image.png
  cases/mmdet_key_manifests/htc_hrnetv2p_{w18,w32,w40}_20e_coco.json   state_dict names + shapes of the
                                 model-zoo HTC configs (w40_28e: checked equal to w40_20e)
"""

import argparse
import copy
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import types

import numpy as np
import torch

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))


def load_module(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def setup_htc(scaffold, mmdet_root):
    """The HTC files of mmdet 2.x on top of setup_mask_cascade (which must have run)."""
    pkg = os.path.join(mmdet_root, 'mmdet')
    j = lambda *p: os.path.join(pkg, *p)  # noqa: E731
    if 'mmcv.cnn.bricks.wrappers' not in sys.modules:
        import mmcv.cnn
        bricks = types.ModuleType('mmcv.cnn.bricks')
        bricks.__path__ = []
        wrappers = types.ModuleType('mmcv.cnn.bricks.wrappers')

        def obsolete_torch_version(torch_version, version_threshold):  # mmcv 1.7 cnn/bricks/wrappers.py
            return torch_version == 'parrots' or torch_version <= version_threshold

        class NewEmptyTensorOp(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x, new_shape):
                raise NotImplementedError('empty RoI batches never happen in these cases')

        wrappers.obsolete_torch_version = obsolete_torch_version
        wrappers.NewEmptyTensorOp = NewEmptyTensorOp
        sys.modules['mmcv.cnn.bricks'] = bricks
        sys.modules['mmcv.cnn.bricks.wrappers'] = wrappers
        mmcv.cnn.bricks = bricks
    scaffold._load('mmdet.models.utils.brick_wrappers', j('models', 'utils', 'brick_wrappers.py'))
    for m in ('htc_mask_head', 'fused_semantic_head'):
        scaffold._load('mmdet.models.roi_heads.mask_heads.' + m, j('models', 'roi_heads', 'mask_heads', m + '.py'))
    scaffold._load('mmdet.models.roi_heads.htc_roi_head', j('models', 'roi_heads', 'htc_roi_head.py'))
    scaffold._load('mmdet.models.detectors.htc', j('models', 'detectors', 'htc.py'))


def htc_mask_head(ch, conv_ch, k, conv_res, **kw):
    return dict(type='HTCMaskHead', with_conv_res=conv_res, num_convs=2, in_channels=ch, conv_out_channels=conv_ch, num_classes=k,
                loss_mask=dict(type='CrossEntropyLoss', use_mask=True, loss_weight=1.0), **kw)


def fcn_mask_head(ch, conv_ch, k, **kw):
    head = htc_mask_head(ch, conv_ch, k, False, **kw)
    del head['with_conv_res']
    return dict(head, type='FCNMaskHead')


def tiny_htc(gm, kind):
    """Tiny HTC dicts. `gm` is gen_mask.py (its tiny backbone / head / extractor dict builders)."""
    if kind in ('htc', 'pipeline'):
        widths, ch, k, conv_ch = [6, 12, 18, 24], 16, 4, 16
    elif kind == 'nosemantic':
        widths, ch, k, conv_ch = [8, 10, 12, 14], 12, 2, 12
    else:  # bbox_fusion
        widths, ch, k, conv_ch = [6, 10, 14, 20], 16, 3, 8
    stds = [[0.1, 0.1, 0.2, 0.2], [0.05, 0.05, 0.1, 0.1], [0.033, 0.033, 0.067, 0.067]]
    model = dict(
        type='HybridTaskCascade',
        backbone=gm.tiny_backbone(widths),
        neck=dict(type='HRFPN', in_channels=widths, out_channels=ch, num_outs=5),
        rpn_head=dict(type='RPNHead', in_channels=ch, feat_channels=8,
                      anchor_generator=dict(type='AnchorGenerator', scales=[8], ratios=[0.5, 1.0, 2.0], strides=[4, 8, 16, 32, 64]),
                      bbox_coder=gm.coder([1.0, 1.0, 1.0, 1.0]),
                      loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0),
                      loss_bbox=dict(type='L1Loss', loss_weight=1.0)),
        test_cfg=dict(rpn=dict(nms_pre=400, max_per_img=200, nms=dict(type='nms', iou_threshold=0.7), min_bbox_size=0),
                      rcnn=dict(score_thr=0.05, nms=dict(type='nms', iou_threshold=0.5), max_per_img=25, mask_thr_binary=0.5)))
    if kind in ('htc', 'pipeline'):
        roi = dict(type='HybridTaskCascadeRoIHead', interleaved=True, mask_info_flow=True, num_stages=3,
                   stage_loss_weights=[1, 0.5, 0.25], bbox_roi_extractor=gm.roi_extractor(ch, 7),
                   bbox_head=[gm.bbox_head(ch, 16, k, s, True) for s in stds],
                   mask_roi_extractor=gm.roi_extractor(ch, 14),
                   mask_head=[htc_mask_head(ch, conv_ch, k, i > 0) for i in range(3)],
                   semantic_roi_extractor=dict(type='SingleRoIExtractor', roi_layer=dict(type='RoIAlign', output_size=14, sampling_ratio=0),
                                               out_channels=ch, featmap_strides=[8]),
                   semantic_head=dict(type='FusedSemanticHead', num_ins=5, fusion_level=1, num_convs=2, in_channels=ch,
                                      conv_out_channels=ch, num_classes=5,
                                      loss_seg=dict(type='CrossEntropyLoss', ignore_index=255, loss_weight=0.2)))
        model['test_cfg']['rcnn']['mask_thr_binary'] = 0.45
    elif kind == 'nosemantic':
        roi = dict(type='HybridTaskCascadeRoIHead', interleaved=True, mask_info_flow=True, num_stages=3,
                   stage_loss_weights=[1, 0.5, 0.25], bbox_roi_extractor=gm.roi_extractor(ch, 7),
                   bbox_head=[gm.bbox_head(ch, 16, k, s, i != 1) for i, s in enumerate(stds)],
                   mask_roi_extractor=gm.roi_extractor(ch, 14),
                   mask_head=[htc_mask_head(ch, conv_ch, k, i > 0) for i in range(3)])
    else:
        roi = dict(type='HybridTaskCascadeRoIHead', interleaved=True, mask_info_flow=False, num_stages=2,
                   stage_loss_weights=[1, 0.5], semantic_fusion=('bbox',), bbox_roi_extractor=gm.roi_extractor(ch, 6),
                   bbox_head=[dict(gm.bbox_head(ch, 16, k, s, True), roi_feat_size=6) for s in stds[:2]],
                   mask_roi_extractor=gm.roi_extractor(ch, 14),
                   # FCNMaskHead: HTCMaskHead returns [logits, feat] and simple_test's mask_info_flow=False branch
                   # then fails (`list` has no `split`), so a config without information flow uses plain heads
                   mask_head=[fcn_mask_head(ch, conv_ch, k, class_agnostic=True) for _ in range(2)],
                   semantic_roi_extractor=dict(type='SingleRoIExtractor', roi_layer=dict(type='RoIAlign', output_size=14, sampling_ratio=0),
                                               out_channels=ch, featmap_strides=[4]),
                   semantic_head=dict(type='FusedSemanticHead', num_ins=5, fusion_level=0, num_convs=1, in_channels=ch,
                                      conv_out_channels=ch, num_classes=3,
                                      loss_seg=dict(type='CrossEntropyLoss', ignore_index=255, loss_weight=0.2)))
        model['test_cfg']['rcnn']['score_thr'] = 0.1
    model['roi_head'] = roi
    return model


def build(scaffold_b, gm, cfg):
    model = scaffold_b.build_detector(gm.to_cfg(copy.deepcopy(cfg)), test_cfg=gm.to_cfg(copy.deepcopy(cfg['test_cfg'])))
    model.eval()
    return model


def run_test(model, x, metas, rescale, num_classes):
    """simple_test with the detections captured in NMS order, each stage's mask logits (mask heads
    return [logits, feat]) and the semantic feature (run-time hooks / wrappers, no file edited)."""
    rh = model.roi_head
    rec = {}
    orig_get = rh.bbox_head[-1].get_bboxes

    def wrapped_get(*a, **kw):
        b, l = orig_get(*a, **kw)
        rec['bboxes'], rec['labels'] = b.clone(), l.clone()
        return b, l
    rh.bbox_head[-1].get_bboxes = wrapped_get
    mask_logits = []
    hooks = [h.register_forward_hook(lambda mod, i, o: mask_logits.append((o[0] if isinstance(o, (list, tuple)) else o).detach().clone()))
             for h in rh.mask_head]
    semantic = []
    if rh.with_semantic:
        hooks.append(rh.semantic_head.register_forward_hook(lambda mod, i, o: semantic.append(o[1].detach().clone())))
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
    del rh.bbox_head[-1].get_bboxes
    bboxes, labels = rec['bboxes'].numpy(), rec['labels'].numpy().astype(np.int32)
    out = {'proposals': prop['p'].numpy(), 'det_bboxes': bboxes, 'det_labels': labels}
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
    out['mask_logits'] = np.stack([m.numpy()[idx, labels if m.shape[1] > 1 else 0] for m in mask_logits])
    if semantic:
        out['semantic_feat'] = semantic[0].numpy()
    return out


WHAT = {
    'htc': 'HybridTaskCascade with the semantic branch fused into bbox and mask RoI features (FusedSemanticHead: 5 levels '
           'fused at level 1 (stride 8), 2 convs, 5 semantic classes; semantic RoIs 14×14 pooled to 7×7 for the bbox heads), '
           '3 stages, mask_info_flow, interleaved, 4 classes, mask_thr 0.45',
    'nosemantic': 'HybridTaskCascade without a semantic branch: 3 stages (stage 2 class-specific regression), mask_info_flow, '
                  '2 classes, HRNet widths 8/10/12/14, 12 neck and mask-conv channels',
    'bbox_fusion': "HybridTaskCascade with semantic_fusion=('bbox',) only: FusedSemanticHead fused at level 0 (stride 4), 1 conv, "
                   '3 semantic classes; 6×6 bbox RoIs (14×14 semantic RoIs adaptive-average-pooled with uneven bins); '
                   'mask_info_flow False (with plain FCNMaskHead heads, 8-channel convs), 2 stages, class-agnostic masks, score_thr 0.1, 3 classes',
}


def recalibrate_logits(model, x, metas, passes=3):
    """gen_mask.py's calibrate_heads rescales every logits layer from ONE test pass, made before the
    RPN was calibrated (a few dozen proposals) and before the regression layers were shrunk; the later
    stages then see other RoIs and their class logits drift far from centred (saturated, tied scores).
    So `fc_cls` (std 2) and `conv_logits` (std 3) are re-centred per class and rescaled from a fresh
    test pass, `passes` times."""
    targets = {n: 2.0 if n.endswith('fc_cls') else 3.0 for n, _ in model.named_modules() if n.endswith('fc_cls') or n.endswith('conv_logits')}
    for _ in range(passes):
        got = {}
        hooks = [m.register_forward_hook(lambda mod, i, o, n=n: None if n in got else got.update({n: o.detach().clone()}))
                 for n, m in model.named_modules() if n in targets]
        with torch.no_grad():
            model.simple_test(x, metas, rescale=True)
        for h in hooks:
            h.remove()
        with torch.no_grad():
            for name, m in model.named_modules():
                if name in got:
                    o = got[name]
                    dims = [d for d in range(o.dim()) if d != 1]
                    mean = o.mean(dim=dims)
                    s = targets[name] / (o - mean.view([-1 if d == 1 else 1 for d in range(o.dim())])).std().item()
                    m.weight.mul_(s)
                    m.bias.sub_(mean).mul_(s)


def make_case(gm, helpers, scaffold_b, kind, name, out_dir, seeds, image):
    torch.manual_seed(seeds[0])  # PyTorch's default init of what init_weights leaves alone (the deconvs)
    cfg = tiny_htc(gm, kind)
    model = build(scaffold_b, gm, cfg)
    helpers.init_weights(model, seeds[0])
    (pad_h, pad_w), (img_h, img_w), (ori_h, ori_w) = image
    helpers.calibrate_bn(model.backbone, helpers.randn([2, 3, pad_h, pad_w], seeds[1]), seeds[2])
    x = helpers.randn([1, 3, pad_h, pad_w], seeds[3])
    sf = np.array([img_w / ori_w, img_h / ori_h, img_w / ori_w, img_h / ori_h], dtype=np.float32)
    meta = dict(img_shape=(img_h, img_w, 3), ori_shape=(ori_h, ori_w, 3), pad_shape=(pad_h, pad_w, 3),
                scale_factor=sf, flip=False, batch_input_shape=(pad_h, pad_w))
    gm.calibrate_heads(model, x, [meta], seeds[4])
    recalibrate_logits(model, x, [meta])
    sd = model.state_dict()
    k = cfg['roi_head']['bbox_head'][0]['num_classes']
    res = run_test(model, x, [meta], True, k)
    res_noscale = run_test(model, x, [meta], False, k)
    fresh = build(scaffold_b, gm, cfg)
    fresh.load_state_dict(sd, strict=True)
    again = run_test(fresh, x, [meta], True, k)
    reload_ok = bool(np.array_equal(again['det_bboxes'], res['det_bboxes']) and np.array_equal(again['masks'], res['masks']))

    case_dir = os.path.join(out_dir, name)
    shutil.rmtree(case_dir, ignore_errors=True)
    os.makedirs(case_dir)
    torch.save(sd, os.path.join(case_dir, 'model.pth'))
    config = dict(cfg)
    config['img_metas'] = [dict(img_shape=[img_h, img_w, 3], ori_shape=[ori_h, ori_w, 3], pad_shape=[pad_h, pad_w, 3],
                                scale_factor=sf.tolist())]
    config['rescale'] = True
    with open(os.path.join(case_dir, 'config.json'), 'w') as f:
        json.dump(gm.jsonable(config), f, indent=1)
        f.write('\n')
    np.save(os.path.join(case_dir, 'input.npy'), x.numpy().astype(np.float32))
    files = {}
    for suffix, r in (('', res), ('_noscale', res_noscale)):
        for key, arr in r.items():
            if suffix and key in ('proposals', 'mask_logits', 'semantic_feat'):
                continue
            if key == 'masks':
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
    write_readme(case_dir, name, kind, manifest, meta)
    print(name, json.dumps({k: v for k, v in manifest.items() if k in ('num_detections', 'labels', 'reload_identical', 'min_score_gap')}))


def write_readme(case_dir, name, kind, manifest, meta):
    sizes = '\n'.join(f'| {fn} | {os.path.getsize(os.path.join(case_dir, fn))} |' for fn in sorted(os.listdir(case_dir)))
    semantic = '\n- `semantic_feat.npy` [1, C, h, w]: the semantic head\'s embedded feature (`conv_embedding` output) the RoI heads pool.' \
        if 'semantic_feat' in manifest['files'] else ''
    text = f"""# {name} — mmdetection 2.x Hybrid Task Cascade on a tiny HRNet + HRFPN

- model: {WHAT[kind]}. `config.json` is the mmdet model dict (+ `img_metas`, `rescale`) the model was built from.
- code: the unedited `mmdet/` package of BitStrawber/mmdetection @ ca11860f4f3c3ca2ce8340e2686eeaec05b29111
  (official history up to "Bump version to v2.25.0"): `HybridTaskCascade` (detectors/htc.py),
  `HybridTaskCascadeRoIHead` (roi_heads/htc_roi_head.py), `HTCMaskHead`, `FusedSemanticHead`, on top of
  what gen_mask.py uses, imported through shared/tools/oracle-shims (`mmcv_min`: RoIAlign =
  torchvision.ops.roi_align(aligned=True), NMS = torchvision's) by tools/oracle/gen_htc.py.
- run: `model.simple_test(input, [img_meta], rescale=True)` and again with `rescale=False`, CPU, float32, 1 thread.
- image meta: padded input {meta['pad_shape'][:2]}, img_shape {meta['img_shape'][:2]}, ori_shape
  {meta['ori_shape'][:2]}, scale_factor {[float(v) for v in meta['scale_factor']]} (float32).
- weights: gen_extra.py's recipe (kaiming-normal conv/linear, BN U(0.5, 1.5) / N(0, 0.1), BN stats
  calibrated on a separate input), seeds {manifest['seeds']}; the mask heads' deconvs keep PyTorch's default
  init after `torch.manual_seed({manifest['seeds'][0]})`; then gen_mask.py's `calibrate_heads` (one test pass;
  `rpn_cls` to logit std 1, every `fc_cls` to std 2 and `conv_logits` to std 3 with each class centred,
  `rpn_reg` / `fc_reg` × 0.1).
- a fresh official model loading model.pth reproduces the detections and masks exactly: {manifest['reload_identical']}.
- {manifest['num_detections']} detections, labels {manifest['labels']}, smallest gap between sorted scores {manifest['min_score_gap']}.

## Files

- `proposals.npy` [P, 5]: RPN proposals (input coordinates).
- `det_bboxes.npy` [N, 5] / `det_labels.npy` [N] int32: detections in the NMS output order, rescaled
  to the original image (`rescale=True`); `*_noscale` the same with `rescale=False`.
- `masks_packed.npy` (and `masks_noscale_packed.npy`): `np.packbits` of the [N, H, W] bool masks of
  `get_seg_masks` (stage-averaged sigmoid probabilities, `merge_aug_masks`), in the order of `det_bboxes`;
  shapes in manifest.json.
- `mask_logits.npy` [S, N, M, M]: each stage's mask head output (logits, with the mask information flow of
  the stages before it) at each detection's label channel (the only one when class-agnostic).{semantic}

| file | bytes |
| --- | --- |
{sizes}
"""
    with open(os.path.join(case_dir, 'README.md'), 'w') as f:
        f.write(text)


def pipeline_case(gm, helpers, scaffold_b, out_dir, det_pipeline):
    """The mmdet_htc architecture on shared/fixtures/det_pipeline's image as mmdet's test pipeline
    feeds it (input rebuilt from resized.png + normalize_lut.npy and checked by sha256, as
    gen_mask.py's pipeline case). Detections + masks on the 500×375 original image only."""
    import cv2
    cfg = tiny_htc(gm, 'pipeline')
    torch.manual_seed(9740)
    model = build(scaffold_b, gm, cfg)
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
    helpers.init_weights(model, 9741)
    helpers.calibrate_bn(model.backbone, xt, 9742)
    gm.calibrate_heads(model, xt, [meta], 9743, reg_std=0.3)
    recalibrate_logits(model, xt, [meta])
    k = cfg['roi_head']['bbox_head'][0]['num_classes']
    res = run_test(model, xt, [meta], True, k)
    case_dir = os.path.join(out_dir, 'mmdet_htc_pipeline')
    shutil.rmtree(case_dir, ignore_errors=True)
    os.makedirs(case_dir)
    torch.save(model.state_dict(), os.path.join(case_dir, 'model.pth'))
    with open(os.path.join(case_dir, 'config.json'), 'w') as f:
        json.dump(gm.jsonable(dict(cfg)), f, indent=1)
        f.write('\n')
    np.save(os.path.join(case_dir, 'det_bboxes.npy'), res['det_bboxes'])
    np.save(os.path.join(case_dir, 'det_labels.npy'), res['det_labels'])
    np.save(os.path.join(case_dir, 'masks_packed.npy'), np.packbits(res['masks'].reshape(-1)))
    manifest = dict(case='mmdet_htc_pipeline', checkpoint='model.pth', config='config.json',
                    image='shared/fixtures/det_pipeline/image.png', input_sha256=digest,
                    files={'det_bboxes': {'shape': list(res['det_bboxes'].shape)}, 'det_labels': {'shape': list(res['det_labels'].shape)},
                           'masks_packed': {'shape': list(res['masks'].shape), 'pixels_set': int(res['masks'].sum())}},
                    labels=sorted(set(res['det_labels'].tolist())), seeds=[9740, 9741, 9742, 9743])
    with open(os.path.join(case_dir, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    with open(os.path.join(case_dir, 'README.md'), 'w') as f:
        f.write(f"""# mmdet_htc_pipeline — a tiny HTC on a real image through mmdet's test pipeline

- model: `config.json` (the mmdet_htc architecture: semantic branch fused into bbox and mask features,
  3 stages, mask_info_flow, 4 classes; no img_metas: the pipeline gives them) and `model.pth`: gen_extra.py's
  weight recipe (seed 9741; deconvs: PyTorch's default init after torch.manual_seed(9740)), BN statistics
  (noise seed 9742) and head scales (seed 9743) calibrated on this very input as in
  mmdet_mask_rcnn_pipeline (`rpn_reg` / `fc_reg` centred and scaled to output std 0.3).
- code: mmdetection @ ca11860f (v2.25.0 history) through tools/oracle/gen_htc.py, as the other mmdet_htc cases.
- image: `shared/fixtures/det_pipeline/image.png` (500×375). The network input is the one mmdet's test
  pipeline made of it (Resize 1333×800 keep-ratio, Normalize, Pad /32 → [1, 3, 800, 1088]), rebuilt from
  resized.png + normalize_lut.npy and checked against its sha256 ({digest}); img_metas = its img_metas.json.
- run: `model.simple_test(input, img_metas, rescale=True)` (CPU).
- outputs: `det_bboxes.npy` [N, 5] / `det_labels.npy` in NMS order on the original image; `masks_packed.npy`
  = np.packbits of the [N, 375, 500] bool masks in the same order. {len(res['det_labels'])} detections, labels {manifest['labels']}.
""")
    print('mmdet_htc_pipeline', len(res['det_labels']), manifest['labels'])


def key_manifests(gm, scaffold_b, mmdet_root, out_dir):
    """state_dict names + shapes of the HRNet model-zoo HTC configs (built with random init, never
    run). htc_hrnetv2p_w40_28e_coco only changes the schedule: its list is checked equal to the
    w40_20e one and not written."""
    d = os.path.join(out_dir, 'mmdet_key_manifests')
    os.makedirs(d, exist_ok=True)
    lists = {}
    for cfg_name in ('htc_hrnetv2p_w18_20e_coco', 'htc_hrnetv2p_w32_20e_coco', 'htc_hrnetv2p_w40_20e_coco', 'htc_hrnetv2p_w40_28e_coco'):
        cfg = gm.load_config(os.path.join(mmdet_root, 'configs', 'hrnet', cfg_name + '.py'))['model']
        cfg['backbone'].pop('init_cfg', None)
        cfg.pop('train_cfg', None)
        model = scaffold_b.build_detector(gm.to_cfg(cfg), test_cfg=gm.to_cfg(cfg.get('test_cfg')))
        lists[cfg_name] = [[k, list(v.shape)] for k, v in model.state_dict().items()]
        print(cfg_name, len(lists[cfg_name]))
        del model
    assert lists.pop('htc_hrnetv2p_w40_28e_coco') == lists['htc_hrnetv2p_w40_20e_coco']
    for cfg_name, keys in lists.items():
        with open(os.path.join(d, cfg_name + '.json'), 'w') as f:
            json.dump({'config': f'configs/hrnet/{cfg_name}.py', 'keys': keys}, f)
            f.write('\n')


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
    setup_htc(mmdet_scaffold, a.mmdet_root)
    gm = load_module('gen_mask', 'gen_mask.py')
    helpers = gm.load_helpers()
    torch.use_deterministic_algorithms(False)
    only = set(filter(None, a.only.split(',')))
    if not only or 'htc' in only:
        make_case(gm, helpers, b, 'htc', 'mmdet_htc', a.out, [9701, 9702, 9703, 9704, 9705], ((192, 160), (180, 150), (200, 167)))
    if not only or 'nosemantic' in only:
        make_case(gm, helpers, b, 'nosemantic', 'mmdet_htc_nosemantic', a.out, [9711, 9712, 9713, 9714, 9715],
                  ((160, 224), (150, 213), (120, 170)))
    if not only or 'bbox_fusion' in only:
        make_case(gm, helpers, b, 'bbox_fusion', 'mmdet_htc_bbox_fusion', a.out, [9721, 9722, 9723, 9724, 9725],
                  ((128, 128), (128, 117), (96, 88)))
    if not only or 'pipeline' in only:
        pipeline_case(gm, helpers, b, a.out, os.path.join(a.shims, '..', '..', 'fixtures', 'det_pipeline'))
    if not only or 'keys' in only:
        key_manifests(gm, b, a.mmdet_root, a.out)


if __name__ == '__main__':
    main()
