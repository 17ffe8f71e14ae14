"""Prompt parser for the world judge: natural English, Chinese and code-switched prompts -> :class:`Request`.

Before the words, :mod:`stepvid.world.syntax` reads a prompt's syntax (``key: value`` fields and object lists,
other generators' tag lists, weights, negative prompts and flags, contrasts) into plain words. Then four passes over
one token stream (both languages share it, so "a 红色 circle slides left" works):

1. **Tokens** (``_tokens``): text is normalised (NFKC, traditional -> simplified characters, lower case,
   contractions), split into Chinese and non-Chinese runs, and each run is matched longest-first against
   ``lexicon.py``. English words of >= 5 letters that are one edit (insert, delete, substitute, swap)
   from exactly one lexicon word are corrected, and the correction is reported.
2. **Places** (``_places``): preposition + frame position becomes a direction ("to the left", "toward the
   top-right corner", 向右上方), a start ("from the left", 从左边), a path ("from left to right", 从左到右)
   or a location ("at the top": refused; "in the centre", 画面中央: filler).
3. **Background** (``_background``): the words around "background"/背景/"gradient" (and "on white") give
   the background colour and kind; they are taken out of the stream.
4. **Grammar** (``_Grammar``): noun phrases (count, size, colour, shape; 一个 / no measure word = one)
   make object groups; verb phrases (verbs, directions, motions, speeds) attach to the groups they
   follow — all of "a red circle and a blue square move left" — or, placed before the noun, to it
   ("a slowly rising star", 向右移动的红色圆形). Definite phrases and pronouns refer back ("the circle",
   "it", 它们). Each group's verb phrases resolve to one motion and speed.

Words that cannot change what is asked (filler, manner adverbs, verbs whose meaning a direction carries)
are ignored and reported by :func:`parse_prompt_verbose`. Anything unknown, ambiguous or contradictory
raises :class:`CannotJudge` with one line naming the word: a wrong parse is worse than a refusal.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache

from stepvid.world.analogies import SIMILE_NOUNS as _SIMILE_NOUNS
from stepvid.world.lexicon import EN_SHAPE_PLURALS, SHADE_AMBIGUOUS, STILL_IN_PLACE, en_lexicon, zh_lexicon
from stepvid.world.negation import resolve_negations
from stepvid.world.request import CannotJudge, GroupRequest, Request, normalize_groups
from stepvid.world.scene import COLORS, DIRECTIONS
from stepvid.world.syntax import FIELD as _FIELD
from stepvid.world.syntax import code_comments as _code_comments
from stepvid.world.syntax import contrasts as _contrasts
from stepvid.world.syntax import generator_syntax as _generator_syntax
from stepvid.world.syntax import headed_lines as _headed_lines
from stepvid.world.syntax import open_fields as _open_fields
from stepvid.world.syntax import rewritten as _rewritten
from stepvid.world.syntax import structured as _structured

__all__ = ["CannotJudge", "Parse", "parse_prompt", "parse_prompt_verbose"]


@dataclass
class Parse:
    """A parsed prompt and the words the parser read past (fillers, redundant verbs, typo fixes)."""

    request: Request
    ignored: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Tok:
    kind: str
    value: object
    text: str
    zh: bool = False


def _refuse(reason: str) -> CannotJudge:
    return CannotJudge(f"cannot judge: {reason}")


# ------------------------------------------------------------------------------------------ 1. tokens
_TRAD_PAIRS = (
    "紅红 綠绿 藍蓝 黃黄 圓圆 個个 兩两 顆颗 隻只 動动 運运 變变 轉转 靜静 彈弹 邊边 漸渐 紋纹 緩缓 對对 畫画 裡里 "
    "視视 頻频 長长 縮缩 體体 從从 點点 鑽钻 東东 顏颜 為为 過过 來来 這这 們们 顯显 圖图 劃划 飄飘 遊游 滾滚 進进 "
    "達达 攏拢 聚聚 擺摆 處处 該该 當当 幾几 許许 輕轻 場场 鏡镜 頭头 螢萤 間间 換换 緊紧 隨随 後后 銀银 淺浅 號号 "
    "與与 單单 純纯 淨净 質质 離离 開开 綫线 線线 閃闪 爍烁 漲涨 擴扩 寬宽 側侧 邊边 斜斜 靠靠 覺觉 現现 會会 "
    "樣样 種种 隨随 將将 沒没 無无 還还 數数 較较 灰灰 橙橙 紫紫 粉粉 黑黑 白白 青青 層层 漂漂 升升 降降 墜坠 沉沉 "
    "轉转 圍围 鐘钟 針针 順顺 逆逆 時时 緩缓 慢慢 飛飞 速速 徐徐 彼彼 此此 相相 互互 畫画 面面 幕幕 節节 紀纪 "
    "塊块 亂乱 幫帮 給给 請请 讓让 說说 麼么 鮮鲜 豔艳 艷艳 滿满 衝冲 減减 環环 繞绕 簡简 潔洁 風风 調调 躍跃 稜棱 "
    "雙双 齊齐 並并 著着 嗎吗 專专 屬属 異异 蕩荡 盪荡 適适 應应 產产 際际 錐锥 邊边 個个 愛爱 誰谁 麵面 憑凭 "
    "嘅的 嚟来 佢它 咗了 啲点 冇没 細细 見见 諒谅 請请 謝谢 們们 斷断 續续 繼继 發发 條条 張张 級级 組组 標标 "
    "題题 記记 實实 內内 燈灯 陽阳 鐵铁 裏里 輪轮 豎竖 壓压 擊击 傳传 讀读 寫写 網网 "
    "層层 約约 氣气 葉叶 雲云 紙纸 檸柠 蘋苹 藥药 錢钱 幣币 懸悬 掛挂 習习 學学 課课 認认 識识 區区 態态 極极 廣广 電电 腦脑 軟软 錄录 製制 設设 計计 聽听 龍龙 鳥鸟 馬马 魚鱼 貓猫 車车 機机 門门 "
    "問问 雜杂 樂乐 歡欢 關关 歲岁 師师 媽妈 爺爷 孫孙 寶宝 貝贝 錯错 誤误 強强 盤盘 緣缘 統统 洩泄 漏漏 麗丽 鬆松 緻致 亞亚 乾干 漿浆 燒烧 燭烛 韆千 鞦秋 億亿 優优 儘尽 趨趋 勢势 擠挤 擋挡 "
    "撐撑 邁迈 遲迟 遠远 近近 鄰邻 闊阔 陣阵 隊队 雞鸡 鴨鸭 響响 頁页 頂顶 項项 須须 預预 領领 頗颇 顫颤 餅饼 館馆 驗验 髮发 鬧闹 麥麦 黨党 齒齿 "
    "話话 悶闷 嬤嬷 嗰那")  # Cantonese: 嘅 = 的, 嚟 = 来, 佢 = 它, 咗 = 了, 啲 = 点
_TRAD = str.maketrans(dict(p for p in _TRAD_PAIRS.split()))
_CJK = re.compile(r"\d*[\u3400-\u9fff\uf900-\ufaff。、…，]")
# Chinese runs (with a number glued to them: 1个) and the rest
_SEGMENT = re.compile(r"\d*[\u3400-\u9fff\uf900-\ufaff。、…，]+|(?:(?!\d+[\u3400-\u9fff\uf900-\ufaff])[^\u3400-\u9fff\uf900-\ufaff。、…，])+")
_EN_WORD = re.compile(r"[a-z]+|\d+|[.,;:!?]|\S")
_SKIP = set("\"'`{}<>«»“”‘’*_~#|/\\")
_ASIDE = set("()[]【】〔〕〖〗「」『』")  # "a cross (purple) moving up": read like commas




_ARROW = re.compile(r"\s*(?:[-–—]+>|=+>|[→⟶➔➜➡])\s*")  # "red circle -> left": moves to
# An arrow that points a direction by itself: anywhere for the plain directions, and for the "to" arrows when
# nothing follows them ("a red circle ➡️"); "red circle -> left" stays "moves to left". (probe round 137, terse
# users: a "to" arrow, ASCII "->" too, before only a "+" and the next object or a lone speed word — "red circ → + blue
# sq ←", "cyan circs x3 → fast", "red circ ->": the arrow points right; before any other word it stays "moves to")
_DIRECTION_ARROWS = {"⬅←": "to the left", "➡": "to the right", "⬆↑": "upwards", "⬇↓": "downwards", "↗": "up and to the right",
                     "↖": "up and to the left", "↘": "down and to the right", "↙": "down and to the left"}
_DIRECTION_ARROW = {c: d for cs, d in _DIRECTION_ARROWS.items() for c in cs}
_ARROW_DIR = re.compile(r"([⬅←⬆↑⬇↓↗↖↘↙➡])\ufe0f?|[→⟶➔➜]\ufe0f?(?=\s*(?:$|[.,;:!?，。；！？]))")
_ARROW_END = r"(?:$|[.,;:!?，。；！？+＋])"  # (read on the typed text, right after a word: "0% -> 100%" stays)
_TO_ARROW_RIGHT = re.compile(r"(?i)([a-z0-9\u4e00-\u9fff★☆▲△■□●○◆◇➕✚])(\s*)(?:[→⟶➔➜]\ufe0f?|(?<![-–—=<])[-–—]{1,2}>)"
                             rf"(?=\s*(?:{_ARROW_END}|(?:fast|slow|quick)[a-z]*\s*{_ARROW_END}|[快慢]\s*{_ARROW_END}))")
# pictographs that say a motion, and shape symbols a colour word names the colour of ("red ➕", "green triangle 🔄")
_MOTION_EMOJI = re.compile(r"[🔄🔁🔃🌀↻↺⟳⟲]\ufe0f?")
_SHAPE_SYMBOL = {"➕": "cross", "✚": "cross", "★": "star", "☆": "star", "⭐": "star", "▲": "triangle", "△": "triangle",
                 "■": "square", "□": "square", "●": "circle", "○": "circle", "◆": "diamond", "◇": "diamond"}
_COLOURED_SYMBOL = re.compile(r"([a-z]+|[\u4e00-\u9fff]{1,2}色?的?)\s*([" + "".join(_SHAPE_SYMBOL) + r"])\ufe0f?",
                              re.IGNORECASE)
_BULLET = re.compile(r"(?m)^\s*(?:[-*•·‣▪◦]|\d{1,2}[.)、])\s*(?=\D)")  # "- red circle\n- moves right": list items, read as commas
# Clip settings typed into the prompt (length, frame rate, resolution): `stepvid generate` has flags for them
# and they change nothing the prompt asks for; read past and reported.
_NUM_WORD = r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|a few|few)"
# (probe round 128: a hedge before a setting, "like 5 seconds", "maybe 720p"; a frame count "16 frames @ 8fps"; a file
# size "under 5mb"; a resolution typed against Chinese, 分辨率1280x720, 高清1080p; a length in Chinese numerals,
# 十秒钟, and about it, 大约5秒钟, 6秒左右 / 8秒上下 — not 左右 moving)
_CLIP_SETTING = re.compile(
    r"(?:\b(?:for|lasting|of|about|around|at|in|with|like|maybe|roughly|approx(?:imately)?|under|max)\s+)?(?:\ba\s+)?\b(?:"
    rf"{_NUM_WORD}\s*-?\s*(?:seconds?|secs?)\b(?:\s+long\b)?|\d+s\b|\d+\s*fps\b|"
    r"\d+\s*frames?\s+per\s+second\b|\d{2,4}\s*[x×*]\s*\d{2,4}\b(?:\s+(?:resolution|pixels)\b)?|"
    r"\d{3,4}\s*p\b|\d{1,3}\s*frames\b(?!\s+per\b)|\d+(?:\.\d+)?\s*(?:mb|kb|gb)\b)"
    r"|(?<![a-z0-9.])(?:\d{2,4}\s*[x×*]\s*\d{2,4}|\d{3,4}\s*p)(?![a-z0-9])"
    r"|(?:时长|持续)?\s*[:：]?\s*(?:大约|大概|约莫|约|差不多)?\s*(?:\d+(?:\.\d+)?|[一二两三四五六七八九十半]{1,3})\s*(?:秒钟|秒)(?:(?:左右|上下)(?![移动摆晃跑飘走滑来去弹运飞摇往地着]))?(?:的|钟的)?"
    r"|(?:时长|持续)\s*[:：]?\s*\d+(?:\.\d+)?\s*s\b",
    re.IGNORECASE)
# The clip's orientation said alone among its settings (probe round 128: "splash screen anim, vertical, 3 seconds: a
# white diamond …", "Shorts format (vertical), 7 seconds"): a clause of its own, before anything of the world is named
# and beside a setting of the clip, or in brackets after "format" / "video" / "clip"; else it stays (a vertical
# gradient, a vertical motion: ambiguous)
_LONE_ORIENTATION = re.compile(r"(?i)(?:^|(?<=[,;，；(（]))\s*(?:vertical|portrait|landscape|horizontal|widescreen)"
                               r"(?:\s+(?:format|video|clip|orientation|mode|version))?\s*(?=[,;:，；：)）]|$)"
                               r"|(?:(?<=format)|(?<=video)|(?<=clip))\s*[(（]\s*(vertical|portrait|landscape|horizontal)\s*[)）]")


def _clip_orientation(m: re.Match, settings: bool, ignored: list[str]) -> str:
    if m.group(1) is None and not (settings and not _names_world(m.string[:m.start()])):
        return m.group()
    ignored.append(m.group().strip())
    return " "


_TIMES = re.compile(r"\b([1-3])\s*[x×](?=\s+[a-z])", re.IGNORECASE)  # "2x red circle": a count
# Spec habits (probe round 104): bullets and circled numbers inside a line ("• 1x pink cross, rotating • background:
# cyan", ①两个绿色五角星 ②互相靠近), items numbered inline ("Requirements: 1. One red circle 2. It moves …"; only where
# a "1." and a "2." item both stand), "×1" after a noun (红色十字 ×1: one, as "a" says), and where the clip goes
# ("Slide 5 –", "for slide 3", 第5页PPT用, 第三课《东南西北》用): list marks read as commas, the rest read past
_INLINE_BULLET = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[:：，,。]))[•·‣▪◦](?=\s|[\u4e00-\u9fff])|[①②③④⑤⑥⑦⑧⑨⑩]")
_INLINE_ITEM = re.compile(r"(?:(?<=[\s:：])|(?<=^))[1-9][.)、](?=\s*[^\d\s])")
_PAREN_ITEM = re.compile(r"(?:(?<=[\s:：,，])|(?<=^))[(（][1-9][)）](?=\s*[^\d\s])")
_ADDING = frozenset({"too", "also", "as well"})  # after a correction word: "… actually a blue circle too"
_TIMES_ONE = re.compile(r"(?<=\S)\s*[x×]\s*1(?![\d.])(?=\s*[,，。.;；\n(（]|\s*$)", re.IGNORECASE)  # (… x1 (still))
# "cyan sqaures x2 bouncing", 菱形 x2 (probe rounds 109, 111): two or three after a plural noun (a shape's, or a word the
# lexicon does not know: a typo of one) or a Chinese noun, said as the grammar reads a count there (", two of them", 两个)
# (probe round 134: a bracket after the count ends it too, "blue circles x2 (bounce, fast)"; after a shape's singular,
# "orange square x2", "cyan cross ×3", _SINGULAR_TIMES first reads that noun's plural)
_TIMES_AFTER = re.compile(r"(?:(?<=[\u4e00-\u9fff])\s*|(?<=[a-z])\s+)[x×]\s*([23])(?![\d.])"
                          r"(?=\s*[,，。.;；!\n(（]|\s*$|\s+[a-z\u4e00-\u9fff]|\s*[⬅←⬆↑⬇↓↗↖↘↙➡→⟶➔➜🔄🔁🔃🌀↻↺⟳⟲]|\s*-+>)",
                          re.IGNORECASE)  # (probe round 137: or an arrow, "blk star x3 ↘")


_ZH_SHAPE_END = re.compile(r"(?:圆形|圆圈|圆点|圆|球|正方形|方块|方形|三角形|三角|五角星|星星|星形|星|菱形|十字形|十字|物体|图形)\s*$")


_SINGULAR_TIMES = re.compile(r"\b([a-z]+)(?=\s+[x×]\s*[23](?![\d.]))", re.IGNORECASE)


def _counted_after(text: str, ignored: list[str]) -> str:
    text = _SINGULAR_TIMES.sub(lambda m: EN_SHAPE_PLURALS.get(m.group(1).lower(), m.group()), text)

    def count(m: re.Match) -> str:
        n = int(m.group(1))
        if _CJK.match(text[m.start() - 1]):
            if not _ZH_SHAPE_END.search(text[:m.start()]):
                return m.group()  # (转圈×3: three turns)
            new = "两个" if n == 2 else "三个"
        else:
            word = re.search(r"([a-z]+)$", text[:m.start()].lower()).group(1)
            lex, _, _, _, vocab = _lexicons()
            kinds = {k for k, _ in lex.get((word,), ())}
            if not (word.endswith("s") and (kinds & {"shape", "head"} or word not in vocab)):
                return m.group()
            new = f", {'two' if n == 2 else 'three'} of them,"
        ignored.append(f"{m.group().strip()} -> {new.strip(' ,')}")
        return new
    return _TIMES_AFTER.sub(count, text)
_SLIDE_NO = re.compile(r"(?i)\b(?:(?:for|on)\s+)?(?:slide|page|p\.|unit|lesson|chapter|module|week)\s*#?\d{1,3}(?![0-9a-z])(?:\s+of\s+(?:my|the|our|this)\s+(?:lesson|deck|"
                       r"presentation|talk|class)\b)?(?:\s*[-–—:]\s*(?:'[^'\n]{1,30}'|\"[^\"\n]{1,30}\")?)?"
                       r"|第\s*[\d一二三四五六七八九十]{1,3}\s*(?:页|张|课|节|讲|单元|章)(?:幻灯片|ppt)?(?:《[^》\n]{1,20}》)?"
                       r"(?:一课|一节|的?ppt)?(?:用的?|要用)?"
                       # a work's title in book-title marks (制作《认识图形》教学课件, 古诗《登鹳雀楼》课件): it names no object
                       r"|《[^》\n]{1,20}》")
_DASH = re.compile(r"\s+(?:--?|[–—])\s+")  # "Two shapes - a red circle and a green square - both moving up"
# Coloured-shape emoji, read as the object they draw only when the words name none ("🔴 moving left"); where
# the words name an object an emoji is decoration ("a red ball going left 🔴").
_EMOJI_OBJECTS = {"🔴": "red circle", "🟠": "orange circle", "🟡": "yellow circle", "🟢": "green circle",
                  "🔵": "blue circle", "🟣": "purple circle", "⚫": "black circle", "⚪": "white circle",
                  "🟤": "brown circle", "🟥": "red square", "🟧": "orange square", "🟨": "yellow square",
                  "🟩": "green square", "🟦": "blue square", "🟪": "purple square", "⬛": "black square",
                  "⬜": "white square", "🟫": "brown square", "🔶": "orange diamond", "🔷": "blue diamond",
                  "🔸": "small orange diamond", "🔹": "small blue diamond", "🔺": "red triangle",
                  "🔻": "red triangle", "⭐": "yellow star"}
_EMOJI_JOINERS = frozenset("\ufe0e\ufe0f\u200d\u20e3")


# A kaomoji ((｀・ω・´), (˶˃ ᵕ ˂˶), (ﾉ>ω<)ﾉ, (ง •_•)ง, (o゜▽゜)o☆): brackets round a face drawn in symbols, its arms
# beside them — decoration, read past (probe round 103). Inside: no Chinese, no two letters in a row, and at least
# one symbol that is neither ASCII nor an arrow or a shape (which name a motion or an object)
_KAOMOJI = re.compile(r"[ﾉノヽ٩ᕦ\\/]?[(（]([^()（）\u3400-\u9fff\n]{1,16})[)）][ﾉノﾞงو۶ᕤo☆✧*⌒彡ミ/\\]{0,3}(?![a-z])",
                      re.IGNORECASE)


def _kaomoji(text: str, ignored: list[str]) -> str:
    def face(m: re.Match) -> str:
        inner = m.group(1)
        if re.search(r"[a-z]{2}", inner, re.IGNORECASE) or not any(
                ord(c) > 0x7f and not 0x2190 <= ord(c) <= 0x21ff and not 0x2b00 <= ord(c) <= 0x2bff
                and c not in _SHAPE_SYMBOL and c not in _EMOJI_OBJECTS and c not in _DIRECTION_ARROW
                and not unicodedata.category(c).startswith(("L", "N")) or c in "ω" for c in inner):
            return m.group()
        ignored.append(m.group())
        return " "
    return _KAOMOJI.sub(face, text)


def _is_colour_word(w: str) -> bool:
    from stepvid.world.lexicon import EN_COLORS
    from stepvid.world.scene import COLOR_ZH

    w = w.lower().removesuffix("的")
    return w in EN_COLORS or w in COLOR_ZH.values() or w + "色" in COLOR_ZH.values()


def _decoration(c: str) -> bool:
    """Emoji and pictographs: read past ("a red ball going left 🔴"), reported as ignored."""
    return (unicodedata.category(c) in ("So", "Sk", "Cs") or c in _EMOJI_JOINERS or 0x1F3FB <= ord(c) <= 0x1F3FF
            or 0x1F300 <= ord(c) <= 0x1FAFF)  # (emoji newer than this Python's Unicode tables: 🩷, probe round 132)


# a face emoji between two words (probe round 118: "… and go BONK 😂 one red one blue"): where one clause ends and the
# next begins (a face draws no object; other decoration is read past as a space)
_FACE_BETWEEN = re.compile(r"(?<=[A-Za-z])\s*[\U0001F600-\U0001F64F\U0001F910-\U0001F92F\U0001F970-\U0001F97F]+\s*(?=[A-Za-z])")


def _invisible(c: str) -> str:
    """Control and format characters pasted along with text (bell, BOM, zero-width space, soft hyphen,
    direction marks): controls and the zero-width space separate words, other format characters vanish."""
    cat = unicodedata.category(c)
    if cat == "Cc" or c == "\u200b":
        return " "
    return "" if cat == "Cf" and c not in _EMOJI_JOINERS else c




_HASHTAG = re.compile(r"(?<![\w&])#\w+")  # "#shapes #animation", "prompt #3": tags and numbering, not requests
_PIECES = re.compile(r"\b(one|two|three|[123])\s+(?:pieces?|pcs?)\b(?:\s+of\b)?", re.IGNORECASE)  # "three pieces orange triangle"
# a single count after its noun, "yellow triangle one piece" (Chinese 一个, Russian одна штука; probe round 115): the noun
_PIECE_AFTER = re.compile(r"\b(circle|ball|dot|disc|square|box|block|triangle|star|diamond|cross)\s+(?:one|1)\s+(?:piece|pc)\b"
                          r"(?!\s+of\b)", re.IGNORECASE)
# "Scene: …. Objects: one blue star …": a label opening a clause (a counted "Two shapes: …" stays a header)
_LABEL = re.compile(r"(?:^|(?<=[.;!?\n。；,]))\s*(?:(?:the\s+)?(?:first|second|third|1st|2nd|3rd|last|other)\s+)?"
                    r"(?:scene|setting|objects?|shapes?|elements?|items?|description|tags?|keywords|style|标签|关键词|风格|"
                    r"notes?|nb|p\.?s|备注|注意|注)"
                    r"(?:\s*#?\s*(?:[1-3]|one|two|three|[abc])\b)?\s*[:：]", re.IGNORECASE)



# What a prompt is for and who it is for ("for my class slides", "so my baby can follow it", 给学生上课用, 用作开场)
# and a label before it ("Stimulus:", "Placeholder sprite:", 测试：, 边界用例：) are read past when they name
# nothing of the world (no colour, shape, size, motion, direction, speed, place or background).
_PURPOSE = re.compile(
    r"(?i)\bfor\s+(?:my|our|your|his|her|their|the|a|an|this|some|kids|children|students|people)\b"
    r"(?:(?!\b(?:i|we)(?:\s+(?:need|want|would like)|'d like)\b|\b(?:can|could|would) you\b|\bplease\b)[^.,;:!?()\n])*"
    r"|\bso\s+(?:that\s+)?(?:my|our|your|the|people|kids|children|viewers|students|he|she|they|we|i|it)\b[^.,;:!?()\n]*"
    r"|(?:给|为|帮)(?:学生|宝宝|孩子|小朋友|大家|观众|客户|老师|孙子|孙女|女儿|儿子|我妈|我爸|老板|同事|朋友)[^，。,；;！!：:]*"
    r"|(?:用作|用于|用来做|当作|做宣传用|(?:上(?:几何|数学|美术|科学|物理)?[课課]|[课課]堂|教[学學]|[讲講][课課])(?:要|會|会)?(?:投影|演示|展示|播放)?用|宣传用|开场用)"
    r"[^，。,；;！!：:]*"  # (上課要用的: probe round 119; 上几何课用: probe round 133)
    # 做屏保用, 当壁纸用 after the request; 情人节用的，… before it (writer round 151): what the clip is used as or for
    r"|(?<![\u4e00-\u9fff])(?:做|当|作)(?:(?![往向朝左右上下转弹飘移快慢大小色])[\u4e00-\u9fff]){1,4}?用(?:的)?(?=\s*(?:[。！!～~]|$))"
    r"|^\s*(?:(?![往向朝左右上下转弹飘移快慢大小色背])[\u4e00-\u9fff]){1,5}?用的(?=\s*[，,])"
    r"|(?:ppt|课件|视频|片子)的?(?:开头|开场|片头|结尾|封面)(?:用)?(?=\s*(?:想要|要|来|需要|做|[，,：:]))"  # PPT开头想要个… (round 133)
    r"|让(?:宝宝|孩子|小朋友|学生|大家|观众)[^，。,；;！!：:]*"
    r"|(?<![^\s，,、。；;：:])[^，,、。；;：:\n]{1,12}?(?:风格|风|感|调性)(?=\s*(?:[，,、。；;\n]|$))")  # 电商风, 留白感
# What a lesson or a clip is about, said in general words ("I'm making a slide about shapes for my 2nd graders", "a
# lesson on colours and shapes", 讲形状的课件): the topic names no object to draw, so it goes like a purpose
_TOPIC = re.compile(r"(?i)\b(?:slides?|lessons?|class|unit|lecture|talk|deck|worksheets?|presentation|video|clip|post|"
                    r"project|book|story)\s+(?:about|on)\s+(?:(?:basic|simple|2d|geometric)\s+)?"
                    # ("For a slide on opposite forces: one red circle going up while ...", probe round 143)
                    r"(?:shapes|colou?rs|geometry|motion|movement|directions|sizes|opposites|(?:opposite\s+)?forces)"
                    r"(?:\s+and\s+(?:shapes|colou?rs|geometry|motion|movement|directions|sizes))?\b"
                    r"|(?:讲授|讲解|讲|教|认识|学习|学)(?:形状|颜色|图形|几何|方向|大小)(?:变换)?(?:和(?:形状|颜色|图形|方向|大小))?"
                    r"(?:的|一节|一课)"  # (讲授图形变换一节时使用: probe round 116)
                    # "a shapes lesson", "We're learning shapes today" (probe round 100): the topic before the lesson,
                    # and what is learnt
                    r"|\b(?:shapes|colou?rs)(?=\s+(?:lessons?|class|unit|lecture|worksheets?|homework|week|song|game|quiz)\b)"
                    r"|\b(?:learning|learn|teaching|teach|studying|study|practi[sc]ing|reviewing)\s+(?:about\s+)?"
                    r"(?:(?:basic|simple|2d|geometric|our|the)\s+)?(?:shapes|colou?rs|geometry|directions|sizes)"
                    r"(?:\s+and\s+(?:shapes|colou?rs|directions|sizes))?\b"
                    # "for my toddler learning big and small" (probe round 123): a pair of opposites as the topic
                    r"|\b(?:learning|learn|teaching|teach|studying|study|practi[sc]ing|reviewing)\s+(?:about\s+)?(?:big\s+and\s+small|"
                    r"small\s+and\s+big|up\s+and\s+down|left\s+and\s+right|fast\s+and\s+slow|slow\s+and\s+fast|opposites)\b")
# a test case's name in code (test_11_two_objects:, case_3_bg:): an identifier with a number, whatever words it joins
_CASE_ID = re.compile(r"(?i)^\s*[a-z][a-z0-9]*(?:_[a-z0-9]+)*_\d+(?:_[a-z0-9]+)*\s*[:：]")
# "Looking for a loading-screen kind of thing:" (probe round 123): what the clip is like, vaguely, before its request
_KIND_OF_THING = re.compile(r"(?i)^\s*(?:(?:i'?m|i\s+am|we'?re|just)\s+)?(?:looking\s+for|hoping\s+for|after|want|need)\s+"
                            r"(?:an?\s+|some\s+)?([^:：\n.!?]{1,40}?)\s+(?:kind|sort|type)\s+of\s+(?:thing|deal|look)\s*[:：]")
_LEAD_LABEL = re.compile(r"^\s*([^\s:：,，.。!！?？]{1,14}(?:\s+[^\s:：,，.。!！?？]{1,14}){0,3})\s*[:：]")  # ("Need a hitbox test:")
# Why, said before a Chinese request verb (上班摸鱼想看点解压的 搞个…, 周一早上没精神，来个…, 孩子闹着要看 整一个…): the
# context goes when it names nothing of the world, like the purpose clauses above
_ZH_CONTEXT = re.compile(r"^\s*([\u4e00-\u9fff][^:：\n]{0,29}?)[\s，,。！!；;~～]+"
                         r"(?=(?:帮我|给我|麻烦|那就|就)?(?:搞|来|做|整|弄|画|生成)(?:一)?个)")
# What the clip is for, said before a Chinese "needs / hopes for" (kick-off会议PPT开场需要一个…, 课件中需展示一个…,
# 客户提案PPT的首页，希望加入一个…, Lesson 5的PPT需要一个…; probe round 116): read past when it names nothing of the world
_ZH_NEED = re.compile(r"^\s*([^:：\n。！!；;？?]{1,30}?)\s*(?:中|里)?\s*(?:需要|需|希望|要求|拟)\s*"
                      r"(?:加入|展示|呈现|制作|出现|有)?\s*(?=(?:一|两|三|[123])\s*(?:个|段|只|颗|枚))")
_NAMING_KINDS = {"color", "shape", "head", "size", "postsize", "motion", "dir", "vverb", "speed", "approach", "backforth",
                "diag", "bgword", "bgkind", "place", "badcolor", "badshape", "shade", "cmp", "mutual", "refuse", "loc",
                "bigcount", "tocentre", "nth", "one"}


def _bare_zh_place(t: Tok) -> bool:
    """上 / 下 / 左 alone in Chinese: inside words (晚上, 下雨天) more often than a direction."""
    return t.zh and t.kind == "place" and len(t.text) == 1


# Set phrases whose world word has another sense (writer round 156: "a dark day here", "the lights in the office went
# out", "my star pupil", "a square meal", "feeling a bit blue", "going in circles", "wheels spin"; writer round 157:
# 红包, 红榜, 绿码, 圆满, 方案, 星期): a context sentence that names the world only through them names nothing drawn,
# so it can be read past as chatter. Only ever used to judge whether a sentence is context; the request is read whole.
_IDIOMS = re.compile(
    r"(?i)\b(?:dark\s+days?|in\s+the\s+dark|darkness|(?:the|office|these|those)\s+lights|lights\s+(?:in|of)\s+the\s+\w+|"
    r"star\s+(?:pupils?|students?|players?|employees?)|square\s+meals?|"
    r"(?:feel(?:s|ing)?|felt)\s+(?:a\s+(?:bit|little)\s+|so\s+|kind\s+of\s+|kinda\s+|sorta\s+|pretty\s+|really\s+)?blue|"
    # (writer round 174: "got the green light", "back to square one", "come full circle", "green with envy", "a grey area")
    r"(?:the\s+|a\s+)?green\s+light|(?:back\s+to\s+)?square\s+one|(?:come|comes|came|coming)\s+full\s+circle|"
    r"green\s+with\s+envy|(?:a\s+)?gr[ae]y\s+areas?|out\s+of\s+the\s+blue|once\s+in\s+a\s+blue\s+moon|red\s+tape|"
    r"white\s+lies?|black\s+sheep|red[\s-]handed|tickled\s+pink|"
    r"(?:go(?:es|ing)?|went|gone|run(?:s|ning)?|talk(?:s|ing)?)\s+(?:round\s+|around\s+)?in\s+circles|"
    r"wheels?\s+(?:that\s+|which\s+)?(?:don'?t\s+|won'?t\s+)?(?:spin(?:s|ning)?|turn(?:s|ing)?)(?:\s+and\s+spin)?|"
    r"jigsaw\s+puzzles?|\d+-piece)\b"
    r"|红包雨?|红榜|红利|红人|绿码|健康码|圆满|方案|星期[一二三四五六日天]?|周[一二三四五六日末]"
    # dates, times and amounts in context (writer round 157: 周五前, 第2页, 下午3点, 12月10号, 47天, 288万, 8折; "at
    # 6pm", "since 5am"): a number with its unit counts no object
    r"|第?[0-9一二三四五六七八九十两百千]+(?:\.\d+)?\s*(?:点半|点钟|点(?!点)|号|月|日|天|年|页|题|公里|单|岁|套|道|床|"
    r"楼|层|分钟|秒|小时|周年|元|块钱|折|期|届|次|遍|万|千|百|w\+?|k\b|%|斤|公斤|kg|cm|室|厅|名|位|杯|缺)"
    r"|(?i:\b\d{1,2}(?::\d\d)?\s*(?:am|pm)\b)")


def _names_world(span: str, strict: bool = True) -> bool:
    """Does ``span`` name anything of the world (or anything the judge must refuse)? ``strict=False``: numbers,
    negations and sequence words alone do not ("Lot twelve:", "No breaks!", "After the break:")."""
    def names(t: Tok) -> bool:
        if t.kind not in _NAMING_KINDS or _bare_zh_place(t):
            return False
        return strict or not (t.kind == "bigcount" or t.kind == "refuse" and str(t.value).startswith(("negation", "a sequence")))

    for seg in _SEGMENT.findall(_IDIOMS.sub(" ", _TOPIC.sub(" ", span)).lower().translate(_TRAD)):  # (a topic names
        # nothing drawn, nor does a set phrase)
        toks = _zh_tokens(seg) if _CJK.match(seg) else _en_tokens(seg, [])
        if any(names(t) for t in toks):
            return True
    return False


# A demo's topic before its request ("rigid body rotation demo — a large black star spinning …", 刚体转动的例子：…,
# "Demonstrating elastic reflection at the walls — one large cyan square bouncing …"; probe round 114): read past when
# it names no object, colour, size or background and each motion it names is said again after it
_DEMO_LABEL = re.compile(r"(?i)^\s*(?:(?:an?\s+)?(?:demo(?:nstration)?|demonstrating|example|illustrating)\s+(?:of\s+)?"
                         r"([^:：\n—–]{1,40}?)|([^:：\n—–]{1,40}?)\s*的?(?:例子|演示|示例|示范|\bdemo|\bexample|\bdemonstration))"
                         r"\s*(?:[:：]|\s[—–]\s)")
_DEMO_OBJECT_KINDS = frozenset({"color", "badcolor", "shape", "badshape", "size", "postsize", "count", "bigcount",
                                "bgword", "bgkind", "refuse"})


def _demo_label(text: str) -> re.Match | None:
    m = _DEMO_LABEL.match(text)
    if m is None:
        return None
    toks = _tokens(m.group(1) or m.group(2), [])
    rest = {(t.kind, str(t.value)) for t in _tokens(text[m.end():], [])}
    if any(t.kind in _DEMO_OBJECT_KINDS for t in toks) or any(
            t.kind in _MOVING and (t.kind, str(t.value)) not in rest for t in toks):
        return None
    return m


def _purpose_run_on(span: str) -> int | None:
    """'for the peds ward yelow star spinnign …' (probe round 112, typed without a comma): a "for …" purpose of two to
    four words that name nothing, run into an object's noun phrase (a colour or a size, then a shape): where the
    noun phrase starts, else None."""
    words = list(re.finditer(r"\S+", span))
    if not words or words[0].group().lower() != "for":
        return None
    for k in range(3, min(5, len(words))):  # ("for a blue ball": no purpose, the object itself)
        head = re.sub(r"(?i)(?<=[a-z])-(?=[a-z])", " ", span[:words[k - 1].end()])
        if _names_world(head):
            return None  # ("looking for a mid-sized white cross": a size, hyphenated; probe round 140)
        if words[k - 1].group().lower() in ("a", "an", "the", "my", "our", "your", "his", "her", "their", "this", "some"):
            continue
        rest = span[words[k].start():]
        if _CJK.search(rest):
            return None
        toks = [t for t in _en_tokens(rest.lower(), []) if t.kind != "filler"]
        if toks and toks[0].kind in ("color", "size") and any(t.kind == "shape" for t in toks[:4]):
            return words[k].start()
    return None


def _asides(text: str, ignored: list[str]) -> str:
    m = _demo_label(text)
    if m:
        ignored.append(m.group().strip())
        text = text[m.end():]
    m = _KIND_OF_THING.match(text)
    if m and not _names_world(m.group(1), strict=False):
        ignored.append(m.group().strip())
        text = text[m.end():]
    m = _CASE_ID.match(text) or _LEAD_LABEL.match(text)
    if m and not _FIELD.match(text) and (m.re is _CASE_ID
                                         or not _names_world(re.sub(r"\d+", " ", m.group(1)), strict=" " not in m.group(1))):
        ignored.append(m.group().strip())
        text = text[m.end():]
    text = _TOPIC.sub(lambda m: ignored.append(m.group()) or (m.group().split()[0] if " " in m.group() else ""), text)
    text = _SLIDE_NO.sub(lambda m: ignored.append(m.group().strip()) or " ", text)
    m = _ZH_CONTEXT.match(text)
    if m and not _names_world(m.group(1)):
        ignored.append(m.group(1).strip())
        text = text[m.end():]
    m = _ZH_NEED.match(text)
    if m and _CJK.search(m.group()) and not _names_world(m.group(1)):
        ignored.append(m.group().strip())
        text = text[m.end():]

    def drop(m: re.Match) -> str:  # ("for a valentine's card thing": the vague "thing" is no object of the clip)
        if _names_world(re.sub(r"(?i)\b(?:thing|things|stuff)\b", " ", m.group())) or _CJK.search(m.group()) \
                and _names_world(_rewritten(m.group().lower().translate(_TRAD), [])):  # (稍微带点纸的质感: a texture)
            cut = _purpose_run_on(m.group())
            if cut is None:
                return m.group()
            ignored.append(m.group()[:cut].strip())
            return " " + m.group()[cut:]
        ignored.append(m.group().strip())
        return " "
    return _PURPOSE.sub(drop, text)


def _unstretched(m: re.Match) -> str:
    """A word with a letter held ("slowww", "sooo fast") as the lexicon word it stretches, else as written."""
    vocab = _lexicons()[4]
    if m.group() in vocab:  # (dddd: a word of its own)
        return m.group()
    for keep in (r"\1", r"\1\1"):
        w = re.sub(r"([a-z])\1{2,}", keep, m.group())
        if w in vocab:
            return w
    return m.group()


_FRONT_COLON = re.compile(r"^([^:：\n]{1,60})[:：]([^:：]+)$")
_MOTION_KINDS = frozenset({"motion", "dir", "vverb", "approach", "verb", "place"})
_OBJECT_KINDS = frozenset({"color", "shape", "badcolor", "badshape", "count", "bigcount", "bgword", "head"})


def _fronted_motion(text: str) -> str:
    """'Moving up-left: a small white square and a big green circle', 'Spinning: A and B', 'both shapes go
    down-right: A and B', 一起往上飘：A，B — a verb phrase before a colon and the objects after it: the motion is
    all of theirs. Rewritten as the objects, then "All <verb phrase>" (都<verb phrase>)."""
    m = _FRONT_COLON.match(text.strip())
    if not m:
        return text
    head, tail = m.group(1).strip(), m.group(2).strip()
    head_toks = _tokens(head, [])
    head_kinds = {t.kind for t in head_toks}
    # a head with a word the lexicon does not know is no verb phrase, and a bare 上 / 开 inside one is a piece of
    # another word: what the clip is for (上课要用：…, 想做个开场：…), read past by ``_asides``
    # (a bare side right after 往 / 向 is a direction: 两个都往右：A，B — writer round 176)
    moving = {t.kind for k, t in enumerate(head_toks) if not _bare_zh_place(t)
              or k and head_toks[k - 1].kind == "prep" and head_toks[k - 1].text in ("往", "向", "朝")} & _MOTION_KINDS
    if head_kinds & _OBJECT_KINDS or not moving or head_kinds & {"refuse", "unknown"} \
            or not any(t.kind == "shape" for t in _tokens(tail, [])):
        return text
    tail = tail.rstrip(" .。!！")
    if head_toks[0].kind == "pronoun" and head_toks[0].text[:1] in "两俩三仨":  # 两个都…: as many objects, one each
        tail_toks = _tokens(tail, [])
        if any(t.kind == "count" and t.value != 1 for t in tail_toks) \
                or sum(t.kind == "shape" for t in tail_toks) != (2 if head_toks[0].text[:1] in "两俩" else 3):
            raise _refuse(f"'{head_toks[0].text}' before the colon, but not as many objects after it")
    if _CJK.match(head):
        return f"{tail}，{'' if head.startswith(('都', '全都', '一起')) or head_toks[0].kind == 'pronoun' else '都'}{head}"
    lead = re.match(r"(?i)(both|all|they)\b", head)
    return f"{tail}. {head}" if lead else f"{tail}. All {head}"


# Probe round 155: a second thought said as "make it … instead" in a sentence of its own ("a yellow ball moving right.
# hmm, make it bounce around instead", "purple star spinning. no wait, make it grow instead of spinning"): a
# correction ("actually make it …"), so what it says replaces what the sentence before said of the object. "instead
# of <x>" must name something said before ("… make it grow instead of shrinking" after a spin stays refused).
_INSTEAD = re.compile(r"(?<=[.!?,;])(\s*)(?:(?:hmm+|oh|ok|okay|no\s+wait)\s*,?\s*)?(make\s+it|have\s+it)\b([^.!?;,]*?)"
                      r"\s+instead(?:\s+of\s+([a-z]+))?\s*(?=[.!?]|$)")


def _instead(m: re.Match, text: str, ignored: list[str]) -> str:
    if m.group(4) and not re.search(rf"\b{re.escape(m.group(4))}\b", text[:m.start()]):
        return m.group()
    if sum(t.kind == "shape" for t in _tokens(text[:m.start()], [])) != 1:
        return m.group()  # ("a red circle spinning and a blue square moving left. make it grow instead": which?)
    ignored.append("instead" + (f" of {m.group(4)}" if m.group(4) else ""))
    return f"{m.group(1)}actually {m.group(2)}{m.group(3)}"


# A Chinese date or time of day in context (writer round 157: 下周三（15号）社区活动…, 请各楼栋长周四前反馈, 3号晚上7点,
# 下午2点到5点, 12月10号, 今天星期六): says when, never what is drawn — read past (its 下 / 上 is no direction)
_ZH_WHEN = re.compile(
    r"[（(]?(?:(?:(?:上|下|这|本)(?:个)?)?(?:周|星期|礼拜)[一二三四五六日天末]|\d{1,2}月\d{1,2}[日号]|\d{1,2}月|\d{1,2}号"
    r"|(?:今天|明天|昨天|后天|今晚|明晚|明早|今早)?(?:上午|下午|晚上|早上|凌晨|中午|傍晚)?\d{1,2}点(?:半|整|钟)?)"
    r"(?:(?:[到至~～-]|之间)\d{1,2}点(?:半|整)?)?[）)]?(?:之前|以前|之后|以后|前(?![进面方])|后(?![退面方]))?"
    r"|(?:今天|明天|昨天|后天|今晚|明晚|明早|今早)(?=[\u4e00-\u9fff\d])")


def _normalise(text: str, ignored: list[str]) -> str:
    text = _TO_ARROW_RIGHT.sub(r"\1\2➡", text)
    text = _fronted_motion(_kaomoji(text, ignored))
    text = _asides(_contrasts(_generator_syntax(text, ignored), ignored), ignored)
    ignored.extend(_HASHTAG.findall(text))
    text = _LABEL.sub(", ", _HASHTAG.sub(" ", text))
    text = _PIECES.sub(r"\1", _PIECE_AFTER.sub(r"\1", text))
    text = _INLINE_BULLET.sub(", ", _counted_after(_TIMES_ONE.sub("", text), ignored))
    if re.search(r"(?:^|[\s:：])1[.)、]", text) and re.search(r"(?:^|[\s:：])2[.)、]", text):
        text = _INLINE_ITEM.sub(", ", text)
    if re.search(r"(?:^|[\s:：,，])[(（]1[)）]", text) and re.search(r"(?:^|[\s:：,，])[(（]2[)）]", text):
        text = _PAREN_ITEM.sub(", ", text)  # "Two objects: (1) medium red triangle …, (2) …" (writer round 176)
    text = _DASH.sub(", ", "".join(_invisible(c) for c in _BULLET.sub(", ", text)))
    text = _TIMES.sub(r"\1 ", text)
    settings = [m.group().strip() for m in _CLIP_SETTING.finditer(text)]
    ignored.extend(settings)
    text = _CLIP_SETTING.sub(" ", text)
    text = _LONE_ORIENTATION.sub(lambda m: _clip_orientation(m, bool(settings), ignored), text)
    text = _ARROW_DIR.sub(lambda m: f" moves {_DIRECTION_ARROW.get(m.group(1) or '', 'to the right')} ", text)
    text = _ARROW.sub(" moves to ", text.replace("°", " degrees "))
    text = _MOTION_EMOJI.sub(" spinning ", text)
    text = _COLOURED_SYMBOL.sub(lambda m: f"{m.group(1)} {_SHAPE_SYMBOL[m.group(2)]} "
                                if _is_colour_word(m.group(1)) else m.group(), text)
    text = _FACE_BETWEEN.sub(", ", text)
    deco = "".join(c for c in text if _decoration(c))
    if deco:
        ignored.append(deco)
        text = "".join(" " if _decoration(c) else c for c in text)
    # NFKC per character, except the Chinese comma: it separates clauses, where "," separates list items
    t = "".join(c if c == "，" else unicodedata.normalize("NFKC", c) for c in text).translate(_TRAD).lower()
    t = re.sub(r"(?<=[\u3400-\u9fff]),(?=[\u3400-\u9fff])", "，", t)  # "," typed between Chinese words
    # "slowww", "fasttt": chat elongation, undone before the rewrites ("like reallyyy slow": probe round 140)
    t = re.sub(r"[a-z]*([a-z])\1{2,}[a-z]*", _unstretched, t)
    if _CJK.search(t):
        ignored.extend(m.group() for m in _ZH_WHEN.finditer(t))
        t = _ZH_WHEN.sub("", t)
    t = _rewritten(t, ignored)
    t = _INSTEAD.sub(lambda m: _instead(m, t, ignored), t)
    t = re.sub(r"(?<!一块)(?<=[圈球块点星角形个边面头字底])儿", "", t)  # 圆圈儿, 右边儿, 十字儿, 白底儿 (but 一块儿: together)
    t = re.sub(r"背景\s+(?=[上中里])", "背景", t)  # "蓝色背景 上 一个…"
    # a wish said of the drawn object (希望它变大, 最好它往左, 要它们转起来): the causative 让它 — what follows is read
    t = re.sub(r"(?:^|(?<=[，,。.！!？?；;\s]))(?:我?(?:希望|想要|想让|希望能)|最好(?:是)?|要)(?=它)", "让", t)
    t = t.replace("’", "'").replace("‘", "'").replace("&", " and ")
    t = re.sub(r"(?<=\w)\s*\+\s*(?=\w)", " and ", t)  # "2 black diamonds + 1 white star"
    t = re.sub(r"\b(can)'t\b", r"\1 not", t)
    t = re.sub(r"\bwon't\b", "will not", t)
    t = re.sub(r"\b(\w+)n't\b", r"\1 not", t)
    t = re.sub(r"\b(it|there|here|that|what|who|he|she)'s\b", r"\1 is", t)
    t = re.sub(r"\bi'?m\b", "i am", t)  # "im looking for…": chat drops the apostrophe
    t = re.sub(r"'(s|re|ll|ve|d)\b", lambda m: {"re": " are", "ll": " will", "ve": " have"}.get(m.group(1), ""), t)
    return re.sub(r"(?<=[a-z0-9\u3400-\u9fff])[-‐‑–—](?=[a-z0-9\u3400-\u9fff])", " ", t)  # 红色-colored


@lru_cache(maxsize=1)
def _lexicons():
    en = en_lexicon()
    zh = zh_lexicon()
    words = {w for key in en for w in key if w.isalpha()}
    return en, max(len(k) for k in en), zh, max(len(k) for k in zh), frozenset(words)


def _edits1(w: str) -> set[str]:
    """Words one insert, delete, substitution or adjacent swap away from ``w``."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(w[:i], w[i:]) for i in range(len(w) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in letters}
    out |= {a + c + b for a, b in splits for c in letters}
    out.discard(w)
    return out


