"""
Time ``xcoco.objects.geometry.track_video_boxes`` for one track of a large
video dataset.

The dataset is synthetic and deterministic: ``--videos`` videos of
``--frames`` frames, each frame holding one annotation of each of
``--tracks-per-video`` tracks (defaults: 100 x 100 x 10 = 100,000
annotations, 1,000 tracks of 100 frames).  Printed: the median seconds per
call over ``--runs`` calls on different tracks, for a ``CocoDataset`` and
for the raw manifest dict.

Usage:
    python benchmarks/bench_tracks.py
    python benchmarks/bench_tracks.py --videos 10 --runs 20

Example:
    >>> data = synth_tracks(videos=2, frames=3, tracks_per_video=2)
    >>> len(data['annotations']), len(data['tracks'])
    (12, 4)
"""
import argparse
import statistics
import time


def synth_tracks(videos=100, frames=100, tracks_per_video=10):
    """
    A manifest of videos whose every frame holds one box per track.

    Example:
        >>> data = synth_tracks(1, 2, 1)
        >>> [a['track_id'] for a in data['annotations']]
        [1, 1]
    """
    data = {'videos': [], 'images': [], 'tracks': [], 'annotations': [],
            'categories': [{'id': 1, 'name': 'thing'}]}
    gid = aid = tid = 0
    for vid in range(1, videos + 1):
        data['videos'].append({'id': vid, 'name': f'video_{vid}'})
        tids = list(range(tid + 1, tid + 1 + tracks_per_video))
        tid += tracks_per_video
        data['tracks'].extend({'id': t, 'name': f'track_{t}'} for t in tids)
        for frame in range(frames):
            gid += 1
            data['images'].append({'id': gid, 'file_name': f'v{vid}/{frame}.png',
                                   'video_id': vid, 'frame_index': frame,
                                   'width': 64, 'height': 64,
                                   'warp_img_to_vid': {'scale': 2}})
            for t in tids:
                aid += 1
                data['annotations'].append({'id': aid, 'image_id': gid, 'category_id': 1,
                                            'track_id': t, 'bbox': [t % 50, frame % 50, 4, 4]})
    return data


def _median_call(func, track_ids):
    times = []
    for tid in track_ids:
        start = time.perf_counter()
        func(tid)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.strip().split('\n')[0])
    parser.add_argument('--videos', type=int, default=100)
    parser.add_argument('--frames', type=int, default=100)
    parser.add_argument('--tracks-per-video', type=int, default=10)
    parser.add_argument('--runs', type=int, default=9)
    args = parser.parse_args(argv)
    import xcoco
    from xcoco.objects.geometry import track_video_boxes
    data = synth_tracks(args.videos, args.frames, args.tracks_per_video)
    dset = xcoco.CocoDataset(data)
    n_tracks = len(data['tracks'])
    track_ids = [1 + (i * 7919) % n_tracks for i in range(args.runs)]
    track_video_boxes(dset, track_ids[0])  # imports and first-call costs
    print(f'{len(data["annotations"])} annotations, {n_tracks} tracks of '
          f'{args.frames} frames; median of {args.runs} calls')
    for label, target in [('CocoDataset', dset), ('raw dict', data)]:
        seconds = _median_call(lambda tid, target=target: track_video_boxes(target, tid), track_ids)
        print(f'{label:>12}: {seconds * 1e3:8.2f} ms per track')


if __name__ == '__main__':
    main()
