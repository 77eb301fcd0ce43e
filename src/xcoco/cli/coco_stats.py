"""
``xcoco stats``: summary statistics of one or more datasets, as aligned
tables (default) or JSON (``--format json``: kwcoco's list of one dict per
dataset), and optionally pictures of them (``--plots DIR``).

Example:
    >>> from xcoco.cli.coco_stats import CocoStatsCLI
    >>> CocoStatsCLI.main(argv=['special:shapes2', '--no-extended', '--no-catfreq'])  # doctest: +IGNORE_WANT
    basic
                n_anns  n_imgs  n_videos  n_cats  n_tracks
    shapes2          9       2         0       4         0
    0
"""
from __future__ import annotations

import os
import re
import sys
from typing import Any

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import load_datasets, note, print_json, render_table

__all__ = ['CocoStatsCLI', 'dataset_stats']

_SUMMARY_KEYS = ['mean', 'std', 'min', 'max', 'q_0.25', 'q_0.50', 'q_0.75', 'nMin', 'nMax']


class CocoStatsCLI(VerbCLI):
    """
    Compute summary statistics of datasets.

    Basic stats are the number of images, annotations, categories, videos
    and tracks; extended stats summarize annotations per image, images per
    category and so on; catfreq counts annotations per category.  A source
    is a path or 'special:<demo key>' (e.g. special:shapes8).

    Example:
        >>> config = CocoStatsCLI.cli(argv=['special:shapes8', '--boxes'])
        >>> config.src, config.boxes
        (['special:shapes8'], True)
    """

    __command__ = 'stats'
    __examples__ = [
        'xcoco stats special:shapes8',
        'xcoco stats --src=special:shapes8 --boxes=True --format json',
        'xcoco stats special:vidshapes2 --plots stats_plots',
    ]

    src = Value([], kind='list', item='str', split=False, nargs='+',
                position=1, help='paths to datasets')
    basic = Value(True, kind='bool', help='show basic stats')
    extended = Value(True, kind='bool', help='show extended stats')
    catfreq = Value(True, kind='bool', help='show category frequency stats')
    boxes = Value(False, kind='bool', help='show bounding box width / height stats')
    image_size = Value(False, kind='bool', help='show image size stats')
    annot_attrs = Value(False, kind='bool', help='show annotation attribute information')
    image_attrs = Value(False, kind='bool', help='show image attribute information')
    video_attrs = Value(False, kind='bool', help='show video attribute information')
    channels = Value(False, kind='bool', help='show channel and sensor information')
    io_workers = Value(0, kind='auto', help='accepted for kwcoco (datasets are read in turn)')
    backend = Value('memory', choices=['memory', 'sqlite', 'postgresql'],
                    help='read through this backend (sqlite / postgresql: the cached SQL view)')
    disk_usage = Value(False, kind='bool', help='measure disk usage of the registered files')
    format = Value('human', choices=['human', 'json', 'yaml'],
                   help='output format: human tables, json (yaml prints json, which is valid yaml)')
    plots = Value(None, help='also write PNG plots into this folder (xcoco)')
    plot_backend = Value('auto', choices=['auto', 'matplotlib', 'opencv'],
                         help='draw plots with matplotlib (optional extra) or opencv (xcoco)')

    def run(self) -> int:
        """
        Print the statistics (and write the plots); return 0.

        Example:
            >>> config = CocoStatsCLI(src=['special:shapes2'], format='json', extended=False)
            >>> config.run()  # doctest: +IGNORE_WANT
            [...]
            0
        """
        sources = self.src
        datasets = load_datasets(sources, self)
        reports = [dataset_stats(dset, self) for dset in datasets]
        if self.format in {'json', 'yaml'}:
            print_json(reports)
        else:
            print(_human_report(reports, self))
        if self.plots:
            from xcoco.cli.plots import write_stats_plots
            labels = _labels(reports)
            for dset, label in zip(datasets, labels):
                folder = re.sub(r'[^\w.-]+', '_', label)
                dpath = self.plots if len(datasets) == 1 else os.path.join(self.plots, folder)
                written, skipped = write_stats_plots(dset, dpath, backend=self.plot_backend)
                for fpath in written:
                    note(self, f'wrote {fpath}')
                for reason in skipped:
                    note(self, f'skipped {reason}')
        sys.stdout.flush()
        return 0


