#!/usr/bin/env python3
"""Training-step oracle cases for HRNet.js, made by running the OFFICIAL PyTorch training code.

Never run by the tests: they only read what this script wrote to tools/oracle/cases/train_*.

    /usr/bin/python3 tools/oracle/gen_train.py --official-dir /tmp/official_train [--out tools/oracle/cases]

--official-dir must hold the unedited upstream files (tools/oracle/README.md, "Training cases"):

    pose/pose_hrnet.py   leoxiaobin/deep-high-resolution-net.pytorch  lib/models/pose_hrnet.py
    pose/loss.py         leoxiaobin/deep-high-resolution-net.pytorch  lib/core/loss.py (JointsMSELoss)
    pose/utils.py        leoxiaobin/deep-high-resolution-net.pytorch  lib/utils/utils.py (get_optimizer)
    seg_v11/seg_hrnet.py HRNet/HRNet-Semantic-Segmentation pytorch-v1.1  lib/models/seg_hrnet.py
    seg_v11/criterion.py HRNet/HRNet-Semantic-Segmentation pytorch-v1.1  lib/core/criterion.py
    seg_v11/utils.py     HRNet/HRNet-Semantic-Segmentation pytorch-v1.1  lib/utils/utils.py (FullModel, adjust_learning_rate)

The model weights follow gen_extra.py's recipe (init_weights + calibrate_bn), then every float
tensor of the starting state dict is rounded to a multiple of 1/256 (running_var floored at 1/256)
so that the gzip-compressed starting checkpoint stays small; the rounded values are what the
official code trains from, so nothing is lost.
"""

import argparse
import gzip
import importlib.util
import io
import json
import os
import shutil
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('gen_extra', os.path.join(HERE, 'gen_extra.py'))
gx = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gx)  # the shared helpers: Cfg, load_file, init_weights, calibrate_bn, randn, stage

ENV = f'torch {torch.__version__}, numpy {np.__version__}, CPU, 1 thread, float32'


def quantize_(model, step=1 / 256):
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if t.dtype != torch.float32:
                continue
            t.copy_(torch.round(t / step) * step)
            if name.endswith('running_var'):
                t.clamp_(min=step)


def gz_save(obj, path):
    buf = io.BytesIO()
    torch.save(obj, buf)
    with open(path, 'wb') as raw_out:
        with gzip.GzipFile(filename='', mode='wb', fileobj=raw_out, compresslevel=9, mtime=0) as gz:
            gz.write(buf.getvalue())


def save_npy(case_dir, name, t, dtype=np.float32):
    np.save(os.path.join(case_dir, f'{name}.npy'), np.ascontiguousarray(t.detach().numpy().astype(dtype)))


def grads_of(model):
    """Gradients keyed like the state dict (parameters only)."""
    return {k: p.grad.detach().clone() for k, p in model.named_parameters()}


def float32_noise(t32, t64):
    """Per tensor: max |float32 − float64| / std(float64) (float tensors only)."""
    out = {}
    for k, a in t64.items():
        if not a.is_floating_point():
            continue
        std = a.double().std(unbiased=False).item() if a.numel() > 1 else abs(a.item())
        out[k] = (t32[k].double() - a.double()).abs().max().item() / (std or 1.0)
    return out


def tensor_summary(tensors):
    return {k: {'shape': list(v.shape), 'std': float(v.double().std(unbiased=False)) if v.numel() > 1 else 0.0}
            for k, v in tensors.items()}


def new_case(out_dir, name):
    case_dir = os.path.join(out_dir, name)
    if os.path.isdir(case_dir):
        shutil.rmtree(case_dir)
    os.makedirs(case_dir)
    return case_dir