_NP_HEAD_KINDS = {"shape", "head", "color", "size", "shade", "bgword"}  # a word before these modifies a noun


# Words a typo is corrected into only right before a noun: "round" is a shape there ("a rond shape") and a
# preposition elsewhere, so "bound around" (bounce's near miss) would gain a circle.
_NOUN_ONLY_TYPO_TARGET = frozenset({"round"})


# English words for looks this world cannot show, one edit from a world word: what was asked, never a typo of it
# ("a green cross that glows" is not one that grows — probe round 162)
_EFFECTS_NOT_TYPOS = frozenset({"glows", "glowed", "glowy", "glower", "blinks", "blinked"})


def _typo_fix(words: list[str], i: int, after: Tok | None = None) -> str | None:
    """The one lexicon word ``words[i]`` is a typo of, or None when there is none or it is not clear.

    Candidates are lexicon words of >= 5 letters one edit away. Several are told apart by the words around:
    the one that makes the longest lexicon phrase with its neighbours ("becomes smallr" -> smaller, "diamond
    shae" -> shape, "thre is" -> there), else those that mean something alone if they all mean the same,
    else before a noun the one that can modify it ("a yelow star" -> yellow not below, "thre red squares"
    -> three, "a blck box" -> black not block, "whie-coloured" -> white; ``after`` is the token that follows the words, "a blck 方块"),
    and one shape in the number its count says ("one crosss" -> cross).
    """
    lex, maxlen, _, _, vocab = _lexicons()
    if words[i] in _EFFECTS_NOT_TYPOS or words[i] in _COLOUR_TYPO_ENGLISH:
        return None  # (writer round 174: "I teach a kids' colour class" is no typo of peach)
    slip = _key_slip_fix(words, i, after) if len(words[i]) == 4 else None
    if slip is not None:  # ("doen" after "going": down, not dozen)
        return slip
    nxt = lex.get((words[i + 1],), ()) if i + 1 < len(words) else () if after is None else ((after.kind, after.value),)
    before_noun = any(k in ("shape", "head") for k, _ in nxt)
    fixes = sorted(f for f in _edits1(words[i]) & vocab if len(f) >= 5
                   and (before_noun or f not in _NOUN_ONLY_TYPO_TARGET))
    if not fixes:
        return _far_typo_fix(words, i, nxt)
    if len(fixes) <= 1:
        return fixes[0] if fixes else None

    def phrase(f: str) -> tuple[int, object]:
        ws = [*words[:i], f, *words[i + 1:]]
        return max(((n, lex[tuple(ws[a:a + n])]) for a in range(max(0, i - maxlen + 1), i + 1)
                    for n in range(max(i - a + 1, 2), maxlen + 1)
                    if a + n <= len(ws) and tuple(ws[a:a + n]) in lex), default=(0, None), key=lambda x: x[0])

    longest = {f: phrase(f) for f in fixes}
    top = max(n for n, _ in longest.values())
    if top:
        fixes = [f for f in fixes if longest[f][0] == top]
        if len(fixes) == 1 or len({longest[f][1] for f in fixes}) == 1:  # "becomes smallr": small or smaller, one meaning
            return fixes[0]
    fixes = [f for f in fixes if (f,) in lex] or fixes  # prefer words that mean something alone
    meanings = {lex.get((f,)) for f in fixes}
    if len(fixes) == 1 or len(meanings) == 1 and None not in meanings:
        return fixes[0]
    shapes = {lex.get((f,), (("", None),))[0] for f in fixes}  # (kind, value) of each fix's first token
    if all(k == "shape" for k, _ in shapes) and len({v[0] for _, v in shapes}) == 1:
        before = [lex.get((w,), ((None, None),))[0] for w in words[max(0, i - 3):i]]
        counts = [v if k == "count" else 1 for k, v in before if k in ("count", "one")]
        counts += [int(w) for w in words[max(0, i - 3):i] if w.isdecimal()]
        if counts:
            return next(f for f in fixes if lex[(f,)][0][1][1] == (counts[-1] > 1))
        return None
    if i + 1 < len(words) and words[i + 1] in ("colored", "coloured"):  # "whie-coloured": white, not while
        colors = [f for f in fixes if lex.get((f,), (("",),))[0][0] == "color"]
        return colors[0] if len(colors) == 1 else None
    if any(k in _NP_HEAD_KINDS for k, _ in nxt):
        mods = [f for f in fixes if lex.get((f,), (("",),))[0][0] in ("color", "size", "count")]
        if len(mods) == 1:
            return mods[0]
    # right after the background's word ("Background yelow.", "bg is yelow"): its colour, not "below" (round 136)
    said = [w for w in words[max(0, i - 2):i] if w not in ("is", "be")]
    if said and i and lex.get((said[-1],), (("",),))[0][0] == "bgword" and words[i - 1] in (said[-1], "is", "be"):
        colors = [f for f in fixes if lex.get((f,), (("",),))[0][0] == "color"]
        return colors[0] if len(colors) == 1 else None
    return None


# Phone typing's slips a step further than one edit (probe round 109), read only into the world's own words: a
# doubled letter in a 3-4-letter word ("pinkk", "dowwn", "sloww", "biig"; no English word is one of these with a letter
# doubled, where "booth" or "stoop" would be of "both" or "stop"), and one letter typed two or more places early or
# late in a longer word ("ritgh"), where the words around ask for that word's kind (a colour or a size before a noun,
# a direction after "to the" or a verb): "lager" or "withe" elsewhere are English, not "large" or "white".
_DOUBLED_TYPO_TARGET = frozenset(
    {"pink", "blue", "gray", "grey", "cyan", "star", "left", "down", "fast", "slow", "spin", "grow", "big"})
_MOVED_TYPO_KINDS = {"color": "noun", "size": "noun", "dir": "path", "place": "path"}


def _moved1(w: str) -> set[str]:
    """Words with one letter of ``w`` moved two or more places (the first letter stays: slips keep it)."""
    out = set()
    for a in range(1, len(w)):
        rest = w[:a] + w[a + 1:]
        for b in range(1, len(w)):
            if abs(a - b) >= 2:
                out.add(rest[:b] + w[a] + rest[b:])
    out.discard(w)
    return out


def _far_typo_fix(words: list[str], i: int, nxt: tuple) -> str | None:
    lex, _, _, _, vocab = _lexicons()
    w = words[i]
    doubled = {w[:k] + w[k + 1:] for k in range(1, len(w)) if w[k] == w[k - 1]} & _DOUBLED_TYPO_TARGET
    if len(w) in (4, 5) and len(doubled) == 1:  # ("biig": big)
        return doubled.pop()
    if len(w) < 5:
        return None
    moved = {f for f in _moved1(w) & vocab if lex[(f,)][0][0] in _MOVED_TYPO_KINDS}
    if len(moved) != 1:
        return None
    f = moved.pop()
    if _MOVED_TYPO_KINDS[lex[(f,)][0][0]] == "noun":
        fits = any(k in ("shape", "head", "color", "size") for k, _ in nxt)
    else:
        before = lex.get((words[i - 1],), ((None, None),))[0][0] if i else None
        fits = before in ("definite", "prep", "verb", "vverb", "motion")
    return f if fits else None


# A key slip in a short world word (probe round 112, fast typing): one letter typed with a QWERTY neighbour of its key
# ("lefy", "doen", "stsr", "tont") or two neighbouring letters swapped ("fsat", "spni"), the word's length kept. The
# one-edit corrector reads words of >= 5 letters only, and a colour before a noun has ``_short_colour_typo``; a 3-4
# letter slip is read into the one world word it fits, where the words around ask for that word's kind (as
# ``_far_typo_fix``): a size before a noun, a shape after a colour, size, count or article, a direction after a verb,
# "to" or "the", a speed after a motion said just before, a motion after its object. English words one slip from a
# world word ("vast", "bit", "sown", "tsar") are never read as one.
_QWERTY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_QWERTY_AT = {c: (r, k) for r, row in enumerate(_QWERTY_ROWS) for k, c in enumerate(row)}
_SLIP_TARGETS = frozenset({"big", "tiny", "star", "left", "down", "fast", "slow", "spin", "grow"})
_SLIP_ENGLISH = frozenset({"bib", "bit", "bog", "bug", "gig", "nig", "ting", "tint", "tony", "stat", "tsar", "sown",
                           "cast", "vast", "fats", "gast", "sloe", "alow", "brow", "trow", "gros"})
_MOTION_BEFORE = frozenset({"motion", "verb", "vverb", "dir", "place", "approach", "mutual", "backforth", "diag"})


def _qwerty_neighbours(c: str) -> str:
    if c not in _QWERTY_AT:
        return ""
    r, k = _QWERTY_AT[c]
    near = [(r, k - 1), (r, k + 1), (r - 1, k), (r - 1, k + 1), (r + 1, k - 1), (r + 1, k)]
    return "".join(_QWERTY_ROWS[a][b] for a, b in near if 0 <= a < 3 and 0 <= b < len(_QWERTY_ROWS[a]))


def _key_slip_fix(words: list[str], i: int, after: Tok | None) -> str | None:
    w = words[i]
    if w in _SLIP_ENGLISH or not 3 <= len(w) <= 4:
        return None
    slips = {w[:k] + c + w[k + 1:] for k in range(len(w)) for c in _qwerty_neighbours(w[k])}
    slips |= {w[:k] + w[k + 1] + w[k] + w[k + 2:] for k in range(len(w) - 1)}
    fits = slips & _SLIP_TARGETS
    if len(fits) != 1:
        return None
    f = fits.pop()
    lex = _lexicons()[0]
    kind = lex[(f,)][0][0]

    def kind_at(j: int) -> str | None:
        return lex.get((words[j],), ((None, None),))[0][0] if 0 <= j < len(words) else None

    nxt = lex.get((words[i + 1],), ()) if i + 1 < len(words) else () if after is None else ((after.kind, after.value),)
    before = kind_at(i - 1)
    if kind == "size":
        return f if any(k in ("shape", "head", "color", "size") for k, _ in nxt) else None
    if kind == "shape":
        return f if before in ("color", "size", "count", "one", "shade") else None
    if kind in ("dir", "place"):
        return f if before in ("definite", "prep", "verb", "vverb", "motion") else None
    if kind == "speed":
        return f if any(kind_at(j) in _MOTION_BEFORE for j in range(max(0, i - 4), i)) else None
    return f if before in ("shape", "head", "pronoun", "definite") else None  # (spin, grow)


def _short_colour_typo(words: list[str], i: int, after: Tok | None) -> str | None:
    """A 3-4 letter word right before a noun, one edit from exactly one colour ("a pnik circle", "a redd
    square", "a blu box"): that colour. Short words are corrected only there, where a colour is what fits."""
    from stepvid.world.lexicon import EN_COLORS

    lex = _lexicons()[0]
    nxt = lex.get((words[i + 1],), ()) if i + 1 < len(words) else () if after is None else ((after.kind, after.value),)
    one = i and words[i + 1:i + 2] == ["one"] and lex.get((words[i - 1],), (("",),))[0][0] in ("size", "count", "definite")
    if not one and not any(k in ("shape", "head") for k, _ in nxt) or words[i] in _COLOUR_TYPO_ENGLISH:
        return None
    colours = {EN_COLORS[c] for c in _edits1(words[i]) if c in EN_COLORS}  # gry: gray or grey, one colour
    # (a colour typed without its vowels, the first letter kept: "orng", "prpl", "blck" — probe round 136)
    colours |= {EN_COLORS[c] for c in EN_COLORS if len(words[i]) >= 3 and c[0] + re.sub("[aeiou]", "", c[1:]) == words[i]}
    return colours.pop() if len(colours) == 1 else None


# Words and names a phone's autocorrect puts where a colour was typed ("a Ryan triangle": cyan?): English, so never
# read as a colour's typo (probe round 136)
_COLOUR_TYPO_ENGLISH = frozenset({"ryan", "bed", "led", "fed", "ted", "rod", "rex", "pine", "pint", "punk", "wink",
                                  "link", "glue", "clue", "blur", "gran", "pray", "tray", "fray", "grab", "wine",
                                  "teach", "reach", "beach", "bread", "breed", "greed"})  # (writer round 174: "I teach …")


def _en_tokens(seg: str, ignored: list[str], after: Tok | None = None) -> list[Tok]:
    """English words -> tokens (typos corrected and reported); ``after``: the first token of the text that
    follows (a Chinese noun can tell a typo before it apart)."""
    lex, maxlen, _, _, vocab = _lexicons()
    words = [w for w in _EN_WORD.findall(seg) if w not in _SKIP]
    # a word split in two by a slipped space ("mov ing", "squar e", "whit e", "roll ing": probe round 109): joined
    # where one piece is no word of the lexicon and the two make one of >= 5 letters
    k = 0
    while k + 1 < len(words):
        a, b = words[k], words[k + 1]
        if a.isalpha() and b.isalpha() and (a not in vocab or b not in vocab) and len(a + b) >= 5 and a + b in vocab:
            ignored.append(f"{a} {b} -> {a + b}")
            words[k:k + 2] = [a + b]
        k += 1
    # ... and a space missed ("asmall pink squaremoving upwrads": probe round 136): a word the lexicon does not know,
    # cut where exactly one cut makes an article, colour or size + a colour, size or shape, or a shape + its verb, each
    # of >= 3 letters but the article ("asmall"); "hitbox", "redhead" stay; a word one edit from a lexicon word is a typo
    for k in range(len(words) - 1, -1, -1):
        w = words[k]
        if not w.isalpha() or len(w) < 4 or w in vocab:
            continue
        cuts = [(w[:c], w[c:]) for c in range(1, len(w)) if w[:c] in vocab and w[c:] in vocab
                and (c >= 3 or w[:c] in ("a", "an")) and len(w) - c >= 3]
        kind = {x: lex.get((x,), (("",),))[0][0] for cut in cuts for x in cut}
        cuts = [(a, b) for a, b in cuts if (kind[a] in ("count", "color", "size") and kind[b] in ("color", "size", "shape")
                                            or kind[a] == "shape" and kind[b] in ("verb", "motion"))
                and (a in ("a", "an") or not _edits1(w) & vocab)]
        if len(cuts) == 1:
            ignored.append(f"{w} -> {' '.join(cuts[0])}")
            words[k:k + 1] = list(cuts[0])
    fixes: dict[int, str] = {}
    # long words first, twice ("a yelow triangel": 'triangle' tells 'yelow' is a colour), then short ones ("a gry
    # squre" needs 'square' to know 'gry' is a colour)
    for short in (False, False, True):
        for i, w in enumerate(words):
            if not w.isalpha() or w in vocab or i in fixes or len(w) < (3 if short else 4) or short and len(w) > 4:
                continue
            fix = (_short_colour_typo(words, i, after) or _key_slip_fix(words, i, after)) if short \
                else _typo_fix(words, i, after)
            if fix is not None:
                fixes[i] = f"{w} -> {fix}"
                words[i] = fix
    ignored.extend(fixes[i] for i in sorted(fixes))
    out, i = [], 0
    while i < len(words):
        w = words[i]
        for n in range(min(maxlen, len(words) - i), 0, -1):
            key = tuple(words[i:i + n])
            if key in lex:
                out.extend(Tok(k, v, " ".join(key)) for k, v in lex[key])
                i += n
                break
        else:
            if w.isdecimal():  # (not "①": a digit int() does not read)
                n = int(w)
                out.append(Tok("count", n, w) if 1 <= n <= 3 else Tok("bigcount", None, w))
            elif w in ".;!?":
                out.append(Tok("sep", True, w))
            elif w == "," or w in _ASIDE:
                out.append(Tok("sep", False, w))
            elif w == ":":
                out.append(Tok("link", None, w))
            else:
                out.append(Tok("unknown", None, w))
            i += 1
    return out


_ZH_MEASURE = "个只颗枚块粒条片团座"


def _zh_tokens(seg: str) -> list[Tok]:
    _, _, lex, maxlen, _ = _lexicons()
    out, i, unknown = [], 0, ""
    while i < len(seg):
        if seg[i].isspace():
            i += 1
            continue
        if seg[i].isdecimal():  # 1个, 3颗: a number with its measure word (never 1 + 个体 'individual')
            m = re.match(r"\d+", seg[i:])
            n, end = int(m.group()), i + m.end()
            end += end < len(seg) and seg[end] in _ZH_MEASURE
            if unknown:
                out.append(Tok("unknown", None, unknown, True))
                unknown = ""
            out.append(Tok("count", n, seg[i:end], True) if 1 <= n <= 3 else Tok("bigcount", None, seg[i:end], True))
            i = end
            continue
        for n in range(min(maxlen, len(seg) - i), 0, -1):
            if seg[i:i + n] in lex:
                if unknown:
                    out.append(Tok("unknown", None, unknown, True))
                    unknown = ""
                out.extend(Tok(k, v, seg[i:i + n], True) for k, v in lex[seg[i:i + n]])
                i += n
                break
        else:
            unknown += seg[i]
            i += 1
    if unknown:
        out.append(Tok("unknown", None, unknown, True))
    return out


def _tokens(text: str, ignored: list[str]) -> list[Tok]:
    """The tokens of ``text``, what reading them passed over appended to ``ignored``. A pure function of the text,
    memoised: the fallbacks for long prompts re-read the same sentences in many combinations (a pasted chatbot
    answer re-tokenised one text ~26 times, seconds per prompt)."""
    toks, notes = _tokens_memo(text)
    ignored.extend(notes)
    return list(toks)


@lru_cache(maxsize=8192)
def _tokens_memo(text: str) -> tuple[tuple[Tok, ...], tuple[str, ...]]:
    ignored: list[str] = []
    return tuple(_read_tokens(text, ignored)), tuple(ignored)


def _read_tokens(text: str, ignored: list[str]) -> list[Tok]:
    t = _normalise(text, ignored)
    parts: list[tuple[list[Tok], list[str]]] = []
    after = None
    for seg in reversed(_SEGMENT.findall(t)):  # backwards: an English run sees the token after it
        fixes: list[str] = []
        toks = _zh_tokens(seg) if _CJK.match(seg) else _en_tokens(seg, fixes, after)
        parts.append((toks, fixes))
        after = toks[0] if toks else after
    out: list[Tok] = []
    for toks, fixes in reversed(parts):
        out.extend(toks)
        ignored.extend(fixes)
    return _shaded(out, ignored)


