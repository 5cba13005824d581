#!/usr/bin/env python3
"""HRNet-OCR oracle cases for HRNet.js, made by running the OFFICIAL HRNet-OCR code.

Never run by the tests: they only read what this script wrote to tools/oracle/cases/ and
tools/oracle/ocr_keys/.

    /usr/bin/python3 tools/oracle/gen_ocr.py --official-dir /tmp/official_ocr

--official-dir must hold the unedited upstream files of HRNet/HRNet-Semantic-Segmentation at the
HRNet-OCR branch commit 0bbb2880446ddff2d78f8dd7e8c4c610151d5a51 (see tools/oracle/README.md):

    ocr/seg_hrnet_ocr.py                 lib/models/seg_hrnet_ocr.py
    ocr/base_dataset.py                  lib/datasets/base_dataset.py
    ocr/ade20k.py, ocr/pascal_ctx.py, ocr/lip.py   lib/datasets/<same name>
    ocr/criterion.py                     lib/core/criterion.py
    ocr/experiments/<dataset>/seg_hrnet_ocr_*.yaml experiments/<dataset>/ (the non-paddle ones)

Run-time stand-ins only (no upstream file is edited): `np.int = int`; a yacs-like dict for the
config; `bn_helper` giving nn.BatchNorm2d (upstream picks SyncBatchNorm for torch >= 1, which rejects
CPU tensors; same keys and eval maths); a `config` module for base_dataset.py's import;
`torch.Tensor.cuda` = identity (the dataset inference code moves buffers to the GPU); the
six-line tail of lib/core/function.py `testval` (crop the border padding, resize to the label size)
is repeated here because function.py imports the training utilities.

Weights: the recipe of gen_extra.py (kaiming-normal convs, calibrated BN running stats).
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen_extra as G  # noqa: E402  (sets np.int, 1 thread, deterministic algorithms)

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import yaml  # noqa: E402
from PIL import Image  # noqa: E402

OFFICIAL_COMMIT = '0bbb2880446ddff2d78f8dd7e8c4c610151d5a51'
OFFICIAL = f'HRNet-Semantic-Segmentation HRNet-OCR branch @ {OFFICIAL_COMMIT[:8]}'

# The dataset code calls .cuda() on its buffers; on this CPU-only machine that is the identity.
torch.Tensor.cuda = lambda self, *args, **kwargs: self

# lib/config/default.py of the HRNet-OCR branch: what seg_hrnet_ocr.py and the dataset code read.
DEFAULTS = {
    'MODEL': {'ALIGN_CORNERS': True, 'NUM_OUTPUTS': 1, 'OCR': {'MID_CHANNELS': 512, 'KEY_CHANNELS': 256, 'DROPOUT': 0.05, 'SCALE': 1}},
    'TEST': {'OUTPUT_INDEX': -1, 'SCALE_LIST': [1], 'FLIP_TEST': False},
}


def merge(base, override):
    out = dict(base)
    for k, v in override.items():
        out[k] = merge(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
    return out


def with_defaults(config):
    return G.Cfg.wrap(merge(DEFAULTS, config))


def load_ocr_model(official):
    """A fresh import of seg_hrnet_ocr.py (its ALIGN_CORNERS is a module global set by __init__)."""
    pkg = G.package('official_ocr')
    bn_helper = types.ModuleType('official_ocr.bn_helper')
    bn_helper.BatchNorm2d = nn.BatchNorm2d
    bn_helper.BatchNorm2d_class = nn.BatchNorm2d
    bn_helper.relu_inplace = True
    sys.modules['official_ocr.bn_helper'] = bn_helper
    pkg.bn_helper = bn_helper
    return G.load_file('official_ocr.seg_hrnet_ocr', os.path.join(official, 'ocr', 'seg_hrnet_ocr.py'))


def load_dataset_module(official, name, cfg):
    """lib/datasets/<name>.py with its `from .base_dataset import BaseDataset` and `from config import config`."""
    G.package('official_ocr_ds')
    config_module = types.ModuleType('config')
    config_module.config = cfg
    sys.modules['config'] = config_module
    G.load_file('official_ocr_ds.base_dataset', os.path.join(official, 'ocr', 'base_dataset.py'))
    return G.load_file(f'official_ocr_ds.{name}', os.path.join(official, 'ocr', f'{name}.py'))


def build(official, cfg):
    mod = load_ocr_model(official)
    return mod, (lambda: mod.HighResolutionNet(cfg))


def tiny_extra(stage1_planes, widths, stage4_modules=1):
    return {
        'FINAL_CONV_KERNEL': 1,
        'STAGE1': G.stage(1, 'BOTTLENECK', [1], [stage1_planes]),
        'STAGE2': G.stage(1, 'BASIC', [1, 1], widths[:2]),
        'STAGE3': G.stage(1, 'BASIC', [1, 1, 1], widths[:3]),
        'STAGE4': G.stage(stage4_modules, 'BASIC', [1, 1, 1, 1], widths),
    }


def make_model(official, config, seeds, calib_shape, calib_input=None):
    cfg = with_defaults(config)
    mod, make = build(official, cfg)
    wseed, cseed, nseed = seeds
    model = make()
    G.init_weights(model, wseed)
    G.calibrate_bn(model, G.randn(calib_shape, cseed) if calib_input is None else calib_input, nseed)
    model.eval()
    return cfg, make, model


HEAD_HOOKS = ('conv3x3_ocr', 'ocr_gather_head', 'ocr_distri_head')


# ----------------------------------------------------------------------------------------------
# Model cases: the network alone
# ----------------------------------------------------------------------------------------------

def model_case(official, out_dir, name, *, config, x_shape, seeds, iseed, calib_shape, what):
    cfg, make, model = make_model(official, config, seeds, calib_shape)
    x = G.randn(x_shape, iseed)
    hooks = [(getattr(model, n), 'out', n) for n in HEAD_HOOKS] + G.stage_hooks(model, ('stage4',))
    (aux, logits), got = G.capture(model, x, hooks)
    outputs = {**got, 'aux': aux, 'logits': logits}
    sd = model.state_dict()
    reload = G.reload_check(make, sd, x, logits, lambda y: y[-1])
    f64, f64rel = G.float64_gap(model, x, logits, lambda y: y[-1])
    # A case whose own float32 round-off reaches the tests' bar (1e-4 of std) proves nothing.
    assert f64rel < 5e-5, f'{name}: official float32 vs float64 gap {f64rel:.3g} x std; pick other seeds'
    ocr = cfg.MODEL.OCR
    readme = f"""
