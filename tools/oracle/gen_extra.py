#!/usr/bin/env python3
"""Extra oracle parity cases for HRNet.js, made by running the OFFICIAL PyTorch model code.

Never run by the tests: they only read what this script wrote to tools/oracle/cases/.

    /usr/bin/python3 tools/oracle/gen_extra.py --official-dir /tmp/official [--out tools/oracle/cases]

--official-dir must hold the unedited upstream files (see tools/oracle/README.md for where each
comes from):

    pose/pose_hrnet.py      leoxiaobin/deep-high-resolution-net.pytorch  lib/models/pose_hrnet.py
    seg_v11/seg_hrnet.py    HRNet/HRNet-Semantic-Segmentation (pytorch-v1.1 line)  lib/models/seg_hrnet.py
    seg_ocr/seg_hrnet.py    HRNet/HRNet-Semantic-Segmentation (HRNet-OCR line)     lib/models/seg_hrnet.py
    cls/cls_hrnet.py        HRNet/HRNet-Image-Classification  lib/models/cls_hrnet.py
    mmdet/hrnet.py          open-mmlab/mmdetection 2.x  mmdet/models/backbones/hrnet.py
    mmdet/resnet.py         open-mmlab/mmdetection 2.x  mmdet/models/backbones/resnet.py (BasicBlock, Bottleneck)

Everything needed to run those files without their repositories (np.int, a yacs-like config
object, bn_helper, the global `config` module of the HRNet-OCR line, the few mmcv / mmdet names
that hrnet.py and resnet.py import) is stood in for HERE; no upstream file is edited.

Weights follow the recipe of shared/fixtures (pose/seg/det READMEs): kaiming-normal conv/linear
weights (fan_in, std = sqrt(2/fan_in)), biases N(0, 0.1), BN weight U(0.5, 1.5), bias N(0, 0.1),
all drawn in named_modules() order from one torch.Generator; then BN running stats calibrated by
one eval-mode pass of a separate N(0,1) input, a pre-hook on every BN setting
running_mean = batch_mean + N(0, 0.1) * batch_std and running_var = batch_var (unbiased, floored
at 1e-3) * U(0.5, 2.0); num_batches_tracked = 0.
"""

import argparse
import copy
import gzip
import hashlib
import importlib.util
import json
import math
import os
import shutil
import sys
import types

import numpy as np
import torch
import torch.nn as nn

# numpy >= 1.24 removed the np.int alias that seg_hrnet.py uses (np.int(np.sum(...))).
if not hasattr(np, 'int'):
    np.int = int

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


# ----------------------------------------------------------------------------------------------
# Loading the official files
# ----------------------------------------------------------------------------------------------