def _shaded(toks: list[Tok], ignored: list[str]) -> list[Tok]:
    """A shade before a world colour is that colour ("light green", "dark blue", 深橙色), reported; unless the shade
    moves it towards another world colour (``SHADE_AMBIGUOUS``: light blue, light red, 浅红), which stays refused."""
    out: list[Tok] = []
    for i, t in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if t.kind == "shade" and nxt is not None and nxt.kind == "color" and (t.text, nxt.value) not in SHADE_AMBIGUOUS:
            ignored.append(t.text)
            continue
        out.append(t)
    return out


# ------------------------------------------------------------------------------------------ 2. places
def _sign(v: float) -> int:
    return (v > 0) - (v < 0)


_BARE_ZH_DIRS = frozenset(["左", "右", "上", "下", "左上", "右上", "左下", "右下"])


# a start on both opposite sides ("from the left and right sides", probe round 129): read only beside "towards"
_SIDES = {(-1, 0): (1, 0), (1, 0): (-1, 0), (0, -1): (0, 1), (0, 1): (0, -1)}


def _places(toks: list[Tok]) -> list[Tok]:
    """Prepositions + positions -> ``dir`` tokens (value (vector, role)), ``loc`` or ``tocentre`` tokens."""
    out: list[Tok] = []
    i = 0

    def place_after(j: int) -> int | None:
        """Index of the place after position j, skipping the/画面/的 (None if there is none)."""
        k = j + 1
        while k < len(toks) and k <= j + 3 and (toks[k].kind in ("definite", "media")
                                                 or toks[k].text in ("的", "of", "its", "their")):
            k += 1
        return k if k < len(toks) and toks[k].kind in ("place", "path") else None

    def moves(j: int) -> bool:
        """Is the place at j half of a verb (上移 = place + verb: 'moves up')?"""
        return j + 1 < len(toks) and toks[j + 1].kind == "verb" and toks[j + 1].text == toks[j].text

    while i < len(toks):
        t = toks[i]
        if t.kind == "prep" and "loc" in t.value and not set(t.value) & {"dir", "dest", "src"} \
                and (j := place_after(i)) == i + 1 and moves(j):
            i += 1  # 在上移: 在 is the progressive (is moving up), not a location
            continue
        if t.kind == "prep" and set(t.value) & {"dir", "dest"} and i + 1 < len(toks) \
                and toks[i + 1].kind in ("vverb", "dir"):
            i += 1  # 往下落, 向上升: the verb carries the direction
            continue
        if t.kind == "prep" and (j := place_after(i)) is not None:
            p = toks[j]
            text = " ".join(x.text for x in toks[i:j + 1]) if not t.zh else "".join(x.text for x in toks[i:j + 1])
            roles = t.value
            if p.kind == "path":  # "from left to right"
                out.append(Tok("dir", (p.value, "path"), text, t.zh))
                i = j + 1
                continue
            if "src" in roles:
                k = i + 1
                nxt = j + 1
                if p.kind == "place" and p.value in _SIDES and nxt + 1 < len(toks) and toks[nxt].kind == "conj" \
                        and toks[nxt + 1].kind == "place" and toks[nxt + 1].value == _SIDES[p.value]:
                    k = nxt + 2 + (nxt + 2 < len(toks) and toks[nxt + 2].text in ("sides", "side", "edges", "ends"))
                    sep = "" if t.zh else " "  # "coming at each other from the left and right sides": where the
                    out.append(Tok("tocentre", "sides", sep.join(x.text for x in toks[i:k]), t.zh))  # two start
                    i = k
                    continue
                if nxt < len(toks) and toks[nxt].kind == "prep" and "dest" in toks[nxt].value \
                        and (k := place_after(nxt)) is not None and toks[k].kind == "place":
                    path = tuple(_sign(a - b) for a, b in zip(toks[k].value, p.value))
                    sep = "" if t.zh else " "
                    out.append(Tok("dir", (path, "path"), sep.join(x.text for x in toks[i:k + 1]), t.zh))
                    i = k + 1
                    continue
                out.append(Tok("dir", (p.value, "src"), text, t.zh))
            elif p.value == (0, 0):
                out.append(Tok("filler" if "loc" in roles else "tocentre", None, text, t.zh))
            elif "dir" in roles or "dest" in roles:
                out.append(Tok("dir", (p.value, "dest" if "dest" in roles else "dir"), text, t.zh))
            else:
                out.append(Tok("loc", None, text, t.zh))
            i = j + 1
            continue
        if t.kind == "place":
            nxt = i + 1
            prev = [x for x in out[-2:] if x.text != "的"]
            if t.zh and prev and prev[-1].kind in ("shape", "head") and not (nxt < len(toks) and toks[nxt].kind == "verb"
                                                                       and toks[nxt].text == t.text):
                if t.text in _BARE_ZH_DIRS and (nxt >= len(toks) or toks[nxt].kind in ("speed", "sep")):
                    out.append(Tok("dir", (t.value, "dir"), t.text, True))  # terse "白十字 左 快": a direction
                    i += 1
                    continue
                raise _refuse(f"relative position '{t.text}' is not judged")  # 方块的左边, 圆形上方
            if t.zh and t.value != (0, 0) and any(
                    k + 1 < len(toks) and toks[k].kind == "count" and toks[k + 1].kind != "place"
                    and all(x.text in ("有", "是", "还有") for x in toks[nxt:k]) for k in (nxt, nxt + 1)):
                # 上方一个蓝方块, 底下有一个蓝方块 (probe round 130): where the next object is, not the last one's way
                raise _refuse(f"position '{t.text}' is not judged")
            if nxt < len(toks) and toks[nxt].kind == "prep" and "dest" in toks[nxt].value \
                    and (k := place_after(nxt)) is not None and toks[k].kind == "place":  # "left to right"
                path = tuple(_sign(a - b) for a, b in zip(toks[k].value, t.value))
                sep = "" if t.zh else " "
                out.append(Tok("dir", (path, "path"), sep.join(x.text for x in toks[i:k + 1]), t.zh))
                i = k + 1
                continue
            if nxt < len(toks) and toks[nxt].text == "of":  # "left of the square"
                raise _refuse(f"relative position '{t.text} of' is not judged")
            if out and out[-1].kind == "definite" and not moves(i):  # "the top": a position, not a direction
                out.append(Tok("filler" if t.value == (0, 0) else "loc", None, f"{out.pop().text} {t.text}", t.zh))
            elif t.value == (0, 0):
                out.append(Tok("tocentre", None, t.text, t.zh))
            else:
                out.append(Tok("dir", (t.value, "dir"), t.text, t.zh))
            i += 1
            continue
        if t.kind == "path":
            out.append(Tok("dir", (t.value, "path"), t.text, t.zh))
        elif t.kind == "dir":
            out.append(Tok("dir", (t.value, "dir"), t.text, t.zh))
        else:
            out.append(t)
        i += 1
    return out


# ------------------------------------------------------------------------------------------ 3. background
_ARTICLES = {"a", "an", "一个", "一", "一片", "一块"}


def _is_gradient(t: Tok) -> bool:
    return t.kind == "bgkind" and t.value[0] in (None, "vgradient", "hgradient")


# Read-past words that only intensify the colour after them ("a grainy jet-black texture", "warm orange")
_COLOUR_INTENSIFIERS = frozenset({"jet", "midnight", "obsidian", "burnt", "cornflower", "warm", "cool"})


# Fillers that only grade the background kind after them ("有点颗粒感", "somewhat textured")
_DEGREE_FILLERS = frozenset({"有点", "有一点", "有些", "稍微", "一点", "somewhat", "kinda"})
_ALSO_FILLERS = frozenset({"也", "同样", "也同样"})  # 背景也是橙色的 (probe round 142): "the background is orange too"


def _bg_compatible(t: Tok, gradient: bool) -> bool:
    """Can ``t`` be part of a background phrase? (directions only describe a gradient)"""
    if t.kind in ("color", "badcolor", "shade", "bgkind", "bgaxis", "bgmod", "link", "definite"):
        return True
    if t.kind == "filler":
        return t.text in _COLOUR_INTENSIFIERS
    if t.kind == "dir":
        return gradient
    if t.kind == "count":
        return t.text in _ARTICLES
    return t.kind == "stop" and t.text in ("of", "的", "the")


def _colour_lead(toks: list[Tok], i: int, b: int, used: list[bool]) -> list[int]:
    """"black on white please. just a small black cross going up", "cyan on black!! a cyan square …" (probe round
    142): the indices of a colour alone before the "on <colour>" at ``i:b`` that opens the prompt or a sentence, when the
    next sentence names an object of just that colour (the object's colour, said first); else []."""
    if i != 1 and not (i > 1 and toks[i - 2].kind == "sep" and toks[i - 2].value) or toks[i - 1].kind != "color" \
            or used[i - 1]:
        return []
    e = b
    while e < len(toks) and toks[e].kind == "filler":
        e += 1  # "please"
    if e == len(toks) or toks[e].kind != "sep":
        return []
    while e < len(toks) and (toks[e].kind == "sep" or toks[e].kind == "filler"):
        e += 1
    while e < len(toks) and toks[e].kind in ("count", "size"):
        e += 1
    if e + 1 < len(toks) and toks[e].kind == "color" and toks[e].value == toks[i - 1].value and toks[e + 1].kind == "shape":
        return [i - 1]
    return []


def _pure_colour(t: Tok, toks: list[Tok]) -> bool:
    """Is ``t`` the 纯 ("pure") of 纯白色 — a colour's intensifier rather than a solid kind when another kind is said?"""
    if not (t.zh and t.text == "纯" and t.kind == "bgkind"):
        return False
    i = next((k for k, x in enumerate(toks) if x is t), None)
    return i is not None and i + 1 < len(toks) and toks[i + 1].kind == "color"


def _background(toks: list[Tok]) -> tuple[list[Tok], str | None, str | None]:
    """Take background phrases out of the stream; returns (rest, bg colour, bg kind)."""
    used = [False] * len(toks)
    spans: list[tuple[int, int]] = []

    def is_bg_prep(t: Tok) -> bool:
        return t.kind == "prep" and "bg" in t.value

    def gradient_near(a: int, step: int) -> bool:
        """Is there a gradient word between index a and the next clause break in direction step?"""
        while 0 <= a < len(toks) and toks[a].kind != "sep":
            if _is_gradient(toks[a]):
                return True
            a += step
        return False

    def past_fillers(i: int) -> str | None:
        """The kind of the first token from ``i`` on that is not a filler word."""
        while i < len(toks) and toks[i].kind == "filler":
            i += 1
        return toks[i].kind if i < len(toks) else None

    def article_bg(i: int) -> bool:
        """Is ``i`` an article opening a sentence's rest that names a background colour and nothing else ("Background:
        a flat, solid black.")?"""
        if not (toks[i].kind == "count" and toks[i].text in _ARTICLES):
            return False
        end = next((k for k in range(i + 1, len(toks)) if toks[k].kind == "sep" and toks[k].value), len(toks))
        rest = toks[i + 1:end]
        return any(t.kind == "color" for t in rest) and all(
            t.kind in ("bgkind", "bgmod", "color", "shade", "filler") or t.kind == "sep" and not t.value for t in rest)

    def scan(head: int) -> tuple[int, int]:
        grad_back = _is_gradient(toks[head]) or gradient_near(head - 1, -1)
        a = head - 1
        while a >= 0 and not used[a] and _bg_compatible(toks[a], grad_back):
            a -= 1
        if a >= 0 and not used[a] and is_bg_prep(toks[a]):
            a -= 1
        b = head + 1
        nxt = toks[b] if b < len(toks) else None
        coloured = any(toks[k].kind == "color" for k in range(a + 1, head))  # "on a green background: a white …"
        # the word before 背景, past chat fillers ("red square bounce yyds 背景 white": probe round 117, mixed zh/en)
        before = head - 1
        while before >= 0 and toks[before].kind == "filler":
            before -= 1
        linked = nxt is not None and not (coloured and nxt.text in (":", "：")) and (
            article_bg(b) or nxt.text in _DEGREE_FILLERS and past_fillers(b) == "bgkind" or  # 背景有点颗粒感
            nxt.zh and nxt.text in _ALSO_FILLERS and past_fillers(b) == "link" or  # 背景也是橙色的
            nxt.kind in ("link", "bgaxis", "bgkind", "bgmod", "dir") or nxt.text in ("of", "in", "with") and not coloured
                                      or nxt.kind == "sep" and not nxt.value
                                      or nxt.kind in ("color", "badcolor", "shade") and toks[head].kind == "bgword"
                                      and (before < 0 or toks[before].kind in ("sep", "conj", "cconj")
                                           or (toks[before].zh or toks[head].zh)
                                           and toks[before].kind in _VP_KINDS | {"motion", "verb"}))  # "…，背景黄色", "…往左 背景黄色"
        if linked:
            grad = _is_gradient(toks[head]) or gradient_near(b, 1)
            seen_attr = False
            while b < len(toks) and not used[b]:
                t = toks[b]
                if t.kind in ("color", "bgkind", "bgaxis", "badcolor", "shade", "bgmod") or t.kind == "dir" and grad:
                    seen_attr = seen_attr or t.kind != "bgmod"
                elif t.kind == "count" and t.text in _ARTICLES or t.kind == "definite":
                    if seen_attr:
                        break
                elif t.kind == "sep" and not t.value:  # "a blue background, lighter at the top and ...", 渐变（从上到下）
                    if b + 1 < len(toks) and toks[b + 1].kind == "sep" and not toks[b + 1].value:
                        b += 1  # "a gradient (yellow), vertical": a run of commas and brackets is one break
                        continue
                    k = b + 1
                    while k < len(toks) and toks[k].kind == "filler" and past_fillers(k) in ("bgkind", "bgaxis"):
                        k += 1  # "a deep crimson, uniformly solid"
                    if k > b + 1:
                        b = k - 1
                    k = b + 1  # 背景要有纹理的，嗯，灰色的，… (probe round 158): a spoken filler and its commas before
                    while k < len(toks) and (toks[k].kind == "filler" or toks[k].kind == "sep" and not toks[k].value):
                        k += 1  # a colour alone that goes on describing a colourless background
                    if any(toks[x].kind == "filler" for x in range(b + 1, k)) and k < len(toks) \
                            and toks[k].kind == "color" and (k + 1 == len(toks) or toks[k + 1].kind == "sep") \
                            and not any(toks[x].kind == "color" for x in range(a + 1, b)):
                        b = k - 1
                    nb = toks[b + 1] if b + 1 < len(toks) else None
                    after = toks[b + 2] if b + 2 < len(toks) else None  # a colour alone: "Background: vertical gradient, white."
                    nb_colour = nb is not None and nb.kind == "color" and (after is None or after.kind == "sep") \
                        and not any(toks[x].kind == "color" for x in range(a + 1, b))
                    if nb is None or nb.text in ("flat", "plain") or not (
                            nb.kind in ("bgaxis", "bgkind", "bgmod") or grad and nb.kind == "dir" or nb_colour):
                        break
                elif t.kind == "filler" and past_fillers(b) in ("color", "shade", "badcolor"):
                    pass  # "a gradient of midnight blue", "of warm orange"
                elif t.kind == "filler" and t.text in _DEGREE_FILLERS and past_fillers(b) in ("bgkind", "bgaxis"):
                    pass  # 背景是有点颗粒感的紫色 (probe round 131): a degree before the background's kind
                elif t.kind == "filler" and t.zh and t.text in _ALSO_FILLERS and past_fillers(b) == "link" and b == head + 1:
                    pass  # 背景也是橙色的 (probe round 142): 也 right after 背景, before its 是
                elif not (t.kind == "link" or t.text == "的" or t.text in ("of", "with", "in") and (
                        not seen_attr or past_fillers(b + 1) == "color")):  # "a gradient of purple"
                    break
                b += 1
            while b > head + 1 and toks[b - 1].kind in ("sep", "link", "definite", "count", "stop", "prep"):
                b -= 1  # give back trailing glue ("the background is white, and ...")
        else:
            b = head + 1
        return a + 1, b

    heads = [i for i, t in enumerate(toks) if t.kind == "bgword"] + \
            [i for i, t in enumerate(toks) if t.kind == "bgkind" and t.value[1]]
    for h in heads:
        if used[h]:
            continue
        a, b = scan(h)
        spans.append((a, b))
        for k in range(a, b):
            used[k] = True
    shared = None  # "both the background and the diamond should be red", 背景和星星都是紫色 (probe round 142): one
    for a, b in spans:  # colour said of the background and of one object together, with both / 都
        h = b - 1
        if toks[h].kind != "bgword" or any(toks[k].kind not in ("definite", "bgword") for k in range(a, b)) \
                or b >= len(toks) or toks[b].kind != "conj" or toks[b].text not in ("and", "和", "跟", "与", "同"):
            continue
        k = b + 1
        while k < len(toks) and (toks[k].kind in ("definite", "count", "size", "shape")
                                 or toks[k].kind == "conj" and toks[k - 1].kind == "shape") and not used[k]:
            k += 1  # (… and the circle and the square are blue: every object named)
        p = k
        while p < len(toks) and (toks[p].kind == "link" or toks[p].text in ("both", "都")):
            p += 1
        both = [x for x in range(k, p) if toks[x].text in ("both", "都")] + [x for x in (a - 1,) if x >= 0 and toks[x].text == "both"]
        if toks[k - 1].kind == "shape" and len(both) <= 1 \
                and any(toks[x].kind == "link" for x in range(k, p)) and p < len(toks) and toks[p].kind == "color" \
                and (p + 1 == len(toks) or toks[p + 1].kind == "sep"):
            if not both and any(toks[x].text in ("is", "was") for x in range(k, p)):
                raise _refuse(f"'{toks[h].text} {toks[b].text} …' {toks[p].text}: is the background {toks[p].text} too?")
            shared = toks[p]
            used[b] = True
            for x in both:
                used[x] = True
    for a, b in list(spans):  # "on a soft gradient that goes from left to right. Pink as well, if possible." (probe
        e = b + 2             # round 131): a colour said "as well" / "too" alone just after a colourless background
        if b + 1 >= len(toks) or toks[b].kind != "sep" or toks[b + 1].kind != "color" or used[b + 1] \
                or any(toks[k].kind == "color" for k in range(a, b)) or not any(toks[k].kind == "bgkind" for k in range(a, b)):
            continue
        while e < len(toks) and (toks[e].kind == "filler" or toks[e].kind == "sep" and not toks[e].value):
            e += 1
        if (e == len(toks) or toks[e].kind == "sep") and any(toks[k].text in ("as well", "too") for k in range(b + 2, e)) \
                and any(x.kind == "color" and x.value == toks[b + 1].value for x in toks[:a]):  # (as an object's colour)
            spans.append((b + 1, e))
            for k in range(b + 1, e):
                used[k] = True
    for i, t in enumerate(toks):  # "on white", "against a plain black."
        if used[i] or not is_bg_prep(t):
            continue
        b = i + 1
        while b < len(toks) and not used[b] and _bg_compatible(toks[b], False) and toks[b].kind != "link":
            b += 1
        # "white ball on black bouncing!!!", "two black circles on white heading towards each other" (probe round 142):
        # right after a shape, the object's motion may follow its ground with no comma
        verb_next = b < len(toks) and i > 0 and toks[i - 1].kind == "shape" and not toks[b].zh \
            and toks[b].kind in ("motion", "verb", "vverb", "approach", "mutual", "speed")
        lead = _colour_lead(toks, i, b, used) if b > i + 1 else []
        if b > i + 1 and (b == len(toks) or toks[b].kind == "sep" or verb_next or lead) \
                and any(toks[k].kind == "color" for k in range(i, b)):
            spans.append((i, b))
            for k in lead + list(range(i, b)):
                used[k] = True
    for i in range(1, len(toks) - 2):  # 一个黑色的大方块在白色上面往右跑 (probe round 142): 在 + a colour + 上面 right after
        t, c, on = toks[i], toks[i + 1], toks[i + 2]  # a shape is a ground of that colour, as 在白色背景上 is
        nxt = toks[i + 3] if i + 3 < len(toks) else None
        if t.zh and t.text == "在" and toks[i - 1].kind == "shape" and c.kind == "color" and on.kind == "dir" \
                and on.text in ("上", "上面", "之上") and not any(used[i:i + 3]) \
                and (nxt is None or nxt.kind in ("sep", "dir", "verb", "vverb", "motion", "speed", "prep")):
            spans.append((i, i + 2))  # (上面 says where, not a gradient's way)
            used[i] = used[i + 1] = used[i + 2] = True
    color = kind = None
    color_tok = kind_tok = None
    # The axis of a gradient may sit in another phrase of the one background: "以紫色渐变，左浅右深为背景"
    axis = []
    for a, b in spans:
        span = toks[a:b]
        axis += [(t.value, t) for t in span if t.kind == "bgaxis"]
        axis += [(t.value[0][0], t) for t in span if t.kind == "bgkind" and t.value[0] in ("vgradient", "hgradient")]
        for t in span:
            if t.kind == "dir":
                vec = t.value[0]
                if vec is None or (vec[0] != 0) == (vec[1] != 0):
                    raise _refuse(f"'{t.text}' is not a gradient direction (vertical or horizontal)")
                axis.append(("h" if vec[0] else "v", t))
    if len({v for v, _ in axis}) > 1:
        raise _refuse(f"conflicting gradient directions '{axis[0][1].text}' and '{axis[-1][1].text}'")
    if shared is not None:
        color, color_tok = shared.value, shared
    gradient_named = any(_is_gradient(t) for a, b in spans for t in toks[a:b])
    for a, b in spans:
        span = toks[a:b]
        for t in span:
            if t.kind in ("badcolor", "shade"):
                raise _refuse(f"unknown colour '{t.text}'")
            if t.kind == "color":
                if color is not None and color != t.value:
                    raise _refuse(f"conflicting background colours '{color_tok.text}' and '{t.text}'")
                color, color_tok = t.value, t
            elif t.kind == "bgkind":
                k = t.value[0]
                if k is None or (axis and k in ("vgradient", "hgradient")):
                    if not axis:
                        raise _refuse(f"'{t.text}' without a direction (say vertical or horizontal gradient)")
                    want = "vgradient" if axis[0][0] == "v" else "hgradient"
                    if k is not None and k != want:
                        raise _refuse(f"conflicting gradient directions '{t.text}' and '{axis[0][1].text}'")
                    k = want
                if kind is not None and kind != k:
                    if _pure_colour(kind_tok, toks):  # 纯白色，带有淡淡的网格纹理: 纯 intensifies the colour here
                        kind, kind_tok = k, t
                        continue
                    if _pure_colour(t, toks):
                        continue
                    raise _refuse(f"conflicting background kinds '{kind_tok.text}' and '{t.text}'")
                kind, kind_tok = k, t
        if any(t.kind in ("bgaxis", "dir") for t in span) and not gradient_named:
            raise _refuse(f"'{axis[0][1].text}' without 'gradient' in the background phrase")
    return [t for i, t in enumerate(toks) if not used[i]], color, kind


# ------------------------------------------------------------------------------------------ 4. grammar
_NP_KINDS = {"count", "size", "color", "shape", "head", "one"}
_EVERY = frozenset({"all", "all of them", "everything", "all of which", "全都", "全部", "三个都", "三者", "仨都", "三个全都",
                    "这三个"})  # plural pronouns that say every object, not just two
_VP_KINDS = {"dir", "verb", "vverb", "motion", "approach", "mutual", "backforth", "speed", "diag", "tocentre",
             "together", "respectively"}
_DIR_NAMES = {v: k for k, v in DIRECTIONS.items()}


def _join(toks: list[Tok]) -> str:
    out = ""
    for t in toks:
        out += t.text if t.zh or not out else " " + t.text
    return out


@dataclass
class _NP:
    toks: list[Tok] = field(default_factory=list)
    count: int | None = None
    color: str | None = None
    size: str | None = None
    shape: str | None = None
    shape_set: bool = False
    plural: bool | None = None
    definite: bool = False
    vps: list[list[Tok]] = field(default_factory=list)
    after: list[_Group] | None = None  # set when it opened right after a comma that followed these groups
    clause_start: bool = False  # it opened a clause ("Red goes left, green goes right"; 红色的向左)

    def content(self) -> bool:
        return self.count is not None or self.color is not None or self.size is not None

    def modifiers_only(self) -> bool:
        """A colour and/or size and nothing else (no count, no shape): 'red', 小号的 — its noun is elsewhere."""
        return not self.shape_set and self.count is None and (self.color is not None or self.size is not None)

    def bare_article(self) -> bool:
        """'a' / 'an' alone, with no verb phrase: the article of a noun that was read past."""
        return len(self.toks) == 1 and self.toks[0].text in ("a", "an") and not self.vps

    def pronoun_like(self) -> bool:
        """'the', 'that', 'the two': no colour, size or shape, so it refers back rather than describes."""
        return self.color is None and self.size is None and not self.shape_set and (self.definite or self.count is None)

    def text(self) -> str:
        return _join(self.toks)


@dataclass
class _Group:
    count: int
    color: str | None
    shape: str | None
    size: str | None
    text: str
    vps: list[list[Tok]] = field(default_factory=list)


# words that can only pick one of exactly two objects named before, all said already or not (see ``_Grammar._refer``)
_PAIR_REFERENCES = frozenset(("前者", "后者", "the former", "the latter"))


def _moves(g: _Group) -> bool:
    """Has the group a verb phrase that says how it moves (not just how fast)?"""
    return any(t.kind in _VP_KINDS - {"speed"} for vp in g.vps for t in vp)


