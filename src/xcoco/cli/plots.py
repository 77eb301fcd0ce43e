"""
The pictures of ``xcoco stats --plots DIR``: category frequencies,
box-size distribution, annotations per image and images per video, as PNGs.

They are drawn with matplotlib when it is installed (an optional extra)
and otherwise with OpenCV (a small bar-chart / histogram / scatter
renderer below), so ``--plots`` always works; ``backend='matplotlib'``
insists on matplotlib and raises :class:`~xcoco.errors.MissingDependencyError`
without it.

Example:
    >>> import tempfile, ubelt as ub, xcoco
    >>> from xcoco.cli.plots import write_stats_plots
    >>> dset = xcoco.CocoDataset.demo('vidshapes2')
    >>> written, skipped = write_stats_plots(dset, ub.Path(tempfile.mkdtemp()), backend='opencv')
    >>> sorted(ub.Path(p).name for p in written), skipped
    (['annots_per_image.png', 'box_size_distribution.png', 'category_frequency.png', 'images_per_video.png'], [])
"""
from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

from xcoco.manifest.io import atomic_write

__all__ = ['bar_chart', 'histogram', 'plot_data', 'scatter_plot', 'write_stats_plots']

_SIZE = (900, 560)  # width, height of every plot
_MARGIN = {'left': 90, 'right': 30, 'top': 60, 'bottom': 120}
_BAR = (66, 110, 180)  # RGB
_FONT = 0  # cv2.FONT_HERSHEY_SIMPLEX


def plot_data(dset: Any) -> dict[str, Any]:
    """
    What the four plots show, read from the dataset.

    Example:
        >>> import xcoco
        >>> data = plot_data(xcoco.CocoDataset.demo('shapes2'))
        >>> sorted(data), len(data['annots_per_image']) == 2
        (['annots_per_image', 'box_wh', 'category_frequency', 'images_per_video'], True)
    """
    index = dset.index
    freq = dset.category_annotation_frequency()
    boxes = [ann['bbox'][2:4] for ann in index.anns.values()
             if isinstance(ann.get('bbox'), (list, tuple)) and len(ann['bbox']) == 4]
    per_image = [len(index.gid_to_aids.get(gid, ())) for gid in index.imgs]
    per_video = {}
    for vidid, video in index.videos.items():
        per_video[str(video.get('name', vidid))] = len(index.vidid_to_gids.get(vidid, ()))
    return {'category_frequency': freq, 'box_wh': boxes,
            'annots_per_image': per_image, 'images_per_video': per_video}


