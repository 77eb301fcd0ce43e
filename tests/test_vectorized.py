"""
Vectorized views checked against plain loops over the manifest dicts.
"""
import types
from pathlib import Path

import numpy as np
import pytest

import xcoco
from xcoco.objects.vectorized import (
    AnnotGroups,
    Annots,
    Categories,
    ImageGroups,
    Images,
    ObjectList1D,
    Tracks,
    Videos,
)

SHARED_DPATH = Path(__file__).resolve().parents[1].parent / 'shared'
VAL100 = SHARED_DPATH / 'data' / 'coco_val2014_100' / 'instances_val2014_100.json'


@pytest.fixture
def coco100():
    if not VAL100.exists():
        pytest.skip(f'real COCO file not found: {VAL100} (../shared is absent)')
    return xcoco.CocoDataset(str(VAL100))


def _many_annots_dset(n_images=40, per_image=30):
    """Over 1000 annotations, so whole-table fast paths are taken."""
    dset = xcoco.CocoDataset()
    cids = [dset.add_category(f'c{i}') for i in range(5)]
    rng = np.random.default_rng(0)
    for i in range(n_images):
        gid = dset.add_image(file_name=f'{i}.png', width=100 + i, height=50)
        for j in range(per_image):
            box = rng.uniform(0, 50, 4).round(2).tolist()
            dset.add_annotation(gid, cids[(i + j) % 5], bbox=box, area=box[2] * box[3])
    return dset


def test_lookup_matches_loops(small_dset):
    dset = small_dset
    anns = list(dset.dataset['annotations'])
    aids = [ann['id'] for ann in anns]
    annots = Annots(aids, dset)
    assert annots.aids == aids
    assert annots.lookup('bbox') == [ann['bbox'] for ann in anns]
    assert annots.gids == annots.image_id == [ann['image_id'] for ann in anns]
    assert annots.cids == annots.category_id == [ann['category_id'] for ann in anns]
    assert annots.lookup('track_id', None) == [ann.get('track_id') for ann in anns]
    assert annots.lookup('bbox', keepid=True) == {ann['id']: ann['bbox'] for ann in anns}
    both = annots.lookup(['image_id', 'category_id'])
    assert both == {'image_id': annots.gids, 'category_id': annots.cids}
    assert annots.cnames == annots.category_names == [
        dset.cats[ann['category_id']]['name'] for ann in anns]
    assert list(annots.get_iter('bbox')) == annots.lookup('bbox')


def test_missing_field_and_id_errors_name_them(small_dset):
    images = Images(list(small_dset.imgs), small_dset)
    with pytest.raises(KeyError) as info:
        images.lookup('sensor_coarse')
    assert isinstance(info.value, xcoco.MissingFieldError)
    assert (info.value.table, info.value.id, info.value.field) == ('images', 1, 'sensor_coarse')
    assert "image id=1 has no field 'sensor_coarse'" in str(info.value)
    with pytest.raises(xcoco.UnknownIdError, match='no image with id=999'):
        Images([1, 999], small_dset).lookup('file_name')
    with pytest.raises(xcoco.InvalidIdError, match=r'\[1\] \(position 1 of this view\) is a list'):
        Images([1, [1]], small_dset).lookup('file_name')
    with pytest.raises(xcoco.MissingFieldError, match="has no field 'nope'"):
        list(images.get_iter('nope'))


def test_whole_table_fast_path_matches_loops():
    dset = _many_annots_dset()
    anns = dset.dataset['annotations']
    annots = dset.annots()
    assert len(annots) == len(anns) > 1000
    for key in ['bbox', 'category_id', 'image_id', 'area']:
        assert annots.lookup(key) == [ann[key] for ann in anns]
    expected = np.array([ann['bbox'] for ann in anns], dtype=float)
    assert np.array_equal(annots.boxes.data, expected)
    # A reordered view takes the per-id path and must follow its own order.
    rev = Annots(annots.aids[::-1], dset)
    assert np.array_equal(rev.boxes.data, expected[::-1])
    assert rev.cids == [ann['category_id'] for ann in anns[::-1]]
    # The fast path must notice an edit that changes the table.
    dset.remove_annotations([annots.aids[0]])
    assert Annots(annots.aids[1:], dset).lookup('id') == annots.aids[1:]


def test_boxes_shapes_and_errors(small_dset):
    dset = small_dset
    empty = Annots([], dset).boxes
    assert empty.data.shape == (0, 4) and empty.format == 'xywh'
    aid = dset.add_annotation(1, bbox=[1, 2, 3, 4])
    dset.anns[aid]['bbox'] = [1, 2, 3]
    with pytest.raises(xcoco.GeometryError, match=f"annotation id={aid} field 'bbox'.*4 numbers"):
        _ = Annots([1, aid], dset).boxes
    del dset.anns[aid]['bbox']
    with pytest.raises(xcoco.MissingFieldError, match=f"annotation id={aid} has no field 'bbox'"):
        _ = Annots([aid], dset).boxes


