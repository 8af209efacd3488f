"""Word lists for the rule-based extractor. They describe the genre (Chinese government work speeches
and reports), not any particular text: obligation markers, words that merely contain 要, past-tense
markers, attitude vocabulary, section headings, and the heads of unit, place and post names."""

from __future__ import annotations

import re

# --- obligation ----------------------------------------------------------------------------------------------

# Markers that make a sentence directive on their own, longest first. 确保/力争/力求/抓紧 also serve as
# purpose clauses in reports (…, 确保项目顺利推进), so they count as "purpose" markers (see obligation.py).
MODAL_MARKERS = ("务必", "必须", "务求", "务要", "一定要", "一定不要", "责成", "限期", "严禁", "不得", "切勿", "决不能")
PURPOSE_MARKERS = ("确保", "力争", "力求", "抓紧")

# Words in which 要 is not the modal verb "must/shall".
NOT_MODAL_YAO = (
    "重要",
    "主要",
    "需要",
    "只要",
    "想要",
    "将要",
    "快要",
    "首要",
    "必要",
    "紧要",
    "扼要",
    "简要",
    "提要",
    "概要",
    "摘要",
    "纪要",
    "纲要",
    "要素",
    "要求",
    "要点",
    "要件",
    "要害",
    "要闻",
    "要么",
    "要是",
    "要不然",
    "要不是",
    "不要紧",
    "要的是",
)
# "X就是要Y" / "目的是要" explain rather than direct.
EXPLANATORY_YAO = re.compile(r"(?:就是|目的是|意思是|最终是|关键是|根本是|核心是)要$|(?<![要])是要$")
EXISTENTIAL_YAO = re.compile(r"有[^,。;]{0,12}要(?:做|干|办)")  # 还有很多工作要做: there is work to do
NEED_MODAL = re.compile(r"(?:都|均|还|也|更|仍|必|一律)需要")
NOT_PLEASE = ("请示", "请求", "请假", "请教", "请柬", "请进来", "请来", "请愿", "请缨", "请辞", "请进")
HOPE_GENERIC = re.compile(r"^希望(?:大家|同志们|我们(?:参加会议的)?全体同志|全体同志|各位)")
RESPONSIBLE = re.compile(
    r"由(?P<who>[^,。;:!?]{1,30}?)(?:同志)?(?P<verb>牵头负责|具体负责|负责|牵头|主办|承办|组织实施)"
)
CONSTRAINT = re.compile(r"(?:不能|不应|不得|不宜)(?:低于|少于|超过|高于|突破)")
# Minutes and notices: 会议决定/会议要求/要求各县… direct as much as 要 does.
DECISION = re.compile(
    r"(?:会议|会上|会议研究)(?:决定|议定|同意|明确|要求|责成)|(?:^|(?<=[,。;:]))(?:并)?要求(?=[,:]|各|全|市|县|区|有关|相关)"
)
# "市商务局负责," / "市发改委牵头," : a clause that is an owner and a duty verb.
DUTY_CLAUSE = re.compile(
    r"(?:^|(?<=[,。;:]))(?P<who>[^,。;:由]{2,20}?)(?P<verb>牵头负责|具体负责|负责|牵头|主办)(?=[,。;]|$)"
)
HELPERS = re.compile(
    r"会同(?P<with>[^,。;]{2,30}?)(?=[,。;]|共同|一起|研究|制定|拿出|抓好|做好|$)"
    r"|(?:^|(?<=[,。;:]))(?P<help>[^,。;:]{2,30}?)(?:等部门|等单位)?(?:配合|协助|协办)(?=[,。;]|$)"
)
GOAL = re.compile(r"目标(?:任务)?是")

# --- tense and mood ------------------------------------------------------------------------------------------

