#!/usr/bin/env python3
"""Writes round-2026.json, the demo round (示例批次), round-2024.json, the parks of the demo's
completed round, and register-2023.json, the parks designated before the demo's rounds (entered
in its register, as a secretariat enters its province's earlier designations), deterministically.

The parks, enterprises and experts are fictional. The figures are chosen so that the formal
review has something to find: three applications from 广州 (P2 quota 2), and parks that miss
C2 (298.5 亩 < 300), C3 (2 backbone enterprises, one at 4980 万元; 9 enterprises at ≥1000 万元,
one at 995) and C4 (five cooperation agreements but only 4 distinct enterprises) by a small
margin, next to parks that meet the thresholds exactly (300 亩, 3 × 5000 万元).
Run it after editing, and commit the three files:  python3 assets/demo/make_demo.py
"""
import hashlib
import json
import pathlib

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_code(region: str, seed: str) -> str:
    """A GB 32100-2015 code: 91 (enterprise) + region + 9-character organisation code + check."""
    digest = hashlib.sha256(seed.encode()).digest()
    org = "MA" + "".join(ALPHABET[b % 31] for b in digest[:7])
    first17 = "91" + region + org
    assert len(first17) == 17
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS))
    return first17 + ALPHABET[(31 - total % 31) % 31]


def enterprises(prefix, region, outputs):
    words = ["智能芯片", "视觉感知", "语音技术", "机器人", "智能网联", "数据智能", "智能装备",
             "算法科技", "智能传感", "云脑科技", "智慧医疗", "智能终端", "无人系统", "智能软件"]
    return [
        {"name": f"{prefix}{words[i % len(words)]}有限公司",
         "credit_code": credit_code(region, f"{prefix}{i}"),
         "ai_output_wan_yuan": out}
        for i, out in enumerate(outputs)
    ]


def platforms(prefix, kinds):
    names = {"maker_space": "众创空间", "enterprise_rnd": "企业研发中心", "incubator": "孵化器",
             "other": "技术转移中心", "venture_fund": "人工智能创业投资基金",
             "financing": "科技金融服务中心", "talent_training": "人工智能人才实训基地",
             "tech_consulting": "技术咨询服务平台"}
    return [{"name": f"{prefix}{names[k]}" + (f"（{i + 1}）" if kinds.count(k) > 1 else ""), "kind": k}
            for i, k in enumerate(kinds)]


def cooperations(ents, partners):
    return [{"enterprise": ents[e]["name"], "partner": p, "partner_kind": k} for e, p, k in partners]


UNI = [("华南理工大学", "university"), ("中山大学", "university"), ("广东工业大学", "university"),
       ("中国科学院深圳先进技术研究院", "institute"), ("广东省智能制造研究所", "institute"),
       ("鹏城实验室", "institute"), ("某人工智能领军企业研究院", "leading_enterprise")]


def coop_list(ents, n_distinct, n_total=None):
    n_total = n_total or n_distinct
    rows = []
    for i in range(n_total):
        partner, kind = UNI[i % len(UNI)]
        rows.append((i % n_distinct, partner, kind))
    return cooperations(ents, rows)


def park(code, name, city, district, body, rank, area, outputs, region, prefix, *,
         innov=("maker_space", "enterprise_rnd", "incubator"), coop_distinct=5, coop_total=None,
         services=("venture_fund", "financing", "talent_training"), policy="issued",
         funding=5000, contact=("", "")):
    ents = enterprises(prefix, region, outputs)
    return {
        "code": code, "park_name": name, "city": city, "district": district,
        "management_body": body, "contact_name": contact[0], "contact_phone": contact[1],
        "city_recommendation_rank": rank,
        "leadership_mechanism": True, "has_management_body": True, "has_operating_team": True,
        "planned_area_mu": area, "land_approved": True, "land_ownership_clear": True,
        "conforms_to_plans": True,
        "enterprises": ents,
        "innovation_platforms": platforms(prefix, list(innov)),
        "rnd_cooperations": coop_list(ents, coop_distinct, coop_total),
        "city_policy_status": policy, "county_funding_wan_yuan": funding,
        "county_funding_plan": f"{district}财政设立人工智能产业专项资金，三年内每年安排{funding // 3}万元。",
        "service_platforms": platforms(prefix, list(services)),
        "gigabit_fibre_to_park": True, "fibre_100m_to_enterprises": True,
        "transport_and_living_facilities": True,
        "eia_approved": True, "no_major_pollution_3y_pledged": True,
    }


