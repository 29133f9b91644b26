#!/usr/bin/env python3
"""Rebuild the M4 example's data from the public gazetteers.

Writes data/places.geojson, data/m4.geojson, data/governorates.geojson and
data/populated_places.geojson, and prints the checks that data/README.md quotes.

Usage:
    python3 data/make_m4_data.py OCHA_DIR

OCHA_DIR holds `syr_admin1.geojson` and `syr_admin4_point.geojson`, the OCHA Syria common
operational datasets (admin-1 boundaries and populated places with P-codes, CC BY-IGO) as copied
in the public GitHub repository alahwa/Syria-GeoJson-Maps @ 81d1da2de8f8e798ae2152726ebf38184042897b
(for example `git --git-dir=REPO show HEAD:syr_admin1.geojson > OCHA_DIR/syr_admin1.geojson`).
The GeoNames values (CC BY 4.0) are written below with their ids: they were read from the GeoNames
Syria dump as converted to JSON in TarekAlsabbagh/prayer-times
db/places/candidates/sy-geonames-raw.json @ f30c40715215d83634ab17dd93023b4a7e6e7325.

Needs Python 3 with `geographiclib` and `shapely` (>= 2.1): `pip install geographiclib shapely`.
Every distance is geodesic on WGS84 (GeographicLib); shapely is used only for polygon topology
and simplification in a local metric projection.
"""

import json
import math
import sys
from pathlib import Path

from geographiclib.geodesic import Geodesic
import numpy as np
from shapely import coverage_simplify, is_valid
from shapely import transform as transform_coords
from shapely.geometry import LineString, Point, mapping, shape
from shapely.ops import orient

GEOD = Geodesic.WGS84
DATA = Path(__file__).resolve().parent
DATE = "2026-12-01"
OCHA_REPO = "alahwa/Syria-GeoJson-Maps @ 81d1da2de8f8e798ae2152726ebf38184042897b (2015-06-08)"
GEONAMES_COPY = (
    "TarekAlsabbagh/prayer-times db/places/candidates/sy-geonames-raw.json "
    "@ f30c40715215d83634ab17dd93023b4a7e6e7325"
)
OCHA_LICENCE = "CC BY-IGO 3.0"
OCHA_ATTRIBUTION = (
    "Source: UN OCHA, Syrian Arab Republic common operational datasets (administrative "
    "boundaries and populated places), CC BY-IGO 3.0. The boundaries and names shown and the "
    "designations used do not imply official endorsement or acceptance by the United Nations."
)
GEONAMES_ATTRIBUTION = "GeoNames (https://www.geonames.org), CC BY 4.0"

# GeoNames records, (geonameid, name in GeoNames, latitude, longitude, admin1 code).
# Admin1 codes: 02 Latakia, 12 Idlib.
GEONAMES = {
    "Latakia": (173576, "Al Lādhiqīyah", 35.53168, 35.79011, "02"),
    "Ain al-Hawr": (172221, "‘Ayn al Ḩawr", 35.77754, 36.16424, "02"),
    "Jisr al-Shughur": (169023, "Jisr ash Shughūr", 35.81418, 36.31983, "12"),
    "Muhambal": (166757, "Muḩambal", 35.78735, 36.47210, "12"),
    "Urum al-Jawz": (162779, "Ūrum al Jawz", 35.79192, 36.56668, "12"),
    "Ariha": (172994, "Arīḩā", 35.81374, 36.60964, "12"),
    "Nayrab": (166357, "An Nayrab", 35.86955, 36.71867, "12"),
    "Trumba": (163092, "Ţurumbah", 35.85979, 36.76833, "12"),
    "Saraqib": (164816, "Sarāqib", 35.86447, 36.80591, "12"),
}
# The other GeoNames records of the same names, kept to say which one was chosen.
GEONAMES_OTHER_AIN_AL_HAWR = (172220, 35.83889, 36.18403, "12")
GEONAMES_AIN_AL_BAYDA = (172242, 35.77137, 36.15391, "02")