class Cfg(dict):
    """yacs.CfgNode stand-in: a dict that also answers attribute access (cfg.MODEL.EXTRA)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(name) from e

    @staticmethod
    def wrap(value):
        if isinstance(value, dict):
            return Cfg({k: Cfg.wrap(v) for k, v in value.items()})
        if isinstance(value, list):
            return [Cfg.wrap(v) for v in value]
        return value


def package(name):
    mod = sys.modules.get(name)
    if mod is None:
        mod = types.ModuleType(name)
        mod.__path__ = []
        sys.modules[name] = mod
    return mod


def load_file(module_name, path):
    """Imports one upstream file as `module_name` (a dotted name gives it its package for relative imports)."""
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def load_pose(official):
    return load_file('official_pose.pose_hrnet', os.path.join(official, 'pose', 'pose_hrnet.py'))


def load_seg_v11(official):
    package('official_seg_v11')
    return load_file('official_seg_v11.seg_hrnet', os.path.join(official, 'seg_v11', 'seg_hrnet.py'))


def load_seg_ocr(official, cfg):
    """HRNet-OCR line: `from config import config` (global yacs config read in forward) and
    `from .bn_helper import BatchNorm2d, BatchNorm2d_class, relu_inplace`."""
    pkg = package('official_seg_ocr')
    bn_helper = types.ModuleType('official_seg_ocr.bn_helper')
    # Upstream bn_helper picks SyncBatchNorm for torch>=1 (rejects CPU tensors); BatchNorm2d has the
    # same state_dict keys and the same eval-mode maths. relu_inplace is True upstream for torch>=1.
    bn_helper.BatchNorm2d = nn.BatchNorm2d
    bn_helper.BatchNorm2d_class = nn.BatchNorm2d
    bn_helper.relu_inplace = True
    sys.modules['official_seg_ocr.bn_helper'] = bn_helper
    pkg.bn_helper = bn_helper
    config_module = types.ModuleType('config')
    config_module.config = cfg
    saved = sys.modules.get('config')
    sys.modules['config'] = config_module
    try:
        return load_file('official_seg_ocr.seg_hrnet', os.path.join(official, 'seg_ocr', 'seg_hrnet.py'))
    finally:
        if saved is None:
            del sys.modules['config']
        else:
            sys.modules['config'] = saved


def load_cls(official):
    return load_file('official_cls.cls_hrnet', os.path.join(official, 'cls', 'cls_hrnet.py'))


def install_mmcv_standins():
    """The mmcv 1.x names mmdet 2.x hrnet.py / resnet.py import, with mmcv's behaviour for the
    default conv_cfg=None and norm_cfg=dict(type='BN')."""
    if 'mmcv' in sys.modules:
        return
    mmcv = package('mmcv')
    cnn = types.ModuleType('mmcv.cnn')

    def build_conv_layer(cfg, *args, **kwargs):
        if cfg is not None and cfg.get('type', 'Conv2d') not in ('Conv', 'Conv2d'):
            raise NotImplementedError(f'conv_cfg {cfg}')
        return nn.Conv2d(*args, **kwargs)

    def build_norm_layer(cfg, num_features, postfix=''):
        cfg = dict(cfg)
        layer_type = cfg.pop('type')
        if layer_type not in ('BN', 'BN2d'):
            raise NotImplementedError(f'norm_cfg {layer_type}')
        requires_grad = cfg.pop('requires_grad', True)
        cfg.setdefault('eps', 1e-5)
        layer = nn.BatchNorm2d(num_features, **cfg)
        for p in layer.parameters():
            p.requires_grad = requires_grad
        return 'bn' + str(postfix), layer

    def build_plugin_layer(*args, **kwargs):
        raise NotImplementedError('plugins are not used by these cases')

    cnn.build_conv_layer = build_conv_layer
    cnn.build_norm_layer = build_norm_layer
    cnn.build_plugin_layer = build_plugin_layer
    runner = types.ModuleType('mmcv.runner')

    class BaseModule(nn.Module):
        def __init__(self, init_cfg=None):
            super().__init__()
            self.init_cfg = copy.deepcopy(init_cfg)

    class Sequential(BaseModule, nn.Sequential):
        def __init__(self, *args, init_cfg=None):
            BaseModule.__init__(self, init_cfg)
            nn.Sequential.__init__(self, *args)

    class ModuleList(BaseModule, nn.ModuleList):
        def __init__(self, modules=None, init_cfg=None):
            BaseModule.__init__(self, init_cfg)
            nn.ModuleList.__init__(self, modules)

    runner.BaseModule = BaseModule
    runner.Sequential = Sequential
    runner.ModuleList = ModuleList
    mmcv.cnn = cnn
    mmcv.runner = runner
    sys.modules['mmcv.cnn'] = cnn
    sys.modules['mmcv.runner'] = runner


def load_mmdet(official):
    install_mmcv_standins()
    package('mmdet')
    package('mmdet.models')
    builder = types.ModuleType('mmdet.models.builder')

    class Registry:
        def __init__(self):
            self.modules = {}

        def register_module(self, name=None, force=False, module=None):
            def register(cls):
                self.modules[name or cls.__name__] = cls
                return cls
            return register

    builder.BACKBONES = Registry()
    sys.modules['mmdet.models.builder'] = builder
    utils = types.ModuleType('mmdet.models.utils')
    utils.ResLayer = None  # only the ResNet class (not copied, not used) needs it
    sys.modules['mmdet.models.utils'] = utils
    package('mmdet.models.backbones')
    load_file('mmdet.models.backbones.resnet', os.path.join(official, 'mmdet', 'resnet.py'))
    return load_file('mmdet.models.backbones.hrnet', os.path.join(official, 'mmdet', 'hrnet.py'))


# ----------------------------------------------------------------------------------------------
# Weights: the shared-fixtures recipe
# ----------------------------------------------------------------------------------------------

def init_weights(model, seed, sparse=None):
    """Kaiming-normal (fan_in) conv/linear weights, N(0, 0.1) biases, BN weight U(0.5, 1.5) and
    bias N(0, 0.1), drawn in named_modules() order from one generator.

    sparse: optional (predicate(name, module), k). Matching modules keep each weight with
    probability density = min(1, k / fan_in), i.e. about k non-zero inputs per output unit (mask
    drawn from the same generator right after the weights), with std sqrt(2 / (fan_in * density))
    so activations keep their scale. Only used for the fixed-size cls head (see its README).
    """
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, m in model.named_modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in = m.weight[0].numel()
                density = min(1.0, sparse[1] / fan_in) if sparse is not None and sparse[0](name, m) else 1.0
                m.weight.normal_(0.0, math.sqrt(2.0 / (fan_in * density)), generator=g)
                if density < 1.0:
                    keep = torch.rand(m.weight.shape, generator=g) < density
                    m.weight.masked_fill_(~keep, 0.0)  # +0.0 (mul by 0 would leave -0.0 bits)
                if m.bias is not None:
                    m.bias.normal_(0.0, 0.1, generator=g)
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5, generator=g)
                m.bias.normal_(0.0, 0.1, generator=g)


def calibrate_bn(model, calib_input, seed):
    g = torch.Generator().manual_seed(seed)

    def pre_hook(module, inputs):
        x = inputs[0]
        c = x.shape[1]
        mean = x.mean(dim=(0, 2, 3))
        var = x.var(dim=(0, 2, 3), unbiased=True).clamp_min(1e-3)
        module.running_mean.copy_(mean + torch.randn(c, generator=g) * 0.1 * var.sqrt())
        module.running_var.copy_(var * (torch.rand(c, generator=g) * 1.5 + 0.5))
        module.num_batches_tracked.zero_()

    handles = [m.register_forward_pre_hook(pre_hook) for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    model.eval()
    with torch.no_grad():
        model(calib_input)
    for h in handles:
        h.remove()


def randn(shape, seed):
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


# ----------------------------------------------------------------------------------------------
# Capturing outputs
# ----------------------------------------------------------------------------------------------

def capture(model, x, hooks):
    """Runs model(x) in eval mode and returns (output, {name: tensor}) from forward hooks.

    hooks: list of (module, kind, name) with kind 'in' (input of the module), 'out' (its output)
    or 'list' (its output is a list of branches: name_0, name_1, ...).
    """
    got = {}
    handles = []
    for module, kind, name in hooks:
        if kind == 'in':
            handles.append(module.register_forward_pre_hook(
                lambda m, inp, name=name: got.__setitem__(name, inp[0].detach().clone())))
        elif kind == 'out':
            handles.append(module.register_forward_hook(
                lambda m, inp, out, name=name: got.__setitem__(name, out.detach().clone())))
        else:
            handles.append(module.register_forward_hook(
                lambda m, inp, out, name=name: got.update(
                    {f'{name}_{b}': t.detach().clone() for b, t in enumerate(out)})))
    model.eval()
    with torch.no_grad():
        y = model(x)
    for h in handles:
        h.remove()
    return y, got


def float64_gap(model, x, reference, pick):
    """Max |float64 run - float32 run| of the main output, and that relative to its std."""
    m64 = copy.deepcopy(model).double().eval()
    with torch.no_grad():
        y64 = pick(m64(x.double()))
    diff = (y64 - reference.double()).abs().max().item()
    return diff, diff / reference.double().std(unbiased=False).item()


# ----------------------------------------------------------------------------------------------
# Writing a case
# ----------------------------------------------------------------------------------------------

def stats(t):
    a = t.double()
    return {
        'mean': round(a.mean().item(), 4),
        'std': round(a.std(unbiased=False).item(), 4),
        'min': round(a.min().item(), 4),
        'max': round(a.max().item(), 4),
    }


def write_case(out_dir, name, *, state_dict, config, x, outputs, readme, meta, gzip_checkpoint=False):
    case_dir = os.path.join(out_dir, name)
    if os.path.isdir(case_dir):
        shutil.rmtree(case_dir)
    os.makedirs(case_dir)
    ckpt_path = os.path.join(case_dir, 'model.pth')
    torch.save(state_dict, ckpt_path)  # zip format (torch >= 1.6 default)
    ckpt_file = 'model.pth'
    if gzip_checkpoint:
        with open(ckpt_path, 'rb') as f:
            raw = f.read()
        ckpt_file = 'model.pth.gz'
        # mtime=0 and no file name: byte-identical output on every run.
        with open(os.path.join(case_dir, ckpt_file), 'wb') as raw_out:
            with gzip.GzipFile(filename='', mode='wb', fileobj=raw_out, compresslevel=9, mtime=0) as gz:
                gz.write(raw)
        os.remove(ckpt_path)
    # Reloading the written checkpoint into the model must reproduce the outputs exactly.
    with open(os.path.join(case_dir, 'config.json'), 'w') as f:
        json.dump(config, f, indent=1)
        f.write('\n')
    np.save(os.path.join(case_dir, 'input.npy'), x.numpy().astype(np.float32))
    manifest_outputs = []
    for key, t in outputs.items():
        arr = np.ascontiguousarray(t.numpy().astype(np.float32))
        np.save(os.path.join(case_dir, f'{key}.npy'), arr)
        manifest_outputs.append({'name': key, 'shape': list(arr.shape), **stats(t)})
    manifest = {
        'case': name,
        'checkpoint': ckpt_file,
        'config': 'config.json',
        'input': {'file': 'input.npy', 'shape': list(x.shape)},
        'outputs': manifest_outputs,
        **meta,
    }
    with open(os.path.join(case_dir, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    files = sorted(os.listdir(case_dir))
    sizes = {fn: os.path.getsize(os.path.join(case_dir, fn)) for fn in files if fn != 'README.md'}
    table = '\n'.join(
        f"| {o['name']}.npy | {o['shape']} | {o['mean']} | {o['std']} | {o['min']} | {o['max']} |"
        for o in manifest_outputs)
    readme_text = readme.strip() + '\n\n## Outputs\n\n| file | shape | mean | std | min | max |\n| --- | --- | --- | --- | --- | --- |\n' + table + '\n'
    readme_text += '\n## Files\n\n| file | bytes |\n| --- | --- |\n' + '\n'.join(f'| {fn} | {n} |' for fn, n in sizes.items()) + '\n'
    with open(os.path.join(case_dir, 'README.md'), 'w') as f:
        f.write(readme_text)
    return sum(os.path.getsize(os.path.join(case_dir, fn)) for fn in os.listdir(case_dir))


def reload_check(build, state_dict, x, reference, pick):
    """Loads state_dict strictly into a freshly built official model and re-runs it."""
    fresh = build()
    fresh.load_state_dict(state_dict, strict=True)
    fresh.eval()
    with torch.no_grad():
        y = pick(fresh(x))
    return (y - reference).abs().max().item()


RECIPE = (
    'Weights: Conv/Linear weights kaiming-normal (fan_in, std = sqrt(2/fan_in)), conv/linear biases '
    'N(0, 0.1), BatchNorm weight U(0.5, 1.5), bias N(0, 0.1), drawn in model.named_modules() order '
    'from one torch.Generator (seed {wseed}). BatchNorm running stats calibrated by one eval-mode pass '
    'of a separate N(0,1) input {cshape} (seed {cseed}): a pre-hook on every BN sets running_mean = '
    'batch_mean + N(0, 0.1) * batch_std and running_var = batch_var (unbiased, floored at 1e-3) * '
    'U(0.5, 2.0) just before that BN runs (noise from a generator seeded {nseed}); num_batches_tracked = 0. '
    'Input: N(0,1), torch.Generator seed {iseed}. Same recipe as shared/fixtures pose/seg/det.'
)

ENV = f'torch {torch.__version__}, numpy {np.__version__}, CPU, 1 thread, eval mode, float32'


def stage(num_modules, block, blocks, channels, upper=True):
    keys = ('NUM_MODULES', 'NUM_BRANCHES', 'BLOCK', 'NUM_BLOCKS', 'NUM_CHANNELS', 'FUSE_METHOD')
    d = dict(zip(keys, (num_modules, len(channels), block, list(blocks), list(channels), 'SUM')))
    if upper:
        return d
    return {k.lower(): v for k, v in d.items() if k != 'FUSE_METHOD'}


def stage_hooks(model, names=('stage2', 'stage3', 'stage4')):
    return [(getattr(model, n), 'list', f'{n}_out') for n in names]


# ----------------------------------------------------------------------------------------------
# Cases
# ----------------------------------------------------------------------------------------------

def case_seg_ocr_ac_true(official, out_dir):
    """(a) HRNet-OCR line, MODEL.ALIGN_CORNERS = True, odd input size, FINAL_CONV_KERNEL 3."""
    extra = {
        'FINAL_CONV_KERNEL': 3,
        'STAGE1': stage(1, 'BOTTLENECK', [1], [16]),
        'STAGE2': stage(1, 'BASIC', [1, 1], [4, 8]),
        'STAGE3': stage(2, 'BASIC', [1, 1, 1], [4, 8, 12]),
        'STAGE4': stage(1, 'BASIC', [1, 1, 1, 1], [4, 8, 12, 16]),
    }
    config = {'MODEL': {'NAME': 'seg_hrnet', 'ALIGN_CORNERS': True, 'EXTRA': extra}, 'DATASET': {'NUM_CLASSES': 7}}
    cfg = Cfg.wrap({**config, 'MODEL': {**config['MODEL'], 'PRETRAINED': ''}})
    mod = load_seg_ocr(official, cfg)
    build = lambda: mod.HighResolutionNet(cfg)
    wseed, cseed, nseed, iseed = 7001, 7101, 7102, 7002
    model = build()
    init_weights(model, wseed)
    calib_shape = [2, 3, 97, 131]
    calibrate_bn(model, randn(calib_shape, cseed), nseed)
    x = randn([1, 3, 97, 131], iseed)
    logits, got = capture(model, x, stage_hooks(model))
    outputs = {**got, 'logits': logits}
    sd = model.state_dict()
    reload = reload_check(build, sd, x, logits, lambda y: y)
    f64, f64rel = float64_gap(model, x, logits, lambda y: y)
    # Same weights, ALIGN_CORNERS False: how much the flag matters here (for the README).
    cfg.MODEL['ALIGN_CORNERS'] = False
    with torch.no_grad():
        ac_false = model(x)
    cfg.MODEL['ALIGN_CORNERS'] = True
    ac_gap = (ac_false - logits).abs().max().item()
    readme = f"""
