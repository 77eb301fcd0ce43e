"""
A few bytes of RLE can claim a mask of any size, and the decoders (kwimage,
pycocotools) allocate it whole: without a bound a 300-byte manifest took
40 GB or crashed the process (pycocotools segfaults when the allocation
fails).  Each operation runs in a child process under a 4 GiB address-space
limit, so a regression fails the test instead of the suite.
"""
import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent('''
    import resource, sys, warnings
    warnings.simplefilter('ignore')
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    import xcoco
    from xcoco import compat_masks
    from xcoco.errors import GeometryError
    from xcoco.objects import geometry
    dset = xcoco.CocoDataset()
    cid = dset.add_category('a')
    gid = dset.add_image('a.png', width=10, height=10)
    huge = [{'size': [200000, 200000], 'counts': 'PPYo4'},
            {'size': [200000, 200000], 'counts': [40000000000]}]
    for segm in huge:
        dset.add_annotation(gid, cid, bbox=[0, 0, 1, 1], segmentation=segm)
    operations = {
        'detections': lambda: dset.annots().detections,
        'conform': lambda: dset.copy().conform(),
        'aspycoco': lambda: dset._aspycoco(),
        'segmentation': lambda: [geometry.coerce_segmentation(s) for s in huge],
        'rle_to_mask': lambda: [compat_masks.rle_to_mask(s) for s in huge[:1]],
        'decode_rle': lambda: [compat_masks.decode_rle(s) for s in huge[1:]],
    }
    try:
        operations[sys.argv[1]]()
    except GeometryError as ex:
        print('GeometryError', ex)
''')


@pytest.mark.parametrize('operation', ['detections', 'conform', 'aspycoco', 'segmentation',
                                       'rle_to_mask', 'decode_rle'])
def test_an_rle_claiming_a_huge_mask_is_refused(operation):
    proc = subprocess.run([sys.executable, '-c', CHILD, operation], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, f'child died ({proc.returncode}): {proc.stderr[-800:]}'
    assert proc.stdout.startswith('GeometryError'), proc.stdout + proc.stderr[-800:]
    assert 'MAX_MASK_PIXELS' in proc.stdout
