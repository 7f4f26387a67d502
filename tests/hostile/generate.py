"""Write the hostile-input corpus: ``python tests/hostile/generate.py``.

Each case is a file that replaces one file of the small project in ``project/`` (a layer or
maps.toml), with what the build must answer: exit code 1 and a message naming the problem, or
exit code 0 and a safe page. ``expected.json`` lists them; ``tests/test_hostile.py`` runs them.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "project"
CORPUS = HERE / "corpus"
PAYLOAD = '<script>alert("layer")</script><img src=x onerror=alert(1)>'
# what a build that accepts the case prints: the page was written anew from the hostile file
BUILT = "test: wrote test.html, 1 incident"
TEMPLATE = "`${alert(document.domain)}` {{7*7}} </script><script>alert(2)</script>"


def base(name: str) -> dict:
    return json.loads((PROJECT / name).read_text(encoding="utf-8"))


def feature_case(layer, change):
    collection = copy.deepcopy(base(layer))
    change(collection["features"][0])
    return json.dumps(collection, ensure_ascii=False, indent=1)


def props(**updates):
    return lambda f: f["properties"].update(updates)


def geometry(value):
    return lambda f: f.update(geometry=value)


def drop(name):
    return lambda f: f["properties"].pop(name)


def cases():
    inc, pl = "incidents.geojson", "places.geojson"
    good = json.dumps(base(pl), indent=1)
    yield "invalid-json-trailing-comma", pl, good.replace('"town"', '"town",', 1), 1, \
        "invalid JSON: Expecting property name enclosed in double quotes"
    yield "truncated", pl, good[: len(good) // 2], 1, \
        "invalid JSON: Unterminated string"
    yield "empty-file", pl, "", 1, "invalid JSON: Expecting value"
    yield "bom", pl, "\ufeff" + good, 0, BUILT
    yield "latin1-bytes", pl, good.replace("Suifenhe", "Suifenh\udce9"), 1, \
        "not UTF-8 text (byte 0xe9); GeoJSON must be UTF-8"
    yield "utf16", pl, ("utf-16", good), 1, "not UTF-8 text (byte 0xff)"
    yield "top-level-array", pl, "[1, 2, 3]", 1, \
        "not a GeoJSON FeatureCollection (the top level needs"
    yield "feature-not-collection", pl, json.dumps(base(pl)["features"][0]), 1, \
        "not a GeoJSON FeatureCollection"
    yield "features-not-a-list", pl, '{"type": "FeatureCollection", "features": {}}', 1, \
        'property \'features\': a FeatureCollection needs a "features" list'
    yield "wrong-feature-type", pl, feature_case(pl, lambda f: f.update(type="Featur")), 1, \
        "feature 0 'suifenhe': not a GeoJSON Feature (needs \"type\": \"Feature\")"
    yield "feature-is-a-string", pl, json.dumps(
        {"type": "FeatureCollection", "features": ["Suifenhe"]}), 1, \
        "feature 0: not a GeoJSON Feature"
    yield "null-geometry", pl, feature_case(pl, geometry(None)), 1, \
        "property 'geometry': has no geometry (null)"
    yield "unknown-geometry-type", pl, feature_case(
        pl, geometry({"type": "Circle", "coordinates": [131.1, 44.4], "radius": 5})), 1, \
        "geometry type 'Circle' is not a GeoJSON geometry"
    yield "empty-coordinates", pl, feature_case(pl, geometry({"type": "Point", "coordinates": []})), \
        1, "coordinates: missing or empty"
    yield "one-number-point", pl, feature_case(
        pl, geometry({"type": "Point", "coordinates": [131.1]})), 1, \
        "position [131.1] needs longitude and latitude"
    yield "string-coordinates", pl, feature_case(
        pl, geometry({"type": "Point", "coordinates": ["131.1", "44.4"]})), 1, \
        "'131.1' is not a position [longitude, latitude]"
    ring = [[131.0, 44.3], [131.2, 44.3], [131.2, 44.5], [131.0, 44.5]]
    yield "unclosed-ring", pl, feature_case(
        pl, geometry({"type": "Polygon", "coordinates": [ring]})), 1, \
        "a polygon ring is not closed (its last position must repeat the first)"
    bowtie = [[131.0, 44.3], [131.2, 44.5], [131.2, 44.3], [131.0, 44.5], [131.0, 44.3]]
    yield "self-intersecting-ring", pl, feature_case(
        pl, geometry({"type": "Polygon", "coordinates": [bowtie]})), 1, \
        "invalid Polygon: Self-intersection"
    yield "ring-too-short", pl, feature_case(pl, geometry(
        {"type": "Polygon", "coordinates": [[[131.0, 44.3], [131.2, 44.3], [131.0, 44.3]]]})), 1, \
        "invalid Polygon: Too few points in geometry component"
    yield "swapped-lon-lat", pl, feature_case(
        pl, geometry({"type": "Point", "coordinates": [44.4, 131.15]})), 1, \
        "bounds 44.4, 131.15, 44.4, 131.15 (longitude and latitude swapped?)"
    yield "latitude-95", pl, feature_case(
        pl, geometry({"type": "Point", "coordinates": [131.1, 95.0]})), 1, \
        "coordinates outside longitude ±180 / latitude ±90: bounds 131.1, 95, 131.1, 95"
    yield "longitude-200", pl, feature_case(
        pl, geometry({"type": "Point", "coordinates": [200.0, 44.4]})), 1, \
        "coordinates outside longitude ±180 / latitude ±90: bounds 200, 44.4, 200, 44.4"
    yield "nan", pl, good.replace("131.15", "NaN", 1), 1, \
        "invalid JSON: NaN is not a number in JSON"
    yield "infinity", pl, good.replace("131.15", "-Infinity", 1), 1, \
        "invalid JSON: -Infinity is not a number in JSON"
    yield "nested-too-deep-for-json", pl, good.replace(
        '"coordinates": [', '"coordinates": ' + "[" * 5000 + "1" + "]" * 5000 + ', "was": [', 1), \
        1, "invalid JSON: nested too deeply"
    yield "nested-deeper-than-geojson", pl, feature_case(
        pl, geometry({"type": "Point", "coordinates": [[[[[[131.1, 44.4]]]]]]})), 1, \
        "coordinates are nested 6 levels deep; a Point has 1"
    yield "point-outside-map", pl, feature_case(
        pl, geometry({"type": "Point", "coordinates": [37.6, 55.75]})), 1, \
        "lies at 55.7500°N 37.6000°E, outside every map that draws layer 'places'"
    two = copy.deepcopy(base(pl))
    two["features"].append(copy.deepcopy(two["features"][0]))
    yield "duplicate-ids", pl, json.dumps(two), 1, "property 'id': duplicate id 'suifenhe'"
    crs = copy.deepcopy(base(pl))
    crs["crs"] = {"type": "name", "properties": {"name": "EPSG:999999"}}
    yield "unknown-crs", pl, json.dumps(crs), 1, "property 'crs': unknown CRS 'EPSG:999999'"
    crs["crs"] = {"type": "link", "href": "javascript:alert(1)"}
    yield "crs-link-javascript", pl, json.dumps(crs), 1, \
        "unknown CRS \"{'type': 'link', 'href': 'javascript:alert(1)'}\""
    yield "missing-id", pl, feature_case(pl, drop("id")), 1, "feature 0: property 'id': missing (required)"
    yield "missing-title", inc, feature_case(inc, drop("title")), 1, \
        "feature 0 'suifenho-1936': property 'title': missing (required)"
    yield "mistyped-precision", inc, feature_case(inc, props(precision_m="far")), 1, \
        "property 'precision_m': 'far' is not of type 'number'"
    yield "mistyped-belligerents", inc, feature_case(inc, props(belligerents="Japan")), 1, \
        "property 'belligerents': 'Japan' is not of type 'array'"
    yield "negative-casualties", inc, feature_case(inc, lambda f: f["properties"].update(
        casualties=[{"side": "USSR", "killed": -5, "source": f["properties"]["sources"][0]}])), 1, \
        "property 'casualties[0].killed': -5 is less than the minimum of 0"
    yield "date-1066", inc, feature_case(inc, props(date="1066-10-14")), 1, \
        "property 'date': '1066-10-14' is outside 1850–1950"
    yield "date-month-13", inc, feature_case(inc, props(date="1936-13")), 1, \
        "property 'date': '1936-13' is not a valid ISO 8601 date"
    yield "date-range-reversed", inc, feature_case(inc, props(date="1938-08-11/1938-07-29")), 1, \
        "property 'date': range '1938-08-11/1938-07-29' ends before it starts"
    yield "id-with-markup", inc, feature_case(inc, props(id='x" onmouseover="alert(1)')), 1, \
        "property 'id': 'x\" onmouseover=\"alert(1)' does not match '^[a-z0-9][a-z0-9-]*$'"
    yield "unknown-type", inc, feature_case(inc, props(type="<b>massacre</b>")), 1, \
        "property 'type': '<b>massacre</b>' is not one of ['battle'"
    yield "unknown-source-file", inc, feature_case(inc, lambda f: f["properties"]["sources"][0].update(
        file="../../etc/passwd")), 1, \
        "property 'sources[0].file': '../../etc/passwd' does not match"
    yield "missing-source-file", inc, feature_case(inc, lambda f: f["properties"]["sources"][0].update(
        file="999_missing.txt")), 1, \
        "property 'sources[0]': source file '999_missing.txt' is not in sources/"
    toml = (PROJECT / "maps.toml").read_text(encoding="utf-8")
    yield "javascript-url-in-bibliography", "maps.toml", toml.replace(
        'url = "https://example.org/gazetteer"', 'url = "javascript:alert(1)"'), 1, \
        "property 'bibliography.gazetteer.url': only http(s) URLs are allowed"
    yield "toml-syntax", "maps.toml", toml.replace('title = "Test map"', 'title = "Test map'), 1, \
        "maps.toml:6:18: not valid TOML: Illegal character"
    # safe renders: hostile text is accepted as text and must reach the page inert
    yield "payload-in-every-incident-text", inc, feature_case(inc, lambda f: (
        f["properties"].update(title=PAYLOAD, summary=PAYLOAD, place=PAYLOAD, forces=PAYLOAD,
                               location_note=PAYLOAD, belligerents=[PAYLOAD],
                               place_names={"ru": PAYLOAD, "ja": TEMPLATE}),
        f["properties"]["sources"][0].update(where=PAYLOAD))), 0, BUILT
    yield "template-literal-in-title", inc, feature_case(inc, props(title=TEMPLATE)), 0, BUILT
    yield "payload-in-place-names", pl, feature_case(pl, props(
        name=PAYLOAD, description=TEMPLATE, names={"zh": PAYLOAD})), 0, BUILT
    yield "line-separators", inc, feature_case(inc, props(
        summary="first\u2028second\u2029third", title="A\u2028B")), 0, BUILT
    yield "unknown-property-with-payload", pl, feature_case(pl, props(
        url="javascript:alert(1)", onclick=PAYLOAD)), 0, \
        ("property 'properties': warning: unknown properties 'onclick', 'url': kept in the file, "
         "but no map shows it")
    yield "payload-in-map-title", "maps.toml", toml.replace(
        'title = "Test map"', f"title = {json.dumps('Test ' + PAYLOAD)}"), 0, BUILT


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    for old in CORPUS.iterdir():
        old.unlink()
    expected = []
    for i, (name, target, content, code, message) in enumerate(cases(), 1):
        assert message.strip(), f"{name}: every case must name what the build prints"
        suffix = ".toml" if target.endswith(".toml") else ".geojson"
        path = CORPUS / f"{i:02d}-{name}{suffix}"
        if isinstance(content, tuple):
            path.write_bytes(content[1].encode(content[0]))
        else:
            path.write_bytes(content.encode("utf-8", "surrogateescape"))
        expected.append({"file": path.name, "replaces": target, "exit": code, "message": message})
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")
    print(f"{len(expected)} cases written to {CORPUS}")


if __name__ == "__main__":
    main()