# {name} — HRNet-OCR seg_hrnet_ocr.py, {what}

- code: HRNet/HRNet-Semantic-Segmentation, HRNet-OCR branch, `lib/models/seg_hrnet_ocr.py` at commit
  {OFFICIAL_COMMIT} (the branch HEAD; sha256 in tools/oracle/README.md). Unedited; stand-ins in
  tools/oracle/gen_ocr.py (`bn_helper` → nn.BatchNorm2d, relu_inplace True; `np.int = int`).
- built with `HighResolutionNet(cfg)`; the model returns [aux, main]: `aux.npy` = aux_head output,
  `logits.npy` = cls_head output (TEST.OUTPUT_INDEX −1, what the official test uses).
- config (config.json, official yaml layout): MODEL.NAME seg_hrnet_ocr, MODEL.ALIGN_CORNERS
  {cfg.MODEL.ALIGN_CORNERS}, MODEL.OCR MID_CHANNELS {ocr.MID_CHANNELS} / KEY_CHANNELS {ocr.KEY_CHANNELS},
  {cfg.DATASET.NUM_CLASSES} classes, stage widths {config['MODEL']['EXTRA']['STAGE4']['NUM_CHANNELS']}.
- input {list(x.shape)}.
- {G.RECIPE.format(wseed=seeds[0], cshape=calib_shape, cseed=seeds[1], nseed=seeds[2], iseed=iseed)}
- {G.ENV}
- seeds: the generator refuses weights whose official float32 run is ≥ 5e-5 × std away from its float64
  run (the first seed tried for ocr_ac_true_odd, 8001, gave 1.1e-4: the official output's own round-off
  was above the bar, so the case was re-drawn with 8021).