# The places of data/places.geojson: OCHA P-code (None where OCHA has no matching village),
# aliases, and what the road does there.
PLACES = [
    ("Latakia", "C3480", ["Lattakia", "Al-Ladhiqiyah", "Laodicea"],
     "City centre. The M4 starts at the M1 interchange about 4 km south-east of it."),
    ("Ain al-Hawr", "C3728",
     ["Ain Hour", "Ain al-Hour", "Ayn al-Hawr", "Ain Hoor", "Ain-al-Havr", "Ayn El Havr"], None),
    ("Jisr al-Shughur", "C4199", ["Jisr ash-Shughur", "Jisr ash Shughur", "Jisr al-Shughour",
                                  "Jisr-Ash-Shugur"],
     "Town centre; the M4 runs through the town and crosses the Orontes here."),
    ("Muhambal", "C4330", ["Mhambal", "Mhambel", "Muḩambal"],
     "Village on the M4 (SOHR via al-Wasat: Muhambal on the highway)."),
    ("Urum al-Jawz", "C4269", ["Ourm al-Joz", "Orm al-Jouz", "Urum al-Joz", "Orm Eljoz"],
     "Village on the M4 south-west of Ariha."),
    ("Ariha", "C4278", ["Arihah", "Riha"],
     "Town centre; the M4 passes along the north side of the town."),
    ("Nayrab", "C3867", ["al-Nayrab", "al-Nairab", "Neirab", "Nairab"],
     "Village of Idlib governorate (not the Aleppo airport suburb, GeoNames 166356); it lies "
     "north of the M4 (SANA)."),
    ("Trumba", "C3908", ["Tronba", "Turunbah", "Tarnabeh", "Turnaba", "Taranba", "Trumbah",
                         "Tromba", "Turumbah", "Ţurumbah", "ترنبة"],
     "Village 2 km west of Saraqib (eSyria), about 1 km south of the M4 (Xinhua)."),
    ("Saraqib", "C3916", ["Saraqeb", "Sarāqib", "Saraqab"],
     "Town centre; the M4 meets the M5 on its west side."),
]

AIN_AL_HAWR_NOTE = (
    "Two villages of this name lie near the M4 in GeoNames: 172221 in Latakia governorate, "
    "0.74 km from the Idlib line, and 172220 in Idlib governorate, 7 km NNE of it on the line "
    "itself. The protocol names 'Ain al-Hawr (Latakia governorate)', and the joint patrols "
    "ended where the road leaves Idlib (SOHR: 'the last stop on the highway in rebel-held "
    "areas'; the Russian column went on west to Ain al-Bayda, GeoNames 172242, 1.2 km SW of "
    "172221), so 172221 is used. OCHA has one Ain al-Hawr in Latakia governorate, C3728 (Ein "
    "Elhur, Kansaba sub-district), but its point lies {spread_km:.1f} km SSW of 172221, deep in "
    "the hills 8.7 km from the Idlib line, where no road to Jisr al-Shughur runs: either OCHA's "
    "point is misplaced or it is another village. It is recorded here, not used."
)

# Road control points, west to east: (lon, lat, basis). Positions from the gazetteers are filled
# in from the places above where a basis names one.
ROAD_START = (35.822, 35.505)
# coverage_simplify's tolerance (Visvalingam-Whyatt, in metres of the local frame), chosen so the
# largest departure from OCHA's line comes out at about 50 m.
SIMPLIFY_TOLERANCE = 65.0
ROAD_END = (36.797, 35.8665)


def dist_m(a, b):
    """Geodesic distance between two (lon, lat) points, metres."""
    return GEOD.Inverse(a[1], a[0], b[1], b[0])["s12"]


def offset(p, azimuth_deg, distance_m):
    """The point `distance_m` from (lon, lat) `p` along `azimuth_deg` (North = 0)."""
    g = GEOD.Direct(p[1], p[0], azimuth_deg, distance_m)
    return (g["lon2"], g["lat2"])


def rounded(p, decimals=6):
    return [round(p[0], decimals), round(p[1], decimals)]