# seg_ocr_ac_true — HRNet-OCR line seg_hrnet.py with MODEL.ALIGN_CORNERS = True, odd input

- code: HRNet/HRNet-Semantic-Segmentation, HRNet-OCR line, `lib/models/seg_hrnet.py` at commit
  3ce340bc520946fb220e83075f6e015bbe87cfe5 (the version stored in the public-code index; it has the
  HRNet-OCR-branch traits: `from config import config`, `bn_helper`, `align_corners=config.MODEL.ALIGN_CORNERS`
  in the fuse upsampling and in the final 4-branch upsampling, `transition[i](y_list[i])` for i < previous branches).
  The branch HEAD (0bbb2880…) was not stored, so this exact commit was used instead.
- stand-ins (in tools/oracle/gen_extra.py, no upstream file edited): `bn_helper` → nn.BatchNorm2d,
  relu_inplace True; module `config` whose `config` is the case config (read at forward time); `np.int = int`.
- built with `HighResolutionNet(cfg)` (not `get_seg_model`, whose init_weights would be overwritten anyway).
- config (config.json): STAGE1 1 BOTTLENECK x 16 ch; STAGE2 [4,8] 1 module; STAGE3 [4,8,12] **2 modules**;
  STAGE4 [4,8,12,16] 1 module (narrow branches so the checkpoint stays small); 1 BASIC block per branch; 7 classes; **FINAL_CONV_KERNEL 3** (last conv 3x3, pad 1);
  **MODEL.ALIGN_CORNERS True**.
