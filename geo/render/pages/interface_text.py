"""The page's own words in each language of its language menu, in one table.

A reader who picks Русский, 日本語 or 中文 gets the controls, headings and legend in that
language, not only the place names. The pages carry this table (``page_text``) and their
scripts look their words up in it (``geoMaps.t`` in static/core.js); the map's own titles and
layer names come from maps.toml (``title_in``, ``description_in``), which `check` requires in
every language. The layers' texts (titles, summaries, notes, sources) stay as written: they
are the catalogue's, cited passage by passage.

Keys are the English words as the scripts write them; ``{n}``-style fields are filled in by
the script. tests/test_language.py checks that every word the scripts and templates ask for is
here in every language, and that nothing here is unused.
"""

from __future__ import annotations

from geo.config import BORDER, FEATURE, INTERFACE_LANGUAGES

TEXT: dict[str, dict[str, str]] = {
    # title bar and legend (templates/map-chrome.html, static/title.js)
    "All maps": {"ru": "Все карты", "ja": "地図の一覧", "zh": "全部地图"},
    "{n} incidents shown.": {"ru": "Показано событий: {n}.", "ja": "{n}件の事件を表示。",
                             "zh": "显示{n}起事件。"},
    "{n} incidents shown: {p} on the map, {u} listed without a place.": {
        "ru": "Показано событий: {n} (на карте — {p}, только в списке, без места — {u}).",
        "ja": "{n}件の事件を表示：地図上に{p}件、位置が不明で一覧のみ{u}件。",
        "zh": "显示{n}起事件：地图上{p}起，{u}起无地图位置，仅列于清单。"},
    "Legend": {"ru": "Условные знаки", "ja": "凡例", "zh": "图例"},
    # between the names of one legend line (the Tumen, the Khalkhin Gol): Japanese and Chinese
    # list with the enumeration comma
    ", ": {"ru": ", ", "ja": "、", "zh": "、"},
    "Incidents at or near one place: opens their list": {
        "ru": "События в одном месте или рядом: открывает их список",
        "ja": "同じ場所・近くの事件：一覧を開く", "zh": "同一地点或附近的事件：打开其清单"},
    # a place marker ringed in the gravest type's colour (the table's first: a battle)
    "A battle among them": {"ru": "Среди них сражение", "ja": "戦闘を含む", "zh": "其中有战斗"},
    "How far off an approximate location may be: shown for the incident pointed at or open": {
        "ru": "Возможная погрешность приблизительного места: показана для события под указателем или открытого",
        "ja": "おおよその位置の誤差の範囲：指している事件・開いている事件について表示",
        "zh": "大致位置可能的误差范围：对所指向或已打开的事件显示"},
    # incident types: their labels, in the legend and after a popup's date (geo/incident_types.py)
    "Battle": {"ru": "Сражение", "ja": "戦闘", "zh": "战斗"},
    "Skirmish": {"ru": "Стычка", "ja": "小競り合い", "zh": "小规模冲突"},
    "Air and artillery offensive": {"ru": "Удар авиации и артиллерии", "ja": "航空・砲兵による攻撃",
                                    "zh": "空中与炮兵攻势"},
    "River incident": {"ru": "Инцидент на реке", "ja": "河川での事件", "zh": "江上事件"},
    "Defection": {"ru": "Переход на другую сторону", "ja": "越境亡命", "zh": "越境出逃"},
    "Diplomatic step or ceasefire": {"ru": "Дипломатический шаг или перемирие", "ja": "外交上の動き・停戦",
                                     "zh": "外交举措或停火"},
    "Raid": {"ru": "Налёт", "ja": "襲撃", "zh": "袭击"},
    "Border violation (no detail given)": {"ru": "Нарушение границы (без подробностей)", "ja": "国境侵犯（詳細不明）",
                                           "zh": "越境事件（无详情）"},
    "Reconnaissance": {"ru": "Разведка", "ja": "偵察", "zh": "侦察"},
    "Deployment of forces": {"ru": "Развёртывание сил", "ja": "部隊の展開", "zh": "兵力部署"},
    "Command decision or inspection": {"ru": "Решение командования или инспекция", "ja": "指揮上の決定・視察",
                                       "zh": "指挥决定或视察"},
    # a legend entry for the features of one kind in a layer of several (style.legend_entries)
    "Heights": {"ru": "Высоты", "ja": "高地", "zh": "高地"},
    "Places": {"ru": "Места", "ja": "地点", "zh": "地点"},
    "River borders of the 1930s": {"ru": "Речные границы 1930-х годов", "ja": "1930年代の河川国境",
                                   "zh": "1930年代的界河"},
    # the layer control (page.py BASEMAP_NAME; a11y.js translates the control's names)
    "Basemap of the 1930s": {"ru": "Подложка 1930-х годов", "ja": "1930年代の背景地図", "zh": "1930年代底图"},
    # the page around the map (static/a11y.js, embed.js, language.js, tile-source.js)
    "Skip to the map": {"ru": "Перейти к карте", "ja": "地図へ移動", "zh": "跳到地图"},
    "{name}. Arrow keys pan, + and − zoom; Tab reaches the markers.": {
        "ru": "{name}. Стрелки сдвигают карту, + и − меняют масштаб; Tab ведёт к значкам.",
        "ja": "{name}。矢印キーで移動、＋と−で拡大・縮小、Tabでマーカーへ。",
        "zh": "{name}。方向键平移，+ 和 − 缩放，Tab 键到达标记。"},
    "Use two fingers to move the map": {"ru": "Двигайте карту двумя пальцами", "ja": "地図は2本の指で動かします",
                                        "zh": "请用两根手指移动地图"},
    "Names": {"ru": "Названия", "ja": "名称", "zh": "名称"},
    "Russian": {"ru": "по-русски", "ja": "ロシア語", "zh": "俄文"},
    "Japanese": {"ru": "по-японски", "ja": "日本語", "zh": "日文"},
    "Chinese": {"ru": "по-китайски", "ja": "中国語", "zh": "中文"},
    "Mongolian": {"ru": "по-монгольски", "ja": "モンゴル語", "zh": "蒙古文"},
    "Korean": {"ru": "по-корейски", "ja": "朝鮮語", "zh": "朝鲜文"},
    "Some basemap tiles are missing from this single-file page; build it again with build_maps.py.": {
        "ru": "На этой однофайловой странице не хватает части плиток подложки; соберите её заново с помощью build_maps.py.",
        "ja": "この単一ファイル版のページには背景地図のタイルが一部欠けています。build_maps.py で作り直してください。",
        "zh": "此单文件页面缺少部分底图瓦片；请用 build_maps.py 重新生成。"},
    "The basemap tiles were not found next to this page (the tiles/ folder that goes with {page}). Keep the page together with its tiles folder, or use {name}.standalone.html, the single-file version that carries its basemap.": {
        "ru": "Плитки подложки не найдены рядом со страницей (папка tiles/, прилагаемая к {page}). Храните страницу вместе с её папкой tiles или откройте {name}.standalone.html — однофайловую версию с подложкой внутри.",
        "ja": "このページの横に背景地図のタイル（{page} に付属する tiles/ フォルダー）が見つかりません。ページと tiles フォルダーを一緒に置くか、背景地図を内蔵した単一ファイル版 {name}.standalone.html を使ってください。",
        "zh": "在此页面旁未找到底图瓦片（随 {page} 附带的 tiles/ 文件夹）。请将页面与其 tiles 文件夹放在一起，或使用自带底图的单文件版本 {name}.standalone.html。"},
    "Show the map without its basemap": {"ru": "Показать карту без подложки", "ja": "背景地図なしで地図を表示",
                                         "zh": "不带底图显示地图"},
    # the incident list and story mode (static/list.js, unplaced.js)
    "Incidents ({n})": {"ru": "События ({n})", "ja": "事件（{n}件）", "zh": "事件（{n}起）"},
    "Incidents in date order": {"ru": "События по датам", "ja": "日付順の事件", "zh": "按日期排列的事件"},
    "◀ Previous": {"ru": "◀ Назад", "ja": "◀ 前へ", "zh": "◀ 上一个"},
    "Next ▶": {"ru": "Далее ▶", "ja": "次へ ▶", "zh": "下一个 ▶"},
    "Previous incident in date order": {"ru": "Предыдущее событие по дате", "ja": "日付順で前の事件",
                                        "zh": "按日期的上一个事件"},
    "Next incident in date order": {"ru": "Следующее событие по дате", "ja": "日付順で次の事件",
                                    "zh": "按日期的下一个事件"},
    "not on the map": {"ru": "нет на карте", "ja": "地図上になし", "zh": "不在地图上"},
    "Incident without a place on the map": {"ru": "Событие без места на карте", "ja": "地図上の位置がない事件",
                                            "zh": "无地图位置的事件"},
    "Close": {"ru": "Закрыть", "ja": "閉じる", "zh": "关闭"},
    "Not on the map (see where below).": {"ru": "Не на карте (где — см. ниже).", "ja": "地図上にはありません（場所は下記）。",
                                          "zh": "不在地图上（地点见下文）。"},
    # markers and popups (static/incident-layer.js, popups.js, popup-content.js)
    "{n} incidents here: {titles}": {"ru": "Событий здесь: {n} — {titles}", "ja": "ここに{n}件の事件：{titles}",
                                     "zh": "此处{n}起事件：{titles}"},
    "{n} incidents at or near this place": {"ru": "Событий в этом месте или рядом: {n}",
                                            "ja": "この場所・付近の事件（{n}件）", "zh": "此地或附近的{n}起事件"},
    "Details": {"ru": "Подробности", "ja": "詳細", "zh": "详情"},
    "Place": {"ru": "Место", "ja": "場所", "zh": "地点"},
    "Other names": {"ru": "Другие названия", "ja": "別名", "zh": "其他名称"},
    "Belligerents": {"ru": "Стороны", "ja": "交戦勢力", "zh": "交战方"},
    "Forces": {"ru": "Силы", "ja": "兵力", "zh": "兵力"},
    "Location": {"ru": "Местоположение", "ja": "位置", "zh": "位置"},
    "Nearest border line": {"ru": "Ближайшая линия границы", "ja": "最寄りの国境線", "zh": "最近的边界线"},
    "Claimed by": {"ru": "Чья линия", "ja": "主張した側", "zh": "主张方"},
    "Length": {"ru": "Длина", "ja": "長さ", "zh": "长度"},
    "Position": {"ru": "Положение", "ja": "位置の精度", "zh": "位置精度"},
    "Sources": {"ru": "Источники", "ja": "出典", "zh": "来源"},
    "Casualties (each figure with its source)": {"ru": "Потери (каждая цифра со своим источником)",
                                                 "ja": "損害（各数値に出典を付す）", "zh": "伤亡（每个数字附其来源）"},
    "Side": {"ru": "Сторона", "ja": "陣営", "zh": "交战方"},
    "Killed": {"ru": "Убито", "ja": "戦死", "zh": "阵亡"},
    "Wounded": {"ru": "Ранено", "ja": "負傷", "zh": "负伤"},
    "Missing": {"ru": "Пропало без вести", "ja": "行方不明", "zh": "失踪"},
    "Captured": {"ru": "Взято в плен", "ja": "捕虜", "zh": "被俘"},
    "Note": {"ru": "Примечание", "ja": "注記", "zh": "注释"},
    "Source": {"ru": "Источник", "ja": "出典", "zh": "来源"},
    "not given by the sources": {"ru": "в источниках не указано", "ja": "出典に記載なし", "zh": "来源未载明"},
    "approximate, within {d}": {"ru": "приблизительно, с точностью {d}", "ja": "おおよその位置（誤差{d}以内）",
                                "zh": "大致位置，误差在{d}以内"},
    "within {d}": {"ru": "с точностью {d}", "ja": "誤差{d}以内", "zh": "误差在{d}以内"},
    "about {x} km": {"ru": "около {x} км", "ja": "約{x} km", "zh": "约{x}公里"},
    "about {x} m": {"ru": "около {x} м", "ja": "約{x} m", "zh": "约{x}米"},
    "less than {d}": {"ru": "меньше чем {d}", "ja": "{d}未満", "zh": "不到{d}"},
    "{x} km (geodesic)": {"ru": "{x} км (по геодезической)", "ja": "{x} km（測地線）", "zh": "{x}公里（大地线）"},
    # the timeline (static/timeline.js)
    "Dates: {range} ({shown})": {"ru": "Даты: {range} (событий: {shown})", "ja": "日付：{range}（{shown}件）",
                                 "zh": "日期：{range}（{shown}起）"},
    "{range}: {shown} of {total} incidents": {"ru": "{range}: событий {shown} из {total}",
                                              "ja": "{range}：全{total}件中{shown}件", "zh": "{range}：显示{shown}起（共{total}起）"},
    "From": {"ru": "С", "ja": "開始", "zh": "从"},
    "To": {"ru": "По", "ja": "終了", "zh": "到"},
    "◀ Incident": {"ru": "◀ Событие", "ja": "◀ 事件", "zh": "◀ 事件"},
    "Incident ▶": {"ru": "Событие ▶", "ja": "事件 ▶", "zh": "事件 ▶"},
    "End the range at the incident before": {"ru": "Закончить период на предыдущем событии",
                                             "ja": "期間の終わりを前の事件へ", "zh": "将时段终点移到上一个事件"},
    "End the range at the next incident": {"ru": "Закончить период на следующем событии",
                                           "ja": "期間の終わりを次の事件へ", "zh": "将时段终点移到下一个事件"},
    "One day earlier": {"ru": "На день раньше", "ja": "1日前へ", "zh": "提前一天"},
    "One day later": {"ru": "На день позже", "ja": "1日後へ", "zh": "推后一天"},
    "One month earlier": {"ru": "На месяц раньше", "ja": "1か月前へ", "zh": "提前一个月"},
    "One month later": {"ru": "На месяц позже", "ja": "1か月後へ", "zh": "推后一个月"},
    "One year earlier": {"ru": "На год раньше", "ja": "1年前へ", "zh": "提前一年"},
    "One year later": {"ru": "На год позже", "ja": "1年後へ", "zh": "推后一年"},
    "▶ Play": {"ru": "▶ Пуск", "ja": "▶ 再生", "zh": "▶ 播放"},
    "❚❚ Pause": {"ru": "❚❚ Пауза", "ja": "❚❚ 一時停止", "zh": "❚❚ 暂停"},
    "Play the days one after another": {"ru": "Показать дни один за другим", "ja": "日ごとに順に再生",
                                        "zh": "逐日播放"},
    "Play the months one after another": {"ru": "Показать месяцы один за другим", "ja": "月ごとに順に再生",
                                          "zh": "逐月播放"},
    "Play the years one after another": {"ru": "Показать годы один за другим", "ja": "年ごとに順に再生",
                                         "zh": "逐年播放"},
}


