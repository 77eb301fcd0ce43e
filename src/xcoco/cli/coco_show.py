"""
``xcoco show``: draw an image with its annotations into a PNG, or a
contact sheet of several images.

Example:
    >>> import tempfile, ubelt as ub, kwimage
    >>> from xcoco.cli.coco_show import CocoShowCLI
    >>> dst = ub.Path(tempfile.mkdtemp()) / 'out.png'
    >>> CocoShowCLI.main(argv=['special:shapes2', '--gid', '1', '--dst', str(dst), '--quiet'])
    0
    >>> kwimage.imread(dst).shape
    (600, 600, 3)
"""
from __future__ import annotations

import os
from typing import Any

from xcoco.cli.base import Value, VerbCLI
from xcoco.cli.output import load_dataset, note, progress
from xcoco.errors import MissingDependencyError, UsageError

__all__ = ['CocoShowCLI', 'contact_sheet', 'draw_one']


class CocoShowCLI(VerbCLI):
    """
    Draw an image with its annotations (or a contact sheet of several).

    Without --gid / --aid the first image is drawn; --gids 1,2,3 or
    --num_images N draws a grid of thumbnails, each titled with its id and
    name.  The picture goes to --dst (PNG or JPEG by the suffix); without
    --dst it is shown in a window, which needs matplotlib.

    Example:
        >>> config = CocoShowCLI.cli(argv=['in.json', '--gid', '2', '--dst', 'out.png'])
        >>> config.gid, config.show_annots
        (2, True)
    """

    __command__ = 'show'
    __examples__ = [
        'xcoco show --src=special:shapes8 --gid=1 --dst out.png',
        'xcoco show special:shapes8 --aid=2 --show_labels --dst annot2.png',
        'xcoco show special:vidshapes2 --num_images 4 --dst sheet.png',
    ]

    backend = Value('memory', choices=['memory', 'sqlite', 'postgresql'],
                    help='read through this backend (sqlite / postgresql: the cached SQL view)')
    src = Value(None, position=1, help='path to the dataset')
    gid = Value(None, kind='auto', help='image id to draw (default: the first image)')
    aid = Value(None, kind='auto', help='annotation id: draw its image with only that annotation')
    dst = Value(None, help='write the picture to this file (.png / .jpg)')
    mode = Value('matplotlib', choices=['matplotlib', 'opencv'],
                 help='accepted for kwcoco: files are always drawn with opencv')
    channels = Value(None, help='channels to draw (default: the image\'s display channels)')
    show_annots = Value(True, kind='bool', help='draw the annotations')
    show_labels = Value(False, kind='bool', help='write category names on the annotations')
    gids = Value(None, kind='list', item='auto', help='several image ids: a contact sheet (xcoco)')
    num_images = Value(None, kind='int', help='contact sheet of the first N images (xcoco)')
    thumb_dim = Value(320, kind='int', help='largest side of each contact-sheet cell in pixels (xcoco)')

    def run(self) -> int:
        """
        Draw, then write or show; return 0.

        Example:
            >>> try:
            ...     CocoShowCLI(src='special:shapes2', gid=1, aid=1).run()
            ... except Exception as ex:
            ...     print(ex)
            --gid / --gids / --num_images and --aid do not go together
        """
        chosen = [self.gid is not None, self.gids is not None, self.num_images is not None]
        if sum(chosen) > 1:
            raise UsageError('choose one of --gid, --gids and --num_images')
        if any(chosen) and self.aid is not None:
            raise UsageError('--gid / --gids / --num_images and --aid do not go together')
        dset = load_dataset(self.src, self)
        if not dset.n_images:
            raise UsageError(f'{dset.fpath or self.src} has no images to show')
        if self.gids is not None or self.num_images is not None:
            gids = list(self.gids) if self.gids is not None else list(dset.imgs)[:self.num_images]
            canvas = contact_sheet(dset, gids, self)
        else:
            canvas = draw_one(dset, self)
        if self.dst is None:
            _show_window(canvas)
            return 0
        _write_image(os.fspath(self.dst), canvas)
        note(self, f'wrote {self.dst}')
        return 0


