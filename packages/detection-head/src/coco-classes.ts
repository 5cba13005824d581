/**
 * The 80 COCO detection class names in mmdet's `CocoDataset.CLASSES` order: label id `i` of an
 * mmdet COCO detector is `COCO_CLASSES[i]` (category ids 1..90 with gaps are a dataset detail).
 */
export const COCO_CLASSES: readonly string[] = Object.freeze([
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
  'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple',
  'sandwich', 'orange', 'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch',
  'potted plant', 'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard',
  'cell phone', 'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase',
  'scissors', 'teddy bear', 'hair drier', 'toothbrush',
]);

/** Class names of a detector: COCO's for 80 classes, else `class_{i}`. */
export function detectorClassNames(numClasses: number): readonly string[] {
  return numClasses === COCO_CLASSES.length ? COCO_CLASSES : Array.from({ length: numClasses }, (_, i) => `class_${i}`);
}

/** `names` checked to be one non-empty name per class (`owner` names the model in the error), copied. */
export function checkedClassNames(owner: string, names: readonly string[], numClasses: number): string[] {
  if (names.length !== numClasses || names.some((name) => typeof name !== 'string' || name === '')) {
    throw new Error(`${owner}: expected ${numClasses} non-empty class names (bbox_head.num_classes), got ${names.length}`);
  }
  return [...names];
}