def read_ocha(ocha_dir):
    """OCHA admin-1 polygons by P-code and populated places by P-code. This copy of the points
    file has a few Arabic names cut inside a UTF-8 sequence; the broken byte is dropped."""
    admin1 = json.loads((ocha_dir / "syr_admin1.geojson").read_text(encoding="utf-8"))
    raw = (ocha_dir / "syr_admin4_point.geojson").read_bytes().decode("utf-8", errors="replace")
    points = json.loads(raw)
    by_pcode = {}
    for f in points["features"]:
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"][0]
        p["NAME_ARA"] = (p["NAME_ARA"] or "").replace("\ufffd", "").strip()
        by_pcode[p["PCODE"]] = (p, (lon, lat))
    polygons = {f["properties"]["PCODE"]: f for f in admin1["features"]}
    return polygons, by_pcode


def build_places(ocha_points):
    features = []
    checks = {}
    for name, pcode, aliases, note in PLACES:
        gid, gname, glat, glon, gadm1 = GEONAMES[name]
        props, ocha_pos = ocha_points[pcode]
        gn_pos = (glon, glat)
        spread = dist_m(ocha_pos, gn_pos)
        if name == "Ain al-Hawr":
            pos, primary = gn_pos, "GeoNames"
            note = AIN_AL_HAWR_NOTE.format(spread_km=spread / 1000)
            accuracy = 1000
            source = (
                f"GeoNames {gid} '{gname}' 35.77754 N, 36.16424 E (admin1 02 Latakia), "
                f"{GEONAMES_ATTRIBUTION}, read from {GEONAMES_COPY}. Not used: OCHA COD "
                f"populated places {pcode} '{props['NAME_EN']}' ({props['ADMIN3_EN']} "
                f"sub-district) {ocha_pos[1]:.6f} N, {ocha_pos[0]:.6f} E, {spread / 1000:.2f} km "
                f"away; other GeoNames Ain al-Hawr 172220 (Idlib) 35.83889 N, 36.18403 E."
            )
        else:
            pos, primary = ocha_pos, "OCHA"
            # The gazetteers' spread, rounded up to 100 m and at least 250 m: a village's point is
            # one spot of a built-up area some hundreds of metres across.
            accuracy = max(250, int(math.ceil(spread / 100.0) * 100))
            source = (
                f"OCHA COD populated places {pcode} '{props['NAME_EN']}' "
                f"({props['ADMIN1_EN']}, {props['ADMIN2_EN']}, {props['ADMIN3_EN']}) "
                f"{ocha_pos[1]:.6f} N, {ocha_pos[0]:.6f} E, {OCHA_LICENCE}, copy in {OCHA_REPO} | "
                f"GeoNames {gid} '{gname}' {glat} N, {glon} E, {GEONAMES_ATTRIBUTION}, read from "
                f"{GEONAMES_COPY}"
            )
        checks[name] = (spread, pos)
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": rounded(pos)},
            "properties": {
                "name": name,
                "name_ar": props["NAME_ARA"],
                "kind": "place",
                "aliases": aliases,
                # Ain al-Hawr's OCHA candidate is another point (see the note): no P-code.
                "pcode": None if primary == "GeoNames" else pcode,
                "geonames_id": gid,
                "position_from": primary,
                "ocha_pcode": pcode,
                "ocha_lon_lat": rounded(ocha_pos),
                "geonames_lon_lat": [glon, glat],
                "gazetteer_spread_m": round(spread),
                "source": source,
                "accuracy_m": accuracy,
                "note": note,
                "title": name,
                "marker-color": "#444444",
            },
        })
    collection = {
        "type": "FeatureCollection",
        "provenance": {
            "description": "Settlements on the M4 motorway between Latakia and Saraqib named in, "
            "or needed to place, the 5 March 2020 Moscow protocol (joint patrols from Trumba to "
            "Ain al-Hawr).",
            "method": "Each place from two gazetteers: the OCHA common operational dataset of "
            "populated places (P-code) and GeoNames (id). The position is OCHA's, except Ain "
            "al-Hawr (GeoNames; see its note). 'gazetteer_spread_m' is the geodesic distance "
            "(WGS84, GeographicLib) between the two gazetteers' points; 'accuracy_m' is that "
            "spread rounded up to 100 m, at least 250 m. Made by data/make_m4_data.py.",
            "sources": [
                f"OCHA Syria COD populated places ({OCHA_LICENCE}), copy in {OCHA_REPO}",
                f"{GEONAMES_ATTRIBUTION}, read from {GEONAMES_COPY}",
                "news reports for what the road does at each place (SOHR, SANA, Xinhua, eSyria)",
            ],
            "attribution": [OCHA_ATTRIBUTION, GEONAMES_ATTRIBUTION],
            "date": DATE,
            "accuracy": "accuracy_m per feature: village and town centres as the gazetteers "
            "give them, not boundaries. Not for navigation or targeting.",
            "coordinate_system": "WGS84 longitude/latitude (RFC 7946), at most 6 decimals",
        },
        "features": features,
    }
    return collection, checks