def dataset_stats(dset: Any, config: Any) -> dict[str, Any]:
    """
    The statistics the configuration asks for, for one dataset (kwcoco's
    keys: ``fpath``, ``tag``, ``basic``, ``extended``, ``catfreq`` ...).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> info = dataset_stats(dset, CocoStatsCLI(image_size=True, extended=False))
        >>> sorted(info)
        ['basic', 'catfreq', 'fpath', 'image_size', 'tag']
        >>> info['image_size']['width']['max']
        600.0
    """
    parts = {key: bool(config[key]) for key in
             ('basic', 'extended', 'catfreq', 'boxes', 'image_attrs', 'annot_attrs',
              'video_attrs')}
    report: dict[str, Any] = {'fpath': dset.fpath, 'tag': dset.tag}
    report.update(dset.stats(**parts))
    if config['image_size']:
        report['image_size'] = _image_size_stats(dset)
    if config['channels']:
        report['channels'] = _channel_stats(dset)
    if config['disk_usage']:
        report['disk_usage'] = _disk_usage(dset)
    return report


def _image_size_stats(dset):
    from xcoco.ops.stats import summarize_counts
    imgs = list(dset.index.imgs.values())
    widths = [img['width'] for img in imgs if isinstance(img.get('width'), (int, float))]
    heights = [img['height'] for img in imgs if isinstance(img.get('height'), (int, float))]
    info: dict[str, Any] = {'width': summarize_counts(widths), 'height': summarize_counts(heights),
                            'num_without_size': len(imgs) - min(len(widths), len(heights))}
    if widths and heights:
        sized = [img for img in imgs if isinstance(img.get('width'), (int, float))
                 and isinstance(img.get('height'), (int, float))]
        biggest = max(sized, key=lambda img: img['width'] * img['height'])
        info['max_image'] = {'id': biggest['id'], 'width': biggest['width'],
                             'height': biggest['height']}
    return info


def _channel_stats(dset):
    counts: dict[tuple, int] = {}
    for gid in dset.index.imgs:
        coco_img = dset.coco_image(gid)
        chans = coco_img.channels
        sensor = coco_img.img.get('sensor_coarse', None)
        key = (sensor, None if chans is None else chans.spec)
        counts[key] = counts.get(key, 0) + 1
    return [{'sensor': sensor, 'channels': chans, 'num_images': num}
            for (sensor, chans), num in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))]


def _disk_usage(dset):
    seen = set()
    total = 0
    missing = 0
    for gid in dset.index.imgs:
        for fpath in dset.coco_image(gid).iter_image_filepaths():
            fpath = os.fspath(fpath)
            if fpath in seen:
                continue
            seen.add(fpath)
            try:
                total += os.path.getsize(fpath)
            except OSError:
                missing += 1
    manifest = dset.fpath if dset.fpath and os.path.isfile(dset.fpath) else None
    return {'num_files': len(seen), 'num_missing': missing, 'asset_bytes': total,
            'manifest_bytes': os.path.getsize(manifest) if manifest else None,
            'asset_size': _byte_str(total)}


def _byte_str(num):
    for unit in ['B', 'KB', 'MB', 'GB', 'TB']:
        if abs(num) < 1024 or unit == 'TB':
            return f'{num:.2f} {unit}' if unit != 'B' else f'{num} B'
        num /= 1024.0
    return f'{num} B'


