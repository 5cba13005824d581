#!/usr/bin/env python3
"""HigherHRNet oracle cases for HRNet.js, made by running the OFFICIAL HigherHRNet code.

Never run by the tests: they only read what this script wrote to tools/oracle/cases/higher_* (network
cases: manifest + checkpoint, as gen_extra.py's) and tools/oracle/higher/ (key manifests, group_synth).

    /usr/bin/python3 tools/oracle/gen_higher.py --official-dir /tmp/hh-official [--out tools/oracle]

--official-dir is the unedited tree of HRNet/HigherHRNet-Human-Pose-Estimation at commit
aa23881492ff511185acf756a2e14725cc4ab4d7 (`git archive HEAD lib experiments`). Files used:

    lib/models/pose_higher_hrnet.py   the network (PoseHigherResolutionNet)
    lib/utils/transforms.py           get_multi_scale_size, resize_align_multi_scale, get_final_preds
    lib/core/inference.py             get_multi_stage_outputs, aggregate_results
    lib/core/group.py                 HeatmapParser (top-k, match_by_tag with munkres, adjust, refine)
    lib/dataset/transforms/build.py   FLIP_CONFIG
    lib/dataset/COCODataset.py        processKeypoints, _coco_keypoint_results_one_category_kernel
    experiments/coco/higher_hrnet/w32_512_adam_lr1e-3.yaml, w48_640_adam_lr1e-3.yaml,
    experiments/crowd_pose/higher_hrnet/w32_512_adam_lr1e-3.yaml

The test loop is tools/valid.py's, line for line (valid.py itself needs a dataset and CUDA). Stand-ins
made here, never edits of upstream files: a dict with attribute access for yacs' CfgNode; an empty
`dataset` package so `dataset.transforms` / `dataset.COCODataset` import without the dataset
registry (`dataset/__init__.py` imports crowdposetools); `shared/tools/oracle-shims/pose_deps` for
pycocotools / json_tricks (imported by COCODataset.py, never called); `np.float = float`
(COCODataset.py uses it, removed in numpy 1.24). `munkres` is Debian's python3-munkres 1.1.4.
"""

import argparse
import json
import os
import sys
import types

import numpy as np
import torch
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_extra as ge  # noqa: E402  (weights recipe, Cfg, write helpers)

if not hasattr(np, 'float'):
    np.float = float

SHIMS = os.path.join(HERE, '..', '..', '..', 'shared', 'tools', 'oracle-shims', 'pose_deps')


def load_official(official):
    lib = os.path.join(official, 'lib')
    for p in (os.path.abspath(SHIMS), lib):
        if p not in sys.path:
            sys.path.insert(0, p)
    ds = types.ModuleType('dataset')
    ds.__path__ = [os.path.join(lib, 'dataset')]
    sys.modules['dataset'] = ds
    import models.pose_higher_hrnet as net  # noqa: E402
    import core.group as group  # noqa: E402
    import core.inference as inference  # noqa: E402
    import utils.transforms as tr  # noqa: E402
    from dataset.COCODataset import CocoDataset  # noqa: E402
    from dataset.transforms import FLIP_CONFIG  # noqa: E402
    return types.SimpleNamespace(net=net, group=group, inference=inference, tr=tr, CocoDataset=CocoDataset,
                                 FLIP_CONFIG=FLIP_CONFIG)


# yacs defaults the yamls rely on (lib/config/default.py): the parts the test reads.
DEFAULTS = {
    'DATASET': {'NUM_JOINTS': 17, 'MAX_NUM_PEOPLE': 30, 'INPUT_SIZE': 512, 'WITH_CENTER': False, 'DATASET': 'coco_kpt'},
    'LOSS': {'WITH_AE_LOSS': [True], 'WITH_HEATMAPS_LOSS': [True]},
    'TEST': {'FLIP_TEST': False, 'ADJUST': True, 'REFINE': True, 'SCALE_FACTOR': [1], 'DETECTION_THRESHOLD': 0.2,
             'TAG_THRESHOLD': 1.0, 'USE_DETECTION_VAL': True, 'IGNORE_TOO_MUCH': False, 'IGNORE_CENTER': True,
             'NMS_KERNEL': 3, 'NMS_PADDING': 1, 'PROJECT2IMAGE': False, 'WITH_HEATMAPS': [True], 'WITH_AE': [True]},
}


def tuple_value(v):
    """yacs reads `(True, False)` in a yaml as a tuple; PyYAML gives the string."""
    if isinstance(v, str) and v.strip().startswith('('):
        return [x.strip() == 'True' if x.strip() in ('True', 'False') else float(x) for x in v.strip()[1:-1].split(',') if x.strip()]
    return v