Head intermediates from forward hooks: `conv3x3_ocr` (3×3 conv + BN + ReLU), `ocr_gather_head`
(SpatialGather_Module: spatial softmax of the aux logits times the features, [N, C, K, 1]),
`ocr_distri_head` (SpatialOCR_Module output). Checks made when generating: reloading model.pth
strictly into a fresh official model reproduces logits exactly (max abs diff {reload}); a float64
run differs from logits.npy by max abs {f64:.3g} ({f64rel:.3g} × std).
"""
    meta = {'family': 'seg', 'official': f'{OFFICIAL} lib/models/seg_hrnet_ocr.py', 'reload_max_abs': reload,
            'float64_max_abs': f64, 'float64_rel_to_std': f64rel}
    return G.write_case(out_dir, name, state_dict=sd, config=config, x=x, outputs=outputs, readme=readme, meta=meta)


def case_ocr_ac_true_odd(official, out_dir):
    config = {
        'DATASET': {'DATASET': 'cityscapes', 'NUM_CLASSES': 7},
        'MODEL': {'NAME': 'seg_hrnet_ocr', 'NUM_OUTPUTS': 2, 'ALIGN_CORNERS': True,
                  'OCR': {'MID_CHANNELS': 24, 'KEY_CHANNELS': 12}, 'EXTRA': tiny_extra(16, [4, 8, 12, 16])},
    }
    return model_case(official, out_dir, 'ocr_ac_true_odd', config=config, x_shape=[1, 3, 97, 131], seeds=(8021, 8121, 8122),
                      iseed=8002, calib_shape=[2, 3, 97, 131],
                      what='ALIGN_CORNERS True, odd input 97×131 (branches 25×33 / 13×17 / 7×9 / 4×5), 7 classes')


def case_ocr_ac_false_b2(official, out_dir):
    config = {
        'DATASET': {'DATASET': 'pascal_ctx', 'NUM_CLASSES': 5},
        'MODEL': {'NAME': 'seg_hrnet_ocr', 'NUM_OUTPUTS': 2, 'ALIGN_CORNERS': False,
                  'OCR': {'MID_CHANNELS': 16, 'KEY_CHANNELS': 10}, 'EXTRA': tiny_extra(8, [6, 10, 14, 18], stage4_modules=2)},
    }
    return model_case(official, out_dir, 'ocr_ac_false_b2', config=config, x_shape=[2, 3, 70, 54], seeds=(8201, 8301, 8302),
                      iseed=8202, calib_shape=[2, 3, 70, 54],
                      what='ALIGN_CORNERS False, batch of 2, input 70×54, 5 classes, 2 stage-4 modules')


# ----------------------------------------------------------------------------------------------
# Pipeline cases: uint8 image → dataset testval preprocessing → multi_scale_inference → testval tail
# ----------------------------------------------------------------------------------------------

DATASET_CLASSES = {'ade20k': 'ADE20K', 'pascal_ctx': 'PASCALContext', 'lip': 'LIP'}




def near_ties(pred, threshold=1e-4):
    """Pixels whose top-2 summed predictions differ by less than threshold × the top one."""
    top2 = torch.topk(pred[0], 2, dim=0).values
    margin = (top2[0] - top2[1]) / top2[0].abs().clamp_min(1e-30)
    ys, xs = torch.nonzero(margin < threshold, as_tuple=True)
    return [[int(y), int(x)] for y, x in zip(ys, xs)]


def pipeline_case(official, out_dir, name, *, dataset, config, image_hw, seeds, iseed, what):
    cfg = with_defaults(config)
    g = torch.Generator().manual_seed(iseed)
    h, w = image_hw
    # A smooth picture (random 4×5 colour field, bilinear-upsampled, ±8 noise) rather than per-pixel
    # noise: with neighbours 100+ apart, float32 coordinate round-off in any bilinear resize (cv2's
    # and torch's alike) moves values by ~1e-5 and this tiny random network amplifies that ~30×.
    coarse = torch.rand((1, 3, 4, 5), generator=g) * 200 + 28
    field = F.interpolate(coarse, size=(h, w), mode='bilinear', align_corners=True)[0].permute(1, 2, 0)
    noise = torch.randint(-8, 9, (h, w, 3), generator=g).float()
    rgb = (field + noise).round().clamp(0, 255).to(torch.uint8).numpy()
    mod = load_dataset_module(official, dataset, cfg)
    root = tempfile.mkdtemp(prefix='ocr_oracle_')
    try:
        cv2.imwrite(os.path.join(root, 'img.png'), np.ascontiguousarray(rgb[:, :, ::-1]))  # imread gives BGR back
        Image.fromarray(np.ones((h, w), np.uint8)).save(os.path.join(root, 'label.png'))
        with open(os.path.join(root, 'testval.lst'), 'w') as f:
            f.write('img.png label.png\n')
        test_size = (cfg.TEST.IMAGE_SIZE[1], cfg.TEST.IMAGE_SIZE[0])  # tools/test.py
        ds = getattr(mod, DATASET_CLASSES[dataset])(
            root=root + '/', list_path='testval.lst', num_samples=None, num_classes=cfg.DATASET.NUM_CLASSES,
            multi_scale=False, flip=False, ignore_label=255, base_size=cfg.TEST.BASE_SIZE, crop_size=test_size,
            downsample_rate=1)
        image, label, _, _, *border = ds[0]
    finally:
        shutil.rmtree(root)
    x = torch.from_numpy(image)[None]
    def attempt(seeds):
        # BN calibrated on exactly the crops multi_scale_inference feeds the model (recorded in a first
        # pass with the uncalibrated weights), not on N(0,1): padded crops are far from N(0,1), and the
        # tiny random OCR head then overflows exp() in float32.
        cfg = with_defaults(config)
        _, make = build(official, cfg)
        model = make()
        G.init_weights(model, seeds[0])
        crops = []
        hook = model.register_forward_pre_hook(lambda m, inp: crops.append(inp[0].detach().clone()))
        model.eval()
        with torch.no_grad():
            ds.multi_scale_inference(cfg, model, x, scales=cfg.TEST.SCALE_LIST, flip=cfg.TEST.FLIP_TEST)
        hook.remove()
        G.calibrate_bn(model, torch.cat(crops), seeds[2])
        model.eval()
        with torch.no_grad():
            pred = ds.multi_scale_inference(cfg, model, x, scales=cfg.TEST.SCALE_LIST, flip=cfg.TEST.FLIP_TEST)
            # lib/core/function.py testval: crop the border padding, resize to the label size.
            if border:
                pad = border[0]
                pred = pred[:, :, 0:pred.size(2) - pad[0], 0:pred.size(3) - pad[1]]
            if pred.size(-2) != label.shape[-2] or pred.size(-1) != label.shape[-1]:
                pred = F.interpolate(pred, label.shape[-2:], mode='bilinear', align_corners=cfg.MODEL.ALIGN_CORNERS)
        assert torch.isfinite(pred).all(), f'{name}: the official prediction overflowed'
        # The same path with a float64 copy of the model and input: how far float32 round-off alone moves pred.
        m64 = G.copy.deepcopy(model).double().eval()
        with torch.no_grad():
            p64 = ds.multi_scale_inference(cfg, m64, x.double(), scales=cfg.TEST.SCALE_LIST, flip=cfg.TEST.FLIP_TEST).double()
            if border:
                p64 = p64[:, :, 0:p64.size(2) - pad[0], 0:p64.size(3) - pad[1]]
            if p64.shape[-2:] != pred.shape[-2:]:
                p64 = F.interpolate(p64, label.shape[-2:], mode='bilinear', align_corners=cfg.MODEL.ALIGN_CORNERS)
        # Measured on log(pred) (the flip-averaged, scale-summed logits): exp() makes pred heavy-tailed,
        # so its std says little about the precision of the larger entries.
        log32 = pred.double().log()
        f64rel = ((p64.log() - log32).abs().max() / log32.std(unbiased=False)).item()
        return model, pred, f64rel

    # Like the model cases: weights whose official float32 log(pred) is ≥ 2e-5 × std away from the
    # float64 run's are re-drawn (seeds + 10k), so the case's own round-off stays below the tests' bar.
    tried = []
    for k in range(24):
        trial = tuple(v + 10 * k for v in seeds)
        model, pred, f64rel = attempt(trial)
        tried.append([list(trial), f64rel])
        if f64rel < 2e-5:
            break
    else:
        raise AssertionError(f'{name}: no well-conditioned weights among {tried}')
    seeds = trial
    print(name, 'seeds', seeds, 'float64 gap / std', f64rel, 'tries', len(tried))
    labels = pred.argmax(1)[0].to(torch.int32)
    ties = near_ties(pred)
    sd = model.state_dict()
    case_dir = os.path.join(out_dir, name)
    readme = f"""