def write_stats_plots(dset: Any, dpath: Any, backend: str = 'auto') -> tuple[list[str], list[str]]:
    """
    Write the plots of ``dset`` into ``dpath`` (created if needed).

    Returns:
        tuple[list[str], list[str]]: the files written and, for plots
        with nothing to show (no boxes, no videos), why they were skipped.

    Example:
        >>> import tempfile, ubelt as ub, xcoco
        >>> written, skipped = write_stats_plots(xcoco.CocoDataset.demo('shapes2'),
        ...                                      ub.Path(tempfile.mkdtemp()), backend='opencv')
        >>> len(written), skipped
        (3, ['images_per_video.png: the dataset has no videos'])
    """
    from xcoco.errors import MissingDependencyError
    plt = None
    if backend in {'auto', 'matplotlib'}:
        try:
            import matplotlib
            matplotlib.use('Agg')
            import matplotlib.pyplot as plt
        except ImportError:
            if backend == 'matplotlib':
                raise MissingDependencyError(
                    "plot_backend='matplotlib' needs matplotlib: pip install matplotlib "
                    "(or use --plot_backend opencv)") from None
    elif backend != 'opencv':
        raise ValueError(f'unknown plot backend {backend!r}; use auto, matplotlib or opencv')
    os.makedirs(os.fspath(dpath), exist_ok=True)
    data = plot_data(dset)
    title = str(dset.tag or os.path.basename(dset.fpath or '') or 'dataset')
    specs = []
    freq = data['category_frequency']
    if freq:
        specs.append(('category_frequency.png', 'bar', list(freq), list(freq.values()),
                      f'annotations per category ({title})', 'category', 'annotations'))
    if data['box_wh']:
        widths = [float(w) for w, _ in data['box_wh']]
        heights = [float(h) for _, h in data['box_wh']]
        specs.append(('box_size_distribution.png', 'scatter', widths, heights,
                      f'box sizes, {len(widths)} boxes ({title})', 'width (px)', 'height (px)'))
    specs.append(('annots_per_image.png', 'hist', data['annots_per_image'], None,
                  f'annotations per image ({title})', 'annotations in an image', 'images'))
    if data['images_per_video']:
        videos = data['images_per_video']
        specs.append(('images_per_video.png', 'bar', list(videos), list(videos.values()),
                      f'images per video ({title})', 'video', 'images'))
    skipped = []
    if not freq:
        skipped.append('category_frequency.png: the dataset has no categories')
    if not data['box_wh']:
        skipped.append('box_size_distribution.png: no annotation has a bbox')
    if not data['images_per_video']:
        skipped.append('images_per_video.png: the dataset has no videos')
    written = []
    for fname, kind, xs, ys, plot_title, xlabel, ylabel in specs:
        fpath = os.path.join(os.fspath(dpath), fname)
        if plt is not None:
            _matplotlib_plot(plt, fpath, kind, xs, ys, plot_title, xlabel, ylabel)
        else:
            if kind == 'bar':
                canvas = bar_chart(xs, ys, plot_title, xlabel, ylabel)
            elif kind == 'hist':
                canvas = histogram(xs, plot_title, xlabel, ylabel)
            else:
                canvas = scatter_plot(xs, ys, plot_title, xlabel, ylabel)
            _write_png(fpath, canvas)
        written.append(fpath)
    return written, skipped


def _write_png(fpath, canvas):
    import cv2

    from xcoco.manifest.io import atomic_write
    ok, buf = cv2.imencode('.png', canvas[:, :, ::-1])
    if not ok:
        raise OSError(f'could not encode the plot {fpath}')
    with atomic_write(fpath, 'wb') as file:
        file.write(buf.tobytes())


def _matplotlib_plot(plt, fpath, kind, xs, ys, title, xlabel, ylabel):
    fig, ax = plt.subplots(figsize=(_SIZE[0] / 100, _SIZE[1] / 100), dpi=100)
    try:
        if kind == 'bar':
            ax.bar(range(len(xs)), ys, color=[c / 255 for c in _BAR])
            ax.set_xticks(range(len(xs)))
            ax.set_xticklabels([str(x) for x in xs], rotation=60, ha='right')
        elif kind == 'hist':
            edges = _integer_bins(xs)
            ax.hist(xs, bins=edges, color=[c / 255 for c in _BAR])
        else:
            ax.scatter(xs, ys, s=12, alpha=0.6, color=[c / 255 for c in _BAR])
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        fig.tight_layout()
        # a fixed '.tmp.png' name let two processes plotting into one
        # folder overwrite each other's half-written file
        with atomic_write(fpath, 'wb') as file:
            fig.savefig(file, format='png')
    finally:
        plt.close(fig)


# ---- the OpenCV renderer ---------------------------------------------------
def _nice_ticks(low, high, num=5, integer=False):
    """Round tick values (1, 2, 5 x 10^k steps) from low up to the first >= high."""
    if high <= low:
        high = low + 1
    raw = (high - low) / num
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    if integer:
        step = max(1, round(step))
    value = math.floor(low / step) * step
    ticks = [round(value, 10)]
    while ticks[-1] < high - step * 1e-9:
        value += step
        ticks.append(round(value, 10))
    return ticks


