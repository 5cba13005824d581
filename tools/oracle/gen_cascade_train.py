#!/usr/bin/env python3
"""Cascade (Mask) R-CNN training oracle cases for HRNet.js, made by running mmdetection 2.x's
`CascadeRoIHead.forward_train` (and `RPNHead.loss`) unedited.

Never run by the tests: they only read what this script wrote to tools/oracle/cases/train_cascade_*.

    /usr/bin/python3 tools/oracle/gen_cascade_train.py --mmdet-root /tmp/mmdet [--shims ../shared/tools/oracle-shims]

--mmdet-root holds `mmdet/` of mmdetection 2.x (`git archive` of BitStrawber/mmdetection @ ca11860f, the
v2.25.0 bump; see tools/oracle/README.md); the package is registered through
../shared/tools/oracle-shims (mmdet_scaffold.py + mmcv_min, as gen_train.py's train_det case), plus the
real core/mask/structures.py (BitmapMasks.crop_and_resize makes the mask targets).

Writes:
  cases/train_cascade_mask/   3-stage Cascade Mask R-CNN heads, batch 2 (mixed class-agnostic / class-specific
                              stages, SmoothL1 / L1, non-zero target means, an ignore band, pos_weight)
  cases/train_cascade_rcnn/   2-stage Cascade R-CNN heads, boxes only, an image smaller than its padding, no gt
                              added as proposals in stage 1
"""

import argparse
import copy
import importlib.util
import json
import os
import sys
import types

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('gen_train', os.path.join(HERE, 'gen_train.py'))
gt_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gt_mod)  # new_case, finish, float32_noise, save_npy, load_mmdet_training, ENV

# Margins every case must keep (else the next seed is tried): a float32 implementation that rounds
# differently must not flip a decision the official run made.
IOU_MARGIN = 1e-4        # |IoU − every assigner threshold|, and between a box's two best gts
ARGMAX_MARGIN = 1e-4     # gap between the two largest foreground logits of a refined negative (× logit std)
MASK_MARGIN = 1e-4       # |RoIAlign(gt mask) − 0.5| of every mask-target pixel
RELU_MARGIN = 3e-6       # |ReLU input| / its std (gen_train.py's KINK_MARGIN)


def load_mmdet(mmdet_root, shims):
    builder, ConfigDict = gt_mod.load_mmdet_training(mmdet_root, shims)
    import mmdet_scaffold as sc
    sc.setup_mask_cascade(mmdet_root)
    if 'pycocotools.mask' not in sys.modules:  # structures.py imports it; only polygon masks use it
        pc = types.ModuleType('pycocotools')
        pc.__path__ = []
        sys.modules['pycocotools'] = pc
        sys.modules['pycocotools.mask'] = types.ModuleType('pycocotools.mask')
    spec = importlib.util.spec_from_file_location('mmdet.core.mask.structures', os.path.join(mmdet_root, 'mmdet', 'core', 'mask', 'structures.py'))
    structures = importlib.util.module_from_spec(spec)
    sys.modules['mmdet.core.mask.structures'] = structures
    spec.loader.exec_module(structures)
    return builder, ConfigDict, structures


def coder(stds, means=(0.0, 0.0, 0.0, 0.0)):
    return dict(type='DeltaXYWHBBoxCoder', target_means=list(means), target_stds=list(stds))


def assigner(pos, neg, min_pos):
    return dict(type='MaxIoUAssigner', pos_iou_thr=pos, neg_iou_thr=neg, min_pos_iou=min_pos, match_low_quality=False, ignore_iof_thr=-1)


def sampler(add_gt=True):
    # num so large that RandomSampler returns every positive and negative, unshuffled: deterministic.
    return dict(type='RandomSampler', num=100000, pos_fraction=0.25, neg_pos_ub=-1, add_gt_as_proposals=add_gt)


def extractor(ch, size):
    return dict(type='SingleRoIExtractor', roi_layer=dict(type='RoIAlign', output_size=size, sampling_ratio=0), out_channels=ch, featmap_strides=[4, 8])


def bbox_head(ch, k, stds, agnostic, loss_bbox, cls_weight=1.0, means=(0.0, 0.0, 0.0, 0.0)):
    return dict(type='Shared2FCBBoxHead', in_channels=ch, fc_out_channels=16, roi_feat_size=7, num_classes=k,
                bbox_coder=coder(stds, means), reg_class_agnostic=agnostic,
                loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=cls_weight), loss_bbox=loss_bbox)