def road_control_points(places, idlib):
    """The control points, west to east, each (lon, lat, basis)."""
    pos = {f["properties"]["name"]: tuple(f["geometry"]["coordinates"]) for f in places}
    ocha = lambda name: pos[name]  # noqa: E731 - positions of data/places.geojson
    bahluliyah = (35.958925, 35.636131)  # OCHA C3487, Bahlawaniyeh (sub-district centre)
    badama = (36.201331, 35.818477)  # OCHA C4226, Badama (sub-district centre)
    ain = ocha("Ain al-Hawr")
    # The governorate line where the chord Ain al-Hawr - Badama crosses it (OCHA admin-1).
    chord = LineString([ain, badama])
    crossing = chord.intersection(idlib.boundary)
    crossing = (crossing.x, crossing.y)
    points = [
        (*ROAD_START, "start: M4/M1 interchange at the south-east edge of Latakia (estimated from "
         "descriptions: fotoartbook tour 'Latakia - Jisr al-Shughur'; al-Araby al-Jadeed 26 Feb "
         "2020)"),
        (35.87, 35.53, "Nahr al-Kabir al-Shamali valley, ~km 6 - estimated"),
        (35.912, 35.56, "~km 12, al-Jarmaqiyah (no gazetteer point found) - estimated"),
        (*offset(bahluliyah, 180.0, 1_000.0),
         "~km 21: 1 km south of al-Bahluliyah, OCHA C3487 35.636131 N 35.958925 E (the tour has "
         "the town north of the road; the 1 km is estimated)"),
        (36.025, 35.668, "~km 31, Wata al-Khan - estimated"),
        (36.072, 35.71, "~km 39, Khan al-Jawz; between Salma (OCHA C3704, 35.687 N 36.141 E) "
         "to the south and Rabia (OCHA C3498, 35.785 N 36.037 E) to the north - estimated"),
        (*ain, "Ain al-Hawr, GeoNames 172221: the village on the road at the Idlib line where "
         "the joint patrols ended; 3.8 km north of Kinsabba (OCHA C3750), which the sources put "
         "4 km south of the road"),
        (*crossing, "Latakia/Idlib governorate line (OCHA admin-1), where the chord Ain al-Hawr "
         "- Badama crosses it; published ~km 58"),
        (*badama, "Badama/Bidama, OCHA C4226: the road enters Idlib near it, ~km 62 (fotoartbook; "
         "al-Araby al-Jadeed)"),
        (*ocha("Jisr al-Shughur"), "Jisr al-Shughur, OCHA C4199: the road runs through the town "
         "and crosses the Orontes"),
        (*ocha("Muhambal"), "Muhambal, OCHA C4330: on the road (SOHR)"),
        (*ocha("Urum al-Jawz"), "Urum al-Jawz, OCHA C4269: on the road"),
        (*offset(ocha("Ariha"), 0.0, 1_000.0), "1 km north of Ariha centre (OCHA C4278): the "
         "road runs along the north side of the town, Jabal al-Arbain rises south of it; the "
         "1 km is estimated"),
        (*offset(ocha("Nayrab"), 180.0, 600.0), "0.6 km south of al-Nayrab (OCHA C3867): SANA "
         "has the village north of the highway; the 0.6 km is estimated"),
        (*ROAD_END, "end: M4/M5 junction on the west side of Saraqib, 0.6 km west of its centre "
         "(OCHA C3916) - estimated; passes 0.8 km north of Trumba (Xinhua: ~1 km)"),
    ]
    return points, crossing