def test_take_compress_peek_unique_slicing(small_dset):
    gids = list(small_dset.imgs)
    images = Images(gids, small_dset)
    assert images.take([2, 0]).gids == [gids[2], gids[0]]
    flags = [i % 2 == 0 for i in range(len(gids))]
    assert images.compress(flags).gids == [g for g, f in zip(gids, flags) if f]
    assert images.peek() is small_dset.imgs[gids[0]]
    assert images[1] == gids[1] and images[-1] == gids[-1]
    assert isinstance(images[1:], Images) and images[1:].gids == gids[1:]
    assert Images(gids + gids[::-1], small_dset).unique().gids == gids
    assert list(images) == gids and len(images) == len(gids)
    assert str(images) == f'<Images(num={len(gids)})>'
    assert repr(images).startswith(f'<Images(num={len(gids)}) at 0x')
    assert list(images.objs) == [small_dset.imgs[g] for g in gids]
    with pytest.raises(StopIteration):
        Images([], small_dset).peek()
    by_name = images.sort_values('file_name', reverse=True)
    assert by_name.lookup('file_name') == sorted(images.lookup('file_name'), reverse=True)


def test_set_scalar_list_and_mismatch(small_dset):
    annots = Annots(list(small_dset.anns), small_dset)
    annots.set('score', 0.5)
    assert [ann['score'] for ann in small_dset.dataset['annotations']] == [0.5] * len(annots)
    values = list(range(len(annots)))
    annots.set('rank', values)
    assert annots.lookup('rank') == values
    annots.set('tag', 'abc')  # a string is one value, not 3 characters
    assert set(annots.lookup('tag')) == {'abc'}
    with pytest.raises(ValueError, match=r"cannot set field 'rank' on 5 annotations from 2 values"):
        annots.set('rank', [1, 2])
    assert annots.lookup('rank') == values


def test_images_properties_match_loops(small_dset):
    dset = small_dset
    gids = list(dset.imgs)
    images = Images(gids, dset)
    imgs = [dset.imgs[g] for g in gids]
    assert images.size == [(img['width'], img['height']) for img in imgs]
    assert images.area == [img['width'] * img['height'] for img in imgs]
    assert images.width == [img['width'] for img in imgs]
    assert images.gname == [img['file_name'] for img in imgs]
    assert images.image_name == [img.get('name') or img['file_name'] for img in imgs]
    assert images.n_annots == [len(dset.index.gid_to_aids[g]) for g in gids]
    assert images.aids == [set(dset.index.gid_to_aids[g]) for g in gids]
    images.aids[0].add(-1)  # copies: the index is untouched
    assert -1 not in dset.index.gid_to_aids[gids[0]]
    groups = images.annots
    assert isinstance(groups, AnnotGroups) and len(groups) == len(gids)
    assert [g.aids for g in groups] == [sorted(dset.index.gid_to_aids[g]) for g in gids]
    assert groups.cids == [[dset.anns[a]['category_id'] for a in g.aids] for g in groups]
    assert groups.flatten().aids == [a for g in groups for a in g.aids]
    assert images.gpath == [str(dset.get_image_fpath(g)) for g in gids]
    coco_imgs = images.coco_images
    assert len(coco_imgs) == len(gids)
    assert [c.img['id'] for c in coco_imgs] == gids
    assert [c.img['id'] for c in images.coco_images_iter()] == gids


def test_views_stay_live_after_edits(small_dset):
    images = small_dset.images()
    before = images.n_annots
    small_dset.add_annotation(images.gids[-1], bbox=[0, 0, 1, 1])
    assert images.n_annots == before[:-1] + [before[-1] + 1]


def test_videos_tracks_categories(small_dset):
    dset = small_dset
    vids = list(dset.index.videos)
    videos = Videos(vids, dset)
    frames = videos.images
    assert isinstance(frames, ImageGroups)
    for vid, group in zip(vids, frames):
        expected = sorted((img for img in dset.dataset['images']
                           if img.get('video_id') == vid),
                          key=lambda img: img['frame_index'])
        assert group.gids == [img['id'] for img in expected]
    tids = list(dset.index.tracks)
    tracks = Tracks(tids, dset)
    assert tracks.track_ids == tids
    assert tracks.name == [dset.index.tracks[t]['name'] for t in tids]
    for tid, group in zip(tids, tracks.annots):
        expected = [ann['id'] for ann in dset.dataset['annotations']
                    if ann.get('track_id') == tid]
        assert sorted(group.aids) == sorted(expected)
        frame_of = [dset.imgs[dset.anns[a]['image_id']]['frame_index'] for a in group.aids]
        assert frame_of == sorted(frame_of)
    cats = Categories(list(dset.cats), dset)
    assert cats.cids == [c['id'] for c in dset.dataset['categories']]
    assert cats.name == [c['name'] for c in dset.dataset['categories']]
    assert cats.supercategory == [c.get('supercategory') for c in dset.dataset['categories']]


