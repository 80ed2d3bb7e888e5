"""L4-ner-news-zh: 20 short Chinese news-style sentences written for certify, PER/ORG/LOC/TIME spans.

Entities are listed as surface strings in reading order; offsets are computed with a cursor (code points,
end exclusive) and asserted. Companies and people in the sentences are fictional; public bodies appear only in
neutral, generic contexts.

Run: .venv/bin/python question_banks/practical/_generators/gen_ner_news_zh.py
"""
from _common import spans, write_task

REF = "L4-ner-news-zh"
LABELS = {"PER", "ORG", "LOC", "TIME"}

DATA = [
    ("2024年3月15日，浙江大学与云帆科技有限公司在杭州签署人工智能人才培养合作协议。",
     [("2024年3月15日", "TIME"), ("浙江大学", "ORG"), ("云帆科技有限公司", "ORG"), ("杭州", "LOC")]),
    ("国家统计局昨天发布数据显示，今年一季度全国居民人均可支配收入同比增长。",
     [("国家统计局", "ORG"), ("昨天", "TIME"), ("今年一季度", "TIME")]),
    ("记者王海燕从深圳市气象台获悉，受台风影响，深圳明天下午将出现暴雨。",
     [("王海燕", "PER"), ("深圳市气象台", "ORG"), ("深圳", "LOC"), ("明天下午", "TIME")]),
    ("来自成都的张伟教授在第三届数据标注产业大会上作了主题报告。",
     [("成都", "LOC"), ("张伟", "PER")]),
    ("上海虹桥站今日起调整列车时刻表，部分开往南京、苏州方向的车次将提前10分钟发车。",
     [("上海虹桥站", "LOC"), ("今日", "TIME"), ("南京", "LOC"), ("苏州", "LOC")]),
    ("启明星科技有限公司于2023年8月在东莞举办了首届开发者大会。",
     [("启明星科技有限公司", "ORG"), ("2023年8月", "TIME"), ("东莞", "LOC")]),
    ("北京市海淀区人民法院上周五对一起侵犯公民个人信息案作出一审判决。",
     [("北京市海淀区人民法院", "ORG"), ("上周五", "TIME")]),
    ("江苏女排主教练陈卫东在赛后表示，球队将于下月初前往日本参加邀请赛。",
     [("江苏女排", "ORG"), ("陈卫东", "PER"), ("下月初", "TIME"), ("日本", "LOC")]),
    ("智联研究院与复旦大学联合发布的报告指出，超过六成受访企业已部署大模型应用。",
     [("智联研究院", "ORG"), ("复旦大学", "ORG")]),
    ("2025年1月1日，杭州西湖共接待游客12万人次。",
     [("2025年1月1日", "TIME"), ("杭州西湖", "LOC")]),
    ("国务院办公厅印发通知，要求各地在6月30日前完成数据安全自查。",
     [("国务院办公厅", "ORG"), ("6月30日", "TIME")]),
    ("星辰汽车股份有限公司董事长刘建国透露，公司在匈牙利的工厂将于明年投产。",
     [("星辰汽车股份有限公司", "ORG"), ("刘建国", "PER"), ("匈牙利", "LOC"), ("明年", "TIME")]),
    ("周三上午，市民李娜在南京路步行街捡到一个钱包，随即交给了黄浦公安分局。",
     [("周三上午", "TIME"), ("李娜", "PER"), ("南京路步行街", "LOC"), ("黄浦公安分局", "ORG")]),
    ("世界卫生组织表示，计划于10月在日内瓦召开专家会议。",
     [("世界卫生组织", "ORG"), ("10月", "TIME"), ("日内瓦", "LOC")]),
    ("据新华社报道，今年长江入汛时间较常年偏早一周。",
     [("新华社", "ORG"), ("今年", "TIME"), ("长江", "LOC")]),
    ("南城地铁集团宣布，自12月28日起，全线网运营时间将延长至次日凌晨1点。",
     [("南城地铁集团", "ORG"), ("12月28日", "TIME"), ("次日凌晨1点", "TIME")]),
    ("赵敏和她的团队在敦煌莫高窟完成了第一批壁画的数字化采集。",
     [("赵敏", "PER"), ("敦煌莫高窟", "LOC")]),
    ("中国人民银行上海总部发布公告称，自2024年9月1日起调整相关业务办理流程。",
     [("中国人民银行上海总部", "ORG"), ("2024年9月1日", "TIME")]),
    ("前天晚上8点，一辆货车在沪昆高速上发生侧翻，所幸无人受伤。",
     [("前天晚上8点", "TIME"), ("沪昆高速", "LOC")]),
    ("欧阳晓峰毕业于武汉大学，现任星河数据标注有限公司质检经理。",
     [("欧阳晓峰", "PER"), ("武汉大学", "ORG"), ("星河数据标注有限公司", "ORG")]),
]


def main() -> None:
    assert len(DATA) == 20
    records, gold = [], []
    for i, (text, ents) in enumerate(DATA, 1):
        assert all(lab in LABELS for _, lab in ents)
        rid = f"r{i:02d}"
        records.append({"id": rid, "text": text})
        gold.append({"id": rid, "spans": spans(text, ents)})
    write_task(REF, records, gold)


if __name__ == "__main__":
    main()