def densify(points, max_step_m):
    """Vertices along the geodesic between consecutive control points, at most `max_step_m`
    apart; the control points are kept exactly."""
    out = [points[0]]
    for a, b in zip(points, points[1:]):
        line = GEOD.InverseLine(a[1], a[0], b[1], b[0])
        n = max(1, math.ceil(line.s13 / max_step_m))
        for i in range(1, n + 1):
            g = line.Position(line.s13 * i / n)
            out.append((g["lon2"], g["lat2"]))
        out[-1] = b
    return out


def line_length_m(coords):
    return sum(dist_m(a, b) for a, b in zip(coords, coords[1:]))


def distance_to_line_m(p, coords):
    """Geodesic distance from `p` to a polyline of short edges: the nearest point of each edge
    is found in a local equirectangular frame, its distance measured on the ellipsoid."""
    k = math.cos(math.radians(p[1]))
    best = float("inf")
    for a, b in zip(coords, coords[1:]):
        ax, ay, bx, by = a[0] * k, a[1], b[0] * k, b[1]
        px, py = p[0] * k, p[1]
        dx, dy = bx - ax, by - ay
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy)
                                                   / (dx * dx + dy * dy)))
        q = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
        best = min(best, dist_m(p, q))
    return best


def chainage_m(p, coords):
    """Chainage of the vertex-densified line's nearest point to `p` (to the nearest edge end)."""
    total, best, at = 0.0, float("inf"), 0.0
    for a, b in zip(coords, coords[1:]):
        d = dist_m(p, a)
        if d < best:
            best, at = d, total
        total += dist_m(a, b)
    return at


def build_road(control):
    coords = densify([(lon, lat) for lon, lat, _ in control], 1_000.0)
    length_km = line_length_m(coords) / 1000
    feature = {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [rounded(c) for c in coords]},
        "properties": {
            "name": "M4 motorway (Latakia–Saraqib)",
            "ref": "M4",
            "kind": "road",
            "source": "Gazetteer points: OCHA Syria COD populated places (P-codes, CC BY-IGO) "
            "and GeoNames (CC BY 4.0) as in data/places.geojson, plus al-Bahluliyah (OCHA "
            "C3487) and Badama (OCHA C4226); the Latakia/Idlib line from OCHA admin-1. "
            "What the road does at each: fotoartbook.net 'جولة اللاذقية - جسر الشغور' "
            "(https://fotoartbook.net/vb/node/79820: al-Jarmaqiyah km 12, al-Bahluliyah km 21 "
            "north of the road, Wata al-Khan km 31, Khan al-Jawz km 39, Idlib boundary km 58, "
            "Bidama ~km 62); al-Araby al-Jadeed 26 Feb 2020 (leaves the M1 south of Latakia, "
            "between the Salma and Rabia sub-districts, enters Idlib near Bidama); SOHR (Ain "
            "al-Hawr the last stop in rebel-held areas; Muhambal on the road); SANA (al-Nayrab "
            "north of the highway); Xinhua (Trumba ~1 km from it); Kinsabba 4 km south of the "
            "M4 (fr.wikipedia 'Kinsabba').",
            "method": f"Polyline through {len(control)} control points (listed with their basis "
            "in the collection's 'provenance.control_points'): between Ain al-Hawr and Saraqib "
            "the gazetteer points of the towns the road runs through, or points offset from them "
            "on the side the sources give; the governorate line where the road crosses it; in "
            "the Latakia valley, al-Bahluliyah and points placed by hand from the published "
            "chainages. Densified along the geodesic to at most 1 km spacing; those vertices "
            "are interpolation. Made by data/make_m4_data.py.",
            "accuracy": "approximate: within about 0.5-1 km of the road at the gazetteer "
            "control points from Ain al-Hawr to Saraqib, up to about 2 km between them (the "
            "line is straight where the road bends), and up to about 3 km in the Latakia valley "
            "west of Ain al-Hawr, where only one control point is from a gazetteer. Not for "
            "navigation.",
            "length_km_line": round(length_km, 1),
            "length_km_road_reported": "98 (Syrian Ministry of Transport, Latakia–Saraqib); "
            "about 120 (Wikipedia)",
            "digitised": DATE,
            "stroke": "#d62728",
            "stroke-width": 3,
            "title": "M4 motorway (Latakia–Saraqib), approximate",
        },
    }
    collection = {
        "type": "FeatureCollection",
        "provenance": {
            "description": "Generalised centre line of the M4 motorway from the M1 interchange at "
            "Latakia to the M5 junction at Saraqib, digitised west to east.",
            "control_points": [
                {"lon": round(lon, 6), "lat": round(lat, 6), "basis": basis}
                for lon, lat, basis in control
            ],
            "attribution": [OCHA_ATTRIBUTION, GEONAMES_ATTRIBUTION],
            "date": DATE,
        },
        "features": [feature],
    }
    return collection, coords