def finish(case_dir, manifest, readme):
    with open(os.path.join(case_dir, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    files = sorted(fn for fn in os.listdir(case_dir) if fn != 'README.md')
    sizes = '\n'.join(f'| {fn} | {os.path.getsize(os.path.join(case_dir, fn))} |' for fn in files)
    with open(os.path.join(case_dir, 'README.md'), 'w') as f:
        f.write(readme.strip() + '\n\n## Files\n\n| file | bytes |\n| --- | --- |\n' + sizes + '\n')
    return sum(os.path.getsize(os.path.join(case_dir, fn)) for fn in os.listdir(case_dir))


# ----------------------------------------------------------------------------------------------
# Pose: pose_hrnet.py + JointsMSELoss(use_target_weight) + get_optimizer (Adam), one step
# ----------------------------------------------------------------------------------------------

# Conv weights of the stem and layer1 (fixed at 64 / 256 channels in pose_hrnet.py) are left out of
# after.pth: 1.2 MB that would double the case. Their gradients are stored; Adam is elementwise.
POSE_AFTER_SKIP = ('conv1.weight', 'conv2.weight')


def pose_after_kept(key):
    if key in POSE_AFTER_SKIP:
        return False
    return not (key.startswith('layer1.') and key.endswith('.weight') and ('.conv' in key or 'downsample.0' in key))


def case_train_pose(official, out_dir):
    pose = gx.load_file('official_train_pose.pose_hrnet', os.path.join(official, 'pose', 'pose_hrnet.py'))
    loss_mod = gx.load_file('official_train_pose.loss', os.path.join(official, 'pose', 'loss.py'))
    utils = gx.load_file('official_train_pose.utils', os.path.join(official, 'pose', 'utils.py'))
    joints = 5
    extra = {
        'PRETRAINED_LAYERS': ['*'],
        'FINAL_CONV_KERNEL': 1,
        'STAGE2': gx.stage(1, 'BASIC', [1, 1], [4, 8]),
        'STAGE3': gx.stage(1, 'BASIC', [1, 1, 1], [4, 8, 12]),
        'STAGE4': gx.stage(1, 'BASIC', [1, 1, 1, 1], [4, 8, 12, 16]),
    }
    config = {'MODEL': {'NAME': 'pose_hrnet', 'NUM_JOINTS': joints, 'EXTRA': extra}}
    train_cfg = {'OPTIMIZER': 'adam', 'LR': 0.001, 'MOMENTUM': 0.9, 'WD': 0.0001, 'NESTEROV': False}
    cfg = gx.Cfg.wrap({**config, 'TRAIN': train_cfg})
    model = pose.get_pose_net(cfg, is_train=False)
    wseed, cseed, nseed, iseed, tseed = 8101, 8102, 8103, 8104, 8105
    gx.init_weights(model, wseed)
    gx.calibrate_bn(model, gx.randn([2, 3, 64, 64], cseed), nseed)
    quantize_(model)
    before = {k: v.clone() for k, v in model.state_dict().items()}

    batch = 2
    x = gx.randn([batch, 3, 64, 64], iseed)
    g = torch.Generator().manual_seed(tseed)
    target = torch.rand([batch, joints, 16, 16], generator=g)
    target_weight = (torch.rand([batch, joints, 1], generator=g) > 0.3).float()

    criterion = loss_mod.JointsMSELoss(use_target_weight=True)

    def one_step(dtype):
        """lib/core/function.py train(): output = model(input); loss = criterion(output, target,
        target_weight); optimizer.zero_grad(); loss.backward(); optimizer.step()."""
        net = pose.get_pose_net(cfg, is_train=False)
        net.load_state_dict(before)
        net = net.to(dtype)
        optimizer = utils.get_optimizer(cfg, net)
        assert isinstance(optimizer, torch.optim.Adam)
        net.train()
        output = net(x.to(dtype))
        loss = criterion(output, target.to(dtype), target_weight.to(dtype))
        optimizer.zero_grad()
        loss.backward()
        grads = grads_of(net)
        optimizer.step()
        after = {k: v.clone() for k, v in net.state_dict().items() if pose_after_kept(k)}
        return net, loss.item(), grads, after

    model, loss, grads, after = one_step(torch.float32)
    _, loss64, grads64, after64 = one_step(torch.float64)
    momenta = sorted({m.momentum for m in model.modules() if isinstance(m, nn.BatchNorm2d)})
    grad_noise = float32_noise(grads, grads64)
    after_noise = float32_noise(after, after64)

    case_dir = new_case(out_dir, 'train_pose')
    gz_save(before, os.path.join(case_dir, 'before.pth.gz'))
    torch.save(grads, os.path.join(case_dir, 'grads.pth'))
    torch.save(after, os.path.join(case_dir, 'after.pth'))
    save_npy(case_dir, 'input', x)
    save_npy(case_dir, 'target', target)
    save_npy(case_dir, 'target_weight', target_weight)
    with open(os.path.join(case_dir, 'config.json'), 'w') as f:
        json.dump(config, f, indent=1)
        f.write('\n')
    manifest = {
        'case': 'train_pose',
        'official': 'deep-high-resolution-net.pytorch @ 6f69e467: lib/models/pose_hrnet.py, lib/core/loss.py JointsMSELoss, lib/utils/utils.py get_optimizer',
        'checkpoint': 'before.pth.gz', 'config': 'config.json',
        'input': {'file': 'input.npy', 'shape': list(x.shape)},
        'target': {'file': 'target.npy', 'shape': list(target.shape)},
        'target_weight': {'file': 'target_weight.npy', 'shape': list(target_weight.shape)},
        'train': train_cfg, 'bn_momentum': momenta,
        'loss': loss, 'loss_float64': loss64,
        'grads': {'file': 'grads.pth', 'tensors': len(grads), 'float32_noise': grad_noise},
        'after': {'file': 'after.pth', 'tensors': len(after), 'left_out': sorted(k for k in before if not pose_after_kept(k)),
                  'float32_noise': after_noise},
    }
    readme = f"""
# train_pose — one official training step of a tiny pose HRNet

- code: leoxiaobin/deep-high-resolution-net.pytorch at 6f69e4676ad8d43d0d61b64b1b9726f0c369e7b1:
  `lib/models/pose_hrnet.py` (`get_pose_net(cfg, is_train=False)`), `lib/core/loss.py`
  (`JointsMSELoss(use_target_weight=True)`), `lib/utils/utils.py` (`get_optimizer`, TRAIN.OPTIMIZER
  adam, LR 0.001 → `optim.Adam(model.parameters(), lr=0.001)`). Unedited files, loaded by path.
- config.json: NUM_JOINTS {joints}, FINAL_CONV_KERNEL 1, stages [4,8] / [4,8,12] / [4,8,12,16], 1 BASIC
  block, 1 module each (stem and layer1 are fixed in pose_hrnet.py).
- before.pth.gz: the starting state dict (gzip of a zip `torch.save`): gen_extra.py's weight recipe
  (seed {wseed}; BN calibration input [2,3,64,64] seed {cseed}, noise seed {nseed}), then every float
  rounded to a multiple of 1/256 (running_var ≥ 1/256).
- batch: input.npy [2,3,64,64] N(0,1) seed {iseed}; target.npy [2,{joints},16,16] U(0,1) and
  target_weight.npy [2,{joints},1] (1 where U(0,1) > 0.3, else 0) from seed {tseed}.
- the step, as `lib/core/function.py` `train()`: `model.train()`; `output = model(input)`;
  `loss = criterion(output, target, target_weight)`; `optimizer.zero_grad()`; `loss.backward()`;
  `optimizer.step()`. BatchNorm in train mode: batch statistics, running stats moved with
  momentum {momenta} (BN_MOMENTUM; the fuse / transition BNs use PyTorch's default 0.1).
- manifest.json `loss`: the loss (float32 run); grads.pth: `p.grad` of every parameter, keyed like the
  state dict; after.pth: the state dict after `optimizer.step()` (weights and BN running stats;
  `num_batches_tracked` = 1), except the conv weights of the stem and layer1 (listed in
  `after.left_out`: 1.2 MB more; their gradients are in grads.pth, and Adam's update is elementwise).
- float64 rerun of the same step (same code, `.double()` model and batch): loss {loss64:.10g} vs
  {loss:.10g}. `float32_noise` in manifest.json gives, per tensor, max |float32 − float64| / std(float64)
  of the gradients and updated weights: how far float32 rounding alone moves the official result
  (median {sorted(grad_noise.values())[len(grad_noise) // 2]:.2g}, largest {max(grad_noise.values()):.2g} for the gradients). It is large
  where a gradient nearly cancels: a per-channel shift of a tensor that feeds convs followed by
  train-mode BatchNorm is removed by those BNs (up to the zero-padded border and the ReLUs in
  between), so e.g. the BN biases at the end of layer1 get small gradients in which rounding weighs; Adam's first step
  (lr · g / (|g| + eps)) turns their sign noise into ±lr. Tests allow 1e-4 + 2 × float32_noise.
- {ENV}
"""
    return finish(case_dir, manifest, readme)


# ----------------------------------------------------------------------------------------------
# Seg: seg_hrnet.py (pytorch-v1.1) + CrossEntropy / OhemCrossEntropy + SGD with the poly lr
# ----------------------------------------------------------------------------------------------

def case_train_seg(official, out_dir):
    gx.package('official_train_seg')
    seg = gx.load_file('official_train_seg.seg_hrnet', os.path.join(official, 'seg_v11', 'seg_hrnet.py'))
    crit = gx.load_file('official_train_seg.criterion', os.path.join(official, 'seg_v11', 'criterion.py'))
    utils = gx.load_file('official_train_seg.utils', os.path.join(official, 'seg_v11', 'utils.py'))
    classes = 5
    extra = {
        'FINAL_CONV_KERNEL': 1,
        'STAGE1': gx.stage(1, 'BOTTLENECK', [1], [8]),
        'STAGE2': gx.stage(1, 'BASIC', [1, 1], [4, 8]),
        'STAGE3': gx.stage(1, 'BASIC', [1, 1, 1], [4, 8, 12]),
        'STAGE4': gx.stage(1, 'BASIC', [1, 1, 1, 1], [4, 8, 12, 16]),
    }
    config = {'MODEL': {'NAME': 'seg_hrnet', 'ALIGN_CORNERS': False, 'EXTRA': extra}, 'DATASET': {'NUM_CLASSES': classes}}
    cfg = gx.Cfg.wrap(config)
    build = lambda: seg.get_seg_model(cfg) if hasattr(seg, 'get_seg_model') else seg.HighResolutionNet(cfg)
    wseed, cseed, nseed, iseed, lseed = 8201, 8202, 8203, 8204, 8205
    model = seg.HighResolutionNet(cfg)
    gx.init_weights(model, wseed)
    gx.calibrate_bn(model, gx.randn([2, 3, 64, 64], cseed), nseed)
    quantize_(model)
    before = {k: v.clone() for k, v in model.state_dict().items()}

    batch, ignore = 2, 255
    x = gx.randn([batch, 3, 64, 64], iseed)
    g = torch.Generator().manual_seed(lseed)
    labels = torch.randint(0, classes, [batch, 64, 64], generator=g)
    labels[torch.rand([batch, 64, 64], generator=g) < 0.15] = ignore
    class_weights = torch.tensor([0.8, 1.2, 1.0, 0.9, 1.1])
    ohem_cfg = {'thres': 0.1, 'min_kept': 3000}
    train_cfg = {'LR': 0.01, 'MOMENTUM': 0.9, 'WD': 0.0005, 'NESTEROV': False, 'MAX_ITERS': 10, 'POWER': 0.9}

    def step_losses(criterion, dtype=torch.float32):
        """FullModel(model, criterion) as tools/train.py wraps it; returns the losses, the first
        iteration's gradients and the state dict after two iterations."""
        net = seg.HighResolutionNet(cfg)
        net.load_state_dict(before)
        net = net.to(dtype)
        full = utils.FullModel(net, criterion.to(dtype))
        # tools/train.py: SGD over the trainable parameters, one param group at TRAIN.LR.
        optimizer = torch.optim.SGD([{'params': filter(lambda p: p.requires_grad, full.parameters()), 'lr': train_cfg['LR']}],
                                    lr=train_cfg['LR'], momentum=train_cfg['MOMENTUM'], weight_decay=train_cfg['WD'],
                                    nesterov=train_cfg['NESTEROV'])
        full.train()
        out = {}
        lrs = []
        for it in range(2):
            # lib/core/function.py train(): losses, _ = model(images, labels); loss = losses.mean();
            # model.zero_grad(); loss.backward(); optimizer.step(); then adjust_learning_rate(...)
            losses, _ = full(x.to(dtype), labels)
            loss = losses.mean()
            full.zero_grad()
            loss.backward()
            if it == 0:
                out['loss'] = loss.item()
                out['grads'] = {k[len('model.'):]: p.grad.detach().clone() for k, p in full.named_parameters()}
            else:
                out['loss2'] = loss.item()
            lrs.append(optimizer.param_groups[0]['lr'])
            optimizer.step()
            utils.adjust_learning_rate(optimizer, train_cfg['LR'], train_cfg['MAX_ITERS'], it + 1, train_cfg['POWER'])
        out['after'] = {k: v.clone() for k, v in net.state_dict().items()}
        out['lrs'] = lrs
        return out

    make_ce = lambda: crit.CrossEntropy(ignore_label=ignore, weight=class_weights)
    make_ohem = lambda: crit.OhemCrossEntropy(ignore_label=ignore, thres=ohem_cfg['thres'], min_kept=ohem_cfg['min_kept'], weight=class_weights)
    ce, ce64 = step_losses(make_ce()), step_losses(make_ce(), torch.float64)
    ohem, ohem64 = step_losses(make_ohem()), step_losses(make_ohem(), torch.float64)
    # Which OHEM threshold applied: the min_kept-th smallest p(label) or thres.
    model.load_state_dict(before)
    model.train()
    with torch.no_grad():
        score = torch.nn.functional.interpolate(model(x), size=(64, 64), mode='bilinear', align_corners=False)
        p = torch.softmax(score, 1).gather(1, labels.clamp(max=classes - 1).unsqueeze(1)).view(-1)[labels.view(-1) != ignore].sort()[0]
    ohem_min_value = p[min(ohem_cfg['min_kept'], p.numel() - 1)].item()
    momenta = sorted({m.momentum for m in model.modules() if isinstance(m, nn.BatchNorm2d)})

    case_dir = new_case(out_dir, 'train_seg')
    gz_save(before, os.path.join(case_dir, 'before.pth.gz'))
    for name, r in (('ce', ce), ('ohem', ohem)):
        torch.save(r['grads'], os.path.join(case_dir, f'{name}_grads.pth'))
        if name == 'ce':  # the SGD update is checked on the CE run; OHEM adds its loss and gradients
            torch.save(r['after'], os.path.join(case_dir, f'{name}_after.pth'))
    save_npy(case_dir, 'input', x)
    save_npy(case_dir, 'labels', labels, np.int32)
    with open(os.path.join(case_dir, 'config.json'), 'w') as f:
        json.dump(config, f, indent=1)
        f.write('\n')
    manifest = {
        'case': 'train_seg',
        'official': 'HRNet-Semantic-Segmentation pytorch-v1.1 @ 88419ab1: lib/models/seg_hrnet.py, lib/core/criterion.py, lib/utils/utils.py (FullModel, adjust_learning_rate); SGD as tools/train.py',
        'checkpoint': 'before.pth.gz', 'config': 'config.json',
        'input': {'file': 'input.npy', 'shape': list(x.shape)},
        'labels': {'file': 'labels.npy', 'shape': list(labels.shape), 'ignore_label': ignore, 'ignored': int((labels == ignore).sum())},
        'class_weights': class_weights.tolist(), 'ohem': {**ohem_cfg, 'min_value': ohem_min_value, 'threshold': max(ohem_min_value, ohem_cfg['thres'])},
        'train': train_cfg, 'bn_momentum': momenta,
        'ce': {'loss': ce['loss'], 'loss_step2': ce['loss2'], 'loss_float64': ce64['loss'], 'loss_step2_float64': ce64['loss2'],
               'lrs': ce['lrs'], 'grads': 'ce_grads.pth', 'after': 'ce_after.pth',
               'grads_float32_noise': float32_noise(ce['grads'], ce64['grads']), 'after_float32_noise': float32_noise(ce['after'], ce64['after'])},
        'ohem_run': {'loss': ohem['loss'], 'loss_float64': ohem64['loss'], 'grads': 'ohem_grads.pth',
                     'grads_float32_noise': float32_noise(ohem['grads'], ohem64['grads'])},
    }
    readme = f"""
# train_seg — two official SGD steps of a tiny segmentation HRNet, CE and OHEM CE

- code: HRNet/HRNet-Semantic-Segmentation, pytorch-v1.1 line at 88419ab18813f2c9193985e2d4d31d3d07abe839:
  `lib/models/seg_hrnet.py` (`HighResolutionNet(cfg)`, BN_MOMENTUM 0.01), `lib/core/criterion.py`
  (`CrossEntropy`, `OhemCrossEntropy`), `lib/utils/utils.py` (`FullModel`, `adjust_learning_rate`). The SGD
  construction is `tools/train.py`'s (one param group of the trainable parameters; lr 0.01, momentum 0.9,
  weight_decay 5e-4, nesterov False), written out here because train.py is a script.
- config.json: {classes} classes, ALIGN_CORNERS False, STAGE1 1 BOTTLENECK × 8 ch, stages [4,8] / [4,8,12] /
  [4,8,12,16], FINAL_CONV_KERNEL 1.
- before.pth.gz: gen_extra.py's weight recipe (seed {wseed}; BN calibration [2,3,64,64] seed {cseed}, noise
  seed {nseed}), every float rounded to a multiple of 1/256.
- batch: input.npy [2,3,64,64] N(0,1) seed {iseed}; labels.npy [2,64,64] int32 uniform in 0..{classes - 1},
  15 % set to the ignore label 255 (seed {lseed}). The logits (16×16) are upsampled to 64×64 by the
  criterion (`F.upsample(..., mode='bilinear')`, align_corners False). Class weights {class_weights.tolist()}.
- for each criterion (CE; OHEM with thres {ohem_cfg['thres']}, min_kept {ohem_cfg['min_kept']}), from
  before.pth.gz: two iterations of `lib/core/function.py` `train()`: `losses, _ = model(images, labels)`;
  `loss = losses.mean()`; `model.zero_grad()`; `loss.backward()`; `optimizer.step()`;
  `adjust_learning_rate(optimizer, 0.01, 10, i + 1)` (poly, power 0.9; max 10 iterations, so the second
  step runs at lr {ce['lrs'][1]:.10g}). `*_grads.pth`: gradients of the first iteration; `ce_after.pth`: the
  state dict after the second CE step (momentum buffers matter there; the OHEM run's is not stored,
  the update rule is the same); manifest: the losses.
- OHEM: the min_kept-th smallest p(label) is {ohem_min_value:.6g}, so the threshold is
  {max(ohem_min_value, ohem_cfg['thres']):.6g} ({'min_kept' if ohem_min_value > ohem_cfg['thres'] else 'thres'} decides).
- BatchNorm in train mode, running stats moved with momentum {momenta}.
- float64 reruns (same code, `.double()` model, input and criterion): losses CE {ce64['loss']:.10g} / {ce64['loss2']:.10g},
  OHEM {ohem64['loss']:.10g}; `*_float32_noise` in manifest.json: per tensor, max |float32 − float64| / std(float64),
  how far float32 rounding alone moves the official result (see ../train_pose/README.md).
- {ENV}
"""
    return finish(case_dir, manifest, readme)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--official-dir', required=True)
    parser.add_argument('--out', default=os.path.join(HERE, 'cases'))
    parser.add_argument('--only', nargs='*')
    args = parser.parse_args()
    cases = {'train_pose': case_train_pose, 'train_seg': case_train_seg}
    for name, fn in cases.items():
        if args.only and name not in args.only:
            continue
        size = fn(args.official_dir, args.out)
        print(f'{name}: {size} bytes')


if __name__ == '__main__':
    main()
