"""
``xcoco split``: split a dataset into parts by image or by video, with the
categories balanced across the parts.

Example:
    >>> import tempfile, ubelt as ub, xcoco
    >>> from xcoco.cli.coco_split import CocoSplitCLI
    >>> dpath = ub.Path(tempfile.mkdtemp())
    >>> CocoSplitCLI.main(argv=['special:shapes8', '--dst1', str(dpath / 'a.json'),
    ...                         '--dst2', str(dpath / 'b.json'), '--rng', '0', '--quiet'])
    0
    >>> n1, n2 = xcoco.CocoDataset(dpath / 'a.json').n_images, xcoco.CocoDataset(dpath / 'b.json').n_images
    >>> n1 + n2, n1 > n2
    (8, True)
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import load_dataset, note, write_dataset
from xcoco.errors import UsageError

__all__ = ['CocoSplitCLI', 'balanced_folds', 'split_groups']


class CocoSplitCLI(VerbCLI):
    """
    Split a dataset into two (or more) parts.

    The images (or, with --splitter video, whole videos) are dealt into
    --factor folds so that each fold gets about the same share of every
    category; one fold goes to --dst2 (the smaller part) and the rest to
    --dst1.  With --train_fpath / --vali_fpath / --test_fpath the folds
    become three parts (test: one fold, vali: one fold, train: the rest).
    With --num_write N, N splits are written, each with another fold as
    the smaller part; then --dst1 / --dst2 need a {} placeholder.

    Example:
        >>> config = CocoSplitCLI.cli(argv=['in.json', '--factor', '4', '--rng=0'])
        >>> config.factor, config.rng, config.dst1
        (4, 0, 'split1.kwcoco.json')
    """

    __command__ = 'split'
    __examples__ = [
        'xcoco split --src special:shapes8 --dst1=learn.kwcoco.json --dst2=test.kwcoco.json --factor=3 --rng=42',
        'xcoco split --src special:shapes8 --dst1="train_{:03d}.kwcoco.json" --dst2="vali_{:03d}.kwcoco.json" --factor=3 --num_write=2 --rng=42',
        'xcoco split special:vidshapes4 --splitter video --train_fpath train.json --vali_fpath vali.json --test_fpath test.json --rng 0',
    ]

    src = Value(None, position=1, help='input dataset to split')
    dst1 = Value('split1.kwcoco.json', help='output path of the larger part')
    dst2 = Value('split2.kwcoco.json', help='output path of the smaller part')
    train_fpath = Value(None, help='three-way split: the train part (with --vali_fpath, --test_fpath)')
    vali_fpath = Value(None, help='three-way split: the validation part')
    test_fpath = Value(None, help='three-way split: the test part')
    factor = Value(3, kind='int', help='number of folds: the larger part gets factor-1 of them')
    rng = Value(None, kind='auto', help='a random seed for reproducible splits')
    balance_categories = Value(True, kind='bool', help='balance annotation categories across folds')
    num_write = Value(1, kind='int', help='number of splits to write (1 .. factor)')
    splitter = Value('auto', choices=['auto', 'image', 'video'],
                     help='deal images or whole videos; auto: video when there are videos')
    compress = Value('auto', kind='auto', help='True writes a zip; auto: by the .zip suffix')

    def run(self) -> int:
        """
        Write the parts; return 0.

        Example:
            >>> try:
            ...     CocoSplitCLI(src='special:shapes2', factor=1).run()
            ... except Exception as ex:
            ...     print(ex)
            --factor must be at least 2, got 1
        """
        three_way = [self.train_fpath, self.vali_fpath, self.test_fpath]
        if self.factor < 2:
            raise UsageError(f'--factor must be at least 2, got {self.factor}')
        if any(p is not None for p in three_way) and not all(p is not None for p in three_way):
            raise UsageError('--train_fpath, --vali_fpath and --test_fpath go together')
        if all(p is not None for p in three_way) and self.factor < 3:
            raise UsageError('a train / vali / test split needs --factor of at least 3')
        if not 1 <= self.num_write <= self.factor:
            raise UsageError(f'--num_write must be between 1 and --factor ({self.factor})')
        if self.num_write > 1 and not all('{' in str(p) and '}' in str(p)
                                          for p in (self.dst1, self.dst2)):
            raise UsageError('with --num_write > 1, --dst1 and --dst2 need a {} placeholder '
                             '(e.g. train_{:03d}.kwcoco.json)')
        dset = load_dataset(self.src, self)
        splitter = self.splitter
        if splitter == 'auto':
            splitter = 'video' if dset.n_videos else 'image'
        folds = split_groups(dset, self.factor, splitter=splitter, rng=self.rng,
                             balance_categories=self.balance_categories)
        if all(p is not None for p in three_way):
            parts = [(self.test_fpath, folds[0]), (self.vali_fpath, folds[1]),
                     (self.train_fpath, [g for fold in folds[2:] for g in fold])]
            self._write_parts(dset, parts)
            return 0
        for num in range(self.num_write):
            small = folds[num]
            large = [g for pos, fold in enumerate(folds) if pos != num for g in fold]
            dst1 = str(self.dst1).format(num) if self.num_write > 1 else self.dst1
            dst2 = str(self.dst2).format(num) if self.num_write > 1 else self.dst2
            self._write_parts(dset, [(dst1, large), (dst2, small)])
        return 0

    def _write_parts(self, dset, parts):
        for dst, gids in parts:
            part = dset.subset(sorted(gids), copy=True)
            write_dataset(self, part, dst, inputs=[dset.fpath], compress=self.compress)
            note(self, f'  {part.n_images} images, {part.n_annots} annotations, '
                       f'{part.n_videos} videos')


def split_groups(dset: Any, factor: int, splitter: str = 'image', rng: Any = None,
                 balance_categories: bool = True) -> list[list]:
    """
    Deal the images of ``dset`` into ``factor`` folds of image ids; with
    ``splitter='video'`` the frames of a video stay together (images
    without a video are their own group).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('vidshapes4')
        >>> folds = split_groups(dset, 2, splitter='video', rng=0)
        >>> [len(f) for f in folds], sorted(g for f in folds for g in f) == sorted(dset.imgs)
        ([4, 4], True)
    """
    index = dset.index
    groups: dict[Any, list] = {}
    for gid, img in index.imgs.items():
        vidid = img.get('video_id') if splitter == 'video' else None
        key = ('video', vidid) if vidid is not None else ('image', gid)
        groups.setdefault(key, []).append(gid)
    keys = list(groups)
    counts = []
    cat_pos = {cid: pos for pos, cid in enumerate(index.cats)}
    for key in keys:
        vec = [0] * (len(cat_pos) + 1)  # the last slot counts images without annotations
        for gid in groups[key]:
            aids = index.gid_to_aids.get(gid, ())
            if not aids:
                vec[-1] += 1
            for aid in aids:
                cid = index.anns[aid].get('category_id')
                if cid in cat_pos:
                    vec[cat_pos[cid]] += 1
        # the number of images is balanced too, as one more "class"
        counts.append(vec + [len(groups[key])] if balance_categories else [len(groups[key])])
    assignment = balanced_folds(counts, factor, rng=rng)
    folds: list[list] = [[] for _ in range(factor)]
    for key, fold in zip(keys, assignment):
        folds[fold].extend(groups[key])
    return folds


def balanced_folds(counts: Sequence[Sequence[float]], factor: int, rng: Any = None) -> list[int]:
    """
    Assign each group (a vector of per-class counts) to one of ``factor``
    folds so that every class is spread evenly and the folds have about
    the same size (a greedy stratified group k-fold: groups in random
    order, the most class-skewed first, each to the fold where the class
    shares become most even, ties to the smallest fold).

    Example:
        >>> balanced_folds([[4, 0], [0, 4], [4, 0], [0, 4]], 2, rng=0)  # doctest: +IGNORE_WANT
        [0, 0, 1, 1]
        >>> sorted(balanced_folds([[1, 0]] * 6, 3, rng=1))
        [0, 0, 1, 1, 2, 2]
    """
    import kwarray
    import numpy as np
    data = np.asarray(counts, dtype=np.float64).reshape(len(counts), -1)
    num_groups, num_classes = data.shape
    if num_groups == 0:
        return []
    rng = kwarray.ensure_rng(rng)
    order = rng.permutation(num_groups)
    totals = data.sum(axis=0)
    totals[totals == 0] = 1
    # rarer / more skewed groups first: they are the hardest to place evenly
    skew = (data / totals).std(axis=1)
    order = order[np.argsort(-skew[order], kind='stable')]
    fold_counts = np.zeros((factor, num_classes))
    fold_sizes = np.zeros(factor)
    assignment = [0] * num_groups
    for gpos in order:
        best, best_key = 0, None
        for fold in range(factor):
            fold_counts[fold] += data[gpos]
            spread = (fold_counts / totals).std(axis=0).mean()
            fold_counts[fold] -= data[gpos]
            key = (round(spread, 12), fold_sizes[fold], fold)
            if best_key is None or key < best_key:
                best, best_key = fold, key
        fold_counts[best] += data[gpos]
        fold_sizes[best] += max(data[gpos].sum(), 1)
        assignment[gpos] = best
    return assignment


# kwcoco's module-level names for the verb
__cli__ = CocoSplitCLI
_CLI = CocoSplitCLI
main = CocoSplitCLI.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
