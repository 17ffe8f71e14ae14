"""The prompt parser's vocabulary: English and Chinese phrases of the world, each mapped to typed tokens.

A phrase maps to one or more ``(kind, value)`` tokens. Kinds (see ``parser.py`` for how they combine):

- noun phrase: ``count`` (1-3), ``bigcount`` (> 3), ``size``, ``color``, ``badcolor`` (a colour this world
  does not have), ``shade`` (light/dark/...), ``shape`` (value ``(shape, plural)``), ``badshape``,
  ``head`` (shape-less noun: object, 物体; value = plural), ``one`` ("a blue one"), ``definite``, ``cmp``
  (bigger/smaller);
- verb phrase: ``place`` (a frame position as a (dx, dy) vector), ``dir`` (a pure direction), ``prep``
  (value: the roles it can play — dir/dest/src/loc/bg/link), ``verb`` (value True for move/移动, which
  are not reported as ignored), ``vverb`` (rise = -1, fall = +1), ``motion``, ``approach``, ``mutual``
  (each other), ``backforth``, ``speed``, ``diag``, ``bounds`` (off the walls);
- background: ``bgword``, ``bgkind`` (value ``(kind, is_head)``; kind None = "gradient" needing an
  axis), ``bgaxis`` ("v"/"h");
- other: ``sep`` (value True = sentence end), ``conj``, ``link``, ``pronoun``, ``media`` (video, 画面),
  ``stop`` (grammar, never reported), ``filler`` (reported as ignored), ``refuse`` (value: the reason,
  ``{w}`` = the words).

Only words that cannot change what is asked are ``filler``; everything that could is either understood
or refused.
"""

from __future__ import annotations

from stepvid.world.scene import COLOR_ZH

Entry = tuple[tuple[str, object], ...]

# ------------------------------------------------------------------------------------------------ shared
EN_COLORS = {"red": "red", "orange": "orange", "yellow": "yellow", "green": "green", "cyan": "cyan",
             "aqua": "cyan", "turquoise": "cyan", "blue": "blue", "purple": "purple", "violet": "purple", "pink": "pink",
             "white": "white", "black": "black", "gray": "gray", "grey": "gray",
             # named shades a reader maps to one world colour and to no other (people type them: "a crimson
             # circle", "navy background"); magenta, teal, gold, maroon, indigo... sit between two and stay
             # refused
             "crimson": "red", "scarlet": "red", "ruby": "red", "cherry": "red", "navy": "blue", "cobalt": "blue",
             "sapphire": "blue", "emerald": "green", "jade": "green", "lavender": "purple", "lilac": "purple",
             "ivory": "white", "charcoal": "gray", "lime green": "green", "forest green": "green",
             "navy blue": "blue", "royal blue": "blue", "hot pink": "pink", "blood red": "red", "baby pink": "pink", "steel gray": "gray", "steel grey": "gray",
             # probe round 61 (chatbot-expanded English): a blush of one colour (amber, teal stay refused: orange or
             # yellow, cyan or green)
             "blush": "pink"}
# probe round 119 (Malaysia, Singapore): the world's colours in Malay, mixed into English or Chinese (一個biru色的正方形,
# 背景 putih); read as colours only, never as typo targets (biru is not "bird")
MALAY_COLORS = {"merah": "red", "oren": "orange", "jingga": "orange", "kuning": "yellow", "hijau": "green", "biru": "blue",
                "ungu": "purple", "merah jambu": "pink", "putih": "white", "hitam": "black", "kelabu": "gray"}
# ... and things of one colour, read as that colour only before a shape, a colour or a background word ("a tangerine
# square", "onyx backdrop"; "like a tangerine" is a likeness): syntax rewrites them
EN_COLOUR_THINGS = {"onyx": "black", "tangerine": "orange", "canary": "yellow", "lime": "green"}
# A shade word before a world colour reads as that colour ("light green", "dark blue", 深红色), except where the shade
# moves it towards another world colour: light blue (cyan?), light red (pink?). (A light or dark gray is still gray.)
EN_SHADES = "light dark pale neon pastel dull faded"  # (bright, deep, vivid: intensifiers, read past)
SHADE_AMBIGUOUS = frozenset({("light", "blue"), ("pale", "blue"), ("pastel", "blue"), ("light", "red"), ("pale", "red"),
                             ("pastel", "red"), ("浅", "blue"), ("淡", "blue"), ("浅", "red"), ("淡", "red")})
# probe round 126 (colour shades): the named light blues lie between blue, cyan and white like "light blue" (天蓝色 is a
# ZH_BAD_COLORS word) and stay refused, where a baby pink is plainly pink
EN_BAD_SHADES = "sky blue|baby blue|powder blue|ice blue|icy blue"
EN_BAD_COLORS = ("magenta fuchsia brown beige tan gold golden silver maroon teal indigo "
                 "olive mauve peach coral salmon khaki cream amber bronze copper ochre "
                 "burgundy azure cerulean mint rose multicolored "
                 "multicoloured rainbow colorful colourful transparent translucent reddish bluish greenish "
                 "yellowish pinkish purplish orangish grayish greyish blackish whitish")
_SEN = {True: ("sep", True), False: ("sep", False)}


def _forms(base: str, third: str | None = None, ing: str | None = None, past: str | None = None) -> list[str]:
    """base, 3rd person, -ing and past forms of a regular English verb (irregular ones given)."""
    if third is None:
        third = base + "es" if base.endswith(("s", "sh", "ch", "x", "z")) else base + "s"
    if ing is None:
        ing = base[:-1] + "ing" if base.endswith("e") and not base.endswith("ee") else base + "ing"
    if past is None:
        past = base + "d" if base.endswith("e") else base + "ed"
    return [base, third, ing, past]


_MOVE_VERBS = [
    _forms("move"), _forms("travel", past="traveled") + ["travelled", "travelling"], _forms("slide", past="slid"),
    _forms("glide"), _forms("drift"), _forms("head"), ["go", "goes", "going", "went", "gone"], _forms("float"),
    _forms("shift"), _forms("roll"), ["run", "runs", "running", "ran"], ["fly", "flies", "flying", "flew"],
    _forms("sail"), _forms("cruise"), _forms("coast"), _forms("journey"), _forms("proceed"), _forms("advance"),
    _forms("march"), _forms("walk"), ["swim", "swims", "swimming", "swam"], _forms("skate"), ["skid", "skids", "skidding", "skidded"], ["slip", "slips", "slipping", "slipped"],
    _forms("migrate"), _forms("follow"), _forms("exit"), _forms("enter"), ["heads off", "head off", "heading off", "headed off"], ["sweep", "sweeps", "sweeping", "swept"], ["scurry", "scurries", "scurrying", "scurried"],
    _forms("scuttle"), _forms("pass"), _forms("traverse"), _forms("translate"), _forms("slither"),
    _forms("trundle"), _forms("waft"), _forms("hover"), _forms("wander"), _forms("drive", past="drove") + ["driven"],
    _forms("push"), _forms("pull"), _forms("jog", ing="jogging", past="jogged"), _forms("trot", ing="trotting", past="trotted"), _forms("steam"), ["crossing", "crossed"], ["come", "comes", "coming", "came"],
    ["make its way", "makes its way", "making its way", "made its way", "make their way", "makes their way",
     "making their way", "made their way", "in motion"],
    ["yeet", "yeets", "yeeting", "yeeted"],
    ["charge", "charges", "charging"],  # ("charging down-right full speed", "charging toward each other": probe
    # round 140; no speed of its own; not "charged": "charged up with energy")
    [f"{v} the {w}" for v in ("leaves", "leave", "leaving", "exits", "exit", "exiting", "exited") for w in
     ("screen", "frame", "canvas", "scene", "view", "picture")] + ["scoot", "scoots", "scooting", "scooted"],
]
# verbs that say the speed: "zips left" is fast, "creeps left" slow
_FAST_VERBS = [["zip", "zips", "zipping", "zipped"], _forms("dart"), _forms("race"), _forms("zoom"), _forms("rush"),
               _forms("dash"), ["hurry", "hurries", "hurrying", "hurried"], _forms("streak"), _forms("hurtle"),
               _forms("bolt"), _forms("blast"), ["whiz", "whizzes", "whizzing", "whizzed", "whizz", "whizzs"], _forms("scoot"),
               ["shoot", "shoots", "shooting", "shot"], ["speed", "speeds", "speeding", "sped"]]
_SLOW_VERBS = [["creep", "creeps", "creeping", "crept"], _forms("crawl"), _forms("inch"), _forms("amble"),
               _forms("stroll")]
_UP_VERBS = [_forms("rise", past="rose") + ["risen"], _forms("climb"), _forms("ascend"), _forms("soar"),
             ["being lifted", "is lifted", "lifted up", "is being lifted"],
             ["higher and higher"]]
_DOWN_VERBS = [["lower and lower"], ["fall", "falls", "falling", "fell", "fallen"], ["drop", "drops", "dropping", "dropped"],
               ["sink", "sinks", "sinking", "sank", "sunk"], _forms("descend"), _forms("plunge"),
               _forms("plummet"), ["dive", "dives", "diving", "dived", "dove"], _forms("swoop")]


# probe round 129: "still" phrases that say only that the object goes nowhere ("spinning on the spot, doesn't go
# anywhere", "growing, dont want it moving anywhere else", "goes round and round … but it stays in the same place"):
# beside a spin or a size change said in another phrase of the object they tell where it does it, not that it stays
# still (a plain "not moving" / "still" / 唔使郁 there still conflicts: no motion at all)
STILL_IN_PLACE = frozenset(
    ["not going anywhere", "not go anywhere", "does not go anywhere", "do not go anywhere", "goes nowhere",
     "going nowhere", "stays in place", "stay in place", "stays where it is", "stay where they are",
     "remains in place", "remain in place", "stay put", "stays put", "staying put", "holds its position",
     "hold their position", "keeps its position"]
    + [f"{v} {p}" for v in ("stays", "stay", "staying", "remains", "remain", "remaining")
       for p in ("in the same place", "in the same spot", "in one place", "in one spot", "on the spot",
                 "on one spot", "where it is")]
    + [f"{n} {v} anywhere{e}" for n in ("not", "does not", "do not", "not want it", "do not want it",
                                        "does not want it")
       for v in ("moving", "move", "to move", "going", "go", "to go") for e in ("", " else")]
    # writer round 165: "spinning round and round without moving anywhere"
    + [f"without {v} anywhere{e}" for v in ("moving", "going", "travelling", "traveling") for e in ("", " else")]
    # probe round 130: the Chinese — 原地打转就行，不用跑 / 别乱跑 / 哪儿也不去 (no need to run about: it spins there)
    + ["不用跑", "不要跑", "不用乱跑", "不要乱跑", "别乱跑", "不乱跑", "不用到处跑", "不要到处跑", "别到处跑", "不用跑来跑去",
       "别跑来跑去", "哪儿也不去", "哪也不去", "哪儿都不去", "哪都不去", "不挪窝", "不用挪窝", "不挪地方", "不用挪地方",
       "不挪位置", "位置不变"])


def _motion_en() -> dict[str, str]:
    m: dict[str, str] = {}

    def put(motion: str, phrases: list[str]) -> None:
        for p in phrases:
            m[p] = motion

    put("still", [p for p in STILL_IN_PLACE if p.startswith("without ")])
    put("still", ["not moving an inch", "not moving a bit", "no movement", "no motion", "idle", "idling", "just chilling", "chilling", "resting", "at rest",
                  "not going anywhere", "not go anywhere", "neither moving nor spinning", "neither moves nor spins", "does not go anywhere", "goes nowhere",
                  "going nowhere", "holding perfectly still", "holding still", "holds still", "does not need to move", "do not need to move", "no need to move", "need not move",
                  "does not have to move", "just sat there", "sat there", "just leave it there", "leave it there", "no animation", "static frame", "sat still", "dead still", "just sits there", "sits there", "just sit there", "still", "motionless", "stationary", "static", "unmoving", "immobile", "at rest", "frozen",
                  "not moving", "idles", "is not moving", "are not moving", "does not move", "do not move", "did not move",
                  "never moves", "never move", "without moving", "without motion", "without any motion", "not in motion", "stay put", "stays put",
                  "staying put", "stand still", "stands still", "standing still", "keep still", "keeps still",
                  "hold still", "holds still", "holding still", "stays fixed", "stay fixed", "fixed in place",
                  "stays where it is", "stay where they are", "stays in place", "stay in place",
                  "hovers in place", "hover in place", "hovering in place", "hovered in place", "floats in place",
                  "float in place", "floating in place",
                  "remains in place", "remain in place", "holds its position", "hold their position",
                  "keeps its position", "stays", "stay", "staying", "remains", "remain", "remaining", "sits",
                  "sit", "sitting", "rests", "rest", "resting", "stands", "stand", "standing", "not move",
                  "doesn't move", "don't move", "stays motionless", "remains motionless", "remains still",
                  "remain still", "stay still", "stays still", "staying still", "remains stationary",
                  "hangs", "hang", "hanging", "hung", "hangs in the air", "hanging in the air"])
    put("rotate", _forms("rotate") + _forms("spin", "spins", "spinning", "spun") + _forms("twirl")
        + _forms("pirouette")
        + _forms("whirl") + _forms("pivot") + ["turns in place", "turn in place", "turning in place",
                                                 "turns around in place", "rotation", "spinning around",
                                                 "spins around", "spin around", "rotates around its centre",
                                                 "rotates around its center", "turns on the spot",
                                                 "spins on the spot", "turn", "turns", "turning",
                                                 "turned", "turn around", "turns around", "turning around",
                                                 "a quarter turn", "quarter turn", "a quarter of a turn",
                                                 "ninety degrees", "90 degrees", "by 90 degrees",
                                                 "by ninety degrees", "a 90 degree turn", "90 degree turn",
                                                 "doing a spin", "does a spin", "do a spin", "doing spins",
                                                 "does spins", "taking a spin", "takes a spin", "a full rotation",
                                                 "full rotation", "a full turn", "full turn", "a complete rotation",
                                                 "complete rotation", "a complete turn", "doing a rotation",
                                                 "does a rotation", "a rotation", "rotations", "full rotations",
                                                 "doing a turn", "does a turn"])
    put("grow", _forms("grow", "grows", "growing", "grew") + ["grown"] + _forms("expand") + _forms("enlarge")
        + _forms("swell") + _forms("inflate") + _forms("balloon")
        + [f"{v} {c}" for v in ("grow", "grows", "growing", "grew", "get", "gets", "getting", "got", "become",
                                "becomes", "becoming", "became", "turn", "turns", "turning")
           for c in ("bigger", "larger")]
        + ["bigger and bigger", "larger and larger", "increases in size", "increase in size",
           "increasing in size", "grows in size", "growing in size", "grow in size", "scales up", "scale up",
           "scaling up", "gains size", "gaining size", "balloons out", "expands outward", "expanding outward",
           "swell up", "swells up", "swelling up", "swelled up", "puff up", "puffs up", "puffing up", "blow up",
           "blows up", "puffed up", "pump up", "pumps up", "pumping up", "pumped up"])  # (writer round 171: "gets
    # pumped up bigger, like someone's inflating it": a goal verb of growing)
    put("shrink", _forms("shrink", "shrinks", "shrinking", "shrank") + ["shrunk"] + _forms("contract")
        + _forms("deflate") + _forms("shrivel") + _forms("dwindle")
        + [f"{v} {c}" for v in ("get", "gets", "getting", "got", "become", "becomes", "becoming", "became",
                                "turn", "turns", "turning", "grow", "grows", "growing")
           for c in ("smaller", "tinier")]
        + ["smaller and smaller", "decreases in size", "decrease in size", "decreasing in size",
           "shrinks in size", "shrinking in size", "shrink in size", "scales down", "scale down", "scaling down", "shrinks down",
           "shrink down", "shrinking down", "loses size", "losing size"]
        # probe round 139: "shriveling up like a raisin" (up: the verb's particle, no direction)
        + ["shrivelling", "shrivelled"] + [f"{v} up" for v in ("shrivel", "shrivels", "shriveling", "shrivelling",
                                                               "shriveled", "shrivelled")])
    put("rotate", ["360 degrees", "360 degree", "a 360", "a full 360", "full 360", "a 360 degree spin",
                   "360 degree rotation", "a 360 degree rotation", "round and round", "around and around", "turning round and round", "going round and round",
                   "spinning round and round", "goes round and round", "go round and round", "turning round", "turns round", "turn round", "spins round",
                   "spinning round", "spin round", "turning around and around", "turns round and round",
                   "turn round and round", "spins round and round", "spin round and round", "turns around and around",
                   "spins around and around", "turning around itself", "turns around itself", "turn around itself",
                   "is turning around itself", "turning upon itself", "turns upon itself", "turning on itself",
                   "turns on itself", "twirling round", "twirls round", "twirl round", "whirling round", "whirls round",
                   "twirling around", "twirls around"])
    put("still", sorted(STILL_IN_PLACE))
    put("still", ["holding position", "holds position", "holding its position", "stay quiet", "stays quiet", "staying quiet", "without move", "without moving at all", "doing nothing",
                  "does nothing", "do nothing", "just sits there doing nothing", "sits there doing nothing"])
    put("shrink", ["make itself more small", "makes itself more small", "make itself smaller", "makes itself smaller",
                   "more small", "more and more small"])
    put("grow", ["making bigger", "make bigger", "makes bigger", "making larger", "make it bigger", "making it bigger"])
    put("shrink", ["making smaller", "make smaller", "makes smaller", "make it smaller", "making it smaller"])
    put("grow", [f"{v} {a}" for v in ("become", "becomes", "becoming", "became") for a in
                 ("big", "bigger", "more big", "big big", "large", "larger")]
        + ["grow up", "grows up", "growing up", "grow up bigger", "grows up bigger", "growing up bigger"])
    put("shrink", ["shrinking away", "shrinks away", "shrink away", "diminish", "diminishes", "diminishing",
                   "diminishes in size", "diminishing in size"])
    # probe round 129: "bouncing around the screen hitting all the edges" (all of them: a bounce, as "hits the walls")
    put("bounce", [f"{v} {q} {n}" for v in ("hitting", "hits", "hit") for q in ("all the", "all four", "all of the")
                   for n in ("walls", "edges", "sides")])
    put("bounce", ["jumping and hit the walls", "jumping and hitting the walls", "jumps and hits the walls",
                   "hit the walls", "hits the walls", "hitting the walls", "jump around", "jumps around", "jumping around", "hop around", "hops around", "hopping around"])
    put("shrink", [f"{v} {a}" for v in ("become", "becomes", "becoming", "became") for a in
                   ("small", "more small", "small small", "tiny", "little")])
    put("bounce", ["bouncing round", "bounces round", "bounce round", "bouncing round the place",
                   "bounces round the place", "bouncing all round"])
    put("bounce", _forms("bounce") + _forms("ricochet") + _forms("rebound") + ["ping pongs", "ping pong",
                                                                                "ping ponging"]
        + [f"{v} off" for v in ("reflects", "reflect", "reflecting", "reflected", "deflects", "deflecting")])
    # Non-native English (probe round 21): "getting big", "gets more little", "stay same place", "jumping off the
    # walls", "coming to each other", "one against the other".
    put("grow", [f"{v} {a}" for v in ("get", "gets", "getting", "got") for a in ("big", "more big", "big big", "more large")]
        + ["more and more big", "always more big", "always bigger"])
    put("shrink", [f"{v} {a}" for v in ("get", "gets", "getting", "got", "become", "becomes", "becoming", "became")
                   for a in ("small", "more small", "small small", "more little", "little little")] + ["more little"])
    put("still", ["nothing moving", "nothing moves", "nothing is moving", "with nothing moving",  # (probe round 100)
                  "no moving", "not moving at all", "is not move", "are not move", "which is not move",
                  "is stop", "are stop", "is stopped", "are stopped", "all stopped"]
        + [f"{v} {p} place" for v in ("stay", "stays", "staying", "stand", "stands", "standing", "remain", "remains")
           for p in ("same", "the same", "on", "in same", "at same", "at the same", "in the same", "on the same")])
    put("bounce", [f"{v} {p} {w}" for v in ("jump", "jumps", "jumping", "jumped") for p in ("off", "from", "on", "against")
                   for w in ("the walls", "walls", "the wall", "the borders", "the edges", "the sides")]
        + ["quicando", "quicando on the borders", "quicando on the walls"]
        + [f"{v} {w}" for v in ("jump", "jumps", "jumping") for w in ("everywhere", "all over", "all over the place")])
    put("towards", [f"{v} to {o}" for v in ("come", "comes", "coming", "move", "moves", "moving", "go", "goes",
                                             "going", "run", "runs", "running") for o in ("each other", "one another")]
        + ["one against the other", "one against other", "find each other", "to find each other",
           "go to find each other", "one to another", "one to other", "one to the other", "go near together", "come near together", "near together"])
    put("towards", [f"{p} {o}" for p in ("towards", "toward") for o in ("each other", "one another")]
        + ["closer together", "closer to each other", "closer to one another", "closer and closer",
           "nearer and nearer", "nearer to each other"]
        + [f"{v} closer and closer" for v in ("get", "gets", "getting", "got", "move", "moves", "moving", "draw",
                                              "draws", "drawing", "come", "comes", "coming", "drift", "drifts",
                                              "drifting")])
    # Comparisons (probe rounds 30-32): a balloon blown up grows, one losing air shrinks, magnets pull together
    put("grow", ["being blown up", "blown up", "blowing up", "inflating", "inflates", "inflate", "inflated",
                 "being inflated"])
    put("bounce", ["pinballing", "pinballing around", "pinballs around", "pinball around", "pinballed around"])
    put("shrink", ["being deflated", "losing air", "loses air", "leaking air", "leaks air", "going flat"])
    put("towards", [f"{v} {o}" for v in ("attract", "attracts", "attracting", "snap into", "snaps into", "snapping into",
                                         "pull toward", "pulls toward", "pulling toward", "pull towards", "pulls towards",
                                         "pulling towards", "are pulled towards", "are drawn towards", "are drawn to")
                    for o in ("each other", "one another")]
        + ["snap together", "snaps together", "snapping together", "pull together", "pulled together",
           "drawn together", "draw together", "are drawn together"])
    return m


