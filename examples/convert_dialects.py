"""
Read COCO files written by other tools (MS-COCO and its results lists,
AiCOCO, Encord), convert them to kwcoco manifests, and write MS-COCO and
AiCOCO back.

``xcoco.formats.guess`` names a document's dialect and ``formats.load``
reads it into a ``CocoDataset``: ids that are not positive integers become
integers and keep the original as ``external_id``, and fields with no home
in the data model are kept.  The script writes one small sample of each
dialect into a temporary folder; pass your own files to convert those
instead (the converted manifests go to the same temporary folder, which is
removed at the end: the script only shows what the conversion gives).

Run: ``python examples/convert_dialects.py [export.json ...]``
"""
import json
import sys
import tempfile
from pathlib import Path

import xcoco
from xcoco import formats

MSCOCO = {
    'info': {'description': 'two photos'}, 'licenses': [],
    'images': [{'id': 42, 'file_name': 'a.jpg', 'width': 64, 'height': 48},
               {'id': 7, 'file_name': 'b.jpg', 'width': 64, 'height': 48}],
    'categories': [{'id': 18, 'name': 'dog', 'supercategory': 'animal'}],
    'annotations': [{'id': 1, 'image_id': 42, 'category_id': 18, 'bbox': [4, 4, 20, 10],
                     'area': 200.0, 'iscrowd': 0,
                     'segmentation': [[4, 4, 24, 4, 24, 14, 4, 14]]}],
}
RESULTS = [{'image_id': 42, 'category_id': 18, 'bbox': [5, 4, 19, 10], 'score': 0.9}]
AICOCO = {  # every id a string; objects group annotations; six top-level keys
    'images': [{'id': 'img-a', 'file_name': 'ct/slice0.png', 'index': 0,
                'category_ids': None, 'regressions': None}],
    'annotations': [{'id': 'ann-a', 'image_id': 'img-a', 'object_id': 'obj-a', 'iscrowd': 0,
                     'bbox': [[10, 10, 30, 25]], 'segmentation': None}],
    'categories': [{'id': 'cat-a', 'name': 'Nodule', 'supercategory_id': None}],
    'regressions': [], 'meta': {'category_ids': None, 'regressions': None},
    'objects': [{'id': 'obj-a', 'category_ids': ['cat-a'], 'regressions': None,
                 'confidence': 0.8}],
}
ENCORD = {  # encord-client-python's CocoExporter: track uuids in attributes
    'info': {'description': 'one video frame'},
    'categories': [{'supercategory': 'bounding_box', 'id': 1, 'name': 'car'}],
    'images': [{'coco_url': '', 'id': 0, 'video_title': 'v.mp4', 'height': 40, 'width': 60,
                'file_name': 'videos/abc/0.jpg'}],
    'annotations': [{'area': 20.0, 'bbox': [1.0, 2.0, 5.0, 4.0], 'category_id': 1, 'id': 0,
                     'image_id': 0, 'iscrowd': 0, 'keypoints': None, 'num_keypoints': None,
                     'segmentation': [[1.0, 2.0, 6.0, 2.0, 6.0, 6.0, 1.0, 6.0]],
                     'attributes': {'track_id': 0, 'encord_track_uuid': 'abc-obj',
                                    'classifications': {}, 'manual_annotation': True}}],
}


def convert(fpath, out_dpath):
    dset = formats.load(fpath)                   # format='auto': guessed from the keys
    dset.fpath = str(out_dpath / (Path(fpath).stem + '.kwcoco.json'))
    dset.dump()
    print(f'{Path(fpath).name}: {formats.guess(fpath)} -> {Path(dset.fpath).name}: {dset}')
    return dset


def main(paths):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not paths:
            for name, doc in [('instances.json', MSCOCO), ('study.json', AICOCO),
                              ('encord_export.json', ENCORD)]:
                (tmp / name).write_text(json.dumps(doc))
                paths.append(tmp / name)
        datasets = [convert(fpath, tmp) for fpath in paths]
        if paths[0] == tmp / 'instances.json':
            gt, aicoco, encord = datasets
            print('AiCOCO id kept as external_id:', aicoco.anns[1]['external_id'],
                  '| MS-COCO ids are kept as they are:', sorted(gt.imgs))
            (tmp / 'detections.json').write_text(json.dumps(RESULTS))
            dt = formats.load(tmp / 'detections.json', base=gt)   # as pycocotools' loadRes
            print('results attached to the ground truth:', dt.n_annots, 'detection(s)')
            formats.dump(gt, tmp / 'for_cocoeval.json', 'mscoco')
            back = json.loads((tmp / 'for_cocoeval.json').read_text())
            assert [img['id'] for img in back['images']] == [42, 7]     # MS-COCO ids restored
            formats.dump(aicoco, tmp / 'back.aicoco.json', 'aicoco')
            assert formats.guess(tmp / 'back.aicoco.json') == 'aicoco'
            print('tracks from Encord:', encord.dataset['tracks'])
            merged = xcoco.CocoDataset.union(gt, encord)
            print('one dataset from two tools:', merged)


if __name__ == '__main__':
    main(sys.argv[1:])
