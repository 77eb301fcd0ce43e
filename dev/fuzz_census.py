"""
Census of what N seeded mutants of a demo manifest do: load, then validate,
reads, subset, union and a dump/reload; count each outcome per stage.

"OTHER@stage" counts are the failures the fuzz tests forbid (an exception
that is not an XcocoError).  Run it against any commit to compare::

    PYTHONPATH=<checkout>/src python dev/fuzz_census.py vidshapes2-multispectral 2000
"""
import collections
import json
import pathlib
import sys
import traceback
import warnings

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / 'tests'))
import fuzzing

import xcoco
from xcoco.errors import XcocoError


def census(key, num, seed=1):
    base = json.loads(json.dumps(xcoco.CocoDataset.demo(key).dataset))
    outcomes, where = collections.Counter(), collections.Counter()
    for _, mutant in fuzzing.mutants(base, num, seed=seed):
        stage = 'load'
        try:
            with fuzzing.time_limit(20), warnings.catch_warnings():
                warnings.simplefilter('ignore')
                dset = xcoco.CocoDataset(mutant)
                stage = 'validate'
                dset.validate(verbose=0, missing=False)
                stage = 'reads'
                reads = [dset.images().lookup('width', None), dset.annots().boxes,
                         dset.annots().cnames]
                reads += [dset.coco_image(gid).channels for gid in list(dset.imgs)[:2]]
                stage = 'subset'
                dset.subset(list(dset.imgs)[:1])
                stage = 'union'
                xcoco.CocoDataset.union(dset, dset.copy())
                stage = 'dump'
                xcoco.CocoDataset(json.loads(dset.dumps()))
            outcomes['ok'] += 1
        except XcocoError:
            outcomes[f'xcoco-error@{stage}'] += 1
        except BaseException as ex:
            outcomes[f'OTHER@{stage}'] += 1
            frame = traceback.extract_tb(ex.__traceback__)[-1]
            where[(stage, type(ex).__name__, pathlib.Path(frame.filename).name, frame.lineno)] += 1
    return outcomes, where


if __name__ == '__main__':
    key = sys.argv[1] if len(sys.argv) > 1 else 'vidshapes2-multispectral'
    num = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    outcomes, where = census(key, num)
    print(key, num, dict(sorted(outcomes.items())))
    for place, count in where.most_common(15):
        print('   ', count, place)