_APPROACH = (_forms("approach") + _forms("converge")
             + [f"{v} {a} {o}" for v in ("come", "comes", "coming", "are coming", "is coming", "move", "moves",
                                            "moving", "get", "gets", "getting", "go", "goes", "going")
                for a in ("close", "closer", "near", "nearer", "close to", "closer to", "near to", "nearer to")
                for o in ("each other", "one another")]
             + [f"{h} the other" for h in ("heading for", "heads for", "head for", "heading toward", "heading towards",
                                            "moving toward", "moving towards", "each heading for", "each moving towards")]
             + [f"{v} the distance{b}" for v in ("close", "closes", "closing", "closed", "shrink", "shrinks",
                                                  "shrinking", "narrow", "narrows", "narrowing")
                for b in ("", " between them", " between each other")]
             + [f"{v} in the {m}" for v in ("meet", "meets", "meeting", "converge", "converges", "converging")
                for m in ("middle", "center", "centre")]
             + [f"{v} {o}" for v in ("meet", "meets", "meeting", "to meet", "in to meet", "fly at", "flies at",
                                         "flying at", "run at", "runs at", "running at", "rush at", "rushing at",
                                         "charge at", "charges at", "charging at",
                                         "head at", "heading at", "smash into", "smashing into", "crash into",
                                         "crashing into", "bump into", "bumping into", "go smash into")
                for o in ("each other", "one another")]
             + [f"{a}{d} the other" for a in ("one ", "") for d in ("in direction of", "in the direction of")]
             + ["in each other s direction", "in each other's direction", "one to the other", "go one to the other",
                "one towards the other", "one toward the other", "go one towards the other"]
             + ["their paths converging", "their paths converge", "paths converging", "come together", "comes together", "coming together", "came together", "draw together",
                "draws together", "drawing together", "move closer", "moves closer", "moving closer",
                "get closer", "gets closer", "getting closer", "draw closer", "draws closer", "drawing closer",
                "close in", "closes in", "closing in", "close the gap", "closes the gap", "closing the gap",
                "narrow the gap", "narrows the gap", "narrowing the gap", "head for each other",
                "heads for each other", "heading for each other"])

_EN_REFUSE = {
    "clockwise|counterclockwise|counter clockwise|anticlockwise|anti clockwise":
        "rotation sense '{w}' is not judged",
    "sideways|sideway|forward|forwards|backward|backwards|back|ahead|onward|onwards": "ambiguous direction '{w}'",
    # "goes round and round in a big circle" (writer round 171): a circular path with a size word, never a second object
    "in a big circle|in a large circle|in a small circle|in a little circle|in a huge circle|in a giant circle|"
    "in a wide circle|in a tight circle|in a slow circle|in a fast circle|in a round circle|in a full circle|"
    "in a perfect circle|in a circular circle|in big circles|in large circles|in small circles|in little circles|"
    "in huge circles|in wide circles|in tight circles|in slow circles|in fast circles|"
    "in a circle|in circles|around in circles|make circles|makes circles|making circles|made circles|do circles|"
    "does circles|doing circles|in a loop|in loops|zigzag|zigzags|zigzagging|in a zigzag|"
    "orbit|orbits|orbiting|wobble|wobbles|wobbling|shake|shakes|shaking|vibrate|vibrates|vibrating|"
    "jiggle|jiggles|jiggling|pulse|pulses|pulsing|pulsate|pulsates|pulsating|flicker|flickers|flickering|"
    "blink|blinks|blinking|fade|fades|fading|hop|hops|hopping|jump|jumps|jumping|leap|leaps|leaping|"
    "dance|dances|dancing|wiggle|wiggles|wiggling|sway|sways|swaying|swing|swings|swinging|"
    "meander|meanders|meandering|tumble|tumbles|tumbling|flip|flips|flipping|upside down|"
    "teleport|teleports|teleporting|morph|morphs|morphing|collide|collides|colliding|meet|meets|meeting|"
    "oscillate|oscillates|oscillating|apart|move apart|moves apart|moving apart|moved apart|drift apart|"
    "drifts apart|drifting apart|away from each other|away from one another|diverge|diverges|diverging|"
    "separate|separates|separating|spread out|spreads out|spreading out|swap|swaps|swapping|swap places|"
    "swaps places|swapping places|switch places|switches places|switching places|trade places|trades places|"
    "trading places|chase|chases|chasing|follow each other|follows each other|following each other|"
    "follow one another|follows one another|following one another|one after the other|turns into|turn into|turning into|turned into|changes into|change into|"
    "changing into|transforms into|transform into|transforming into|transforms|transform|transforming|"
    "morphs into|morph into|morphing into|becomes a|becomes an|become a|become an|becoming a|becoming an|"
    "changes color|changes colour|change color|change colour|changing color|changing colour|changes shape|"
    "change shape|changing shape": "unknown motion '{w}'",
    "anime|anime style|pixel art|pixel art style|pixelated|watercolor|watercolour|watercolor style|"
    "watercolour style|oil painting|realistic|photorealistic|photo realistic|hyperrealistic|hyper realistic|"
    "claymation|clay style|pencil sketch|sketch style|hand drawn|cyberpunk|vaporwave|low poly|"
    "time lapse|timelapse": "look or timing '{w}' is not judged",
    "of the same colour|of the same color|the same colour|the same color|same colour|same color|of the same size|"
    "the same size|same size|at the same speed|the same speed|same speed|same colored|same coloured|same sized":
        "'{w}' refers to another object's attribute; name it",
    "camera pans|camera moves|camera zooms|camera rotates|camera follows|camera tracks|camera shakes|"
    "the camera pans|the camera moves|the camera zooms|zoom in|zooms in|zooming in|zoom out|zooms out|"
    "zooming out|pan left|pan right|pans left|pans right|panning|tracking shot|handheld|dolly|"
    "camera pushes in|camera pushing in|camera pulls out|camera pulls back|camera tilts|camera orbits|camera dollies|"
    "camera glides|camera drifts|camera circles":
        "camera motion '{w}': this world's camera never moves",
    "in opposite directions|opposite directions|in different directions|different directions|opposite ways|"
    "opposite": "'{w}' does not say which way each object moves",
    "small small|pixels per second|pixel per second|px per second|pixels a second|per second|per frame|mph|meters per second|"
    "metres per second": "'{w}' is not a speed or size this world can check (say slow or fast)",
    "accelerate|accelerates|accelerating|decelerate|decelerates|decelerating|speeds up|speed up|speeding up|"
    "slows down|slow down|slowing down|faster and faster|slower and slower|faster|slower":
        "a change of speed ('{w}') is not judged",
    "not|no|never|without|none|nothing|neither|nor|isn't|aren't|doesn't|don't": "negation '{w}' is not judged",
    "then|and then|after|afterwards|afterward|before|later|finally|first|next|followed by|eventually|"
    "until|till|stops|stop|stopping|stopped|returns|return|returning|comes back|reverses|reverse":
        "a sequence of motions ('{w}') is not judged",
    "or|either": "alternatives ('{w}') are not judged",
    "one of them|one of the shapes|one of the objects|one of the two|one of the three|either one|either of them|"
    "one of those": "'{w}' does not say which object",
    "couple|a couple of|a couple|a twin|one twin|the twin|twin of": "ambiguous count '{w}'",  # (a twin: one, or two?)
    "several|some|many|few|a few|multiple|various|numerous|a number of|lots of|a lot of|a bunch of|"
    "a group of|a handful of|plenty of|dozens of|a dozen|dozen|hundreds of":
        "vague count '{w}' (say one, two or three)",
    "in a row|in a line|in a column|side by side|stacked|overlapping|overlap|overlaps|touching|inside|"
    "within|above|below|beneath|under|underneath|next to|beside|besides|behind|between|among|around it|"
    "around them|near|nearby|close to|far from|away from|away|to the left of|to the right of|"
    "on the left of|on the right of|at the left of|at the right of|on its left|on its right|to its left|"
    "to its right|on either side|on both sides|on each side|on either side of it|on both sides of it|"
    "either side of it|flanking it|on the left and right": "relative position '{w}' is not judged",
    "outline|outlined|hollow|striped|stripes|dotted|spotted|gradient filled|shiny|glowing|glossy|metallic|"
    "logo|logos|printed|written|lettering|letters|text on it|a face|emblem|sticker|half|half of|"
    "3 d|three dimensional|shadow|shadows|shaded|blurry|blurred": "object appearance '{w}' is not judged",
}
_EN_FILLER = (
    "oh|never stops|never stop|does not stop|do not stop|will not stop|watch as|watch|look as|look|see|see as|we see|you can see|you see|we can see|can be seen|is seen|are seen|"
    "is shown|are shown|is visible|are visible|appears|appear|appearing|appeared|is present|are present|"
    "in this clip|in this video|in the video|in the clip|in this animation|in the animation|in this scene|"
    "in the scene|in this shot|in the shot|in this frame|in the frame|in the picture|in the image|"
    "inside of frame|inside of the frame|inside frame|"  # (non-native English, probe round 168)
    "no lies|no lie|no cap|"  # (chat slang for "truly", probe round 170)
    "in this image|in this picture|in view|on screen|on the screen|onscreen|on camera|on the canvas|"
    "across the screen|across the frame|across the canvas|across the image|across the scene|across the view|"
    "across the picture|across the video|across the clip|through the frame|through the scene|across|"
    "there is|there are|there's|there was|here is|here are|here's|please|show|show me|shows|showing|shown|"
    "depict|depicts|depicting|depicted|feature|features|featuring|featured|display|displays|displaying|"
    "displayed|render|renders|rendering|rendered|generate|generates|generating|create|creates|creating|make|"
    "produce|animate|animated|simple|simply|just|only|exactly|precisely|basic|steadily|straight|"
    "directly|evenly|constantly|continuously|continually|gradually|gracefully|calmly|softly|quietly|freely|"
    "uniformly|linearly|consistently|all the way|the whole time|throughout|over time|as time passes|"
    "over the course of the clip|over the course of the video|during the clip|during the video|"
    "for the whole clip|for the whole video|in place|on the spot|in a straight line|along a straight line|"
    "also|too|as well|each|itself|themselves|very|really|quite|fairly|pretty|"
    "rather|extremely|super|somewhat|relatively|much|nice|nicely|neatly|clearly|visibly|"
    "filled|solid colored|solid coloured|flat colored|flat coloured|single|alone|by itself|on its own|"
    "keeps|keep|keeping|kept|continues|continue|continuing|continued|continues to|continue to|starts to|"
    "start to|begins to|begin to|seems to|seem to|appears to|appear to|is seen to|can|will|would|should|"
    "must|may|might|could|could u|can u|would u|need|needs|want|wants|put|place|then make|and then make|"
    "then have|then let|slowly but surely|colored|coloured|in color|in colour|of the frame|of the screen|"
    "of the image|of the picture|of the canvas|of the video|of the view|of the scene|of the clip|"
    "around the screen|around|about|together|in unison|at the same time|simultaneously|meanwhile|"
    "at once|both at once|overall|short|minimal|basic|2 d|flat 2 d|i want|i would like|i like|i need|i wish|we like|we would like|we would love|we would like to see|"
    "can you|could you|would you|will you|you|i|me|let us see|let us|let|draw|draws|drawn|here we have|we have|"
    "we watch as|we watch|we|contains|contain|containing|identical|at all|little by little|as the clip plays|"
    "as the video plays|as the video goes on|as the animation runs|as the clip goes on|as the animation plays|"
    "throughout the clip|throughout the video|throughout the animation|there|also there|"
    "in the clip|in the animation|the screen|the frame|the view|the scene|the image|the picture|"
    "the video|the clip|on the screen|on screen|in frame|direction|same|just like|the same way|similarly|"
    "in one place|in a single place|in the same place|in the same spot|in one spot|that is it|that is all|"
    "on one spot|on a single spot|on the same spot|on just one spot|"
    "steady|test prompt|test|sample prompt|example prompt|markdown|for my slideshow|for my presentation|"
    "for my project|for my video|for my class|for my demo|for my website|for my app|for my game|"
    "for a slideshow|for a presentation|for a project|for a demo|for a class|my|our|"
    "hitting the wall|hitting the edges|hitting the sides|hitting walls|"
    "hitting every wall|hitting each wall|hits every wall|between the walls|between the edges|between the sides|"
    "between the walls of the frame|between the edges of the frame|between the walls of the screen|"
    "likewise|alike|in the same direction|the same direction|each one|every one|"
    # what a shrink ends in, and a background's place: they add nothing
    "into nothing|to nothing|down to nothing|into a dot|to a dot|into a point|to a point|behind it|behind them|"
    "behind it lies|behind them lies|behind it sits|behind them sits|behind it stretches|behind them stretches|"
    "behind it is|behind them is|behind it there is|behind them there is|"
    # what the prompt is, the camera this world always has, and "nothing else" (the request lists every object)
    "prompt|the prompt|prompt is|caption|description|static camera|fixed camera|still camera|locked camera|"
    "locked off camera|stationary camera|tripod shot|static shot|no camera movement|no camera motion|"
    "without camera movement|camera is static|the camera is static|the camera stays still|camera does not move|"
    "the camera does not move|with no other objects|no other objects|with nothing else|nothing else|"
    "and nothing else|no other shapes|with no other shapes|and no other objects|no distractions|"
    "no other elements|with no other elements|and no other elements|no other objects in the scene|"
    "no other elements in the scene|no motion blur|without motion blur|no blur|"
    # lighting: this world has one flat, even light
    "the lighting is soft and even|the lighting is soft|the lighting is even|the lighting is flat|"
    "lighting is soft|soft lighting|even lighting|flat lighting|soft even lighting|flat even lighting|"
    "the lighting is soft and flat|with soft lighting|with even lighting|lighting|"
    "mood|night mood|calm mood|lineless|symmetrical|symmetric|simple shapes|clean shapes|geometric shapes|2 d shapes|"
    "equilateral|isosceles|equal arms|with equal arms|equal armed|ultra minimal|ultra minimalist|ultra simple|motion graphic|a motion graphic|"
    # the look of an LLM-expanded caption: this world has one flat, crisp, evenly lit look and a fixed camera
    "style|styles|styled|look|looks|feel|feels|vibe|aesthetic|composition|compositions|framing|fixed framing|"
    "colours|colors|colour|color|flat colours|flat colors|solid colours|solid colors|colour palette|"
    "color palette|palette|lit|evenly lit|brightly lit|softly lit|uniformly lit|well lit|lighting is even|"
    "camera|camera is locked off|locked off|locked down|locked|sharp|sharp edges|sharp outlines|outlines|"
    "cleanly|edges|edge|crisp edges|clean edges|sharp lines|clean lines|high contrast|contrast|"
    "no shadows|no shadow|without shadows|with no shadows|shadowless|no shading|without shading|flat shading|"
    "no gradients on the shapes|no texture on the shapes|no outlines|no outline|no noise|no grain|no motion blur at all|"
    "captured|captured in|captured with|rendered|rendered in|is rendered in|are rendered in|give|gives|giving|"
    "keep|keeps the look simple|keep the look simple|keeping the look simple|graphics|2 d animation|"
    "animated graphic|uncluttered|matte|matte finish|finish|surface|smooth motion|fluid motion|"
    "continuous motion|steady motion|motion|whole|the whole clip|the whole video|halfway|"
    "like a pinwheel|like a propeller|like a top|like a wheel|like a spinning top|like a fan|"
    "not one bit|not a bit|not at all|does nothing further|does nothing else|nothing further|no translation|"
    "without translation|with no translation|folks|what a performance|what a matchup|this is the showdown|"
    "the showdown|here comes|and here comes|by the second|by the minute|1 v 1 energy|energy|in identical fashion|"
    "in perpetuity|follow up|filling more and more of the frame|filling the frame|trial|exhibit a|exhibit|"
    "kindly|kindly generate|kindly make|kindly do the needful|do the needful|please to make|please to|"
    "lah|la|lor|leh|meh|hor|ah|wah|aiyo|aiyah|alamak|sia|or not|can or not|can anot|"
    "all same time|same time|at same time|at the same time also|everywhere|all over|all over the place|"
    "at its place|at his place|at its own place|in its place|at the place|pcs|pc|"
    "further and further|farther and farther|more and more|nothing else happening|nothing else is happening|"
    "sleepy|grumpy|brave|shy|proud|lonely|something like|energetic|energetic vibe|vibe|vibes|aesthetic vibes|make it pop|pop|friendly|cute|happy|"
    "cheerful|fun|funny|playful|um|uh|erm|hmm|yeah|yep|i would be grateful for|i would be grateful|grateful|"
    "in which|wherein|whereby|i request|request|i should like to see|should like to see|i would like to see|"
    "i would love|i would love to see|would love|would love to see|boundaries|boundary|display boundaries|the boundaries of the frame|"
    "pickup|asset|depict|kindly depict|edge case|test case|case|"
    "what i like is|what i would like is|what i want is|what i need is|what i am after is|what i would love is|what i love is|"
    "what i am looking for is|what i have in mind is|what i am picturing is|i am making|i am working on|"
    "under even lighting|under soft lighting|under flat lighting|under uniform lighting|"
    "holds the same framing|holds the framing|holds its framing|hold throughout the video|hold throughout|"
    "pace|unhurried pace|no shading or shadows|no shadows or shading|no shading or shadow|continuous|"
    "its motion is smooth and continuous|its motion is smooth|its motion is steady|smooth and continuous|"
    "remain crisp|remains crisp|stay crisp|stays crisp|remain sharp|remains sharp|stay sharp|stays sharp|"
    "remain clean|remains clean|no motion at all|with no motion at all|with no motion|"
    "around its own centre|around its own center|about its own centre|about its own center|around its centre|"
    "around its center|like pinwheels|like propellers|like tops|like fans|like wheels|nothing else moves|"
    "nothing else happens|a static , locked off camera|static , locked off camera|a fixed , locked off camera|"
    "fixed , locked off camera|a static , fixed camera|"
    + "|".join(f"{the}{adj}camera never moves" for the in ("", "the ", "and the ") for adj in ("", "static ", "fixed ",
                                                                                              "locked off ", "still "))
    + "|as the seconds pass|as the seconds go by|as seconds pass|as the seconds tick by|as time goes by|"
    "with each second|seconds|second|in size|the camera never moves|camera never moves|the camera never moved|"
    "shot with|shot from|shot on|filmed|filmed with|filmed from|no texture on the shape|"
    "no texture on the shapes|no texture|nothing else in the scene|there is nothing else in the scene|"
    "each edge it hits|every edge it hits|whenever it hits an edge|when it hits an edge|each edge it touches|"
    "every edge it touches|each side it hits|every side it hits|off each edge it hits|off every edge it hits|"
    # a pace that states no speed: the world's normal speed is the one asked
    "at a steady pace|at a constant pace|at an even pace|at a moderate pace|at a normal pace|at a regular pace|"
    "at a steady speed|at a constant speed|at an even speed|at a moderate speed|at a normal speed|"
    "at normal speed|at constant speed|at moderate speed|at a medium pace|at a medium speed|at medium speed|"
    # dense-caption style (Step-Video's captions, an LLM's expansions): adjectives and openers of no request
    "minimalist|minimalistic|minimal scene|a minimalist scene|a minimal scene|in a minimalist scene|"
    "in a minimal scene|in a minimalist setting|in a minimal setting|minimalist setting|"
    "perfectly round|geometric|simple geometric|energetically|playfully|elegantly|effortlessly|"
    "dynamically|purposefully|deliberately|the video opens on|the video opens with|the clip opens on|"
    "the clip opens with|opens on|opens with|the scene is minimal|the camera remains fixed as|"
    "the camera remains fixed|camera remains fixed|the camera remains static|the camera stays fixed|"
    "the camera is fixed|the camera is static and|in a scene with|in a setting with|"
    "in a straight|along a straight|on a straight|in a straight linear path|in a linear path|linear path|in a straight path|"
    "the frame is otherwise empty|otherwise empty|the background remains unchanged|the background stays unchanged|"
    "while the background remains unchanged|at a constant velocity|at constant velocity|maintaining a constant speed|"
    "maintaining a steady speed|around its own axis|about its own axis|around its axis|about its axis|"
    # probe round 114 (physics and geometry teachers): a turn about its own centre (in place), a speed said to be
    # uniform or equal (no slow or fast: "at equal speed" is not "at speed"), a dilation's factor
    "about its centroid|around its centroid|about the centroid|around the centroid|about its centre of mass|"
    "about its center of mass|around its centre of mass|around its center of mass|around its own centre|"
    "around its own center|about its own centre|about its own center|around its centre|around its center|"
    "about its centre|about its center|in uniform motion|uniform motion|at uniform speed|at a uniform speed|"
    "with uniform speed|at uniform velocity|with uniform velocity|uniform velocity|at equal speed|at equal speeds|"
    "at an equal speed|with equal speed|with equal speeds|constant magnitude|with constant magnitude|"
    "with each passing second|with every passing second|with no movement whatsoever|with no movement|"
    "no movement whatsoever|whatsoever|throughout|"
    "solitary|occupies the frame|occupies the scene|occupy the frame|occupy the scene|occupying the scene|fills the frame|share the scene|shares the scene|"
    "share the frame|shares the frame|its edges sharp|its edges crisp|with sharp edges|with crisp edges|"
    "sharp edged|centered|centred|centered in the frame|centred in the frame|remaining centered|"
    "remaining centred|staying centered|staying centred|remains centered|remains centred|each wall it encounters|"
    "every wall it encounters|each wall it hits|every wall it hits|each wall|every wall|each edge|every edge|"
    "completely|entirely|totally|fully|absolutely|for the entire duration|for the whole duration|"
    "the entire time|for the entire clip|for the entire video|throughout the entire clip|"
    "throughout the entire video|from opposite sides of the frame|from opposite sides of the screen|"
    "from opposite corners|from opposite corners of the frame|from opposite corners of the screen|"
    "until they meet|until they touch|until they almost touch|until they nearly touch|until they almost meet|"
    "until they nearly meet|until they meet in the middle|until they meet in the center|at the center of the frame|"
    "then add|and then add|then draw|and then draw|then put|then place|then create|then also add|first draw|"
    "first add|first put|first create|first make|first place|add|also add|use|using|"
    "what would it look like if|what would it look like|what if|imagine|a calm scene|calm|"
    "here is what i want|what i want is|this is what i want|write me|write|write me a video|"
    "the shapes are|the objects are|the items are|the elements are|"
    "from opposite sides|from opposite ends|from either side|from both sides|"
    # styles this world draws in anyway (flat 2-D shapes), and real time
    "cartoon style|cartoonish|in cartoon style|in a cartoon style|flat design|flat style|"
    "in the style of a flat illustration|flat vector art|flat vector illustration|flat vector style|vector art|vector style|vector graphics|vector|motion graphics|"
    "illustration style|graphic style|clean design|in real time|real time|realtime|2 d style|2 d|"
    # quality / style boilerplate people put in front of any prompt: "Cinematic 4K shot: a red ball ..."
    "cinematic|cinematic shot|cinematic footage|cinematic video|4 k|8 k|2 k|5 k|6 k|hd|uhd|full hd|ultra hd|1080 p|"
    "4 k shot|8 k shot|hd shot|wide shot|establishing shot|high quality|best quality|top quality|masterpiece|"
    "high resolution|high definition|hi res|high res|ultra high res|intricate details|digital art|digital illustration|"
    "highly detailed|ultra detailed|detailed|sharp focus|professional|"
    "beautiful|stunning|aesthetic|epic|award winning|trending on artstation|footage|"
    # chat register: "can u make a red ball go left pls"
    # prompt-tool habits (Midjourney / Stable Diffusion / Runway users, probe rounds 29-31): the clip's playback,
    # the tool, the channel and the look of flat shapes, and things this world never draws said to be absent
    "loop|looping|loopable|seamless loop|seamlessly looping|a seamless loop of|a loop of|perfect loop|"
    # probe round 120 (motion designers): the looping of the clip ("360 spin looped") and the tween, the animator's
    # in-between frames ("tween an orange circle …", "slow tween"), and an after-effects tool: no motion of their own
    "looped|loops|looped forever|tween|tweens|tweened|tweening|after effects|lottie|lottie export|for a lottie export|"
    "runway|sora|pika|kling|midjourney|stable diffusion|sdxl|"
    "comfyui|veo|luma|hailuo|style raw|social media|for social media|instagram|tiktok|reels|youtube|thumbnail|"
    "generative art|generative|educational|educational animation|explainer|explainer video|game sprite|"
    "game sprite style|sprite style|2 d game|prototype|prototype vibe|placeholder art|mood board|"
    "moodboard|bauhaus|bauhaus inspired|swiss style|brand clean|on brand|"
    "pixel clean edges|smooth animation|flat color|flat colour|"
    "bright colors|bright colours|vibrant colors|vibrant colours|motion graphics shot|mg|brand colors|brand colours|"
    "octane render|unreal engine|unreal engine 5|rendered in octane|trending|retro|glossy|pixel perfect|absurdres|"
    "highres|lowres|worst quality|low quality|normal quality|jpeg artifacts|extra shapes|extra objects|"
    "no camera move|chatgpt|gpt|kimi|deepseek|doubao|gemini|easy|gentle|"
    "came up with|come up with|comes up with|coming up with|little ones|the little ones|for little ones|"
    "mm|mmm|umm|uhm|uhh|you know|ya know|ever so|aye|yall|howzit|shared|a shared|lets see|"
    "no extra elements|no extra shapes|no effects|ui style|flat ui|flat ui style|app ui|game ui|game ui style|"
    "she also wants|he also wants|she wants|he wants|she would like|he would like|they also want|"
    "no text|no letters|no typography|no logo|no logos|no watermark|no watermarks|no caption|"
    "no captions|no subtitles|no title|no signature|no people|no humans|no characters|"
    "no 3 d|no artifacts|no distortion|no lens flare|without text|without a watermark|"
    "without watermarks|"
    "pls|plz|plez|gimme|give me|u|ya|yo|hey|hi|hello|lol|haha|thx|thanks|thank you|ty|ok|okay|kinda|sorta|btw|"
    "yyds|emmm|emm|emmmm|hhh|hhhh|hh|xswl|awsl|"
    "wsl|dd|dddd|pyq|u 1 s 1|yysy|bgm|ins|"  # pinyin initials of Chinese net slang (probe round 103)
    "emo|dy|qaq|"  # (probe round 107: 深夜emo了, dy = 抖音, QAQ a crying face)
    "gg|brb|brb 1 sec|brb one sec|kthx|kthxbye|k thx|ttyl|tysm|"  # (probe round 112: texting shorthand)
    # probe round 117 (gamers, streamers): gaming and internet slang around a request
    "fr|fr fr|fr tho|for real|no cap|no cap fr|ngl|ez|gg ez|rly|rlly|pov|pov you are|hear me out|any %|speedrun any %|"
    "the whole meme|that is the whole meme|"
    # probe round 116 (slides and teaching materials, English terms among Chinese): the deck and its part
    "presentation|warm up|kick off|kickoff|"
    # probe round 102 (voice dictation): a voice assistant's name and a spoken "yes" before the request
    "siri|hey siri|alexa|hey alexa|google|hey google|ok google|okay google|new video|yes|yeah|yep")