class _Grammar:
    """Left-to-right reader: noun phrases make groups, verb phrases attach to the groups in focus.

    The focus is the list of groups the next verb phrase describes: "a red circle and a blue square"
    (joined by and/和/、/a comma in English) share it; a new noun after a verb phrase, a clause conjunction
    (while, 同时, 还有, ...), a Chinese comma or a sentence end starts a new one. Plural pronouns and
    both/all/都/一起 widen it to every group named since the last verb phrase.
    """

    def __init__(self, toks: list[Tok], ignored: list[str]):
        self.toks = toks
        self.ignored = ignored
        self.groups: list[_Group] = []
        self.np: _NP | None = None
        self.elided: list[_NP] = []  # "a red [circle] and a blue circle"
        self.elided_batch: list[_Group] | None = None  # the objects the last noun made of such pieces
        self.focus: list[_Group] = []
        self.joins: list[str | None] = []  # how each focus group joined the list: "and", "comma", "oxford", None
        self.join: str | None = None  # the join word seen since the last noun
        self.widened = False  # both/all/都/一起 said every focus group shares the verb phrase
        self.vp_number: str | None = None  # "sg"/"pl" from is/are before the verb phrase
        self.bound = False  # the focus has its verb phrase: the next noun starts a new focus
        self.fresh = False  # a clause break: the next noun starts a new focus
        self.unbound: list[_Group] = []  # groups named since the last verb phrase (what "both"/都 can mean)
        self.prev_focus: list[_Group] = []
        self.last_targets: list[_Group] = []
        self.vp: list[Tok] = []
        self.vp_in_np = False
        self.vp_de = False  # Chinese "...移动的" + noun: the verb phrase describes the noun that follows
        self.floating: list[list[Tok]] = []  # verb phrases before their noun ("Slowly, a red circle ...")
        self.last: Tok | None = None  # last significant token
        self.pool: list[_Group] | None = None  # the objects "one ... the other", 前者…后者 pick from
        self.picked: set[int] = set()  # which of them have been picked
        self.counted: Tok | None = None  # a bare 'one' / 一个 picked the next: every one must then be picked
        self.spread: tuple[list[_Group], int] | None = None  # 分别向左、向上…: the objects, the next one's index
        self.last_bound: tuple[list[Tok], list[_Group]] | None = None  # the last verb phrase and its objects
        self.corrected: list[_Group] | None = None  # "no wait" / 不对 before any new verb phrase: what it corrects
        self.corrected_vps: list[list[Tok]] = []  # the verb phrases the correction took back or its objects had
        self.replaced: list[tuple[list[_Group], list[_Group], list[list[Tok]]]] = []  # (old, new, their lost vps)
        self.stripped: list[_Group] = []  # the objects a correction took a verb phrase from
        self.vp_at = 0  # where the verb phrase being read began
        self.clip_speeds: list[tuple[list[Tok], int]] = []  # speeds said in a clause of their own, and the groups before

    # ---------------------------------------------------------------- helpers
    def _next(self, i: int) -> Tok | None:
        for t in self.toks[i + 1:]:
            if t.kind not in ("stop", "filler", "definite"):
                return t
        return None

    def _axis_of_a_neighbour_direction(self, i: int) -> bool:
        """Whether axis word ``i`` (horizontal(ly), vertical(ly), 水平…) sits next to a direction along that axis
        alone ("moves horizontally to the right", "rises vertically", 水平向右), so it adds nothing to it."""
        axis = 0 if self.toks[i].value == "h" else 1
        before = next((t for t in reversed(self.toks[:i]) if t.kind not in ("stop", "filler", "definite")), None)
        along = across = False
        for t in (before, self._next(i)):
            if t is not None and t.kind == "vverb":  # rises, falls: vertical by themselves
                along, across = along or axis == 1, across or axis == 0
            elif t is not None and t.kind == "dir":
                on, off = t.value[0][axis] != 0, t.value[0][1 - axis] != 0
                along, across = along or (on and not off), across or off
        return along and not across  # "falls vertically to the left": refused, not read as down-left

    def _unknown(self, i: int) -> CannotJudge:
        t = self.toks[i]
        w = t.text
        nxt = self.toks[i + 1] if i + 1 < len(self.toks) else None
        if t.zh and w.endswith("色") or t.zh and nxt is not None and nxt.zh and nxt.kind == "color":
            return _refuse(f"unknown colour '{w + (nxt.text if not w.endswith('色') else '')}'")
        if t.zh and w.endswith(("形", "体")):
            return _refuse(f"unknown shape '{w}'")
        nsig = self._next(i)
        if nsig is not None and nsig.kind in ("shape", "head", "one"):
            return _refuse(f"unknown attribute '{w}' (not a colour or size this world has)")
        if self.np is not None and self.np.content() and not self.np.shape_set:
            return _refuse(f"unknown shape '{w}'")
        if (self.focus or self.groups or self.vp) and (t.zh or w.endswith(("s", "ing", "ed"))):
            return _refuse(f"unknown motion '{w}'")
        return _refuse(f"unknown word '{w}'")

    def _number(self, vp: list[Tok]) -> str | None:
        """'sg' for "moves"/"is ...", 'pl' for "move"/"are ...", None for participles and Chinese."""
        if self.vp_number:
            return self.vp_number
        lex = _lexicons()[0]

        def verb(w: str) -> bool:
            return any(k in ("verb", "vverb", "motion", "approach") for k, _ in lex.get((w,), ()))

        for t in vp:
            if t.kind in ("verb", "vverb", "motion", "approach") and not t.zh:
                w = t.text.split()[0]
                if w.endswith("ing") or not (verb(w) or verb(w + "s") or verb(w + "es") or w in ("do", "does")):
                    return None
                if w in ("does", "is") or w.endswith("s") and not w.endswith("ss") and verb(w):
                    return "sg"
                if w == "do" or verb(w + "s") or verb(w + "es") or w.endswith("y") and verb(w[:-1] + "ies"):
                    return "pl"  # a base form with its own -s form: "move", not "still" or "moved"
                return None
        return None

    def _targets(self, vp: list[Tok]) -> list[_Group]:
        """Which focus groups a verb phrase describes.

        All of them when both/all/都/一起 said so, or a plural verb follows a singular last noun ("A and B
        move left"); only the last after a singular verb ("A and B moves left") or when the list did not
        end in a plain "and"/和 ("A, and B making a quarter turn": A's motion is left unsaid). Otherwise the
        run of verb-less nouns joined to the last one ("A moving up, B and C heading left": B and C).
        """
        if len(self.focus) <= 1 or self.widened:
            return self.focus
        if vp and all(t.kind == "speed" for t in vp) and self.last_bound is not None \
                and set(map(id, self.last_bound[1])) <= set(map(id, self.focus)):
            return self.last_bound[1]  # "A and B move right, fast": the speed of the motion just said, for both
        if _moves(self.focus[-1]):  # "a shrinking square and a cross growing": the cross's own verb
            return self.focus[-1:]
        number = self._number(vp)
        if number == "sg":
            return self.focus[-1:]
        if number == "pl" and self.focus[-1].count == 1:
            return self.focus
        if self.joins[-1] != "and":
            return self.focus[-1:]
        k = len(self.focus) - 1
        while k > 0 and self.joins[k] in ("and", "comma") and not _moves(self.focus[k - 1]):
            k -= 1
        return self.focus[k:]

    def _bind(self, vp: list[Tok]) -> None:
        if any(t.kind == "together" for t in vp):
            self._widen()
        if self.spread is not None or any(t.kind == "respectively" for t in vp):
            self._spread(vp)
            return
        targets = self._targets(vp)
        for g in targets:
            g.vps.append(vp)
        self.last_bound, self.corrected = (vp, targets), None
        self.unbound = [g for g in self.unbound if g not in targets]
        self.bound = True

    def _spread(self, vp: list[Tok]) -> None:
        """'A and B move left and right respectively', 'A、B和C分别向左、向上、向右移动': the i-th motion is the i-th
        object's. The motions may come in one verb phrase or, split by 、, in one phrase each."""
        items = [t for t in vp if t.kind in ("dir", "vverb", "motion", "approach")]
        if self.spread is not None:  # the next piece of a 、 list
            targets, j = self.spread
            if any(t.kind == "respectively" for t in vp) or len(items) != 1:
                raise _refuse(f"'{_join(vp)}' after a list of motions")
            targets[j].vps.append(vp)
            self.spread = (targets, j + 1) if j + 1 < len(targets) else None
            self.bound = True
            return
        word = next(t for t in vp if t.kind == "respectively")
        self._widen()
        targets = self.focus
        if len(targets) < 2:
            raise _refuse(f"'{word.text}' needs two or more objects listed before it")
        shared = [t for t in vp if t not in items and t.kind != "respectively"]
        if len(items) == len(targets):
            for g, it in zip(targets, items):
                g.vps.append([*shared, it])
        elif len(items) == 1:
            targets[0].vps.append([*shared, *items])
            self.spread = (targets, 1)
        else:
            raise _refuse(f"'{word.text}' with {len(items)} motions for {len(targets)} objects")
        self.unbound = [g for g in self.unbound if g not in targets]
        self.bound = True

    def _correct(self, noun: bool) -> None:
        """'a blue square moving up, no wait, down', 绿色圆往左 不对 往右: drop the verb phrase just said (what follows
        is the object's instead); 橙色圆往上 不对 是橙色方块往上: a new object next replaces the one just named."""
        dropped: list[list[Tok]] = []
        if self.vp:
            dropped.append(self.vp)
            self.vp = []
        elif self.vp_in_np and not noun and self.np is not None and self.np.vps and self.last_bound is None:
            dropped.append(self.np.vps.pop())  # "green triangle that goes left, I mean right" (probe round 158): the
            # verb phrase of a relative clause
        elif self.last_bound is not None and not noun:  # (after a noun: the noun is what is corrected)
            vp, targets = self.last_bound
            for g in targets:
                g.vps = [x for x in g.vps if x is not vp]
            dropped.append(vp)
            self.stripped.extend(targets)
            self.focus, self.joins, self.bound = list(targets), [None] * len(targets), False
        self.last_bound = None
        self.corrected = list(self.last_targets)
        self.corrected_vps = dropped + [vp for g in self.corrected for vp in g.vps if vp not in dropped]

    def _counted_run(self, i: int) -> bool:
        """Is colour ``i`` in a run of bare colours that a count of their number follows (红黄蓝三个圆)?"""
        a = i
        while a > 0 and self.toks[a - 1].kind == "color":
            a -= 1
        b = i
        while b + 1 < len(self.toks) and self.toks[b + 1].kind == "color":
            b += 1
        nxt = self.toks[b + 1] if b + 1 < len(self.toks) else None
        return nxt is not None and nxt.kind == "count" and nxt.value == b - a + 1 > 1

    def _listing_motions(self, i: int) -> bool:
        """Does the comma at ``i`` sit inside a list of motions that a later 'respectively' distributes (a motion
        word next, and 'respectively' before the sentence ends)? Chinese 、 lists are read one phrase at a time."""
        nsig = self._next(i)
        if nsig is not None and nsig.kind == "conj":  # "left, up, and right"
            nsig = self._next(self.toks.index(nsig, i + 1))
        if self.toks[i].zh or nsig is None or nsig.kind not in ("dir", "vverb", "motion"):
            return False
        for x in self.toks[i + 1:]:
            if x.kind == "respectively":
                return True
            if x.kind in ("cconj", "count", "one", "nth") or x.kind == "sep" and x.value:
                return False
        return False

    def _check_counted(self) -> None:
        """'A and B, one moves left' says not which: a bare 'one' is only clear once every object is picked."""
        if self.counted is not None and self.pool is not None and len(self.picked) < len(self.pool):
            raise _refuse(f"'{self.counted.text}' does not say which object")

    def _is_reference(self, i: int, t: Tok) -> bool:
        """Is a bare 'one' / 一个 / 另一个 (no colour, shape or size of its own, a verb phrase next) one of the objects
        just listed ('A and B, one moving left and the other right', 一个红圆和一个蓝方块，一个向左一个向右)?"""
        if t.kind == "nth":
            return True
        bare = t.kind == "one" or t.kind == "count" and t.value == 1 and (
            t.text in ("one", "another") or t.zh and t.text[:1] in "一另" and len(t.text) > 1)
        if not bare or self.np is not None:
            return False
        if t.text == "another" or t.text.startswith("另"):
            if self.pool is None:
                return False
        elif self.pool is None and sum(g.count for g in self.unbound) < 2:  # ("two circles, one … the other …")
            return False
        nsig = self._next(i)
        if nsig is not None and nsig.kind == "link" and not t.zh:  # "two circles: one is orange, the other …"
            j = self.toks.index(nsig, i + 1)
            then = self._next(j)
            return then is not None and then.kind in ("color", "size") and not any(
                x.kind in ("shape", "head") for x in itertools.takewhile(lambda x: x.kind != "sep", self.toks[j + 1:]))
        if nsig is None or nsig.kind not in _VP_KINDS - {"together", "mutual", "respectively"}:
            return False
        for x in self.toks[i + 1:]:  # 一个向左移动的红色圆形: a verb phrase before its own noun, not a reference
            if x.kind in ("sep", "cconj", "conj", "count", "one", "nth"):
                break
            if x.kind in ("color", "shape", "size", "head"):
                return False
        return True

    def _compared_size(self, i: int, t: Tok) -> str | None:
        """'a big orange triangle and a small purple triangle. the bigger one shrinks, the smaller one grows' (probe
        round 143): 'the' + a comparative + 'one' picks, of the objects named, each in a size of its own, the one
        of the biggest (smallest) size: its size. Comparatives ('bigger') pick from two objects, superlatives from
        any; else None."""
        before = self.toks[i - 1] if i else None
        after = self.toks[i + 1] if i + 1 < len(self.toks) else None
        if t.zh or before is None or before.kind != "definite" or after is None or after.kind != "one" \
                or self.np is None or self.np.content() or self.np.shape_set:
            return None
        sizes = [g.size for g in self.groups]
        order = ("small", "medium", "large")
        if len(sizes) < 2 or None in sizes or len(set(sizes)) != len(sizes) \
                or len(sizes) > 2 and not t.text.endswith("est"):
            return None
        return (max if t.value == "grow" else min)(sizes, key=order.index)

    def _refer(self, t: Tok) -> None:
        """Focus on the object a reference picks from the list just named (see :meth:`_is_reference`)."""
        self._end_vp()
        self._drop_np()
        if self.pool is None:
            fresh = self.unbound if len(self.unbound) >= 2 else [g for g in self.groups if not g.vps]
            split = len(fresh) == 1 and fresh[0].count > 1
            if split:  # "Two circles. The first one is orange …": each one apart
                fresh = self._split(fresh[0])
            elif not t.zh and t.kind != "nth" and t.text not in _PAIR_REFERENCES and len(fresh) >= 2:
                # "a blue square and a red circle, one goes left and the other goes right" (writer round 176; probe
                # rounds 14, 21: "… one of them should go up and the other stay still"): in English a bare 'one' over
                # objects each named apart does not say which of them (一个…一个… after a list reads in its order)
                raise _refuse(f"'{t.text}' does not say which object")
            if len(fresh) < 2 and t.text in _PAIR_REFERENCES and len(self.groups) == 2 \
                    and all(g.count == 1 for g in self.groups):  # "A goes left, B goes right, 前者快后者慢"
                fresh = list(self.groups)  # (probe round 143): former / latter pick from the two objects named
            if len(fresh) < 2 and t.kind == "nth" and t.value == "other" and len(self.groups) == 2 \
                    and all(g.count == 1 for g in self.groups) and len(self.last_targets) == 1 \
                    and self.last_targets[0] in self.groups and self.last_targets[0].vps:
                rest = [g for g in self.groups if g is not self.last_targets[0]]
                if not rest[0].vps:  # "A and B — the bigger one shrinks, the other one just sits there" (writer
                    self._end_vp()   # round 176): of two objects, the one the last verb phrase did not describe
                    self._drop_np()
                    self.focus, self.joins, self.bound, self.fresh, self.widened = rest, [None], False, False, False
                    self.last_targets = rest
                    return
            if len(fresh) < 2 and (self._second_named(t) or self._nth_named(t)):
                self.focus, self.joins, self.bound, self.fresh = [], [], False, True
                return
            if len(fresh) < 2:  # "A, B and C: the first ...": the objects no verb phrase has described yet
                raise _refuse(f"'{t.text}' refers to no list of objects named before")
            self.pool, self.picked, self.counted = list(fresh), set(), None
        pool = self.pool
        free = [j for j in range(len(pool)) if j not in self.picked]
        if t.kind == "nth" and t.value != "other":
            j = t.value if t.value >= 0 else len(pool) - 1
        elif t.kind == "nth" or t.text == "another" or t.text.startswith("另"):  # the other: the one left
            if len(free) != 1:
                raise _refuse(f"'{t.text}' could mean more than one object")
            j = free[0]
        else:  # one ... one ...: the next in the list
            if not free:
                raise _refuse(f"'{t.text}' but all {len(pool)} objects are taken")
            j, self.counted = free[0], self.counted or t
        if j >= len(pool):
            raise _refuse(f"'{t.text}' but only {len(pool)} objects are named")
        self.picked.add(j)
        self.focus, self.joins, self.bound, self.fresh, self.widened = [pool[j]], [None], False, False, False
        self.last_targets = [pool[j]]

    def _second_named(self, t: Tok) -> bool:
        """'a crimson diamond bouncing around, and the other one should be a purple cross' (probe round 123): where one
        object has been named, 'the other (one) is / should be a <shape>' names the second one."""
        if not (t.kind == "nth" and t.value == "other" and len(self.groups) == 1 and self.groups[0].count == 1):
            return False
        i = next(k for k, x in enumerate(self.toks) if x is t)
        rest = [x for x in self.toks[i + 1:] if x.kind not in ("stop", "filler")]
        if len(rest) < 3 or rest[0].kind != "link" or rest[0].text in (":", "：") or rest[1].kind != "count" \
                or rest[1].text not in ("a", "an"):
            return False
        noun = list(itertools.takewhile(lambda x: x.kind in ("color", "size", "shape"), rest[2:]))
        return bool(noun) and noun[-1].kind == "shape"

    def _nth_named(self, t: Tok) -> bool:
        """第一个是黑色三角往下，第二个是红色菱形往上 (probe round 143): with no list named before, 第N个是 + a noun that
        names a shape names the Nth object, where N-1 objects (one each) have been named before it."""
        if not (t.zh and t.kind == "nth" and isinstance(t.value, int) and t.value == len(self.groups) >= 0
                and all(g.count == 1 for g in self.groups)):
            return False
        i = next(k for k, x in enumerate(self.toks) if x is t)
        rest = [x for x in self.toks[i + 1:] if x.kind not in ("stop", "filler")]
        if len(rest) < 2 or rest[0].kind != "link" or rest[0].text != "是":
            return False
        noun = list(itertools.takewhile(lambda x: x.kind in ("color", "size", "shape", "count"), rest[1:]))
        return any(x.kind == "shape" for x in noun) and all(x.kind != "count" or x.value == 1 for x in noun)

    def _rest(self, t: Tok) -> None:
        """'the rest' / 'the others' / 其他: every object no verb phrase has described yet, when some have been."""
        self._end_vp()
        self._drop_np()
        rest = [g for g in self.groups if not _moves(g) and (g.shape or g.color)]  # ("three shapes:" names none)
        if not rest or len(rest) == len(self.groups):
            raise _refuse(f"'{t.text}' follows no object described before it")
        self.focus, self.joins, self.bound, self.fresh, self.widened = rest, [None] * len(rest), False, False, True
        self.last_targets = list(rest)

    def _split(self, g: _Group) -> list[_Group]:
        """The ``count`` objects of ``g`` as groups of one each, in its place (a reference picks one of them)."""
        parts = [_Group(1, g.color, g.shape, g.size, g.text) for _ in range(g.count)]
        for name in ("groups", "unbound", "focus"):
            xs = getattr(self, name)
            if g in xs:
                i = xs.index(g)
                setattr(self, name, xs[:i] + parts + xs[i + 1:])
        return parts

    def _end_vp(self, before_noun: bool = False) -> None:
        if not self.vp:
            return
        vp, self.vp = self.vp, []
        if all(t.kind == "speed" for t in vp):
            before = next((t for t in reversed(self.toks[:self.vp_at]) if t.kind not in ("stop", "filler")), None)
            if before is not None and before.kind == "sep" and before.value:
                self.clip_speeds.append((vp, len(self.groups)))  # "A going up, B going down. fast pls"
        if self.vp_in_np and self.np is not None:
            self.np.vps.append(vp)
        elif before_noun and self.vp_de:
            self.floating.append(vp)  # 保持静止的蓝色圆形
        elif self.focus:
            self._bind(vp)
        else:
            self.floating.append(vp)
        self.vp_de = False

    def _widen(self) -> None:
        """both/all/都/一起: every group named since the last verb phrase."""
        if not self.bound and self.unbound and all(g in self.unbound for g in self.focus):
            self.focus = list(self.unbound)
            self.joins = [None] * len(self.focus)
        self.widened = True

    def _pronoun(self, plural: bool, every: bool = False) -> None:
        if plural:
            self._widen()
            if sum(g.count for g in self.focus) < 2:
                cand = self.unbound if sum(g.count for g in self.unbound) >= 2 else self.groups
                self.focus = list(cand)
                self.joins = [None] * len(self.focus)
            elif every and self.bound and sum(g.count for g in self.focus) < 3 and sum(g.count for g in self.groups) == 3:
                # "a circle moving right and a pair of squares moving left, all of them fast" (probe round 123):
                # "all" after the objects' own verb phrases is every one of the three, not the pair said last
                self.focus = list(self.groups)
                self.joins = [None] * len(self.focus)
        elif not self.focus:
            self.focus = (self.prev_focus or self.groups)[-1:]
            self.joins = [None]
            self.widened = False
        self.bound = False

    def _set(self, np: _NP, key: str, value, tok: Tok) -> None:
        old = getattr(np, key)
        if old is not None and old != value:
            prev = next(t for t in np.toks if t.kind == key)
            raise _refuse(f"conflicting {'colours' if key == 'color' else key + 's'} '{prev.text}' and '{tok.text}' "
                          f"for one object")
        setattr(np, key, value)
        np.toks.append(tok)

    def _drop_np(self) -> bool:
        """Forget an open noun phrase that only refers back ('that', 'the two'); its verb phrases go to the focus."""
        np = self.np
        if np is None or not np.pronoun_like():
            return np is None
        self.np = None
        if np.vps:
            if np.toks and np.toks[0].text in ("that", "which", "who") and self.last_targets:
                self.focus, self.joins, self.bound = self.last_targets[-1:], [None], False  # "..., B which rises"
            else:
                self._pronoun(np.count is not None and np.count > 1)
            if not self.focus:  # nothing named yet: the verb phrases wait for the noun ("A leftward movement is made by the red circle")
                self.floating.extend(np.vps)
                return True
            for vp in np.vps:
                self._bind(vp)
        return True

    def _postposable(self) -> bool:
        """Can the open colour/size phrase describe the objects just named ('a triangle, green, rotating'), rather
        than refer to one named before ('Red circle and green circle. Red goes left, green goes right')?"""
        np = self.np
        return np is not None and np.after is not None and all(
            getattr(g, k) in (None, getattr(np, k)) for g in np.after for k in ("color", "size") if getattr(np, k))

    def _postposed(self) -> bool:
        """'a triangle, green, rotating', 'Circle, red, moves left.': a colour or size after a comma, with no
        count or shape of its own, describes the object just named. Applies it; False if the open noun phrase
        is not one."""
        np = self.np
        if np is None or np.after is None or np.shape_set or np.count is not None or np.definite:
            return False
        self.np = None
        for key in ("color", "size"):
            if getattr(np, key) is not None:
                self._attach(key, getattr(np, key), next(t for t in np.toks if t.kind == key), np.after)
        self.focus, self.joins, self.bound, self.widened = list(np.after), [None] * len(np.after), False, False
        for vp in np.vps:
            self._bind(vp)
        return True

    def _split_header(self) -> bool:
        """'two circles, one red and one blue(, moving right)', '两个圆，一个红色一个蓝色': shape-less counted
        pieces right after a group with a shape and nothing else split it. A verb phrase only after the last
        piece describes them all. False (nothing done) if the open noun phrase does not end such a list."""
        np, h = self.np, self.groups[-1] if self.groups else None
        pieces = [*self.elided, np]
        counts = [p.count for p in pieces] if np is not None else []
        if h is not None and counts and all(c is None for c in counts) and h.count == len(pieces):
            counts = [1] * len(pieces)  # "two squares, blue and green": one each
        last = pieces[-1].vps if np is not None and not any(p.vps for p in pieces[:-1]) else []
        speed = bool(last) and all(t.kind == "speed" for vp in last for t in vp)  # "…, one red and one blue, fast"
        if np is None or h is None or len(pieces) < 2 or any(p.shape_set for p in pieces) or None in counts \
                or h.shape is None or h.color is not None or h.vps and any(p.vps for p in pieces) and not speed \
                or h.count != sum(counts) or len({(p.color, p.size) for p in pieces}) < len(pieces):
            return False
        self.np, self.elided = None, []
        self.groups.pop()
        shared = h.vps + (last if speed else []) if h.vps else last  # 两个方块互相靠近，一个红色…
        spread = [vp for vp in shared if any(t.kind == "respectively" for t in vp)  # 红黄绿，分别往左、往上、往右
                  and sum(t.kind in ("dir", "vverb", "motion", "approach") for t in vp) > 1]  # (not "red and orange respectively")
        new = []
        for p, n in zip(pieces, counts):
            g = _Group(n, p.color, h.shape, p.size or h.size, f"{p.text()} {h.text}")
            g.vps.extend([vp for vp in shared if vp not in spread] if shared else p.vps)
            new.append(g)
        self.groups.extend(new)
        self.focus, self.joins, self.last_targets = list(new), [None] * len(new), list(new)
        for vp in spread:
            self._spread(vp)
        self.unbound = [g for g in self.unbound if g is not h] + [g for g in new if not g.vps]
        self.bound = any(g.vps for g in new)
        return True

    def _de_nominal(self) -> None:
        """An open Chinese noun phrase of colour/size + 的 that a verb follows (两个圆，红色的向左，蓝色的向右)
        means "the red one": its shape is the one object named before that it can be."""
        np = self.np
        if np is None or not np.modifiers_only():
            return
        shapes = {g.shape for g in self.groups if g.shape and g.color in (None, np.color)
                  and (np.size is None or g.size in (None, np.size))}
        if len(shapes) != 1:
            return
        np.shape, np.shape_set, np.plural, np.definite = shapes.pop(), True, False, True
        self._close()

    def _finish_np_at_break(self) -> None:
        np = self.np
        if np is not None and np.bare_article():
            self.np = None  # "rendered in a flat, 2D style": the article of a noun read past
            return
        if not self._postposed() and not self._split_header() and not self._drop_np():
            raise _refuse(f"'{self.np.text()}' names no shape")

    def _attach(self, key: str, value, tok: Tok, targets: list[_Group]) -> None:
        for g in targets:
            old = getattr(g, key)
            if old is not None and old != value:
                raise _refuse(f"conflicting {'colours' if key == 'color' else 'sizes'} '{old}' and '{tok.text}' "
                              f"for '{g.text}'")
            setattr(g, key, value)

    # ---------------------------------------------------------------- noun phrases
    def _close(self) -> None:
        np, self.np = self.np, None
        count = np.count
        count_tok = next((t for t in np.toks if t.kind == "count"), None)
        if count == 1 and np.plural and count_tok is not None and count_tok.text in ("a", "an", "one"):
            raise _refuse(f"'{count_tok.text}' with plural '{np.toks[-1].text}'")
        targets: list[_Group] = []
        if np.definite or count is None:  # "the circle", bare "circle", 圆: maybe an object named before
            matches = [g for g in self.groups if (np.shape is None or g.shape == np.shape)
                       and (np.color is None or g.color == np.color) and (np.size is None or g.size == np.size)]
            if matches and (np.plural or (count or 1) > 1):
                if count is None or sum(g.count for g in matches) == count:
                    targets = matches
            elif len(matches) == 1 and np.plural is None and count is None:
                targets = matches  # 三角形都向左移动: a Chinese noun has no number; the one group of triangles
            elif matches and (len(matches) > 1 or matches[0].count > 1):
                raise _refuse(f"'{np.text()}' could mean more than one object")
            elif matches:
                targets = matches
        referred = bool(targets)  # "the circle": objects named before, not new ones
        pieces = len(self.elided)  # "a red, a green and a blue square": one noun, several objects
        replacing = not targets and bool(self.corrected)
        old_groups = list(self.corrected or [])
        if not targets and self.corrected:  # 橙色圆往上 不对 是橙色方块往上: the object is replaced
            self.groups = [g for g in self.groups if g not in self.corrected]
            self.unbound = [g for g in self.unbound if g not in self.corrected]
            self.focus = [g for g in self.focus if g not in self.corrected]
            self.joins = self.joins[-len(self.focus):] if self.focus else []
        self.corrected = None
        if not targets and self.elided_batch and not pieces and count is None and np.color is None \
                and np.size is None and not np.definite and np.toks and self.last_targets == self.elided_batch:
            at = next((k for k, x in enumerate(self.toks) if x is np.toks[0]), 0)
            if at and self.toks[at - 1].kind == "conj":
                # "a red and a blue circle and square" (writer round 176): the bare shape could take either colour
                # (a red circle and a blue square?) or none (two circles and a square)
                raise _refuse(f"'{np.text()}' after '{self.elided_batch[-1].text}': which colour goes with which shape")
        if not targets:
            if count is None:
                if np.plural and not (self.elided and all(e.count is None for e in self.elided)):
                    raise _refuse(f"'{np.text()}' has no count (say two or three)")
                count = 1  # "red and blue circles": one of each colour
            for e in self.elided:
                g = _Group(e.count or 1, e.color, np.shape, e.size, e.text() + " " + np.text())
                g.vps.extend(e.vps)
                self.groups.append(g)
                targets.append(g)
            header = bool(self.elided) and np.color is None and np.size is None \
                and count == sum(e.count or 1 for e in self.elided)  # 一红一蓝两个圆: the pieces are the two
            if not header:
                g = _Group(count, np.color, np.shape, np.size, np.text())
                self.groups.append(g)
                targets.append(g)
        self.elided = []
        if replacing and self.corrected_vps:
            self.replaced.append((old_groups, list(targets), list(self.corrected_vps)))
        self.corrected_vps = []
        for t in targets:
            t.vps.extend(np.vps)
            t.vps.extend(self.floating)
        self.floating = []
        if self.bound or self.fresh or not self.focus or referred:  # "A and B, the circle moving left and ..."
            self.focus, self.joins, self.bound, self.fresh, self.widened = [], [], False, False, False
        for j, t in enumerate(targets):
            if t not in self.focus:
                self.joins.append(("and" if 0 < j <= pieces and not referred else self.join) if self.focus else None)
                self.focus.append(t)
        self.join = None
        if referred:  # "…，三角形都向左": 都 means the triangles, not every object named
            self.unbound = list(targets)
        else:
            self.unbound.extend(t for t in targets if t not in self.unbound)
        self.last_targets = targets
        self.elided_batch = list(targets) if pieces and not referred else None
        if not referred:
            self._check_counted()
            self.pool = None  # new objects: "one"/"the other" pick from the next list

    def _noun(self, i: int, t: Tok) -> None:
        k = t.kind
        last = self.last
        if k in ("color", "shape", "head") and self.np is not None and self.np.after is not None \
                and (self.np.vps or self.np.color is None and last is not None and last.kind == "sep") \
                and not self.np.shape_set and self.np.count is None and self._postposable():
            self._postposed()  # "white circle, small, moving right, slow, orange star": small was the circle's
        if self.np is not None and self.np.pronoun_like() and self.np.vps:
            self._drop_np()  # "... that moves right and a purple circle": 'that' ended its clause
        if k == "one" and self.np is not None and last is not None and last.kind in ("conj", "sep"):
            t, k = Tok("count", 1, t.text, t.zh), "count"  # "one red and one blue": a count, not "a blue one"
        if k == "count":
            self._postposed()  # "a circle, red, a square ...": red was the circle's
            if self.np is not None and self.np.bare_article():
                self.np = None  # "In a minimalist 2D animation, a large star ...": an article of words read past
            if self.np is not None and self.np.count is not None and last is not None and last.kind == "count" \
                    and self.np.color is None and self.np.size is None:
                if last.value > 1 and t.value > 1 and last.value != t.value:  # 两三个, "two three": a rough count
                    raise _refuse(f"vague count '{last.text}{'' if t.zh else ' '}{t.text}' (say one, two or three)")
                self.np = None  # 一个[一个白色圆形...的动画]: the first count belongs to a later noun
            if self.elided and self.np is not None and self.np.color and self.np.count is None \
                    and last is not None and last.kind == "color" and all(e.count is None for e in self.elided) \
                    and t.value == len(self.elided) + 1:
                self.elided.append(self.np)  # 红黄蓝三个圆: one of each colour
                self.np = None
            if self.np is not None and self.np.content() and not self.np.shape_set:
                if self.np.count is None and not self.elided and last is not None and last.kind == "sep" \
                        and self.np.color and not self.np.size and t.text.lower() in ("a", "an", "一个"):
                    raise _refuse(f"'{self.np.text()}' names no shape (is it '{t.text} …'s colour too, or another "
                                  "thing's?)")  # "grey, an orange cross" (probe round 158): a bare colour is no
                    # piece of a counted noun's list ("a red, a green and a blue square" counts each piece)
                if last is not None and last.kind in ("conj", "sep") or self.np.count is not None \
                        and (self.np.color or self.np.size) and last is not None and last.kind in ("color", "size"):
                    self.elided.append(self.np)  # "a red and a blue circle", "一个红色一个蓝色"
                    self.np = None
                elif self.np.count is not None and self.np.color is None and self.np.size is None:
                    raise _refuse(f"conflicting counts '{self.np.toks[0].text}' and '{t.text}'")
            if self.np is None:
                self.np = _NP()
            self._set(self.np, "count", t.value, t)
            return
        if k in ("color", "size"):
            if self.np is None and last is not None and last.kind == "link" and last.text != ":" and self.focus \
                    and self.corrected is None:
                # "the circle is red"
                self._attach(k, t.value, t, self.focus)
                self.bound = True
                return
            nxt = next((x for x in self.toks[i + 1:] if x.kind not in ("stop", "filler", "definite", "color", "conj")
                        and not (x.kind == "sep" and not x.value)), None)  # past the rest of a colour list
            if k == "color" and t.zh and self.np is not None and self.np.color is not None and not self.np.shape_set \
                    and self.np.count is None and last is not None and last.kind == "color" and self._counted_run(i):
                self.elided.append(self.np)  # 红黄蓝三个圆: a run of colours its count adds up
                self.np = None
            if self.np is not None and getattr(self.np, k) is not None and not self.np.shape_set \
                    and self.np.count is None and last is not None and last.kind in ("conj", "sep") \
                    and (self.groups and self.groups[-1].count > 1 and self.groups[-1].color is None
                         or nxt is not None and nxt.kind == "shape" and (nxt.value[1] or t.zh and last.kind == "conj")):
                self.elided.append(self.np)  # "two squares, blue and green", "red and blue circles", 红色和蓝色的圆
                self.np = None
            if self.np is None:
                self.np = _NP(clause_start=self.groups != [] and (last is None or last.kind in ("sep", "link", "cconj")))
                if last is not None and (last.kind == "sep" and not last.value or t.zh and last.kind == "shape") \
                        and self.last_targets \
                        and self.last_targets == self.groups[-len(self.last_targets):]:
                    self.np.after = list(self.last_targets)
            self._set(self.np, k, t.value, t)
            return
        if k == "one":
            if self.np is not None and self.np.content() and not self.np.shape_set:
                if not self.groups:
                    raise _refuse(f"'{t.text}' refers to no shape named before")
                np = self.np
                # "a red circle and a blue square, the red one …", "purple star + cyan diamond, purple one …": the
                # one object named before in this colour; else "a red circle and a blue one": the last shape
                named = {g.shape for g in self.groups if np.color is not None and g.color == np.color
                         and (np.size is None or g.size in (None, np.size))
                         # "a large yellow circle and a small black square. The large one stays still" (probe
                         # round 143): 'the' + a size alone is the one shape named before in that size
                         or np.color is None and np.definite and g.size is not None and g.size == np.size}
                if len(named) > 1 and np.color is None and np.definite:  # (two shapes named in that size)
                    raise _refuse(f"'{np.text()} {t.text}' could mean more than one object")
                own = named.pop() if len(named) == 1 and (np.definite or np.count is None) else None
                np.shape, np.shape_set, np.plural = own or self.groups[-1].shape, True, t.value
                np.toks.append(t)
                self._close()
                return
            if self.np is None:
                self.np = _NP()
            self._set(self.np, "count", 1, Tok("count", 1, t.text, t.zh))
            return
        if k == "head" and self.np is None and last is not None and last.kind == "shape":
            return  # "a circle shape", "a star-shaped object", 圆形图案
        if self.np is None:
            self.np = _NP()
        if self.np.shape_set:
            raise _refuse(f"conflicting shapes '{self.np.toks[-1].text}' and '{t.text}' for one object")
        shape, plural = t.value if k == "shape" else (None, t.value)
        self.np.shape, self.np.shape_set, self.np.plural = shape, True, plural
        self.np.toks.append(t)
        self._close()

    # ---------------------------------------------------------------- main loop
    def run(self) -> list[_Group]:
        # "..., respectively": the comma does not end the verb phrase the word distributes
        self.toks = toks = [t for i, t in enumerate(self.toks) if not (
            t.kind == "sep" and not t.value and i + 1 < len(self.toks) and self.toks[i + 1].kind == "respectively")]
        for i, t in enumerate(toks):
            k = t.kind
            if k == "refuse" and t.text.startswith("其中") and t.text[2:3] == "一" and (nxt := self._next(i)) is not None \
                    and nxt.kind in ("color", "shape", "size", "head"):  # 请生成一段视频，其中一个黄色三角形…: "in it, a"
                t, k = Tok("count", 1, t.text, True), "count"
            if k == "refuse":
                if t.text in ("里面", "里边", "里头") and (self.last is None or self.last.kind in ("sep", "media")):
                    self.ignored.append(t.text)  # "生成一个视频，里面有…": in it (there is), not inside an object
                    continue
                raise _refuse(t.value.format(w=t.text))
            if k == "loc":
                raise _refuse(f"position '{t.text}' is not judged")
            if k in ("badcolor", "shade"):
                nxt = toks[i + 1] if i + 1 < len(toks) else None
                extra = (("" if t.zh else " ") + nxt.text) if k == "shade" and nxt is not None and nxt.kind == "color" else ""
                raise _refuse(f"unknown colour '{t.text}{extra}'")
            if k == "badshape":
                raise _refuse(f"unknown shape '{t.text}'")
            if k == "bigcount":
                raise _refuse(f"count '{t.text}' is outside this world's 1 to 3 objects")
            if k == "unknown":
                raise self._unknown(i)
            if k in ("bgkind", "bgmod"):
                if k == "bgmod" or t.value[0] == "solid" and not t.value[1]:
                    self.ignored.append(t.text)  # "a plain red circle": flat colour is all the world draws
                    continue
                raise _refuse(f"'{t.text}' outside a background phrase")
            if k == "bgaxis":
                if self._axis_of_a_neighbour_direction(i):  # "horizontally to the right", 水平向右: redundant
                    self.ignored.append(t.text)
                    continue
                raise _refuse(f"ambiguous direction '{t.text}'")
            if k == "cmp" and (ref := self._compared_size(i, t)) is not None:
                t, k = Tok("size", ref, t.text, t.zh), "size"  # "the bigger one shrinks, the smaller one grows"
            if k == "cmp":
                nsig = self._next(i)
                if (self.np is not None and self.np.content()) or (nsig is not None and nsig.kind in _NP_KINDS):
                    raise _refuse(f"relative size '{t.text}' is not judged")
                t, k = Tok("motion", t.value, t.text, t.zh), "motion"
            if k == "shape" and t.value[0] == "cross" and self.np is None and self.focus and t.text in ("cross", "crosses") \
                    and self.last is not None and self.last.kind not in ("conj", "cconj", "sep", "link"):
                t, k = Tok("verb", False, t.text), "verb"  # "a red circle crosses the frame"
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if k == "correction":
                # "a red circle, actually a blue circle too": an addition or a replacement? not guessed
                j = i + 1
                while j < len(toks) and toks[j].kind not in ("sep", "conj", "cconj"):
                    if toks[j].text in _ADDING:
                        raise _refuse(f"'{t.text}' followed by '{toks[j].text}' (a correction or an addition?)")
                    j += 1
                if all(x.kind in ("filler", "stop", "definite", "sep") for x in toks[i + 1:]):
                    raise _refuse(f"'{t.text}' corrects with nothing after it")  # ("could you please make that.")
                said = next((x for x in reversed(toks[:i]) if x.kind not in ("sep", "stop", "filler")), None)
                self._correct(noun=said is not None and said.kind in _NP_KINDS)
                self.last = t
                continue
            if k == "postsize" and nxt is not None and nxt.kind in ("color", "shape", "head", "size"):
                if " a " in f" {t.text} ":  # "of a medium size blue triangle": the size of the next noun
                    self._end_vp(before_noun=True)
                    self._noun(i, Tok("count", 1, "a", t.zh))
                t, k = Tok("size", t.value, t.text, t.zh), "size"
            if k == "one" and not t.zh and self.last is not None and self.last.kind not in _NP_KINDS | {"conj", "sep"} \
                    and (self._next(i) is None or self._next(i).kind == "sep"):
                self.ignored.append(t.text)  # Singlish "go left slowly one", "both still one": a sentence particle
                continue
            if k == "rest":
                self._rest(t)
                self.last = t
                continue
            if k in ("nth", "one", "count") and self._is_reference(i, t):
                self._refer(t)
                self.last = t
                continue
            if k == "postsize":  # "a red circle of medium size"
                if not self.last_targets:
                    raise _refuse(f"'{t.text}' follows no object")
                self._attach("size", t.value, t, self.last_targets)
            elif k in _NP_KINDS:
                self._end_vp(before_noun=True)
                self._noun(i, t)
            elif k in _VP_KINDS:
                prev = next((x for x in reversed(toks[:i]) if x.kind not in ("prep", "stop", "filler")), None)
                np = self.np
                if not self.vp and np is not None and np.modifiers_only() and np.after is None and not self.focus \
                        and len(self.groups) == 1 and self.prev_focus == self.groups and not self.elided:
                    np.after = list(self.groups)  # writer round 173: "not a circle — a square. orange, big, bouncing
                    # around fast", 是菱形！青色的，中等大小，原地转圈: the one object named, then a sentence of its
                    # colour / size and its motion (as "A circle. Red, big. Moving left.") — not a second object
                if not self.vp and (t.zh and prev is not None and prev.text.endswith("的")
                                    or self.np is not None and self.np.clause_start and not self._postposable()):
                    self._de_nominal()  # 两个圆，红色的向左移动: "the red one" moves left; "Red goes left"
                if not self.vp:
                    self.vp_at = i
                    self.vp_in_np = self.np is not None
                    lt = self.last
                    self.vp_number = ({"is": "sg", "was": "sg", "are": "pl", "were": "pl"}.get(lt.text.split()[-1])
                                      if lt is not None and lt.kind == "link" else None)
                    if lt is not None and lt.kind == "link" and lt.text in ("which is", "that is") \
                            and self.last_targets and not self.bound:  # "A and B which is moving": B only
                        self.focus, self.joins = self.last_targets[-1:], [None]
                self.vp_de = False
                self.vp.append(t)
            elif k == "prep":
                if t.text in ("toward", "towards", "in the direction of", "向", "往", "朝", "朝着", "向着"):
                    raise _refuse(f"'{t.text}' needs a direction or 'each other'")
                if "conj" in t.value and self.focus:  # "A moving left, with B spinning"
                    self._end_vp()
                    self.fresh = True
            elif k == "sep":
                if not t.value and self.vp and self._listing_motions(i):
                    continue  # "move left, up and right respectively": one list of motions
                self._end_vp()
                if not t.value and not t.zh:
                    self.join = "comma"
                if t.value:
                    np = self.np
                    if np is not None and np.modifiers_only() and np.after is None and not self.focus \
                            and self.prev_focus:
                        np.after = list(self.prev_focus)  # "cyan star; direction: SE; size: L;": the star's size
                    self._finish_np_at_break()
                    self.elided = []
                    if self.floating and not self.focus and self.prev_focus and not self.np:
                        for g in self.prev_focus:  # "red circle; translate left; velocity: high.": a clause naming
                            g.vps.extend(self.floating)  # no object says more of the one before
                        self.floating = []
                    if self.focus:
                        self.prev_focus = self.focus
                    self.focus, self.bound = [], False
                elif t.zh:  # a Chinese comma separates clauses
                    self.fresh = True
            elif k == "cconj" and t.text == "同时" and not self.vp and self.np is None and not self.bound \
                    and len(self.unbound) >= 2 and self.last is not None and (self.last.zh or self.last.kind != "sep") \
                    and not (self.last.kind == "sep" and self.last.value) \
                    and next((x for x in reversed(toks[:i]) if x.kind not in ("stop", "filler", "sep")), t).kind in ("shape", "head") \
                    and (nsig := self._next(i)) is not None and nsig.kind in _VP_KINDS:
                self._widen()  # 一个方块一个三角 同时变大 (probe round 124): the objects just listed, at the same time
            elif k == "cconj":
                self._end_vp()
                self._drop_np()
                self.fresh = True
                self.unbound = []
            elif k == "conj":
                nsig = self._next(i)
                if not (self.vp and nsig is not None and nsig.kind in _VP_KINDS):
                    self._end_vp()
                self.join = "oxford" if self.join == "comma" else "and"
            elif k == "pronoun":
                self._end_vp()
                self._drop_np()
                if self.np is None:
                    self._pronoun(bool(t.value), t.text in _EVERY)  # the lexicon says which pronouns are plural
            elif k == "definite":
                if self.np is not None and not self.np.shape_set and self.np.content() and not t.zh \
                        and self.last is not None and self.last.kind == "sep":
                    self._finish_np_at_break()  # "one pink and one cyan, the pink one …": the comma ended the noun
                if self.np is None:
                    self._end_vp()
                    self.np = _NP(toks=[t], definite=True)
                self.np.definite = True
            elif k == "media":
                if self.np is not None and self.np.color is None and not self.np.shape_set and not self.np.vps:
                    self.np = None  # "a video of", "一个小动画"
            elif k == "link":
                if t.text in (":", "："):  # "three shapes: a red circle, ..."
                    self._end_vp()
                    np = self.np
                    if np is not None and np.count is not None and not np.shape_set and np.color is None \
                            and np.size is None and not np.vps:
                        self.np = None  # "An ultra-minimal motion graphic: ...": the article of a filler noun
                    self.fresh = True
                    self.unbound = []
            elif k == "filler":
                self.ignored.append(t.text)
            elif k == "stop" and t.text == "的" and self.vp:
                self.vp_de = True
            if k not in ("stop", "filler"):
                self.last = t
        self._end_vp()
        np = self.np
        if np is not None and np.modifiers_only() and np.after is None and len(self.groups) == 1 and not self.elided:
            np.after = list(self.groups)  # "蓝色的圆在缩小 要小号的": the one object's size
        self._finish_np_at_break()
        self._check_counted()
        if self.elided:
            raise _refuse(f"'{self.elided[0].text()}' names no shape")
        if self.floating:
            if not self.groups:
                raise _refuse("the prompt names no object")
            for g in self.focus or self.prev_focus or self.groups[-1:]:
                g.vps.extend(self.floating)
        self._clip_speed()
        self._keep_corrected_motion()
        return self._drop_headers()

    def _keep_corrected_motion(self) -> None:
        """Probe round 155: "Could you make a yellow square shrink? Sorry, I meant a yellow triangle.", 两个黄色的圆相向
        而行…哦不，一个黄圆一个紫色方块吧: a correction that names the object again, whole, and no motion or speed of its own
        replaces the object only — the motion and speed said of the old one stay. Whole: every colour and size the old
        object had is said of the new one too; "two green balls bouncing. actually no, just one ball" (green kept or
        dropped?) is refused, as is a new object that says only part of the motion again."""
        for old, new, lost in self.replaced:
            if any(g.vps for g in new):
                continue  # (橙色圆往上 不对 是橙色方块往上: the correction says its own motion)
            if any(g in self.groups and g not in new and not g.vps for g in self.stripped):
                raise _refuse("a correction replaces one of the objects a motion was said of: do the others keep it?")
            for g in new:
                if any(o.color is not None and g.color is None or o.size is not None and g.size is None for o in old):
                    raise _refuse(f"a correction names '{g.text}' without what it said of the object it replaces")
            for g in new:
                g.vps.extend(lost)

    def _clip_speed(self) -> None:
        """'A green circle going up-right, also a purple diamond going down-left. fast pls' (probe round 123): a speed said
        in a sentence of its own after the last object, where every object has its own motion and none a speed or a
        stay, is the whole clip's, not the last object's. (After a comma, 一个…，还有一个…，速度很慢 included, it stays the
        last object's, as the grammar's captions mean it.)"""
        for vp, named in self.clip_speeds:
            others = [[x for x in g.vps if x is not vp] for g in self.groups]
            if named != len(self.groups) or len(self.groups) < 2 or not all(others) or any(
                    t.kind == "speed" or t.kind == "verb" and t.value in ("fast", "slow") or t.kind == "motion"
                    and t.value == "still" for vps in others for x in vps for t in x):
                continue
            for g, vps in zip(self.groups, others):
                g.vps = [*vps, vp]

    @staticmethod
    def _shared_by(header: _Group, parts: list[_Group]) -> bool:
        """Is every verb phrase of a header also each of its parts'? (Then it describes them, not another object.)"""
        return all(vp in x.vps for vp in header.vps for x in parts)

    @classmethod
    def _split_later(cls, g: _Group, later: list[_Group]) -> bool:
        """'Two circles: the red one moves left, the blue one right', 两个圆，红色的…，蓝色的…: a counted shape with
        nothing else, whose count the objects of its shape named after it (each with a colour or size) make up."""
        if g.count < 2 or g.shape is None or g.color:
            return False
        parts = [x for x in later if x.shape == g.shape and (g.size is None or x.size in (None, g.size))]
        if not (parts and sum(x.count for x in parts) == g.count and all(x.color or x.size for x in parts)):
            return False
        # "Two squares, both sliding right - the yellow one fast, the green one slow", 两个菱形都往左跑，红的快，蓝的慢
        # (probe round 143): the header's motion is each part's where no part says a motion of its own
        given = _moves(g) and not any(_moves(x) for x in parts)
        if not (given or cls._shared_by(g, parts)):
            return False
        for x in parts:  # "three small stars: a red one ...": each is small
            x.size = x.size or g.size
            if given:
                x.vps.extend(vp for vp in g.vps if vp not in x.vps)
        return True

    def _drop_headers(self) -> list[_Group]:
        """'Three shapes: a red circle, ...', '画面中有两个物体，…': a count of the objects named next."""
        if not self.groups:
            raise _refuse("the prompt names no object")
        self.groups = [g for i, g in enumerate(self.groups) if not self._split_later(g, self.groups[i + 1:])]
        for i, g in enumerate(self.groups):  # "All three shapes move left: A, B and C": the verb is theirs
            later = self.groups[i + 1:]  # (and theirs too where they say only how fast: "…：A和B，速度都慢一些")
            if not (g.color or g.shape or g.size) and g.vps and later and not any(_moves(x) for x in later) \
                    and (_moves(g) or not any(x.vps for x in later)) and sum(x.count for x in later) == g.count:
                for x in later:
                    x.vps.extend(g.vps)

        def described(i: int, g: _Group) -> bool:  # a header's verb phrase is its objects' ("Two shapes - A and B - both moving up")
            later = [x for x in self.groups[i + 1:] if x.color or x.shape or x.size]
            return bool(g.color or g.shape or g.size) or bool(g.vps) and not (later and self._shared_by(g, later))

        named = [g for i, g in enumerate(self.groups) if described(i, g)]
        for g in self.groups:
            if g in named or not named:
                continue
            total = sum(x.count for x in named)
            if g.count != total:
                raise _refuse(f"'{g.text}' but {total} object{'s' if total > 1 else ''} described")
        return named or self.groups