# {name} — the official {DATASET_CLASSES[dataset]} testval path with an HRNet-OCR model: {what}

- code: HRNet/HRNet-Semantic-Segmentation, HRNet-OCR branch @ {OFFICIAL_COMMIT}, unedited:
  `lib/models/seg_hrnet_ocr.py`, `lib/datasets/base_dataset.py`, `lib/datasets/{dataset}.py`.
- what ran: `{DATASET_CLASSES[dataset]}(root, 'testval.lst', num_classes, multi_scale=False, flip=False,
  ignore_label=255, base_size=TEST.BASE_SIZE, crop_size=(TEST.IMAGE_SIZE[1], TEST.IMAGE_SIZE[0]))[0]` on
  image.npy written as a PNG (cv2.imread → BGR), giving input.npy (the normalised test image); then
  `multi_scale_inference(config, model, input, TEST.SCALE_LIST, TEST.FLIP_TEST)` (which takes the
  model's output[TEST.OUTPUT_INDEX = −1]); then testval's tail (repeated in gen_ocr.py): crop the
  border padding the dataset returned (if any), resize bilinearly to the label (= image) size with
  MODEL.ALIGN_CORNERS → pred.npy [1, K, H, W]; labels.npy = argmax over classes.
- config.json (official yaml layout): {json.dumps(config['TEST'])}, ALIGN_CORNERS {cfg.MODEL.ALIGN_CORNERS},
  {cfg.DATASET.NUM_CLASSES} classes, OCR {config['MODEL']['OCR']}.
- image.npy: uint8 RGB {h}×{w}: a random 4×5 colour field upsampled bilinearly (align_corners True)
  plus integer noise in [−8, 8] (torch.Generator seed {iseed}).
- weights: the recipe of gen_extra.py (weight seed {seeds[0]}, BN noise seed {seeds[2]}), except that the
  BN calibration input is the batch of every crop multi_scale_inference feeds the model (flipped ones
  included), recorded in a first pass with the uncalibrated weights: with running stats from N(0,1)
  the padded crops drove this tiny random OCR head's logits past exp()'s float32 range.
- seeds tried (weights, unused, BN noise) and the max |log pred₆₄ − log pred₃₂| / std(log pred₃₂) each
  gave (float32 round-off of the official run itself): {tried}; the first under 2e-5 was kept.
- {G.ENV}
- near ties: {len(ties)} pixel(s) whose two best summed predictions differ by < 1e-4 (relative) —
  listed in manifest.json `near_ties` [y, x]; a float32 re-implementation may flip them.
"""
    meta = {'family': 'seg', 'official': f'{OFFICIAL} seg_hrnet_ocr.py + datasets/{dataset}.py testval',
            'kind': 'pipeline', 'dataset': dataset, 'image': 'image.npy', 'labels': 'labels.npy', 'near_ties': ties,
            'border_padding': [int(v) for v in border[0]] if border else None, 'float64_rel_to_std': f64rel,
            'seed_tries': tried}
    size = G.write_case(out_dir, name, state_dict=sd, config=config, x=x, outputs={'pred': pred}, readme=readme, meta=meta)
    np.save(os.path.join(case_dir, 'image.npy'), rgb)
    np.save(os.path.join(case_dir, 'labels.npy'), labels.numpy())
    return size + os.path.getsize(os.path.join(case_dir, 'image.npy')) + os.path.getsize(os.path.join(case_dir, 'labels.npy'))


def test_section(image_size_wh, base, scales, flip):
    return {'IMAGE_SIZE': list(image_size_wh), 'BASE_SIZE': base, 'SCALE_LIST': scales, 'FLIP_TEST': flip, 'OUTPUT_INDEX': -1}


def case_ocr_pipe_ade20k(official, out_dir):
    config = {
        'DATASET': {'DATASET': 'ade20k', 'NUM_CLASSES': 150},
        'MODEL': {'NAME': 'seg_hrnet_ocr', 'NUM_OUTPUTS': 2, 'OCR': {'MID_CHANNELS': 16, 'KEY_CHANNELS': 8},
                  'EXTRA': tiny_extra(8, [4, 8, 12, 16])},
        'TEST': test_section([28, 28], 26, [0.75, 1.0, 1.5], True),
    }
    return pipeline_case(official, out_dir, 'ocr_pipe_ade20k', dataset='ade20k', config=config, image_hw=(23, 31),
                         seeds=(8401, 8501, 8502), iseed=8402,
                         what='resize short side to 26 + pad to /8 (padding kept in the prediction), scales 0.75/1/1.5 (1.5 as 2×2 windows), flip, align_corners True (the default)')


def case_ocr_pipe_pascal_ctx(official, out_dir):
    config = {
        'DATASET': {'DATASET': 'pascal_ctx', 'NUM_CLASSES': 59},
        'MODEL': {'NAME': 'seg_hrnet_ocr', 'NUM_OUTPUTS': 2, 'ALIGN_CORNERS': False, 'OCR': {'MID_CHANNELS': 16, 'KEY_CHANNELS': 8},
                  'EXTRA': tiny_extra(8, [4, 8, 12, 16])},
        'TEST': test_section([40, 48], 44, [0.75, 1.25], False),
    }
    return pipeline_case(official, out_dir, 'ocr_pipe_pascal_ctx', dataset='pascal_ctx', config=config, image_hw=(27, 35),
                         seeds=(8601, 8701, 8702), iseed=8602,
                         what='resize short side to 44 + pad to /8, padding cropped off, non-square crop 48×40 (h×w), scales 0.75/1.25, align_corners False')


def case_ocr_pipe_lip(official, out_dir):
    config = {
        'DATASET': {'DATASET': 'lip', 'NUM_CLASSES': 20},
        'MODEL': {'NAME': 'seg_hrnet_ocr', 'NUM_OUTPUTS': 2, 'OCR': {'MID_CHANNELS': 16, 'KEY_CHANNELS': 8},
                  'EXTRA': tiny_extra(8, [4, 8, 12, 16])},
        'TEST': test_section([36, 44], 44, [1.0], True),
    }
    return pipeline_case(official, out_dir, 'ocr_pipe_lip', dataset='lip', config=config, image_hw=(33, 25),
                         seeds=(8801, 8901, 8902), iseed=8802,
                         what='cv2.resize to crop_size = (TEST.IMAGE_SIZE[1], TEST.IMAGE_SIZE[0]) taken as (width, height) → 44 wide × 36 high, flip with the 14↔15, 16↔17, 18↔19 swap, windows over a 44-wide image')


# ----------------------------------------------------------------------------------------------
# The training loss: LOSS.BALANCE_WEIGHTS over [aux, main] (lib/core/criterion.py)
# ----------------------------------------------------------------------------------------------

def case_ocr_loss(official, out_dir):
    """CrossEntropy and OhemCrossEntropy of criterion.py on [aux, main] with BALANCE_WEIGHTS, reduced
    as FullModel + `losses.mean()` of lib/core/function.py train do."""
    name = 'ocr_loss'
    k, n, h, w, H, W = 5, 2, 7, 9, 27, 35
    g = torch.Generator().manual_seed(9001)
    aux = torch.randn([n, k, h, w], generator=g) * 2
    main = torch.randn([n, k, h, w], generator=g) * 2
    labels = torch.randint(0, k, (n, H, W), generator=g)
    labels[torch.rand((n, H, W), generator=g) < 0.15] = 255
    class_weights = [0.8, 1.2, 1.0, 0.9, 1.1]
    results = {}
    for align in (True, False):
        config = {'MODEL': {'NUM_OUTPUTS': 2, 'ALIGN_CORNERS': align}, 'LOSS': {'BALANCE_WEIGHTS': [0.4, 1]}}
        cfg = G.Cfg.wrap(config)
        config_module = types.ModuleType('config')
        config_module.config = cfg
        sys.modules['config'] = config_module
        crit = G.load_file('official_ocr_criterion', os.path.join(official, 'ocr', 'criterion.py'))
        weight = torch.tensor(class_weights)
        variants = {
            'ce': crit.CrossEntropy(ignore_label=255),
            'ce_weighted': crit.CrossEntropy(ignore_label=255, weight=weight),
            'ohem': crit.OhemCrossEntropy(ignore_label=255, thres=0.7, min_kept=200),
            'ohem_weighted': crit.OhemCrossEntropy(ignore_label=255, thres=0.7, min_kept=200, weight=weight),
        }
        for key, criterion in variants.items():
            with torch.no_grad():
                loss = torch.unsqueeze(criterion([aux, main], labels), 0)  # FullModel
                results[f'{key}_ac_{str(align).lower()}'] = loss.mean().item()  # train: losses.mean()
    case_dir = os.path.join(out_dir, name)
    if os.path.isdir(case_dir):
        shutil.rmtree(case_dir)
    os.makedirs(case_dir)
    np.save(os.path.join(case_dir, 'aux.npy'), aux.numpy())
    np.save(os.path.join(case_dir, 'main.npy'), main.numpy())
    np.save(os.path.join(case_dir, 'labels.npy'), labels.to(torch.int32).numpy())
    manifest = {'case': name, 'official': f'{OFFICIAL} lib/core/criterion.py', 'balance_weights': [0.4, 1],
                'ignore_label': 255, 'class_weights': class_weights, 'ohem': {'thresh': 0.7, 'min_kept': 200},
                'losses': results}
    with open(os.path.join(case_dir, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    with open(os.path.join(case_dir, 'README.md'), 'w') as f:
        f.write(f"""# {name} — the HRNet-OCR training loss of the official criterion.py

- code: HRNet/HRNet-Semantic-Segmentation, HRNet-OCR branch @ {OFFICIAL_COMMIT}, unedited
  `lib/core/criterion.py` (`CrossEntropy`, `OhemCrossEntropy`), with a `config` module holding
  MODEL.NUM_OUTPUTS 2, LOSS.BALANCE_WEIGHTS [0.4, 1] and MODEL.ALIGN_CORNERS true / false.
- inputs: aux.npy and main.npy = 2·N(0,1) logits [2, 5, 7, 9] (torch.Generator seed 9001, drawn in
  that order), labels.npy [2, 27, 35] uniform in 0..4 with 15 % set to 255 (ignored); the criteria
  upsample the logits to 27×35 themselves.
- what is recorded (manifest.json `losses`): `criterion([aux, main], labels)` wrapped as FullModel
  does (`torch.unsqueeze(loss, 0)`) and reduced as the train loop does (`losses.mean()`), for plain
  and class-weighted CrossEntropy and OhemCrossEntropy (thres 0.7, min_kept 200), align_corners
  true and false. With OHEM the aux term is `_ce_forward` with reduction='none', so it enters as the
  mean per-pixel loss over ALL pixels (ignored ones 0).
- {G.ENV}
""")
    return sum(os.path.getsize(os.path.join(case_dir, fn)) for fn in os.listdir(case_dir))


# ----------------------------------------------------------------------------------------------
# State-dict key lists of the official W48 OCR configs
# ----------------------------------------------------------------------------------------------

def write_keys(official, keys_dir):
    if os.path.isdir(keys_dir):
        shutil.rmtree(keys_dir)
    os.makedirs(keys_dir)
    exp = os.path.join(official, 'ocr', 'experiments')
    rows = []
    for dataset in sorted(os.listdir(exp)):
        for fn in sorted(os.listdir(os.path.join(exp, dataset))):
            src = os.path.join(exp, dataset, fn)
            with open(src) as f:
                raw = yaml.safe_load(f)
            cfg = with_defaults(raw)
            _, make = build(official, cfg)
            model = make()
            spec = [[k, list(v.shape)] for k, v in model.state_dict().items()]
            stem = fn[:-len('.yaml')]
            shutil.copyfile(src, os.path.join(keys_dir, f'{dataset}__{fn}'))
            with open(os.path.join(keys_dir, f'{dataset}__{stem}.keys.json'), 'w') as f:
                f.write('[\n' + ',\n'.join(json.dumps(e, separators=(',', ':')) for e in spec) + '\n]\n')
            rows.append((dataset, fn, len(spec), sum(int(np.prod(s)) for k, s in spec if not k.endswith('num_batches_tracked'))))
            del model
    table = '\n'.join(f'| {d} | {fn} | {n} | {p} |' for d, fn, n, p in rows)
    readme = f"""# state_dict key lists of the official HRNet-OCR configs

Made by tools/oracle/gen_ocr.py from HRNet/HRNet-Semantic-Segmentation, HRNet-OCR branch @
{OFFICIAL_COMMIT}: each `experiments/<dataset>/seg_hrnet_ocr_*.yaml` (copied here verbatim as
`<dataset>__<file>.yaml`) merged onto the branch's `lib/config/default.py` values that the model reads
(MODEL.ALIGN_CORNERS True, MODEL.OCR MID_CHANNELS 512 / KEY_CHANNELS 256), built with the unedited
`lib/models/seg_hrnet_ocr.py` `HighResolutionNet(cfg)`; `<dataset>__<name>.keys.json` lists
`model.state_dict()` as `[key, shape]` in PyTorch order — the format `pnpm hrnet keys` prints.

| dataset | yaml | entries | parameters + buffers |
| --- | --- | --- | --- |
{table}
"""
    with open(os.path.join(keys_dir, 'README.md'), 'w') as f:
        f.write(readme)
    return rows


CASES = {
    'ocr_ac_true_odd': case_ocr_ac_true_odd,
    'ocr_ac_false_b2': case_ocr_ac_false_b2,
    'ocr_pipe_ade20k': case_ocr_pipe_ade20k,
    'ocr_pipe_pascal_ctx': case_ocr_pipe_pascal_ctx,
    'ocr_pipe_lip': case_ocr_pipe_lip,
    'ocr_loss': case_ocr_loss,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--official-dir', required=True)
    parser.add_argument('--out', default=os.path.join(HERE, 'cases'))
    parser.add_argument('--keys-out', default=os.path.join(HERE, 'ocr_keys'))
    parser.add_argument('--only', nargs='*', choices=sorted(CASES) + ['keys'])
    args = parser.parse_args()
    official = os.path.abspath(args.official_dir)
    todo = args.only or [*CASES, 'keys']
    for name in todo:
        if name == 'keys':
            for row in write_keys(official, args.keys_out):
                print('keys:', row)
        else:
            print(f'{name}: {CASES[name](official, args.out)} bytes')
    print('official file sha256:', json.dumps({rel: G.sha256(os.path.join(official, 'ocr', rel)) for rel in (
        'seg_hrnet_ocr.py', 'base_dataset.py', 'ade20k.py', 'pascal_ctx.py', 'lip.py', 'criterion.py')}, indent=1))


if __name__ == '__main__':
    main()