# Courtesy around a request (greetings, thanks, apologies, hedges) and remarks that leave a field open: read past
_EN_COURTESY = (
    "good morning|good afternoon|good evening|good day|hello there|hi there|hey there|dear|dear assistant|"
    "dear ai|dear model|greetings|sorry|so sorry|sorry to bother you|sorry to bother you again|i hope you are well|"
    "hope you are well|hope you are doing well|i hope you are doing well|if it is not too much trouble|"
    "if it is no trouble|if you do not mind|if you could|if you can|if possible|if at all possible|"
    "if that is possible|if that is ok|if that is okay|if it is possible|if it is ok|if it is okay|"
    "if poss|if at all poss|"  # (probe round 126: "soft pastel look if poss")
    "would you be so kind as to|be so kind as to|would you mind|i would be most grateful if you could|"
    "i would be most grateful if|i would be grateful if you could|i would be grateful if|i would be very grateful|"
    "i would appreciate it|i would really appreciate it|i appreciate it|i appreciate your help|appreciate it|"
    "much appreciated|appreciated|i appreciate your help enormously|enormously|thank you so much|"
    "thank you so very much|thank you very much|thanks so much|thanks a lot|thanks a bunch|many thanks|"
    "thanks ever so much|thank you in advance|thanks in advance|in advance|cheers|best regards|regards|"
    "you have been wonderful|you are wonderful|you are the best|you rock|whatever|thats it|thats all|"
    "that is it|that is all|nothing more|nothing fancy|nothing special|chill|chill vibe|calm vibe|tempo|"
    "how do i make|how do i get|how do i|how to make|how can i make|demonstrate|"
    "demonstrating|demo|for a demo|brand colour|brand color|brand colored|brand coloured|placeholder|"
    "is what i would like to see|is what i would like|is what i want|is what i need|is all i need|"
    "is all i want|no colour preference|no color preference|any colour|any color|any colour is fine|"
    "any color is fine|any colour will do|any color will do|no colour specified|no color specified|"
    "colour does not matter|color does not matter|the colour does not matter|the color does not matter|"
    "colour is up to you|color is up to you|up to you|shall|forever|upon itself|around itself|round itself|"
    "on itself|on its axis|round its axis|vlog|vlog style|easing|punchy|snappy|ideally|my kid wants it|"
    "baby loves it|my baby loves it|the baby loves it|baby will love it|my baby will love it|"
    "my kid loves it|my kid will love it|my kids want it|my son wants it|my daughter wants it|until it is tiny|"
    "until it is very small|until it is small|until it is huge|until it is very big|until it is big|"
    "no background is specified|no background specified|background not specified|any background|"
    # probe round 46: moods and personalities given to the shapes (read past: the clip shows none)
    "is it possible to see|is it possible to get|is it possible to have|is it possible to make|hmm maybe like|maybe like|"
    "maybe|some kind of|happy|sad|shy|grumpy|cheerful|sleepy|lonely|proud|curious|cute|brave|lazy|angry|excited|nervous|silly|friendly|"
    "naughty|playful|cheeky|bored|jolly|gloomy|anxious|adorable|late for school|at night|lol|"
    # probe round 53, chatbot-expanded English: the adjectives and adverbs it decorates the request with
    "warm|into nothingness|into nothing|crisp lines|clean lines|sharp lines|bold lines|evokes|conveys|"
    "pristine|radiant|sleek|elegant|elegantly|graceful|tranquil|serene|dreamy|buoyant|spirited|dainty|commanding|"
    "understated|decisive|deliberate|measured|relaxed|confident|confidently|whimsical|delicate|polished|refined|"
    "luxurious|striking|electric|jet|obsidian|burnt|midnight|cornflower|matte|seamless|richly|dynamic|joyful|"
    "joyfully|playful|playfully|energetic|energetically|lively|modern|minimal|minimalist|minimalistic|flat vector|"
    "vector|two dimensional|razor sharp|4 k resolution|4k resolution|resolution|with quiet elegance|quiet|calm|"
    "dear sir or madam|dear sir|dear madam|i should like to see|with thanks|whoosh|zoom zoom|"
    "bro|bestie|right lads|lads|lah|leh|lor|reckon|heaps|lekker|aye|gonnae|, ken|ken|mi want|thanks a million|cud u|cud you|cld u|to ask for|the requested content comprises|requested content|mate|oi|pal|cheers pal|eh|chur|cher|guv|pet|howay|howay man|ey up|nah|rn|omg|lowkey|sure|grand|tidy|"
    "god bless|thank you god bless|alright|would you ever|c mon|come on|for your reference|po|lang po|ja|just now|"
    "gonnae gie us|gie us|chuck us|give us|y all|ye|stoked|speed is immaterial|speed does not matter|any speed|"
    "speed is up to you|no rush|nae rush|no hurry|in no rush|"
    # probe round 105: hedged and indirect English ("I think fast would look best?", "if that's a thing", "I guess",
    # "I'd really appreciate a video of …", "doesn't matter how fast": that leaves the speed open)
    "would look best|would look good|would look nice|would be best|i guess|if that is a thing|"
    "if that is even a thing|just curious|i really appreciate|i would really appreciate|really appreciate|"
    "does not matter how fast|it does not matter how fast|does not matter how slow|no matter how fast|"
    "i love it if there was|i love it if there were|i would love it if there was|i would love it if there were|"
    "simple is the best|simple is best|concretely|"
    # probe round 125: a request asked as a question, wish or condition ("would it be hard to make …", "is there any
    # way to have …", "would be great if I could get …", "could we try …", "… if that's supported", "cna you …")
    # writer round 177: polite hedged asks ("would it be possible to get …", "could I possibly get …", "if that's doable")
    "would it be possible to|would it be possible for|would it be alright to|would it be ok to|"
    "would it be okay to|if that is doable|if it is doable|"
    "if that makes sense|if it is not too much trouble|if it is not too much hassle|if you do not mind|"
    "sorry if this is a weird ask but|sorry if this is a weird ask|sorry to bother|i would appreciate|i appreciate|"
    "i would be grateful for|"
    "would it be hard to|would it be too hard to|would it be difficult to|would it be too difficult to|"
    "would it be tricky to|is it hard to|is it difficult to|how hard would it be to|how hard is it to|"
    "is there any way to|is there a way to|is there any way you could|is there a way you could|any way you could|"
    "is there any chance you could|any chance you could|any chance|"
    "it would be great if|would be great if|it would be nice if|would be nice if|it would be awesome if|"
    "would be awesome if|it would be cool if|would be cool if|that would be great|would be great|would be awesome|"
    "would be perfect|that would be perfect|"  # probe round 141: "… slowly, would be perfect."
    "if that is supported|if it is supported|if supported|if that is an option|if it is an option|"
    "if that is available|if available|try|try out|let us try|lets try|cna|cna you|cna u|"
    "any background is fine|is fine|is fine too|is fine by me|would be fine|constant|here|gorgeous|lovely|charming|round the place|round about|all round|irie|irie vibes|lush|"
    "there is lush|mek|gannin|ganning|just listed|ppt|visual|drop visual|real|quiet|quiet please|"
    "size|become|which become|i love|my kid wants|my kid|kid|kids|testing|just testing|wonder|i wonder|i wonder if|wondering|"
    "i was wondering|i was wondering if|learning|we are learning|relatable|ol|anim|animation|over the duration of the clip|over the duration of the video|"
    "for the duration of the clip|for the duration|enough|af|speedrun|powering up|power up|powers up|trending|"
    "went viral|this one went viral|viral|while on break|on my break|on break|on my lunch|on lunch|fills more of the screen|fills more and more of the screen|"
    "filling more of the screen|filling more and more of the screen|"
    "can help me|can you help me|help me|please help me|pls help|bhai|lang|naman|na ka|na|ka|che|"
    "h|for my son|for my daughter|for my kid|abeg|abeg o|k|dey|now|now could i|now can i|last one|last one i promise|"
    "one more|okay one more|ok one more|one last|first time trying this|first time trying|first time|so excited|"
    "this was fun|that was lovely|oh that was lovely|good man|good woman|how about|what about|my son wants|my daughter wants|"
    "my kid wants|he also asked for|she also asked for|he asked for|she asked for|he wants|she wants|cool|i should be grateful if you would|"
    "i should be grateful if|i would be grateful if you would|onegai|onegaishimasu|yaar|ji|desu|"
    # probe round 94: a greeting, a please, a thanks or an "I want" in Spanish or Portuguese among English words
    "hola|buenas|buenos dias|bom dia|boa tarde|por favor|gracias|muchas gracias|obrigado|obrigada|quiero|yo quiero|"
    "quero|eu quero|"
    # probe round 61, chatbot-expanded English: its edges, moods and stage directions ("crisp-edged and geometric",
    # "shrinks inward", "three bold shapes come to life:", "a quiet still life of pure geometry", "Backdrop first:")
    "crisp edged|clean edged|hard edged|soft edged|inward|inwards|outward|outwards|backdrop first|background first|"
    "their movement is|its movement is|the movement is|balanced|rubbery|"
    "rhythm|a rubbery rhythm|a quiet still life|a still life|still life|of pure geometry|pure geometry|geometry|"
    "come to life|comes to life|coming to life|into this calm space|into this space|this calm space|contemplative|"
    "meditative|nostalgic|hopeful|purposeful|tactile|bold shapes|three bold shapes|two bold shapes|"
    "in a simple , balanced composition|in a simple composition|simple composition|"
    # probe round 62: what the clip is for ("making a little intro for my cooking channel lol,")
    "a little intro for|a little intro|a short intro|an intro|intro|outro|for my cooking channel|cooking channel|"
    "for my channel|my channel|channel|"
    # probe round 128 (video specs around the request): the kind of clip and where it plays ("splash screen anim",
    # "b-roll filler", "Shorts format", "going into a PowerPoint") and a delivery wish no flat clip misses
    # writer round 165: "for a screensaver (idea)", "for a product mock-up" (syntax writes "screen saver", "idea" and
    # "mock-up" into these: as words here "ideal", "safer", "rock" would look like their typos)
    "for a screensaver|a screensaver|screensaver|for a mockup|"
    "a mockup|mockup|"
    "splash screen|splash screen anim|splash screen animation|loading screen|title card|b roll|b roll filler|"
    "b roll footage|filler footage|filler clip|filler clips|filler shot|shorts|youtube shorts|shorts format|powerpoint|power point|keynote|"
    "no compression artifacts|no compression|no banding|no flicker|no flickering|keep it crisp|"
    # probe round 64 (a fourth chatbot's English): its framing words
    "independently|washed with|washed in|"
    # probe rounds 66-68 (everyday voices): apologies, musings and who is asking
    "sorry if this is a dumb question|if this is a dumb question|sorry if this is a stupid question|"
    "if this is a stupid question|a dumb question|dumb question|stupid question|i was picturing|i am picturing|"
    "picturing|i was imagining|imagining|basically|once upon a time|in my video|so in my video|things i need|"
    "what i need|stuff i need|teacher here|mom here|mum here|dad here|student here|designer here|"
    "need something calming at 3 am|need something calming|something calming|at 3 am|at night|"
    "if that is not too much|if it is not too much|if that is okay|if that is ok|for explaining size to 5 year olds|"
    "for explaining size to kids|for explaining size|for explaining|cn u|cn you|a loading icon for my presentation|"
    "a loading icon|loading icon|for my presentation|my grandson said this thing makes cartoons|"
    # probe round 123: what the clip is like, vaguely ("Looking for a loading-screen kind of thing:"), and that the
    # request is for this once ("only need one thing this time:")
    "kind of thing|sort of thing|type of thing|this time|"
    # probe round 69: a chatbot's mood sentences ("The mood is serene and contemplative.", "Quiet and meditative in
    # tone,", "Bright and cheerful in mood,")
    "the mood is|the atmosphere is|the tone is|the feeling is|in tone|in mood|wistful|melancholy|peaceful|airy|serene|in a quiet standoff|a quiet standoff|standoff|satisfying|a simple , satisfying|"
    "simple , satisfying|"
    # probe round 98 (everyday English): roundabout request frames ("im looking for a clip of …", "can i get
    # somethin where a …", "I was hoping for …") and a field left open in any words ("background doesn't matter",
    # "the size is up to you"): the request is what follows, the open field is simply not asked
    "i am looking for|i was looking for|looking for|i am after|i am hoping for|i was hoping for|hoping for|"
    # probe round 148: a request said past a lead-in of its own ("What I would like to see is a single gray square …",
    # "I was hoping you could make …"): the request is what follows
    "what i would like to see is|what i would love to see is|what i want to see is|what i would like is|"
    "what i would love is|what i want is|what i need is|what we would like is|what we need is|"
    "i was hoping you could make|i was hoping you could do|i was hoping you could create|i was hoping you could|"
    "i am hoping you can make|i am hoping you could make|i was wondering if you could make|"
    "i was wondering if you could|"
    "i am searching for|searching for|i am trying to find|trying to find|i am trying to get|"
    "something where|something in which|something showing|something that shows|"
    + "|".join(f"{the}{field} {says}" for the in ("", "the ") for field in ("background", "backdrop", "bg", "colour",
                                                                           "color", "size", "speed")
               for says in ("does not matter", "do not matter", "is not important", "is up to you", "can be anything"))
    + "|" + "|".join(f"any {field} {says}" for field in ("background", "backdrop", "size", "speed")
                     for says in ("is fine", "will do", "is ok", "is okay")))