def page_text(content) -> dict[str, dict[str, str]]:
    """The words a map's page may show, {English: {language: text}}: the table above, the
    map's title and description and its layers' names (maps.toml), and the names of the
    features of its theatre layers, which the legend shows for a layer of several kinds of
    mark ("Lake Khasan", "Tumen river": style.legend_entries), with the names on the map of
    those and of its border lines, which name a layer drawing one ("Mongolian claim")."""
    spec = content.spec
    own = {spec.title: dict(spec.title_in), spec.description: dict(spec.description_in)}
    for layer in content.layers:
        own[layer.spec.title] = dict(layer.spec.title_in)
        for f in layer.collection["features"] if layer.spec.kind in (FEATURE, BORDER) else ():
            p = f["properties"]
            for name, names in ((p["name"], p.get("names")), (p.get("label_name"), p.get("label_names"))):
                if name and (layer.spec.kind == FEATURE or names):
                    own.setdefault(str(name), {lang: (names or {})[lang] for lang in INTERFACE_LANGUAGES
                                               if lang in (names or {})})
    return {**TEXT, **{k: v for k, v in own.items() if k and v}}


def missing() -> list[str]:
    """Entries of the table without one of the interface languages."""
    return [f"{key!r}: no {lang}" for key, texts in TEXT.items() for lang in INTERFACE_LANGUAGES
            if not texts.get(lang)]