def rpn_head(ch, loss_bbox):
    return dict(type='RPNHead', in_channels=ch, feat_channels=ch,
                anchor_generator=dict(type='AnchorGenerator', scales=[4], ratios=[1.0], strides=[4, 8]),
                bbox_coder=coder([1.0] * 4),
                loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0), loss_bbox=loss_bbox)


def rpn_train_cfg(allowed_border):
    return dict(assigner=dict(type='MaxIoUAssigner', pos_iou_thr=0.7, neg_iou_thr=0.3, min_pos_iou=0.3, match_low_quality=True, ignore_iof_thr=-1),
                sampler=dict(type='RandomSampler', num=100000, pos_fraction=0.5, neg_pos_ub=-1, add_gt_as_proposals=False),
                allowed_border=allowed_border, pos_weight=-1, debug=False)


TEST_CFG = dict(rpn=dict(nms_pre=1000, max_per_img=1000, nms=dict(type='nms', iou_threshold=0.7), min_bbox_size=0),
                rcnn=dict(score_thr=0.05, nms=dict(type='nms', iou_threshold=0.5), max_per_img=100, mask_thr_binary=0.5))


def case_configs():
    C = 8
    mask = dict(
        name='train_cascade_mask', C=C, classes=3, size=64, img_shapes=[(64, 64), (64, 64)], seed=8401,
        # Boxes under 28 px: one RoIAlign sample per mask-target bin (two samples of a binary mask
        # average to exactly 0.5, which float32 rounding of the bilinear weights may put either side of).
        gt_bboxes=[[[6.0, 8.0, 26.0, 30.0], [22.0, 26.0, 44.0, 46.0], [36.0, 4.0, 58.0, 22.0]], [[10.0, 30.0, 26.0, 50.0], [30.0, 12.0, 52.0, 34.0]]],
        max_box=27.0,
        config={'type': 'CascadeRCNN',
                'rpn_head': rpn_head(C, dict(type='SmoothL1Loss', beta=1.0 / 9.0, loss_weight=1.0)),
                'roi_head': dict(
                    type='CascadeRoIHead', num_stages=3, stage_loss_weights=[1.0, 0.4, 0.15],
                    bbox_roi_extractor=extractor(C, 7),
                    bbox_head=[
                        bbox_head(C, 3, [0.1, 0.1, 0.2, 0.2], True, dict(type='SmoothL1Loss', beta=1.0, loss_weight=1.0)),
                        bbox_head(C, 3, [0.05, 0.06, 0.1, 0.12], False, dict(type='SmoothL1Loss', beta=0.5, loss_weight=1.5),
                                  cls_weight=0.8, means=(0.01, -0.02, 0.0, 0.03)),
                        bbox_head(C, 3, [0.033, 0.033, 0.067, 0.067], True, dict(type='L1Loss', loss_weight=1.0)),
                    ],
                    mask_roi_extractor=extractor(C, 14),
                    mask_head=[dict(type='FCNMaskHead', num_convs=1, in_channels=C, conv_out_channels=4, num_classes=3,
                                    loss_mask=dict(type='CrossEntropyLoss', use_mask=True, loss_weight=w)) for w in (1.0, 2.0, 1.0)]),
                'train_cfg': dict(
                    rpn=rpn_train_cfg(0),
                    rpn_proposal=dict(nms_pre=2000, max_per_img=2000, nms=dict(type='nms', iou_threshold=0.7), min_bbox_size=0),
                    rcnn=[dict(assigner=assigner(0.5, 0.5, 0.5), sampler=sampler(), mask_size=28, pos_weight=-1, debug=False),
                          dict(assigner=assigner(0.6, 0.5, 0.6), sampler=sampler(), mask_size=28, pos_weight=-1, debug=False),
                          dict(assigner=assigner(0.65, 0.65, 0.65), sampler=sampler(), mask_size=28, pos_weight=2.0, debug=False)]),
                'test_cfg': TEST_CFG})
    C2 = 8
    box = dict(
        name='train_cascade_rcnn', C=C2, classes=4, size=64, img_shapes=[(56, 60), (64, 64)], seed=8501,
        gt_bboxes=[[[6.0, 8.0, 30.0, 40.0], [20.0, 24.0, 52.0, 44.0], [36.0, 4.0, 58.0, 22.0]], [[10.0, 30.0, 26.0, 50.0], [28.0, 10.0, 56.0, 50.0]]],
        max_box=36.0,
        config={'type': 'CascadeRCNN',
                'rpn_head': rpn_head(C2, dict(type='L1Loss', loss_weight=1.0)),
                'roi_head': dict(
                    type='CascadeRoIHead', num_stages=2, stage_loss_weights=[0.7, 1.3],
                    bbox_roi_extractor=extractor(C2, 7),
                    bbox_head=[
                        bbox_head(C2, 4, [0.1, 0.1, 0.2, 0.2], False, dict(type='L1Loss', loss_weight=1.0)),
                        bbox_head(C2, 4, [0.04, 0.05, 0.08, 0.1], True, dict(type='SmoothL1Loss', beta=2.0, loss_weight=0.7), cls_weight=1.2),
                    ]),
                'train_cfg': dict(
                    rpn=rpn_train_cfg(-1),
                    rpn_proposal=dict(nms_pre=2000, max_per_img=1000, nms=dict(type='nms', iou_threshold=0.7), min_bbox_size=0),
                    rcnn=[dict(assigner=assigner(0.45, 0.4, 0.45), sampler=sampler(), pos_weight=-1, debug=False),
                          dict(assigner=assigner(0.55, 0.55, 0.55), sampler=sampler(add_gt=False), pos_weight=-1, debug=False)]),
                'test_cfg': dict(TEST_CFG, rcnn={k: v for k, v in TEST_CFG['rcnn'].items() if k != 'mask_thr_binary'})})
    return [mask, box]