_EN_STOP = (
    "the|of|is|are|was|were|be|been|being|am|has|have|had|that|which|who|whose|where|when|as|while|so|"
    "to|from|in|on|at|by|for|into|onto|with|its|their|his|her|this|these|those|off the walls|"
    "off the wall|off the edges|off the edge|off the sides|off the borders|off the walls of the frame|"
    "off the edges of the frame|off the frame edges|off the frame|against the walls|against the edges|off the boards|"
    "off|walls|wall|edges|edge|borders|border|sides|frame|screen|canvas|view|corner|corners|side|part|half|"
    "area|region|portion|end|hand side|than|does|do|did|doing|makes|made|making|get|gets|getting|got|"
    "very much|way|kind of|sort of|type of|some kind of")
# shapes: singular and plural English names
_EN_SHAPES = {
    "circle": "circle circles|ball balls|dot dots|disc discs|disk disks|sphere spheres|orb orbs|round -|"
              "circular -|roundel roundels",
    "square": "square squares|box boxes|block blocks|cube cubes|tile tiles|square shaped -|sq sqs|sqr sqrs|quadrat quadrats",
    "triangle": "triangle triangles|triangular -|tri tris",
    "star": "star stars|five pointed star five pointed stars|5 pointed star 5 pointed stars|pentagram pentagrams|"
            "star shaped -|regular pentagram regular pentagrams",  # (probe round 111: geometry's names)
    "diamond": "diamond diamonds|rhombus rhombuses|rhombi -|lozenge lozenges|diamond shaped -|rhomboid rhomboids|"
               "rhomb rhombs|losango losangos|losange losanges",
    "cross": "cross crosses|plus sign plus signs|plus symbol plus symbols|plus pluses|cross shaped -|"
             "plus shaped -|plus shape plus shapes|greek cross greek crosses",  # (a Greek cross: equal arms)
}


def _en_shape_forms() -> list[tuple[str, str, str | None]]:
    """(shape, singular, plural) for every ``_EN_SHAPES`` entry ("word words" pairs; plural None for an adjective,
    "round -")."""
    out = []
    for shape, spec in _EN_SHAPES.items():
        for pair in spec.split("|"):
            words = pair.split()
            if words[-1] == "-":
                out.append((shape, " ".join(words[:-1]), None))
            else:
                n = len(words) // 2
                out.append((shape, " ".join(words[:n]), " ".join(words[n:])))
    return out


# one-word shape nouns -> their plural ("square" -> "squares"), and every one-word form -> its shape ("boxes" ->
# "square"); the first entry of a word wins
EN_SHAPE_PLURALS: dict[str, str] = {}
EN_SHAPE_OF: dict[str, str] = {}
for _shape, _one, _many in _en_shape_forms():
    if _many is not None and " " not in _one and " " not in _many:
        EN_SHAPE_PLURALS.setdefault(_one, _many)
    for _word in (_one, _many):
        if _word is not None and " " not in _word:
            EN_SHAPE_OF.setdefault(_word, _shape)
_EN_SHAPED = {"circle": "circle ball disc disk dot round", "square": "square box block", "triangle": "triangle",
              "star": "star", "diamond": "diamond rhombus lozenge", "cross": "cross plus"}  # (an "x shape" is no cross: writer round 177)
_EN_BAD_SHAPES = ("hexagon|hexagons|pentagon|pentagons|octagon|octagons|heptagon|heptagons|rectangle|rectangles|"
                  "oval|ovals|ellipse|ellipses|heart|hearts|ring|rings|crescent|crescents|arrow|arrows|line|lines|"
                  "trapezoid|trapezoids|trapezium|parallelogram|parallelograms|polygon|polygons|cylinder|cylinders|"
                  "cone|cones|pyramid|pyramids|cloud|clouds|moon|moons|semicircle|semicircles|donut|donuts|torus|"
                  "spiral|spirals|blob|blobs|oblong|oblongs|cuboid|cuboids|letter|letters|x shape|x shapes|x shaped|"
                  "six pointed star|six pointed stars|half circle|half circles|quarter circle|rectangular|"
                  "oval shaped|hexagonal|octagonal|pentagonal|elliptical|ring shaped|heart shaped|square ring")
_EN_HEADS = "shape shapes|object objects|thing things|figure figures|item items|element elements|sprite sprites|" \
            "body bodies|form forms|entity entities|icon icons|symbol symbols|piece pieces|" \
            "div divs|particle particles|rigid body rigid bodies"  # (probe round 114: a web page's and a physics lesson's)
_EN_SIZES = {"small": "small|tiny|little|lil|smallish|mini|miniature|wee|petite|teeny|very small|very tiny|small sized|"
                      "smol|teeny tiny|itty bitty|garnish sized|"
                      "tiny sized|little sized",
             "medium": "modest sized|modest size|of modest size|modest in size|modest|medium in scale|medium|medium sized|medium size|mid sized|mid size|midsize|midsized|average sized|"
                       "average size|moderate sized|moderately sized|normal sized|regular sized|moderate size|middle sized|"
                       "normal size|regular size|standard size|standard sized|"  # (probe round 140)
                       "middle size",
             "large": "large|big|huge|giant|enormous|massive|largish|biggish|very large|very big|oversized|"
                      "sizable|sizeable|great big|gigantic|large sized|big sized|huge sized|big big"}
_EN_CMP = {"grow": "bigger|larger|biggest|largest", "shrink": "smaller|tinier|smallest|tiniest"}
_EN_SPEEDS = {"slow": "slow ish|slowish|dead slow|nice an easy|nice n easy|nice n slow|nice and slow|nice and slowly|nice and easy|slow rate|at a slow rate|at a constant low speed|at a constant slow speed|at a steady low speed|at a steady slow speed|"
                      "slow as molasses|as slow as molasses|slow as a snail|as slow as a snail|at a snail s pace|snail pace|"
                      "low velocity|at low velocity|at a low velocity|"  # (probe round 111: physics' word)
                      "low speed|at low speed|at a low speed|slowly|slow|slow motion|slow mo|slowmo|slo mo|gently|leisurely|lazily|unhurriedly|sluggishly|at a slow pace|at a slow speed|"
                      "at low speed|at a low speed|at slow speed|in slow motion|slowly moving|slow moving|"
                      "at a leisurely pace|at a gentle pace|gradually and slowly|slow paced|at a snail s pace|at a snails pace|"
                      "at a snail pace|at snail pace|snail paced|takes its time|taking its time|take its time|"
                      "takes it is time|taking it is time|took its time|in no rush|no rush|with no rush|in no hurry|"
                      "no hurry|without hurrying|without any hurry|slow and steady|slowly and steadily|"
                      "with slow speed|slow speed|with low speed|low speed|slow slow|"
                      "at a crawl|at a creep|at an unhurried pace|unhurried|in an unhurried way|"
                      + "|".join(f"at a slow , {a} pace" for a in ("unhurried", "steady", "leisurely", "gentle", "even")),
               "fast": "fast ish|fastish|quick ish|quickish|dead fast|dead quick|full speed ahead|at a high velocity|high velocity|at blistering speed|blistering speed|fastly|sharp sharp|quick quick|sharply|sharpish|at full steam|full steam|full speed|at full speed|at top speed|top speed|flat out|brisk|fast rate|at a fast rate|at a constant high speed|at a constant fast speed|at a steady high speed|at a steady fast speed|high speed|at high speed|at a high speed|quickly|quick|fast|rapidly|rapid|swiftly|swift|speedily|briskly|hastily|at speed|"
                       "at high speed|at a high speed|at a fast pace|at a quick pace|at a rapid pace|"
                       "at full speed|at great speed|fast moving|quickly moving|fast paced|in a hurry|speedy|at top speed|"
                       "top speed|full speed|at full tilt|full tilt|at breakneck speed|breakneck|lightning fast|"
                       + "|".join(f"at a {f} , {a} pace" for f in ("fast", "quick", "rapid") for a in ("steady", "even"))
                       + "|with fast speed|fast speed|at a fast speed|at fast speed|at considerable speed|"
                       "at a considerable speed|at great pace|with high speed|high speed|quick quick|fast fast|"
                       "like lightning|as fast as lightning|super fast|superfast|very fast|hurriedly|in a rush|"
                       "in a flash|at lightning speed|at warp speed"}
# probe round 119 (Malaysia, Singapore): Malay speed words mixed into English or Chinese (cepat sikit "a bit fast",
# perlahan-perlahan "slowly")
_EN_SPEEDS["slow"] += "|perlahan|perlahan perlahan|perlahan sikit|pelan pelan|slow sikit"
_EN_SPEEDS["fast"] += "|cepat|cepat sikit|cepat cepat|laju|laju sikit|laju laju|fast sikit"
# places: frame positions (dx, dy), y grows downwards; a direction word is a place reached by moving
_EN_PLACES = {"left": (-1, 0), "right": (1, 0), "top": (0, -1), "upper": (0, -1), "bottom": (0, 1),
              "lower": (0, 1), "centre": (0, 0), "center": (0, 0), "middle": (0, 0), "left hand": (-1, 0),
              "right hand": (1, 0), "top left": (-1, -1), "top right": (1, -1), "bottom left": (-1, 1),
              "bottom right": (1, 1), "upper left": (-1, -1), "upper right": (1, -1), "lower left": (-1, 1),
              "lower right": (1, 1), "left top": (-1, -1), "right top": (1, -1), "left bottom": (-1, 1),
              "right bottom": (1, 1), "top of the frame": (0, -1), "bottom of the frame": (0, 1),
              "top of the screen": (0, -1), "bottom of the screen": (0, 1), "up left": (-1, -1),
              "up right": (1, -1), "down left": (-1, 1), "down right": (1, 1)}
_EN_DIRS = {"up": (0, -1), "upward": (0, -1), "upwards": (0, -1), "skyward": (0, -1), "skywards": (0, -1),
            "down": (0, 1), "downward": (0, 1), "downwards": (0, 1), "leftward": (-1, 0), "leftwards": (-1, 0),
            "rightward": (1, 0), "rightwards": (1, 0), "north": (0, -1), "south": (0, 1), "east": (1, 0),
            "up to the left": (-1, -1), "up to the right": (1, -1), "down to the left": (-1, 1),
            "up to left": (-1, -1), "up to right": (1, -1), "down to left": (-1, 1), "down to right": (1, 1), "doon": (0, 1),
            "down to the right": (1, 1), "west": (-1, 0), "ne": (1, -1), "nw": (-1, -1), "se": (1, 1), "sw": (-1, 1), "northeast": (1, -1), "north east": (1, -1), "northwest": (-1, -1),
            "north west": (-1, -1), "southeast": (1, 1), "south east": (1, 1), "southwest": (-1, 1),
            "south west": (-1, 1), "uphill": (0, -1), "downhill": (0, 1), "heavenward": (0, -1)}
_EN_PREPS = {"to": ("dest",), "into": ("dest",), "over to": ("dest",), "all the way to": ("dest",),
             "as far as": ("dest",), "up to": ("dest",), "until it reaches": ("dest",), "reaching": ("dest",),
             "toward": ("dir",), "towards": ("dir",), "in the direction of": ("dir",), "heading for": ("dir",),
             "for": ("dir",), "from": ("src",), "starting from": ("src",), "starting at": ("src",),
             "starting in": ("src",), "starts at": ("src",), "starts from": ("src",), "starts in": ("src",),
             "begins at": ("src",), "begins in": ("src",), "beginning at": ("src",), "out of": ("src",),
             "at": ("loc",), "in": ("loc", "link"), "on": ("loc", "bg"), "by": ("loc",), "along": ("loc",),
             "against": ("bg",), "over": ("bg",), "atop": ("bg",), "on top of": ("bg",), "set against": ("bg",),
             "in front of": ("bg",), "with": ("bg", "conj"), "upon": ("bg",), "set on": ("bg",),
             "is set on": ("bg",), "are set on": ("bg",), "placed on": ("bg",),
             # where the motion ends: "ends up in the top-right corner", "comes to rest at the bottom"
             **{f"{v} {p}": ("dest",) for v in ("ends up", "end up", "ending up", "ended up", "ends", "end",
                                                 "ending", "finishes", "finishing", "arrives", "arriving")
                for p in ("in", "at", "on", "near")},
             "through": ("dir",), "out through": ("dir",), "off": ("dir",), "out the": ("dir",)}


_BIG_COUNTS = "zero four five six seven eight nine ten eleven twelve twenty hundred thousand million"