def make_cfg(raw):
    cfg = json.loads(json.dumps(raw))
    for sec, vals in DEFAULTS.items():
        cfg.setdefault(sec, {})
        for k, v in vals.items():
            cfg[sec].setdefault(k, v)
    for sec in cfg.values():
        if isinstance(sec, dict):
            for k in list(sec):
                sec[k] = tuple_value(sec[k])
    return ge.Cfg.wrap(cfg)


# ----------------------------------------------------------------------------------------------
# Key manifests of the released configs
# ----------------------------------------------------------------------------------------------

def write_key_manifests(o, official, out):
    os.makedirs(os.path.join(out, 'higher'), exist_ok=True)
    for name, rel in (('w32_512', 'experiments/coco/higher_hrnet/w32_512_adam_lr1e-3.yaml'),
                      ('w48_640', 'experiments/coco/higher_hrnet/w48_640_adam_lr1e-3.yaml'),
                      ('crowd_pose_w32_512', 'experiments/crowd_pose/higher_hrnet/w32_512_adam_lr1e-3.yaml')):
        with open(os.path.join(official, rel)) as f:
            text = f.read()
        cfg = make_cfg(yaml.safe_load(text))
        model = o.net.PoseHigherResolutionNet(cfg)
        sd = model.state_dict()
        manifest = {
            'config_file': rel,
            'official_commit': 'aa23881492ff511185acf756a2e14725cc4ab4d7',
            'num_params': sum(p.numel() for p in model.parameters()),
            'num_state_dict_entries': len(sd),
            'state_dict': [[k, list(v.shape)] for k, v in sd.items()],
        }
        with open(os.path.join(out, 'higher', f'manifest_{name}.json'), 'w') as f:
            json.dump(manifest, f, indent=0)
            f.write('\n')
        with open(os.path.join(out, 'higher', f'{name}.yaml'), 'w') as f:
            f.write(text)
        print(name, manifest['num_params'], len(sd))


# ----------------------------------------------------------------------------------------------
# The official test of one image (tools/valid.py's loop)
# ----------------------------------------------------------------------------------------------

def normalize(image_rgb):
    # torchvision ToTensor + Normalize(ImageNet), as valid.py builds them.
    t = torch.from_numpy(np.ascontiguousarray(image_rgb)).permute(2, 0, 1).float().div(255)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)
    return (t - mean) / std


def official_test(o, cfg, model, image):
    parser = o.group.HeatmapParser(cfg)
    base_size, center, scale = o.tr.get_multi_scale_size(image, cfg.DATASET.INPUT_SIZE, 1.0, min(cfg.TEST.SCALE_FACTOR))
    sizes = []
    with torch.no_grad():
        final_heatmaps = None
        tags_list = []
        for s in sorted(cfg.TEST.SCALE_FACTOR, reverse=True):
            image_resized, center, scale = o.tr.resize_align_multi_scale(image, cfg.DATASET.INPUT_SIZE, s, min(cfg.TEST.SCALE_FACTOR))
            sizes.append([int(image_resized.shape[1]), int(image_resized.shape[0])])
            x = normalize(image_resized).unsqueeze(0)
            outputs, heatmaps, tags = o.inference.get_multi_stage_outputs(cfg, model, x, cfg.TEST.FLIP_TEST, cfg.TEST.PROJECT2IMAGE, base_size)
            final_heatmaps, tags_list = o.inference.aggregate_results(cfg, s, final_heatmaps, tags_list, heatmaps, tags)
        final_heatmaps = final_heatmaps / float(len(cfg.TEST.SCALE_FACTOR))
        tags = torch.cat(tags_list, dim=4)
        grouped, scores = parser.parse(final_heatmaps, tags, cfg.TEST.ADJUST, cfg.TEST.REFINE)
        final_results = o.tr.get_final_preds(grouped, center, scale, [final_heatmaps.size(3), final_heatmaps.size(2)])
    return {
        'base_size': [int(v) for v in base_size],
        'center': [float(v) for v in center],
        'scale': [float(v) for v in scale],
        'input_sizes': sizes,
        'final_heatmaps': final_heatmaps,
        'tags': tags,
        'grouped': [np.asarray(g, dtype=np.float32) for g in grouped[0]],
        'final_results': [np.asarray(r, dtype=np.float32) for r in final_results],
        'scores': [float(s) for s in scores],
    }