applications = [
    park("2026-GZ-01", "广州南沙人工智能产业园", "广州市", "南沙区",
         "广州南沙经济技术开发区人工智能产业园管理委员会", 1, 1260.0,
         [32000, 18500, 9600, 6200, 3100, 2500, 1800, 1500, 1200, 1100, 800], "440115", "南沙",
         contact=("李振华", "020-3468 1101"), coop_distinct=7, services=("venture_fund", "financing", "talent_training", "tech_consulting")),
    park("2026-GZ-02", "广州黄埔智能装备与人工智能产业园", "广州市", "黄埔区",
         "广州开发区智能装备产业园管理办公室", 2, 860.5,
         [15200, 8800, 5300, 2600, 1900, 1400, 1000, 900], "440112", "黄埔智造",
         contact=("王佳", "020-8211 3560"), coop_distinct=6),
    park("2026-GZ-03", "广州番禺智慧创新园", "广州市", "番禺区",
         "广州市番禺区智慧创新园管理中心", 3, 420.0,
         [7600, 5400, 5100, 2200, 1300, 1000, 1000, 600], "440113", "番禺智创",
         contact=("陈敏", "020-3482 7716")),
    park("2026-SZ-01", "深圳龙岗人工智能产业园", "深圳市", "龙岗区",
         "深圳市龙岗区人工智能产业园运营管理中心", 1, 980.0,
         [48000, 26000, 12000, 7000, 4500, 3000, 2100, 1600, 1200, 1050, 900, 500], "440307", "龙岗",
         contact=("周涛", "0755-2895 6620"), coop_distinct=8,
         innov=("maker_space", "enterprise_rnd", "incubator", "incubator")),
    park("2026-FS-01", "佛山顺德智能制造与人工智能产业园", "佛山市", "顺德区",
         "佛山市顺德区人工智能产业发展中心", 1, 298.5,
         [11000, 6800, 5200, 3000, 1500, 1200], "440606", "顺德智造",
         contact=("梁家豪", "0757-2263 0912")),
    park("2026-DG-01", "东莞松山湖人工智能产业园", "东莞市", "松山湖高新区",
         "东莞松山湖高新技术产业开发区人工智能产业园管理办公室", 1, 650.0,
         [9800, 5600, 4980, 2900, 2100, 1700, 1500, 1200, 1000, 995, 700], "441900", "松山湖智谷",
         contact=("黄晓琳", "0769-2289 4410")),
    park("2026-ZH-01", "珠海横琴人工智能创新园", "珠海市", "横琴粤澳深度合作区",
         "珠海横琴人工智能创新园管理有限公司", 1, 510.0,
         [8200, 6100, 5000, 1800, 1300], "440404", "横琴",
         contact=("郑宇", "0756-2996 3380"), coop_distinct=4, coop_total=5),
    park("2026-HZ-01", "惠州仲恺人工智能产业园", "惠州市", "仲恺高新区",
         "惠州仲恺高新区人工智能产业园服务中心", 1, 720.0,
         [6900, 5800, 5500, 2300, 1600, 1100], "441302", "仲恺",
         contact=("吴丽", "0752-3278 5501"), policy="drafting", funding=3000),
    park("2026-SG-01", "韶关芙蓉新城人工智能产业园", "韶关市", "浈江区",
         "韶关市浈江区芙蓉新城人工智能产业园管理委员会", 1, 300.0,
         [5000, 5000, 5000, 1200, 800, 600], "440204", "芙蓉",
         contact=("邓建平", "0751-8126 4400"), policy="drafting", funding=1500),
]