def metric(lat0):
    """A local equirectangular frame in metres about latitude `lat0`, and its inverse: good to a
    fraction of a percent over one governorate, which is all the simplification needs."""
    m_lat = GEOD.Inverse(lat0 - 0.5, 36.0, lat0 + 0.5, 36.0)["s12"]
    m_lon = GEOD.Inverse(lat0, 35.5, lat0, 36.5)["s12"]
    scale = np.array([m_lon, m_lat])
    fwd = lambda g: transform_coords(g, lambda c: c * scale)  # noqa: E731
    back = lambda g: transform_coords(g, lambda c: c / scale)  # noqa: E731
    return fwd, back


def geodesic_area_km2(polygon):
    total = 0.0
    for ring, sign in [(polygon.exterior, 1)] + [(r, -1) for r in polygon.interiors]:
        p = GEOD.Polygon()
        for lon, lat in list(ring.coords)[:-1]:
            p.AddPoint(lat, lon)
        _, _, area = p.Compute(False, True)
        total += sign * abs(area)
    return total / 1e6


def max_deviation_m(original, simplified):
    """Largest geodesic distance from a vertex of the original boundary to the simplified one."""
    worst = 0.0
    b = simplified.boundary
    for lon, lat in original.exterior.coords:
        q = b.interpolate(b.project(Point(lon, lat)))
        worst = max(worst, dist_m((lon, lat), (q.x, q.y)))
    return worst


def build_governorates(polygons):
    fwd, back = metric(35.7)
    wanted = [("SY07", "Idlib", "#7f7f7f"), ("SY06", "Latakia", "#7f7f7f")]
    originals = [shape(polygons[code]["geometry"]) for code, _, _ in wanted]
    # Simplified as one coverage, so the shared Idlib/Latakia line stays one line.
    simplified = coverage_simplify([fwd(g) for g in originals], SIMPLIFY_TOLERANCE)
    features, report = [], []
    for (code, name, colour), original, simple in zip(wanted, originals, simplified):
        simple = orient(back(simple), sign=1.0)  # exterior counter-clockwise
        assert is_valid(simple), name
        props = polygons[code]["properties"]
        deviation = max_deviation_m(original, simple)
        geometry = mapping(simple)
        geometry = {
            "type": geometry["type"],
            "coordinates": [[rounded(c) for c in ring] for ring in geometry["coordinates"]],
        }
        area = geodesic_area_km2(simple)
        report.append((name, len(original.exterior.coords), len(simple.exterior.coords),
                       deviation, area))
        features.append({
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "name": name,
                "name_en_ocha": props["NAME_EN"],
                "name_ar": props["NAME_ARA"],
                "pcode": code,
                "kind": "governorate",
                "area_km2": round(area, 1),
                "source": f"OCHA Syria COD administrative boundaries, admin-1 {code}, "
                f"{OCHA_LICENCE}, copy in {OCHA_REPO}",
                "attribution": OCHA_ATTRIBUTION,
                "method": f"Simplified with shapely coverage_simplify (tolerance {SIMPLIFY_TOLERANCE:.0f}, the two "
                "governorates as one coverage so their common line stays shared) in a local "
                "metric frame; made by data/make_m4_data.py.",
                "accuracy": f"within {deviation:.0f} m of OCHA's line (largest geodesic "
                f"distance from an original vertex); OCHA's line is itself a generalised "
                f"administrative boundary, not surveyed.",
                "title": f"{name} governorate",
                "stroke": colour,
                "stroke-width": 2,
                "fill": colour,
                "fill-opacity": 0.03,
            },
        })
    collection = {
        "type": "FeatureCollection",
        "provenance": {
            "description": "Boundaries of Idlib and Latakia governorates (OCHA admin-1).",
            "attribution": [OCHA_ATTRIBUTION],
            "date": DATE,
        },
        "features": features,
    }
    return collection, report