# ------------------------------------------------------------------------------------------ verb phrases
@dataclass
class _Motion:
    motion: str | None
    motion_tok: Tok | None
    speed: str | None
    speed_tok: Tok | None
    needs: Tok | None  # a verb that asks for a direction the phrase did not give


def _axes(targets: list[Tok]) -> tuple[dict[int, Tok], dict[int, Tok], tuple[Tok, Tok] | None]:
    hx: dict[int, Tok] = {}
    vy: dict[int, Tok] = {}
    for t in targets:
        vec = t.value[0]
        if vec is None:  # 上下 / 左右: both ways at once
            return hx, vy, (t, t)
        if vec[0]:
            hx.setdefault(vec[0], t)
        if vec[1]:
            vy.setdefault(vec[1], t)
    for axis in (hx, vy):
        if len(axis) > 1:
            a, b = axis.values()
            return hx, vy, (a, b)
    return hx, vy, None


def _direction(dirs: list[Tok], vverbs: list[Tok]) -> tuple[tuple[int, int] | None, tuple[Tok, Tok] | None]:
    """The one direction a verb phrase's direction words give, or the two words that contradict.

    Directions combine per axis ("up and to the left"); a start ("from the left") must agree with them;
    rise/fall verbs give the vertical part ("rises to the right" = up-right).
    """
    srcs = [t for t in dirs if t.value[1] == "src"]
    dests = [t for t in dirs if t.value[1] == "dest"]
    targets = [t for t in dirs if t.value[1] != "src"]
    if srcs and dests and len(dests) == len(targets):  # 从左边移动到右边: a path between two places
        s = [sum(t.value[0][a] for t in srcs) / len(srcs) for a in (0, 1)]
        d = [sum(t.value[0][a] for t in dests) / len(dests) for a in (0, 1)]
        path = (_sign(d[0] - s[0]), _sign(d[1] - s[1]))
        if path == (0, 0):
            raise _refuse(f"'{srcs[0].text}' and '{dests[0].text}' give no direction")
        targets = [Tok("dir", (path, "path"), f"{srcs[0].text} {dests[0].text}")]
        srcs = []
    hx, vy, conflict = _axes(targets)
    if conflict:
        return None, conflict
    if vverbs:
        dys = {t.value: t for t in vverbs}
        if len(dys) > 1:
            a, b = dys.values()
            return None, (a, b)
        dy, vt = next(iter(dys.items()))
        if vy and dy not in vy:
            return None, (vt, next(iter(vy.values())))
        vy.setdefault(dy, vt)
    for s in srcs:
        away = (-s.value[0][0], -s.value[0][1])
        if not hx and not vy:
            if away[0] and away[1]:
                raise _refuse(f"'{s.text}' gives a start, not a direction")
            (hx if away[0] else vy)[away[0] or away[1]] = s
            continue
        for sign, axis in ((away[0], hx), (away[1], vy)):
            if not sign:
                continue
            if not axis:
                other = next(iter((hx or vy).values()))
                raise _refuse(f"'{s.text}' with '{other.text}': a start position, not a direction")
            if sign not in axis:
                return None, (s, next(iter(axis.values())))
    if not hx and not vy:
        return None, None
    return (next(iter(hx), 0), next(iter(vy), 0)), None


def _resolve(vp: list[Tok], ignored: list[str]) -> _Motion:
    """One verb phrase -> (motion, speed); raises on contradictions."""
    motions: dict[str, Tok] = {}
    dirs, vverbs, verbs = [], [], []
    speeds: dict[str, Tok] = {}
    diag = backforth = tocentre = together = None
    for t in vp:
        k = t.kind
        if k == "motion":
            motions.setdefault(t.value, t)
        elif k in ("approach", "mutual"):
            motions.setdefault("towards", t)
        elif k == "dir":
            dirs.append(t)
        elif k == "vverb":
            vverbs.append(t)
        elif k == "verb":
            verbs.append(t)
            if t.value in ("fast", "slow"):  # zips, creeps, 冲
                speeds.setdefault(t.value, t)
        elif k == "speed":
            speeds.setdefault(t.value, t)
        elif k == "diag":
            diag = t
        elif k == "backforth":
            backforth = t
        elif k == "tocentre":
            tocentre = t
        elif k == "together":
            together = t
    if len(speeds) > 1:
        a, b = list(speeds.values())[:2]
        raise _refuse(f"conflicting speeds '{a.text}' and '{b.text}'")
    if "still" in motions and len(motions) == 2 and set(motions) & {"rotate", "grow", "shrink"}:
        del motions["still"]  # "stays in place and spins": spinning is all it does
    if len(motions) > 1:
        a, b = list(motions.values())[:2]
        raise _refuse(f"two motions for one object: '{a.text}' and '{b.text}'")
    m_tok = next(iter(motions.values()), None)
    m = next(iter(motions), None)
    vec, conflict = _direction(dirs, vverbs)
    if conflict:
        if m == "bounce" or backforth is not None:
            m, m_tok = "bounce", m_tok or backforth
        else:
            a, b = conflict
            raise _refuse(f"contradictory directions '{a.text}' and '{b.text}'" if a is not b
                          else f"ambiguous direction '{a.text}'")
    elif vec is not None:
        d = (dirs + vverbs)[0]
        if diag is not None and 0 in vec:
            raise _refuse(f"'{diag.text}' with only '{d.text}' (which diagonal?)")
        if backforth is not None:
            m, m_tok = "bounce", backforth
        elif m is None:
            m, m_tok = _DIR_NAMES[vec], d
        elif m == "bounce":
            raise _refuse(f"'{m_tok.text}' with direction '{d.text}' (a bounce has no set direction)")
        else:
            raise _refuse(f"two motions for one object: '{m_tok.text}' and '{d.text}'")
    else:
        if diag is not None:
            raise _refuse(f"'{diag.text}' gives no direction")
        if backforth is not None:
            if m not in (None, "bounce"):
                raise _refuse(f"two motions for one object: '{m_tok.text}' and '{backforth.text}'")
            m, m_tok = "bounce", m_tok or backforth
        elif m is None and together is not None and verbs:  # "drift together": towards each other
            m, m_tok = "towards", together
    if tocentre is not None:
        if tocentre.value == "sides" and m != "towards":
            raise _refuse(f"position '{tocentre.text}' is not judged")
        if m not in ("towards", "still", "rotate", "grow", "shrink"):
            raise _refuse(f"'{tocentre.text}' is not a direction this world has")
        ignored.append(tocentre.text)
    if verbs and m in ("still", "rotate", "grow", "shrink"):
        if m == "still":
            raise _refuse(f"'{verbs[0].text}' contradicts '{m_tok.text}'")
        raise _refuse(f"'{verbs[0].text}' gives no direction")
    if m is not None:
        ignored.extend(v.text for v in verbs if v.value is False)
    sp = next(iter(speeds.values()), None)
    return _Motion(m, m_tok, sp.value if sp else None, sp, verbs[0] if verbs and m is None else None)


def _place_merged(vps: list[list[Tok]]) -> list[list[Tok]]:
    """A phrase that only names a place or a manner ('From the top left corner, a red circle moves to the bottom
    right', 画面中间一个红色的圆在原地转动, "moves down and to the right, travelling diagonally across the frame")
    belongs to the object's one motion phrase: a start pairs with its destination, 'diagonally' with its diagonal."""
    def place(vp: list[Tok]) -> bool:
        return any(t.kind in ("tocentre", "diag") or t.kind == "dir" and t.value[1] == "src" for t in vp) and all(
            t.kind in ("tocentre", "diag", "verb") or t.kind == "dir" and t.value[1] == "src" for t in vp)

    rest = [vp for vp in vps if not place(vp)]
    # a phrase of a speed alone says how fast, not where ("going to diagonal, to the up and right, very fast"): the
    # place still joins the one phrase that moves
    moving = [vp for vp in rest if not all(t.kind == "speed" for t in vp)]
    if len(moving) != 1 or len(rest) == len(vps):
        return vps
    merged = [t for vp in vps if place(vp) for t in vp] + moving[0]
    return [merged if vp is moving[0] else vp for vp in rest]


def _group_request(g: _Group, ignored: list[str]) -> GroupRequest:
    motion = speed = None
    m_tok = s_tok = needs = None
    for vp in _place_merged(g.vps):
        r = _resolve(vp, ignored)
        if r.motion is not None:
            place = m_tok if motion == "still" else r.motion_tok  # "spins on the spot, doesn't go anywhere":
            if {motion, r.motion} >= {"still"} and {motion, r.motion} & {"rotate", "grow", "shrink"} \
                    and place.text in STILL_IN_PLACE:  # where it spins (lexicon.STILL_IN_PLACE), not a stop
                ignored.append(place.text)
                if motion == "still":
                    motion, m_tok = r.motion, r.motion_tok
            elif motion is not None and motion != r.motion:
                raise _refuse(f"conflicting motions '{m_tok.text}' and '{r.motion_tok.text}' for '{g.text}'")
            else:
                motion, m_tok = r.motion, m_tok or r.motion_tok
        if r.speed is not None:
            if speed is not None and speed != r.speed:
                raise _refuse(f"conflicting speeds '{s_tok.text}' and '{r.speed_tok.text}' for '{g.text}'")
            speed, s_tok = r.speed, s_tok or r.speed_tok
        needs = needs or r.needs
    if motion is None and needs is not None:
        raise _refuse(f"'{needs.text}' gives no direction")
    if speed is not None:
        if motion is None:
            raise _refuse(f"speed '{s_tok.text}' without a direction or motion")
        if motion == "still":
            raise _refuse(f"speed '{s_tok.text}' for an object that stays still")
        if motion in ("rotate", "grow", "shrink"):  # the world's spins and size changes have one rate
            ignored.append(s_tok.text)
            speed = None
    return GroupRequest(g.count, g.color, g.shape, g.size, motion, speed)


# ------------------------------------------------------------------------------------------ public API
def parse_prompt_verbose(text: str) -> Parse:
    """Parse a prompt; also return the words read past without changing the request (in order)."""
    if not isinstance(text, str) or not text.strip():
        raise _refuse("empty prompt")
    if _EXPANSION.get() is None:  # the prompt as the person gave it, not a fallback's piece of it
        token = _EXPANSION.set(_long(text))
        try:
            return parse_prompt_verbose(text)
        finally:
            _EXPANSION.reset(token)
    depth = _DEPTH.set(_DEPTH.get() + 1)  # (a request among context is looked for in the prompt as given only)
    try:
        return _parse_prompt_verbose(text)
    finally:
        _DEPTH.reset(depth)


_DEPTH: ContextVar[int] = ContextVar("depth", default=0)  # parse_prompt_verbose calls open (1: the prompt as given)


# Chat-app writing (probe round 169): an emoticon tag in square brackets ([微笑], [呲牙], [捂脸]: a face the app
# draws) is decoration when the bracketed word names nothing of the world and is no heading ("[主体] …");
# Chinese typed with a space between every character (小 红 方 块 往 左 走) reads as the words run together.
# Shot lists (probe round 170): "Cam:" / "static cam" is the camera.
_EMOTICON_TAG = re.compile(r"\[([\u4e00-\u9fff]{1,4})\](?!\s*[:：=])")
_WORLD_CHARS = re.compile(r"[红橙黄绿青蓝紫粉白黑灰色圆方球点星角菱十字块形左右上下前后转旋弹跳大小快慢动停静背景底渐变纹]")
_EMOJI_SPAN = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d]+")
_SPACED_ZH = re.compile(r"(?<![\u3400-\u9fff])[\u3400-\u9fff](?:[ \t\u3000]+[\u3400-\u9fff]){3,}(?![\u3400-\u9fff])")
# Verse and chat emphasis (probe rounds 169-170): 又 between a word and itself (蓝又蓝, 大又大) says it twice, and
# 再 repeating a growth just asked for, with nothing after it (变大！再大！！), cheers it on — neither is a sequence
_AGAIN_SAME = re.compile(r"([红橙黄绿青蓝紫粉白黑灰大小快慢])又\1")
_MORE_SAME = re.compile(r"(变([大小])[！!～~。，,\s]*)再\2(?=[！!～~。\s]*(?:$|\n))")
# Non-native English (probe round 168): "from the top left corner until the bottom right corner" — until for to,
# between two corners; "diamond (green) + star (purple)" — a shape's colour in brackets after it
_CORNER = r"(?:the\s+)?(?:top|bottom|upper|lower)[\s-]+(?:left|right)"
_UNTIL_CORNER = re.compile(rf"(?i)(\bfrom\s+{_CORNER}(?:\s+corner)?\s+)until(?=\s+{_CORNER}\b)")
_SHAPE_PAREN_COLOUR = re.compile(r"(?i)\b(circles?|squares?|triangles?|stars?|diamonds?|crosses|cross)\s*\(\s*"
                                 r"(red|orange|yellow|green|cyan|blue|purple|pink|white|black|gr[ae]y)\s*\)")
# Chinese chat and verse (probe rounds 169-170): 红圈 — a colour's 圈 is the circle (圆圈); 星星一颗, 红星一颗 — the
# count 一 with its measure word after the noun it counts (one is the default count: it goes)
_COLOUR_RING = re.compile(r"(?<=[红橙黄绿青蓝紫粉白黑灰])(色的?|色)?圈(?![圈子])")
_ONE_AFTER = re.compile(r"[ \t\u3000]*一[ \t\u3000]*[颗个只枚](?=[ \t\u3000]*(?:[往向朝转变弹慢快缓原]|一直|不停|[，,。！!～~]|$))")
# A shot list's number column ("01 | BG: …" on every line): the shot's number, not a count
_SHOT_COLUMN = re.compile(r"(?m)^[ \t]*\d{1,2}[ \t]*[|｜][ \t]*")
_CAM = re.compile(r"(?i)\b(?:(static|fixed|locked|still)\s+)?cam\b(?(1)|(?=\s*[:：]))")


def _chat_forms(text: str) -> tuple[str, list[str]]:
    """``text`` with the chat, verse, shot-list and non-native forms above rewritten as the parser reads them, and
    the emoticon tags it dropped."""
    from stepvid.world.syntax import _ACTION_KEYS, _FIELD_KEY, _HEADING_KEYS

    dropped: list[str] = []

    def tag(m: re.Match) -> str:
        inner = m.group(1)
        if _names_world(inner) or _WORLD_CHARS.search(inner) or any(k.fullmatch(inner) for k in (*_HEADING_KEYS, _ACTION_KEYS, _FIELD_KEY)):
            return m.group()
        dropped.append(m.group())
        return " "
    text = _EMOTICON_TAG.sub(tag, text)
    text = _SPACED_ZH.sub(lambda m: re.sub(r"[ \t\u3000]+", "", m.group()), text)
    text = re.sub(r"(?i)\b(to\s+(?:the\s+)?)(down|up)(side)\b", r"\1\2 \3", text)  # "moving to downside" (round 168)
    text = _SHAPE_PAREN_COLOUR.sub(r"\2 \1", _UNTIL_CORNER.sub(r"\1to", text))
    if len(_SHOT_COLUMN.findall(text)) >= 2 and len(set(re.findall(r"(?m)^[ \t]*(\d{1,2})[ \t]*[|｜]", text))) == 1:
        text = _SHOT_COLUMN.sub("", text)
    text = _COLOUR_RING.sub(lambda m: f"{m.group(1) or ''}圆圈", text)
    def one_after(m: re.Match) -> str:  # (not "A和B 一个往上(一个往下)": one of two, one each)
        before = _EMOJI_SPAN.sub("", text[:m.start()])
        clause = re.split(r"[，,。；;！!\n]", before)[-1]
        if not _ZH_SHAPE_END.search(before) or re.search(r"[和与跟及、+]|还有", clause) \
                or re.match(r"[^，,。；;\n]*一\s*[颗个只枚]", text[m.end():]):
            return m.group()
        return ""
    text = _ONE_AFTER.sub(one_after, text)
    text = _MORE_SAME.sub(r"\1", _AGAIN_SAME.sub(r"\1", text))
    text = _CAM.sub(lambda m: f"{m.group(1)} camera" if m.group(1) else "camera", text)
    return text, dropped


# the background's heading said as a first step (writer round 174: "background first pls: turquoise, solid. then …",
# "Canvas first: white, …"): the heading
_FIRST_HEADING = re.compile(r"(?i)\b(background|backdrop|canvas|screen|bg)\s+first\s*,?\s*(?:pls|please|plz)?\s*:")


# A spec's comments (writer round 179): a line of its own opened by # or //, or one after a field's value behind a
# space ("shape: triangle   // any orientation is fine", "background: white  # keep it high contrast") — a note to
# the reader, read past when it names nothing of the world and the spec reads as fields without it. A comment that
# names the world ("动作: 向下  # 慢一点", "color: red // no wait make it orange") stays, and is refused.
_SPEC_COMMENT = re.compile(r"(?m)^[ \t]*(?:#+|//)[ \t]*([^\n]*)\n?|[ \t]+(?://|#(?=[ \t]))[ \t]*([^\n]*)$")


def _spec_comments(text: str) -> tuple[str, list[str]]:
    from stepvid.world.syntax import _FIELD_KEY

    notes: list[str] = []

    def drop(m: re.Match) -> str:
        note = (m.group(1) if m.group(1) is not None else m.group(2)).strip()
        if m.group(1) is not None:  # a line of its own: a case's number ("test case 12", 实验 3), a field's name ("# bg")
            note = "" if _FIELD_KEY.fullmatch(note) else re.sub(r"\d+", " ", note).strip()
        if note and (_names_world(note) or _WORLD_CHARS.search(note)):
            return m.group()
        notes.append(m.group().strip())
        return ""
    bare = _SPEC_COMMENT.sub(drop, text)
    return (bare, notes) if notes else (text, [])


def _parse_prompt_verbose(text: str) -> Parse:
    text = _FIRST_HEADING.sub(r"\1:", text)
    text, chat = _chat_forms(text)  # [微笑], 小 红 方 块, "Cam: static", 蓝又蓝 (see ``_chat_forms``)
    text, opened = _open_fields(text)  # "Background: any", 大小：随便: a field left open is not asked
    opened[:0] = chat
    text, comments = _code_comments(text)  # prompt='…'  # was too fast in v0.3: a note beside the code
    opened += comments
    bare, notes = _spec_comments(text)  # "// test case 12", "shape: triangle   // any orientation is fine", "# 实验 3"
    fields = _structured(bare) if notes else None
    if fields is not None:
        text, opened = bare, opened + notes
    else:
        fields = _structured(text)
    headed, whole = [], text  # data first (nested YAML, JSON), then tool-style headings
    if fields is None:
        text, headed = _headed_lines(text.translate(_TRAD), _names_world, _look_value)  # (traditional: 畫面, 鏡頭)
        fields = _structured(text)
    try:
        parse = _parse_verbose(fields or text)
    except CannotJudge:
        framed = _unframed(whole)
        if framed is not None:
            return framed
        pasted = _pasted(whole)
        if pasted is None:
            among = _request_among_context(whole) if _DEPTH.get() == 1 else None
            if among is None:
                raise
            return among
        return pasted
    parse.ignored[:0] = opened + headed
    return parse


def _reread(kept: str, dropped: list[str]) -> Parse | None:
    """``kept`` — the prompt with the pieces ``dropped`` read past — parsed, those pieces reported first; None when
    nothing was dropped or ``kept`` cannot be read either."""
    if not dropped:
        return None
    try:
        parse = parse_prompt_verbose(kept)
    except CannotJudge:
        return None
    parse.ignored[:0] = dropped
    return parse


def _parse_verbose(text: str) -> Parse:
    """``parse_prompt_verbose`` after the headings: the prompt as written, else the fallbacks below."""
    try:
        return _parse(text)
    except CannotJudge:
        pass
    for read_past in (_zh_manner_adverbs, _gradient_spans):
        parse = _reread(*read_past(text))
        if parse is not None:
            return parse
    for simile in _SIMILE.finditer(text):  # each simile in turn ("I'd like a ball … like that old DVD logo")
        phrase = simile.group()
        restates = _background_likeness(phrase, text[:simile.start()])
        if restates:
            try:
                parse = _without_span(text, simile.start(), simile.end())
            except CannotJudge:
                continue
            if parse.request.bg_kind == restates and all(g.motion for g in parse.request.groups):
                return parse
            continue
        if _ends_in_verb(phrase) or not _says_nothing(phrase, shapes=False) or _LIKE_ANOTHER.search(phrase) \
                or _CJK.match(phrase.strip()) and re.match(r"\s*(?:大|小)", text[simile.end():]):
            continue  # (像硬币一样大的: a size by comparison, read by the analogies)
        try:
            parse = _without_span(text, simile.start(), simile.end())
        except CannotJudge:
            continue
        if _speed_lost(phrase, parse):
            continue
        if _own_motion_said(phrase) and not all(g.motion for g in parse.request.groups):
            continue  # ("a circle that like goes around in a circle": the motion, not a likeness)
        if _says_nothing(phrase) or all(g.shape for g in parse.request.groups):
            return parse  # a shape in a simile ("like two players going for the same ball") names no object
    short = _short_simile(text)
    if short is not None:
        return short
    for simile in _SIMILE.finditer(text):  # a likeness with a way of its own ("darts left, like a sled racing down
        phrase = simile.group()             # a slope"): read past when every object has its motion without it
        if not _says_nothing(phrase, shapes=False, ways=False) or _LIKE_ANOTHER.search(phrase) \
                or _background_likeness(phrase, text[:simile.start()]):  # (tried above: "a vertical fade, like left to right")
            continue  # (宛如一只轻快跃起的青蛙: its verb is the likeness's when every object moves without it)
        try:
            parse = _without_span(text, simile.start(), simile.end())
        except CannotJudge:
            continue
        if all(g.motion for g in parse.request.groups) and all(g.shape for g in parse.request.groups) \
                and not _speed_lost(phrase, parse):
            return parse
    restated = _restated(text)
    if restated is not None:
        return restated
    kept, dropped = _without_chatter_sentences(text)
    if dropped:
        parse = parse_prompt_verbose(kept)
        parse.ignored[:0] = dropped
        return parse
    if _EXPANSION.get():
        parse = _reread(*_without_decoration(text))
        if parse is not None:
            return parse
    emoji = [c for c in dict.fromkeys(text) if c in _EMOJI_OBJECTS]
    if not emoji:
        return _without_unknown_words(text)
    try:  # ⭐️紫色星星往右上方飘: an emoji beside the words that name its object decorates them
        bare = _parse(_EMOJI_RUN.sub(" ", text))
        if all(_EMOJI_OBJECTS[c].split()[-1] in {g.shape for g in bare.request.groups} for c in emoji):
            bare.ignored[:0] = emoji
            return bare
    except CannotJudge:
        pass
    drawn = _EMOJI_RUN.sub(_emoji_objects, text)
    try:
        parse = _parse(drawn)
    except CannotJudge as exc:
        why = str(exc).removeprefix("cannot judge: ")
        raise _refuse(f"the emoji {''.join(emoji)} read as objects: {why}") from None
    parse.ignored[:0] = [f"{c} -> {_EMOJI_OBJECTS[c]}" for c in emoji]
    return parse