PAST = re.compile(
    r"已经|(?<![而])已(?!有的)|曾经|(?<![为除不罢极])了(?![解不得])|去年|前年|上年|近年来|以来|先后|相继|累计|同比|截至|截止|"
    r"刚才"
)
PAST_TIME = re.compile(r"去年|前年|上年|近年来|以来|刚才|截至|截止|过去")
# Completed aspect inside the clause of an obligation word: that clause reports, it does not direct.
PAST_ASPECT = re.compile(r"已经|(?<![而])已(?!有的)|曾经|(?<![为除不罢极])了(?![解不得])")
QUESTION_END = re.compile(r"[??]$")
EXPLANATION = re.compile(r"^(?:所谓|也就是说|换句话说|比如|例如|这就是|这是|这也是(?!我市))")

# Relayed speech: a higher authority's instruction passed on by the speaker (总书记强调指出, 省长在讲话中
# 指出), or a colleague's words at the same meeting (刚才,玉民副市长讲到). The meeting's own leader as
# reported in minutes or news ("会议强调", "杨俊强调,要…") is not relayed: those are the meeting's decisions.
REPORTED = re.compile(
    r"(?:(?:总书记|习近平|总理|党中央|中央|国务院|省委|省政府|省长|副省长|部长)[^,。;:]{0,24}?"
    r"(?:指出|强调|讲到|谈到|提到|说|表示)(?:指出)?[,:]"
    r"|刚才,?[^,。;:]{1,12}?(?:讲到|提到|谈到|讲了)[,:])"
)
FIRST_PERSON = re.compile(r"我们|我市|我县|我区|我乡|我镇|咱们|我(?!国|省)")
RELAY_INTRO = re.compile(r"传达(?:一下)?|在讲话中")

# Attitude, awareness and style: directives about these assign no checkable work. MENTAL words ask for
# a state of mind; GENERIC ones for diligence or results in general (抓好落实, 取得实效).
MENTAL = re.compile(
    r"意识|理念|观念|信心|决心|认识|定力|使命感|责任感|紧迫感|危机感|荣誉感|精神|作风|思想|头脑|斗志|干劲|劲头|"
    r"态度|姿态|初心|使命|政治|纪律|忠诚|干净|廉洁|底线|红线|热情|积极性|主动性|创造性|清醒|辩证|领会|看到|看重|"
    r"看待|对待|考虑到|着眼于|著眼于|担子|骨头|心浮气躁|精益求精|尽善尽美|平常心|共识|氛围|风气|习惯|规矩|本领|"
    r"能力|水平|表率|标杆|榜样|答卷|奋斗|拼搏|奉献"
)
GENERIC = re.compile(
    r"担当|敢为|善为|有为|作为|实干|落实|实效|成效|效果|效率|效能|见效|出彩|争先|赶超|一流|卓越|统筹兼顾|弹钢琴|"
    r"一盘棋|切入点|着力点|著力点|思路|重中之重|总抓手|主抓手|首位|位置|导向|原则|大局|全局|行动起来|契机|起点|"
    r"方向|动力|活力|后劲|优势"
)
ATTITUDE = re.compile(f"{MENTAL.pattern}|{GENERIC.pattern}")
# Awareness words in a subheading: the sentences under "第一,必须深刻认识到…" are not work.
AWARENESS = re.compile(
    r"认识|意识|理念|观念|信心|决心|精神|作风|思想|头脑|斗志|干劲|态度|担当|本领|能力|水平|效能|效率|氛围|共识|定力"
)
# 把重点项目抓好建好: a directive without a modal verb.
BA_RESULT = re.compile(r"把(?P<what>[^,。;把]{2,24}?)(?P<verb>抓|做|建|办|管|用|落实|完成|争取|推进)好(?![了的])")
CONCRETE = re.compile(
    r"工程|规划|方案|计划|台账|清单|报告|制度|机制|平台|园区|产业园|工业园|开发区|基地|专班|例会|活动|政策|"
    r"综合体|大厦|港|口岸|保税|铁路|航运|快速路|大道|校区|集聚区|商务区|度假村|水利|解决|责任制|包保|违纪|违法|"
    r"土地|验收|开工|竣工|投产|签约|招商|排查|整改|监测|预案|通报|督查|督办|考核|评议|观摩|培训|调研|挂牌|申报|"
    r"报送|上报|审批|手续|改造|创建|设立|成立|组建|编制|制定|出台|印发|召开|举办|举行|开展|组织|建立|修订|清理|"
    r"处置|化解|打击|查处|追究|问责|摸排|盘活|消除|防治|供应|学院|图谱|改革|试点|攻坚战|保卫战|枢纽|高铁|机场|"
    r"公路|管网|污水|学校|校区|医院|公寓|楼盘|集资|信访|防汛|安全|除草|造林|麦田"
)