def coco_results(o, final_results, scores, image_id):
    """COCODataset.evaluate's per-person records, then its results kernel (17 joints)."""
    img_kpts = []
    for idx_kpt, kpt in enumerate(final_results):
        kpt = kpt.astype(np.float64)
        area = (np.max(kpt[:, 0]) - np.min(kpt[:, 0])) * (np.max(kpt[:, 1]) - np.min(kpt[:, 1]))
        kpt = o.CocoDataset.processKeypoints(None, kpt)
        img_kpts.append({'keypoints': kpt[:, 0:3], 'score': scores[idx_kpt], 'tags': kpt[:, 3], 'image': image_id, 'area': area})
    pack = {'cat_id': 1, 'cls_ind': 1, 'cls': 'person', 'ann_type': 'keypoints', 'keypoints': [img_kpts]}
    res = o.CocoDataset._coco_keypoint_results_one_category_kernel(None, pack)
    return json.loads(json.dumps(res, default=float))


def synthetic_gt(results, image_id, width, height, seed):
    """COCO ground truth near the official results (noisy copies + one missed person): AP is neither 0 nor 1."""
    rng = np.random.default_rng(seed)
    anns = []
    for i, r in enumerate(results):
        k = np.array(r['keypoints']).reshape(-1, 3)
        xy = k[:, :2] + rng.normal(0, 1.5 + i, (k.shape[0], 2))
        vis = np.where(rng.random(k.shape[0]) < 0.8, 2, 0)
        kp = np.concatenate([xy, vis[:, None]], 1)
        kp[vis == 0, :2] = 0
        x0, y0 = xy.min(0)
        x1, y1 = xy.max(0)
        anns.append({'id': i + 1, 'image_id': image_id, 'category_id': 1, 'iscrowd': 0, 'num_keypoints': int((vis > 0).sum()),
                     'keypoints': [round(float(v), 2) for v in kp.reshape(-1)], 'bbox': [float(x0), float(y0), float(x1 - x0), float(y1 - y0)],
                     'area': float(max((x1 - x0) * (y1 - y0), 1.0))})
    kp = np.zeros((17, 3))
    kp[:, 0] = rng.uniform(0, width, 17)
    kp[:, 1] = rng.uniform(0, height, 17)
    kp[:, 2] = 2
    anns.append({'id': len(anns) + 1, 'image_id': image_id, 'category_id': 1, 'iscrowd': 0, 'num_keypoints': 17,
                 'keypoints': [round(float(v), 2) for v in kp.reshape(-1)], 'bbox': [0.0, 0.0, float(width), float(height)],
                 'area': float(width * height / 2)})
    return {'images': [{'id': image_id, 'width': width, 'height': height, 'file_name': 'image.png'}],
            'annotations': anns, 'categories': [{'id': 1, 'name': 'person', 'supercategory': 'person', 'keypoints': [],
                                                 'skeleton': []}]}


def stage(n_modules, blocks, channels):
    return {'NUM_MODULES': n_modules, 'NUM_BRANCHES': len(channels), 'BLOCK': 'BASIC', 'NUM_BLOCKS': blocks,
            'NUM_CHANNELS': channels, 'FUSE_METHOD': 'SUM'}


