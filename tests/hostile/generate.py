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
    yield "invalid-json-trailing-comma", pl, good.replace('"town"', '"town",', 1), 1, "invalid JSON"
    yield "truncated", pl, good[: len(good) // 2], 1, "invalid JSON"
    yield "empty-file", pl, "", 1, "invalid JSON"
    yield "bom", pl, "\ufeff" + good, 0, ""
    yield "latin1-bytes", pl, good.replace("Suifenhe", "Suifenh\udce9"), 1, "not UTF-8 text"
    yield "utf16", pl, ("utf-16", good), 1, "not UTF-8 text"
    yield "top-level-array", pl, "[1, 2, 3]", 1, "not a GeoJSON FeatureCollection"
    yield "feature-not-collection", pl, json.dumps(base(pl)["features"][0]), 1, \
        "not a GeoJSON FeatureCollection"
    yield "features-not-a-list", pl, '{"type": "FeatureCollection", "features": {}}', 1, \
        'needs a "features" list'
    yield "wrong-feature-type", pl, feature_case(pl, lambda f: f.update(type="Featur")), 1, \
        "not a GeoJSON Feature"
    yield "feature-is-a-string", pl, json.dumps(
        {"type": "FeatureCollection", "features": ["Suifenhe"]}), 1, "not a GeoJSON Feature"
    yield "null-geometry", pl, feature_case(pl, geometry(None)), 1, "has no geometry"
    yield "unknown-geometry-type", pl, feature_case(
        pl, geometry({"type": "Circle", "coordinates": [131.1, 44.4], "radius": 5})), 1, \
        "is not a GeoJSON geometry"
    yield "empty-coordinates", pl, feature_case(pl, geometry({"type": "Point", "coordinates": []})), \
        1, "missing or empty"
    yield "one-number-point", pl, feature_case(
        pl, geometry({"type": "Point", "coordinates": [131.1]})), 1, "needs longitude and latitude"
    yield "string-coordinates", pl, feature_case(
        pl, geometry({"type": "Point", "coordinates": ["131.1", "44.4"]})), 1, "is not a position"
    ring = [[131.0, 44.3], [131.2, 44.3], [131.2, 44.5], [131.0, 44.5]]
    yield "unclosed-ring", pl, feature_case(
        pl, geometry({"type": "Polygon", "coordinates": [ring]})), 1, "ring is not closed"
    bowtie = [[131.0, 44.3], [131.2, 44.5], [131.2, 44.3], [131.0, 44.5], [131.0, 44.3]]
    yield "self-intersecting-ring", pl, feature_case(
        pl, geometry({"type": "Polygon", "coordinates": [bowtie]})), 1, "Self-intersection"
    yield "ring-too-short", pl, feature_case(pl, geometry(
        {"type": "Polygon", "coordinates": [[[131.0, 44.3], [131.2, 44.3], [131.0, 44.3]]]})), 1, \
        "Polygon"
    yield "swapped-lon-lat", pl, feature_case(
        pl, geometry({"type": "Point", "coordinates": [44.4, 131.15]})), 1, "swapped?"
    yield "latitude-95", pl, feature_case(
        pl, geometry({"type": "Point", "coordinates": [131.1, 95.0]})), 1, "latitude ±90"
    yield "longitude-200", pl, feature_case(
        pl, geometry({"type": "Point", "coordinates": [200.0, 44.4]})), 1, "longitude ±180"
    yield "nan", pl, good.replace("131.15", "NaN", 1), 1, "NaN is not a number"
    yield "infinity", pl, good.replace("131.15", "-Infinity", 1), 1, "Infinity is not a number"
    yield "nested-too-deep-for-json", pl, good.replace(
        '"coordinates": [', '"coordinates": ' + "[" * 5000 + "1" + "]" * 5000 + ', "was": [', 1), \
        1, "nested too deeply"
    yield "nested-deeper-than-geojson", pl, feature_case(
        pl, geometry({"type": "Point", "coordinates": [[[[[[131.1, 44.4]]]]]]})), 1, \
        "coordinates are nested 6 levels deep; a Point has 1"
    yield "point-outside-map", pl, feature_case(
        pl, geometry({"type": "Point", "coordinates": [37.6, 55.75]})), 1, "outside every map"
    two = copy.deepcopy(base(pl))
    two["features"].append(copy.deepcopy(two["features"][0]))
    yield "duplicate-ids", pl, json.dumps(two), 1, "duplicate id"
    crs = copy.deepcopy(base(pl))
    crs["crs"] = {"type": "name", "properties": {"name": "EPSG:999999"}}
    yield "unknown-crs", pl, json.dumps(crs), 1, "unknown CRS"
    crs["crs"] = {"type": "link", "href": "javascript:alert(1)"}
    yield "crs-link-javascript", pl, json.dumps(crs), 1, "unknown CRS"
    yield "missing-id", pl, feature_case(pl, drop("id")), 1, "property 'id': missing (required)"
    yield "missing-title", inc, feature_case(inc, drop("title")), 1, \
        "property 'title': missing (required)"
    yield "mistyped-precision", inc, feature_case(inc, props(precision_m="far")), 1, \
        "is not of type 'number'"
    yield "mistyped-belligerents", inc, feature_case(inc, props(belligerents="Japan")), 1, \
        "is not of type 'array'"
    yield "negative-casualties", inc, feature_case(inc, lambda f: f["properties"].update(
        casualties=[{"side": "USSR", "killed": -5, "source": f["properties"]["sources"][0]}])), 1, \
        "less than the minimum"
    yield "date-1066", inc, feature_case(inc, props(date="1066-10-14")), 1, "outside 1850–1950"
    yield "date-month-13", inc, feature_case(inc, props(date="1936-13")), 1, \
        "not a valid ISO 8601 date"
    yield "date-range-reversed", inc, feature_case(inc, props(date="1938-08-11/1938-07-29")), 1, \
        "ends before it starts"
    yield "id-with-markup", inc, feature_case(inc, props(id='x" onmouseover="alert(1)')), 1, \
        "does not match"
    yield "unknown-type", inc, feature_case(inc, props(type="<b>massacre</b>")), 1, "is not one of"
    yield "unknown-source-file", inc, feature_case(inc, lambda f: f["properties"]["sources"][0].update(
        file="../../etc/passwd")), 1, "does not match"
    yield "missing-source-file", inc, feature_case(inc, lambda f: f["properties"]["sources"][0].update(
        file="999_missing.txt")), 1, "is not in"
    toml = (PROJECT / "maps.toml").read_text(encoding="utf-8")
    yield "javascript-url-in-bibliography", "maps.toml", toml.replace(
        'url = "https://example.org/gazetteer"', 'url = "javascript:alert(1)"'), 1, \
        "only http(s) URLs are allowed"
    yield "toml-syntax", "maps.toml", toml.replace('title = "Test map"', 'title = "Test map'), 1, \
        "not valid TOML"
    # safe renders: hostile text is accepted as text and must reach the page inert
    yield "payload-in-every-incident-text", inc, feature_case(inc, lambda f: (
        f["properties"].update(title=PAYLOAD, summary=PAYLOAD, place=PAYLOAD, forces=PAYLOAD,
                               location_note=PAYLOAD, belligerents=[PAYLOAD],
                               place_names={"ru": PAYLOAD, "ja": TEMPLATE}),
        f["properties"]["sources"][0].update(where=PAYLOAD))), 0, ""
    yield "template-literal-in-title", inc, feature_case(inc, props(title=TEMPLATE)), 0, ""
    yield "payload-in-place-names", pl, feature_case(pl, props(
        name=PAYLOAD, description=TEMPLATE, names={"zh": PAYLOAD})), 0, ""
    yield "line-separators", inc, feature_case(inc, props(
        summary="first\u2028second\u2029third", title="A\u2028B")), 0, ""
    yield "unknown-property-with-payload", pl, feature_case(pl, props(
        url="javascript:alert(1)", onclick=PAYLOAD)), 0, "unknown property"
    yield "payload-in-map-title", "maps.toml", toml.replace(
        'title = "Test map"', f"title = {json.dumps('Test ' + PAYLOAD)}"), 0, ""


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    for old in CORPUS.iterdir():
        old.unlink()
    expected = []
    for i, (name, target, content, code, message) in enumerate(cases(), 1):
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