def test_group_repr_and_lookup(small_dset):
    groups = small_dset.images().annots
    lens = [len(g) for g in groups]
    mean = sum(lens) / len(lens)
    std = (sum((x - mean) ** 2 for x in lens) / len(lens)) ** 0.5
    assert str(groups) == f'<AnnotGroups(n={len(lens)}, m={mean:.1f}, s={std:.1f})>'
    assert groups.lookup('bbox') == [[small_dset.anns[a]['bbox'] for a in g.aids] for g in groups]
    assert str(groups[0:2]) .startswith('<AnnotGroups(n=2,')
    assert str(AnnotGroups([], small_dset)) == '<AnnotGroups(n=0, m=nan, s=nan)>'
    assert AnnotGroups([], small_dset).flatten().aids == []


def test_attribute_frequency(small_dset):
    annots = small_dset.annots()
    freq = annots.attribute_frequency()
    for key in ['id', 'bbox', 'track_id', 'custom_field', 'absent']:
        assert freq[key] == sum(key in ann for ann in small_dset.dataset['annotations'])


def test_detections(small_dset):
    annots = small_dset.annots()
    dets = annots.detections
    assert len(dets) == len(annots)
    assert np.allclose(dets.boxes.to_xywh().data, annots.boxes.data)
    names = [dets.classes[int(i)] for i in dets.class_idxs]
    assert names == annots.cnames


def test_base_class_and_reexport(small_dset):
    view = ObjectList1D(list(small_dset.imgs), small_dset, 'images')
    assert view[:2].ids == list(small_dset.imgs)[:2]
    assert type(view.take([0])) is ObjectList1D
    from xcoco.coco_objects1d import Images as Reexported
    assert Reexported is Images


def test_views_only_need_index_mappings(small_dset):
    """A backend exposing read-only mappings (e.g. SQL proxies) is enough."""
    index = small_dset.index
    ro = types.MappingProxyType
    fake_index = types.SimpleNamespace(
        imgs=ro(index.imgs), anns=ro(index.anns), cats=ro(index.cats),
        videos=ro(index.videos), tracks=ro(index.tracks),
        gid_to_aids=ro(dict(index.gid_to_aids)),
        vidid_to_gids=ro(dict(index.vidid_to_gids)),
        trackid_to_aids=ro(dict(index.trackid_to_aids)))
    fake = types.SimpleNamespace(index=fake_index)
    gids = list(index.imgs)
    assert Images(gids, fake).n_annots == small_dset.images(gids).n_annots
    assert [g.aids for g in Images(gids, fake).annots] == [
        g.aids for g in small_dset.images(gids).annots]
    assert Annots(list(index.anns), fake).cnames == small_dset.annots().cnames
    assert [g.gids for g in Videos(list(index.videos), fake).images] == [
        g.gids for g in small_dset.videos().images]


def test_real_coco_file(coco100):
    dset = coco100
    anns = sorted(dset.dataset['annotations'], key=lambda a: a['id'])  # views list tables in id order
    annots = dset.annots()
    assert np.array_equal(annots.boxes.data, np.array([a['bbox'] for a in anns], dtype=float))
    assert annots.lookup('iscrowd') == [a['iscrowd'] for a in anns]
    assert annots.cnames == [dset.cats[a['category_id']]['name'] for a in anns]
    images = dset.images()
    assert sum(images.n_annots) == len(anns)


def test_same_results_as_kwcoco(coco100):
    kwcoco = pytest.importorskip('kwcoco')
    kdset = kwcoco.CocoDataset(str(VAL100))
    # Same ids on both sides: the order dset.images() picks is query.py's concern.
    ki = kdset.images()
    xi = Images(ki.gids, coco100)
    assert xi.size == ki.size and xi.n_annots == ki.n_annots
    assert [g.aids for g in xi.annots] == [sorted(g.aids) for g in ki.annots]
    ka = kdset.annots()
    xa = Annots(ka.aids, coco100)
    assert xa.aids == ka.aids and xa.cnames == ka.cnames and xa.gids == ka.gids
    assert np.allclose(xa.boxes.data, ka.boxes.data)
    assert dict(xa.attribute_frequency()) == dict(ka.attribute_frequency())
    assert str(xi.annots) == str(ki.annots)
    assert Categories(kdset.categories().cids, coco100).name == kdset.categories().name