def build_populated_places(ocha_points, road, limit_m):
    features = []
    for pcode, (p, pos) in sorted(ocha_points.items(), key=lambda kv: int(kv[0][1:])):
        if p["ADMIN1_EN"] not in ("Idleb", "Lattakia"):
            continue
        # A cheap bound first: 0.25 degrees is more than 20 km everywhere here.
        if min(abs(pos[0] - c[0]) + abs(pos[1] - c[1]) for c in road[::5]) > 0.35:
            continue
        d = distance_to_line_m(pos, road)
        if d > limit_m:
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
                "title": p["NAME_EN"],
                "marker-color": "#8c564b",
                "marker-size": "small",
            },
        })
    collection = {
        "type": "FeatureCollection",
        "provenance": {
            "description": f"OCHA populated places of Idlib and Latakia governorates within "
            f"{limit_m / 1000:.0f} km of data/m4.geojson (geodesic distance).",
            "source": f"OCHA Syria COD populated places with P-codes, {OCHA_LICENCE}, copy in "
            f"{OCHA_REPO}; made by data/make_m4_data.py",
            "attribution": [OCHA_ATTRIBUTION],
            "licence": OCHA_LICENCE,
            "accuracy": "OCHA's points, one per settlement; no second source was checked for "
            "each. A few Arabic names are cut short in this copy of the dataset.",
            "date": DATE,
            "coordinate_system": "WGS84 longitude/latitude (RFC 7946), at most 6 decimals",
        },
        "features": features,
    }
    return collection


def write(name, collection, compact=False):
    """Writes a collection; `compact` puts each feature on one line, which keeps large layers
    small and their diffs readable."""
    if compact:
        head = {k: v for k, v in collection.items() if k != "features"}
        lines = [json.dumps(f, ensure_ascii=False) for f in collection["features"]]
        text = json.dumps(head, ensure_ascii=False, indent=1)[:-2]
        text += ',\n "features": [\n' + ",\n".join(lines) + "\n ]\n}\n"
        json.loads(text)  # still one valid document
    else:
        text = json.dumps(collection, ensure_ascii=False, indent=1) + "\n"
    (DATA / name).write_text(text, encoding="utf-8")
    print(f"wrote data/{name} ({len(text.encode()) / 1024:.0f} KiB)")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    polygons, ocha_points = read_ocha(Path(sys.argv[1]))
    idlib = shape(polygons["SY07"]["geometry"])

    places, checks = build_places(ocha_points)
    print("place            spread OCHA-GeoNames")
    for name, (spread, _) in checks.items():
        print(f"  {name:<16} {spread:7.0f} m")
    other = GEONAMES_OTHER_AIN_AL_HAWR
    print(f"  GeoNames 172221 to 172220 (the Idlib Ain al-Hawr): "
          f"{dist_m((36.16424, 35.77754), (other[2], other[1])):.0f} m")

    control, crossing = road_control_points(places["features"], idlib)
    road_fc, road = build_road(control)
    length = line_length_m(road)
    print(f"road: {len(control)} control points, {len(road)} vertices, {length / 1000:.1f} km "
          f"(published 98 km and about 120 km)")
    print(f"  governorate line crossed at {crossing[1]:.5f} N {crossing[0]:.5f} E, "
          f"km {chainage_m(crossing, road) / 1000:.1f} (published km 58)")
    for name, (_, pos) in checks.items():
        print(f"  {name:<16} {distance_to_line_m(pos, road):6.0f} m from the line, "
              f"km {chainage_m(pos, road) / 1000:5.1f}")

    governorates, report = build_governorates(polygons)
    for name, before, after, deviation, area in report:
        print(f"governorate {name}: {before} -> {after} vertices, at most {deviation:.0f} m off, "
              f"{area:.0f} km2")

    populated = build_populated_places(ocha_points, road, 20_000.0)
    print(f"populated places within 20 km: {len(populated['features'])}")

    write("places.geojson", places)
    write("m4.geojson", road_fc)
    write("governorates.geojson", governorates, compact=True)
    write("populated_places.geojson", populated, compact=True)


if __name__ == "__main__":
    main()
