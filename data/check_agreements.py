#!/usr/bin/env python3
"""Check the agreement files in data/agreements/ against DESIGN.md's "Agreement files" format
and against their data, independently of the Rust reader.

Usage:
    python3 data/check_agreements.py [AGREEMENT.toml ...]     (default: data/agreements/*.toml)

For each file: only the keys DESIGN.md lists; every `file` exists and holds the right geometry;
every from/to (place name, LON,LAT or km:N) resolves on its line, a place or position within
2 km of it (the library's default, patrol::DEFAULT_MAX_PLACE_DISTANCE_M); every section and
exception has positive length. It prints each zone's and patrol's chainages (geodesic, WGS84,
pyproj) so the figures can be compared with what `corridor build` reports. Exit status 1 on any
problem. Needs Python 3.11+ (tomllib), pyproj and numpy.
"""

import json
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_ne_syria_data import Line  # noqa: E402 - geodesic polyline with locate()

MAX_PLACE_DISTANCE_M = 2_000.0
TOP = {"name", "date", "source", "lines", "places", "zones", "patrols"}
LINE_KEYS = {"file", "kind"}
KINDS = {"road", "border", "contact", "other"}
ZONE_KEYS = {"line", "from", "to", "north", "south", "left", "right", "cap", "tolerance",
             "except", "stretch"}
EXCEPT_KEYS = {"from", "to", "note"}
STRETCH_KEYS = {"from", "to", "north", "south", "left", "right"}
PATROL_KEYS = {"line", "from", "to", "start", "speed", "return", "checkpoint_every"}


class Problems(list):
    def add(self, where, what):
        self.append(f"{where}: {what}")


def read_line(path):
    fc = json.loads(path.read_text(encoding="utf-8"))
    feats = fc["features"] if fc.get("type") == "FeatureCollection" else [fc]
    lines = [f["geometry"]["coordinates"] for f in feats
             if f["geometry"]["type"] == "LineString"]
    if len(lines) != 1:
        raise ValueError(f"{path}: expected one LineString, found {len(lines)}")
    return Line(lines[0])


def read_places(path):
    fc = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for f in fc["features"]:
        p = f["properties"]
        for n in [p["name"], *(p.get("aliases") or [])]:
            out.setdefault(n, tuple(f["geometry"]["coordinates"]))
    return out


def resolve(text, line, places, where, problems):
    """The chainage (m) of an endpoint, or None."""
    if text.startswith("km:"):
        km = float(text[3:])
        if not 0 <= km * 1000 <= line.length:
            problems.add(where, f"{text} is beyond the line (0 to {line.length / 1000:.3f} km)")
            return None
        return km * 1000
    parts = text.split(",")
    if len(parts) == 2:
        try:
            pos = (float(parts[0]), float(parts[1]))
        except ValueError:
            pos = None
        if pos is not None:
            ch, d, _, _, _ = line.locate(pos)
            if d > MAX_PLACE_DISTANCE_M:
                problems.add(where, f"{text} is {d:.0f} m from the line")
            return ch
    if text not in places:
        problems.add(where, f"`{text}` is not a name in the places file")
        return None
    ch, d, _, _, _ = line.locate(places[text])
    if d > MAX_PLACE_DISTANCE_M:
        problems.add(where, f"{text} is {d:.0f} m from the line")
    return ch


def check(path):
    problems = Problems()
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    base = path.parent
    for k in set(doc) - TOP:
        problems.add(path.name, f"key `{k}` is not in DESIGN.md")
    lines = {}
    for lid, spec in doc.get("lines", {}).items():
        for k in set(spec) - LINE_KEYS:
            problems.add(f"lines.{lid}", f"key `{k}` is not in DESIGN.md")
        if spec.get("kind") not in KINDS:
            problems.add(f"lines.{lid}", f"kind `{spec.get('kind')}`")
        lines[lid] = read_line(base / spec["file"])
        print(f"  line {lid}: {spec['file']}, {lines[lid].length / 1000:.2f} km")
    places = {}
    if "places" in doc:
        places = read_places(base / doc["places"]["file"])
    if not lines or not doc.get("zones"):
        problems.add(path.name, "needs at least one line and one zone")
    only = next(iter(lines)) if len(lines) == 1 else None

    def section(spec, line, where):
        a = resolve(spec["from"], line, places, where, problems) if "from" in spec else 0.0
        b = (resolve(spec["to"], line, places, where, problems) if "to" in spec
             else line.length)
        return a, b

    for zid, z in doc.get("zones", {}).items():
        where = f"zones.{zid}"
        for k in set(z) - ZONE_KEYS:
            problems.add(where, f"key `{k}` is not in DESIGN.md")
        line = lines.get(z.get("line", only))
        if line is None:
            problems.add(where, "no such line")
            continue
        a, b = section(z, line, where)
        if a is None or b is None:
            continue
        lo, hi = min(a, b), max(a, b)
        widths = {s: z[s] for s in ("north", "south", "left", "right") if s in z}
        print(f"  zone {zid}: km {a / 1000:.2f} to km {b / 1000:.2f} "
              f"({(hi - lo) / 1000:.2f} km), {widths}, cap {z.get('cap', 'default')}")
        for i, e in enumerate(z.get("except", [])):
            for k in set(e) - EXCEPT_KEYS:
                problems.add(f"{where}.except[{i}]", f"key `{k}` is not in DESIGN.md")
            ea, eb = section(e, line, f"{where}.except[{i}]")
            if ea is None or eb is None:
                continue
            elo, ehi = min(ea, eb), max(ea, eb)
            if not (lo <= elo < ehi <= hi):
                problems.add(f"{where}.except[{i}]", f"km {elo / 1000:.2f}-{ehi / 1000:.2f} is "
                             "not inside the zone's section")
            print(f"    except km {elo / 1000:.2f} to km {ehi / 1000:.2f} "
                  f"({(ehi - elo) / 1000:.2f} km): {e.get('note', '')}")
        for i, s in enumerate(z.get("stretch", [])):
            for k in set(s) - STRETCH_KEYS:
                problems.add(f"{where}.stretch[{i}]", f"key `{k}` is not in DESIGN.md")
    for pid, p in doc.get("patrols", {}).items():
        where = f"patrols.{pid}"
        for k in set(p) - PATROL_KEYS:
            problems.add(where, f"key `{k}` is not in DESIGN.md")
        line = lines.get(p.get("line", only))
        if line is None:
            problems.add(where, "no such line")
            continue
        a, b = section(p, line, where)
        if a is not None and b is not None:
            one_way = abs(b - a) / 1000
            print(f"  patrol {pid}: km {a / 1000:.2f} to km {b / 1000:.2f}, {one_way:.2f} km"
                  f"{f', {2 * one_way:.2f} km with the return' if p.get('return') else ''}, "
                  f"from {p.get('start')} at {p.get('speed')}")
    return problems


def main():
    here = Path(__file__).resolve().parent
    files = [Path(a) for a in sys.argv[1:]] or sorted((here / "agreements").glob("*.toml"))
    bad = 0
    for f in files:
        print(f)
        problems = check(f)
        for p in problems:
            print(f"  PROBLEM {p}")
        bad += len(problems)
    print(f"{len(files)} files, {bad} problems")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
