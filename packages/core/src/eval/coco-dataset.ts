import { type CocoAnnotation, type CocoCategory, CocoEvalError, type CocoImage } from './coco-types.js';
import { expectArray, expectBox, expectCrowdFlag, expectKeypoints, expectNumber, expectObject } from './validate-json.js';

/**
 * An indexed COCO dataset, pycocotools' `COCO` object reduced to what evaluation needs: images,
 * categories and annotations grouped by image in file order (`imgToAnns`).
 */
export class CocoDataset {
  private readonly imgToAnns = new Map<number, CocoAnnotation[]>();
  private readonly imageIdSet: Set<number>;

  /** Builds the index; prefer {@link CocoDataset.fromJson}, which validates first. */
  constructor(
    readonly images: readonly CocoImage[],
    readonly annotations: readonly CocoAnnotation[],
    readonly categories: readonly CocoCategory[],
  ) {
    this.imageIdSet = new Set(images.map((img) => img.id));
    for (const ann of annotations) {
      const list = this.imgToAnns.get(ann.image_id);
      if (list) list.push(ann);
      else this.imgToAnns.set(ann.image_id, [ann]);
    }
  }

  /**
   * Validates a parsed ground-truth JSON (`{ images, annotations, categories }`) and indexes it.
   * Every annotation needs `id`, `image_id`, `category_id`, `bbox`, `area` and `iscrowd`;
   * `keypoints` / `num_keypoints` are checked when present. Throws `CocoEvalError` naming the field.
   */
  static fromJson(json: unknown): CocoDataset {
    const root = expectObject(json, 'gt');
    const images = expectArray(root.images, 'gt.images', 'image objects').map((img, i) => {
      const where = `gt.images[${i}]`;
      const record = expectObject(img, where);
      expectNumber(record, 'id', where);
      return record as CocoImage;
    });
    const categories = expectArray(root.categories, 'gt.categories', 'category objects').map((cat, i) => {
      const where = `gt.categories[${i}]`;
      const record = expectObject(cat, where);
      expectNumber(record, 'id', where);
      return record as CocoCategory;
    });
    const annotations = expectArray(root.annotations, 'gt.annotations', 'annotation objects').map((ann, i) =>
      validateGtAnnotation(ann, `gt.annotations[${i}]`),
    );
    return new CocoDataset(images, annotations, categories);
  }

  /** Image ids in file order (`COCO.getImgIds()`). */
  getImgIds(): number[] {
    return this.images.map((img) => img.id);
  }

  /** Category ids in file order (`COCO.getCatIds()`). */
  getCatIds(): number[] {
    return this.categories.map((cat) => cat.id);
  }

  /** True when `imageId` is one of the dataset's images. */
  hasImage(imageId: number): boolean {
    return this.imageIdSet.has(imageId);
  }

  /** The image record with id `imageId` (pycocotools `imgs[id]`). */
  image(imageId: number): CocoImage {
    const img = this.images.find((i) => i.id === imageId);
    if (!img) throw new CocoEvalError(`image ${imageId} is not in the dataset`);
    return img;
  }

  /** Annotations of one image in file order (empty when it has none). */
  annotationsOfImage(imageId: number): readonly CocoAnnotation[] {
    return this.imgToAnns.get(imageId) ?? [];
  }
}

function validateGtAnnotation(ann: unknown, where: string): CocoAnnotation {
  const record = expectObject(ann, where);
  for (const field of ['id', 'image_id', 'category_id', 'area']) expectNumber(record, field, where);
  expectBox(record, where);
  const iscrowd = expectCrowdFlag(record, where);
  if (record.keypoints !== undefined) expectKeypoints(record, where);
  if (record.num_keypoints !== undefined) expectNumber(record, 'num_keypoints', where);
  return { ...record, iscrowd } as CocoAnnotation;
}