- input [1,3,97,131] (odd): stem output 25x33, branches 25x33 / 13x17 / 7x9 / 4x5, so every bilinear
  upsampling has non-integer, non-power-of-two ratios.
- {RECIPE.format(wseed=wseed, cshape=calib_shape, cseed=cseed, nseed=nseed, iseed=iseed)}
- {ENV}

Checks made when generating: reloading model.pth strictly into a fresh official model reproduces logits
exactly (max abs diff {reload}); float64 run of the same model differs from logits.npy by max abs
{f64:.3g} ({f64rel:.3g} x std). With the same weights and ALIGN_CORNERS False the logits move by up to
{ac_gap:.3g} — a re-implementation that ignores the flag fails this case.

Stage outputs were captured with forward hooks on the official `stage2` / `stage3` / `stage4` modules
(every branch of the last module of each stage).
"""
    meta = {'family': 'seg', 'official': 'HRNet-Semantic-Segmentation HRNet-OCR line lib/models/seg_hrnet.py @ 3ce340bc',
            'reload_max_abs': reload, 'float64_max_abs': f64, 'float64_rel_to_std': f64rel,
            'align_corners_false_max_abs_change': ac_gap}
    return write_case(out_dir, 'seg_ocr_ac_true', state_dict=sd, config=config, x=x, outputs=outputs, readme=readme, meta=meta)


def case_seg_v11_basic_stem(official, out_dir):
    """(b) pytorch-v1.1 line, align_corners False, W18-small-v1-like: STAGE1 BASIC, 2 blocks per branch."""
    extra = {
        'FINAL_CONV_KERNEL': 1,
        'STAGE1': stage(1, 'BASIC', [2], [32]),
        'STAGE2': stage(1, 'BASIC', [2, 2], [4, 8]),
        'STAGE3': stage(1, 'BASIC', [2, 2, 2], [4, 8, 12]),
        'STAGE4': stage(1, 'BASIC', [2, 2, 2, 2], [4, 8, 12, 16]),
    }
    config = {'MODEL': {'NAME': 'seg_hrnet', 'EXTRA': extra}, 'DATASET': {'NUM_CLASSES': 5}}
    cfg = Cfg.wrap({**config, 'MODEL': {**config['MODEL'], 'PRETRAINED': ''}})
    mod = load_seg_v11(official)
    build = lambda: mod.HighResolutionNet(cfg)
    wseed, cseed, nseed, iseed = 7201, 7301, 7302, 7202
    model = build()
    init_weights(model, wseed)
    calib_shape = [2, 3, 64, 96]
    calibrate_bn(model, randn(calib_shape, cseed), nseed)
    x = randn([1, 3, 64, 96], iseed)
    logits, got = capture(model, x, [(model.layer1, 'out', 'layer1')] + stage_hooks(model))
    outputs = {**got, 'logits': logits}
    sd = model.state_dict()
    reload = reload_check(build, sd, x, logits, lambda y: y)
    f64, f64rel = float64_gap(model, x, logits, lambda y: y)
    readme = f"""