def pipeline_case(o, out, name, *, raw, image_hw, seeds, head_gain, tag_gain, band, readme_what):
    cfg = make_cfg(raw)
    model = o.net.PoseHigherResolutionNet(cfg)
    # layer1 (4 fixed Bottlenecks, 1.3 MB dense) sparse as cls_tiny's head: the gzip checkpoint stays small.
    ge.init_weights(model, seeds[0], sparse=(lambda n, m: m.weight[0].numel() > 72, 8))
    g = torch.Generator().manual_seed(seeds[0] + 1)
    with torch.no_grad():
        # init_weights only knows Conv2d / Linear: ConvTranspose2d gets kaiming-normal with its fan-in
        # per output pixel (in_channels * k * k / stride^2).
        for m in model.modules():
            if isinstance(m, torch.nn.ConvTranspose2d):
                m.weight.normal_(0.0, (2.0 / (m.in_channels * m.kernel_size[0] * m.kernel_size[1] / 4)) ** 0.5, generator=g)
        # Random heads give heatmaps of std ~1; scale them so a few peaks clear DETECTION_THRESHOLD.
        for m in model.final_layers:
            m.weight.mul_(head_gain)
            m.bias.mul_(head_gain)
        # Tags closer together than random ones: people then gather several joints.
        nj = cfg.DATASET.NUM_JOINTS
        for i, m in enumerate(model.final_layers):
            if cfg.LOSS.WITH_AE_LOSS[i]:
                m.weight[nj:] *= tag_gain
                m.bias[nj:] *= tag_gain
    ge.calibrate_bn(model, ge.randn((1, 3, 96, 128), seeds[1]), seeds[2])
    model.eval()
    x = ge.randn((1, 3, 64, 96), seeds[3])  # the official fuse needs sizes divisible by 32
    with torch.no_grad():
        outs = model(x)
    outputs = {f'output_{i}': t for i, t in enumerate(outs)}
    # An RGB image: smooth random blobs so the resize and the flip matter.
    g = torch.Generator().manual_seed(seeds[4])
    h, w = image_hw
    small = torch.rand((3, h // 8 + 2, w // 8 + 2), generator=g)
    img = torch.nn.functional.interpolate(small[None], size=(h, w), mode='bilinear', align_corners=False)[0]
    img = (img * 255).round().clamp(0, 255).to(torch.uint8).permute(1, 2, 0).contiguous().numpy()
    res = official_test(o, cfg, model, img)
    readme = f"""# {name}

HigherHRNet (HigherHRNet-Human-Pose-Estimation @ aa23881, `lib/models/pose_higher_hrnet.py`) with random
weights, then tools/valid.py's test of one image through the official lib/utils/transforms.py,
lib/core/inference.py and lib/core/group.py (see ../../gen_higher.py).

{readme_what}

{ge.RECIPE.format(wseed=seeds[0], cshape='[1, 3, 96, 128]', cseed=seeds[1], nseed=seeds[2], iseed=seeds[3])}
final_layers weights and biases then multiplied by {head_gain}, their tag rows by another {tag_gain}\n(before the BN calibration). Conv weights with a fan-in over 72 sparse (about 8 non-zero inputs per\noutput, std scaled to match; gzip checkpoint), as cls_tiny's head. ConvTranspose2d: N(0, 2 / (in·k²/4)),\ngenerator seed {seeds[0] + 1}.
Image: {w}×{h} RGB uint8, bilinear upsampling of U(0,1) noise (seed {seeds[4]}), `image.npy` (H, W, 3).
{ge.ENV}.

- `output_i.npy`: the network's outputs for `input.npy` (NCHW).
- `final_heatmaps_band.npy` [1, J, rows, W] and `tags_band.npy` [1, J', rows, W, L]: rows `band` = {band} of what
  valid.py hands to HeatmapParser.parse (full shapes in grouped.json; a band keeps the case small).
- `grouped.json`: `grouped` (parse output, heatmap coordinates), `final_results` (get_final_preds, image
  coordinates; per person J × (x, y, score, tag…)), `scores`, `center`, `scale`, `base_size`, `input_sizes`.
- `results.json` / `gt.json` (17-joint cases): COCODataset.evaluate's results records, and a synthetic ground truth.
"""
    meta = {'official_commit': 'aa23881492ff511185acf756a2e14725cc4ab4d7', 'seeds': seeds, 'head_gain': head_gain,
            'image': {'file': 'image.npy', 'shape': list(img.shape)}}
    config = json.loads(json.dumps(raw))
    meta['band'] = band
    size = ge.write_case(out, name, state_dict=model.state_dict(), config=config, x=x, outputs=outputs, readme=readme, meta=meta,
                         gzip_checkpoint=True)
    d = os.path.join(out, name)
    np.save(os.path.join(d, 'image.npy'), img)
    r0, r1 = band
    np.save(os.path.join(d, 'final_heatmaps_band.npy'), np.ascontiguousarray(res['final_heatmaps'][:, :, r0:r1].numpy().astype(np.float32)))
    np.save(os.path.join(d, 'tags_band.npy'), np.ascontiguousarray(res['tags'][:, :, r0:r1].numpy().astype(np.float32)))
    doc = {k: res[k] for k in ('base_size', 'center', 'scale', 'input_sizes', 'scores')}
    doc['band'] = band
    doc['final_heatmaps_shape'] = list(res['final_heatmaps'].shape)
    doc['tags_shape'] = list(res['tags'].shape)
    doc['grouped'] = [g.tolist() for g in res['grouped']]
    doc['final_results'] = [r.tolist() for r in res['final_results']]
    with open(os.path.join(d, 'grouped.json'), 'w') as f:
        json.dump(doc, f)
        f.write('\n')
    if cfg.DATASET.NUM_JOINTS == 17:
        results = coco_results(o, res['final_results'], res['scores'], 1)
        with open(os.path.join(d, 'results.json'), 'w') as f:
            json.dump(results, f)
            f.write('\n')
        with open(os.path.join(d, 'gt.json'), 'w') as f:
            json.dump(synthetic_gt(results, 1, w, h, seeds[4]), f)
            f.write('\n')
    print(name, 'people', len(res['final_results']), 'scores', [round(s, 3) for s in res['scores']], 'sizes', res['input_sizes'],
          'hm', res['final_heatmaps'].shape, 'max', float(res['final_heatmaps'].max()), 'tags', tuple(res['tags'].shape))
    return size


def case_coco_ms_flip(o, out):
    raw = {
        'DATASET': {'DATASET': 'coco_kpt', 'NUM_JOINTS': 17, 'INPUT_SIZE': 128, 'MAX_NUM_PEOPLE': 6},
        'LOSS': {'NUM_STAGES': 2, 'WITH_AE_LOSS': [True, False], 'WITH_HEATMAPS_LOSS': [True, True]},
        'MODEL': {'NAME': 'pose_higher_hrnet', 'NUM_JOINTS': 17, 'TAG_PER_JOINT': True, 'EXTRA': {
            'FINAL_CONV_KERNEL': 1, 'PRETRAINED_LAYERS': ['*'],
            'STAGE2': stage(1, [1, 1], [8, 16]),
            'STAGE3': stage(1, [1, 1, 1], [8, 16, 24]),
            'STAGE4': stage(2, [1, 1, 1, 1], [8, 16, 24, 32]),
            'DECONV': {'NUM_DECONVS': 1, 'NUM_CHANNELS': [8], 'KERNEL_SIZE': [4], 'NUM_BASIC_BLOCKS': 2, 'CAT_OUTPUT': [True]}}},
        'TEST': {'FLIP_TEST': True, 'SCALE_FACTOR': [1, 0.5, 1.5], 'PROJECT2IMAGE': True, 'DETECTION_THRESHOLD': 1.5,
                 'WITH_HEATMAPS': '(True, True)', 'WITH_AE': '(True, False)', 'NMS_KERNEL': 5, 'NMS_PADDING': 2},
    }
    return pipeline_case(o, out, 'higher_coco_ms_flip', raw=raw, image_hw=(97, 151), seeds=[101, 102, 103, 104, 105], band=[56, 64],
                         head_gain=0.25, tag_gain=0.3, readme_what='COCO, 17 joints, one tag per joint; 3 scales [1, 0.5, 1.5] of INPUT_SIZE 128 '
                         '(odd 151×97 landscape image), flip test with the COCO flip index, PROJECT2IMAGE true, NMS 5/2; '
                         'stage4 with 2 modules; 1 deconv (kernel 4, 2 BasicBlocks, CAT_OUTPUT).')


def case_crowd_3out(o, out):
    raw = {
        'DATASET': {'DATASET': 'crowd_pose_kpt', 'NUM_JOINTS': 14, 'INPUT_SIZE': 64, 'MAX_NUM_PEOPLE': 5},
        'LOSS': {'NUM_STAGES': 3, 'WITH_AE_LOSS': [True, True, False], 'WITH_HEATMAPS_LOSS': [True, True, True]},
        'MODEL': {'NAME': 'pose_higher_hrnet', 'NUM_JOINTS': 14, 'TAG_PER_JOINT': False, 'EXTRA': {
            'FINAL_CONV_KERNEL': 3, 'PRETRAINED_LAYERS': ['*'],
            'STAGE2': stage(1, [1, 1], [6, 12]),
            'STAGE3': stage(1, [1, 1, 1], [6, 12, 18]),
            'STAGE4': stage(1, [1, 2, 1, 1], [6, 12, 18, 24]),
            'DECONV': {'NUM_DECONVS': 2, 'NUM_CHANNELS': [8, 6], 'KERNEL_SIZE': [3, 2], 'NUM_BASIC_BLOCKS': 1, 'CAT_OUTPUT': [True, False]}}},
        'TEST': {'FLIP_TEST': True, 'SCALE_FACTOR': [1, 0.5], 'PROJECT2IMAGE': False, 'DETECTION_THRESHOLD': 0.1,
                 'WITH_HEATMAPS': '(True, False, True)', 'WITH_AE': '(True, True, False)', 'ADJUST': True, 'REFINE': True,
                 'IGNORE_TOO_MUCH': True, 'USE_DETECTION_VAL': False, 'TAG_THRESHOLD': 1.5},
    }
    return pipeline_case(o, out, 'higher_crowd_3out', raw=raw, image_hw=(131, 87), seeds=[201, 202, 203, 204, 205], band=[40, 56],
                         head_gain=0.25, tag_gain=0.5, readme_what='CrowdPose, 14 joints, one shared tag map (TAG_PER_JOINT false); 2 deconvs '
                         '(kernels 3 and 2: output_padding 1 and padding 0), CAT_OUTPUT [true, false], AE on outputs 0 and 1, '
                         'heatmaps of outputs 0 and 2 used; FINAL_CONV_KERNEL 3; 2 scales [1, 0.5] of INPUT_SIZE 64 with '
                         'PROJECT2IMAGE false (heatmaps resized to the largest scale); odd 87×131 portrait image; flip with '
                         'the CrowdPose index; IGNORE_TOO_MUCH, USE_DETECTION_VAL false, TAG_THRESHOLD 1.5.')


def case_coco_plain(o, out):
    raw = {
        'DATASET': {'DATASET': 'coco_kpt', 'NUM_JOINTS': 17, 'INPUT_SIZE': 96, 'MAX_NUM_PEOPLE': 5},
        'LOSS': {'NUM_STAGES': 1, 'WITH_AE_LOSS': [True], 'WITH_HEATMAPS_LOSS': [True]},
        'MODEL': {'NAME': 'pose_higher_hrnet', 'NUM_JOINTS': 17, 'TAG_PER_JOINT': True, 'EXTRA': {
            'FINAL_CONV_KERNEL': 3, 'PRETRAINED_LAYERS': ['*'],
            'STAGE2': stage(2, [1, 1], [4, 8]),
            'STAGE3': stage(1, [2, 1, 1], [4, 8, 12]),
            'STAGE4': stage(1, [1, 1, 1, 1], [4, 8, 12, 16]),
            'DECONV': {'NUM_DECONVS': 0, 'NUM_CHANNELS': [], 'KERNEL_SIZE': [], 'NUM_BASIC_BLOCKS': 0, 'CAT_OUTPUT': []}}},
        'TEST': {'FLIP_TEST': False, 'SCALE_FACTOR': [1], 'PROJECT2IMAGE': True, 'DETECTION_THRESHOLD': 2.5,
                 'WITH_HEATMAPS': '(True,)', 'WITH_AE': '(True,)', 'ADJUST': False, 'REFINE': True, 'TAG_THRESHOLD': 0.8},
    }
    return pipeline_case(o, out, 'higher_coco_plain', raw=raw, image_hw=(89, 97), seeds=[401, 402, 403, 404, 405], band=[60, 72],
                         head_gain=0.3, tag_gain=0.1, readme_what='COCO, 17 joints, no deconv (one output at 1/4, FINAL_CONV_KERNEL 3), '
                         'stage2 with 2 modules; one scale of INPUT_SIZE 96 (not a multiple of 64: the short side becomes 128), '
                         'no flip, PROJECT2IMAGE true (heatmaps ×4 to the input size), ADJUST false, TAG_THRESHOLD 0.8; odd 97×89 image.')


# ----------------------------------------------------------------------------------------------
# HeatmapParser on synthetic maps (exact inputs: the grouping itself)
# ----------------------------------------------------------------------------------------------

def synth_maps(rng, people, joints, h, w, tag_dim, tag_per_joint, missing, close_pairs):
    yy, xx = np.mgrid[0:h, 0:w]
    det = rng.uniform(0, 0.05, (joints, h, w)).astype(np.float32)
    maps = joints if tag_per_joint else 1
    tag = rng.normal(0, 0.3, (maps, h, w, tag_dim)).astype(np.float32)
    centers = rng.uniform([6, 6], [w - 6, h - 6], (people, 2))
    person_tags = rng.uniform(-4, 4, (people, tag_dim))
    for a, b in close_pairs:  # tags a fraction of TAG_THRESHOLD apart: the threshold decides
        person_tags[b] = person_tags[a] + rng.uniform(0.3, 0.9, tag_dim)
    truth = np.zeros((people, joints, 3))
    for p in range(people):
        for j in range(joints):
            if rng.random() < missing:
                continue
            x, y = centers[p] + rng.normal(0, 3, 2)
            x, y = np.clip(x, 0, w - 1), np.clip(y, 0, h - 1)
            amp = rng.uniform(0.3, 1.0)
            det[j] += (amp * np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * 1.5 ** 2))).astype(np.float32)
            truth[p, j] = (x, y, 2)
            m = j if tag_per_joint else 0
            r = (np.abs(xx - x) <= 2) & (np.abs(yy - y) <= 2)
            tag[m][r] = (person_tags[p] + rng.normal(0, 0.05, tag_dim)).astype(np.float32)
    return det, tag, truth


