"""Everyday comparisons people use instead of the world's words: a colour named by a thing ("the colour of grass",
"tomato-red", 柠檬色, 草一样颜色的), a size named by a thing ("the size of a coin", 乒乓球大小) and the things similes
compare with ("bouncing like a ping-pong ball", 像气球被吹起来那样变大); a speed said by a comparison with its word
("as fast as lightning") and a stillness stressed by one ("still as a statue").

Only things of one colour (or one size against the frame) that any reader agrees on are listed: "the colour of the
sky" may be blue or cyan, "sun-coloured" yellow or orange, an apple red or green — those stay unknown and the
prompt stays refused. ``rewrites`` turns the comparisons into the world's words (``syntax.rewritten`` applies and
reports them); ``SIMILE_NOUNS`` lets a simile whose compared thing holds a world word (ball, 球) be read past.
"""

from __future__ import annotations

import re

__all__ = ["SIMILE_NOUNS", "rewrites"]

# colour -> things of that colour (English; a space may be written as a hyphen or left out: fire-truck, firetruck)
_EN_COLOUR_THINGS = {
    "red": "fire truck|fire engine|tomato|tomatoes|strawberry|strawberries|blood|stop sign|ladybug|ladybird|red apple",
    "orange": "carrot|carrots|pumpkin|tangerine|traffic cone|orange peel",
    "yellow": "lemon|lemons|banana|bananas|sunflower|sunflowers|egg yolk|canary|school bus|rubber duck",
    "green": "grass|frog|broccoli|leaf|leaves|pine tree|christmas tree|cucumber",
    "blue": "ocean|sea|blueberry|blueberries|denim|jeans",
    "purple": "grape|grapes|eggplant|aubergine|amethyst|plum",
    "pink": "flamingo|bubblegum|bubble gum|piglet|cherry blossom",
    "white": "snow|milk|cloud|clouds|chalk|cotton|paper|swan|polar bear",
    "black": "coal|ink|soot|tar|crow|raven|night",
    "gray": "ash|concrete|cement|elephant|slate|pebble|rain cloud|storm cloud",
}
# words that only ever come before their colour in a paint or crayon name ("sunshine-yellow", "royal purple",
# "pitch-black"): read as the colour, and only there (probe round 77)
_EN_COLOUR_MODIFIERS = {
    "red": "fire|lipstick|fire engine", "yellow": "sunshine|buttercup|mustard", "green": "pine|forest|kelly",
    "blue": "royal|cobalt|sapphire", "purple": "royal", "pink": "candy|hot", "black": "pitch|jet|inky|ink",
    "gray": "steel|storm|smoke|gunmetal|dove",
}
# the Chinese counterpart: a chatbot's paint names (宝石蓝, 电光青, 鹅黄, 芭比粉, 落日橙, 曜石黑; probe round 80)
_ZH_COLOUR_MODIFIERS = {
    "蓝": "宝石 钴 电光 克莱因 海军 午夜 皇家 普鲁士", "青": "电光", "黄": "鹅 向日葵 阳光 芥末", "红": "樱桃 胭脂 中国 火焰 宝石",
    "绿": "翠 碧 苹果 森林 祖母 翡翠 宝石", "紫": "皇家 宝石 丁香", "粉": "芭比 玫瑰 少女", "橙": "落日 活力 日落 夕阳",
    "黑": "黑曜石 曜石 午夜 乌木 炭", "白": "珍珠 月光", "灰": "烟 石板 高级 雾",
}
_EN_SPEED_THINGS = {
    "fast": "lightning|rocket|bullet|cheetah|race car|jet",
    "slow": "snail|snails|turtle|tortoise|sloth|molasses|glacier",
}
# the Chinese counterpart: 像蜗牛一样往右挪, 像火箭一样冲上天, 快如闪电, 慢得像乌龟 (probe round 139)
_ZH_SPEED_THINGS = {"fast": "闪电 火箭 子弹 猎豹 赛车 流星 离弦之箭 离弦的箭 风 疾风 旋风 一阵风", "slow": "蜗牛 乌龟 树懒"}
_STILL_THINGS = ("statue|statues|stone|stones|rock|rocks|mountain|post|book|books|picture|photo|photograph|painting|"
                 "wall|tree|furniture|brick|bricks|mouse|death|grave|ice|pond")  # (the article is the pattern's)
