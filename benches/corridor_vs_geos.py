#!/usr/bin/env python3
"""Corridor build against GEOS's buffer, the same roads in one run (issue 5).

Run by hand, not by CI (a few minutes; --timeout guards each of our builds):

    pip install shapely pyproj
    python3 benches/corridor_vs_geos.py [--roads a,b,c,d,e,f] [--cap round] [--timeout 120] [--runs 5]

The roads come from `examples/bench_roads.rs` (generators in `tests/common/roads.rs`), written
as GeoJSON into a temporary directory, so both sides read exactly the same vertices:

  a  the M4 section Ain al-Hawr - Trumba (data/m4.geojson)
  b  smooth 400 km, 100,000 vertices 4 m apart
  c  crumpled 120 km random walk, 100,000 vertices 1.2 m apart, turns up to +-0.15 rad a step
  d  smooth 1,000 km, 1,000,000 vertices 1 m apart
  e  wiggly track: 120 km random walk, 100,000 steps of 1.2 m, heading within 5 deg of east
  f  GPS track: 500 km of bends, 100,000 fixes 5 m apart with 3 m of noise (issue 16)

Both sides are timed in-process, best of --runs, the road already read:

- ours: `bench_roads time ROAD RUNS CAP`, `Corridor::build` 6 km either side, --cap caps
  (default round, as issue 16 measured), tolerance 0.5 m, exact on WGS84. Run as a child
  process with --timeout; "timeout" when it runs over.
- GEOS: `shapely.buffer(road, 6000, quad_segs=64 (and 8), cap_style=CAP)` on the road
  projected to UTM 37N (EPSG:32637) with pyproj. Projecting is not counted.

Whole jobs (--jobs, default e,f and b): the whole `corridor build --road ROAD --width 6km --cap
CAP --out DIR` (read, corridor, patrol, control lines, every output file) against the whole
shapely job in a child Python: read the GeoJSON, project with pyproj, buffer (quad_segs 64),
project back, write GeoJSON. Wall clock of each process, one run each.

GEOS's accuracy (--accuracy-samples, 0 to skip): boundary vertices and edge midpoints of its
polygon, back in longitude/latitude, measured geodesically (pyproj.Geod, WGS84) to the nearest
road point (found in UTM; the distance is stationary there, so the error is second order).
"off" is the largest |distance - 6 km| at vertices, "sag" the largest shortfall at edge
midpoints. Points within 6 km of either end of the road (the flat caps) are left out.

Peak memory (--memory, default d): `/usr/bin/time -v corridor build --road ROAD --width 6km`,
the whole command (read, corridor, patrol, control lines, map, writing), "Maximum resident set
size"; and the peak of the `bench_roads time` process (read and build only) in the table.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WIDTH_M = 6000.0
ROADS = {
    "a": "M4 Ain al-Hawr-Trumba",
    "b": "smooth 400 km",
    "c": "crumpled 120 km",
    "d": "smooth 1,000 km",
    "e": "wiggly track 120 km",
    "f": "GPS track 500 km",
}

# The whole shapely job, as a user would write it: read, project, buffer, project back, write.
SHAPELY_JOB = """
import json, sys
import numpy as np, pyproj, shapely
from shapely.geometry import mapping
road, out, cap = sys.argv[1], sys.argv[2], sys.argv[3]
with open(road) as f:
    feature = json.load(f)
lonlat = np.array(feature["geometry"]["coordinates"], dtype=float)[:, :2]
to_utm = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32637", always_xy=True)
to_lonlat = pyproj.Transformer.from_crs("EPSG:32637", "EPSG:4326", always_xy=True)
x, y = to_utm.transform(lonlat[:, 0], lonlat[:, 1])
poly = shapely.buffer(shapely.linestrings(np.column_stack([x, y])), 6000.0, quad_segs=64,
                      cap_style=cap)
poly = shapely.transform(poly, lambda xy: np.column_stack(to_lonlat.transform(xy[:, 0], xy[:, 1])))
with open(out, "w") as f:
    json.dump({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"width_m": 6000}, "geometry": mapping(poly)}]}, f)
