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
tensor of the starting state dict is rounded to a multiple of 1/32 (pose) or 1/256 (seg) (running_var floored at that step)
so that the gzip-compressed starting checkpoint stays small; the rounded values are what the
official code trains from, so nothing is lost.
"""

import argparse
import copy
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


KINK_MARGIN = 3e-6


def relu_margin(model, run):
    """Smallest |ReLU input| / std(that input) over every nn.ReLU in a train-mode forward (on a copy,
    so the running stats stay). Gradients are discontinuous at 0: an input within rounding of 0 may
    take the other side in another float32 implementation and flip a whole gradient term."""
    net = copy.deepcopy(model).train()
    worst = [float('inf')]

    def pre_hook(module, inputs):
        t = inputs[0].detach().double()
        worst[0] = min(worst[0], (t.abs().min() / t.std(unbiased=False).clamp_min(1e-30)).item())

    for m in net.modules():
        if isinstance(m, nn.ReLU):
            m.register_forward_pre_hook(pre_hook)
    with torch.no_grad():
        run(net)
    return worst[0]


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
    quantize_(model, 1 / 32)
    before = {k: v.clone() for k, v in model.state_dict().items()}

    batch = 2
    # The first input seed from iseed on whose forward keeps every ReLU input KINK_MARGIN × its std
    # away from 0 (see relu_margin).
    for attempt in range(400):
        x = gx.randn([batch, 3, 64, 64], iseed + attempt)
        margin = relu_margin(model, lambda net: net(x))
        if margin >= KINK_MARGIN:
            break
    else:
        raise RuntimeError('no input seed kept the ReLU inputs away from 0')
    iseed += attempt
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
    gz_save(after, os.path.join(case_dir, 'after.pth.gz'))
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
        'train': train_cfg, 'bn_momentum': momenta, 'input_seed': iseed, 'relu_margin': margin,
        'loss': loss, 'loss_float64': loss64,
        'grads': {'file': 'grads.pth', 'tensors': len(grads), 'float32_noise': grad_noise},
        'after': {'file': 'after.pth.gz', 'tensors': len(after), 'left_out': sorted(k for k in before if not pose_after_kept(k)),
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
  rounded to a multiple of 1/32 (running_var ≥ 1/32), which lets gzip shrink it (and after.pth.gz,
  whose values sit near those multiples after one Adam step).
- batch: input.npy [2,3,64,64] N(0,1) seed {iseed} (the first seed from 8104 on whose train-mode forward
  keeps every ReLU input at least {KINK_MARGIN} × that tensor's std away from 0 — here {margin:.3g}: an input
  within rounding of 0 may fall on the other side in another float32 implementation and flip a gradient
  term; with ~10^6 ReLU inputs, a few lie that close to 0 for most seeds); target.npy [2,{joints},16,16] U(0,1) and
  target_weight.npy [2,{joints},1] (1 where U(0,1) > 0.3, else 0) from seed {tseed}.
- the step, as `lib/core/function.py` `train()`: `model.train()`; `output = model(input)`;
  `loss = criterion(output, target, target_weight)`; `optimizer.zero_grad()`; `loss.backward()`;
  `optimizer.step()`. BatchNorm in train mode: batch statistics, running stats moved with
  momentum {momenta} (BN_MOMENTUM; the fuse / transition BNs use PyTorch's default 0.1).
- manifest.json `loss`: the loss (float32 run); grads.pth: `p.grad` of every parameter, keyed like the
  state dict; after.pth.gz: the state dict after `optimizer.step()` (weights and BN running stats;
  `num_batches_tracked` = 1), except the conv weights of the stem and layer1 (listed in
  `after.left_out`: 1.2 MB more; their gradients are in grads.pth, and Adam's update is elementwise).
- float64 rerun of the same step (same code, `.double()` model and batch): loss {loss64:.10g} vs
  {loss:.10g}. `float32_noise` in manifest.json gives, per tensor, max |float32 − float64| / std(float64)
  of the gradients and updated weights: how far float32 rounding alone moves the official result
  (median {sorted(grad_noise.values())[len(grad_noise) // 2]:.2g}, largest {max(grad_noise.values()):.2g} for the gradients). It can be
  large (0.08–0.13 with other weights / batches tried while making this case) where a gradient nearly cancels: a per-channel shift of a tensor that feeds convs followed by
  train-mode BatchNorm is removed by those BNs (up to the zero-padded border and the ReLUs in
  between), so e.g. the BN biases at the end of layer1 get small gradients in which rounding weighs; Adam's first step
  (lr · g / (|g| + eps)) turns their sign noise into ±lr. The test allows 1e-4 + 5 × float32_noise per
  tensor and leaves out of the after-step check the elements whose official gradient is within that
  tolerance of 0 (see ../../README.md, "Training cases").
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
    for attempt in range(400):  # as in case_train_pose: no ReLU input within rounding of 0
        x = gx.randn([batch, 3, 64, 64], iseed + attempt)
        margin = relu_margin(model, lambda net: net(x))
        if margin >= KINK_MARGIN:
            break
    else:
        raise RuntimeError('no input seed kept the ReLU inputs away from 0')
    iseed += attempt
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
        'train': train_cfg, 'bn_momentum': momenta, 'input_seed': iseed, 'relu_margin': margin,
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
- batch: input.npy [2,3,64,64] N(0,1) seed {iseed} (the first seed from 8204 whose train-mode forward keeps every
  ReLU input at least {KINK_MARGIN} × its std away from 0, here {margin:.3g}; see ../train_pose/README.md); labels.npy [2,64,64] int32 uniform in 0..{classes - 1},
  15 % set to the ignore label 255 (seed {lseed}). The logits (16×16) are upsampled to 64×64 by the
  criterion (`F.upsample(..., mode='bilinear')`, align_corners False). Class weights {[round(w, 6) for w in class_weights.tolist()]}.
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

# ----------------------------------------------------------------------------------------------
# Detector: mmdet 2.x RPNHead + StandardRoIHead losses on fixed features, gt and proposals
# ----------------------------------------------------------------------------------------------

def load_mmdet_training(mmdet_root, shims):
    """mmdet 2.x files through ../shared/tools/oracle-shims (mmdet_scaffold + mmcv_min), plus the
    assigner / sampler files the training path needs (real mmdet files, loaded by path)."""
    sys.path.insert(0, shims)
    import mmdet_scaffold as sc
    sc.setup(mmdet_root, os.path.join(shims, 'mmcv_min'))
    builder = sc.setup_detector(mmdet_root)
    j = lambda *p: os.path.join(mmdet_root, 'mmdet', *p)  # noqa: E731
    sc._load('mmdet.utils.util_mixins', j('utils', 'util_mixins.py'))
    sys.modules['mmdet.utils'].util_mixins = sys.modules['mmdet.utils.util_mixins']
    ious = sys.modules['mmdet.core.bbox.iou_calculators']
    ious.build_iou_calculator = sys.modules['mmdet.core.bbox.iou_calculators.builder'].build_iou_calculator
    sc._pkg('mmdet.core.bbox.assigners', j('core', 'bbox', 'assigners'))
    for m in ('assign_result', 'base_assigner', 'max_iou_assigner'):
        sc._load('mmdet.core.bbox.assigners.' + m, j('core', 'bbox', 'assigners', m + '.py'))
    sc._pkg('mmdet.core.bbox.samplers', j('core', 'bbox', 'samplers'))
    for m in ('sampling_result', 'base_sampler', 'random_sampler'):
        sc._load('mmdet.core.bbox.samplers.' + m, j('core', 'bbox', 'samplers', m + '.py'))
    from mmcv.utils import ConfigDict  # the shim's attribute dict
    return builder, ConfigDict


def case_train_det(mmdet_root, shims, out_dir):
    builder, ConfigDict = load_mmdet_training(mmdet_root, shims)
    C, classes, size = 8, 3, 64
    coder = lambda stds: dict(type='DeltaXYWHBBoxCoder', target_means=[0.0] * 4, target_stds=stds)  # noqa: E731
    rpn_head = dict(type='RPNHead', in_channels=C, feat_channels=C,
                    anchor_generator=dict(type='AnchorGenerator', scales=[4], ratios=[1.0], strides=[4, 8]),
                    bbox_coder=coder([1.0] * 4),
                    loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0),
                    loss_bbox=dict(type='L1Loss', loss_weight=1.0))
    roi_head = dict(type='StandardRoIHead',
                    bbox_roi_extractor=dict(type='SingleRoIExtractor', roi_layer=dict(type='RoIAlign', output_size=7, sampling_ratio=0),
                                            out_channels=C, featmap_strides=[4, 8]),
                    bbox_head=dict(type='Shared2FCBBoxHead', in_channels=C, fc_out_channels=16, roi_feat_size=7, num_classes=classes,
                                   bbox_coder=coder([0.1, 0.1, 0.2, 0.2]), reg_class_agnostic=False,
                                   loss_cls=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
                                   loss_bbox=dict(type='L1Loss', loss_weight=1.0)))
    # faster_rcnn_r50_fpn.py's train_cfg, with sampler sizes so large that every candidate is taken
    # (RandomSampler returns all positives / negatives, unshuffled, when they fit): deterministic.
    train_cfg = dict(
        rpn=dict(assigner=dict(type='MaxIoUAssigner', pos_iou_thr=0.7, neg_iou_thr=0.3, min_pos_iou=0.3, match_low_quality=True, ignore_iof_thr=-1),
                 sampler=dict(type='RandomSampler', num=100000, pos_fraction=0.5, neg_pos_ub=-1, add_gt_as_proposals=False),
                 allowed_border=-1, pos_weight=-1, debug=False),
        rpn_proposal=dict(nms_pre=2000, max_per_img=1000, nms=dict(type='nms', iou_threshold=0.7), min_bbox_size=0),
        rcnn=dict(assigner=dict(type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.5, min_pos_iou=0.5, match_low_quality=False, ignore_iof_thr=-1),
                  sampler=dict(type='RandomSampler', num=100000, pos_fraction=0.25, neg_pos_ub=-1, add_gt_as_proposals=True),
                  pos_weight=-1, debug=False))
    test_cfg = dict(rpn=dict(nms_pre=1000, max_per_img=1000, nms=dict(type='nms', iou_threshold=0.7), min_bbox_size=0),
                    rcnn=dict(score_thr=0.05, nms=dict(type='nms', iou_threshold=0.5), max_per_img=100))
    config = {'type': 'FasterRCNN', 'rpn_head': rpn_head, 'roi_head': roi_head, 'train_cfg': train_cfg, 'test_cfg': test_cfg}

    g = torch.Generator().manual_seed(8301)
    levels = [torch.randn([2, C, size // s, size // s], generator=g) for s in (4, 8)]
    gt_bboxes = [torch.tensor([[6.0, 8.0, 30.0, 40.0], [20.0, 24.0, 52.0, 44.0], [36.0, 4.0, 60.0, 22.0]]),
                 torch.tensor([[10.0, 30.0, 26.0, 58.0], [28.0, 10.0, 60.0, 50.0]])]
    gt_labels = [torch.tensor([0, 2, 1]), torch.tensor([1, 0])]
    # Off-grid corners: no IoU exactly at a threshold. Anchors whose span lies inside a gt's along an
    # axis tie on IoU in exact arithmetic; with square anchors (ratio 1: integer corners) every
    # implementation computes those ties exactly, so low-quality matching assigns them all alike.
    gt_bboxes = [t + torch.rand(t.shape, generator=g) * 0.9 for t in gt_bboxes]
    proposals = []
    for gt in gt_bboxes:
        jitter = gt.repeat(4, 1) + torch.randn([4 * len(gt), 4], generator=g) * 4.0
        xy = torch.rand([16, 2], generator=g) * (size - 8)
        wh = 6.0 + torch.rand([16, 2], generator=g) * 30.0
        rand = torch.cat([xy, (xy + wh).clamp(max=size)], 1)
        boxes = torch.cat([jitter, rand]).clamp(0, size)
        boxes[:, 2:] = torch.maximum(boxes[:, 2:], boxes[:, :2] + 2.0)
        proposals.append(torch.round(boxes * 4) / 4)
    img_metas = [dict(img_shape=(size, size, 3), pad_shape=(size, size, 3), batch_input_shape=(size, size), ori_shape=(size, size, 3),
                      scale_factor=np.ones(4, dtype=np.float32), flip=False)] * 2

    def build(dtype):
        rpn = builder.build_head(dict(**rpn_head, train_cfg=ConfigDict.wrap(train_cfg['rpn']), test_cfg=ConfigDict.wrap(test_cfg['rpn'])))
        roi = builder.build_head(dict(**roi_head, train_cfg=ConfigDict.wrap(train_cfg['rcnn']), test_cfg=ConfigDict.wrap(test_cfg['rcnn'])))
        return rpn.to(dtype), roi.to(dtype)

    rpn, roi = build(torch.float32)
    wg = torch.Generator().manual_seed(8302)
    with torch.no_grad():
        for m in list(rpn.modules()) + list(roi.modules()):
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.weight.normal_(0.0, (2.0 / m.weight[0].numel()) ** 0.5, generator=wg)
                m.bias.normal_(0.0, 0.1, generator=wg)
    state = {**{f'rpn_head.{k}': v.clone() for k, v in rpn.state_dict().items()},
             **{f'roi_head.{k}': v.clone() for k, v in roi.state_dict().items()}}

    def losses(dtype):
        """RPNHead.loss on the head's outputs (as forward_train does) and StandardRoIHead.forward_train
        on the given proposals; returns the four losses, the gradient of their sum for every
        parameter and for the two feature levels, and the numbers of sampled RoIs."""
        r, h = build(dtype)
        r.load_state_dict({k[len('rpn_head.'):]: v for k, v in state.items() if k.startswith('rpn_head.')})
        h.load_state_dict({k[len('roi_head.'):]: v for k, v in state.items() if k.startswith('roi_head.')})
        r.train()
        h.train()
        x = [lv.to(dtype).clone().requires_grad_(True) for lv in levels]
        gts = [t.to(dtype) for t in gt_bboxes]
        rpn_losses = r.loss(*r(x), gts, img_metas)
        roi_losses = h.forward_train(x, img_metas, [p.to(dtype) for p in proposals], gts, gt_labels)
        parts = {'loss_rpn_cls': sum(rpn_losses['loss_rpn_cls']), 'loss_rpn_bbox': sum(rpn_losses['loss_rpn_bbox']),
                 'loss_cls': roi_losses['loss_cls'], 'loss_bbox': roi_losses['loss_bbox']}
        sum(parts.values()).backward()
        grads = {**{f'rpn_head.{k}': p.grad.detach().clone() for k, p in r.named_parameters()},
                 **{f'roi_head.{k}': p.grad.detach().clone() for k, p in h.named_parameters()},
                 **{f'level_{i}': t.grad.detach().clone() for i, t in enumerate(x)}}
        return {k: v.item() for k, v in parts.items()}, grads

    loss32, grads32 = losses(torch.float32)
    loss64, grads64 = losses(torch.float64)

    case_dir = new_case(out_dir, 'train_det')
    torch.save(state, os.path.join(case_dir, 'heads.pth'))
    torch.save({k: v for k, v in grads32.items()}, os.path.join(case_dir, 'grads.pth'))
    for i, lv in enumerate(levels):
        save_npy(case_dir, f'level_{i}', lv)
    with open(os.path.join(case_dir, 'config.json'), 'w') as f:
        json.dump(config, f, indent=1)
        f.write('\n')
    manifest = {
        'case': 'train_det',
        'official': 'mmdetection 2.x (2.25.0, commit ca11860f via the BitStrawber/mmdetection fork): RPNHead / AnchorHead.loss, '
                    'StandardRoIHead.forward_train, MaxIoUAssigner, RandomSampler, CrossEntropyLoss, L1Loss, DeltaXYWHBBoxCoder',
        'config': 'config.json', 'heads': 'heads.pth',
        'levels': [{'file': f'level_{i}.npy', 'shape': list(lv.shape)} for i, lv in enumerate(levels)],
        'img_shape': [size, size],
        'gt_bboxes': [t.tolist() for t in gt_bboxes], 'gt_labels': [t.tolist() for t in gt_labels],
        'proposals': [p.tolist() for p in proposals],
        'losses': loss32, 'losses_float64': loss64,
        'grads': {'file': 'grads.pth', 'tensors': len(grads32), 'float32_noise': float32_noise(grads32, grads64)},
    }
    readme = f"""