def en_lexicon() -> dict[tuple[str, ...], Entry]:
    """English phrase (tuple of words) -> tokens."""
    lex: dict[str, Entry] = {}

    def put(kind: str, value, phrases) -> None:
        for p in phrases.split("|") if isinstance(phrases, str) else phrases:
            lex[p] = ((kind, value),)

    put("stop", None, _EN_STOP)
    put("filler", None, _EN_FILLER)
    put("filler", None, _EN_COURTESY)
    lex["period"] = lex["full stop"] = (_SEN[True],)  # dictated punctuation
    lex["comma"] = (_SEN[False],)
    # "the camera remains completely locked off", "the shot is static": the world's camera never moves
    put("filler", None, [f"{who} {verb} {how}{state}"
                         for who in ("the camera", "camera", "the shot", "the view", "the frame")
                         for verb in ("is", "remains", "stays", "is kept", "is held", "holds", "keeps")
                         for how in ("", "completely ", "perfectly ", "totally ", "entirely ", "fully ")
                         for state in ("static", "still", "fixed", "locked", "locked off", "locked down",
                                       "stationary", "steady", "motionless", "unmoving")])
    put("filler", None, "for the entire shot|for the whole shot|throughout the shot|during the shot")
    for w, n in {"a": 1, "an": 1, "one": 1, "a single": 1, "one single": 1, "a lone": 1, "lone": 1, "two": 2,
                 "a pair of": 2, "pair of": 2, "a duo of": 2, "three": 3, "a trio of": 3, "trio of": 3,
                 "a triplet of": 3, "another": 1, "twin": 2}.items():  # ("twin blue squares", probe round 134)
        lex[w] = (("count", n),)
    lex["one"] = (("one", False),)
    for nth in ("first", "second", "third"):  # "The first object is a big orange diamond …; the second is a …"
        for noun in ("", " object", " shape", " one", " item"):
            for art in ("a", "an", "one"):
                lex[f"the {nth}{noun} is {art}"] = (("count", 1),)
                # "The first, a medium-sized green square, should move ... The second, a small white triangle, ..."
                # (probe round 143): an appositive names the object as "is" does
                lex[f"the {nth}{noun} , {art}"] = (("count", 1),)
    lex["ones"] = (("one", True),)
    for w in _BIG_COUNTS.split():
        lex[w] = (("bigcount", None),)
    for w, c in EN_COLORS.items():
        lex[w] = (("color", c),)
        lex[f"something {w}"] = (("count", 1), ("color", c), ("head", False))  # "something red moving right"
        # "two balls red colour": a colour after its noun (like "the balls are red"); before one, "red colour circle"
        lex[f"{w} colour"] = lex[f"{w} color"] = (("link", None), ("color", c))
        for frame in ("screen", "frame"):  # "in the centre of a yellow screen": the background
            lex[f"{w} {frame}"] = (("color", c), ("bgword", None))
    for w, c in MALAY_COLORS.items():
        lex[w] = (("color", c),)
    put("badcolor", None, EN_BAD_COLORS.split())
    put("badcolor", None, EN_BAD_SHADES)
    put("shade", None, EN_SHADES.split())
    for shape, one, many in _en_shape_forms():
        if many is None:  # adjective: no plural
            lex[one] = (("shape", (shape, None)),)
            continue
        lex[one] = (("shape", (shape, False)),)
        lex[many] = (("shape", (shape, True)),)
    put("badshape", None, _EN_BAD_SHAPES)
    for pair in _EN_HEADS.split("|"):
        words = pair.split()
        s, p = " ".join(words[:len(words) // 2]), " ".join(words[len(words) // 2:])
        lex[s], lex[p] = (("head", False),), (("head", True),)
    for s, phrases in _EN_SIZES.items():
        put("size", s, phrases)
    for m, phrases in _EN_CMP.items():
        put("cmp", m, phrases)
    for s, phrases in _EN_SPEEDS.items():
        put("speed", s, phrases)
    for w, v in _EN_PLACES.items():
        lex[w] = (("place", v),)
    for w, v in _EN_DIRS.items():
        lex[w] = (("dir", v),)
    for w in ("to the sky", "into the sky", "toward the sky", "towards the sky", "up to the sky", "heavenward",
              "heavenwards"):
        lex[w] = (("dir", (0, -1)),)
    for w in ("to the ground", "toward the ground", "towards the ground", "to the floor", "toward the floor",
              "towards the floor"):
        lex[w] = (("dir", (0, 1)),)
    for w, roles in _EN_PREPS.items():
        lex[w] = (("prep", roles),)
    for forms in _MOVE_VERBS:
        for f in forms:
            lex[f] = (("verb", f in ("move", "moves", "moving", "moved")),)
    # probe round 129: "heading off the right hand side of the screen" — the verb's "off" is the way out past a
    # named side (as "drifting off the right side"), not swallowed by the verb and the side left a bare position
    # ... and "enters from the left side and leaves on the right side", "exits at the top": the side it leaves by is
    # where it goes
    exits = [f"{v} {q}" for v in ("leaves", "leave", "leaving", "exits", "exit", "exiting", "exited", "goes out",
                                  "go out", "going out", "went out") for q in ("on", "at", "through", "by", "via")]
    for f in ["heads off", "head off", "heading off", "headed off"] + exits:
        for p, v in _EN_PLACES.items():
            if v != (0, 0):  # (off the middle: no way out)
                lex[f"{f} the {p}"] = (("verb", False), ("prep", ("dir",)), ("definite", None), ("place", v))
    for forms, sp in ((_FAST_VERBS, "fast"), (_SLOW_VERBS, "slow")):
        for group in forms:
            for f in group:
                lex[f] = (("verb", sp),)
    for forms, dy in ((_UP_VERBS, -1), (_DOWN_VERBS, 1)):
        for group in forms:
            for f in group:
                lex[f] = (("vverb", dy),)
    for p, m in _motion_en().items():
        lex[p] = (("motion", m),)
    put("approach", None, _APPROACH)
    put("mutual", None, "each other|one another")
    put("backforth", None, "back and forth|to and fro|forth and back|backwards and forwards|"
                           "back and forth across|side to side|from side to side|all around|around the walls")
    put("diag", None, "diagonally|diagonal|in a diagonal line|on a diagonal|at an angle|obliquely|"
                      "in a diagonal direction|in the diagonal direction|on a diagonal path")
    # probe round 129: "drifting down and to the left, towards the corner": a corner not named is the goal of a
    # diagonal said beside it (like "diagonally": with only "left", or alone, it stays refused — which corner?)
    put("diag", None, "|".join(f"{p} {a} corner" for p in ("towards", "toward", "to", "into", "for", "heading for")
                               for a in ("the", "a")))
    for w, v in {"left": (-1, 0), "leftward": (-1, 0), "right": (1, 0), "rightward": (1, 0), "up": (0, -1),
                 "upward": (0, -1), "down": (0, 1), "downward": (0, 1)}.items():
        lex[f"{w} movement"] = lex[f"{w} motion"] = (("dir", v),)  # "slow upward movement"
        for art in ("a", "an", "the"):
            lex[f"in {art} {w} direction"] = (("dir", v),)
    for size in ("small", "medium", "large"):
        for pre in ("of", "of a", "of the"):
            lex[f"{pre} {size} size"] = (("postsize", size),)
    for size, words in (("small", "small|tiny|little"), ("medium", "medium|moderate"), ("large", "large|big|huge")):
        for w in words.split("|"):  # "A pink square, small in size, drifts ...", "small size", "small small"
            lex[f"{w} in size"] = lex[f"{w} size"] = lex[f"{w} sized"] = lex[f"{w} {w}"] = (("size", size),)
    lex["of big size"] = lex["of a big size"] = (("postsize", "large"),)
    lex["of tiny size"] = lex["of a tiny size"] = (("postsize", "small"),)
    lex["of modest size"] = lex["of a modest size"] = lex["modest in size"] = (("postsize", "medium"),)
    for shape, words in _EN_SHAPED.items():
        for w in words.split():
            lex[f"{w} shaped"] = lex[f"{w} shape"] = (("shape", (shape, None)),)
            lex[f"{w} shapes"] = (("shape", (shape, True)),)
    lex["round shape"] = lex["circular shape"] = (("shape", ("circle", False)),)
    put("together", None, "together")
    put("cconj", None, "while|whereas|but|as|meanwhile|and meanwhile|at the same time|and at the same time|"
                       "while at the same time|in the meantime|and also|also|in addition|additionally|"
                       "on the other hand|whilst|and there is also|there is also|and there is")
    # gradients described by their light and dark ends
    for axis, (a, b) in {"v": ("top", "bottom"), "h": ("left", "right")}.items():
        grad = (("bgkind", (axis + "gradient", False)),)
        for light, dark in (("light", "dark"), ("lighter", "darker"), ("bright", "dark"), ("brighter", "darker")):
            for prep in ("at", "on"):
                for lead in ("", "that ", "which ", "that goes "):
                    lex[f"{lead}{light} {prep} the {a} and {dark} {prep} the {b}"] = grad
                    for verb in ("fades", "fading", "goes", "going", "changes", "changing", "shading"):
                        lex[f"{lead}{verb} from {light} {prep} the {a} to {dark} {prep} the {b}"] = grad
                lex[f"from {light} {prep} the {a} to {dark} {prep} the {b}"] = grad
        # "a blue background that fades from top to bottom": the gradient's axis alone
        for lead in ("", "that ", "which "):
            for verb in ("fades", "fading", "shading", "shades", "graded", "grading", "blending", "blends", "changes",
                         "changing", "transitions", "transitioning", "goes", "runs"):
                if verb in ("goes", "runs") and not lead:
                    continue  # "a square goes from right to left" moves; "a gradient that goes from …" is shading
                for the in ("", "the "):
                    for x, y in ((a, b), (b, a)):
                        lex[f"{lead}{verb} from {the}{x} to {the}{y}"] = grad
    # ... and adjectives that may sit inside a background phrase too ("a pure white background", "a vibrant red circle")
    put("bgmod", None, "softly|faintly|faint|subtle|subtly|slight|slightly|lightly|pure|vibrant|clean|crisp|perfectly|"
                       "stark|bold|striking|sleek|contrasting|smooth|smoothly|gentle|even|uniform|soft|muted|bright|deep|vivid|fixed|"
                       "rich|saturated|strong|brilliant|vividly|brightly|"
                       "rough|coarse|gritty")  # (a "rough, grainy texture": probe round 100)
    for phrases, reason in _EN_REFUSE.items():
        put("refuse", reason, phrases)
    # a correction: what follows replaces the verb phrase (or the object) just said ("moving up, no wait, down")
    put("correction", None, "no wait|wait no|no , wait|wait , no|actually|actually make it|actually , make it|"
                            "i mean|sorry , i mean|sorry i mean|scratch that|correction|make that|or rather|"
                            "oops|oops , i mean|no sorry|sorry , no|oh wait|oh , wait|oh no wait|hmm wait|hmm , wait|wait|"
                            # the past tense of "i mean" ("sorry I meant two"), and a bare "no," that goes on to
                            # restate ("— no, make the background purple")
                            "or actually|or , actually|or no , actually|"  # "a square, or actually a diamond" (probe round 105)
                            "i meant|sorry i meant|sorry , i meant|oops i meant|oops , i meant|i meant to say|"
                            "no , make|no make|no , make it|no make it|no , it is|no it is")  # ("make it" reads "it is")
    # distributing motions over the objects just listed: "A and B move left and right respectively",
    # "A and B, one moving left and the other right", "the former ... the latter ..."
    put("respectively", None, "respectively|in that order|each respectively")
    for idx, phrases in ((0, "the first|the first one|the former|the first of them"),
                         (1, "the second|the second one|the second of them"), (2, "the third|the third one"),
                         (-1, "the last|the last one|the latter|the last of them"),
                         ("other", "the other|the other one|the remaining one|the other of them")):
        put("nth", idx, phrases)
    # the objects no verb phrase has described yet ("the red one goes up-left, the rest stay still")
    put("rest", None, "the rest|the rest of them|the others|the other ones|all the others|all the rest|everything else|"
                      "the remaining ones|the remaining two|the other two")
    # direction-of-motion phrases that end in a place but read as one unit
    for w, v in {"left to right": (1, 0), "right to left": (-1, 0), "top to bottom": (0, 1),
                 "bottom to top": (0, -1)}.items():
        lex[w] = (("path", v),)
    for side, v in (("left", (-1, 0)), ("right", (1, 0))):  # "to the left of the screen" is a direction
        for frame in ("screen", "frame", "canvas", "image", "picture", "video", "scene", "view"):
            for prep in ("to", "toward", "towards"):
                lex[f"{prep} the {side} of the {frame}"] = (("dir", v),)
    # background
    put("bgword", None, "background|backdrop|bg|background colour|background color|backgrounds|canvas|void")
    for w, k in {"plain": "solid", "solid": "solid", "uniform": "solid", "flat": "solid", "single colour": "solid",
                 "single color": "solid", "single coloured": "solid", "single colored": "solid",
                 "solid colour": "solid", "solid color": "solid", "monochrome": "solid", "unpatterned": "solid",
                 "textured": "texture", "mottled": "texture", "noisy": "texture", "noise": "texture", "grainy": "texture",
                 "speckled": "texture", "flecked": "texture", "stippled": "texture", "dappled": "texture",
                 "solid colored": "solid", "solid coloured": "solid"}.items():
        lex[w] = lex[f"and it is {w}"] = (("bgkind", (k, False)),)  # "background colour white and it is solid"
    for w, k in {"vertical gradient": "vgradient", "horizontal gradient": "hgradient", "gradient": None,
                 "gradients": None, "texture": "texture", "light texture": "texture", "subtle texture": "texture",
                 "noisy pattern": "texture", "noise pattern": "texture",
                 "faint texture": "texture", "slight texture": "texture", "soft texture": "texture",
                 "vertically graded": "vgradient", "horizontally graded": "hgradient",
                 "colour gradient": None, "color gradient": None, "gradation": None, "hgradient": "hgradient", "vgradient": "vgradient",
                 "h gradient": "hgradient", "v gradient": "vgradient", "paper texture": "texture",
                 "film texture": "texture", "film grain": "texture", "film like texture": "texture",
                 "paper like texture": "texture", "film grain texture": "texture", "some texture": "texture",
                 "some noisy texture": "texture", "some grainy texture": "texture", "some subtle texture": "texture",
                 "some noise": "texture", "some grain": "texture", "paper grain texture": "texture",
                 "paper grain": "texture", "finely textured": "texture"}.items():
        lex[w] = (("bgkind", (k, True)),)
    put("bgaxis", "v", "vertical|vertically")
    put("bgaxis", "h", "horizontal|horizontally")
    put("conj", None, "and|along with|as well as|together with|alongside|accompanied by|n|vs|versus")
    for w, n in (("a", 1), ("an", 1), ("one", 1), ("two", 2), ("three", 3)):  # "plus a blue square" ('plus' alone: a cross)
        lex[f"plus {w}"] = (("conj", None), ("count", n))
    put("pronoun", False, "it")  # the value: plural
    put("pronoun", True, "they|them|both|all|both of them|all of them|each of them|"
                         "both objects|both shapes|everything|each of which|all of which|both of which")
    put("definite", None, "the|this|that|these|those|which|who|teh|hte")  # teh, hte: the, typed fast
    put("link", None, "is|are|was|were|be|should be|shall be|must be|will be|would be|has to be|colored|coloured|which is|that is|"
                      "which are|that are|"
                      "painted|in the colour|in the color|with the colour|with the color")
    for w, c in EN_COLORS.items():  # "a circle in red", "a square of red colour"
        for phrase in (f"in {w}", f"of {w} color", f"of {w} colour", f"of a {w} color", f"of a {w} colour"):
            lex[phrase] = (("link", None), ("color", c))
    put("media", None, "video|clip|footage|scene|picture|image|frame|shot|movie|film|gif|animation|sequence|"
                       "rendering|photo|illustration|drawing|cartoon|snapshot|graphic|still image|still picture|"
                       "still frame|still photo|still shot|a still of|a still from|still of|gif of|vid|vids|pic|"
                       "pics|video clip|short video|short clip")
    lex["a video of"] = lex["an animation of"] = (("filler", None),)
    for w in [w for w in lex if w.endswith(("ward", "wards")) and lex[w][0][0] == "dir"]:
        for noun in ("trajectory", "path", "course"):  # "follows a downward trajectory"
            lex[f"a {w} {noun}"] = lex[f"on a {w} {noun}"] = lex[w]
    return {tuple(k.split()): v for k, v in lex.items()}


# ------------------------------------------------------------------------------------------------ Chinese
_ZH_COLOR_CHARS = {"red": "红", "orange": "橙", "yellow": "黄", "green": "绿", "cyan": "青", "blue": "蓝",
                   "purple": "紫", "pink": "粉", "white": "白", "black": "黑", "gray": "灰"}
ZH_BAD_COLORS = ("金色 银色 棕色 褐色 咖啡色 米色 米黄色 品红色 洋红色 紫红色 天蓝色 浅蓝色 湖蓝色 "
                 "橄榄色 土黄色 卡其色 肉色 肤色 玫红色 玫瑰色 桃红色 橘红色 "
                 "酒红色 浅红色 彩色 七彩 五彩 透明 半透明 银白色 米白色 灰白色 "
                 "蓝绿色 黄绿色 青绿色 橙红色 橙黄色 紫罗兰红 淡蓝色 银灰色 "
                 "宝宝蓝色 宝宝蓝 婴儿蓝色 婴儿蓝 天空蓝色 天空蓝")  # (probe round 126: the named light blues, as EN_BAD_SHADES)
# Chinese named shades that read as one world colour (see SHADE_AMBIGUOUS for the shade + colour pairs that do not)
ZH_SHADE_COLORS = {"red": "深红色 猩红色 朱红色 血红色 赤色 赤红色 红彤彤 朱红 正红色 绯红色", "blue": "深蓝色 藏青色 宝蓝色",
                   "green": "墨绿色 草绿色 翠绿色 深绿色 浅绿色 淡绿色 嫩绿色", "purple": "淡紫色 浅紫色 深紫色",
                   "yellow": "淡黄色 浅黄色 金黄色 明黄色 柠檬黄", "white": "乳白色 雪白色 洁白色 象牙白色",
                   "gray": "铁灰色 深灰色 浅灰色 炭灰色 石板灰色", "black": "墨黑色 漆黑色 乌黑色",
                   "orange": "浅橙色 深橙色 亮橙色", "pink": "浅粉色 淡粉色 粉嫩色 玫瑰粉色"}  # (probe round 65: a chatbot's 明黄色, 嫩绿色, 墨黑)
ZH_SHADES = "深 浅 淡 亮 暗 鲜 艳"
_ZH_SHAPES = {"circle": "圆 圆形 圆圈 圆球 球 球体 圆点 圆盘 圆片 圈圈 圆圈圈 波波 圆圆 球球 波 小球 小球球 圆球子 球子 圆轮",
              "square": "正方形 方形 方块 正方块 四方形 方格 方块块 四方格 方块子 方方",
              "triangle": "三角形 三角 三角块 正三角形 等边三角形",
              "star": "星星 星形 五角星 星 五星 星状 星辰",
              "diamond": "菱形 钻石 钻石形 菱形块",
              "cross": "十字 十字形 十字架 加号 十字符号 加号形 叉"}
ZH_BAD_SHAPES = ("六边形 五边形 八边形 多边形 长方形 矩形 椭圆 椭圆形 心形 爱心 梯形 平行四边形 圆环 环形 半圆 半圆形 "
                 "月牙 月亮 箭头 线条 直线 立方体 正方体 长方体 圆柱 圆柱体 圆锥 金字塔 五角形 六角星 六角形 扇形 "
                 "弧形 云朵 水滴 圆环形")
_ZH_HEADS = "物体 图形 形状 东西 对象 物件 几何体 图案 元素 几何图形 形体 个体 玩意儿 玩意 精灵 刚体 质点 粒子"
_ZH_SIZES = {"small": "一点点大 一丢丢大 一丁点大 一点儿大 丁点大 小一点的 小点的 小一些的 尺寸小一点 尺寸小点 尺寸小一些 尺寸偏小 个头小一点 个头小点 小巧的 小巧 小个 小个的 小个子 超级小 超级小的 超小 小 小小 很小 微小 迷你 细小 小号 小型 极小 非常小 有点小 细细粒 细粒 细细 细个 细",
             "medium": "中等大小 中等尺寸 中号 中型 中等 不大不小 大小适中 中不溜 中不溜的 中不溜儿 中不溜儿的 "
                       "正常大小 正常尺寸 普通大小 标准大小",  # (probe round 140: the ordinary size is the middle one)
             "large": "大一点的 大点的 大一些的 尺寸大一点 尺寸大点 尺寸大一些 尺寸偏大 个头大一点 个头大点 贼大 贼大的 老大老大 老大的 老大 大个 大个的 大个子 超级大 超级大的 大 大大 很大 巨大 硕大 大号 大型 庞大 非常大 超大"}
_ZH_CMP = {"grow": "更大 较大 比较大 大一些 大一点", "shrink": "更小 较小 比较小 小一些 小一点"}
_ZH_SPEEDS = {"slow": "慢一点点 慢一滴滴 慢一滴 越慢越好 慢一些 速度慢一些 缓慢一些 速度缓慢一些 贼慢 贼慢地 稍慢 稍慢一些 稍慢一点 稍微慢一点 慢慢叫 慢慢儿 慢慢咁 好慢 慢速版 缓缓 慢慢 缓慢 慢速 慢吞吞 徐徐 慢悠悠 悠悠 慢 缓 低速 很慢 缓步 慢腾腾 不紧不慢 比较慢 较慢 悠闲 慢点 慢一点 慢些 "
                       "以很慢的速度 以缓慢的速度 以较慢的速度 以慢速 龟速 龟速地 超级无敌慢 无敌慢",
              "fast": "快一点点 快一滴滴 快一滴 快滴滴 快到飞起 挺快的 挺快 嘎嘎快 调快一点 调快点 调快 速度拉满 拉满 节奏要快 节奏快 贼拉快 嘎嘎快 倍儿快 交关快 交关快个 光速 蛮快 蛮快的 蛮快的那种 贼快 贼快地 越快越好 快速 飞快 迅速 快快 快 急速 高速 疾速 飞速 很快 极快 迅捷 快捷 火速 急 比较快 较快 非常快 快点 快一点 快些 "
                       "快一些 稍快 稍快一些 稍快一点 稍微快一点 稍微快一些 以很快的速度 以较快的速度 以极快的速度 以快速 飞一般 超快 超快的那种 超级快 好快 快速版 嗖的一下 嗖地一下 嗖的 嗖地 嗖 一溜烟 风一样 "
                       "闪电般 像闪电一样"}
_ZH_PLACES = {"左": (-1, 0), "右": (1, 0), "上": (0, -1), "下": (0, 1), "顶": (0, -1), "底": (0, 1),
              "左上": (-1, -1), "右上": (1, -1), "左下": (-1, 1), "右下": (1, 1), "上左": (-1, -1),
              "上右": (1, -1), "下左": (-1, 1), "下右": (1, 1), "中央": (0, 0), "中间": (0, 0), "中心": (0, 0),
              "正中": (0, 0), "正中央": (0, 0), "正中间": (0, 0), "正中心": (0, 0),
              "顶上": (0, -1), "底下": (0, 1),  # 从屏幕顶上往下飘, 沉到底下 (probe round 130): the top, the bottom
              "高处": (0, -1), "低处": (0, 1)}  # 从高处掉下来 (probe round 139): from up high
_ZH_PLACE_SUFFIX = ("", "方", "边", "侧", "面", "部", "角", "端", "半部", "方向", "边缘", "边界", "角落", "半边",
                    "部分", "头")
_ZH_DIR_VERBS = {"自上而下": (0, 1), "自下而上": (0, -1), "由上而下": (0, 1), "由下而上": (0, -1),
                 "自左而右": (1, 0), "自右而左": (-1, 0), "左右": None, "上下": None}
_ZH_PLACE_VERBS = {"左移": (-1, 0), "右移": (1, 0), "上移": (0, -1), "下移": (0, 1), "左行": (-1, 0),
                   "右行": (1, 0)}  # 右移 = 右 + 移, so 向右移 and 从上移动到下 split the same way
_ZH_UP = ("托起 向上升起 上升起 上升 升起 升高 爬升 飘升 攀升 上浮 升 浮起 浮上 飞升 腾空 升空 "
          "飘起来 飞起来 升起来 浮起来 飘上去 飞上去 浮上去 升上去 飘上来 浮上来 升上来 "
          "飞高高 飞得高高 飞到天上去 飞到天上")  # (children's 飞高高: fly up high — writer round 178)
_ZH_DOWN = ("下降 下落 落下 坠落 掉落 下沉 下坠 降落 沉降 滑落 落 掉 沉 坠 降 掉下 沉下 跌落 落向 "
            "掉下来 落下来 掉下去 落下去 沉下去 坠下来 坠下去")
_ZH_MOVE = ("开 开走 开过去 冒 砸 跌 挪挪 梭 梭过去 郁 郁动 行 移动 运动 移 动 滑动 滑行 滑 漂移 漂 飘 飘动 飘移 漂浮 飘浮 飞 飞行 飞去 前进 行进 行驶 走 走动 跑 "
            "奔 奔跑 溜达 溜 挪 挪动 平移 滚动 滚 游动 游 穿过 穿越 划过 掠过 经过 驶 驶去 去 前行 行走 "
            "移去 漂去 飘去 滑去 跑去 行 移过 飞过 飘过 滑过 行进着 游走 挪移 位移 跑动 滑移 推进 "
            "移向 走向 飞向 滑向 飘向 奔向 驶向 跑向 漂向 移往 平移到 运行 在动 动起来 移过去 滚去 过去 "
            # probe round 130: coming in (从右边进来, 从屏幕右边钻进来, 从左边飞入) — with its side, a move away from it;
            # alone (红球进来了) it gives no direction and is refused, like "flies in from the left" / "flies in"
            "进来 进入 钻进 钻进来 钻入 飞入 滑入 驶入 移入")
_ZH_FAST_VERBS = "猛冲 冲 冲向 冲去 冲过去 飞驰 疾驰 飞奔 狂奔 飞冲 急冲 窜 蹿 疾冲"
_ZH_SLOW_VERBS = "爬 爬行 蠕动 挪着 慢行 缓行 徐行"
_ZH_MOTIONS = {
    "still": "啥也不干就在那 啥也不干就待在那 啥也不干 啥也不用干 啥都不用干 什么也不用干 什么都不用干 啥也不用做 什么也不用做 什么都不用做 定喺度 定系度 企定定 企定定唔郁 乖乖待着不动 乖乖待着 冇得动 静置不动 企喺度 企系度 企住 啥子都不做 什么都不做 啥都不做 静到起 唔好郁 唔好动 莫动 莫要动 勿要动 勿动 甭动 立着不动 立着 搁那儿待着 搁那待着 搁那儿别动 搁那别动 保持住 保持住不动 站着不动 站着 站住 不用动 不要动 别动 待机 无运动 没有动作 唔郁 唔使郁 唔使动 冇郁 唔动 静止 静止不动 保持静止 保持不动 不动 一动不动 纹丝不动 静静 停着 停住 停留 停在 待在原地 待着 呆着 定在原地 定在 "
             "没有任何运动 没有任何移动 没有任何动作 没有运动 没有移动 "
             "留在原地 原地不动 固定不动 固定 没有移动 没有动 没动 不移动 不运动 静置 定住 保持原位 静止地 "
             "安静地待着 停驻 驻留 静立 待在 留在 位于原地 静止着 一直不动 不会动 不曾移动 静",
    "rotate": "转一转 转转 转一转儿 滴溜溜转 滴溜溜地转 滴溜溜 使劲转 转起走 转起 绕自身中心旋转 绕自身中心转 绕着自己转 绕自己转 绕着中心转 三百六十度 三百六十度全方位 360度 绕其中心旋转 绕其中心 转吓转吓 转下转下 转吓 旋转 转动 自转 打转 转 旋转着 原地旋转 原地转动 原地转圈 转来转去 绕自身旋转 绕中心旋转 自旋 旋 "
              "转个不停 转起来 转圈 转圈圈 原地转圈圈 原地打转 打转转 九十度 四分之一圈 转了四分之一圈 转了九十度 转九十度 "
              "一圈一圈地转 一圈一圈的转 一圈一圈转 一圈又一圈地转 一圈又一圈的转 一圈一圈地旋转 一圈一圈的旋转",  # (probe round 124)
    "grow": "被吹起来 吹起来 吹鼓 鼓起来 被吹大 吹大 "
            "变得好大好大 变得好大 好大好大 变大变大再变大 变得超级超级大 变得超级大 变得很大 变得非常大 被吹得越来越大 吹得越来越大 越吹越大 半径逐渐增大 半径增大 半径变大 变大 长大 增大 放大 膨胀 扩大 胀大 越变越大 越鼓越大 越胀越大 越涨越大 越撑越大 越来越大 变得越来越大 扩张 涨大 变得更大 逐渐变大 "
            "放大放大再放大 放大再放大 放大放大 越放越大 越来越大个 越嚟越大 变大个 越长越大 越长越大了 "
            "慢慢变大 渐渐变大 不断变大 由小变大 从小变大",
    "shrink": "漏气 泄气 漏了气 泄了气 瘪下去 瘪了下去 "
              "变小变小再变小 越缩越小 弄得越来越小 半径逐渐减小 半径减小 半径变小 缩小消失 缩小到消失 缩小直至消失 缩小到看不见 缩到消失 缩细 变细 越嚟越细 越来越细 变细个 缩细咗 变小 缩小 收缩 缩 越变越小 越来越小 变得越来越小 缩水 减小 变得更小 逐渐变小 慢慢变小 渐渐变小 "
              "不断变小 由大变小 从大变小 缩小了",
    "bounce": "满屏幕瞎蹦跶 瞎蹦跶 蹦跶 到处反弹 到处乱弹 来回撞 撞墙就弹回来 撞墙就弹回 在框里头来回撞 到处撞来撞去 到处撞 乱弹 到处弹 弹嚟弹去 弹跳 反弹 弹来弹去 蹦来蹦去 跳来跳去 碰壁反弹 撞墙反弹 来回弹跳 来回反弹 弹回 回弹 弹动 弹射 "
              "弹 弹着 乱弹 弹开 就弹开 到处乱弹 四处乱弹 到处乱撞 到处乱蹦 到处弹跳 "
              "四处弹跳 弹跳着 反弹着 蹦跳 四处碰撞 来回碰撞 撞来撞去 四处乱撞 乱撞 四处乱蹦 来回蹦跳 乱蹦 后反弹 "
              "后弹回 就弹回来 就反弹 弹回来 反弹回来 来回弹 来回地弹 到处弹 四处弹",
    "towards": "对撞 对撞那种 互相撞过去 撞过去 相互往拢走 互相往拢走 往拢走 往拢凑 往一块儿凑 往一块凑 打对脸儿往一块儿凑 面对面走过来 面对面走 面对面过来 相互吸过去 彼此吸过去 互相吸引 相互吸引 往对方那儿凑 往对方那凑 往对方凑 朝到对方走 朝到对方 面对面往一块撞 往一块撞 往一块儿撞 撞到一起 撞一起 撞在一起 撞一块儿 撞一块 撞到一块儿 撞到一块 相互靠近 彼此靠近 互相靠近 相向 相向而行 相向移动 相向运动 越来越近 越靠越近 渐渐靠近 朝彼此 向彼此 "
               "朝对方 向对方 朝着彼此 向着彼此 朝着对方 向着对方 相互接近 彼此接近 互相接近 相互靠拢 彼此靠拢 "
               "互相靠拢 对向移动 对向运动 面对面移动 迎面移动 相互趋近 彼此趋近 相对而行 相对移动 相对运动",
}
_ZH_APPROACH = ("往彼此的方向移动 往彼此的方向 朝彼此的方向 向彼此的方向 往对方那边走 往对方那边跑 往对方那边移动 往对方那边 朝对方那边走 朝对方那边 向对方那边 吸引 吸到一起 吸在一起 吸过去 吸过来 往对方那儿冲 往对方冲 朝对方冲 往对方那儿跑 往对方跑 朝对方跑 往一起靠 往一起凑 往一块靠 往一块儿靠 走拢 互相奔赴 双向奔赴 奔赴 对着开过来 对着开 开过来 靠过去 凑过去 朝对方靠过去 行埋一齐 行埋 埋一齐 行近 对着跑 对着冲 对着走 对着移动 对着飞 对冲 往一块儿走 往一块走 往一起走 往一块儿凑 凑到一块儿 凑一块 往中间靠拢 往中间靠近 往中间凑 往中间靠 距离越来越小 距离逐渐缩小 距离缩小 距离不断缩小 靠近 接近 靠拢 聚拢 汇聚 会聚 汇合 聚合 趋近 靠过来 凑近 拉近距离 缩短距离 距离缩短 距离越来越近 "
                 "走到一块 走到一块儿 走到一起 凑到一起 凑到一块")  # (probe round 113: 对着走 走到一块)
_ZH_REFUSE = {
    "颜色和速度跟它一样 颜色和速度和它一样 颜色跟它一样 颜色和它一样 颜色跟它相同 同样的颜色 一样的颜色 相同的颜色 相同颜色 同样颜色 同色 一样颜色 颜色一样":
        "'{w}' refers to another object's attribute; name it",
    "顺时针 逆时针 反时针": "rotation sense '{w}' is not judged",
    "向前 往前 朝前 向后 往后 朝后 横向移动 侧向 侧移 前后": "ambiguous direction '{w}'",
    "绕圈 画圈 兜圈 打圈 绕圈圈 摇晃 晃动 抖动 振动 震动 摆动 跳动 跳舞 跳 跳跃 闪烁 闪 渐隐 消失 淡出 "
    "淡入 变色 变形 翻转 翻滚 翻 摇摆 颤动 蹦 蹦蹦跳跳 绕 盘旋 环绕 打滚 碰撞 相撞 撞在一起 相遇 会合 交汇 "
    "擦肩而过 穿插 旋绕 波动 起伏 蛇行 之字形 曲折 分开 分离 散开 远离 相互远离 彼此远离 互相远离 背向而行 "
    "跟着 跟随 追随 一前一后 交换位置 互换位置 对调位置 追逐 追赶 追 拉开距离 越来越远 距离越来越远 渐行渐远": "unknown motion '{w}'",
    "像素风 像素风格 水彩 水彩风格 油画 油画风格 写实 写实风格 真实感 动漫风格 二次元 素描 手绘 赛博朋克 延时摄影":
        "look or timing '{w}' is not judged",
    "加速 减速 越来越快 越来越慢 变快 变慢 越走越快 越走越慢 越转越快 越转越慢 越跑越快 越跑越慢 越飞越快 越飞越慢 "
    "忽快忽慢 时快时慢 更快 更慢": "a change of speed ('{w}') is not judged",
    "不 没 没有 未 别 非 无 并非 不是 不会 不用 不必": "negation '{w}' is not judged",
    "然后 接着 随后 之后 以后 再 又 先 最后 后来 随即 紧接着 后 之前 以前 停下 停止 停下来 返回 回来 折返 往返 回到 "
    "直到": "a sequence of motions ('{w}') is not judged",
    "或 或者 还是 要么": "alternatives ('{w}') are not judged",
    "其中一个 其中之一 其中的一个 其中一只 其中一颗 其中某个 某一个 之一": "'{w}' does not say which object",
    "几个 多个 许多 很多 一些 若干 数个 一群 一堆 好几个 一排 一列 无数 一组 一串 一批 部分": "vague count '{w}' (say one, two or three)",
    "旁边 附近 里面 内部 之间 后面 前面 背后 周围 之上 之下 并排 "
    "叠在 重叠 相邻 挨着 紧挨 靠着 下面一个 下面有 下面还有 下方有 下方还有 两侧 两边": "relative position '{w}' is not judged",
    "空心 描边 轮廓 条纹 斑点 发光 闪亮 金属 立体 阴影 模糊 透明的 半个 一半 标志 图标 文字 写着 印着": "object appearance '{w}' is not judged",
    # 叉叉 (a doubled 叉, the mark for a wrong answer) is an X, not the world's upright cross (probe round 147;
    # round 172: 青色的叉叉❌); a lone 叉 stays the cross (round 97: 紫色的叉在自转)
    "叉叉 小叉叉 大叉叉 打叉叉": "'{w}' is an X, not the world's cross",
    "像素每秒 每秒": "'{w}' is not a speed this world can check (say 慢 or 快)",
    "由浅到深 由深到浅 从浅到深 从深到浅 由亮到暗 由暗到亮": "gradient shading '{w}' is not judged; say 竖直渐变 or 水平渐变",
    "大红": "'{w}' is ambiguous (scarlet, or large + red)",
    "镜头跟着 镜头跟随 镜头追随 镜头追着 跟拍 镜头移动 镜头推进 镜头拉远 镜头推近 镜头拉近 镜头平移 镜头旋转 镜头晃动 镜头摇动 "
    "镜头缩放 镜头放大 镜头缩小 推镜头 拉镜头 摇镜头 运镜": "camera motion '{w}': this world's camera never moves",
}
_ZH_FILLER = ("咋整啊 咋整 咋弄 咋搞 咋做的啊 咋做的 咋做 咋办 完事儿 完事 好靓嘅 好靓 唔该晒 唔该 谢谢侬 中不中 弹幕护体 介嘛玩意儿 介是嘛 嘛玩意儿 求教程 求素材 强烈的 强烈 粗糙的 粗糙 欢快的 欢快 海报感十足 海报感 稳重 自信 怀旧 沉思 色调低沉 低沉 伤感 上课演示用的 上课演示用 演示用的 演示用 超可爱那种 超可爱的那种 超可爱 别整花里胡哨的 别搞花里胡哨的 不要花里胡哨的 花里胡哨的 花里胡哨 作业要用 交作业用 做作业用 上课用 作业用 "
              "帮我做个直播背景 做个直播背景 直播背景 直播用 喜庆一点嘛 喜庆一点 喜庆 认形状用的 认形状用 认形状 是好朋友 好朋友 "
              "差不多就这样 差不多这样 可爱又温馨 可爱 安静地 安静 活泼俏皮 活泼 调皮地 调皮 温柔 温馨童趣 温馨 童趣 清新 明亮 浪漫 格外醒目 醒目 简约大方 色彩明快 明快 "
              "极具张力 张力 意境 内敛 高级 复古 精致 软软的 覆盖一层 覆盖着 覆盖 铺满 带有 细微的 细密的 轻微的 淡淡的 "
              "左侧较深 右侧较浅 左侧较浅 右侧较深 上方较深 下方较浅 上方较浅 下方较深 由深至浅 由浅至深 由浅入深 由深入浅 "
              "三原色搭配 三原色 共有 一共有 总共有 一升一降 一涨一缩 一升一落 最后变得非常小巧 最后变得很小 "
              "动作平稳顺滑 动作流畅干脆 动作流畅自然 动作流畅 动作平稳 动作轻盈 动作干脆 动作自然 动作 低饱和 高饱和 高对比 通透 "
              "舒展开来 舒展 温柔地 俏皮 适合儿童观看 色块分明 对比鲜明 撞色 简约克制 克制 "
              "没有任何移动或形变 没有多余的装饰元素 没有多余元素 无多余元素 "
              "能帮我 能不能帮我 可以帮我 能 嗨 哈喽 就这样 就这样吧 这样 对了 哦对了 对吧 "
              "急用 急需 着急用 加油 配上欢快的音乐 配点音乐 配上音乐 配音乐 "
              "还要 随机 可否 老朽 多谢多谢 变没了 boss话要 砰 "
              "色彩柔和 柔和温暖 柔和 温暖的 色彩温暖 温暖 宁静悠远 宁静 静谧 平静 极简主义 极简 稳定有力 有力 两者方向相反 "
              "方向相反 轻松愉快 轻松愉悦 愉悦 愉快 "
              "节奏舒缓 舒缓的 舒缓 轻快的节奏感 节奏感 富有节奏感 质感温和 温和 清爽利落 营造出 线条干净利落 线条流畅 线条简洁 "
              "柔和的 呈现 渐变过渡 过渡 由浓转淡 由深到浅 由浅到深 逐渐变浅 逐渐变淡 逐渐变亮 逐渐变暗 颜色逐渐变浅 颜色逐渐变淡 "
              "上深下浅 上浅下深 左深右浅 左浅右深 此起彼伏 "
              "细腻的 细腻 深邃的 鲜艳的 充满童趣 轻盈灵动 轻盈优雅 动感十足 干脆利落 "
              "开心的 快乐的 高兴的 伤心的 难过的 害羞的 骄傲的 调皮的 淘气的 顽皮的 可爱的 生气的 孤独的 勇敢的 好奇的 乖巧的 "
              "兴奋的 紧张的 无聊的 懒洋洋的 "
              # probe round 45: regional words (Chongqing, Tianjin, Hunan, Min, Xinjiang, Malaysia, Singapore, Taiwan, the north-east)
              "啥子都不要 巴适得很 巴适 嘛玩意儿都别整 介回 倍儿 出溜 亚克西 看起来好恰的那种 好恰的那种 好恰 嘎哈呢 嘎哈 嘎嘎 "
              "整个 窜 蹭 在屏幕头 给伊 阿伯要看 阿嬷要看 阿伯 阿嬷 朋友 罢了 酱子 酱 介叫捧哏逗哏 俩人儿 额 嫽得很 嫽 咧 采用 emo了 yyds 永不停止地 永不停止 永不停歇地 "
              # probe round 22: particles, fan and shop talk, slang, programmers' words
              "欸 齁 蹲 宝子们 谢谢宝子们 家人们 姐妹们 有没有姐妹会 老哥们 老铁们 亲 您 这边 那个那个 就是说 就是那个 "
              "xswl u1s1 yysy zs 就这 巴适得板 要得 挺好看的 美哭了 状态 特效 主体 做主图用 主图 少少 没了 "
              "在里头 里头 屏幕里头 画面里头 视频里头 屏幕里边 画面里边 视频里边 砍一刀 请确认 麻烦处理一下 处理一下 客户要求 为您生成 您要的是 视频中应包含 应包含 沿水平方向 "
              "水平方向 沿竖直方向 匀速 匀速地 不发生平移 不平移 绘 谢谢你啊 谢谢你 谢谢啊 emo了 一模一样的 一模一样 "
              "在屏幕空间里 在屏幕空间中 在屏幕空间内 屏幕空间里 屏幕空间中 屏幕空间 绕质心 绕着质心 绕其质心 绕它的质心 "  # (round 114)
              "俺 给俺 给孩子 给小朋友 给我家孩子 给 谢谢侬 侬 超级 要得不 噻 撒 好了 老妹儿 我想睇 睇 就得喇 一个劲儿 谢谢好人 恁 "
              "赶时间 安静地 "
              "四边 四面 碰到四边 俩人 两人 大家 大伙儿 大家注意 大家跟上 接下来 接下来是 下面是 下一个是 撞向四壁 撞向四周 "
              "撞向墙壁 撞向边缘 背景选 背景选一个 全方位展示 展示 开大招 招 给您推荐 推荐 稳稳当当 "
              "跟着看 眼睛跟着看 宝宝眼睛跟着看 短视频 一段短视频 小视频 框框 框框里 碰到边 碰到边就 碰墙壁 碰墙 碰壁 你好 您好 帮忙 帮忙生成 急需 急需一段 高级感 干净高级感 要干净高级感 "
              "活力 要有活力 有活力 嗯 嗯嗯 那儿 这儿 在那儿 在这儿 烦请 渲染 请渲染 道具 简约风 极简风 扁平风 无其他物体 "
              "没有其他物体 无其他元素 在同一个地方 同一个地方 在原处 原处 边界间 边界 边界之间 屏幕边界间 画面边界间 "
              "被 被设置成 被设定为 被设置为 被设为 就那么 那么 这么 "  # 被 (passive): 红色的圆被移到左边
              "整 来个 就行 就好 就可以 即可 就成 一下子 则 分别是 分别为 呗 吧 啦 呀 嘛 哈 哦 喔 咯 也 点 "
              "哎呀 哎哟 哎 唉 诶 欸 啊呀 哎呦 "  # (writer round 166: 哎呀不对 before a correction)
              # social-media framing: asking, thanking, exclaiming (求一个…的视频, 家人们, 救命, 绝了, yyds)
              "求 求一个 求个 求做 求做个 求大佬 求同款 求原视频 求助 求！ 有没有大佬能做 有没有大佬 有没有人能做 有没有人会做 "
              "有没有能做 有没有人 有人会吗 有人能做吗 大佬 家人们 家人们谁懂啊 谁懂啊 家人们帮帮忙 帮帮忙 救命 绝了 "
              "太可爱了吧 太可爱了 好可爱 好治愈 治愈 好魔性 魔性 太好看了吧 太好看了 好看 好解压 解压 看一天都不腻 "
              "这个氛围感 氛围感 就这么简单 简单就好 的那种 那种 谢谢 谢谢啦 感谢 拜托 拜托了 "
              "哈哈 哈哈哈 哈哈哈哈 嘿嘿 嘻嘻 呜呜 啊啊啊 啊 吗 呢 有没有 版 yyds 弹幕 弹幕护体 小红书同款 同款 抖音同款 动图 做个壁纸 壁纸 "
              "对比动图 做个对比 打字太快了 繁体打字见谅 简繁混用不要在意 见谅 不要在意 三个放一起 两个放一起 三个一起动 "
              "两个一起动 三个一起 两个一起 "
              # probe round 107 (short-video comments): hails to the streamer and the fans, laughs, cheers, what the
              # clip is for (手机壁纸, 片头, 垫字幕), the moment it is typed (深夜emo了) and asks to be messaged
              "主播主播 谢谢主播 主播 集美们 集美 前排 芜湖 绷不住了 绷不住 笑不活了 老铁没毛病 没毛病 这么难吗 这个配色绝了 配色绝了 "
              "这个需求很简单吧 这个需求很简单 需求很简单 很简单吧 做手机壁纸 手机壁纸 开黑视频片头 视频片头 片头 开黑 "
              "我拿来垫字幕 拿来垫字幕 垫字幕 求私信 私信 急急急 太治愈了叭 太治愈了 叭 深夜emo了 深夜 转发抽奖 抽奖 转发 "
              "求动画 求视频背景 求一个视频背景 视频背景 别整太花哨 别太花哨 不要太花哨 不用太花哨 太花哨 家主子 主子 加个小装饰 小装饰 ins风 头像背景 头像 "
              "上刷到的那种解压视频 上刷到的 刷到的 解压视频 就一个 别的都不要 nice qaq "
              # probe round 124: nothing else in the clip (别加其他东西), and only this asked (我只要一个…)
              "别加其他东西 别加其它东西 别加别的东西 别加别的 别加东西 不要加别的 不用加别的 不要加其他东西 别的不要 其他的不要 "
              "我只要 我只想要 只想要 "
              # probe round 117 (gamers, streamers): smooth (丝滑), the stream it opens, a hail to the bros, hype
              "丝滑 丝滑地 丝滑的 丝滑一点 直播间 直播间开场 兄弟 兄弟们 好燃 燃起来 整活 整活用 "
              # probe round 116 (slides and teaching materials): the courseware, its part, playback, a planned showing
              "课件 教学课件 课件配图 配图 演示文稿 幻灯片 环节 的环节 小组 播放 示意动画 示意图 拟展示 拟呈现 屏幕内 在屏幕内 作品集 展示页 开场 会议 儿歌 时使用 以自身中心为轴 以自身为轴 以中心为轴 以其中心为轴 进行 "
              # probe round 103 (Douyin, Bilibili, Xiaohongshu comments): cheers, asks, laughs and what the clip is for
              "素材 的素材 梗图 做梗图用的 做梗图用 鬼畜用 鬼畜开头 鬼畜 做表情包用 表情包用 表情包 蹲一个 蹲个 蹲蹲蹲 "
              "冲鸭 冲冲冲 来了来了 前方高能 绝绝子那种 绝绝子 少女心爆棚 少女心 怼脸那种 怼脸 治愈感 要那种治愈感 "
              "这个好难描述 好难描述 救救孩子 作业要 有无大佬做个 有无大佬 最好 谢谢宝 宝 这个必须安排 必须安排 好好看救命 "
              "好好看 感谢up主 up主 做壁纸 做头像框 头像框 我自己配 绝对笑死 笑死 但我就要 我就要 有点中二 中二 别问 问就是 "
              "就要这个效果 这个效果 谁家的 我就想要 就想要 速度正常就行 速度正常 正常速度 背景随便 小红书 小红书封面 封面 "
              "要发的 发朋友圈 朋友圈 音乐可视化 可视化 我要拿来做 要拿来做 拿来做 小红书封面用 封面用 配个 配一个 的感觉 "
              # probe round 105: hedges and wishes around a request (大概就是…吧, 可能要…, 类似那种…的感觉, 如果可以的话,
              # 要是…就太好了, 具体就是, 能不能给我看看)
              "大概是 大概就是 可能要 可能是 类似那种 类似于 类似 如果可以的话 可以的话 如果可以 如果能的话 要是可以的话 "
              "那就太好了 就太好了 太好了 具体就是 具体来说 具体是 具体地说 给我看看 看看 "
              # Cantonese: 郁 (move) is a verb below; particles and fillers
              "吖 喇 嘞 囉 啰 咩 噃 嘛 喺度 在度 喺 紧 咗 啲 埋 一齐 想要 整个 想 emmm emm hhh hhhh "
              "首先画 首先 再画 再加 再加一个 再放 再来 再来一个 然后再画 然后画 然后加 再生成 再添加 然后添加 添加 加一个 "  # 静止的就行: "(it) will do"
              "简洁 画面简洁 简洁的 画面简单 画面干净 "
              "镜头保持固定 镜头保持不动 镜头保持静止 机位保持固定 相机保持固定 相机固定 "
              "画面开始时 开始时 一开始 画面一开始 视频开始时 随着时间推移 随着时间的推移 随时间推移 随着时间流逝 "
              "镜头锁定 镜头锁定不动 机位锁定 光照均匀 光线均匀 光照柔和 光线柔和 光线明亮 光照明亮 光线充足 "
              "二维 二维动画 二维的 扁平化 扁平化二维动画 扁平化设计 扁平化的 矢量 矢量风格 矢量动画 动态图形 "
              "二维动态图形 动态图形风格 色彩鲜明 色彩明亮 色彩纯净 色彩鲜艳 色彩饱满 颜色鲜明 颜色鲜艳 颜色饱满 "
              "高对比度 对比度高 对比鲜明 边缘锐利 线条清晰 线条简洁 轮廓清晰 清爽 干净简洁 简洁明快 整体风格为 "
              "整体风格 风格为 风格是 整体为 整体 没有阴影 无阴影 没有任何阴影 不带阴影 画面干净 构图简洁 构图 "
              "鲜明 饱满 清晰的 像风车一样 像风车 像螺旋桨一样 像陀螺 干净利落 利落 扁平设计 设计 简约的 "
              "撞击画面的四周边缘 撞击画面边缘 撞击边缘 撞击四周边缘 撞击画面的边缘 撞到边缘 碰到边缘 四周边缘 "  # 整一个…的, 来个…: colloquial "make (me) one"
              "我需要 需要 能不能 能否 可不可以 可以 麻烦 麻烦你 劳驾 要 应该 会 放 放置 摆放 摆 使 "  # asking, placing
              "先画 先生成 先做 先来 然后让 接着让 再让 "  # 先画一个红色方块，然后让它向下移动: one motion
              # dense captions (Step-Video's own prompt style): style, edges, the whole clip, a fixed camera
              "卡通风格 卡通风格的 卡通 扁平插画风格 扁平插画 插画风格 动画风格 矢量风格 矢量图 动效 简单动画 风格 风格的 "
              "简约风格 简约风格的 简约 极简 极简风格 扁平风格 扁平 边缘清晰锐利 边缘清晰 清晰锐利 锐利 "
              "完全 彻底 保持 始终保持在画面中央 保持在画面中央 始终位于画面中央 位于画面中央 在视频过程中 视频过程中 "
              "在整个视频中 整个视频中 在整个过程中 整个过程中 持续整个视频 整个视频 从画面两侧 从两侧 画面两侧 "
              "镜头固定不动 镜头固定 镜头静止 镜头不动 固定镜头 机位固定 "
              "电影感 电影级 电影质感 电影画面 高清 超清 超高清 高画质 高质量 画质 精美 唯美 细节丰富 大片 "
              "视频中 视频里 视频里面 视频内 画面中 画面里 画面里面 画面上 画面内 画面之中 图片中 图片里 图中 图里 图像中 "
              "镜头中 镜头里 镜头下 屏幕上 屏幕中 屏幕里 场景中 场景里 可以看到 能看到 看到 可见 看见 我们看到 我们可以看到 "
              "只见 出现 出现了 出现在 展示 展示了 展现 显示 显示了 呈现 呈现出 描绘 描绘了 请 请生成 生成 绘制 制作 "
              "一段 这段 该段 这是 这里 那里 此处 正在 不停地 不停 不断 不断地 持续 持续地 始终 一直 一路 径直 直直 "
              "笔直 平稳 稳稳 稳定 匀速 平缓 平滑 顺滑 流畅 轻轻 静静地 逐渐 渐渐 逐步 慢慢地就 缓缓地就 自己 自身 "
              "它自己 一起 一同 共同 同时 整个 全程 始终如一 仅 只 只有 仅有 就 刚好 恰好 正好 单独 孤零零 "
              "墙壁间 墙间 边框间 四壁间 在原地 原地 墙壁之间 墙壁 边缘之间 边缘 边框 四壁 墙 四周 四处 碰到 撞到 撞上 碰到墙壁 "
              "撞到墙壁 整体 一下 一点 起来 下去 向前移动着 很 非常 十分 特别 相当 比较 有点 稍微 "
              "颜色 颜色为 颜色是 的颜色 色彩 纯粹 简单的 简单 清晰 清楚 明显 画 出 来 过来 速度 得 速度是 移动速度 "
               "内容 内容是 帮我 给我 为我 我想要的是 我想看到的是 我要的是 我需要的是 我想要 我要 我想 想要 做 做一段 一张 一幅 一部 一则 这张 这幅 插图 简笔画 插画 "
               "随着视频播放 随着画面推进 随着动画播放 视频播放时 动画播放时 随着 个头 尺寸 体积 大小 照片上 图片上 图像上 "
               "图上 画上 上面有 上面是 四壁之间 边框之间 墙之间 小动画 一个小动画 简单动画 一段动画 一段简单的动画 "
               "细微的 细微 淡淡的 淡淡 轻微的 轻微 看 就 便 一直在 还在 在不停地 完全 丝毫 始终都 一样地 视频内容 画面内容 "
               "一段距离 一小段距离 一段路 下一期 下期 下一集 "
               # prompt-tool habits (probe rounds 29-31): playback, the tool and the channel, quality boosters
               "开个 开一个 开了个 "  # 开 moves (往左开: drives left); 开个方子 makes one
               "挂着 挂在那里 挂在那 悬着 悬在那里 悬在空中 杵着 杵在那 "  # 像灯笼一样挂着不动: hanging there, (not moving)
               "循环 无缝循环 循环播放 杰作 最高画质 最佳画质 最佳质量 超清细节 细节 超精细 超级精细 精细 大师级 大师作品 竖屏 横屏 抖音竖屏 "
               "抖音 快手 可灵 即梦 通义万相 海螺 固定机位 机位 全景 中景 远景 帧率 帧 无文字 无字幕 无水印 不要文字 "
               "不要别的东西 不要其他东西 不要别的 留白感 留白 日系简约 日系风 日系 小清新 清新风 清新 时长 唔好郁个镜头 唔好郁镜头 唔郁镜头 不要任何文字 无多余元素 无多余物体 没有多余元素 不要添加其他元素 "
               "避免出现文字 豆包 文心一言 通义千问 "
               "小朋友 小朋友们 小朋友喜欢的 小朋友喜欢 小孩子 小孩 小宝宝 小宝贝 "
               "小学 小学生 中学 大学 大学生 小学老师 大班 小班 "  # (我是小学老师: a school, no size; probe round 101)
               "光影 电影感光影 超清画质 高清画质 画质超清 大师级作品 作品 高饱和度 高饱和 饱和度拉满 质感拉满 拉满 温柔氛围感 "
               "不要水印 没有文字 没有水印 不要字幕 动效风格 "
               # probe round 96: quality and style tags in Chinese (高品质, 高分辨率, 平面设计); 3D渲染, C4D, OC渲染, 写实
               # and 虚幻引擎 ask for a look the world lacks and stay refused
               "高品质 最高品质 顶级品质 最佳品质 品质 高分辨率 超高分辨率 分辨率 精品 极致细节 高细节 平面设计 商业插画 "
               "参数 视频参数 技术参数 规格 视频规格 "  # (probe round 128: 参数：24fps，4秒，2K，横屏)
               "让 使 使得 令 要让 请让 就让")  # causatives: 画一个红色的圆，让它向右移动 = draw it, and it moves right
# courtesy, who it is for, and dialect fillers around a request (read past)
_ZH_COURTESY = ("孩子想看 我家孩子想看 宝宝想看 小孩想看 娃想看 儿子想看 女儿想看 有没有可能 有没有办法 您好 你好呀 打扰了 打扰一下 打扰您了 不好意思 不好意思又来麻烦您了 又来麻烦您了 麻烦您了 麻烦您 辛苦您了 辛苦了 "
                "非常感谢 万分感谢 非常感谢您 感谢您 谢谢您 多谢 谢啦 抽出宝贵时间 宝贵时间 非常感谢您的耐心 感谢您的耐心 耐心 "
                "尊敬的 尊敬的开发者您好 开发者 请问 请问能否 如有不便请见谅 如有不便 请见谅 亲 亲亲 亲爱的 家人们 那啥 那个啥 "
                "赶紧的 赶紧 快点出 随便 随便一个 这个怎么用啊 这个怎么用 怎么用 怎么弄 同学们 同学们看 小朋友们 大家看 看下 看一下 "
                "效果 的效果 演示用 演示 转场用 转场 作业用 物理作业要的 物理作业 补色对比 vlog风 不用管 就可以了 即可 可以吗 "
                "好吗 行吗 中不中 妥 再整个 再整一个 再来个 再弄个 再搞个 再弄一个 这次 想请您帮忙做 想请您帮忙 请您帮忙 "
                "唔该 面对面 杵那儿 杵那 杵着 全等 小朋友看的 变得好大好大 安逸 莫得背景要求 绝绝子 家人们看好了 看好了 "
                "安排上 安排 嘹咋咧 古锥 杠赛来 杠赛 齐活 得嘞 甭整那花里胡哨的 花里胡哨 抓眼球 要抓眼球 累了 "
                "体现稳重 形成补色对比 配色走极简 阿嬷说要 阿嬷想看 阿嬷 u1s1 yysy 哒 咯 嘛也别说了 "
                "请您 想请您 帮忙做 要有爆发力 爆发力 风 那种 弄成 做成 搞成 整成 背景用 颜色用 用的是 质感 满屏 悄悄 不息 不止 不休 "
                "氛围感拉满 爆款 爆款提示词 提示词 超治愈 就行了 就得 四面墙 四面墙上 墙上 产生 请产生 三原色 原色 吹气球 在吹气球 好像在吹气球 像在吹气球  你能让 你能 你可以 你能不能 你帮我 你给我 "
                "无颜色要求 颜色不限 颜色随意 颜色无所谓 任意颜色 颜色随便 "
                "我想麻烦您帮我 我想麻烦您 帮我生成 帮我做 给我整 给我弄 给我搞 弄 搞 弄个 搞个 整个 整一个 叫它 叫 "
                "被推着 被拖着 推着 拖着 使劲 疯狂 坚持 咁 地咁 搁那儿 搁那 框里 在框里 在框里头 "
                "沿同一直线 沿直线 同一直线 像气球一样 像气球似的 像吹气球一样 像弹球一样 像皮球一样 像雕像一样 上面放 上面有 上面是 "
                "我家娃 家娃 给娃 给娃做个动画 做个动画 娃喜欢看这个 娃喜欢 宝宝喜欢 宝宝爱看 我儿子说要 儿子说要 儿子要 女儿要 他说要 她说要 我孙子 给我孙子 孙子 我孙女 给我孙女 给孙女 给外孙女 给外孙 "
                "孙女要看 孙子要看 外孙女要看 外孙要看 宝宝要看 孩子要看 "  # (writer round 178: 孙女要看紫色的大星星转圈)
                # writer round 166: who asked for it (孙女说要紫色的: the purple is still the request)
                "孙女说 孙女说要 孙子说 孙子说要 外孙女说 外孙女说要 女儿说 女儿说要 儿子说 闺女说 闺女说要 孩子说 孩子说要 宝宝说 宝宝说要 "
                # probe round 113 (retirees, shop owners): who asks and where it plays (老伴要…, 给我们跳舞的大屏做个),
                # a blessing for the helper (好人一生平安)
                "老伴 老伴要 我老伴 给老伴 给我们 跳舞的大屏 跳广场舞的大屏 好人一生平安 一生平安 想放个东西 放个东西 想放点东西 "
                "放点东西 "
                # probe round 119 (Hong Kong, Taiwan, Malaysia): who it is for in Cantonese (俾个仔睇 / 给个女睇, 个女话要睇:
                # my son / daughter is to watch it, says she wants it), a thanks' 晒 (唔该晒, 多谢晒), boredom (好闷呀)
                "给个仔睇 给个女睇 给个仔看 给个女看 给仔仔睇 给囡囡睇 个女话要 个仔话要 我个女话要 我个仔话要 个女话 个仔话 "
                "唔该晒 多谢晒 好闷 好闷呀 "
                # probe round 125: a question asked first (想问下可以做…吗, 我想问一下…)
                "想问下 想问一下 想问问 我想问下 我想问一下 问下 问一下 "
                # probe round 127 (vivid everyday Chinese): how cute or sleepy it is (可爱死了, 看着犯困), a child's
                # good manners (乖乖待着别动), "to begin with" (开头要…)
                "可爱死了 可爱死啦 萌死了 看着犯困 看着就犯困 犯困 乖乖地 乖乖 开头要 开头就要")
_ZH_STOP = ("的 地 着 了 过 在 是 为 和 与 有 里 中 之 所 其 个 只 颗 枚 块 粒 条 张 片 团 形状的 样子 一样 似的 般 一边 "
            "把 将")  # 把/将 + object + verb: "把一个橙色的菱形往上移"


def zh_lexicon() -> dict[str, Entry]:
    """Chinese phrase -> tokens (longest match wins, so 三角形 is a shape, not 三 + 角 + 形)."""
    lex: dict[str, Entry] = {}

    def put(kind: str, value, phrases: str) -> None:
        for p in phrases.split():
            lex[p] = ((kind, value),)

    put("stop", None, _ZH_STOP)
    put("filler", None, _ZH_FILLER)
    put("filler", None, _ZH_COURTESY)
    for n, chars in {1: "一 单", 2: "两 二 俩 2", 3: "三 仨 3"}.items():
        for c in chars.split():
            lex[c] = (("count", n),)
            for m in "个只颗枚块粒条片团座":
                lex[c + m] = (("count", n),)
    lex["一对"] = lex["一双"] = (("count", 2),)
    for c, n in (("一", 1), ("两", 2), ("三", 3)):  # 一个头很大的 = 一个 + (个)头很大的: big
        lex[c + "个头"] = (("count", n),)
    lex["单个"] = (("count", 1),)
    for m in "个只颗枚块粒条片团座":  # 另一个红色的圆: another (one more object)
        lex["另一" + m] = lex["另外一" + m] = (("count", 1),)
    for c in "四五六七八九十百千万零":
        lex[c] = (("bigcount", None),)
        for m in "个只颗枚块粒条片团座":
            lex[c + m] = (("bigcount", None),)
    for c, z in COLOR_ZH.items():
        ch = _ZH_COLOR_CHARS[c]
        for w in (z, ch, ch + "的", z + "的", ch + "颜色", ch + "颜色的", ch + "色系"):
            lex[w] = (("color", c),)
        for bg in ("底", "底色", "色底"):  # 白底 (white ground) reads as colour + background
            for at in ("", "上", "中", "里", "下", "前", "之上"):
                lex[ch + bg + at] = (("color", c), ("bgword", None))
    lex["粉红"] = lex["粉红色"] = lex["粉红色的"] = (("color", "pink"),)
    for c, ch in _ZH_COLOR_CHARS.items():  # 小黑点, 一个红点: a dot of that colour (a lone 点 is "a bit")
        lex[ch + "点"] = lex[ch + "点点"] = lex[ch + "色点"] = (("color", c), ("shape", ("circle", None)))
    lex["大红色"] = lex["大红色的"] = (("color", "red"),)  # the colour scarlet; bare 大红 stays ambiguous
    lex["紫罗兰色"] = lex["紫罗兰"] = (("color", "purple"),)
    lex["橘色"] = lex["橘黄色"] = (("color", "orange"),)
    lex["灰白色"] = lex["灰白"] = (("badcolor", None),)
    lex["青绿色"] = (("badcolor", None),)
    put("badcolor", None, ZH_BAD_COLORS)
    put("shade", None, ZH_SHADES)
    for c, words in ZH_SHADE_COLORS.items():
        for w in words.split():
            for form in (w, w + "的", w.removesuffix("色")):  # 深红色, 深红色的, 深红
                lex[form] = (("color", c),)
    for s, words in _ZH_SHAPES.items():
        for w in words.split():
            lex[w] = (("shape", (s, None)),)
    put("badshape", None, ZH_BAD_SHAPES)
    put("head", None, _ZH_HEADS)
    for s, words in _ZH_SIZES.items():
        put("size", s, words)
    for m, words in _ZH_CMP.items():
        put("cmp", m, words)
    for s, words in _ZH_SPEEDS.items():
        for w in words.split():
            lex[w] = lex[w + "地"] = (("speed", s),)
    for w, v in _ZH_PLACES.items():
        for suf in _ZH_PLACE_SUFFIX:
            for pre in ("", "画面", "屏幕", "画面的", "屏幕的", "场景", "图片", "视频"):  # 画面中央 beats 画面中 + 央
                if pre + w + suf not in lex:
                    lex[pre + w + suf] = (("place", v),)
    for w, v in _ZH_DIR_VERBS.items():
        lex[w] = (("dir", v),)
    for w, v in _ZH_PLACE_VERBS.items():
        lex[w] = (("place", v), ("verb", True))
    lex["一下移"] = (("count", 1), ("place", (0, 1)), ("verb", True))  # 一下移的橙十字: 一 + 下移, not 一下 (a bit)
    put("vverb", -1, _ZH_UP)
    put("vverb", 1, _ZH_DOWN)
    for w in _ZH_MOVE.split():
        lex[w] = (("verb", w in ("移动", "运动", "移", "动", "在动")),)
    for w in ("直线运动", "直线移动", "直线平移"):  # 匀速直线运动: physics' uniform linear motion (probe round 111)
        lex[w] = (("verb", True),)
    for m, words in _ZH_MOTIONS.items():
        put("motion", m, words)
    for w in STILL_IN_PLACE:  # 不用跑 (probe round 130)
        if not w.isascii():
            lex[w] = (("motion", "still"),)
    put("approach", None, _ZH_APPROACH)
    put("mutual", None, "彼此 相互 互相 对方 互相之间 彼此之间")
    put("backforth", None, "来回 来来回回 来回地 往复")
    put("diag", None, "斜 斜着 斜向 斜线 对角 对角线 沿对角线 斜斜地 斜角")
    for words, reason in _ZH_REFUSE.items():
        put("refuse", reason, words)
    put("respectively", None, "分别 各自 各自地 分别地 依次")
    put("correction", None, "我说的是 不对不对我说的是 我是说 我的意思是 我说错了 不对 不对不对 还是换成 还是改成 算了换成 算了还是 算了 哦不 哦不对 改成 改为 应该是 更正 说错了 不好看 不太好看 不喜欢 不行")  # 分别向左、向上、向右移动
    put("rest", None, "其他的 其他 其余的 其余 剩下的 剩下两个 另外两个 别的")
    for idx, words in ((0, "前者 第一个 第一只 第一颗"), (1, "第二个 第二只 第二颗"), (2, "第三个 第三只 第三颗"),
                       (-1, "后者 最后一个 最后一只")):
        put("nth", idx, words)
    for w, roles in {"向": ("dir",), "往": ("dir",), "朝": ("dir",), "朝着": ("dir",), "向着": ("dir",),
                     "往着": ("dir",), "冲着": ("dir",), "到": ("dest",), "至": ("dest",), "到达": ("dest",),
                     "移到": ("dest",), "移至": ("dest",), "直到": ("dest",),
                     **dict.fromkeys(("最后停在", "最终停在", "最后到达", "最终到达", "最后落在", "最终落在", "最后停到",
                                      "最终来到", "最后来到", "最后到了", "最后到"), ("dest",)),  # (停在 alone: still)
                     "从": ("src",), "自": ("src",),
                     "由": ("src",), "在": ("loc", "bg"), "于": ("loc",), "位于": ("loc",), "处于": ("loc",),
                     "以": ("bg",)}.items():
        lex[w] = (("prep", roles),)
    put("bgword", None, "背景要 背景要是 背景度 背景用 背景使用 背景选用 背景 背景色 背景颜色 底色 背景上 背景中 背景里 背景下 背景前 背景之上 背景之中 背景上面 "
                        "背景里面 背景前面 背景当中 衬底 底板 背景板 画布 底色 底色用 底色要 底色选用")  # 底色用深蓝色的 (round 133)
    for w, k in {"纯": "solid", "纯色": "solid", "单色": "solid", "单一": "solid", "单一的": "solid",
                 "素色": "solid", "均匀": "solid", "均匀的": "solid", "纯净": "solid", "带纹理的": "texture",
                 "有纹理的": "texture", "带纹理": "texture", "有纹理": "texture", "带有纹理的": "texture",
                 "纹理状": "texture", "带有纹理": "texture", "有质感的": "texture", "斑驳": "texture",
                 "斑驳的": "texture", "带噪点的": "texture", "带颗粒纹理的": "texture", "带噪点纹理的": "texture",
                 "带颗粒纹理": "texture", "带噪点纹理": "texture", "颗粒纹理": "texture", "噪点纹理": "texture",
                 "带颗粒的": "texture", "带颗粒感的": "texture", "颗粒感": "texture", "有颗粒感的": "texture",
                 "带噪点": "texture", "噪点": "texture", "有噪点的": "texture", "有花纹的": "texture",
                 "带花纹的": "texture", "花纹": "texture",
                 # a frosted (磨砂) finish is a texture (probe round 101: 磨砂的黑色)
                 "磨砂": "texture", "磨砂的": "texture", "磨砂感": "texture", "磨砂感的": "texture",
                 "有颗粒感": "texture", "带颗粒感": "texture"}.items():
        lex[w] = (("bgkind", (k, False)),)
    put("bgkind", ("solid", False), "无任何图案或渐变 无图案或渐变 无任何图案 无任何纹理 无图案 无渐变 无纹理 没有任何纹理 "
                                    "没有纹理 没有渐变 没有任何图案")  # "纯白色，无任何图案或渐变": a solid background
    lex["纯色底"] = lex["纯色的底"] = (("bgkind", ("solid", False)), ("bgword", None))  # 墨黑色纯色底: a solid ground
    for at in ("", "上", "里", "之上"):  # 黑色纹理底, 粉色渐变底上 (probe round 107): a textured or gradient ground
        lex["纹理底" + at] = (("bgkind", ("texture", True)), ("bgword", None))
        lex["渐变底" + at] = (("bgkind", (None, True)), ("bgword", None))
    for w in ("纸张纹理", "纸张颗粒纹理", "磨砂纹理", "网格纹理", "纸纹", "颗粒质感", "噪点质感", "磨砂质感"):  # (probe round 65)
        lex[w] = (("bgkind", ("texture", True)),)
    for w, k in {"竖直渐变": "vgradient", "垂直渐变": "vgradient", "上下渐变": "vgradient", "纵向渐变": "vgradient",
                 "竖向渐变": "vgradient", "水平渐变": "hgradient", "左右渐变": "hgradient", "横向渐变": "hgradient",
                 "渐变": None, "渐变色": None, "纹理": "texture", "纹路": "texture", "纹理感": "texture", "纹理感的": "texture"}.items():
        lex[w] = (("bgkind", (k, True)),)
        if "渐变" in w:  # 渐层 (Taiwan): a gradient
            lex[w.replace("渐变", "渐层")] = lex[w]
    put("bgaxis", "v", "竖直方向的 垂直方向的 竖直方向 垂直方向 纵向的 竖直 垂直 纵向 竖向 上下方向 沿着竖直方向 沿竖直方向 沿着垂直方向 沿垂直方向 沿着纵向 沿纵向")
    put("bgaxis", "h", "水平方向的 水平方向 横向的 水平 横向 左右方向 沿着水平方向 沿水平方向 沿着水平线 沿水平线 沿着横向 沿横向")
    put("conj", None, "和 与 跟 同 及 以及 并且 而且 加上 并 加 外加 再加上 配 配上")  # 粉色背景配白色五角星 (probe round 142)
    put("cconj", None, "还有 而 另外 另有 此外 同时 与此同时 另一方面 旁边还有 另外还有 还有一个 中间还有 中间有 中央还有 "
                       "中央有 正中间有 正中间还有 但 但是")  # 背景也是橙色的，但要有纹理 (probe round 142): "but", as in English
    put("together", None, "一起 一同 一块儿 一道")
    for w in _ZH_FAST_VERBS.split():
        lex[w] = (("verb", "fast"),)
    for w in _ZH_SLOW_VERBS.split():
        lex[w] = (("verb", "slow"),)
    for w, axis in {"上浅下深": "v", "上深下浅": "v", "上亮下暗": "v", "上暗下亮": "v", "左浅右深": "h",
                    "左深右浅": "h", "左亮右暗": "h", "左暗右亮": "h"}.items():
        lex[w] = (("bgkind", (axis + "gradient", False)),)
    put("bgmod", None, "细微 细微的 淡淡 淡淡的 轻微 轻微的 带有细微 有淡淡 干净 干净的 纯净 纯净的 鲜艳 鲜艳的 明亮 "
                       "明亮的 鲜明的 亮丽的 饱满的 带有 带 有着")  # 背景为鲜艳的红色，带有轻微的纹理
    put("pronoun", False, "它")  # the value: plural
    put("pronoun", True, "它们 他们 她们 两者 二者 三者 都 均 全都 全部 各自 两个都 三个都 这两个 这三个 二者都 "
                         "两者都 它俩 仨都 俩都 三个全都 两个全都 三个一起 两个一起 俩一起 仨一起")
    put("definite", None, "这个 那个 该 这 那 这些 那些 此 这颗 那颗 这只 那只 这枚 这块 那块")
    put("link", None, "是 为 呈 呈现为 颜色是 颜色为 显示为 染成 涂成 整成 弄成 做成 搞成 换成 改成 设成 设为 设置为 设置成 "
                      "给我整成 给我弄成 给我做成")
    put("media", None, "视频 画面 图片 图像 动画 影片 镜头 场景 屏幕 短片 片段 影像 照片 图 "
                       "样本 样片 小样")  # (probe round 128: 要一个3秒的样本)
    lex["有"] = (("stop", None),)
    for p in "，,":
        lex[p] = (("sep", False),)
    lex["、"] = (("conj", None),)
    for p in "。.；;！!？?\n…":
        lex[p] = (("sep", True),)
    lex["："] = lex[":"] = (("link", None),)
    return lex