"""


def target_dir():
    return os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))


def build_ours():
    cmd = ["cargo", "build", "--release", "--bin", "corridor", "--example", "bench_roads"]
    print("$", " ".join(cmd), flush=True)
    subprocess.check_call(cmd, cwd=ROOT)
    release = os.path.join(target_dir(), "release")
    return os.path.join(release, "corridor"), os.path.join(release, "examples", "bench_roads")


def read_road(path):
    import numpy as np

    with open(path) as f:
        feature = json.load(f)
    return np.array(feature["geometry"]["coordinates"], dtype=float)[:, :2]


def time_ours(bench_roads, path, runs, timeout, cap):
    """Best in-process build time (ms) and the process's peak RSS (MB), or None on timeout."""
    try:
        done = subprocess.run([bench_roads, "time", path, str(runs), cap], capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        sys.exit(f"bench_roads time {path} failed:\n{done.stderr}")
    return dict(kv.split("=", 1) for kv in done.stdout.split())


def time_geos(line, quad_segs, runs, cap, budget_s=10.0):
    """Best of `runs` buffers (fewer once `budget_s` has gone): (ms, polygon)."""
    import shapely

    best, spent, poly = float("inf"), 0.0, None
    for _ in range(runs):
        start = time.perf_counter()
        poly = shapely.buffer(line, WIDTH_M, quad_segs=quad_segs, cap_style=cap)
        took = time.perf_counter() - start
        best, spent = min(best, took), spent + took
        if spent > budget_s:
            break
    return best * 1e3, poly


class Nearest:
    """Nearest road point (UTM) by an STRtree over the road's segments."""

    def __init__(self, road_xy):
        import numpy as np
        import shapely

        self.a, self.b = road_xy[:-1], road_xy[1:]
        self.tree = shapely.STRtree(shapely.linestrings(np.stack([self.a, self.b], axis=1)))
        seg = np.hypot(*(self.b - self.a).T)
        self.chainage = np.concatenate([[0.0], np.cumsum(seg)])
        self.length = self.chainage[-1]

    def off_the_caps(self, xy):
        """Whether points lie farther than the width (plus 1 m) from both ends of the road: a
        flat cap's points are nearer the road than the width, and on a bending road their
        nearest road point need not be an end."""
        import numpy as np

        far = [np.hypot(*(xy - end).T) > WIDTH_M + 1.0 for end in (self.a[0], self.b[-1])]
        return far[0] & far[1]

    def __call__(self, xy):
        """Nearest road points of `xy` and their chainages (planar, m)."""
        import numpy as np
        import shapely

        pair = self.tree.query_nearest(shapely.points(xy), all_matches=False)
        order = np.argsort(pair[0])
        seg = pair[1][order]
        a, b = self.a[seg], self.b[seg]
        ab = b - a
        t = np.einsum("ij,ij->i", xy - a, ab) / np.maximum(np.einsum("ij,ij->i", ab, ab), 1e-30)
        t = np.clip(t, 0.0, 1.0)
        foot = a + t[:, None] * ab
        along = self.chainage[seg] + t * np.hypot(*ab.T)
        return foot, along


def geos_accuracy(poly, nearest, to_lonlat, samples, rng):
    """(largest |d - W| at boundary vertices, largest W - d at edge midpoints), metres."""
    import numpy as np
    import shapely
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    rings = shapely.get_rings(shapely.get_parts(poly))
    vertices, middles = [], []
    for ring in rings:
        c = shapely.get_coordinates(ring)
        vertices.append(c[:-1])
        middles.append((c[:-1] + c[1:]) / 2.0)
    out = []
    for pts in (np.concatenate(vertices), np.concatenate(middles)):
        if len(pts) > samples:
            pts = pts[rng.choice(len(pts), samples, replace=False)]
        foot, _ = nearest(pts)
        keep = nearest.off_the_caps(pts)
        pts, foot = pts[keep], foot[keep]
        plon, plat = to_lonlat.transform(pts[:, 0], pts[:, 1])
        flon, flat = to_lonlat.transform(foot[:, 0], foot[:, 1])
        _, _, d = geod.inv(flon, flat, plon, plat)
        out.append(np.asarray(d))
    at_vertices, at_middles = out
    return float(np.max(np.abs(at_vertices - WIDTH_M))), float(np.max(WIDTH_M - at_middles))


def whole_jobs(corridor_bin, path, tmp, key, cap, timeout):
    """Wall clock (s) of the whole `corridor build` and of the whole shapely job, one run each."""
    cmd = [corridor_bin, "build", "--road", path, "--width", f"{WIDTH_M:g}m", "--cap", cap,
           "--out", os.path.join(tmp, f"job_{key}"), "--timings"]
    out = []
    for job in (cmd, [sys.executable, "-c", SHAPELY_JOB, path,
                      os.path.join(tmp, f"shapely_{key}.geojson"), cap]):
        start = time.perf_counter()
        try:
            done = subprocess.run(job, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            out.append(None)
            continue
        if done.returncode != 0:
            sys.exit(f"{' '.join(job[:2])} failed:\n{done.stderr}")
        timings = re.search(r"read_ms=.*", done.stderr)
        out.append((time.perf_counter() - start, timings.group(0) if timings else ""))
    return out


def peak_memory(corridor_bin, path, out_dir, timeout, cap):
    """`corridor build` under /usr/bin/time -v: (peak RSS MB, --timings line) or None."""
    gnu_time = shutil.which("time", path="/usr/bin:/bin") or None
    if gnu_time is None:
        return "no /usr/bin/time (Debian: apt-get install time)", ""
    cmd = [gnu_time, "-v", corridor_bin, "build", "--road", path, "--width", f"{WIDTH_M:g}m",
           "--cap", cap, "--out", out_dir, "--timings"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", ""
    if done.returncode != 0:
        return f"failed: {done.stderr.strip().splitlines()[0]}", ""
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    timings = re.search(r"read_ms=.*", done.stderr)
    return (f"{int(rss.group(1)) / 1024:.0f} MB" if rss else "?",
            timings.group(0) if timings else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roads", default="a,b,c,d,e,f", help="which roads, as a,b,c,d,e,f")
    parser.add_argument("--cap", default="round", choices=["round", "flat"],
                        help="caps on both sides (issue 16 measured round)")
    parser.add_argument("--jobs", default="b,e,f",
                        help="roads to run the whole command and shapely job on ('' none)")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds for our timing of one road (and for each memory run)")
    parser.add_argument("--runs", type=int, default=5, help="best of this many runs each")
    parser.add_argument("--accuracy-samples", type=int, default=5000,
                        help="GEOS boundary points measured per road (0: skip)")
    parser.add_argument("--memory", default="d",
                        help="roads to run `corridor build` on under /usr/bin/time -v ('' none)")
    parser.add_argument("--no-build", action="store_true",
                        help="use the binaries already in $CARGO_TARGET_DIR/release")
    args = parser.parse_args()
    roads = [r.strip() for r in args.roads.split(",") if r.strip()]
    memory = [r.strip() for r in args.memory.split(",") if r.strip()]
    jobs = [r.strip() for r in args.jobs.split(",") if r.strip()]
    for r in roads + memory + jobs:
        if r not in ROADS:
            sys.exit(f"`{r}`: roads are {', '.join(ROADS)}")

    try:
        import numpy as np
        import pyproj
        import shapely
    except ImportError:
        sys.exit("needs shapely 2 and pyproj: pip install shapely pyproj")

    if args.no_build:
        release = os.path.join(target_dir(), "release")
        corridor_bin = os.path.join(release, "corridor")
        bench_roads = os.path.join(release, "examples", "bench_roads")
    else:
        corridor_bin, bench_roads = build_ours()
    to_utm = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32637", always_xy=True)
    to_lonlat = pyproj.Transformer.from_crs("EPSG:32637", "EPSG:4326", always_xy=True)
    rng = np.random.default_rng(20200305)

    with tempfile.TemporaryDirectory(prefix="corridor-vs-geos-") as tmp:
        subprocess.check_call([bench_roads, "write", tmp,
                               ",".join(sorted(set(roads + memory + jobs)))])
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"\n{WIDTH_M / 1000:g} km either side, {args.cap} caps; ours exact on WGS84 (tolerance "
              f"0.5 m), GEOS {shapely.geos_version_string} (shapely {shapely.__version__}) in "
              f"UTM 37N; best of {args.runs}; {os.cpu_count()} cores, load {load:.2f}\n")
        head = (f"{'road':<24} {'vertices':>9} {'ours ms':>9} {'GEOS q64':>9} {'GEOS q8':>9} "
                f"{'ours/q64':>9}  {'GEOS q64 off/sag m':>18}  {'GEOS q8 off/sag m':>17}  "
                f"{'ours MB':>7}")
        print(head)
        print("-" * len(head))
        for key in roads:
            path = os.path.join(tmp, f"{key}.geojson")
            lonlat = read_road(path)
            ours = time_ours(bench_roads, path, args.runs, args.timeout, args.cap)
            x, y = to_utm.transform(lonlat[:, 0], lonlat[:, 1])
            xy = np.column_stack([x, y])
            line = shapely.linestrings(xy)
            q64_ms, q64 = time_geos(line, 64, args.runs, args.cap)
            q8_ms, q8 = time_geos(line, 8, args.runs, args.cap)
            if ours is None:
                ours_ms, ratio, rss = "timeout", "-", "-"
            else:
                ours_ms = f"{float(ours['build_ms']):.1f}"
                ratio = f"{float(ours['build_ms']) / q64_ms:.2f}x"
                rss = ours["peak_rss_mb"]
            acc = ["-", "-"]
            if args.accuracy_samples > 0:
                nearest = Nearest(xy)
                for k, poly in enumerate((q64, q8)):
                    off, sag = geos_accuracy(poly, nearest, to_lonlat, args.accuracy_samples, rng)
                    acc[k] = f"{off:.1f} / {sag:.1f}"
            pieces = shapely.get_num_geometries(q64)
            note = "" if pieces == 1 and shapely.is_valid(q64) else \
                f"  (GEOS q64: {pieces} polygons, valid {shapely.is_valid(q64)})"
            print(f"{key} {ROADS[key]:<22} {len(lonlat):>9,} {ours_ms:>9} {q64_ms:>9.1f} "
                  f"{q8_ms:>9.1f} {ratio:>9}  {acc[0]:>18}  {acc[1]:>17}  {rss:>7}{note}",
                  flush=True)
        print("\nours/q64 below 1: ours is faster. off: GEOS's largest |distance - 6 km| at its "
              "boundary vertices; sag: its largest shortfall at edge midpoints (geodesic, m).")
        for key in jobs:
            path = os.path.join(tmp, f"{key}.geojson")
            ours, theirs = whole_jobs(corridor_bin, path, tmp, key, args.cap, args.timeout)
            fmt = lambda r: "timeout" if r is None else f"{r[0]:.2f} s"
            ratio = "-" if ours is None or theirs is None else f"{ours[0] / theirs[0]:.2f}x"
            print(f"whole job, {key} ({ROADS[key]}): corridor build {fmt(ours)}, shapely job "
                  f"{fmt(theirs)} ({ratio})  {ours[1] if ours else ''}", flush=True)
        for key in memory:
            path = os.path.join(tmp, f"{key}.geojson")
            rss, timings = peak_memory(corridor_bin, path, os.path.join(tmp, f"out_{key}"),
                                       args.timeout, args.cap)
            print(f"peak memory, corridor build of {key} ({ROADS[key]}): {rss}  {timings}")


if __name__ == "__main__":
    main()