# train_det — mmdet 2.x Faster R-CNN head losses and their gradients

- code: open-mmlab/mmdetection 2.x at v2.25.0 (commit ca11860f4f3c3ca2ce8340e2686eeaec05b29111, from the
  BitStrawber/mmdetection fork that carries the official history; the Faster R-CNN path reproduces
  shared/fixtures/det), run through ../shared/tools/oracle-shims (mmdet_scaffold.py, mmcv_min: RoIAlign is
  torchvision's `roi_align(aligned=True)`); the assigner and sampler files are the real mmdet files too.
- heads (config.json): RPNHead (in/feat channels {C}, square anchors (scale 4, ratio 1: 16 and 32 px, integer corners), strides [4, 8],
  sigmoid CE + L1) and StandardRoIHead (SingleRoIExtractor RoIAlign 7×7, sampling_ratio 0, strides [4, 8];
  Shared2FCBBoxHead fc 16, {classes} classes, softmax CE + L1, target stds [0.1, 0.1, 0.2, 0.2]). heads.pth: the
  state dict (keys `rpn_head.*`, `roi_head.*`): conv / linear weights N(0, 2/fan_in), biases N(0, 0.1), seed 8302.
- inputs: level_0.npy [2,{C},16,16] and level_1.npy [2,{C},8,8] N(0,1) (seed 8301) for a batch of two {size}×{size}
  images (img_shape = pad_shape); gt boxes (corners moved off the integer grid by U(0, 0.9); anchors inside a gt along an axis tie on
  IoU exactly, which only integer anchor corners make every implementation agree on) / labels and 28 fixed proposals per image (4 jittered copies of each gt + 16 random boxes, on a
  0.25 grid) in manifest.json.
- train_cfg: faster_rcnn_r50_fpn.py's assigners (RPN 0.7 / 0.3 / 0.3 with low-quality matches; R-CNN 0.5) with
  RandomSampler num = 100000, so every positive and negative is sampled (RandomSampler returns them all,
  unshuffled, when they fit): the sampling is deterministic.
- the computation: `rpn_head.loss(*rpn_head(x), gt_bboxes, img_metas)` (as `forward_train` does) and
  `roi_head.forward_train(x, img_metas, proposals, gt_bboxes, gt_labels)` (which adds the gt as proposals);
  the four losses (RPN losses summed over levels) in manifest.json; grads.pth: the gradient of their sum for
  every head parameter and for the two feature levels (`level_0`, `level_1`, NCHW).
- float64 rerun: losses {loss64}; per-tensor `float32_noise` as in ../train_pose/README.md.
- {ENV}
"""
    return finish(case_dir, manifest, readme)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--official-dir', required=True)
    parser.add_argument('--mmdet-root', help='folder holding mmdet/ of mmdetection 2.x (git archive of ca11860f)')
    parser.add_argument('--shims', default=os.path.join(HERE, '..', '..', '..', 'shared', 'tools', 'oracle-shims'))
    parser.add_argument('--out', default=os.path.join(HERE, 'cases'))
    parser.add_argument('--only', nargs='*')
    args = parser.parse_args()
    cases = {
        'train_pose': lambda: case_train_pose(args.official_dir, args.out),
        'train_seg': lambda: case_train_seg(args.official_dir, args.out),
        'train_det': lambda: case_train_det(args.mmdet_root, os.path.abspath(args.shims), args.out),
    }
    for name, fn in cases.items():
        if args.only and name not in args.only:
            continue
        size = fn()
        print(f'{name}: {size} bytes')


if __name__ == '__main__':
    main()