def make_inputs(spec, seed):
    """Feature levels, gt boxes / labels / masks and stage-0 proposals of a batch of two images."""
    C, size, k = spec['C'], spec['size'], spec['classes']
    g = torch.Generator().manual_seed(seed)
    levels = [torch.randn([2, C, size // s, size // s], generator=g) for s in (4, 8)]
    gt_bboxes = [torch.tensor(b) for b in spec['gt_bboxes']]
    # Off-grid corners (no IoU exactly at a threshold; square integer anchors tie exactly, see train_det).
    gt_bboxes = [t + torch.rand(t.shape, generator=g) * 0.9 for t in gt_bboxes]
    gt_bboxes = [torch.minimum(t, torch.tensor([w, h, w, h], dtype=torch.float32) - 0.5) for t, (h, w) in zip(gt_bboxes, spec['img_shapes'])]
    gt_labels = [torch.randint(0, k, (len(t),), generator=g) for t in gt_bboxes]
    proposals = []
    for gt, (h, w) in zip(gt_bboxes, spec['img_shapes']):
        jitter = gt.repeat(4, 1) + torch.randn([4 * len(gt), 4], generator=g) * 3.0
        xy = torch.rand([16, 2], generator=g) * (min(h, w) - 8)
        wh = 6.0 + torch.rand([16, 2], generator=g) * (spec['max_box'] - 6.0)
        rand = torch.cat([xy, xy + wh], 1)
        boxes = torch.cat([jitter, rand])
        boxes[:, 0::2] = boxes[:, 0::2].clamp(0, w)
        boxes[:, 1::2] = boxes[:, 1::2].clamp(0, h)
        boxes[:, 2:] = torch.maximum(boxes[:, 2:], boxes[:, :2] + 2.0)
        boxes[:, 2:] = torch.minimum(boxes[:, 2:], boxes[:, :2] + spec['max_box'])
        proposals.append(torch.round(boxes * 4) / 4)
    # One bitmap per gt on the padded canvas: an ellipse inscribed in the box with a hatched hole.
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    masks = []
    for boxes in gt_bboxes:
        per = []
        for x1, y1, x2, y2 in boxes.tolist():
            cx, cy, rx, ry = (x1 + x2) / 2, (y1 + y2) / 2, (x2 - x1) / 2, (y2 - y1) / 2
            m = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 < 1.0
            m &= ~((np.abs(xx - cx) < rx / 3) & (np.abs(yy - cy) < ry / 4) & ((xx.astype(int) + yy.astype(int)) % 3 == 0))
            per.append(m.astype(np.uint8))
        masks.append(np.stack(per))
    return levels, gt_bboxes, gt_labels, proposals, masks


def init_heads(rpn, roi, seed):
    wg = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, m in list(rpn.named_modules()) + list(roi.named_modules()):
            if isinstance(m, (nn.Conv2d, nn.Linear, nn.ConvTranspose2d)):
                fan_in = m.weight[0].numel() if not isinstance(m, nn.ConvTranspose2d) else m.weight[:, 0].numel()
                m.weight.normal_(0.0, (2.0 / fan_in) ** 0.5, generator=wg)
                m.bias.normal_(0.0, 0.1, generator=wg)
                if name.endswith('fc_reg'):
                    m.weight.mul_(0.3)  # refined boxes stay near their RoIs, so later stages keep positives


def run(spec, builder, ConfigDict, structures, dtype, state, inputs, record=None):
    """RPNHead.loss on the head's outputs and CascadeRoIHead.forward_train on the fixed proposals
    (what TwoStageDetector.forward_train does with them); returns mmdet's loss dict as floats, the
    gradient of the sum of its 'loss' entries (mmdet's _parse_losses) for every head parameter and
    feature level, and (record) what each stage saw."""
    cfg = spec['config']
    levels, gt_bboxes, gt_labels, proposals, masks = inputs
    rpn = builder.build_head(dict(**cfg['rpn_head'], train_cfg=ConfigDict.wrap(cfg['train_cfg']['rpn']), test_cfg=ConfigDict.wrap(cfg['test_cfg']['rpn'])))
    roi = builder.build_head(dict(**cfg['roi_head'], train_cfg=[ConfigDict.wrap(c) for c in cfg['train_cfg']['rcnn']],
                                  test_cfg=ConfigDict.wrap(cfg['test_cfg']['rcnn'])))
    if state is None:
        init_heads(rpn, roi, spec['seed'] + 1)
    else:
        rpn.load_state_dict({k[len('rpn_head.'):]: v for k, v in state.items() if k.startswith('rpn_head.')}, strict=True)
        roi.load_state_dict({k[len('roi_head.'):]: v for k, v in state.items() if k.startswith('roi_head.')}, strict=True)
    rpn, roi = rpn.to(dtype), roi.to(dtype)
    rpn.train()
    roi.train()
    size = spec['size']
    metas = [dict(img_shape=(h, w, 3), pad_shape=(size, size, 3), batch_input_shape=(size, size), ori_shape=(h, w, 3),
                  scale_factor=np.ones(4, dtype=np.float32), flip=False) for h, w in spec['img_shapes']]
    x = [lv.to(dtype).clone().requires_grad_(True) for lv in levels]
    gts = [t.to(dtype) for t in gt_bboxes]
    gt_masks = [structures.BitmapMasks(m, size, size) for m in masks] if roi.with_mask else None

    hooks = []
    if record is not None:
        record.update(stage_proposals=[], relu=[], mask_raw=[], cls_scores=[], sampled=[])
        for i, a in enumerate(roi.bbox_assigner):
            orig = a.assign

            def assign(bboxes, gt_b, ignore, labels, orig=orig, i=i):
                if len(record['stage_proposals']) <= i:
                    record['stage_proposals'].append([])
                record['stage_proposals'][i].append(bboxes.detach().clone())
                res = orig(bboxes, gt_b, ignore, labels)
                record.setdefault('assign', []).append((i, bboxes.detach().clone(), gt_b.detach().clone(), res.max_overlaps.detach().clone()))
                return res
            a.assign = assign
        for i, s in enumerate(roi.bbox_sampler):
            orig_s = s.sample

            def sample(*a, orig_s=orig_s, i=i, **kw):
                res = orig_s(*a, **kw)
                record['sampled'].append((i, len(res.pos_inds), len(res.neg_inds), int(res.pos_is_gt.sum())))
                return res
            s.sample = sample
        relu_inputs = [m for n, m in list(rpn.named_modules()) + list(roi.named_modules())
                       if n.endswith('rpn_conv') or '.shared_fcs.' in f'.{n}' or '.convs.' in f'.{n}' and isinstance(m, nn.Conv2d) or n.endswith('upsample')]
        for m in relu_inputs:
            hooks.append(m.register_forward_hook(lambda mod, i, o: record['relu'].append(o.detach().double().clone())))
        for h in roi.bbox_head:
            hooks.append(h.fc_cls.register_forward_hook(lambda mod, i, o: record['cls_scores'].append(o.detach().clone())))
        orig_ra = structures.roi_align

        def roi_align(*a, **kw):
            out = orig_ra(*a, **kw)
            record['mask_raw'].append(out.detach().clone())
            return out
        structures.roi_align = roi_align
    try:
        rpn_losses = rpn.loss(*rpn(x), gts, metas)
        roi_losses = roi.forward_train(x, metas, [p.to(dtype) for p in proposals], gts, gt_labels, gt_masks=gt_masks)
    finally:
        for h in hooks:
            h.remove()
        if record is not None:
            structures.roi_align = orig_ra
    parts = {'loss_rpn_cls': sum(rpn_losses['loss_rpn_cls']), 'loss_rpn_bbox': sum(rpn_losses['loss_rpn_bbox']), **roi_losses}
    total = sum(v for k, v in parts.items() if 'loss' in k)
    total.backward()
    grads = {**{f'rpn_head.{k}': p.grad.detach().clone() for k, p in rpn.named_parameters()},
             **{f'roi_head.{k}': p.grad.detach().clone() for k, p in roi.named_parameters()},
             **{f'level_{i}': t.grad.detach().clone() for i, t in enumerate(x)}}
    sd = {**{f'rpn_head.{k}': v.detach().clone() for k, v in rpn.state_dict().items()},
          **{f'roi_head.{k}': v.detach().clone() for k, v in roi.state_dict().items()}}
    return {k: float(v.item()) for k, v in parts.items()}, grads, sd


def margins(spec, record):
    """How close the float32 run came to a decision another float32 implementation could take differently."""
    rcnn = spec['config']['train_cfg']['rcnn']
    out = {'iou': float('inf'), 'gt_tie': float('inf'), 'argmax': float('inf'), 'mask': float('inf'), 'relu': float('inf')}
    for stage, boxes, gtb, max_ov in record['assign']:
        a = rcnn[stage]['assigner']
        neg = a['neg_iou_thr'] if isinstance(a['neg_iou_thr'], list) else [0.0, a['neg_iou_thr']]
        thr = torch.tensor([t for t in (a['pos_iou_thr'], a['min_pos_iou'], *neg) if t > 0], dtype=torch.float64)
        ov = max_ov.double()
        ov = ov[ov > 0]  # no overlap is an exact 0 everywhere
        if len(ov):
            out['iou'] = min(out['iou'], (ov[:, None] - thr[None]).abs().min().item())
            if len(gtb) > 1:
                from torchvision.ops import box_iou
                ov = box_iou(boxes.double(), gtb.double()).sort(dim=1, descending=True).values
                ok = ov[:, 0] >= a['pos_iou_thr'] - IOU_MARGIN  # which gt wins matters for positives only
                if ok.any():
                    out['gt_tie'] = min(out['gt_tie'], (ov[ok, 0] - ov[ok, 1]).min().item())
    # refine: negatives of class-specific stages take the argmax of their foreground logits
    heads = spec['config']['roi_head']['bbox_head']
    for stage, scores in enumerate(record['cls_scores'][:-1]):
        if heads[stage]['reg_class_agnostic']:
            continue
        fg = scores[:, :-1].double().sort(dim=1, descending=True).values
        gap = ((fg[:, 0] - fg[:, 1]) / scores.double().std()).min().item()
        out['argmax'] = min(out['argmax'], gap)
    for raw in record['mask_raw']:
        out['mask'] = min(out['mask'], (raw.double() - 0.5).abs().min().item())
    for t in record['relu']:
        out['relu'] = min(out['relu'], (t.abs().min() / t.std(unbiased=False)).item())
    return out


def margins_ok(m):
    return m['iou'] >= IOU_MARGIN and m['gt_tie'] >= IOU_MARGIN and m['argmax'] >= ARGMAX_MARGIN and m['mask'] >= MASK_MARGIN and m['relu'] >= RELU_MARGIN


def make_case(spec, builder, ConfigDict, structures, out_dir):
    tries = []
    for attempt in range(200):
        seed = spec['seed'] + 10000 * attempt
        s = dict(spec, seed=seed)
        inputs = make_inputs(s, seed)
        record = {}
        loss32, grads32, state = run(s, builder, ConfigDict, structures, torch.float32, None, inputs, record)
        m = margins(s, record)
        tries.append({'seed': seed, **{k: (v if v != float('inf') else None) for k, v in m.items()}})
        positives = [p for (stage, p, n, g) in record['sampled']]
        # every stage must have positives besides the gt boxes (else the refined-box regression is not exercised)
        extra = [p - g for (stage, p, n, g) in record['sampled']]
        if margins_ok(m) and min(extra) > 0:
            break
    else:
        raise RuntimeError(f'{spec["name"]}: no seed kept the margins: {tries}')
    loss64, grads64, _ = run(s, builder, ConfigDict, structures, torch.float64, state, inputs)
    levels, gt_bboxes, gt_labels, proposals, masks = inputs
    name = spec['name']
    case_dir = gt_mod.new_case(out_dir, name)
    torch.save(state, os.path.join(case_dir, 'heads.pth'))
    torch.save(grads32, os.path.join(case_dir, 'grads.pth'))
    for i, lv in enumerate(levels):
        gt_mod.save_npy(case_dir, f'level_{i}', lv)
    config = copy.deepcopy(spec['config'])
    with open(os.path.join(case_dir, 'config.json'), 'w') as f:
        json.dump(config, f, indent=1)
        f.write('\n')
    with_mask = 'mask_head' in config['roi_head']
    if with_mask:
        np.save(os.path.join(case_dir, 'gt_masks_packed.npy'), np.packbits(np.concatenate(masks).astype(bool).reshape(-1)))
    num_stages = config['roi_head']['num_stages']
    stage_props = [[p.tolist() for p in record['stage_proposals'][i]] for i in range(num_stages)]
    sampled = [[{'pos': p, 'neg': n, 'pos_is_gt': g} for (stage, p, n, g) in record['sampled'] if stage == i] for i in range(num_stages)]
    manifest = {
        'case': name,
        'official': 'mmdetection 2.x (2.25.0, commit ca11860f via the BitStrawber/mmdetection fork): RPNHead / AnchorHead.loss, '
                    'CascadeRoIHead.forward_train (BBoxHead.get_targets / loss / refine_bboxes, FCNMaskHead.get_targets / loss), '
                    'MaxIoUAssigner, RandomSampler, CrossEntropyLoss, L1Loss, SmoothL1Loss, DeltaXYWHBBoxCoder, BitmapMasks',
        'config': 'config.json', 'heads': 'heads.pth',
        'levels': [{'file': f'level_{i}.npy', 'shape': list(lv.shape)} for i, lv in enumerate(levels)],
        'pad_shape': [spec['size'], spec['size']], 'img_shapes': [list(s) for s in spec['img_shapes']],
        'gt_bboxes': [t.tolist() for t in gt_bboxes], 'gt_labels': [t.tolist() for t in gt_labels],
        **({'gt_masks': {'file': 'gt_masks_packed.npy', 'counts': [len(m) for m in masks], 'height': spec['size'], 'width': spec['size']}} if with_mask else {}),
        'proposals': [p.tolist() for p in proposals],
        'stage_proposals': stage_props,
        'sampled': sampled,
        'losses': loss32, 'losses_float64': loss64,
        'grads': {'file': 'grads.pth', 'tensors': len(grads32), 'float32_noise': gt_mod.float32_noise(grads32, grads64)},
        'margins': {k: (v if v != float('inf') else None) for k, v in m.items()}, 'seed': s['seed'], 'tries': tries,
    }
    rh = config['roi_head']
    stage_lines = '\n'.join(
        f"  - stage {i}: {'class-agnostic' if h['reg_class_agnostic'] else 'class-specific'} regression, coder means {h['bbox_coder']['target_means']} "
        f"stds {h['bbox_coder']['target_stds']}, loss_cls weight {h['loss_cls']['loss_weight']}, loss_bbox {h['loss_bbox']}; assigner "
        f"pos {c['assigner']['pos_iou_thr']} / neg {c['assigner']['neg_iou_thr']} / min_pos {c['assigner']['min_pos_iou']}, "
        f"add_gt_as_proposals {c['sampler']['add_gt_as_proposals']}, pos_weight {c['pos_weight']}"
        + (f"; mask loss weight {rh['mask_head'][i]['loss_mask']['loss_weight']}" if with_mask else '')
        for i, (h, c) in enumerate(zip(rh['bbox_head'], config['train_cfg']['rcnn'])))
    readme = f"""
# {name} — mmdet 2.x Cascade {'Mask ' if with_mask else ''}R-CNN head losses and their gradients

- code: open-mmlab/mmdetection 2.x at v2.25.0 (commit ca11860f4f3c3ca2ce8340e2686eeaec05b29111, BitStrawber/mmdetection
  fork with the official history), unedited, through ../shared/tools/oracle-shims (mmdet_scaffold.py `setup`,
  `setup_detector`, `setup_mask_cascade`; mmcv_min: RoIAlign = torchvision `roi_align(aligned=True)`), the real
  assigner / sampler files (gen_train.py's `load_mmdet_training`) and the real core/mask/structures.py (`BitmapMasks`).
  Made by tools/oracle/gen_cascade_train.py.
- heads (config.json): RPNHead (square anchors scale 4 at strides [4, 8], loss_bbox {config['rpn_head']['loss_bbox']},
  allowed_border {config['train_cfg']['rpn']['allowed_border']}) and CascadeRoIHead with {num_stages} stages,
  stage_loss_weights {rh['stage_loss_weights']}, {spec['classes']} classes, RoIAlign 7×7 bbox extractor{' and 14×14 mask extractor, FCNMaskHead (1 conv of 4 ch) per stage' if with_mask else ''}:
{stage_lines}
  heads.pth: the state dict (keys `rpn_head.*`, `roi_head.*`): conv / linear weights N(0, 2/fan_in) (fc_reg × 0.3), biases
  N(0, 0.1), seed {s['seed'] + 1}.
- inputs (seed {s['seed']}): level_0.npy [2,{spec['C']},16,16] and level_1.npy [2,{spec['C']},8,8] N(0,1) for a batch of two
  images padded to {spec['size']}×{spec['size']} with img_shape {[list(x) for x in spec['img_shapes']]}; gt boxes off the integer grid,
  random labels, 4 jittered copies of each gt + 16 random boxes as the stage-0 proposals (0.25 grid){'; one bitmap per gt (an ellipse in its box with a hatched hole), gt_masks_packed.npy = np.packbits of the [Σgt, H, W] masks, image 0 first' if with_mask else ''}.
- samplers: RandomSampler num = 100000 in every stage, so every positive and negative is taken (deterministic).
- the computation: `rpn_head.loss(*rpn_head(x), gt_bboxes, img_metas)` and
  `roi_head.forward_train(x, img_metas, proposals, gt_bboxes, gt_labels{', gt_masks=BitmapMasks' if with_mask else ''})`; `losses`
  in manifest.json is mmdet's dict (RPN terms summed over levels; `s<i>.*` already × the stage weight, `s<i>.acc` not);
  grads.pth: the gradient of the sum of every entry whose name holds 'loss' (mmdet's `_parse_losses`) for every head
  parameter and both feature levels (`level_0`, `level_1`, NCHW). `stage_proposals`: the boxes each stage's assigner got
  (stage ≥ 1: `refine_bboxes` of the previous stage); `sampled`: positives / negatives / gt positives per stage and image.
- margins (else the next seed, + 10000, is tried; `tries` in manifest.json): every IoU ≥ {IOU_MARGIN} from each assigner
  threshold and between a box's two best gts, foreground-logit argmax gaps of refined negatives ≥ {ARGMAX_MARGIN} × std,
  mask RoIAlign values ≥ {MASK_MARGIN} from 0.5, ReLU inputs ≥ {RELU_MARGIN} × std from 0; every stage has positives besides
  the gt boxes. Kept: {json.dumps({k: float(f'{v:.3g}') for k, v in m.items() if v != float('inf')})}.
- float64 rerun (same code, `.double()` heads and inputs): losses {json.dumps({k: float(f'{v:.10g}') for k, v in loss64.items()})};
  per-tensor `float32_noise` as in ../train_pose/README.md.
- {gt_mod.ENV}
"""
    size = gt_mod.finish(case_dir, manifest, readme)
    print(name, size, 'bytes, seed', s['seed'], json.dumps(loss32))
    return size


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--mmdet-root', required=True, help='folder holding mmdet/ of mmdetection 2.x (git archive of ca11860f)')
    parser.add_argument('--shims', default=os.path.join(HERE, '..', '..', '..', 'shared', 'tools', 'oracle-shims'))
    parser.add_argument('--out', default=os.path.join(HERE, 'cases'))
    parser.add_argument('--only', nargs='*')
    args = parser.parse_args()
    builder, ConfigDict, structures = load_mmdet(args.mmdet_root, os.path.abspath(args.shims))
    for spec in case_configs():
        if args.only and spec['name'] not in args.only:
            continue
        make_case(spec, builder, ConfigDict, structures, args.out)


if __name__ == '__main__':
    main()