# A shape said twice, the second time as "just a …" (probe round 118: "would like to see a red star. Just a red star
# that stays still.", "can you make the square get bigger? just a black square growing on a gray background"): one
# object told again — the earlier sentence read past where, read alone, it is one object of a shape the rest names
# once and every attribute it gives is given alike there (dropping it loses nothing); "a big red star. Just a red
# star spinning" (big said only once) and "a red star. Just a blue star" stay refused.
# The same after a question, as "a <colour> one" ("Could you make a circle shrink? A white one on a pink background
# that gets smaller."): the one is the question's shape; "… A white one too" (another) stays refused.
_RESTATED = re.compile(r"(?i)(?<=[.?!])\s+(?:just|only|simply)\s+(?:an?|one)\s+|(?<=\?)\s+an?\s+(?:[a-z]+\s+){1,2}?(one)\b"
                       r"(?![^.?!]*\b(?:too|also|another|second|other|as\s+well)\b)")


def _restated(text: str) -> Parse | None:
    m = _RESTATED.search(text)
    if m is None:
        return None
    start = max(text.rfind(c, 0, m.start() - 1) for c in ".?!") + 1
    first = text[start:m.start()]
    try:
        one = _parse(first).request
        later = text[m.start():]
        if m.group(1) and one.groups and one.groups[0].shape:  # ("a white one": the question's shape)
            at = m.start(1) - m.start()
            later = later[:at] + one.groups[0].shape + later[at + 3:]
        rest = text[:start] + later
        parse = parse_prompt_verbose(rest)
    except CannotJudge:
        return None
    same = [g for g in parse.request.groups if one.groups and g.shape == one.groups[0].shape]
    if len(one.groups) != 1 or one.groups[0].shape is None or one.bg_color or one.bg_kind or len(same) != 1:
        return None
    g, h = one.groups[0], same[0]
    if g.count != h.count or any(a is not None and a != b for a, b in
                                 ((g.color, h.color), (g.size, h.size), (g.motion, h.motion), (g.speed, h.speed))):
        return None
    parse.ignored[:0] = [first.strip()]
    return parse


# A prompt pasted from a chatbot between the user's words ("ok this is what chatgpt gave me:\n\n**Visual:** …\n\n
# This keeps the composition simple."): of its paragraphs, the one that reads as a request, when every other one
# fails to and names no colour, size, motion or background (a remark on "the shape" may stay).
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_QUOTE = re.compile(r'["“”「」『』]')
_SINGLE_QUOTED = re.compile(r"(?<![\w'])['‘]((?:[^'‘’]|(?<=\w)'(?=\w)){8,}?)['’](?![\w'])")
_ATTRIBUTE_KINDS = frozenset({"color", "badcolor", "size", "postsize", "motion", "dir", "vverb", "speed", "approach",
                              "diag", "backforth", "bgkind", "shade"})


def _pasted(text: str) -> Parse | None:
    paras = [p for p in _PARAGRAPH.split(text) if p.strip()]
    if len(paras) < 2:  # one line: a quoted answer between remarks ('ok gpt gave me this: "A small white star …"')
        paras = [p for p in _QUOTE.split(text) if p.strip(" \t\n,.:：，。")]
    if len(paras) < 2:  # 'my son asked for \'a yellow ball and a green box\' so.. that' (not an apostrophe: it's)
        paras = [p for p in _SINGLE_QUOTED.split(text) if p.strip(" \t\n,.:：，。")]
    if len(paras) < 2:
        return None
    read, rest = [], []
    for p in paras:
        try:
            read.append(parse_prompt_verbose(p))
        except CannotJudge:
            rest.append(p.strip())
    if len(read) != 1 or any(g.shape is None for g in read[0].request.groups) \
            or any(t.kind in _ATTRIBUTE_KINDS for p in rest for t in _tokens(p, [])):
        return None
    read[0].ignored[:0] = rest
    return read[0]


# A sentence about the background alone (it names a gradient and no object, and points at none): a span from one side
# to the other there is the gradient's axis, whatever verb says it ("The background is a horizontal gradient in soft
# blue, shifting from left to right", "Horizontal gradient in black, darkening from left to right", 背景为深灰色，从左往
# 右逐渐变浅的横向渐变): the verb goes, the span stays beside the gradient for the grammar to read as its axis.
_GRADIENT_SENTENCE = re.compile(r"[^.!?。！？;；\n]+[.!?。！？;；\n]*")
_SIDE_SPAN_VERB = re.compile(r"(?i),?\s*\b(?!from\b)[a-z]+(?:ing|s)\s+(?:(?:gradually|smoothly|gently|softly|subtly|slowly)\s+)?"
                             r"(?=from\s+(?:the\s+)?(?:top|bottom|left|right)\s+to\s)")
_ZH_SIDE_SPAN = re.compile(r"[从由]([上下左右])[边侧方]?\s*(?:往|到|向|至)\s*([上下左右])[边侧方]?(?:(?!渐变(?![浅深亮暗淡白黑]))[^，。,.从由色红黄蓝绿紫粉橙青黑白灰]){0,8}?"
                           r"(?=的?(?:横向|纵向|水平|竖直|垂直)?渐变(?![浅深亮暗淡白黑]))")


def _gradient_spans(text: str) -> tuple[str, list[str]]:
    out, spans = [], []
    for sentence in _GRADIENT_SENTENCE.findall(text):
        if re.search(r"(?i)gradient|渐变", sentence) and not _POINTS.search(sentence) and not any(
                t.kind in ("shape", "badshape", "head") for t in _tokens(sentence.translate(_TRAD), [])):
            new = _SIDE_SPAN_VERB.sub(" ", sentence)
            new = _ZH_SIDE_SPAN.sub(r"从\1到\2", new)
            if new != sentence:
                spans.append(f"{sentence.strip()} -> {new.strip()}")
                sentence = new
        out.append(sentence)
    return "".join(out), spans


# A Chinese manner adverb the lexicon does not know, made by 地 before the verb phrase (轻盈地朝右上方快速飞去, 灵活地四处
# 反弹, 自由地弹来弹去): how it moves, not what — read past when every piece of the word is unknown, and an object's
# motion must still be said by the rest
_ZH_ADVERB_END = re.compile(r"(?<=[\u4e00-\u9fff])地(?=[\u4e00-\u9fff])")


def _zh_manner_adverbs(text: str) -> tuple[str, list[str]]:
    found: list[str] = []
    cuts: list[tuple[int, int]] = []
    for m in _ZH_ADVERB_END.finditer(text):
        for n in (2, 3, 4):  # the shortest run before 地 that is all unknown (背景上轻盈地: 轻盈)
            start = m.start() - n
            word = text[max(start, 0):m.start()]
            if start < 0 or not re.fullmatch(r"[\u4e00-\u9fff]+", word) or text[start - 1:start] in ("的", "地", "得"):
                break
            toks = _tokens(word, [])
            if toks and all(t.kind in ("unknown", "filler") for t in toks) and any(t.kind == "unknown" for t in toks):
                cuts.append((start, m.end()))
                found.append(text[start:m.end()])
                break
    for start, end in reversed(cuts):
        text = text[:start] + text[end:]
    return text, found


# A chatbot's answer around the prompt it wrote (in an expansion only): an opening line or paragraph that names no
# object ("Sure thing! Here's a more cinematic prompt:", "Love this idea! Punched it up a bit:", 以下是扩写后的提示词：,
# "**Title:** Ascent", ### 优化后的提示词), and a closing paragraph said to the person ("Want me to create a few
# alternate versions?", "*Tip: shorter prompts …*", 希望对你有帮助！, 注：…) — which may name colours and motions
# when it offers a change ("you could swap 'slowly' for 'quickly'", 可以把背景换成深蓝色, 比如让星星旋转或弹跳): an
# offer, not the prompt. Read past, and reported, when the prompt cannot be read with them and their body can.
_CLOSING = re.compile(r"(?i)^\W*(?:tip|note|one note|p\.?s|小建议|建议|注|备注|说明|提示|设计思路|思路|小贴士)\W*[:：]|"
                      r"\b(?:let me know|want me|would you like|do you want|shall i|should i|i can|i could|i kept|i made|"
                      r"i added|i've|if you(?:'d| want| prefer| like)|you (?:could|can|might|may)|feel free|hope this|"
                      r"happy to)\b|"
                      r"需要我|要不要|如需|如果(?:你|您)?(?:想|希望|需要|觉得)|你(?:也)?可以|您(?:也)?可以|希望(?:对你|能|这)|"
                      r"我可以|可以告诉我|告诉我|随时|还可以")
_OPENING = re.compile(r"(?i)^\W*(?:sure|of course|certainly|absolutely|great|love|here|try|ok|okay|below|"
                      r"好的|当然|没问题|以下|下面|这是|这里|已为|为你)|^\s*(?:#+|\*\*)|"
                      r"\b(?:prompt|version|take|rewrite|variation|description)s?\b|提示词|版本|描述|优化|扩写|润色|改写")
_PARA_OR_RULE = re.compile(r"\n[ \t]*(?:[-*_]{3,}[ \t]*)?\n|\n[ \t]*[-*_]{3,}[ \t]*(?=\n)")


def _unframed(text: str) -> Parse | None:
    if not _EXPANSION.get():
        return None
    paras = [p.strip() for p in _PARA_OR_RULE.split(text.strip()) if p.strip()]
    dropped: list[str] = []
    if paras:  # an opening on the first line of its paragraph ("好的，为你优化如下：\n一个…", "Try this: A …")
        first, _, rest = paras[0].partition("\n")
        head = re.match(r"^([^\n:：]{0,80}[:：])\s*(\S.*)$", first)
        if rest.strip() and _framing(first):
            dropped.append(first.strip())
            paras[0] = rest.strip()
        elif head and not rest.strip() and _framing(head.group(1)) and not _HEADING_KEY.fullmatch(
                head.group(1).strip(" *#:：")):
            dropped.append(head.group(1).strip())
            paras[0] = head.group(2).strip()
    while len(paras) > 1 and _framing(paras[0]):
        dropped.append(paras.pop(0))
    while len(paras) > 1 and (_framing(paras[-1]) or _CLOSING.search(paras[-1])):
        dropped.append(paras.pop())
    return _reread("\n\n".join(paras), dropped)


_HEADING_KEY = re.compile(r"(?i)subjects?|actions?|motion|movement|background|setting|style|mood|visuals?|scene|"
                          r"主体|动作|背景|风格|氛围|画面")


_FRAME_KINDS = frozenset({"color", "badcolor", "shape", "badshape", "size", "postsize", "speed", "bgword", "bgkind", "shade"})


def _framing(para: str) -> bool:
    """A chatbot's words about its answer, or a heading, that name no object, size, speed or background (a verb
    there, "Punched it up a bit:", "**Title:** Ascent", names the answer, not a motion of the clip)."""
    if len(para) > 160 or any(t.kind in _FRAME_KINDS for t in _tokens(para.translate(_TRAD), [])):
        return False
    return bool(_OPENING.search(para) or _CHATBOT_ANSWER.search(para) or para.rstrip().endswith(("?", "？")))


# A comparison with another object of the scene ("跟它一样", "like the first one") is no simile: it copies that one's
# attributes, which the judge does not do
_LIKE_ANOTHER = re.compile(r"(?i)[它他她]|前者|后者|\blike\s+(?:it|them|the other(?: one)?|the first(?: one)?|"
                           r"the second(?: one)?|that one|this one)\s*(?:[,.;!]|$)")


# A simile says how, not what: "rises like a balloon", "spins like a top", "moves right as if pushed" — read past
# when the prompt cannot be read with it (and only then), reported.
_LIKE = r"(?<!\bi\s)(?<!'d\s)(?<!would\s)(?<!\bwe\s)(?<!you\s)(?<!they\s)like\s+"  # a simile's "like", not "I'd like a …"
_SIMILE = re.compile(r"\s*,?\s*\b(?:(?:just|almost|nearly|much|rather|somewhat|a\s+bit|a\s+little)\s+)?(?:(?:act|acts|acting|behave|behaves|behaving)\s+)?"
                     rf"(?:{_LIKE}|as\s+if\s|as\s+though\s|as\s+an?\s|reminiscent\s+of\s)"
                     r"(?:(?!\s+(?:and|while|whilst|like)\s)[^.,;!?—–\u3000-\u303f\u3400-\u9fff\uff00-\uffef])*"  # to "and", a dash, Chinese
                     r"|好[似像][^，。,.；;！!？?\s]{1,12}?咁"  # 好似…咁: Cantonese (好像太阳咁: probe round 119)
                     r"|(?:像|如同|犹如|好似|跟|宛如)[^，。,.；;！!？?]{1,20}?(?:一样|一樣|一般|似的|般|那样|那樣|那般)地?"
                     r"|(?:像|如同|犹如|好似|宛如)[^，。,.；;！!？?]{1,12}(?=[，。,.；;！!？?]|$)"
                     r"|(?:好像|仿佛|似乎)[^，。,.；;！!？?]*"
                     r"|(?<=[，,])\s*(?:就像|宛如|宛若|如同|犹如|好似|恰似|像)[^，。,.；;！!？?]{1,30}", re.IGNORECASE)  # a clause


_WORLD_KINDS = frozenset({"color", "badcolor", "shape", "badshape", "head", "dir", "path", "bgword", "bgkind"})


def _background_likeness(phrase: str, before: str) -> str | None:
    """The background kind the likeness ``phrase`` restates, or None: a texture or a ground alone ("grainy gray
    background, like film grain", "textured, kind of like canvas"), or the sides of the gradient just named ("a
    vertical fade, like top to botom"; probe round 131). Read past only when the background is of that kind
    without it (and every object has its motion); a likeness that alone says it, or names a colour or shape, is kept."""
    toks = _tokens(_SIMILE_NOUNS.sub(" ", phrase.translate(_TRAD)), [])
    world = [t for t in toks if t.kind in _WORLD_KINDS | {"refuse", "motion", "size", "place", "verb", "vverb"}]
    if world and all(t.kind == "bgword" or t.kind == "bgkind" and t.value[0] == "texture" for t in world):
        return "texture"
    if len(world) == 1 and world[0].kind == "path" and re.search(r"(?i)\b(?:gradient|fade)\s*,?\s*$", before):
        return "hgradient" if world[0].value[0] else "vgradient"
    return None


def _speed_lost(phrase: str, parse: Parse) -> bool:
    """Would reading past the likeness ``phrase`` lose the speed it says ("going up like a slow snail"; probe round
    140)? It says one, and an object read without it has no speed or another one (the prompt stays refused)."""
    said = {t.value for t in _tokens(_SIMILE_NOUNS.sub(" ", phrase.translate(_TRAD)), []) if t.kind == "speed"}
    return bool(said) and any(g.speed not in said for g in parse.request.groups if g.motion not in ("still", "rotate",
                                                                                                      "grow", "shrink"))


def _says_nothing(phrase: str, shapes: bool = True, ways: bool = True) -> bool:
    """Does ``phrase`` name no object, colour, direction or background of this world? (Its verbs are manner:
    "like a balloon", "as if pushed".) ``shapes=False``: shape nouns do not count; ``ways=False``: directions and
    paths do not either."""
    kinds = _WORLD_KINDS if shapes else _WORLD_KINDS - {"shape", "badshape", "head"}
    kinds = kinds if ways else kinds - {"dir", "path"}
    toks = _places(_tokens(_SIMILE_NOUNS.sub(" ", phrase.translate(_TRAD)), []))  # "like a ping-pong ball": no circle
    return not any(t.kind in kinds and not (t.kind == "dir" and i and toks[i - 1].text in ("a", "an", "the"))
                   for i, t in enumerate(toks))  # "like a top": a noun, not a direction


# Chatter around the request: greetings, thanks, apologies, who it is for and why ("Good afternoon! I hope you're
# well.", "Thank you so very much in advance.", 您好，打扰了。, "he's 6", 我是做餐饮的, 今天同事推荐我试试). Read past,
# and reported, only when the prompt cannot be read with it, and only a piece that names nothing of the world and
# points at no object ("It wobbles." stays, and is refused): a whole sentence; or a clause (between commas) that
# speaks of a person (I, my, you, he, 我, 您, 他...), where a lone negation or sequence word does not count as
# naming the world ("I'm on my lunch so no rush", 第一次用AI).
_SENTENCE = re.compile(r"[^.!?。！？~～\n]+(?:[.!?。！？~～\n]+|$)")
# (a generator's flag and its ratio, "--ar 9:16", stay inside their clause, and "--no" with all it lists to the line's
# end: what the clip must not show is never read as a clause of its own; probe round 135)
_CLAUSE = re.compile(r"(?:(?<![\w-])--no\s.*|[^,，;；:：.!?。！？~～\n—–…-]|(?<=\w)-(?=\w)|(?<![\w-])--(?=[a-z])|"
                     r"(?<=\d)[:：](?=\d))+"
                     r"(?:(?:[,，;；:：.!?。！？~～\n—–…]|\s-\s)+|$)")
_ZH_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")  # 不好意思第一次用 不太会写 就是想要…: a space is a comma
_POINTS = re.compile(r"(?i)\b(?:it|its|they|them|their|this one|that one|the one)\b|它")
_PERSON = re.compile(r"(?i)\b(?:i|i'm|im|me|my|mine|we|our|us|you|your|he|he's|she|she's|his|her|him)\b|"
                     r"我|你|您|他|她|咱|俺|同事|朋友|儿子|女儿|孩子|老婆|老公|妈妈|爸爸|宝宝|宝贝|娃|闺女|小孩|"
                     # who it is for and the mood it sets ("for a client deck by 5pm:", "rainy day vibes:", 给客户的PPT用：)
                     r"\b(?:client|boss|prof|class|kids?|daughter|son|grandma|grandpa|grandson|granddaughter|grandkids?|"
                     r"nephew|niece|mom|mum|dad|team|slideshow|deck|"
                     r"presentation|birthday|vibes?|mood|atmosphere|day|night|morning|evening|music|sound)\b|"
                     r"客户|老板|公司|小朋友|幼儿园|同学|老师|学生|年会|课件|PPT|气氛|氛围|感觉|早上|晚上|下雨天|音乐|音效|"
                     # a first-timer's apology (不好意思第一次用 不太会写, "sorry first time using this")
                     r"不好意思|第一次用|第一次玩|第一次|不太会|不会写|新手|\b(?:first time|new to this|sorry)\b|"
                     # where the typist is and why (probe round 113: 服务区歇脚无聊, 卖菜空了玩玩, 跑长途闲的, 店里电视放)
                     r"服务区|歇脚|无聊|卖菜|跑长途|(?<!悠)闲的|闲着|玩玩|店里|店门口|电视|老伴|重孙")


# A person's age said on its own ("she's 4", "he is 3 years old", 她三岁): who the clip is for, not a count
_AGE = re.compile(r"(?i)(?:(?:and\s+)?(?:she|he|they|my (?:son|daughter|kid|boy|girl)|the kid)(?:'s|\s+is|\s+are|\s+just turned)\s+"
                  r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)(?:\s*(?:years?\s*old|yrs?(?:\s*old)?|yo))?"
                  r"|[他她]?(?:才|今年)?[一二三四五六七八九十两\d]{1,2}岁(?:了|啦)?)\s*[.!。！~～]*")


# What went wrong with an earlier attempt (probe round 141: "Last time I tried another tool it gave me some 3D sphere
# with shadows", "My previous attempt in PowerPoint … the shapes flew right off the slide", "tried animating it myself
# in aseprite but it looked choppy", 之前用剪映试了半天，导出来全是糊的, 上次用网上下载的动画，结果里面还有个卡通人物乱跑,
# 之前那个被粉丝吐槽像十年前的屏保): a past attempt, opened by a word of before and told with a verb of trying or making,
# names the old clip, not this one — read past (to its sentence's end) when the rest states the request. Kept: one
# that says a speed, or a size of the object ("last time it was too big": how this one should differ is not said),
# and one that turns to this time ("…, so this time make it blue") with a word of the world after the turn.
_PAST_ATTEMPT = re.compile(
    r"(?i)^\W*(?:(?:and|but|also|oh|ok|so|honestly)\s+)?(?:(?:last\s+(?:time|year|week|month|one|version)|before\s+(?:i|we)|previously|"
    r"earlier|(?:my|our)\s+(?:previous|last|own|first|old)|(?:i|we|my\s+[a-z]+)\s+(?:already\s+|also\s+)?tried|tried)\b|"
    r"(?:我们?)?(?:自己)?(?:之前|上次|上回|上一版|上一次|上个版本|去年|以前|此前|试过|用过))")
_ATTEMPT = re.compile(r"(?i)\b(?:tried|try|trying|used?|using|made|making|found|gave|had|attempt|downloaded|rendered|drew|"
                      r"came\s+out|turned\s+out|looked|export(?:ed)?)\b|用|试|做|找|画|生成|渲染|下载|放|版|那个")
_PAST_TURN = re.compile(r"(?i)\b(?:so|this\s+time|now|instead|but\s+(?:this|now))\b|这次|这回|所以|现在|改成")


def _past_attempt(piece: str) -> bool:
    m = _PAST_ATTEMPT.match(piece)
    if m is None or not _ATTEMPT.search(piece):
        return False
    turn = _PAST_TURN.search(piece, m.end())
    if turn and _names_world(piece[turn.end():]):
        return False
    toks = _tokens(piece.translate(_TRAD), [])
    objects = any(t.kind in ("shape", "head") for t in toks) or _POINTS.search(piece) is not None
    return not any(t.kind == "speed" or t.kind in ("size", "postsize") and objects for t in toks)


# A sentence about the typist and the clip's use (probe round 141: "I'm putting together slides for my 7th graders",
# "I run a small channel about productivity and I need a quick intro bumper", "so I run a D&D group on discord and I
# like to have little ambient clips", 想给我们队做个开场视频放在大屏上): what it names of the world is no part of the
# request — a number, a negation, a vague count or a relative position with no object, a size or
# speed of something that is no shape (the next word unknown, or a clip), a colour the request says anyway — read past
# when it speaks of a person. A shape, a motion, a background, a colour said only there, or a look keep it.
_CONTEXT_REFUSALS = ("negation", "vague count", "ambiguous count", "relative position")


_CLIP_USE = re.compile(r"课|校长|学长|汇报|作业|直播|投资人|婚礼|招新|\b(?:lesson|class|session|deadline|game jam)\b", re.IGNORECASE)


def _context_only(sentence: str, rest: str) -> bool:
    if _WISH_OF_IT.search(sentence):
        return False  # asked of the drawn object (fx7)
    if not (_PERSON.search(sentence) or _CLIP_USE.search(sentence)) or _POINTS.search(sentence):
        return False
    said = {(t.kind, str(t.value)) for t in _tokens(rest.translate(_TRAD), [])}
    toks = [t for t in _tokens(sentence.translate(_TRAD), []) if t.kind != "filler"]
    for i, t in enumerate(toks):
        if t.kind == "count" and t.value not in (1, None):
            return False  # ("… make three": how many)
        if t.kind not in _NAMING_KINDS or _bare_zh_place(t) or t.kind == "bigcount":
            continue
        after = toks[i + 1].kind if i + 1 < len(toks) else None
        if t.kind == "motion" and re.fullmatch(r"(?i)turn(?:s|ed)?", t.text) and after in ("bigcount", "count"):
            continue  # ("my daughter turns 6 on Saturday": an age)
        if t.kind in ("size", "speed") and t.zh and i and toks[i - 1].kind == "unknown" and after in (None, "sep", "stop"):
            continue  # (压力好大, 打字慢: said of something that is no shape)
        if t.kind == "refuse" and str(t.value).startswith(_CONTEXT_REFUSALS):
            continue
        if t.kind in ("size", "speed") and after in ("unknown", "media") or t.kind == "nth" and after in ("unknown", "stop"):
            continue  # ("a little digital card", "a quick intro bumper", 大屏, "the first screen")
        if t.kind == "head" and i and toks[i - 1].kind == "unknown" and not any(
                u.kind in ("color", "motion", "dir", "vverb") or u.kind == "count" and u.value != 1 for u in toks):
            continue  # ("prototyping a little arcade thing in godot", 公开课讲图形: a thing of another kind)
        if t.kind == "color" and (t.kind, str(t.value)) in said:
            continue  # ("our palette is basically just black and white")
        return False
    return True


# A count or a speed asked for bare in a piece read past as context (probe: "I want three for my class. A white circle
# shrinking …", 我要三个，给班上用。…): how many, or how fast, of what the rest draws, maybe — never read past silently,
# the prompt is refused. Only where the piece asks (want, need, make…, 要, 来, 做…: a count or speed told of the
# typist's day — "she's only 2", "at hour 40", "when there's two", 显得悠闲 — is no request), and not: a count or speed
# of another thing, the next word (for a speed, also the one before) of no kind ("I need 3 copies", 打字慢, "a quick
# intro bumper"), an age ("turns 6"), a number past the world's (a bigcount, "three hundred"); a past attempt keeps its
# own rule.
_BARE_AFTER = frozenset({"for", "of", "to", "please", "pls", "plz", "thanks", "ones", "too", "and", "but", "so",
                         "then", "now", "again", "today", "asap", "in", "on", "with", "at"})
_ASKS = re.compile(r"(?i)\b(?:want|wanna|need|needs|like|love|make|give|get|create|draw|show|render|generate|do)\b|"
                   r"要|来|做|整|弄|生成|画|"
                   r"改成|换成|改为|换为")  # probe round 155: 两个橙色的菱形，慢慢往下。等等，改成三个 — a count changed, not chatter


def _bare_count_or_speed(piece: str) -> str | None:
    if not _ASKS.search(piece) or _AGE.fullmatch(piece.strip()) or _past_attempt(piece):
        return None
    toks = _tokens(piece.translate(_TRAD), [])
    for i, t in enumerate(toks):
        if t.kind not in ("count", "speed") or t.kind == "count" and t.value in (1, None):
            continue
        after = toks[i + 1] if i + 1 < len(toks) else None
        before = toks[i - 1] if i else None
        if t.kind == "count" and before is not None and (before.kind in ("count", "bigcount") or before.kind == "motion"
                                                         and re.fullmatch(r"(?i)turn(?:s|ed)?", before.text)):
            continue  # ("my daughter turns 6 on Saturday": an age)
        if after is not None and (after.kind in ("count", "bigcount") or after.kind not in ("sep", "stop", "prep", "link")
                                  and after.text.lower() not in _BARE_AFTER):
            continue  # ("I need 3 copies", 三岁: a count of something else; "three hundred": a number past the world's)
        if t.kind == "speed" and before is not None and before.kind in ("unknown", "media"):
            continue  # (打字慢: said of something that is no shape)
        return t.text
    return None


# A clause that describes the drawn object(s) is never read past — not as context, chatter or an expansion's
# decoration (fx8, writer rounds 162-163: "Could you do a green cross, like the pharmacy sign, that glows?" read as a
# green cross; 两个绿色的三角形，一个往左走，一个往右走 read as two triangles standing still): a relative clause after the
# object ("that glows", "which sparkles"), a clause whose subject is one of the objects (一个…，一个…, 另一个…, 其中一个…,
# 它…, "the other …", "one of them …"), or one that says a direction of travel (往左, 向上). The request is read with it,
# and refuses when the world cannot show it; the writer's own sentences (dates, business, thanks) name no object and go.
_RELATIVE = re.compile(r"(?i)^\W*(?:and\s+|but\s+)?(?:that|which|who)\s+(?!(?:'s|'d|'ll|would|will|should|sounds?|"
                       r"works?|way|said|means?|might|may|helps?|is\s+(?:all|it|fine|ok|okay|great)|was|were|i|we|you|"
                       r"he|she|they|my|our|your|the|a|an|this|these|those)\b)[a-z]")
_REFERS_BACK = re.compile(r"(?i)^\W*(?:and\s+|but\s+|while\s+)?(?:the\s+other|one\s+of\s+them|each\s+of\s+them|"
                          r"both\s+of\s+them|the\s+(?:first|second|third)\s+one)\b|"
                          r"^\s*(?:而|然后|并且|同时)?(?:另外?一?[个只颗枚]|其中一?[个只颗枚]?|其余|剩下|它们?)")
_ONE_OF_THEM = re.compile(r"^\s*(?:而|然后|并且|同时)?[一1][个只颗枚](?![^，,。！!？?；;]*[\u4e00-\u9fff]*?(?:的|朋友|客户|同事|人|学生|孩子))")


def _sentence_before(clauses: list[str], i: int) -> str:
    """The clauses of clause ``i``'s sentence before it."""
    start = i
    while start and not re.search(r"[.!?。！？\n]\s*$", clauses[start - 1]):
        start -= 1
    return "".join(clauses[start:i])


def _describes_drawn(clause: str, before: str) -> bool:
    """Does ``clause``, said after ``before`` in its sentence, describe the drawn object(s) (see above)?"""
    if re.search(r"[往向朝][上下左右](?![\u4e00-\u9fff]{0,3}的)", clause):
        return True  # (a direction of travel; not one inside a 的-phrase of another thing: 象征着向上生长的希望)
    if not (any(t.kind in ("shape", "head") for t in _tokens(before.translate(_TRAD), [])) or _POINTS.search(before)):
        return False  # (no object before it in its sentence: nothing for it to describe)
    if _RELATIVE.match(clause) or _REFERS_BACK.match(clause):
        return True
    # 一个…，一个…: a clause led by "one" whose sentence has another such clause, each of the objects before
    return bool(_ONE_OF_THEM.match(clause)) and len(re.findall(r"(?:^|[，,；;])\s*(?:而|然后|并且|同时)?(?:另外?)?[一1][个只颗枚]",
                                                                 before + "，" + clause)) >= 2


def _without_chatter_sentences(text: str) -> tuple[str, list[str]]:
    kept, dropped = _chatter_sentences(text)
    for piece in dropped:
        said = _bare_count_or_speed(piece)
        if said is not None:
            raise _refuse(f"{said!r} said in a sentence read past as context ({piece!r}): how many, or how fast, of what?")
    return kept, dropped


def _chatter_sentences(text: str) -> tuple[str, list[str]]:
    kept: list[str] = []
    dropped: list[str] = []

    def chatter_clause(c: str) -> bool:
        rest = text.replace(c, " ")
        return not _WISH_OF_IT.search(c) and (_PERSON.search(c) and not _POINTS.search(c) and not _corrects(c)
                and (not _names_an_object(c) or _liking_word(c) and (_a_liking(c) or _liked_colour(c, rest)))
                or _flourish(c, rest) or _remark(c, text))

    for sentence in (p for p in _SENTENCE.findall(text) if p.strip()):
        rest = text.replace(sentence, " ")
        person = bool(_PERSON.search(sentence))  # (writer round 156: "… went out twice before lunch", "She's seven,
        # so nothing complicated please!": a person's sentence with a number, negation or time word alone names nothing)
        if _WISH_OF_IT.search(sentence):  # ("I want it to glow.": asked of the drawn object, read with it — fx7)
            kept.append(sentence.strip())
            continue
        if not _POINTS.search(sentence) and (not _names_world(sentence, strict=not person) or _PERSON.search(sentence)
                                             and (_a_liking(sentence) or _liked_colour(sentence, rest))) \
                or _PERSON.search(sentence) and not _names_world(sentence) and _names_world(rest) \
                or _flourish(sentence, rest) or _AGE.fullmatch(sentence.strip()) or _remark(sentence, text) \
                or _past_attempt(sentence) or _context_only(sentence, rest):
            dropped.append(sentence.strip())
            continue
        clauses = [c for c in _CLAUSE.findall(_ZH_SPACE.sub("，", sentence)) if c.strip()]
        drop = [c for i, c in enumerate(clauses) if chatter_clause(c)
                and not _describes_drawn(c, "".join(clauses[:i]))]  # (fx8: "…, that glows", 一个往左走)
        past = next((i for i, c in enumerate(clauses) if _past_attempt("".join(clauses[i:]))), None)
        if past is not None:  # (晚上直播要用的等待画面，之前那个被粉丝吐槽像十年前的屏保: the past told to the sentence's end)
            drop = list(dict.fromkeys(drop + clauses[past:]))
            if len(drop) == len(clauses):
                dropped.append(sentence.strip())
                continue
        if drop and len(drop) < len(clauses):
            dropped.extend(c.strip() for c in drop)
            sentence = " ".join(c.strip() for c in clauses if c not in drop)
        kept.append(sentence.strip())
    if not dropped or not kept:
        return text, []
    return " ".join(kept), dropped


