"""L4-audit-sentiment-labels-zh: QA audit of a pre-labeled batch of 30 Chinese reviews.

Each record shows a review and the sentiment label an annotator gave it; the candidate returns the audit
verdict: correct / wrong_label / invalid_item. Reviews were written for certify and differ from those of
L5-sentiment-reviews-zh; the annotator labels and their errors are planted.

Run: .venv/bin/python question_banks/practical/_generators/gen_audit_sentiment_labels_zh.py
"""
from _common import shuffled, write_task

REF = "L4-audit-sentiment-labels-zh"
ZH = {"positive": "positive（正面）", "negative": "negative（负面）", "neutral": "neutral（中性）"}

# (review, annotator's label, true label or None for an invalid item)
DATA = [
    # labels that are right
    ("面料透气，夏天穿很凉快，已经推荐给同事了。", "positive", "positive"),
    ("充电器用了两天就不充电了，差评。", "negative", "negative"),
    ("请问这个电饭煲内胆是什么材质的？", "neutral", "neutral"),
    ("物流很快，但是尺码偏小一码，建议买大一号，总体还是满意的。", "positive", "positive"),
    ("款式好看，袖子稍微长了一点。", "neutral", "neutral"),
    ("太感人了，等了半个月才发货。", "negative", "negative"),
    ("已经收到，还没拆封。", "neutral", "neutral"),
    ("包装精美，送给女朋友她很喜欢，会回购。", "positive", "positive"),
    ("说是加厚款，实际薄得透光，退了。", "negative", "negative"),
    ("中规中矩吧，没有特别惊艳。", "neutral", "neutral"),
    ("客服回复很及时，问题十分钟就解决了。", "positive", "positive"),
    ("此用户没有填写评价。", "neutral", "neutral"),
    ("本以为是小作坊产品，结果质量出乎意料地好。", "positive", "positive"),
    ("味道一般，价格还贵，不会再买了。", "negative", "negative"),
    ("电池比宣传的少了一半容量，虚标严重。", "negative", "negative"),
    # labels that are wrong
    ("真是好质量，用一次就断了。", "positive", "negative"),
    ("颜色有色差，不过做工不错，总体满意。", "neutral", "positive"),
    ("外观很漂亮，就是有点重。", "positive", "neutral"),
    ("此用户未及时评价，系统默认好评。", "positive", "neutral"),
    ("质量很好，穿着也舒服，就是快递有点慢，不过不影响，推荐！", "neutral", "positive"),
    ("东西收到了，放在门卫室，明天去拿。", "positive", "neutral"),
    ("洗了一次就掉色，把别的衣服都染了。", "neutral", "negative"),
    ("一开始担心不好用，用了一周发现很方便。", "negative", "positive"),
    ("请问能开发票吗？", "negative", "neutral"),
    ("噪音有点大，但是制冷快，性价比高，推荐购买。", "negative", "positive"),
    # items that should have been removed in cleaning, whatever their label
    ("加微信领取优惠券，全场五折！！！", "positive", None),
    ("asdfghjkl；；；。。。111", "neutral", None),
    ("今天天气真好，出去玩了一天。", "positive", None),
    ("兼职刷单，日赚300，私聊。", "neutral", None),
    ("【测试】test test 123", "neutral", None),
]


def verdict(given: str, true: str | None) -> str:
    if true is None:
        return "invalid_item"
    return "correct" if given == true else "wrong_label"


def main() -> None:
    assert len(DATA) == 30
    rows = shuffled(DATA, seed=20250709)
    records, gold = [], []
    for i, (text, given, true) in enumerate(rows, 1):
        rid = f"r{i:02d}"
        records.append({"id": rid, "text": f"评论：{text}\n标注员的标签：{ZH[given]}"})
        gold.append({"id": rid, "label": verdict(given, true)})
    write_task(REF, records, gold)


if __name__ == "__main__":
    main()