_ZH_COLOUR_THINGS = {
    "红": "消防车 番茄 西红柿 草莓 樱桃 鲜血 血 红苹果 中国", "橙": "橘子 橙子 桔子 胡萝卜 南瓜 橘", "黄": "柠檬 香蕉 向日葵 蛋黄 小黄鸭",
    "绿": "青草 草地 草坪 小草 草 树叶 叶子 青蛙 黄瓜 西兰花", "蓝": "大海 海水 海洋 海 蓝莓 牛仔裤", "紫": "葡萄 茄子 薰衣草",
    "粉": "火烈鸟 桃花 樱花 小猪", "白": "白雪 雪花 雪 牛奶 奶 乳 白云 云朵 棉花 白纸 纸", "黑": "煤炭 煤球 煤 墨水 墨汁 墨 乌鸦 黑夜",
    "灰": "水泥 大象 烟灰 灰烬",
}
# size -> things of that size against the frame
_EN_SIZE_THINGS = {
    "small": "coin|pea|peas|marble|button|pill|grape|bead|ping pong ball|golf ball|dime|penny|thumbnail|fingernail|"
             "postage stamp|stamp|"
             "sesame seed|grain of rice|ladybug|ant|mouse",
    "large": "dinner plate|plate|pizza|watermelon|beach ball|basketball|football|soccer ball|car tyre|car tire|"
             "house|elephant|truck",
}
_ZH_SIZE_THINGS = {
    "小": "硬币 药片 小药片 黄豆 绿豆 红豆 豆子 豌豆 弹珠 纽扣 扣子 乒乓球 芝麻 米粒 蚂蚁 指甲盖 指甲 一元硬币",
    "大": "盘子 餐盘 脸盆 西瓜 篮球 足球 披萨 锅盖",
}

# shape -> flat things whose outline is exactly that world shape, named instead of the shape (probe round 133: 三角尺,
# 三角板, 圆饼, 方格子, 等边三角形); things with a doubtful outline (盒子, 钻石, 积木, 硬币: a size thing) are not listed
_ZH_SHAPE_THINGS = {"三角形": "三角尺 三角板 等边三角形", "圆": "圆饼", "方格": "方格子"}
# things said right before the shape's own word (积木方块, 积木里那种三角形的块): read past, the named shape stays
_ZH_SHAPE_BEFORE = "积木 积木块"

# shape -> things whose flat outline is that shape, said right before the shape's own word ("nacho chip triangle", "a
# baseball diamond shape", "a first aid cross", "a bathroom tile"): the thing is read past, the named shape stays (probe
# round 132); alone, a thing names a shape only where no reader doubts it ("a coin": a circle; a kite, a gem or a door
# may not be — those stay unknown)
_EN_SHAPE_THINGS = {
    "circle": ("coin|coins|penny|pennies", "circles?|balls?|dots?|discs?|disks?"),
    "triangle": (("nacho chip|nacho chips|nacho|nachos|dorito|doritos|tortilla chip|tortilla chips|pizza slice|"
                  "pizza slices|yield sign|warning sign"), "triangles?"),
    "square": ("bathroom|kitchen|floor|ice cube|ice cubes|toy|rubiks cube|rubik s cube|checkers|chess|checkerboard",
               "squares?|tiles?|blocks?"),
    "diamond": ("baseball|kite|gem|gemstone|playing card|road sign|warning sign", "diamonds?|rhombus(?:es)?"),
    "cross": ("first aid|hospital|medical|swiss|red cross|pharmacy", "cross(?:es)?|plus signs?|plus symbols?|plus"),
}
_EN_SHAPE_ALONE = {"circle": "coin|coins"}  # (the size rewrites read "coin-sized", "the size of a coin" first)


