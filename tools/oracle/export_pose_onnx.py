#!/usr/bin/env python3
"""PyTorch's own ONNX export of the official W32 pose net, for `pnpm bench`'s side-by-side row.

Not an oracle case and never run by the tests: it writes a benchmark reference only. The bench
runs it with the same onnxruntime settings as our TypeScript-written graph when
HRNET_BENCH_REFERENCE_ONNX points at the file:

    /usr/bin/python3 tools/oracle/export_pose_onnx.py --official-dir /tmp/official --out /tmp/pt_w32.onnx
    HRNET_BENCH_REFERENCE_ONNX=/tmp/pt_w32.onnx pnpm --filter @hrnetjs/playground exec \
        tsx --conditions=source src/bench/engine-bench.ts --models pose-w32-256x192

--official-dir holds pose/pose_hrnet.py as for gen_extra.py (leoxiaobin/deep-high-resolution-net.pytorch
lib/models/pose_hrnet.py, unedited). The net is experiments/coco/hrnet/w32_256x192_adam_lr1e-3.yaml's
MODEL.EXTRA with random weights (speed does not depend on the values); input NCHW [N, 3, 256, 192],
dynamic batch, opset 17, as `torch.onnx.export` writes it (BN folded by onnxruntime at load).
"""

import argparse
import os

import torch

from gen_extra import Cfg, load_pose, stage


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--official-dir', required=True)
    parser.add_argument('--out', required=True)
    args = parser.parse_args()
    extra = {
        'PRETRAINED_LAYERS': ['*'],
        'FINAL_CONV_KERNEL': 1,
        'STAGE2': stage(1, 'BASIC', [4, 4], [32, 64]),
        'STAGE3': stage(4, 'BASIC', [4, 4, 4], [32, 64, 128]),
        'STAGE4': stage(3, 'BASIC', [4, 4, 4, 4], [32, 64, 128, 256]),
    }
    torch.manual_seed(0)
    net = load_pose(args.official_dir).PoseHighResolutionNet(Cfg.wrap({'MODEL': {'NAME': 'pose_hrnet', 'NUM_JOINTS': 17, 'EXTRA': extra}})).eval()
    x = torch.randn(1, 3, 256, 192)
    torch.onnx.export(net, x, args.out, opset_version=17, input_names=['input'], output_names=['heatmaps'], dynamic_axes={'input': {0: 'n'}})
    print(f'wrote {args.out} ({os.path.getsize(args.out) / 2**20:.0f} MB)')


if __name__ == '__main__':
    main()