experts = [
    {"code": "E001", "name": "陈志远", "employer": "华南理工大学计算机科学与工程学院", "city": "广州市",
     "field": "计算机视觉", "contact": "139 2200 1101"},
    {"code": "E002", "name": "林晓敏", "employer": "中山大学人工智能学院", "city": "广州市",
     "field": "机器学习", "contact": "139 2200 1102"},
    {"code": "E003", "name": "黄建华", "employer": "深圳市人工智能行业协会", "city": "深圳市",
     "field": "产业经济", "contact": "139 2200 1103"},
    {"code": "E004", "name": "王立新", "employer": "中国科学院自动化研究所", "city": None,
     "field": "智能机器人", "contact": "139 2200 1104"},
    {"code": "E005", "name": "刘芳", "employer": "松山湖智谷视觉感知有限公司", "city": "东莞市",
     "field": "智能传感器", "contact": "139 2200 1105"},
    {"code": "E006", "name": "张伟明", "employer": "佛山市顺德区人工智能产业发展中心", "city": "佛山市",
     "field": "园区规划", "contact": "139 2200 1106"},
    {"code": "E007", "name": "周静", "employer": "汕头大学工学院", "city": "汕头市",
     "field": "自然语言处理", "contact": "139 2200 1107"},
]

demo = {"format": "park-review/demo-round@1", "year": 2026, "kind": "designation",
        "applications": applications, "experts": experts}
out = pathlib.Path(__file__).with_name("round-2026.json")
out.write_text(json.dumps(demo, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print(f"wrote {out}: {len(applications)} applications, {len(experts)} experts")

# The demo's completed round (2024): four other parks, each meeting C1–C7, reviewed by the panel
# of the round in progress (assets/demo/panel-2025.json, so no experts here); the two strongest
# are on its publicity list.
completed = [
    park("2024-JM-01", "江门高新区人工智能产业园", "江门市", "蓬江区",
         "江门高新技术产业开发区人工智能产业园管理办公室", 1, 880.0,
         [26000, 14000, 8800, 5200, 3000, 1800, 1400, 1100, 1000], "440703", "江门智谷",
         contact=("冯志强", "0750-3166 2201"), coop_distinct=6),
    park("2024-ZS-01", "中山翠亨新区人工智能产业园", "中山市", "翠亨新区",
         "中山翠亨新区人工智能产业园管理委员会", 1, 760.0,
         [21000, 12500, 7300, 4100, 2600, 1500, 1200, 1000], "442000", "翠亨",
         contact=("何嘉欣", "0760-8538 1102"), coop_distinct=6),
    park("2024-ZQ-01", "肇庆新区智能制造与人工智能产业园", "肇庆市", "鼎湖区",
         "肇庆新区智能制造产业园服务中心", 1, 530.0,
         [9200, 6400, 5300, 2400, 1500, 1000], "441203", "肇庆智造",
         contact=("苏文", "0758-2721 3303")),
    park("2024-ST-01", "汕头华侨试验区人工智能产业园", "汕头市", "龙湖区",
         "汕头华侨经济文化合作试验区人工智能产业园管理中心", 1, 420.0,
         [7800, 5600, 5100, 1900, 1200, 1000], "440507", "华侨智创",
         contact=("许晓鹏", "0754-8897 4404"), policy="drafting", funding=2000),
]
done = {"format": "park-review/demo-round@1", "year": 2024, "kind": "designation",
        "applications": completed, "experts": []}
out = pathlib.Path(__file__).with_name("round-2024.json")
out.write_text(json.dumps(done, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print(f"wrote {out}: {len(completed)} applications")

# Parks designated before the demo's rounds (a year before its completed round), entered in the
# register as a secretariat enters the parks its province designated before it used the product.
# They go with the demo's completed round when it is deleted.
notice = "广东省工业和信息化厅关于公布2023年广东省人工智能产业园区名单的通知（示例，文号从略）"
why = "本系统启用前认定，据公布通知录入（示例）"
register = {"format": "park-review/demo-register@1", "parks": [
    {"park_name": "湛江海东新区人工智能产业园", "city": "湛江市",
     "management_body": "湛江海东新区人工智能产业园管理委员会", "designated_on": "2023-12-18",
     "documents": notice, "reason": why},
    {"park_name": "清远高新区人工智能产业园", "city": "清远市",
     "management_body": "清远高新技术产业开发区人工智能产业园服务中心", "designated_on": "2023-12-18",
     "documents": notice, "reason": why},
]}
out = pathlib.Path(__file__).with_name("register-2023.json")
out.write_text(json.dumps(register, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print(f"wrote {out}: {len(register['parks'])} parks")