def _tick_text(value):
    return str(int(value)) if float(value).is_integer() else f'{value:g}'


class _Axes:
    """A blank white canvas with a title, axis labels and a y axis."""

    def __init__(self, title, xlabel, ylabel, ymax, xrange=None, integer_x=False, integer_y=True):
        import numpy as np
        width, height = _SIZE
        self.canvas = np.full((height, width, 3), 255, dtype=np.uint8)
        self.x0, self.x1 = _MARGIN['left'], width - _MARGIN['right']
        self.y0, self.y1 = height - _MARGIN['bottom'], _MARGIN['top']
        self.yticks = _nice_ticks(0, max(ymax, 1), integer=integer_y)
        self.ymax = self.yticks[-1]
        self.xrange = xrange
        self.integer_x = integer_x
        self.text(title, (width // 2, 35), scale=0.7, center=True, thickness=2)
        self.text(xlabel, ((self.x0 + self.x1) // 2, height - 15), center=True)
        self.vertical_text(ylabel, (18, (self.y0 + self.y1) // 2))
        self.y_axis()
        if xrange is not None:
            self.x_axis_numeric(*xrange)
        self.line((self.x0, self.y0), (self.x1, self.y0), (0, 0, 0))

    def sy(self, value):
        return int(round(self.y0 - (self.y0 - self.y1) * value / self.ymax))

    def sx(self, value):
        low, high = self.xrange
        return int(round(self.x0 + (self.x1 - self.x0) * (value - low) / (high - low)))

    def line(self, p1, p2, color, thickness=1):
        import cv2
        cv2.line(self.canvas, p1, p2, color, thickness, cv2.LINE_AA)

    def text(self, text, org, scale=0.45, center=False, right=False, thickness=1, color=(0, 0, 0)):
        import cv2
        (tw, th), _ = cv2.getTextSize(text, _FONT, scale, thickness)
        x, y = org
        if center:
            x -= tw // 2
        elif right:
            x -= tw
        cv2.putText(self.canvas, text, (int(x), int(y + th // 2)), _FONT, scale, color,
                    thickness, cv2.LINE_AA)

    def vertical_text(self, text, center, scale=0.45):
        """Text rotated to read bottom-to-top, centred on ``center``."""
        import cv2
        import numpy as np
        (tw, th), base = cv2.getTextSize(text, _FONT, scale, 1)
        patch = np.full((th + base + 4, tw + 4, 3), 255, dtype=np.uint8)
        cv2.putText(patch, text, (2, th + 2), _FONT, scale, (0, 0, 0), 1, cv2.LINE_AA)
        patch = np.rot90(patch)
        self._paste(patch, center[0] - patch.shape[1] // 2, center[1] - patch.shape[0] // 2)

    def _paste(self, patch, x, y):
        height, width = self.canvas.shape[:2]
        x, y = max(0, int(x)), max(0, int(y))
        ph, pw = min(patch.shape[0], height - y), min(patch.shape[1], width - x)
        if ph > 0 and pw > 0:
            import numpy as np
            region = self.canvas[y:y + ph, x:x + pw]
            # dark text over whatever is there (gridlines stay visible)
            self.canvas[y:y + ph, x:x + pw] = np.minimum(region, patch[:ph, :pw])

    def y_axis(self):
        for tick in self.yticks:
            y = self.sy(tick)
            self.line((self.x0, y), (self.x1, y), (225, 225, 225))
            self.line((self.x0 - 5, y), (self.x0, y), (0, 0, 0))
            self.text(_tick_text(tick), (self.x0 - 8, y), right=True)
        self.line((self.x0, self.y0), (self.x0, self.y1), (0, 0, 0))

    def x_axis_numeric(self, low, high):
        for tick in _nice_ticks(low, high, integer=self.integer_x):
            if low <= tick <= high:
                x = self.sx(tick)
                self.line((x, self.y0), (x, self.y0 + 5), (0, 0, 0))
                self.text(_tick_text(tick), (x, self.y0 + 18), center=True)

    def bar(self, x_left, x_right, value):
        import cv2
        top = self.sy(value)
        cv2.rectangle(self.canvas, (int(x_left), top), (int(x_right), self.y0), _BAR, -1)


def bar_chart(labels: Sequence[Any], values: Sequence[float], title: str = '',
              xlabel: str = '', ylabel: str = '') -> Any:
    """
    A bar chart as an RGB uint8 image (one bar per label, value above it).

    Example:
        >>> canvas = bar_chart(['star', 'eff'], [3, 5], 'frequencies', 'category', 'count')
        >>> canvas.shape, canvas.dtype.name
        ((560, 900, 3), 'uint8')
    """
    axes = _Axes(title, xlabel, ylabel, max(list(values) + [0]),
                 integer_y=all(float(v).is_integer() for v in values))
    num = max(len(labels), 1)
    slot = (axes.x1 - axes.x0) / num
    for pos, (label, value) in enumerate(zip(labels, values)):
        left = axes.x0 + pos * slot + slot * 0.15
        right = axes.x0 + (pos + 1) * slot - slot * 0.15
        axes.bar(left, right, value)
        center = int((left + right) / 2)
        axes.text(_tick_text(value), (center, axes.sy(value) - 10), center=True, scale=0.4)
        name = str(label)
        name = name if len(name) <= 16 else name[:15] + '~'
        if num <= 12:
            axes.text(name, (center, axes.y0 + 16), center=True, scale=0.4)
        else:
            # many bars: names read upwards below their bar
            import cv2
            (tw, _), _ = cv2.getTextSize(name, _FONT, 0.4, 1)
            axes.vertical_text(name, (center, axes.y0 + 10 + tw // 2 + 2), scale=0.4)
    return axes.canvas


def _integer_bins(values):
    """Bin edges for counts from 0: one bin per integer when the range is small."""
    high = max(list(values) + [1])
    if high <= 40:
        return [v - 0.5 for v in range(int(high) + 2)]
    step = high / 30
    return [step * i for i in range(31)]


def histogram(values: Sequence[float], title: str = '', xlabel: str = '', ylabel: str = '') -> Any:
    """
    A histogram of counts as an RGB uint8 image (one bin per integer when
    the range is small, 30 bins otherwise).

    Example:
        >>> histogram([0, 1, 1, 2, 5], 'annotations per image').shape
        (560, 900, 3)
    """
    import numpy as np
    edges = _integer_bins(list(values))
    counts, _ = np.histogram(np.asarray(values, dtype=float), bins=edges)
    axes = _Axes(title, xlabel, ylabel, int(counts.max()) if len(counts) else 1,
                 xrange=(edges[0], edges[-1]), integer_x=True)
    for left, right, count in zip(edges[:-1], edges[1:], counts):
        if count:
            pad = (axes.sx(right) - axes.sx(left)) * 0.08
            axes.bar(axes.sx(left) + pad, axes.sx(right) - pad, count)
    return axes.canvas


def scatter_plot(xs: Sequence[float], ys: Sequence[float], title: str = '', xlabel: str = '',
                 ylabel: str = '') -> Any:
    """
    A scatter plot as an RGB uint8 image.

    Example:
        >>> scatter_plot([10, 20, 35], [12, 18, 40], 'box sizes', 'w', 'h').shape
        (560, 900, 3)
    """
    import cv2
    xmax = max(list(xs) + [1])
    ticks = _nice_ticks(0, xmax)
    axes = _Axes(title, xlabel, ylabel, max(list(ys) + [1]), xrange=(0, ticks[-1]),
                 integer_y=False)
    for x, y in zip(xs, ys):
        cv2.circle(axes.canvas, (axes.sx(x), axes.sy(y)), 4, _BAR, -1, cv2.LINE_AA)
    return axes.canvas
