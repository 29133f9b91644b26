#!/usr/bin/env python3
"""Placing 1,000,000 points against the M4 corridor: `corridor classify` against shapely.

Run by hand, not by CI (it installs shapely, pandas and pyproj if missing and takes a minute):

    cargo build --release --bin corridor
    python3 benches/classify_vs_shapely.py [--points 1000000] [--bin target/release/corridor]

Both jobs are timed whole process to whole process, reading the same CSV and writing a CSV:

- corridor: `corridor classify --road data/m4.geojson --width 6km points.csv -o out.csv`,
  exact geodesic distances on WGS84.
- shapely: pandas read_csv -> project to UTM 37N (pyproj) -> contains_xy on the buffered road
  (6 km, flat caps), distance and line_locate_point to the projected road -> to_csv. Planar in
  UTM, so its distances are off by the projection's scale error (tens of cm per km here).

The points are drawn with a fixed seed in the road's bounding box widened by 20 km, so that about
half of them fall inside the corridor. The generated CSV lives in a temporary directory.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ROAD = os.path.join(ROOT, "data", "m4.geojson")
WIDTH_M = 6000.0
SEED = 20200305

# The shapely job, run as its own process so that its interpreter start-up and imports count,
# as ours do.
SHAPELY_JOB = r"""
import json, sys
import numpy as np, pandas as pd, shapely
from pyproj import Transformer
road_path, points_path, out_path, width_m = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
with open(road_path) as f:
    fc = json.load(f)
coords = [c[:2] for feat in fc["features"] for c in feat["geometry"]["coordinates"]]
to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32637", always_xy=True)
rx, ry = to_utm.transform([c[0] for c in coords], [c[1] for c in coords])
road = shapely.LineString(np.column_stack([rx, ry]))
zone = shapely.buffer(road, width_m, cap_style="flat")
shapely.prepare(zone)
df = pd.read_csv(points_path)
x, y = to_utm.transform(df["lon"].to_numpy(), df["lat"].to_numpy())
pts = shapely.points(x, y)
df["inside"] = shapely.contains_xy(zone, x, y)
df["distance_m"] = shapely.distance(road, pts)
df["chainage_km"] = shapely.line_locate_point(road, pts) / 1000.0
df.to_csv(out_path, index=False)
"""


def ensure_packages():
    try:
        import numpy  # noqa: F401
        import pandas  # noqa: F401
        import pyproj  # noqa: F401
        import shapely  # noqa: F401
    except ImportError:
        subprocess.check_call(
            [sys.executable, "-m", "pip", "install", "-q", "shapely", "pandas", "pyproj"]
        )


def make_points(path, n):
    import numpy as np

    with open(ROAD) as f:
        fc = json.load(f)
    coords = [c for feat in fc["features"] for c in feat["geometry"]["coordinates"]]
    lons = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    pad = 0.2  # degrees, about 20 km
    rng = np.random.default_rng(SEED)
    lon = rng.uniform(min(lons) - pad, max(lons) + pad, n)
    lat = rng.uniform(min(lats) - pad, max(lats) + pad, n)
    with open(path, "w") as f:
        f.write("id,lon,lat\n")
        # Plain text in fixed format, so both tools read exactly the same numbers.
        np.savetxt(f, np.column_stack([np.arange(n), lon, lat]), fmt=["%d", "%.7f", "%.7f"],
                   delimiter=",")


def timed(cmd):
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr}")
    return elapsed, done.stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument(
        "--bin",
        default=os.path.join(
            os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "corridor"
        ),
    )
    parser.add_argument("--runs", type=int, default=1, help="best of this many runs each")
    args = parser.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin}: not found; run `cargo build --release --bin corridor` first")
    ensure_packages()

    with tempfile.TemporaryDirectory(prefix="corridor-bench-") as tmp:
        points = os.path.join(tmp, "points.csv")
        make_points(points, args.points)
        size_mb = os.path.getsize(points) / 1e6
        print(f"{args.points} points, {size_mb:.1f} MB CSV, road {os.path.relpath(ROAD, ROOT)}, "
              f"{WIDTH_M / 1000:g} km each side, {os.cpu_count()} cores")

        ours_cmd = [args.bin, "classify", "--road", ROAD, "--width", f"{WIDTH_M:g}m", points,
                    "-o", os.path.join(tmp, "ours.csv")]
        job = os.path.join(tmp, "shapely_job.py")
        with open(job, "w") as f:
            f.write(SHAPELY_JOB)
        theirs_cmd = [sys.executable, job, ROAD, points, os.path.join(tmp, "shapely.csv"),
                      str(WIDTH_M)]

        ours = min(timed(ours_cmd)[0] for _ in range(args.runs))
        theirs = min(timed(theirs_cmd)[0] for _ in range(args.runs))

        # The two must agree on what is inside, bar points within the UTM scale error of a limit.
        import pandas as pd

        a = pd.read_csv(os.path.join(tmp, "ours.csv"))
        b = pd.read_csv(os.path.join(tmp, "shapely.csv"))
        differ = int((a["inside"] != b["inside"]).sum())
        near = int(((a["distance_m"] - WIDTH_M).abs() < 50).sum())
        dd = (a["distance_m"] - b["distance_m"]).abs()

        print(f"corridor classify (exact geodesic): {ours:6.2f} s")
        print(f"shapely in UTM 37N (planar):        {theirs:6.2f} s")
        print(f"ratio shapely / corridor:           {theirs / ours:6.2f}x")
        print(f"inside differs for {differ} points ({near} lie within 50 m of a limit or cap); "
              f"distance differs by up to {dd.max():.1f} m (median {dd.median():.2f} m)")


if __name__ == "__main__":
    main()