def draw_one(dset: Any, config: Any) -> Any:
    """
    The picture of one image (``gid``, the image of ``aid``, or the first).

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('shapes2')
        >>> draw_one(dset, CocoShowCLI(aid=3, show_labels=True)).shape
        (600, 600, 3)
    """
    import numpy as np
    labels = bool(config['show_labels'])
    if config['aid'] is not None:
        aid = dset._resolve_id('annotations', config['aid'])
        gid = dset.index.anns[aid]['image_id']
        canvas = dset.coco_image(gid).draw(channels=config['channels'], draw_annots=False)
        if config['show_annots']:
            dets = dset.annots([aid]).detections
            canvas = dets.draw_on(np.ascontiguousarray(canvas), labels=labels)
        return _rgb(canvas)
    gid = config['gid'] if config['gid'] is not None else next(iter(dset.index.imgs))
    gid = dset._resolve_id('images', gid)
    return _rgb(dset.coco_image(gid).draw(channels=config['channels'],
                                          draw_annots=config['show_annots'], labels=labels))


def _rgb(canvas):
    """uint8 RGB (kwimage's label drawing can hand back RGBA)."""
    import kwimage
    import numpy as np
    canvas = kwimage.ensure_uint255(np.asarray(canvas))
    if canvas.ndim == 2:
        canvas = np.stack([canvas] * 3, axis=2)
    return np.ascontiguousarray(canvas[..., :3])


def contact_sheet(dset: Any, gids: list, config: Any) -> Any:
    """
    A grid of thumbnails of the images ``gids``, each titled with its id
    and name.

    Example:
        >>> import xcoco
        >>> dset = xcoco.CocoDataset.demo('shapes4')
        >>> sheet = contact_sheet(dset, [1, 2, 3], CocoShowCLI(thumb_dim=100))
        >>> sheet.shape[2], sheet.shape[0] <= 220, sheet.shape[1] <= 320
        (3, True, True)
    """
    import kwimage
    import numpy as np
    if not gids:
        raise UsageError('no images to put on the contact sheet')
    labels = bool(config['show_labels'])
    cells = []
    for gid in progress(gids, config, 'drawing'):
        gid = dset._resolve_id('images', gid)
        canvas = _rgb(dset.coco_image(gid).draw(channels=config['channels'],
                                                draw_annots=config['show_annots'], labels=labels))
        canvas = kwimage.imresize(canvas, max_dim=int(config['thumb_dim'])).astype(np.uint8)
        title = f"gid={gid} {dset.index.imgs[gid].get('name') or ''}".strip()
        canvas = kwimage.draw_text_on_image(np.ascontiguousarray(canvas), title, org=(4, 4),
                                            valign='top', color='white', border=2, fontScale=0.45)
        cells.append(_rgb(canvas))
    cols = int(np.ceil(np.sqrt(len(cells))))
    return kwimage.stack_images_grid(cells, chunksize=cols, pad=4, bg_value=(32, 32, 32))


def _write_image(fpath, canvas):
    import cv2
    import numpy as np

    from xcoco.manifest.io import atomic_write
    ext = os.path.splitext(fpath)[1].lower() or '.png'
    if ext not in {'.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff'}:
        raise UsageError(f'--dst {fpath!r}: write a .png, .jpg, .bmp or .tif file')
    parent = os.path.dirname(os.path.abspath(fpath))
    os.makedirs(parent, exist_ok=True)
    ok, buf = cv2.imencode(ext, np.ascontiguousarray(canvas[:, :, ::-1]))
    if not ok:
        raise OSError(f'could not encode the picture as {ext}')
    with atomic_write(fpath, 'wb') as file:
        file.write(buf.tobytes())


def _show_window(canvas):
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingDependencyError(
            'showing a window needs matplotlib (pip install matplotlib); '
            'or give --dst out.png to write the picture') from None
    plt.imshow(canvas)
    plt.axis('off')
    plt.show()


# kwcoco's module-level names for the verb
__cli__ = CocoShowCLI
_CLI = CocoShowCLI
main = CocoShowCLI.main

if __name__ == '__main__':
    import sys

    from xcoco.cli import command_line
    sys.exit(command_line(__cli__))