# seg_v11_basic_stem — pytorch-v1.1 line seg_hrnet.py, W18-small-v1-like (BASIC stage 1, 2 blocks)

- code: HRNet/HRNet-Semantic-Segmentation, pytorch-v1.1 line, `lib/models/seg_hrnet.py` at commit
  605d941f009472eac50e50b35ff01af702898279 (the version stored in the public-code index: configurable
  STAGE1, BN_MOMENTUM 0.01, `F.interpolate(..., mode='bilinear')` / `F.upsample(..., mode='bilinear')` with
  align_corners unset = False; transitions applied to `y_list[-1]`). shared/fixtures used commit 88419ab1…
  of the same branch, which was not stored.
- patch (in the generator): `np.int = int`. Built with `HighResolutionNet(cfg)`.
- config (config.json): **STAGE1 BASIC, 2 blocks, 32 ch** (layer1 = BasicBlock(64→32, with 1x1 conv+BN
  downsample) + BasicBlock(32→32); 32 ch is what W18-small-v1 uses); STAGE2 [4,8], STAGE3 [4,8,12],
  STAGE4 [4,8,12,16] (narrow, to keep the checkpoint small), one module each, **2 BASIC blocks per branch**; 5 classes; FINAL_CONV_KERNEL 1.
- input [1,3,64,96].
- {RECIPE.format(wseed=wseed, cshape=calib_shape, cseed=cseed, nseed=nseed, iseed=iseed)}
- {ENV}

Checks made when generating: strict reload of model.pth into a fresh official model reproduces logits
exactly (max abs diff {reload}); float64 run differs from logits.npy by max abs {f64:.3g} ({f64rel:.3g} x std).