# A remark on what the child does or says with the clip (probe round 118: "he calls it the 'plus plus'", "She says
# 'wheee' every time it flies.", "she watches it every night before bed", "My granddaughter calls it 'bye bye
# circle'"): a person's verb of speaking, liking or watching, which may point at the object ("it") — read past when
# every colour, size, count, speed, shape and motion in it is said elsewhere too, and it asks for nothing the judge
# refuses ("she loves it when it goes red then blue" stays, and is refused); and how it makes the child feel (probe
# round 118: "my son gets so excited when it gets big").
_REMARK = re.compile(r"(?i)^\W*(?:and\s+|so\s+|but\s+)?(?:she|he|they|(?:my|our|his|her|the)\s+(?:[a-z]+\s+){0,2}?"
                     r"(?:son|daughter|grandson|granddaughter|kid|kids|boy|girl|boys|girls|children|toddler|baby|grandbabies|grandkids|"
                     r"nephew|niece|little one|client|boss|(?:\d{1,2}|one|two|three|four|five|six)\s*(?:yrs?|years?)\s+old|"
                     r"\d{1,2}\s*yo)|kids|children)(?:\s+(?:calls?|says?|likes?|loves?|watches|laughs|giggles|shouts|"
                     r"screams|points|pokes|thinks|keeps\s+saying|gets\s+(?:so\s+|really\s+|super\s+)?(?:excited|happy|giddy))|"
                     # probe round 126: a liking said as a state ("kids are obsessed with purple rn", "she's crazy about stars")
                     r"(?:\s+is|\s+are|['’]s|['’]re)\s+(?:so\s+|really\s+|super\s+|totally\s+|completely\s+)?"
                     r"(?:obsessed\s+with|crazy\s+about|mad\s+about|nuts\s+about|into))\b")
_REMARK_KEEPS = frozenset({"color", "badcolor", "size", "postsize", "count", "bigcount", "one", "nth", "speed", "bgkind",
                           "bgword", "badshape", "refuse", "cmp", "loc"})


# ... and the Chinese: a child's liking for what the clip shows, said after the request (writer round 166: 我外孙女一岁半，
# 就喜欢看东西变大 — things in general, 东西, growing): read past only when each motion in it is the request's own
_ZH_REMARK = re.compile(r"^\W*(?:(?:我(?:家|的)?)?(?:外?孙女|外?孙子|女儿|儿子|孩子|宝宝|娃|闺女|小孩)|[她他])?"
                        r"(?:就|最|特别|很|可|都|老)?(?:喜欢|爱)看(?:东西|那种|这种)?")


def _remark(piece: str, text: str) -> bool:
    if _WISH_OF_IT.search(piece):
        return False  # asked of the drawn object (fx7)
    m = _REMARK.match(piece)
    zm = _ZH_REMARK.match(piece.strip()) if m is None else None
    if zm is not None:
        said = _tokens(text.replace(piece, " ").translate(_TRAD), [])
        values = {(t.kind, str(t.value)) for t in said}
        toks = _tokens(piece.strip()[zm.end():].strip(" ，,。！!~～").translate(_TRAD), [])
        return bool(toks) and all(t.kind in _MOVING and (t.kind, str(t.value)) in values or t.kind in ("filler", "stop", "sep")
                                  for t in toks) and any(t.kind in _MOVING for t in toks)
    if m is None:
        return False
    at = text.find(piece)
    before = _tokens(text[:max(at, 0)].translate(_TRAD), [])
    if _POINTS.search(piece) and not any(t.kind == "shape" for t in before):
        return False  # ("my son likes it, a red circle …": an "it" with no object named before it points at nothing)
    said = _tokens(text.replace(piece, " ").translate(_TRAD), [])
    values = {(t.kind, str(t.value)) for t in said}
    shapes = {t.value[0] for t in said if t.kind == "shape"}
    moves = any(t.kind in _MOVING for t in said)
    toks = _tokens(piece[m.end():].translate(_TRAD), [])  # (the person and the verb: "she likes" is no typo of "lines")
    still = not any(t.kind in _MOVING for t in toks)  # ("every night before bed": a sequence in her day, not the clip's)
    for t in toks:
        if t.kind == "refuse" and still and str(t.value).startswith(("a sequence", "negation")):
            continue
        if t.kind in _REMARK_KEEPS and (t.kind, str(t.value)) not in values or t.kind == "refuse":
            return False  # (a colour, size or count said only here, or a word the judge refuses)
        if t.kind == "shape" and t.value[0] not in shapes or t.kind == "head" or t.kind in _MOVING and not moves:
            return False
    return True


_CLIP_KINDS = frozenset({"color", "badcolor", "shape", "badshape", "head", "size", "postsize", "motion", "dir", "vverb",
                         "speed", "approach", "backforth", "diag", "place", "shade", "cmp", "loc", "tocentre", "path"})


def _corrects(clause: str) -> bool:
    """'sorry I meant two', 我说错了，是两个: a correction that restates a count, colour, size or speed is part of the
    request (left to the grammar, refused when it cannot say what it corrects), never chatter."""
    kinds = {t.kind for t in _tokens(clause.translate(_TRAD), [])}
    return "correction" in kinds and bool(kinds & {"count", "color", "size", "speed"})


def _names_an_object(clause: str) -> bool:
    """Does ``clause`` name an object or what one does (a colour, shape, size, motion or speed) or something the
    judge must refuse? A count, 'each other' or 'background' alone do not ("two best friends who haven't seen each
    other in years —", "background music would be something jazzy")."""
    toks = _tokens(clause.translate(_TRAD), [])
    return _names_world(clause, strict=False) and any(
        t.kind in _CLIP_KINDS and not _bare_zh_place(t)
        or t.kind == "refuse" and not str(t.value).startswith(("negation", "a sequence")) for t in toks)


# A chatbot's flourish around the request (整体营造出轻松愉悦的氛围, 充满活力, 宛如两盏升空的孔明灯, 与鲜艳的橙色形成强烈
# 对比, "giving a calm, minimal feel"): read past when it names no object, size or background of its own and every
# colour or motion in it is said elsewhere too — so dropping it loses nothing the request states.
_FLOURISH = re.compile(r"(?i)氛围|感受|风格|营造|充满|显得|仿佛|彷佛|宛如|如同|好似|犹如|^\s*像|富有|十足|质感|层次|对比|利落|流畅|自然|优雅|"
                       r"灵动|轻盈|活力|节奏|张力|冲劲|冲击力|趣味|童趣|梦幻|宁静|温馨|浪漫|清新|明亮|舒缓|高清|视觉|"
                       r"\b(?:feel|feeling|vibe|mood|atmosphere|aesthetic|evoking|evokes|evoke|conveying|conveys|giving it|"
                       r"overall effect|effect|style|rendered|composition|design|energy|sense of|contrast)\b|"
                       # a clause of what the scene does to the eye ("keeping the focus entirely on their graceful,
                       # unhurried movement", "making both shapes pop", "drawing the eye to …")
                       r"^\W*(?:and\s+)?(?:keeping|making|creating|lending|drawing|"
                       r"emphasi[sz]ing|highlighting|inviting|building|giving|evoking|suggesting)\b")
_KEEPS = frozenset({"shape", "badshape", "head", "size", "postsize", "bgword", "refuse", "badcolor", "shade", "cmp", "loc",
                    "bigcount"})
_SIMILE_START = re.compile(r"^\s*(?:就|好)?(?:像|仿佛|彷佛|宛如|如同|好似|好像|犹如)")  # its shapes and sizes are the likeness's


def _flourish(piece: str, rest: str) -> bool:
    if _WISH_OF_IT.search(piece):
        return False  # asked of the drawn object (fx7)
    if not _FLOURISH.search(piece):
        return False
    said = {(t.kind, str(t.value)) for t in _tokens(rest.translate(_TRAD), [])}
    moves = any(k in _MOVING for k, _ in said)
    likeness = _SIMILE_START.match(piece) is not None
    if likeness and not moves:
        return False  # (像鱼一样游: the likeness may be all the prompt says of the motion)
    toks = _tokens(piece.translate(_TRAD), [])
    objects = any(t.kind in ("shape", "badshape", "head") for t in toks)
    for t in toks:
        if t.kind == "refuse" and str(t.value).startswith("relative position") and not objects:
            continue  # ("the contrast between calm and chaos": between no two objects)
        if t.kind in _KEEPS and not (likeness and t.kind in ("shape", "head", "size", "postsize")):
            return False
        if t.kind in ("color", "speed", "bgkind") and (t.kind, str(t.value)) not in said:
            return False  # (a colour, speed or background kind said only here is part of the request)
        if t.kind in _MOVING and not moves and not _bare_zh_place(t):
            return False  # (a motion word is decoration only when the motion is stated elsewhere)
    return True


_LIKES = re.compile(r"(?i)\b(?:likes?|loves?|adores?|is into|are into|(?:is|are) obsessed with|(?:is|are) crazy about)\b|"
                    r"喜欢|爱看|最爱|迷上|超迷|很迷|好迷|着迷|迷恋")


# "like my son says", "as she calls it": whose words these are — a quotative "like", no liking (writer round 178: "can
# u make the ball spin 转圈圈 like my son says, …" is no remark on what the son likes)
_AS_SAYS = re.compile(r"(?i)\b(?:like|as)\s+(?:(?:my|our|his|her|the)\s+(?:[a-z]+\s+){0,2}?[a-z]+|she|he|they|i|we|you)\s+"
                      r"(?:says?|said|calls?\s+it|called\s+it|puts?\s+it|likes?\s+to\s+(?:say|call\s+it))\b")


def _liking_word(text: str) -> re.Match | None:
    """A word of liking in ``text``, a quotative "like my son says" (``_AS_SAYS``) not counted."""
    return _LIKES.search(_AS_SAYS.sub(" ", text))


def _a_liking(sentence: str) -> bool:
    """'she loves stars', 孩子喜欢转的东西: things in general (no count, colour or size) a person likes — a remark,
    not an object of the clip."""
    toks = _tokens(sentence.translate(_TRAD), [])
    general = not any(t.kind in ("count", "one", "nth", "color", "size") for t in toks)
    return general and (_liking_word(sentence) is not None
                        or _says_nothing(sentence, shapes=False) and any(t.kind == "shape" for t in toks))


def _liked_colour(sentence: str, rest: str) -> bool:
    """'she loves pink.', 她喜欢粉色。: a person's liking of a colour that the request says anyway (给我女儿做的，她喜欢
    粉色。一个粉色的大星星…) — a remark; a colour said only there stays (which object would it be?)."""
    toks = _tokens(sentence.translate(_TRAD), [])
    colours = {t.value for t in toks if t.kind == "color"}
    said = {t.value for t in _tokens(rest.translate(_TRAD), []) if t.kind == "color"}
    return bool(_liking_word(sentence) and colours and colours <= said
                and not any(t.kind in ("count", "one", "nth", "size", "shape", "head") for t in toks))


_UNKNOWN_WORD = re.compile(r"cannot judge: unknown word '([^']+)'")
_NEVER_READ_PAST = frozenset({"like", "unlike", "than", "except", "but", "instead", "versus", "again", "twice", "thrice",
                              "half", "quarter", "double", "triple", "each", "every", "partly", "mostly", "barely",
                              "almost", "nearly", "nae", "dinnae", "cannae", "didnae", "isnae", "ain", "aint", "nope"})


_UNKNOWN_NOUN = re.compile(r"cannot judge: unknown shape '([a-z]{4,}(?:ed|ing|ly|ous|ful|ive|ity|ness|ant|ent|al|ic|ish|less|"
                           r"ance|ence|ment|ion))'")  # "poised", "inevitability", "commanding": no shape a reader means
# In a chatbot's expansion (a long prompt), a manner word where a motion would go ("slow and weightless", "caroming
# off the walls", "blooming outward", "crisp-edged"): the motions this world refuses are named in the lexicon, and an
# object left with no motion is refused below
_UNKNOWN_MANNER = re.compile(r"cannot judge: unknown motion '([a-z]{4,}(?:ed|ing|less|ous|ful|ive|ly))'")
_LONG = 24  # words: a prompt this long is an expansion, not a request typed by hand
_EXPANSION: ContextVar[bool | None] = ContextVar("expansion", default=None)  # is the prompt being read that long?


def _english_words(text: str) -> int:
    return len(re.findall(r"[A-Za-z]+", text))


_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


# A chatbot's own words about its answer (优化后的提示词, 可以这样写, 润色后的版本, "Here's a more detailed version",
# "Refined prompt:", an answer's opening 好的～ on a line of its own): a prompt that has them is an expansion when shorter
_CHATBOT_ANSWER = re.compile(r"(?i)提示词|优化|润色|精修|可以这样写|改写|\b(?:improved|enhanced|refined|optimi[sz]ed|expanded|"
                             r"rewritten|polished)\s+(?:prompt|version)\b|\bhere(?:'s|\s+is)\b[^\n:]{0,60}\b(?:prompt|version)\b|"
                             r"^\s*(?:好的|当然|没问题|sure|of course|certainly|absolutely)[^\n]{0,12}\n")  # (好的～\n…)