def case_group_synth(o, out):
    # Not a network case (no manifest / checkpoint): kept beside the key manifests, not in cases/.
    name = 'group_synth'
    d = os.path.join(out, '..', 'higher', name)
    os.makedirs(d, exist_ok=True)
    variants = [
        dict(key='coco_ae2', joints=17, people=9, h=48, w=64, tag_dim=2, tag_per_joint=True, missing=0.2, close=[(0, 1), (2, 3)],
             test={'DETECTION_THRESHOLD': 0.2, 'TAG_THRESHOLD': 1.0, 'USE_DETECTION_VAL': True, 'IGNORE_TOO_MUCH': False,
                   'ADJUST': True, 'REFINE': True, 'NMS_KERNEL': 5, 'NMS_PADDING': 2}, max_people=7, seed=301),
        dict(key='crowd_shared_tag', joints=14, people=6, h=40, w=36, tag_dim=1, tag_per_joint=False, missing=0.3, close=[(1, 2)],
             test={'DETECTION_THRESHOLD': 0.15, 'TAG_THRESHOLD': 1.0, 'USE_DETECTION_VAL': False, 'IGNORE_TOO_MUCH': True,
                   'ADJUST': False, 'REFINE': True, 'NMS_KERNEL': 3, 'NMS_PADDING': 1}, max_people=4, seed=302),
        dict(key='coco_no_refine', joints=17, people=12, h=56, w=44, tag_dim=3, tag_per_joint=True, missing=0.1, close=[(4, 5)],
             test={'DETECTION_THRESHOLD': 0.1, 'TAG_THRESHOLD': 2.0, 'USE_DETECTION_VAL': True, 'IGNORE_TOO_MUCH': False,
                   'ADJUST': True, 'REFINE': False, 'NMS_KERNEL': 3, 'NMS_PADDING': 1}, max_people=30, seed=303),
    ]
    index = []
    for v in variants:
        rng = np.random.default_rng(v['seed'])
        det, tag, truth = synth_maps(rng, v['people'], v['joints'], v['h'], v['w'], v['tag_dim'], v['tag_per_joint'], v['missing'], v['close'])
        raw = {'DATASET': {'NUM_JOINTS': v['joints'], 'MAX_NUM_PEOPLE': v['max_people']},
               'MODEL': {'TAG_PER_JOINT': v['tag_per_joint']}, 'TEST': dict(v['test'])}
        cfg = make_cfg(raw)
        parser = o.group.HeatmapParser(cfg)
        det_t = torch.from_numpy(det)[None]
        tag_t = torch.from_numpy(tag)[None]
        grouped, scores = parser.parse(det_t, tag_t, cfg.TEST.ADJUST, cfg.TEST.REFINE)
        # An image 4× the heatmap, as valid.py's center/scale of a resized image give.
        img_w, img_h = v['w'] * 4 - 3, v['h'] * 4 + 1
        center = np.array([int(img_w / 2.0 + 0.5), int(img_h / 2.0 + 0.5)])
        scale = np.array([img_w / 200.0, img_h / 200.0])
        final = o.tr.get_final_preds(grouped, center, scale, [v['w'], v['h']])
        np.save(os.path.join(d, f"{v['key']}_det.npy"), det[None])
        np.save(os.path.join(d, f"{v['key']}_tag.npy"), tag[None])
        doc = {'config': raw, 'center': center.tolist(), 'scale': scale.tolist(), 'heatmap_size': [v['w'], v['h']],
               'grouped': [np.asarray(g, np.float32).tolist() for g in grouped[0]],
               'final_results': [np.asarray(r, np.float32).tolist() for r in final], 'scores': [float(s) for s in scores]}
        if v['joints'] == 17:
            results = coco_results(o, [np.asarray(r, np.float32) for r in final], doc['scores'], 7)
            doc['results'] = results
            gt = {'images': [{'id': 7, 'width': img_w, 'height': img_h, 'file_name': 'synth.png'}], 'annotations': [],
                  'categories': [{'id': 1, 'name': 'person', 'supercategory': 'person', 'keypoints': [], 'skeleton': []}]}
            for p in range(v['people']):
                kp = truth[p].copy()
                kp[:, 0] = (kp[:, 0] + 0.5) * 4 - 2  # heatmap → image, roughly; the GT only needs to be near
                kp[:, 1] = (kp[:, 1] + 0.5) * 4 - 2
                kp[kp[:, 2] == 0, :2] = 0
                vis = kp[:, 2] > 0
                x0, y0 = kp[vis, :2].min(0)
                x1, y1 = kp[vis, :2].max(0)
                gt['annotations'].append({'id': p + 1, 'image_id': 7, 'category_id': 1, 'iscrowd': 0, 'num_keypoints': int(vis.sum()),
                                          'keypoints': [round(float(x), 2) for x in kp.reshape(-1)],
                                          'bbox': [float(x0), float(y0), float(x1 - x0), float(y1 - y0)],
                                          'area': float(max((x1 - x0) * (y1 - y0), 1.0))})
            doc['gt'] = gt
        with open(os.path.join(d, f"{v['key']}.json"), 'w') as f:
            json.dump(doc, f)
            f.write('\n')
        index.append(v['key'])
        print(name, v['key'], 'people', len(final), 'of', v['people'])
    # Munkres on its own: random and tie-heavy integer matrices (square, wide, tall).
    rng = np.random.default_rng(304)
    cases = []
    for shape, kind in [((4, 4), 'int'), ((5, 5), 'int'), ((3, 6), 'int'), ((6, 6), 'float'), ((7, 4), 'pad1e10'),
                        ((8, 8), 'int'), ((2, 9), 'float'), ((1, 1), 'float'), ((6, 6), 'zeros-ties'), ((9, 9), 'int')]:
        if kind == 'int':
            m = rng.integers(0, 4, shape).astype(np.float64)
        elif kind == 'pad1e10':  # rows > columns: padded with 1e10 columns as match_by_tag does
            m = np.concatenate((rng.normal(0, 10, shape), np.zeros((shape[0], shape[0] - shape[1])) + 1e10), axis=1)
        elif kind == 'zeros-ties':
            m = np.zeros(shape)
        else:
            m = rng.normal(0, 10, shape)
        pairs = o.group.py_max_match(m.copy())
        cases.append({'matrix': m.tolist(), 'pairs': pairs.tolist()})
    with open(os.path.join(d, 'munkres.json'), 'w') as f:
        json.dump(cases, f)
        f.write('\n')
    # torch.topk (what HeatmapParser.top_k calls) on tie-heavy vectors: both CPU paths
    # (partial_sort when k * 64 <= n, else nth_element + sort), NMS-like zeros, plateaus.
    topk = []
    for n, k, kind in [(3000, 7, 'levels'), (2000, 30, 'zeros'), (100, 5, 'levels'), (1000, 30, 'levels'), (50, 20, 'levels'),
                       (40, 40, 'levels'), (4096, 30, 'plateaus'), (600, 30, 'zeros'), (17, 1, 'levels'), (300, 12, 'float')]:
        if kind == 'levels':
            v = rng.integers(0, 5, n).astype(np.float32)
        elif kind == 'zeros':
            v = np.where(rng.random(n) < 0.03, rng.uniform(0, 1, n), 0).astype(np.float32)
        elif kind == 'plateaus':
            v = np.repeat(rng.uniform(0, 1, n // 8), 8).astype(np.float32)
        else:
            v = rng.normal(0, 1, n).astype(np.float32)
        vals, ind = torch.from_numpy(v).topk(k)
        topk.append({'values': v.tolist(), 'k': k, 'indices': ind.tolist()})
    with open(os.path.join(d, 'topk.json'), 'w') as f:
        json.dump(topk, f)
        f.write('\n')
    with open(os.path.join(d, 'README.md'), 'w') as f:
        f.write(f"""# {name}

The official HeatmapParser (HigherHRNet-Human-Pose-Estimation @ aa23881, lib/core/group.py, with Debian's
python3-munkres 1.1.4) and get_final_preds (lib/utils/transforms.py) on synthetic maps, so the grouping is
tested on exact inputs: Gaussian peaks for several people (some joints missing), tag maps with one value per
person near each peak (pairs of people with tags closer than TAG_THRESHOLD), noise elsewhere; more people
than MAX_NUM_PEOPLE in some variants. See ../../gen_higher.py (case_group_synth).

Per variant `<key>`: `<key>_det.npy` [1, J, H, W], `<key>_tag.npy` [1, J or 1, H, W, L], `<key>.json` with the
config (DATASET / MODEL / TEST keys), `grouped`, `final_results`, `scores`, `center`, `scale`; 17-joint
variants also `results` (COCODataset.evaluate's records) and a `gt` near the true people.
Variants: {', '.join(index)}.

`topk.json`: `torch.topk(v, k)` (what top_k calls) on 10 tie-heavy vectors, covering both CPU code paths
(partial sort when k·64 ≤ n, else nth_element + sort).

`munkres.json`: `group.py_max_match` (Munkres().compute) on 10 matrices: random integer matrices with many ties,
float matrices, wide ones (munkres pads them with zero rows), a tall one padded with 1e10 columns as
match_by_tag does, all-zero.
""")
    return sum(os.path.getsize(os.path.join(d, fn)) for fn in os.listdir(d))


CASES = {
    'higher_coco_ms_flip': case_coco_ms_flip,
    'higher_crowd_3out': case_crowd_3out,
    'higher_coco_plain': case_coco_plain,
    'higher_group_synth': case_group_synth,
}


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--official-dir', required=True)
    p.add_argument('--out', default=HERE)
    p.add_argument('--only', nargs='*', choices=sorted(CASES) + ['keys'])
    args = p.parse_args()
    official = os.path.abspath(args.official_dir)
    o = load_official(official)
    todo = args.only or ['keys', *CASES]
    if 'keys' in todo:
        write_key_manifests(o, official, args.out)
    for name in todo:
        if name in CASES:
            size = CASES[name](o, os.path.join(args.out, 'cases'))  # group_synth writes to <out>/higher/
            print(f'{name}: {size} bytes')
    print('official sha256:', {rel: ge.sha256(os.path.join(official, rel)) for rel in (
        'lib/models/pose_higher_hrnet.py', 'lib/utils/transforms.py', 'lib/core/inference.py', 'lib/core/group.py',
        'lib/dataset/transforms/build.py', 'lib/dataset/COCODataset.py')})


if __name__ == '__main__':
    main()