layer1.npy is the output of `layer1` (the BASIC stage 1; the stem output itself is not stored, to keep the
folder small); stage outputs come from forward hooks on `stage2` / `stage3` / `stage4`.
"""
    meta = {'family': 'seg', 'official': 'HRNet-Semantic-Segmentation pytorch-v1.1 line lib/models/seg_hrnet.py @ 605d941f',
            'reload_max_abs': reload, 'float64_max_abs': f64, 'float64_rel_to_std': f64rel}
    return write_case(out_dir, 'seg_v11_basic_stem', state_dict=sd, config=config, x=x, outputs=outputs, readme=readme, meta=meta)


def pose_bottleneck_stage3_runs(mod):
    """The brief's first choice: STAGE2 [6,12], STAGE3 BOTTLENECK [4,8,16]. Returns the error text
    if the official pose_hrnet.py cannot run it."""
    extra = {
        'PRETRAINED_LAYERS': ['*'], 'FINAL_CONV_KERNEL': 3,
        'STAGE2': stage(2, 'BASIC', [1, 1], [6, 12]),
        'STAGE3': stage(1, 'BOTTLENECK', [1, 1, 1], [4, 8, 16]),
        'STAGE4': stage(3, 'BASIC', [1, 1, 1, 1], [6, 12, 16, 20]),
    }
    cfg = Cfg.wrap({'MODEL': {'NAME': 'pose_hrnet', 'NUM_JOINTS': 16, 'EXTRA': extra}})
    try:
        model = mod.PoseHighResolutionNet(cfg).eval()
    except Exception as e:  # noqa: BLE001
        return f'construction fails: {type(e).__name__}: {e}'
    try:
        with torch.no_grad():
            model(torch.zeros(1, 3, 128, 96))
    except Exception as e:  # noqa: BLE001
        return f'builds, but forward fails: {type(e).__name__}: {e}'
    return None


def case_pose_tiny2(official, out_dir):
    """(c) pose_hrnet.py: 16 joints, 3x3 final conv, stage2 2 modules, stage3 2 blocks, stage4 3 modules."""
    mod = load_pose(official)
    bottleneck_error = pose_bottleneck_stage3_runs(mod)
    extra = {
        'PRETRAINED_LAYERS': ['*'],
        'FINAL_CONV_KERNEL': 3,
        'STAGE2': stage(2, 'BASIC', [1, 1], [6, 12]),
        'STAGE3': stage(1, 'BASIC', [2, 2, 2], [6, 12, 16]),
        'STAGE4': stage(3, 'BASIC', [1, 1, 1, 1], [6, 12, 16, 20]),
    }
    config = {'MODEL': {'NAME': 'pose_hrnet', 'NUM_JOINTS': 16, 'EXTRA': extra}}
    cfg = Cfg.wrap(config)
    build = lambda: mod.get_pose_net(cfg, is_train=False)
    wseed, cseed, nseed, iseed = 7401, 7501, 7502, 7402
    model = build()
    init_weights(model, wseed)
    calib_shape = [2, 3, 128, 96]
    calibrate_bn(model, randn(calib_shape, cseed), nseed)
    x = randn([1, 3, 128, 96], iseed)
    heatmaps, got = capture(model, x, stage_hooks(model))
    outputs = {**got, 'heatmaps': heatmaps}
    sd = model.state_dict()
    reload = reload_check(build, sd, x, heatmaps, lambda y: y)
    f64, f64rel = float64_gap(model, x, heatmaps, lambda y: y)
    readme = f"""
# pose_tiny2 — pose_hrnet.py, 16 joints, 3x3 final conv, multi-module stages

- code: leoxiaobin/deep-high-resolution-net.pytorch `lib/models/pose_hrnet.py` at commit
  2ad80f22b5b37fb296152bf5f6341885e8d9087c (the version stored in the public-code index; shared/fixtures
  used commit 6f69e467…, which was not stored), built with `get_pose_net(cfg, is_train=False)`; config is a plain
  nested dict with attribute access (yacs stand-in).
- config (config.json): NUM_JOINTS 16, **FINAL_CONV_KERNEL 3** (final_layer 3x3, pad 1);
  **STAGE2 2 modules** [6,12] 1 BASIC block; STAGE3 1 module [6,12,16] **2 BASIC blocks per branch**;
  **STAGE4 3 modules** [6,12,16,20] 1 BASIC block (last module multi_scale_output=False, so stage4 has one
  output). Stem and layer1 are fixed in pose_hrnet.py (64-ch stem, 4 Bottlenecks → 256 ch).
- The first choice, STAGE3 = 1 module of BOTTLENECK blocks [4,8,16] after STAGE2 [6,12], was tried
  first and rejected: {bottleneck_error or 'it ran (unexpected)'}. (pose_hrnet.py applies every
  non-None transition to `y_list[-1]`, so any channel change on an existing branch breaks its forward;
  with 6/12-ch stage-2 branches a Bottleneck stage 3 always changes them.) So stage 3 uses 2 BASIC blocks.
- input [1,3,128,96] → heatmaps [1,16,32,24].
- {RECIPE.format(wseed=wseed, cshape=calib_shape, cseed=cseed, nseed=nseed, iseed=iseed)}
- {ENV}

Checks made when generating: strict reload reproduces heatmaps exactly (max abs diff {reload}); float64
run differs from heatmaps.npy by max abs {f64:.3g} ({f64rel:.3g} x std).

Stage outputs from forward hooks on `stage2`/`stage3`/`stage4`. The stem ([1,64,32,24], 197 KB) and layer1
([1,256,32,24], 786 KB) outputs are NOT stored, to keep the folder small: both are fixed in pose_hrnet.py
(not configurable), shared/fixtures/pose/stem.npy and layer1.npy already pin them down, and here they are
covered through every stage output.
"""
    meta = {'family': 'pose', 'official': 'deep-high-resolution-net.pytorch lib/models/pose_hrnet.py @ 2ad80f22',
            'reload_max_abs': reload, 'float64_max_abs': f64, 'float64_rel_to_std': f64rel,
            'bottleneck_stage3_attempt': bottleneck_error}
    return write_case(out_dir, 'pose_tiny2', state_dict=sd, config=config, x=x, outputs=outputs, readme=readme, meta=meta)


def case_cls_tiny(official, out_dir):
    """(d) cls_hrnet.py with a tiny backbone. The head (incre/downsamp/final_layer 2048 + Linear(2048, 1000))
    is fixed in the official code: ~9.5M parameters whatever the backbone."""
    extra = {
        'STAGE1': stage(1, 'BOTTLENECK', [1], [16]),
        'STAGE2': stage(1, 'BASIC', [1, 1], [4, 8]),
        'STAGE3': stage(1, 'BASIC', [1, 1, 1], [4, 8, 12]),
        'STAGE4': stage(1, 'BASIC', [1, 1, 1, 1], [4, 8, 12, 16]),
    }
    config = {'MODEL': {'NAME': 'cls_hrnet', 'NUM_CLASSES': 1000, 'EXTRA': extra}}
    cfg = Cfg.wrap(config)
    mod = load_cls(official)
    build = lambda: mod.HighResolutionNet(cfg)
    wseed, cseed, nseed, iseed = 7601, 7701, 7702, 7602
    model = build()
    k = 4
    is_big_head_layer = lambda name, m: (name.split('.')[0] in ('incre_modules', 'downsamp_modules', 'final_layer', 'classifier')
                                         and m.weight.numel() > 4096)
    init_weights(model, wseed, sparse=(is_big_head_layer, k))
    sparse_layers = [n for n, m in model.named_modules()
                     if isinstance(m, (nn.Conv2d, nn.Linear)) and is_big_head_layer(n, m)]
    calib_shape = [2, 3, 64, 64]
    calibrate_bn(model, randn(calib_shape, cseed), nseed)
    x = randn([1, 3, 64, 64], iseed)
    logits, got = capture(model, x, stage_hooks(model, ('stage4',)))
    outputs = {**got, 'logits': logits}
    sd = model.state_dict()
    reload = reload_check(build, sd, x, logits, lambda y: y)
    f64, f64rel = float64_gap(model, x, logits, lambda y: y)
    n_params = sum(p.numel() for p in model.parameters())
    nonzero = sum(int((p != 0).sum()) for p in model.parameters())
    readme = f"""