def _long(text: str) -> bool:
    """Is ``text`` a chatbot's expansion rather than a request typed by hand (24 English words, or 60 Chinese
    characters; 12 English words or 20 Chinese characters with a chatbot's words about its answer)?"""
    english, chinese = _english_words(text), len(_CJK_CHAR.findall(text))
    if english >= _LONG or chinese >= 60:
        return True
    return (english >= _LONG // 2 or chinese >= 20) and _CHATBOT_ANSWER.search(text) is not None


def _without_decoration(text: str) -> tuple[str, list[str]]:
    """An expansion's clauses that name nothing of the world and point at no object ("步调从容", "动感十足",
    "sleek, precise, and mesmerizing"): the prose a chatbot wraps around the request. Returns the text without
    them and the clauses, or the text and [] when there are none (or nothing would be left)."""
    clauses = [c for c in _CLAUSE.findall(text) if c.strip()]
    drop = {i for i, c in enumerate(clauses) if re.search(r"[^\W\d_]", c) and not _POINTS.search(c)
            and not _describes_drawn(c, _sentence_before(clauses, i))
            and (not _names_world(c) and not _names_world(_rewritten(c.lower().translate(_TRAD), []))  # (带有…布纹质感)
                 or _look_talk(c))}
    if not drop or len(drop) == len(clauses):
        return text, []
    kept = []
    for i, c in enumerate(clauses):  # a dropped clause that ends a sentence leaves its full stop
        end = re.search(r"[.!?。！？\n]", c) if i in drop else None
        if i not in drop:
            kept.append(c.strip())
        elif end and kept:
            kept[-1] = kept[-1].rstrip(" ,，;；:：") + end.group()
    return " ".join(kept), [clauses[i].strip(" ,，;；:：.。!！?？\n") for i in sorted(drop)]


# An expansion's talk of the look (科技感十足, 画面保持扁平图形感, 明亮又有活力, 不要立体感，不要明暗, 不加阴影, 不杂乱,
# 只保留最纯粹的形状与色彩): a clause that says no colour, shape, size, motion, speed, place or background, whose only
# words the judge would refuse are a negation, an 'and also' (又) or, negated, a look the world lacks (no 3D, no
# shadow), and that speaks of no person (chatter has its own reading): read past like the clauses that name nothing. A
# look said without a negation (带阴影) stays, and refuses.
_LOOK_TALK_KINDS = frozenset({"filler", "unknown", "conj", "sep", "stop", "media", "bgmod", "head", "bigcount", "shade",
                              "prep", "link", "definite"})


def _look_talk(clause: str) -> bool:
    if _PERSON.search(clause):
        return False  # (a person's words, "I have been wondering whether these tools can do simple things": chatter)
    toks = _tokens(clause.translate(_TRAD), [])
    negated = False
    for t in toks:
        why = str(t.value) if t.kind == "refuse" else ""
        if why.startswith("negation"):
            negated = True
        elif why.startswith("object appearance") and negated or why.startswith("a sequence") and t.text in ("又", "还"):
            continue
        elif t.kind not in _LOOK_TALK_KINDS or t.kind == "shade" and not negated:
            return False
    return any(t.kind == "unknown" or t.kind == "refuse" for t in toks)


# A look heading's value (Style:, Mood:, 风格：, 氛围：) that says no colour, size, motion, speed, place or
# background: its shapes and lines are the drawing's manner (线条圆润, "geometric shapes"), its likenesses a mood
# ("like something descending with purpose"). A look the world lacks ("3D render", 写实) stays, and refuses.
_LOOK_VALUE_KINDS = frozenset({"color", "badcolor", "size", "postsize", "motion", "dir", "vverb", "speed", "approach",
                               "diag", "backforth", "bgword", "bgkind", "tocentre", "path", "place", "loc", "cmp"})


def _look_value(value: str) -> bool:
    negated = False
    toks = _tokens(re.sub(r"(?i)\bflat\b", " ", _SIMILE.sub(" ", value)).translate(_TRAD), [])  # (a flat look)
    for i, t in enumerate(toks):
        why = str(t.value) if t.kind == "refuse" else ""
        if why.startswith("negation"):
            negated = True
            continue
        word_end = t.zh and len(t.text) == 1 and i and toks[i - 1].kind == "unknown"  # (冷静: 静 ends a word)
        if t.kind == "refuse" and not (why.startswith("object appearance") and negated) \
                or t.kind in _LOOK_VALUE_KINDS and not _bare_zh_place(t) and not word_end:
            return False
    return True


def _bg_slot(w: str) -> re.Pattern:
    """Right after a background word as typed ("background dorado", "bg: zorkish", Spanish "fondo dorado") or right
    before one ("a dorado backdrop"): the place of the background's colour."""
    bg = r"(?:\b(?:background|backdrop|bg|fondo|fundo)|背景)"  # (背景 paper: round 149)
    return re.compile(rf"(?i){bg}\s*(?:is\s+|:\s*|=\s*|should\s+be\s+|colou?r\s+|[是为用要：]\s*)?(?:an?\s+|the\s+)?{re.escape(w)}\b|"
                      rf"\b{re.escape(w)}\s+{bg}\b")


_DIRECTION_KINDS = frozenset({"place", "dir", "diag"})
_DIRECTION_WORDS = frozenset({"up", "down", "left", "right", "upward", "upwards", "downward", "downwards", "leftward",
                              "leftwards", "rightward", "rightwards", "diagonal", "diagonally", "top", "bottom"})


@lru_cache(maxsize=1)
def _one_edit_from_a_direction() -> frozenset[str]:
    return frozenset(x for d in _DIRECTION_WORDS for x in _edits1(d))


def _two_edits_from_a_direction(w: str) -> bool:
    """Is a direction word two edits (or one) from ``w``? For a word of a-z letters: one edit from ``w`` meets one
    edit from a direction word (the edits are symmetric over one alphabet), ~1,000 strings instead of the ~10^5 of
    every two-edit neighbour of ``w``, which cost 65 ms a word."""
    if re.fullmatch(r"[a-z]+", w):
        return not _edits1(w).isdisjoint(_one_edit_from_a_direction())
    return not {e2 for e1 in _edits1(w) for e2 in _edits1(e1)}.isdisjoint(_DIRECTION_WORDS)


def _in_motion_phrase(text: str, w: str) -> bool:
    """Is the unknown word ``w`` inside a motion phrase — after a motion verb and before its direction ("moving dien
    to the right") — and within two edits of a direction word (a misspelt "down" makes it down-right)? Reading it
    past could give a wrong motion: the prompt is refused instead. A manner word or a sound there ("glides serenely
    to the right", "go brrr to the right") is far from every direction, and is read past as before."""
    if not _two_edits_from_a_direction(w.lower()):
        return False
    toks = [t for t in _tokens(text, []) if t.kind != "filler"]
    for i, t in enumerate(toks):
        if t.kind != "unknown" or t.text != w.lower() or not i:
            continue
        j = i + 1
        while j < len(toks) and toks[j].kind in ("prep", "definite", "stop"):  # "to the", "towards the"
            j += 1
        if toks[i - 1].kind in ("verb", "motion", "vverb") and j < len(toks) and toks[j].kind in _DIRECTION_KINDS:
            return True
    return False


def _speed_of_another(sentence: str, words: list[str]) -> bool:
    """Does ``sentence`` say a speed right beside a word read past (``words``: "I need something fast for my
    channel.": the something's) and name no object, no motion and nothing pointing at one? Its speed is of the thing the
    word names (the clip?), not clearly of an object another sentence draws."""
    if _POINTS.search(sentence):
        return False
    toks = _tokens(sentence.translate(_TRAD), [])
    lowered = {w.lower() for w in words}
    return any(t.kind == "speed" and any(u.text.lower() in lowered for u in toks[max(i - 1, 0):i + 2] if u is not t)
               for i, t in enumerate(toks)) and not any(
        t.kind in ("shape", "head", "badshape", "one", "motion", "dir", "vverb", "approach", "backforth", "diag", "path")
        for t in toks)


def _without_unknown_words(text: str, most: int | None = None) -> Parse:
    """A prompt refused for a word of no kind the parser knows, in no place an object's colour, shape or motion (or
    the background's colour) goes ("Um, is it okay to ask for …", "honestly", "Abeg", 老铁), or for an English adjective or abstract noun
    where a shape would go ("a sense of inevitability"): read without it (at most ``most`` such words: 2, or one in
    12 words of a long prompt — a chatbot's expansion), reported; refused as before if it still cannot be read."""
    size = _english_words(text)
    text0 = text
    long = bool(_EXPANSION.get()) or size >= _LONG
    if most is None:
        most = max(2, size // 12)
    first: CannotJudge | None = None
    words: list[str] = []
    for _ in range(most + 1):
        try:
            parse = _parse(text)
        except CannotJudge as exc:
            first = first or exc
            m = _UNKNOWN_WORD.fullmatch(str(exc)) or _UNKNOWN_NOUN.fullmatch(str(exc)) or (
                _UNKNOWN_MANNER.fullmatch(str(exc)) if long else None)
            if m is None or len(words) == most:
                raise first from None
            w = m.group(1)
            if not _CJK.search(w) and (w.lower() in _NEVER_READ_PAST or _edits1(w.lower()) & _lexicons()[4]):
                raise first from None  # a comparison or a repeat, or one edit from a word the parser knows (a typo?)
            if not _CJK.search(w) and _bg_slot(w).search(text):
                raise first from None  # "background dorado", "fondo dorado": where the background's colour goes
            if not _CJK.search(w) and re.search(rf"(?i)(?<![^\W\d_]){re.escape(w)}[\s-]+sized?\b", text):
                raise first from None  # "it is normal size": a size the parser does not know (probe round 140)
            if not _CJK.search(w) and re.search(
                    r"(?i)\b(?:it|they|them|the\s+(?:circles?|squares?|triangles?|stars?|diamonds?|crosses|balls?|dots?|"
                    r"shapes?))(?:\s+(?:should|must|shall|will|would|could|can|might|may|needs?\s+to|has\s+to|have\s+to|"
                    r"ought\s+to|to|is\s+going\s+to|are\s+going\s+to))+(?:\s+(?:also|really|just|definitely|maybe|not))?"
                    rf"\s+{re.escape(w)}\b", text):
                raise first from None  # "it should sparkle", "I want it to glow": asked of the drawn object (fx7)
            if not _CJK.search(w) and _in_motion_phrase(text, w):
                raise first from None  # "moving dien to the right": a direction's own word (down-right?), not chatter
            # a Chinese run is cut into words by the lexicon: only a word that ends its clause goes ("老铁，…"), so
            # no piece of an unknown run is left behind to be read (令人愉快的: 快 is "fast")
            pat = re.escape(w) + r"(?=\s*(?:[，,。.！!？?；;：:、~～]|$))" if _CJK.search(w) \
                else rf"(?<![^\W\d_]){re.escape(w)}(?![^\W\d_])"
            new = re.sub(pat, " ", text, count=1, flags=re.IGNORECASE)
            if new == text:
                raise first from None
            text = new
            words.append(w)
            continue
        if words and any(g.motion is None for g in parse.request.groups):
            raise first from None  # an object left with no motion: the word read past may be its verb (quicando)
        if words and any(g.speed for g in parse.request.groups) and any(
                _speed_of_another(s, words) and not any(t.kind == "speed" for t in _tokens(
                    text0.replace(s, " ").translate(_TRAD), [])) for s in _SENTENCE.findall(text0)):
            raise first from None  # ("I need something fast for my channel. A white circle moving right": the speed,
            #                        said nowhere else, is the something's, which the judge cannot tell from the circle's)
        parse.ignored[:0] = [f"{w} (unknown word)" for w in words]
        return parse
    raise first


def _ends_in_verb(simile: str) -> bool:
    """A Chinese simile with no closing word (一样, 似的…) runs to the clause's end and may hold the verb itself:
    橙色三角形像屏保弹 — 弹 (bounce) is the motion, not part of the likeness."""
    simile = simile.strip(" ,，")
    if not _CJK.match(simile) or simile.startswith(("好像", "仿佛", "似乎")) \
            or re.search(r"(?:一样|一樣|一般|似的|般|那样|那樣|那般)地?$", simile):
        return False  # (仿佛被时光收走: an "as if" clause is a verb phrase by nature)
    toks = [t for t in _tokens(simile, []) if t.kind not in ("filler", "stop")]
    return bool(toks) and toks[-1].kind in ("motion", "vverb", "verb", "approach", "speed")


# "a white triangle like a sail moving right", "like the rising sun, slowly moving up": the simile's noun alone
# (an article, then one or two words no lexicon knows), when the rest of its clause does name the world.
_SHORT_SIMILE = re.compile(rf"\s*,?\s*\b{_LIKE}(?:an?\s+|the\s+)?([a-z]+)(?:\s+([a-z]+))?", re.IGNORECASE)
# Nouns whose simile says a speed ("moves like a rocket to the left"): kept, so the prompt stays refused
_SPEED_NOUNS = frozenset(["rocket", "rockets", "bullet", "bullets", "snail", "snails", "turtle", "turtles", "tortoise",
                          "sloth", "lightning", "flash", "jet", "jets", "cheetah", "glacier", "racecar", "missile", "hare",
                          "rabbit", "bolt"])


def _own_motion_said(phrase: str) -> bool:
    """A spoken "like" before the object's own verb phrase, not a likeness (probe round 138, voice input: "a circle
    that like goes around in a circle like it's orbiting"): "like" then a verb, or a pronoun and its verb, with a
    motion this world does not have ('in a circle', 'orbiting') — never read past, so the prompt is refused."""
    toks = _places(_tokens(phrase.strip(" ,").translate(_TRAD), []))
    if not toks or toks[0].text != "like":
        return False
    rest = toks[1:]
    if rest and rest[0].kind == "pronoun":
        rest = rest[1:]
        rest = rest[1:] if rest and rest[0].kind == "link" else rest
    elif not rest or rest[0].kind != "verb":
        return False  # ("like dancers closing in", "like watercolor paper": a likeness)
    return bool(rest) and rest[0].kind in ("verb", "refuse") and any(t.kind == "refuse" for t in rest)


def _short_simile(text: str) -> Parse | None:
    """The prompt read without a short English simile it holds (see ``_SHORT_SIMILE``; the first whose removal
    leaves a prompt the judge reads), or None."""
    vocab = _lexicons()[4]
    for m in _SHORT_SIMILE.finditer(text):
        for end, words in ((m.end(), m.groups()), (m.end(1), m.groups()[:1])):
            if any(w is None or w.lower() in vocab or w.lower() in _SPEED_NOUNS for w in words):
                continue
            try:
                return _without_span(text, m.start(), end)
            except CannotJudge:
                continue
    return None


def _without_span(text: str, start: int, end: int) -> Parse:
    """The prompt read without ``text[start:end]`` (a simile), which is reported as read past."""
    head, tail = text[:start], text[end:]
    if head.strip() and not _CJK.search(head[-1:] + tail[:1]):
        head, tail = head.rstrip() + " ", tail.lstrip()  # "flat like balloons — shrinking": "flat — shrinking"
    parse = parse_prompt_verbose(head + tail if head.strip() else re.sub(r"^\s*[—–-]+", "", tail))
    parse.ignored.append(text[start:end].strip(" ,"))
    return parse


_EMOJI_RUN = re.compile("(" + "|".join(map(re.escape, _EMOJI_OBJECTS)) + r")(?:\ufe0f?\s*\1)*\ufe0f?")


def _emoji_objects(m: re.Match) -> str:
    """A run of one object emoji -> its object, counted: 🔴🔴 -> 'two red circles'."""
    n = m.group().count(m.group(1))
    obj = _EMOJI_OBJECTS[m.group(1)]
    return f" {obj} " if n == 1 else f" {['two', 'three'][n - 2] if n <= 3 else n} {obj}s "


_MOVING = frozenset({"dir", "vverb", "motion", "place", "diag", "approach", "tocentre", "path", "backforth"})


_JOINING_THEN = frozenset({"then", "and then", "然后", "然后呢", "接着"})


def _no_sequence_yet(toks: list[Tok], ignored: list[str]) -> list[Tok]:
    """'then' / 然后(呢) before any motion is said joins two parts of one description (我要一个绿色的菱形 然后呢 变大),
    not two motions in turn: read past. The sides of a gradient's clause (蓝色背景，从上到下渐变，然后有三个星星…) are
    no motion."""
    out = []
    for i, t in enumerate(toks):
        if t.kind == "refuse" and str(t.value).startswith("a sequence") and t.text in _JOINING_THEN \
                and (not any(x.kind in _MOVING for x in _outside_gradient_clauses(out)) or _then_background(toks[i + 1:])):
            ignored.append(t.text)
            continue
        out.append(t)
    return out


def _then_background(rest: list[Tok]) -> bool:
    """'… 一直变大 then 背景黑色' (probe round 119): a 'then' right before the background's word, with no motion, verb or
    change said after it, adds the background to the description — no second motion in turn ('then the background
    turns red' names a change, and 'then the background is blue' a state that may come later: both stay refused)."""
    return any(x.kind == "bgword" for x in rest) and rest[0].kind in ("bgword", "color", "shade") and all(
        x.kind in _THEN_BACKGROUND for x in rest)


_THEN_BACKGROUND = frozenset({"bgword", "color", "shade", "bgkind", "bgaxis", "bgmod", "sep", "filler", "stop"})


def _outside_gradient_clauses(toks: list[Tok]) -> list[Tok]:
    """``toks`` less the places and prepositions of each clause (between commas) that names a background kind."""
    out: list[Tok] = []
    clause: list[Tok] = []
    for t in toks + [Tok("sep", False, ",")]:
        if t.kind != "sep":
            clause.append(t)
            continue
        bg = any(x.kind == "bgkind" for x in clause)
        out.extend(x for x in clause if not (bg and x.kind in ("place", "prep", "path")))
        clause = []
    return out


def _said_of_it(toks: list[Tok]) -> list[Tok]:
    """'It's big and green', 'the other purple': after 'is', a colour and a size with no noun after them describe
    the object before (a size there would open a noun phrase that lacks its noun: read as 'of that size'); a
    reference ('the other', 'the purple one') with a colour or size next, and no noun in its clause, is 'the
    other is purple'."""
    out = list(toks)
    for i in range(len(out) - 1, 0, -1):
        t = out[i - 1]
        named_one = t.kind == "one" and i >= 3 and out[i - 2].kind in ("color", "size") and out[i - 3].kind == "definite"
        one_of = t.text == "one" and t.kind in ("one", "count") and i >= 2 and out[i - 2].kind == "sep" and any(
            x.kind == "count" and x.value > 1 for x in out[:i - 1]) and any(
            x.kind == "nth" and x.value == "other" for x in out[i:]) and not any(
            x.text == "one" for x in out[i:])  # "two circles, one orange, the other purple" (not "one …, one …")
        if (t.kind == "nth" or named_one or one_of) and not t.zh and out[i].kind in ("color", "size") and not any(
                x.kind in ("shape", "head") for x in itertools.takewhile(lambda x: x.kind != "sep", out[i:])):
            out.insert(i, Tok("link", None, "is"))
    out = _zh_de_references(out)
    # "a pristine, matte white backdrop", "a large, radiant yellow star": the comma between an article's adjectives
    out = [t for i, t in enumerate(out) if not (
        t.kind == "sep" and t.text == "," and 2 <= i < len(out) - 1 and out[i - 1].kind in ("filler", "bgmod", "size", "bgkind")
        and not (out[i - 1].kind == "bgkind" and out[i - 1].value[1])  # ("a vertical gradient, cyan": a noun, then its colour)
        and out[i - 2].kind == "count" and out[i - 2].text in ("a", "an", "the")
        and out[i + 1].kind in ("filler", "bgmod", "size", "color", "bgkind", "shape"))]
    for i, t in enumerate(out):
        if t.kind != "link":
            continue
        run = list(itertools.takewhile(lambda j: out[j].kind in ("color", "size", "conj")
                                       or out[j].kind == "sep" and not out[j].value, range(i + 1, len(out))))
        nxt = out[run[-1] + 1] if run and run[-1] + 1 < len(out) else None
        said = [j for j in run if out[j].kind in ("color", "size")]
        if len(said) == 2 and {out[j].kind for j in said} == {"color", "size"} and not any(out[j].zh for j in said) \
                and t.text != ":" and (nxt is None or nxt.kind not in ("shape", "head", "stop")):
            c, z = sorted(said, key=lambda j: out[j].kind)  # colour first, then the size as 'of that size'
            size = out[z]
            out[min(said)], out[max(said)] = out[c], Tok("postsize", size.value, size.text, size.zh)
    return out


def _zh_de_references(toks: list[Tok]) -> list[Tok]:
    """白的大，黑的小 / 小的弹来弹去，大的不动: at a clause start, a colour or size + 的 (+ 那个) that names exactly one
    object said before refers to it — its noun is put back (白的十字是大的, 小的圆弹来弹去), so the grammar reads a
    re-mention of that object instead of a new one of no shape."""
    out = list(toks)
    i = 0
    while i < len(out):
        t = out[i]
        de = t.text.endswith("的") or i + 1 < len(out) and out[i + 1].kind == "stop" and out[i + 1].text == "的"
        after = i > 0 and (out[i - 1].kind == "sep" or i > 1 and out[i - 2].kind == "link" and out[i - 2].zh
                           and out[i - 1].kind in ("size", "color"))  # (白的大黑的小: after the last one's)
        if not (t.zh and t.kind in ("color", "size") and de and after):
            i += 1
            continue
        nouns = {}
        for k in range(i - 1):  # the earlier mentions of this value: the noun each one's phrase names
            if out[k].kind == t.kind and out[k].value == t.value:
                noun = next((x for x in out[k + 1:k + 4] if x.kind == "shape"), None)
                nouns[k] = noun
        j = i + 1 + (not t.text.endswith("的"))  # past the 的
        j += j < len(out) and out[j].kind == "definite"  # 那个
        nxt = out[j] if j < len(out) else None
        shapes = {n.value[0] for n in nouns.values() if n is not None}
        rest = itertools.takewhile(lambda x: x.kind != "sep" and not (x.kind in ("color", "size") and x.text.endswith("的")),
                                   out[j + 1:])  # up to the clause's end or the next 黑的 (白的大黑的小)
        predicate = nxt is not None and nxt.kind in ("size", "color") and not any(
            x.kind in ("shape", "head") for x in rest)  # 中等大小的橙色圆: a new object's colour, not 'is orange'
        if len(nouns) != 1 or len(shapes) != 1 or nxt is None or nxt.kind == t.kind \
                or not (predicate or nxt.kind in _VP_KINDS):
            i += 1
            continue
        noun = next(iter(nouns.values()))
        add = [Tok("shape", (noun.value[0], None), noun.text, True)]
        if nxt.kind in ("size", "color"):
            add.append(Tok("link", None, "是", True))  # 白的大 = 白的十字是大的
        out[i + 1:j] = [x for x in out[i + 1:j] if x.kind != "definite"] + add
        i = j
    return out


def _no_orbit(toks: list[Tok]) -> list[Tok]:
    """'going round and round a blue square', 'spinning around the star': a spin word ending in round / around with
    an object right after it goes round that object — an orbit, a path this world does not have: refused (with
    nothing after it, or a comma, it spins in place)."""
    for i, t in enumerate(toks):
        if t.kind == "motion" and t.value == "rotate" and not t.zh and t.text.endswith("round"):
            j = i + 1
            while j < len(toks) and (toks[j].kind in ("count", "definite", "color", "size", "shade")
                                     or toks[j].kind == "filler" and toks[j].text in ("other", "another")):
                j += 1
            if j > i + 1 and j < len(toks) and toks[j].kind == "shape":
                raise _refuse(f"'{t.text} {_join(toks[i + 1:j + 1])}' is an orbit, a path this world does not have")
        # writer round 165: "going round and round the edge of the screen", "spinning around the screen", "spinning
        # along the border": a spin word, then (round / along) a part of the frame is a path along it, not a spin in place
        if t.kind == "motion" and t.value == "rotate" and not t.zh:
            j = i + 1
            if j < len(toks) and toks[j].kind == "prep" and toks[j].text.lower() in ("along", "round", "around"):
                j += 1
            k = j
            while j < len(toks) and (toks[j].kind == "definite" or toks[j].text.lower() in ("all", "its")):
                j += 1
            if (j > k or t.text.endswith("round")) and j < len(toks) and _FRAME_PART.fullmatch(toks[j].text):
                raise _refuse(f"'{t.text} {_join(toks[i + 1:j + 1])}' is a path around the frame, which this world "
                              "does not have")
    return toks


# the parts of the frame a path can go round (writer round 165)
_FRAME_PART = re.compile(r"(?i)(?:(?:the|its|all|whole|entire|outer)\s+)*(?:edges?|borders?|sides?|corners?|rims?|"
                         r"perimeter|outside|frame|screen|canvas|walls?|margins?|boundary|boundaries)\b")


# "only the biggest one moves" (writer round 176), 只有星星在转: the others then do not move — said by no word of
# theirs, so a reading that leaves an object's motion open is refused (still is not guessed); "…, 其他都不动" reads
_ONLY_MOVER = re.compile(r"(?i)\bonly\s+(?:the\s+|one\b|1\b)(?:[\s-]*[a-z]+){0,3}?\s+(?:moves?|moving|is\s+moving|spins?|"
                         r"spinning|rotates?|goes|travels|bounces|grows|shrinks|drifts|slides)\b|只有[^，,。.；;！!]{1,10}?(?:在)?(?:动|转|移动)")


def _parse(text: str) -> Parse:
    ignored: list[str] = []
    toks = _places(_said_of_it(_no_sequence_yet(resolve_negations(_tokens(text, ignored), ignored), ignored)))
    toks = _no_orbit(toks)
    toks, bg_color, bg_kind = _background(toks)
    groups = _Grammar(toks, ignored).run()
    reqs = [_group_request(g, ignored) for g in groups]
    try:
        reqs = normalize_groups(reqs)
    except ValueError as exc:
        raise _refuse(str(exc)) from None
    if len(reqs) > 1 and any(g.motion is None for g in reqs):
        only = _ONLY_MOVER.search(text)
        if only:
            raise _refuse(f"'{only.group()}' leaves the others' motion unsaid (still?)")
    seen: set[str] = set()
    ignored = [w for w in ignored if not (w in seen or seen.add(w))]
    return Parse(Request(reqs, bg_color, bg_kind), ignored)


def parse_prompt(text: str) -> Request:
    """Parse an English, Chinese or mixed prompt into the attributes it requests (see the module docstring).

    Raises :class:`CannotJudge` (one line, naming the word) when the prompt asks for something the judge
    cannot check or is unclear.
    """
    return parse_prompt_verbose(text).request


# A long message with its request among sentences of context (probe rounds 144-145: who writes, what the clip is for,
# a past attempt, thanks — 我是开奶茶店的，…。要三个粉色的圆点从下往上飘…。之前找人做的太花哨了…, "Hello Priya, Thanks
# for the last batch … Let me know your rate for this one."): where the prompt cannot be read otherwise, the sentences
# that state nothing of the drawn objects are read past and the others read as the request. A sentence is context only
# when none of its words is a colour, shape, size, count, speed, motion, direction, place or background of this world
# (nor a word the judge refuses, other than a negation or a word of before — 之前, 不 — of the context's own story);
# only a size or speed said of a thing of another kind ("a tiny arcade game", 小屏幕, 打字慢), a count of one, and a
# bare Chinese side (上次, 下周) are let pass. A sentence that names any of these stays with the request, which is then
# refused when it cannot be read ("last time it was too fast, so make it slow" is never dropped silently).
# words of another time that the judge refuses inside a request (a sequence) but that, in a sentence naming nothing of
# the world, tell the story around the clip (之前用过…, "I'll send more next week"); "then", 然后, "stops" never pass
_TIMES_BEFORE = frozenset({"之前", "以前", "此前", "先前", "早前", "before", "previously", "earlier", "next", "later", "afterwards", "after", "最后",
                           "先", "再", "又", "finally"})  # (writer round 160: 老大又不肯先吃饭, 先写完作业再玩: the order of the day's chores)
# a sentence's lead-in before a colon is a piece of its own (李设计师您好：…, "Steps to reproduce: …"); a clock time
# (5:30) is no lead-in
_LEAD_IN = re.compile(r"(?:[^:：]|(?<=\d)[:：](?=\d))+(?:[:：]+|$)")


# a letter's sign-off that ends the message: a closing word and a name ("Thanks, Mei", "Warmly, Ines", "Thanks in
# advance, Rosa")
_SIGN_OFF = re.compile(r"\s*(?i:(?:many\s+)?thanks(?:\s+(?:again|in\s+advance|so\s+much))?|thank\s+you(?:\s+so\s+much)?|"
                       r"cheers|best(?:\s+wishes)?|(?:kind\s+|best\s+|warm\s+)?regards|warmly|sincerely|love|"
                       r"all\s+the\s+best|talk\s+soon)\s*[,!.]?\s+[A-Z][a-z]+\s*[.!]?\s*")


# what the object is, named before it with "is" / 是 ("My idea is a big white circle …", 设想是一个小小的青色圆点…,
# 刺激是一个黑色小菱形…): the name goes when it states nothing, the counted object stays
_NAMED_AS = re.compile(r"(?i)\s*((?:[a-z']+\s+){1,3}?|[\u4e00-\u9fff]{1,6}?)(?:is|是)\s*"
                       r"(?=(?:an?|one|two|three|just\s+one)\s|[一两二三][个只颗枚])")


_OTHER_TIME = re.compile(r"(?i)\b(?:last|before|previous(?:ly)?|earlier|next|yesterday|ago|used\s+to)\b|"
                         r"之前|以前|此前|上次|上回|上一|上个|上周|上学期|去年|昨天|下次|下回")


# Words of a story sentence that only look like the world's (probe rounds 147-148), read as a word of another thing
# when a sentence is weighed as context (never in a request): a number of time or of other units ("3am", "at 3.",
# "in 5 min", "forty years", "10th grade", "~4k members", 三十多年, 两岁, 三点前, 初二), and a verb with its particle
# ("setting up the TV", "people look up", "the kids who come in", "we hang out", "report back").
_EN_NUMBER = (r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
              r"forty|fifty|sixty|hundred|a\s+couple\s+of)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?")
_OTHER_NUMBER = re.compile(
    r"(?i)\b\d+(?:st|nd|rd|th)\b|\b\d+k\b|"
    r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock)(?![a-z])|"
    r"\b(?:at|by|until|till|before|after)\s+\d{1,2}(?::\d{2})?(?=\s*(?:[.!?,;]|$))|"
    rf"\b{_EN_NUMBER}[-\s]?(?:secs?|seconds?|mins?|minutes?|hours?|hrs?|days?|nights?|weeks?|months?|years?|yrs?|"
    r"decades?|percent|%)(?![a-z])|"
    r"[初高][一二三](?![个只颗枚])|"
    r"[一二两三四五六七八九十百千几\d]+多?(?:[岁年遍次]|个?(?:小时|星期|礼拜|月|学期|钟头)|分钟|秒钟?|天(?!空)|周(?![围边])|"
    r"点(?=[前后半钟多左右整]|\d|[一二三四五六七八九十]+分))")
_PARTICLE = re.compile(
    r"(?i)\bturn(?:s|ed|ing)?\s+(?:(?:it|them|this|that)\s+(?:off|on)|out)\b|"  # (writer round 159: "so I turned them off")
    r"\b(?:liven(?:s|ed|ing)?|give|gives|gave|giving|cut(?:s|ting)?|end(?:s|ed|ing)?|mix(?:es|ed|ing)?|tune(?:s|d)?|think(?:s|ing)?|thought|"
    r"slow(?:s|ed|ing)?(?=\s+(?:them|him|her|us|everyone|people|folks|the\s+kids)\s+down)|settle(?:s|d)?|picked|"
    r"set|sets|setting|put|puts|putting|look|looks|looking|looked|show|shows|showing|showed|pick|picks|picking|"
    r"sign|signs|signing|signed|hang|hangs|hanging|hung|come|comes|coming|came|walk|walks|walking|drop|drops|dropping|"
    r"stop|stops|stopping|check|checks|checking|log|logs|logging|report|reports|reporting|call|calls|calling|"
    r"write|writes|writing|get|gets|getting|got|warm|warms|warming|figure|figures|figuring|cheer|cheers|cheering)"
    r"(?:\s+(?:it|them|him|her|us|everyone|people|folks|the\s+kids|this|that))?\s+(?:up|out|in|back|by|over|down|through|off)\b")
# "as soon as possible" (尽快出一版给我看看, 越快越好, "ASAP" — writer round 150): when the writer wants the clip, no
# speed of a drawn object; read so only in a sentence weighed as context, before a verb of delivery (not 尽快往左)
_SOON = re.compile(r"(?i)(?:尽快|尽早)(?=给|发|出|交|做|弄|安排|回复|完成)(?![^。！!？?]*[往向朝左右])|\basap\b(?=[\s,]*(?:please|pls|thanks?|thank\s+you)?[\s.!]*$)")
# a trailing clause that may say how the thing before it looks (有一点纸张那样的质感, "like handmade paper") is no
# clause of why: it stays with the request
_LOOKS = re.compile(r"(?i)质感|纹|颗粒|磨砂|感觉|风格|氛围|那样|那种|这种|一样|似的|般|像|平涂|\blike\b|\blook|\bfeel|\bstyle|"
                    r"\btexture|\bfinish|\bkind\b|\bsort\b|\btype\b")  # (背景用红色，平涂的那种: how the background looks)
def _has_grammar(clause: str) -> bool:
    """A clause with words of grammar besides words of no kind (投影仪上看得清楚, "same as the signs"), not a bare
    word or two of no kind the parser knows ("basically twins", "kinda wobbly": may be said of the object)."""
    toks = [t for t in _tokens(clause.translate(_TRAD), []) if t.kind not in ("filler", "sep")]
    return len(toks) >= 2 and any(t.kind != "unknown" for t in toks)


_NOUN_MARKERS = frozenset({"the", "our", "my", "your", "their", "these", "those", "his", "her"})
# a typo's fix into a word the world has no value for ("teach" -> peach, "loud" -> cloud, "setting" -> wafting,
# "cases" -> chases): in a sentence weighed as context, the word the writer typed, of another thing
_NO_VALUE_KINDS = frozenset({"badcolor", "badshape", "verb", "refuse", "media"})


# a quoted name or phrase ('two becoming one', 'Snowfall', '解压视频') that names nothing of the world on its own: a
# title or someone's words, read as one word of another thing when a sentence is weighed as context
_QUOTED = re.compile(r"(?<![\w'])'([^'\n]{1,40})'(?![\w'])|\"([^\"\n]{1,40})\"|‘([^’\n]{1,40})’|“([^”\n]{1,40})”|「([^」\n]{1,40})」")


def _unquoted(sentence: str) -> str:
    return _QUOTED.sub(lambda m: m.group() if _names_world(next(g for g in m.groups() if g is not None), strict=False)
                       else ("某" if _CJK.search(m.group()) else " xq "), sentence)


def _other_thing(m: re.Match) -> str:
    """A match that names another thing (a time, a unit, a delivery), as a word of no kind: 某 in Chinese, xq else."""
    return "某" if _CJK.match(m.group()) else " xq "


_ATTRIBUTE_NAMED = re.compile(r"大小|尺寸|颜色|顏色|速度")
# Chinese words of the day's story whose single characters are the world's (writer round 160, run-on messages: 老大
# the eldest child or the boss, 白天 / 天黑 / 黑灯瞎火 / 天不亮 times of day, 红火 thriving, 快点交 hurry to hand in,
# 快开始了 soon, 开会 / 开业 / 公开课, 行吧 / 行政, 白班, 白板, 黑板): read as a word of another thing, only when a piece
# is weighed as context — never in a request (快点往左, 白色, 黑色背景 stay the world's)
_ZH_OTHER_SENSE = re.compile(
    r"老大|白天|白班|白板|黑板报?|天[一都也快还没]{0,3}黑(?![色底])|黑灯瞎火|天不亮|红红火火|红火|"
    r"快(?:点|些)?的?(?=交|把|改|报名|来接|练|上线|写完|开始|到了|弄完|跟上)"
    r"(?![^，,。！!？?\s]{0,4}(?:[往向朝][左右上下]|[左右上下]移|移动|走|飞|转|跑|漂|落))|快点快点|快递|快乐|别急|着急|"
    r"开(?=会|业|播|学|车|门|始)|公开课|行吧|行行行|行政|双十一|去(?:跳|歇|吃|睡|玩|买|上班|上学)|小声|"
    r"[一二两三四五六七八九十\d]+点(?=[，,。！!\s]|$)")
_BACKGROUND_WORD = re.compile(r"(?i)\b(?:background|backdrop|bg)\b|背景|底色")
# English story phrases whose words are the world's (writer round 159), read as a word of another thing only when a
# sentence is weighed as context: getting a thing right ("get the breathing part right", "she's probably right"), a
# person who still does a thing ("I still need an intro clip", "she'll probably still find something"), a thing that
# has been sitting unused, a child who won't sit still, an age ("turns six", "'s turning 3"), a year ("since 2020").
_EN_STORY = re.compile(
    r"(?i)\b(?:get|gets|got|getting|gotten)\s+(?:[a-z'-]+\s+){1,3}right\b|"
    r"\b(?:'s|is|are|was|were)\s+(?:probably\s+|totally\s+|absolutely\s+|so\s+)?right\b(?=\s*(?:[.!,;]|$))|"
    r"\b(?:i|we|you|he|she)(?:'ll|'d|\s+will|\s+would)?(?:\s+probably)?\s+still\b(?=\s+(?:need|needs|haven't|hasn't|"
    r"don't|doesn't|can't|find|finds|want|wants|think|thinks|have|has|like|likes|use|love|loves)\b)|"
    r"\b(?:has|have|'s|had)\s+(?:just\s+)?been\s+(?:just\s+)?sitting\b(?=\s+(?:there|around|in|on|unused|idle|on))|"
    r"\b(?:won't|can't|cannot|couldn't|doesn't|don't|never|wouldn't)\s+sit\s+still\b|"
    r"\bturn(?:s|ed|ing)\s+(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b(?!\s+(?:times|degrees))|"
    r"\b(?:since|from|in|back\s+in)\s+(?:19|20)\d\d\b")


# it / they / them in a sentence of the writer's story around the one request (writer round 159: "If it looks good
# I'll put it in the slides.", "My buddy tested it last night", "I'll show it to my bridge club, they won't believe
# it.", "I've tried paper folding but they just end up making airplanes"): a person of the story (I, we, my, he…)
# does something with it, or they do. Never where the sentence asks of it ("make it glow", "I want it to glow", "it
# should look glowy", "they need to be bigger") or the word after it is a verb of its own the world has no value for
# ("I hope it sparkles", "it vanishes": maybe said of the drawn object).
_STORY_PERSON = re.compile(r"(?i)\b(?:i|i'm|i've|i'll|i'd|me|my|we|we're|we've|we'll|our|us|he|she|his|him|nobody)\b|"
                           r"\bthey(?:'ll|'d|'re|'ve)?\s+(?:[a-z]+\s+){0,2}(?:it|them)\b")  # (they do a thing to it)
_ASKED_OF_IT = re.compile(
    r"(?i)\b(?:make|makes|made|making|want|wants|wanted|need|needs|like|(?:'d|would)\s+love|have|has|let|lets|keep|keeps|see|get|"
    r"wish|imagine|picture)\s+(?:it|them|they)\b|"
    r"\b(?:it|they|them)(?:'ll|'d|'s\s+going\s+to|\s+(?:should|must|will|would|could|can|might|may|needs?\s+to|has\s+to|"
    r"have\s+to|is\s+going\s+to|are\s+going\s+to|ought\s+to))\s+(?:not\s+)?(?:be|look|have|feel|seem|appear|stay|keep|"
    r"move|go|get|turn)\b")
_PARTICLE_OF_IT = re.compile(
    r"(?i)\b(?:clean(?:s|ed|ing)?|chang(?:e|es|ed|ing)|take|takes|took|taking|swap(?:s|ped|ping)?|fix(?:es|ed|ing)?|"
    r"tidy|tidied|hook(?:s|ed)?|mess(?:es|ed)?|screw(?:s|ed)?|wrap(?:s|ped)?)\s+(?:it|them)\s+(?:up|out|down|over|back)\b")
_STORY_VERB_AFTER = frozenset({"looks", "look", "came", "comes", "shows", "feels", "works", "worked", "was", "were",
                               "is", "are", "has", "had", "keep", "just", "still", "skip", "sent", "can", "won't",
                               "will", "asked", "want", "wanted", "said", "says", "took", "takes", "got"})


# a wish, ask or condition said of the drawn object(s) in a sentence of its own (fx7): "I want it to glow", "I'd like
# them to spin", "it should sparkle", "they must be big", "I hope it glows", "(they'll love it) if it leaves a trail"
# — read with the request, so that a thing the world cannot show refuses; never a thing done with the clip ("hope it
# works", "if it's possible", "if they hate it", "I want it to be ready by Friday", "I want it to feel energetic", "it
# will run all day", "they'll cut it together": a future told, no ask)
_STORY_AFTER_IT = (r"(?:is|'s|was|are|'re|were|isn't|aren't|wasn't|not|works?|worked|helps?|helped|makes?\s+sense|can|"
                   r"could|would|will|'ll|won't|does|doesn't|did|didn't|turns?\s+out|turned\s+out|comes?\s+out|came\s+out|"
                   r"goes|went|looks?|feels?|fits?|plays?|loads?|renders?|gets?|has|had|all|both|like|likes|love|loves|"
                   r"enjoy|enjoys|want|wants|need|needs|ask|asks|see|sees|say|says|think|thinks|know|knows|do|don't|hate|hates|"
                   r"hated|dislike|dislikes|mind|care|cares|notice|use|uses|watch|watches|share|agree|complain|decide|choose|"
                   r"have|get|got|saw|said|liked|loved|matters?|counts?|ends?|starts?|happens?|takes?|costs?|"
                   r"come|came|arrive|arrives|ready|possible|okay|ok|fine|alright|right|too|also|just|really|still)\b")
_WISH_OF_IT = re.compile(
    r"(?i)\b(?:want|wants|wanted|need|needs|needed|(?:'d|would)\s+(?:like|love|prefer)|prefer|wish|expect)\s+(?:it|them)"
    r"\s+to\s+(?!(?:be\s+)?(?:ready|done|finished|over|sent|delivered|work|help|fit|last|load|play|loop|run|feel|seem|"
    r"be\s+(?:fun|easy|"
    r"simple|short|long|perfect|good|nice|great|ok|okay|useful|clear|seconds?|minutes?))\b)|"
    r"\b(?:it|they)(?:\s+(?:should|must|needs?\s+to|has\s+to|have\s+to|ought\s+to|(?:'d|would|had)\s+better))"
    r"\s+(?!(?:be\s+)?(?:fine|ok|okay|work|works|help|do|love|like|enjoy|know|see|be\s+(?:fine|ok|okay|enough|ready|"
    r"done|easy|possible|fun|simple|short|great|perfect|good|nice|useful|able|happy|thrilled|excited|amazed|"
    r"impressed|surprised|there|here|in|on|for|a|an|the|my|our|used|shown)))\b[a-z]|"
    r"\b(?:hope|hoping|if|wish)\s+(?:it|they)\s+(?!" + _STORY_AFTER_IT + r")[a-z]")


def _story_pronoun(sentence: str, t: Tok, nxt: Tok | None) -> bool:
    if _CJK.search(t.text) or not (_STORY_PERSON.search(sentence) or re.match(r"(?i)\W*(?:hope|hoping)\b", sentence)) \
            or _ASKED_OF_IT.search(sentence):
        return False
    if nxt is None or nxt.kind in ("prep", "sep", "conj", "cconj", "stop"):
        return True
    # the next word: one of the story's (no kind the world has, and no verb of its own said of it), or a particle
    return nxt.kind != "unknown" or (  # (a word of a kind is weighed on its own below: "set it up" is no direction)
        t.text.lower() != "it" or not re.fullmatch(r"[a-z]+s", nxt.text.lower()) or nxt.text.lower() in _STORY_VERB_AFTER
        or not re.search(rf"(?i)\bit(?:\s+(?:just|really|kind\s+of|sort\s+of))?\s+{re.escape(nxt.text)}\b", sentence)) \
        or nxt.kind == "count" and nxt.value == 1


def _states_nothing(sentence: str, colours: set | None = None, before_objects: bool = False) -> bool:
    """Does ``sentence`` state nothing of the drawn objects (see above)? With ``colours`` given, a world colour said
    alone ("Her favourite colour is orange.", "Our colour is red, it's on all our yard signs.") is let pass and
    collected there: the caller reads the sentence past only when the request gives each to a drawn object."""
    if _WISH_OF_IT.search(sentence):
        return False  # ("I want it to glow.", "it should sparkle", "if it leaves a trail": asked of the drawn object)
    if "它" in sentence or _ATTRIBUTE_NAMED.search(sentence):
        return False  # (大小就普通的吧: a sentence that names an attribute of the request says something of it)
    notes: list[str] = []
    masked = _ZH_OTHER_SENSE.sub("某", _OTHER_NUMBER.sub(_other_thing, _unquoted(sentence.translate(_TRAD))))
    if re.search(r"[往向朝][上下左右]", masked):
        return False  # (…绿色的，一个往左，一个往右，一个往上: a direction, though 上 alone is mostly 晚上's)
    if _STORY_PERSON.search(masked) and not _ASKED_OF_IT.search(masked):  # ("I'll take it down", "if they cleaned
        masked = _PARTICLE_OF_IT.sub(" xq ", masked)                        # it up": a person's doing with it)
    masked = _EN_STORY.sub(" xq ", masked)
    every = _tokens(_PARTICLE.sub(" xq ", _SOON.sub(_other_thing, masked)), notes)
    fixed = {m.group(1) for m in map(re.compile(r"^[a-z]+ -> ([a-z]+)$").match, notes) if m}
    toks = [t for t in every if t.kind != "filler"]
    for i, t in enumerate(toks):
        if _POINTS.fullmatch(t.text):  # ("Could you look into it?", "Send it to the folder"; not "It moves.", "It's
            nxt = next((u for u in toks[i + 1:] if u.kind != "link"), None)  # wobbly.", "make it glow": said of it)
            if before_objects and (t.text.lower() in ("they", "them", "their") or _OTHER_TIME.search(sentence)) \
                    and nxt is not None \
                    and nxt.kind not in _NAMING_KINDS and nxt.kind != "verb" and not any(u.kind == "one" for u in toks):
                continue  # (before any object is drawn: "They're a bit nerdy", the people of the story, "Last month
                #          it was candles", another time's; not "They're wobbly ones")
            if _story_pronoun(sentence, t, nxt):
                continue
            k = toks.index(nxt) if nxt is not None else 0
            if nxt is not None and nxt.kind == "count" and nxt.value == 1 and k > i + 1 and toks[k - 1].kind == "link" \
                    and k + 1 < len(toks) and toks[k + 1].kind == "unknown" \
                    and (k + 2 == len(toks) or toks[k + 2].kind == "sep"):
                continue  # ("it's a WIP.": the clip is a thing of another kind; not "it's a wobbly one")
            if nxt is not None and nxt.kind not in ("prep", "sep"):
                return False
            continue
        if t.kind == "count":
            if t.value in (1, None):
                continue
            return False
        if t.kind not in _NAMING_KINDS and t.kind not in ("correction", "verb") or _bare_zh_place(t):
            continue
        after = toks[i + 1].kind if i + 1 < len(toks) else None
        at = every.index(t)
        if t.text in fixed and not t.zh and (t.kind in _NO_VALUE_KINDS or t.kind == "motion" and after == "unknown"):
            continue  # (a typo's fix of no world value, or a motion before a noun of another thing: "pilot study")
        if t.kind == "verb" and at and every[at - 1].text.lower() in ("i", "we", "you", "he", "she", "who"):
            continue  # ("I run a small yoga studio": the writer's verb)
        if t.kind == "verb" and not t.zh and at and every[at - 1].text.lower() in _NOUN_MARKERS and after != "prep":
            continue  # ("before the slides start", "the title slide": a noun, not a motion)
        if t.kind == "head" and not t.zh and i and toks[i - 1].kind in ("unknown", "media") \
                and not any(u.kind in ("count", "one", "color", "size") and u.value != 1 for u in toks[:i]):
            continue  # ("these computer things", "the AI video thing": things of another kind)
        if t.kind == "color" and colours is not None and t.value in COLORS \
                and not any(u.kind in ("shape", "head", "bgword", "bgkind", "one") for u in toks) \
                and not _BACKGROUND_WORD.search(sentence):  # ("Background doesn't matter, but let's say gray.")
            colours.add(t.value)
            continue
        if t.kind == "refuse" and str(t.value).startswith("alternatives") and i > 1 and after in ("unknown", "media") \
                and toks[i - 1].kind == "unknown" and str(toks[i - 2].value).startswith("negation"):
            continue  # ("no names or text": what is not wanted, no choice of the request's)
        if t.kind == "refuse" and not str(t.value).startswith(("negation", "relative position", "a sequence")) \
                and any(str(u.value).startswith("negation") for u in itertools.takewhile(
                    lambda u: u.kind != "sep", reversed(toks[:i]))):
            continue  # ("no text", 别加任何文字标注: an extra not wanted, which the world never draws)
        if t.kind == "refuse" and str(t.value).startswith("relative position"):
            thing = next((u for u in toks[i + 1:] if u.kind not in ("definite", "count", "stop")), None)
            if thing is not None and thing.kind in ("unknown", "media"):
                continue  # ("a screen above the reception desk", "between songs", "behind the singers")
        if t.kind == "refuse" and str(t.value).startswith("ambiguous count") and i and toks[i - 1].text == "the" \
                and after != "stop":
            continue  # ("the couple wants …": people; not "the couple of circles")
        if t.kind == "refuse" and (str(t.value).startswith("negation")
                                   or str(t.value).startswith("a sequence") and t.text.lower() in _TIMES_BEFORE
                                   or str(t.value).startswith("vague count") and after == "unknown"):
            continue  # (不; 之前, "next week"; 好几个软件: a vague count of another thing)
        if t.kind == "bigcount" and after in ("unknown", "media") and not t.zh:
            continue  # ("they're about 80 pages long", "twelve new hires": a number of other things)
        if t.kind == "head" and t.text in fixed and at and every[at - 1].text.lower() in ("i", "we", "you"):
            continue  # ("She'll love it, I think.": a typo's fix that the writer did not mean)
        if t.kind == "head" and not t.zh and i and toks[i - 1].text.lower() in ("this", "that") \
                and not any(u.kind in ("count", "color", "size", "motion", "dir", "vverb", "speed") and u.value != 1
                            for u in toks):
            continue  # ("how to use this thing on my tablet": the app, a thing of another kind)
        if t.kind == "size" and after in ("unknown", "media"):
            continue  # ("a tiny arcade game", 小屏幕: a thing of another kind; a speed never: 慢镜头)
        if t.kind == "one" or t.kind == "nth" and after in ("unknown", "stop", None):
            continue  # ("this one", "first post")
        return False
    return True


def _zh_run_on(text: str) -> bool:
    """A Chinese message run on with commas or spaces only (writer round 160: 哎我跟你说今天老大又不肯先吃饭…，就要一个
    黄色的星星在那转圈就行，背景弄个蓝色的): read like a message of sentences, its clauses of context read past in front."""
    return len(_CJK.findall(text)) >= 24 and len(
        [c for c in _CLAUSE.findall(_ZH_SPACE.sub("，", text)) if c.strip()]) >= 4


def _request_among_context(text: str) -> Parse | None:
    whole = [s for s in _SENTENCE.findall(text) if s.strip()]
    sentences = [p for s in whole for p in _LEAD_IN.findall(s) if p.strip()]
    if len(whole) < 2 and not _zh_run_on(text):  # (a message of sentences; one line with a label, "hover 效果：…",
        return None                               # is read as before)
    context, request = [], []
    if _SIGN_OFF.fullmatch(sentences[-1]):  # ("Warmly, Ines": a name, whatever word it is one edit from)
        context.append(sentences.pop())
    restating: dict[str, set] = {}  # a sentence that only says colours, and the colours it says
    every: list[str] = []  # the request's pieces and those sentences, in order
    drawn = [any(t.kind == "shape" for t in _tokens(s.translate(_TRAD), [])) for s in sentences]
    for n, s in enumerate(sentences):
        if _states_nothing(s, before_objects=not any(drawn[:n + 1])):
            context.append(s)
            continue
        said: set = set()
        if _states_nothing(s, said) and said:
            restating[s] = said
            every.append(s)
            continue
        clauses = [c for c in _CLAUSE.findall(_ZH_SPACE.sub("，", s)) if c.strip()]
        while len(clauses) > 1 and _states_nothing(clauses[0]) and not _PAST_ATTEMPT.match(s) \
                and not _OTHER_TIME.search(clauses[0]):  # (我们健身房新开业，…: a lead-in clause; not "Last time I
            context.append(clauses.pop(0))              # tried it, it was way too fast": the rest is of that time)
        while len(clauses) > 1 and _states_nothing(clauses[-1]) and not _OTHER_TIME.search(clauses[-1]) \
                and not _describes_drawn(clauses[-1], "".join(clauses[:-1])) \
                and not _SIMILE.search(clauses[-1]) and not _LOOKS.search(clauses[-1]) \
                and _has_grammar(clauses[-1]) and any(t.kind in ("shape", "bgword") for t in _tokens(
                    "".join(clauses[:-1]).translate(_TRAD), [])):  # (after an object's or the background's clause)
            context.append(clauses.pop())  # (背景白色就行，投影仪上看得清楚。: a trailing clause of why)
        piece = "".join(clauses)
        named = _NAMED_AS.match(piece)
        if named and _states_nothing(named.group(1)):
            context.append(named.group().strip())
            piece = piece[named.end():]
        request.append(piece)
        every.append(piece)
    if restating:  # read past only when the request gives each colour to a drawn object (else read with it)
        kept = _request_among_sentences(context, request, restating)
        if kept is not None:
            return kept
        request = every
    if not context or not request:
        return None
    return _read_request(context, request)


def _request_among_sentences(context: list[str], request: list[str], restating: dict[str, set]) -> Parse | None:
    if not request:
        return None
    parse = _read_request(context + list(restating), request)
    if parse is None:
        return None
    drawn = {g.color for g in parse.request.groups}
    if any(not said <= drawn for said in restating.values()):
        return None
    return parse


def _read_request(context: list[str], request: list[str]) -> Parse | None:
    joined = " ".join(s.strip() for s in request)
    token = _EXPANSION.set(_long(joined))  # (the request is read as long as it is, not as the whole message)
    try:
        parse = parse_prompt_verbose(joined)
    except CannotJudge:
        return None
    finally:
        _EXPANSION.reset(token)
    if not parse.request.groups or any(g.shape is None for g in parse.request.groups):
        return None
    parse.ignored[:0] = [s.strip() for s in context]
    return parse