# --- headings and sections ------------------------------------------------------------------------------------

ENUMERATOR = re.compile(
    r"^(?:第[一二三四五六七八九十\d]+(?:句话|篇|章|节|部分|条|点)?[,、.:]?|[一二三四五六七八九十]+[、.]|"
    r"[((][一二三四五六七八九十\d]+[))]|\d+[、.]|[一二三四五六七八九十]+(?=是|要|比|抓|在))"
)
TITLE = re.compile(r"^(?:第[一二三四五六七八九十\d]+篇|【篇[一二三四五六七八九十\d]+】)")
REPORT_INTRO = re.compile(r"(?:总结|汇报|报告)如下|(?:情况|工作)(?:的)?(?:汇报|报告|总结)$")
RETROSPECTIVE_HEADING = re.compile(
    r"情况|亮点|成效|成绩|做法|特点|回顾|总结|不足|存在的问题|主要问题|经验|突破|实绩|有抓手|有方法|有本领|"
    r"有思路|有办法|显成效|取得"
)
FORWARD_HEADING = re.compile(r"下步|下一步|打算|安排|计划|思路|意见|建议|重点工作|任务|目标|要|抓好|推进|加快")
IMPERATIVE_START = re.compile(
    r"^(?:同时,?|另外,?|此外,?|特别是|尤其是|当前,?|下一步,?|进一步)?"
    r"(?:抓好|抓实|抓紧|加快|加大|加强|强化|做好|做强|做大|做优|做实|推进|推动|坚决|切实|持续|深化|深入|突出|"
    r"狠抓|全力|大力|着力|著力|聚焦|围绕|坚持|优化|提升|提高|完善|健全|建立|建设|实施|落实|贯彻|统筹|补齐|用好|"
    r"规划|申建|拓展|推行|整合|清理|"
    r"严格|积极|扎实|认真|打好|打造|培育|引进|开展|组织|谋划|编制|制定|出台|找准|依托|按照|结合|对标|立足|瞄准|"
    r"紧紧|抢抓|强力|全面|以)"
)

# --- owners ------------------------------------------------------------------------------------------------------