# cls_tiny — cls_hrnet.py (ImageNet head) on a tiny backbone

- code: HRNet/HRNet-Image-Classification `lib/models/cls_hrnet.py` at commit
  4ad13bb3b8ae561672ac8b4538cc24954533e822, built with `HighResolutionNet(cfg)` (`get_cls_net` would only
  add its own init).
- config (config.json): STAGE1 1 BOTTLENECK x 16 ch; STAGE2 [4,8], STAGE3 [4,8,12], STAGE4 [4,8,12,16]
  (narrow, to keep the checkpoint small), one module and one BASIC block each.
- **1000 classes, not 10**: the official code hard-codes `self.classifier = nn.Linear(2048, 1000)` (it never
  reads MODEL.NUM_CLASSES), so a 10-class model is not something it builds. The head is fixed too:
  incre_modules (Bottleneck to 128/256/512/1024 ch), downsamp_modules (3x3 s2 conv+bias, BN, ReLU:
  128→256→512→1024), final_layer (1x1 conv+bias 1024→2048, BN, ReLU), global average pool, classifier.
  With this backbone the model has {n_params} parameters (~{n_params * 4 / 1e6:.0f} MB as float32).
- **Size measure, the one deviation from the shared recipe**: the {len(sparse_layers)} head layers with
  more than 4096 weights ({', '.join(sparse_layers)}) keep each kaiming weight with probability
  min(1, {k}/fan_in), i.e. about {k} random non-zero inputs per output unit (Bernoulli mask drawn from the
  same generator right after that layer's weights; std scaled to sqrt(2/(fan_in*density)) so activations keep
  their scale); everything else is dense. {nonzero} of the {n_params} parameters are non-zero. The checkpoint is exactly what `torch.save(model.state_dict())` wrote
  (zip format, dense float32 tensors), stored **gzip-compressed as model.pth.gz** (gzip -9, mtime 0);
  the zeros compress away. Tests gunzip it in memory and read the bytes with `readCheckpoint`.
- input [1,3,64,64] → logits [1,1000]; stage4 branches 16x16 / 8x8 / 4x4 / 2x2.
- {RECIPE.format(wseed=wseed, cshape=calib_shape, cseed=cseed, nseed=nseed, iseed=iseed)}
- {ENV}

Checks made when generating: strict reload reproduces logits exactly (max abs diff {reload}); float64 run
differs from logits.npy by max abs {f64:.3g} ({f64rel:.3g} x std). The head's `F.avg_pool2d(y, kernel_size=y.size()[2:])`
is a global mean.
"""
    meta = {'family': 'cls', 'official': 'HRNet-Image-Classification lib/models/cls_hrnet.py @ 4ad13bb3',
            'reload_max_abs': reload, 'float64_max_abs': f64, 'float64_rel_to_std': f64rel,
            'num_params': n_params, 'nonzero_params': nonzero, 'sparse_head_layers': sparse_layers, 'sparse_inputs_per_unit': k}
    return write_case(out_dir, 'cls_tiny', state_dict=sd, config=config, x=x, outputs=outputs, readme=readme, meta=meta,
                      gzip_checkpoint=True)


class Detector(nn.Module):
    """Holds the backbone under `backbone.` like an mmdet detector, so state_dict keys match
    full mmdet checkpoints."""

    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone

    def forward(self, x):
        return self.backbone(x)


def case_mmdet_ms4(official, out_dir):
    """(e) mmdet 2.x HRNet backbone: stage4 2 modules, multiscale_output True, Bottleneck stage 2."""
    mod = load_mmdet(official)
    extra = {
        'stage1': stage(1, 'BOTTLENECK', [1], [8], upper=False),
        'stage2': stage(1, 'BOTTLENECK', [1, 1], [1, 2], upper=False),
        'stage3': stage(1, 'BASIC', [1, 1, 1], [4, 8, 12], upper=False),
        'stage4': stage(2, 'BASIC', [1, 1, 1, 1], [4, 8, 12, 16], upper=False),
    }
    config = {'type': 'HRNet', 'extra': extra, 'multiscale_output': True}
    build = lambda: Detector(mod.HRNet(extra=copy.deepcopy(extra), multiscale_output=True))
    wseed, cseed, nseed, iseed = 7801, 7901, 7902, 7802
    model = build()
    init_weights(model, wseed)
    calib_shape = [2, 3, 96, 64]
    calibrate_bn(model, randn(calib_shape, cseed), nseed)
    x = randn([1, 3, 96, 64], iseed)
    bb = model.backbone
    outs, got = capture(model, x, [(bb.layer1, 'out', 'layer1'),
                                   (bb.stage2, 'list', 'stage2_out'), (bb.stage3, 'list', 'stage3_out')])
    outputs = {**got, **{f'backbone_out_{b}': t for b, t in enumerate(outs)}}
    sd = model.state_dict()
    reload = reload_check(build, sd, x, outs[0], lambda y: y[0])
    f64, f64rel = float64_gap(model, x, outs[0], lambda y: y[0])
    readme = f"""