# Things a simile compares with whose name holds a world word ("like a ping-pong ball": not a circle of the scene)
SIMILE_NOUNS = re.compile(
    r"(?i)(?:ping[- ]?pong|beach|bouncy|rubber|bowling|soccer|tennis|golf|disco|crystal|snow|pin|foot|basket|base|"
    r"cannon|wrecking)[- ]?balls?|balloons?|traffic[- ]lights?|(?:the\s+)?(?:dvd|screensaver|screen[- ]?saver)\s+(?:logo|icon)|"
    r"(?:电梯)?[上下]楼|电梯|红绿灯|信号灯|气球|乒乓球|乒乓波|弹力球|皮球|篮球|足球|雪球|台球|弹珠|保龄球|溜溜球|悠悠球|灯笼|太阳|月亮|车轮|轮子|风车|陀螺|电风扇|风扇|钟摆|"
    r"屏保|待机画面|logo")


def _alt(words: str, sep: str = "|") -> str:
    """A regex alternation of the phrases, longest first; a space may be a hyphen or nothing in English."""
    phrases = sorted(words.split(sep), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"[- ]?") for p in phrases)


def rewrites() -> list[tuple[re.Pattern, str]]:
    """(pattern, replacement) pairs for ``syntax.rewritten`` (lower-case, simplified Chinese)."""
    out: list[tuple[re.Pattern, str]] = []
    art = r"(?:(?:a|an|the|fresh|ripe|new|fallen)\s+){0,2}"  # before a thing ("a ripe plum")
    for colour, things in _EN_COLOUR_THINGS.items():
        t = _alt(things)
        out += [
            (re.compile(rf"\b(?:the\s+)?colou?r\s+of\s+{art}(?:{t})\b"), colour),  # the colour of grass
            (re.compile(rf"\b(?:{t})[- ]?colou?red\b"), colour),  # lemon-coloured
            (re.compile(rf"\b(?:{t})[- ]?(?:{colour}|colou?r)\b"), colour),  # tomato-red, grass green, fire truck colour
            (re.compile(rf"\b(?:as\s+)?{colour}\s+as\s+{art}(?:{t})\b"), colour),  # (as) white as snow
        ]
    for colour, words in _EN_COLOUR_MODIFIERS.items():
        out.append((re.compile(rf"\b(?:{_alt(words)})[- ]+(?={colour}\b)"), ""))  # sunshine-yellow: yellow
    for size, things in _EN_SIZE_THINGS.items():
        t = _alt(things)
        word = {"small": r"small|tiny|little", "large": r"big|large|huge"}[size]
        out += [
            (re.compile(rf"\b(?:about\s+|roughly\s+|around\s+|only\s+)?(?:the\s+)?size\s+of\s+{art}(?:{t})\b"), size),
            (re.compile(rf"\b(?:{t})[- ]?sized?\b"), size),  # coin-sized
            (re.compile(rf"\b(?:as\s+)?(?:{word})\s+as\s+{art}(?:{t})\b"), size),  # as small as a pea
        ]
    # a size said as a share of the frame (writer round 165: "maybe a tenth of the frame", "big enough to fill about
    # half the screen", "roughly half the screen tall"): half of it or more is large, a tenth or less small (the
    # world's sizes span 0.14-0.3 of the short side); a third, a quarter, a fifth lie between and stay unknown words
    frame = r"(?:the\s+)?(?:whole\s+|entire\s+)?(?:frame|screen|canvas|picture|image|video|shot|view)(?:'s)?"
    about = r"(?:(?:about|roughly|around|approximately|approx|nearly|almost|at\s+least|more\s+than|over|like|maybe|just|only|some)\s+)?"
    fill = r"(?:fill|fills|filling|filled|take\s+up|takes\s+up|taking\s+up|cover|covers|covering|occupy|occupies|occupying)"
    big = r"(?:half|most|the\s+bulk|two\s+thirds|three\s+quarters|(?:5\d|[6-9]\d)\s*(?:%|percent))"
    small = r"(?:(?:a|one)\s+(?:tenth|twelfth|fifteenth|twentieth|fiftieth|hundredth)|(?:[1-9]|10)\s*(?:%|percent))"
    extent = r"(?:\s+(?:tall|wide|high|across|in\s+size|in\s+width|in\s+height|in\s+diameter))?"
    out += [
        (re.compile(rf"\b(?:(?:big|large)\s+enough\s+to\s+|so\s+(?:that\s+)?it\s+|that\s+)?{fill}\s+{about}{big}"
                    rf"(?:\s+of)?\s+{frame}{extent}"), "large"),  # fills about half the screen
        (re.compile(rf"\b{about}(?:half|two\s+thirds|three\s+quarters)(?:\s+of)?\s+{frame}\s+"
                    r"(?:tall|wide|high|across|in\s+size|in\s+width|in\s+height|in\s+diameter)\b"), "large"),  # half the screen tall
        (re.compile(rf"\b{about}{small}\s+(?:of|the\s+size\s+of)\s+{frame}{extent}"), "small"),  # a tenth of the frame
        (re.compile(rf"\b(?:{fill}\s+)?{about}{small}\s+of\s+{frame}"), "small"),  # takes up a tenth of the frame
    ]
    for shape, (things, words) in _EN_SHAPE_THINGS.items():  # "nacho chip triangle": triangle
        out.append((re.compile(rf"\b(?:{_alt(things)})[- ]+(?=(?:shape[- ]+|shaped[- ]+)?(?:{words})\b)"), ""))
    for shape, things in _EN_SHAPE_ALONE.items():  # "two yellow coins": two yellow circles; "a coin shape": a circle
        out.append((re.compile(rf"\b(?:{_alt(things)})(?:[- ]shaped?)?\b(?![- ](?:toss|flip|sized?|purse|slot|op)\b)"),
                    lambda m, shape=shape: shape + ("s" if m.group().startswith("coins") else "")))
    for speed, things in _EN_SPEED_THINGS.items():
        t = _alt(things)
        word = {"fast": r"fast|quick|speedy", "slow": r"slow"}[speed]
        out.append((re.compile(rf"\b(?:as\s+)?(?:{word})\s+as\s+(?:two\s+|three\s+)?{art}(?:{t})\b"), speed))  # (as) fast as lightning
    # "rising like dough in a warm oven", "puffs up like bread rising": dough rises by growing
    out.append((re.compile(r"\b(?:rising|rises|rise|puffing up|puffs up|puff up|swelling|swells)\s+like\s+(?:the\s+|a\s+)?"
                           r"(?:bread\s+dough|dough|bread|a\s+loaf|loaf|cake|souffle|yeast)\b(?:\s+(?:rising|in\s+(?:a\s+|the\s+)?"
                           r"(?:warm\s+)?oven))*"), "growing"))
    # "still as a statue", "still as books on a shelf": the comparison only stresses the word before it
    out.append((re.compile(rf"\b(?:as\s+)?(still|motionless|steady|stationary)\s+as\s+{art}(?:{_alt(_STILL_THINGS)})"
                           r"(?:\s+(?:on|in)\s+(?:a|an|the)\s+[a-z]+)?\b"), r"\1"))
    for zh, things in _ZH_COLOUR_THINGS.items():
        t = _alt(things, " ")
        out += [  # 柠檬色的, 草一样颜色的, 和橘子一样的颜色, 像雪一样白的
            (re.compile(rf"(?:和|跟|像|如)?(?:{t})(?:一样|一般|那样|似的|般)?的?(?:颜色|色)(?:的)?"), f"{zh}色的"),
            (re.compile(rf"(?:和|跟|像|如)?(?:{t})(?:一样|一般|那样|似的|般)(?={zh})"), ""),  # 煤炭一样黑的
            (re.compile(rf"(?:{t})(?={zh})"), ""),  # 海蓝色, 柠檬黄纯色, 雪白的, 葡萄紫
        ]
    for speed, things in _ZH_SPEED_THINGS.items():  # 快如闪电, 慢得像蜗牛, 像火箭一样, 蜗牛般地, 像乌龟一样慢
        t, zh = _alt(things, " "), {"fast": "快", "slow": "慢"}[speed]
        adv = {"fast": "飞快地", "slow": "慢慢地"}[speed]
        one = r"(?:一只|一颗|一道|一枚|一支|一辆|一头|一阵|只|颗|道|枚|支|辆|阵)?"
        out += [
            (re.compile(rf"(?:{zh}|疾|迅)(?:得)?(?:如|似|若|像|跟|赛过){one}(?:{t})(?:一样|一般|似的|般|那样)?(?:地|的)?"), adv),
            (re.compile(rf"(?:和|跟|像|如同|犹如|好似|宛如|好像)?{one}(?:{t})(?:一样|一般|似的|般|那样|那么)(?:地|的)?{zh}(?![速捷])(?:地|的)?"), adv),
            (re.compile(rf"(?:和|跟|像|如同|犹如|好似|宛如|好像){one}(?:{t})(?:一样|一般|似的|般|那样)(?:地|的速度|地速度)?"
                        r"(?![的地])"), adv),  # (not 像火箭一样的三角形: its look)
            (re.compile(rf"(?:以)?(?:{t})(?:一样|一般|似的|般)(?:地|的速度)"), adv),
        ]
    for zh, words in _ZH_COLOUR_MODIFIERS.items():
        out.append((re.compile(rf"(?:{_alt(words, ' ')})(?={zh})"), ""))  # 宝石蓝: 蓝
    for zh, things in _ZH_SIZE_THINGS.items():
        t = _alt(things, " ")  # 乒乓球大小的, 和硬币差不多大的, 小药片那么大的
        out.append((re.compile(rf"(?:和|跟|像|有)?(?:{t})(?:差不多|那么|这么|一样|一般|左右)?(?:大(?:小)?|{zh})(?:左右)?的?"),
                    f"{zh}的"))  # 乒乓球大小的, 像豌豆那么小的
    # the Chinese counterpart: 占屏幕的一半, 占了大半个画面, 半个屏幕那么大, 屏幕的十分之一大小 (a share said with 占 or with
    # 大/大小 after it; 走到屏幕的一半 is a place on a path and stays unread)
    zf = r"(?:整个)?(?:屏幕|画面|画布|视频)"
    zabout = r"(?:大概|大约|差不多|将近|接近|至少|超过|快|约)?"
    zbig = r"(?:一半|一大半|大半|大部分|二分之一|三分之二|四分之三|半)"
    zsmall = r"(?:十分之一|二十分之一|十几分之一|百分之[一二三四五六七八九十])"
    out += [
        (re.compile(rf"(?:占|占了|占到|占据|占满|铺满|盖住|盖满){zabout}(?:{zf}的?{zbig}个?|{zbig}个?{zf})(?:那么大|这么大|大小|左右)?的?"), "大的"),
        (re.compile(rf"{zabout}(?:{zf}的?{zbig}|{zbig}个{zf})(?:那么大|这么大|大小|大)的?"), "大的"),
        (re.compile(rf"(?:占|占了|占到|占据){zabout}{zf}的?{zsmall}(?:那么大|这么大|大小|左右)?的?"), "小的"),
        (re.compile(rf"{zabout}{zf}的?{zsmall}(?:那么大|这么大|大小|大)的?"), "小的"),
    ]
    for shape, things in _ZH_SHAPE_THINGS.items():  # 三角尺形状的 / 三角板: 三角形 (not 三角尺寸: a size; 三角板蓝根)
        out.append((re.compile(rf"(?:{_alt(things, ' ')})(?!蓝根|寸)"), shape))
    out.append((re.compile(rf"(?:{_alt(_ZH_SHAPE_BEFORE, ' ')})(?:里面|里|中)?的?(?:那种|这种)?的?"
                           r"(?=(?:正方形|方块|方形|方格|三角形|三角块|三角|圆形|圆片|五角星|星形|菱形|十字形|十字))"), ""))
    # a likeness to a small thing, said of the object with no size word (一粒小绿豆一样的绿色小圆点, 像纽扣似的红点):
    # its size (a big thing's likeness may be its look: 像篮球一样的橙色球)
    out.append((re.compile(rf"(?:和|跟|像)?(?:一粒|一颗|一个|一枚|一只)?小?(?:{_alt(_ZH_SIZE_THINGS['小'], ' ')})"
                           r"(?:(?:一样|一般|那样)的|似的)(?=[\u4e00-\u9fff])(?![大小])"), "小的"))
    return out