UNIT_HEADS = (
    "管委会",
    "委员会",
    "办公室",
    "工商联",
    "联合会",
    "总工会",
    "检察院",
    "监察委",
    "招商局",
    "专班",
    "商会",
    "协会",
    "公司",
    "集团",
    "银行",
    "政府",
    "党委",
    "党组",
    "人大",
    "政协",
    "法院",
    "纪委",
    "监委",
    "团委",
    "妇联",
    "工会",
    "部门",
    "单位",
    "机关",
    "平台",
    "中心",
    "局",
    "委",
    "办",
    "室",
    "厅",
    "处",
    "科",
    "所",
    "站",
    "队",
    "组",
)
NOT_UNIT_ENDINGS = re.compile(
    r"(?:全局|大局|新局|格局|布局|结局|开局|当局|时局|战局|棋局|饭局|骗局|僵局|残局|终局|变局|"
    r"好处|难处|益处|用处|之处|住处|出处|长处|短处|深处|远处|高处|到处|随处|各处|"
    r"场所|处所|厕所|住所|研究所|诊所|"
    r"小组|分组|编组|改组|重组|"
    r"同志们|基层党组织|中心工作|中心城市|商务中心区|"
    r"第一|考核办|承办|主办|协办|督办|交办|催办|创办|开办|兴办|举办|代办|包办|马上办|怎么办|难办|"
    r"重点工作|新局面)$"
)
PLACE_HEADS = (
    "县(市、区)",
    "县(市)区",
    "县(区)",
    "园(景)区",
    "县市区",
    "县区",
    "市县",
    "乡镇",
    "街道",
    "园景区",
    "园区",
    "景区",
    "开发区",
    "示范区",
    "集聚区",
    "高新区",
    "经开区",
    "中心城区",
    "城市区",
    "城区",
    "县城",
    "社区",
)
POST_HEADS = (
    "“一把手”",
    "一把手",
    "负责同志",
    "负责人",
    "分管领导",
    "服务官",
    "专员",
    "领导",
    "同志",
    "书记",
    "县长",
    "市长",
    "区长",
    "乡长",
    "镇长",
    "局长",
    "主任",
    "部长",
    "处长",
    "科长",
    "班子",
    "干部",
)
OWNER_HEAD = re.compile(
    "(?:"
    + "|".join(re.escape(h) for h in sorted(UNIT_HEADS + PLACE_HEADS + POST_HEADS, key=len, reverse=True))
    + r"|(?:[\u4e00-\u9fff]{1,4}|[xX*×]{1,4})(?:省|市|县|区|乡|镇)|两级|三区)$"
)
NOT_OWNERS = frozenset(
    {
        "大家",
        "我们",
        "同志们",
        "全市上下",
        "全县上下",
        "全党全县",
        "每个人",
        "干部",
        "企业",
        "项目单位",
        "各级",
        "有关",
        "全市",
        "全县",
        "全省",
        "市里",
        "县里",
        "各地",
        "上级",
        "上级部门",
        "党员干部",
        "广大干部",
        "领导干部",
        "政府",
        "党委",
        "部门",
        "单位",
        "领导",
        "同志",
        "机关",
        "平台",
        "中心",
    }
)
GENERIC_OWNER = re.compile(r"(?:全体同志|在座各位|在座的同志|同志们|大家|全体人员)$")
OWNER_OPENERS = re.compile(
    r"^(?:(?:会后|同时|另外|此外|因此|所以|当前|目前|现在|今后|下一步|下步|首先|其次|再次|最后|这里|对此|其中|"
    r"特别是|尤其是|还有|并且|而且|但是|但|并|也|还|都|我们|咱们|希望|请|要求|由|责成|督促|会议决定|会议要求)[,]?)+"
)
OWNER_TRAILERS = re.compile(
    r"(?:也|都|均|还|要|一定|务必|必须|切实|真正|更|再|尤其|特别|至少|一律|认真|进一步|今年|明年|今后|之间|"
    r"思想上|上下|要切实)+$"
)
VERBISH = re.compile(r"是|有|在|把|将|对|为|从|向|被|让|使|给|进行|了|过|着")
SCOPED_GROUP = re.compile(
    r"(?:每个|每一个|各|所有|其它|其他|有关|相关|市直|县直|省直)[^,。;:]{0,12}?(?:"
    + "|".join(re.escape(h) for h in sorted(UNIT_HEADS + PLACE_HEADS + POST_HEADS, key=len, reverse=True))
    + ")$"
)
NAMED_PLACE = re.compile(
    r"(?:(?<=^)|(?<=[和、及与,是但对在]))(?P<name>(?![和及与是但对在])[\u4e00-\u9fff]{2,3}(?:市|县|区))"
)
ANAPHORA = re.compile(r"^这(?:两|三|几|些)?个?(?:市、县|市县|县|市|区|单位|部门|乡镇|地方)")
LIST_AS_DUTY = re.compile(r"列为(?P<who>[^,。;的]{2,16})的(?:重点|中心|核心|重要)?(?:工作|任务)")
OWNER_CUE_VERBS = re.compile(r"(?:拟定于|拟定|拟于|拟|决定|负责|牵头)")