# mmdet_ms4 — mmdetection 2.x HRNet backbone, stage 4 with 2 modules, all 4 branches out

- code: open-mmlab/mmdetection 2.x `mmdet/models/backbones/hrnet.py` at commit
  90a52fb5215c40b37a9c654bc3baf5920a165739 (BaseModule version with the `multiscale_output` argument) and
  the BasicBlock / Bottleneck classes of mmdet 2.x `mmdet/models/backbones/resnet.py` (stored upstream
  versions of resnet.py were pre-2.x; the text used comes from an annotated fork of 2.x whose code is
  identical to upstream — only comments differ).
- stand-ins written in the generator (no upstream file edited): `mmcv.cnn.build_conv_layer` (conv_cfg None →
  nn.Conv2d), `build_norm_layer` (BN → ('bn'+postfix, nn.BatchNorm2d(eps 1e-5))), `build_plugin_layer`
  (unsupported); `mmcv.runner.BaseModule/Sequential/ModuleList` (nn.Module containers keeping init_cfg);
  `mmdet.models.builder.BACKBONES` (a dict registry), `mmdet.models.utils.ResLayer` (unused).
- built as `HRNet(extra, multiscale_output=True)` (in_channels 3, norm_cfg BN, norm_eval True, the rest default)
  and wrapped in a module attribute `backbone`, so the checkpoint keys are `backbone.*` like an mmdet
  detector checkpoint (config.json is the bare backbone dict; HRNet.js mounts mmdet backbones under `backbone.`).
- extra (config.json): stage1 1 BOTTLENECK x 8 ch (→ 32 ch, with downsample); **stage2 BOTTLENECK
  [1,2] → [4,8] ch** (Bottlenecks inside an HRModule: transition1 makes 4 / 8 ch and the branch
  blocks are Bottleneck(4→1→4) / Bottleneck(8→2→8)); stage3 BASIC [4,8,12]; **stage4 2 modules** BASIC
  [4,8,12,16] (narrow, to keep the checkpoint small); one module in stages 1–3 and one block per branch; **multiscale_output True**.
- input [1,3,96,64] → backbone_out_0..3 [1,4,24,16], [1,8,12,8], [1,12,6,4], [1,16,3,2].
- {RECIPE.format(wseed=wseed, cshape=calib_shape, cseed=cseed, nseed=nseed, iseed=iseed)}
- {ENV}

Checks made when generating: strict reload reproduces backbone_out_0 exactly (max abs diff {reload});
float64 run differs from backbone_out_0.npy by max abs {f64:.3g} ({f64rel:.3g} x std).

layer1.npy = output of `layer1` (the stem output is not stored, to keep the folder small); stage2/stage3
outputs from forward hooks; stage 4's outputs are the backbone outputs.
"""
    meta = {'family': 'mmdet', 'official': 'mmdetection 2.x mmdet/models/backbones/hrnet.py @ 90a52fb5 + resnet.py blocks',
            'reload_max_abs': reload, 'float64_max_abs': f64, 'float64_rel_to_std': f64rel}
    return write_case(out_dir, 'mmdet_ms4', state_dict=sd, config=config, x=x, outputs=outputs, readme=readme, meta=meta)


CASES = {
    'seg_ocr_ac_true': case_seg_ocr_ac_true,
    'seg_v11_basic_stem': case_seg_v11_basic_stem,
    'pose_tiny2': case_pose_tiny2,
    'cls_tiny': case_cls_tiny,
    'mmdet_ms4': case_mmdet_ms4,
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--official-dir', required=True, help='folder with the upstream model files (see the module docstring)')
    parser.add_argument('--out', default=os.path.join(here, 'cases'), help='where the case folders go')
    parser.add_argument('--only', nargs='*', choices=sorted(CASES), help='generate only these cases')
    args = parser.parse_args()
    official = os.path.abspath(args.official_dir)
    os.makedirs(args.out, exist_ok=True)
    sources = {}
    for rel in ('pose/pose_hrnet.py', 'seg_v11/seg_hrnet.py', 'seg_ocr/seg_hrnet.py', 'cls/cls_hrnet.py',
                'mmdet/hrnet.py', 'mmdet/resnet.py'):
        path = os.path.join(official, rel)
        sources[rel] = sha256(path) if os.path.exists(path) else None
    total = 0
    for name in args.only or CASES:
        size = CASES[name](official, args.out)
        total += size
        print(f'{name}: {size} bytes')
    print(f'total: {total} bytes')
    print('official file sha256:', json.dumps(sources, indent=1))


if __name__ == '__main__':
    main()