def _labels(reports):
    labels = []
    for pos, report in enumerate(reports):
        label = str(report.get('tag') or os.path.basename(report.get('fpath') or '') or f'dataset{pos}')
        labels.append(label)
    if len(set(labels)) < len(labels):
        labels = [f'{pos}:{label}' for pos, label in enumerate(labels)]
    return labels


def _summary_rows(section):
    rows = []
    for key, summary in section.items():
        if summary.get('empty_list'):
            rows.append((f'{key} (none)', [None] * len(_SUMMARY_KEYS)))
        else:
            rows.append((key, [summary.get(k) for k in _SUMMARY_KEYS]))
    return rows


def _box_rows(boxes):
    rows = []
    groups = []
    if 'all' in boxes:
        groups.append(('(all)', boxes['all']))
    groups += list(boxes.get('perclass', {}).items())
    for name, info in groups:
        stats = info['stats']
        values = [int(stats['shape'][0])]
        for key in ('mean', 'std', 'min', 'max'):
            wh = [float(v) for v in list(_flat(stats[key]))[:2]]
            values += wh
        rows.append((name, values))
    return rows


def _flat(value):
    import numpy as np
    return np.asarray(value, dtype=float).ravel()


def _human_report(reports, config):
    labels = _labels(reports)
    blocks = []

    def block(title, table):
        blocks.append(f'{title}\n{table}')

    if config['basic']:
        keys = list(reports[0]['basic'])
        block('basic', render_table(keys, [(lab, [r['basic'][k] for k in keys])
                                           for lab, r in zip(labels, reports)]))
    for lab, report in zip(labels, reports):
        suffix = f' ({lab})' if len(reports) > 1 else ''
        if 'extended' in report:
            block('extended' + suffix, render_table(_SUMMARY_KEYS, _summary_rows(report['extended'])))
        if 'boxes' in report and report['boxes']:
            cols = ['n', 'mean_w', 'mean_h', 'std_w', 'std_h', 'min_w', 'min_h', 'max_w', 'max_h']
            block('boxes' + suffix, render_table(cols, _box_rows(report['boxes']), precision=1))
        for key in ('image_attrs', 'annot_attrs', 'video_attrs'):
            if key in report:
                rows = [(field, [v['num_unique'], v['num_total']])
                        for field, v in report[key].items()]
                block(key + suffix, render_table(['num_unique', 'num_total'], rows, index_name='field')
                      if rows else '(no objects)')
        if 'image_size' in report:
            info = report['image_size']
            rows = [(dim, [info[dim].get(k) for k in ['mean', 'std', 'min', 'max']])
                    for dim in ('width', 'height')]
            text = render_table(['mean', 'std', 'min', 'max'], rows, precision=1)
            if 'max_image' in info:
                big = info['max_image']
                text += f"\nlargest image: id={big['id']} {big['width']} x {big['height']}"
            if info['num_without_size']:
                text += f"\nimages without width/height: {info['num_without_size']}"
            block('image_size' + suffix, text)
        if 'channels' in report:
            rows = [(row['sensor'] if row['sensor'] is not None else '-',
                     [row['channels'], row['num_images']]) for row in report['channels']]
            block('channels' + suffix, render_table(['channels', 'num_images'], rows,
                                                    index_name='sensor'))
        if 'disk_usage' in report:
            info = report['disk_usage']
            keys = ['num_files', 'num_missing', 'asset_bytes', 'asset_size', 'manifest_bytes']
            block('disk_usage' + suffix, render_table(keys, [(lab, [info[k] for k in keys])]))
    if config['catfreq']:
        names: list = []
        for report in reports:
            names += [n for n in report['catfreq'] if n not in names]
        rows = [(name, [r['catfreq'].get(name) for r in reports]) for name in names]
        block('catfreq', render_table(labels, rows, index_name='category') if rows
              else '(no categories)')
    return '\n\n'.join(blocks)


# kwcoco's module-level names for the verb
__cli__ = CocoStatsCLI
_CLI = CocoStatsCLI
main = CocoStatsCLI.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
