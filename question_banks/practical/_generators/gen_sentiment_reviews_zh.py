"""L5-sentiment-reviews-zh: 40 Chinese e-commerce reviews written for certify, gold by the task's guideline.

Run: .venv/bin/python question_banks/practical/_generators/gen_sentiment_reviews_zh.py
"""
from _common import shuffled, write_task

REF = "L5-sentiment-reviews-zh"

# (text, gold label, guideline rule that decides it)
DATA = [
    # positive
    ("物流超快，昨天下单今天就到了，耳机音质很清晰，降噪效果也不错，推荐购买！", "positive", "P"),
    ("给老妈买的，她说穿着很舒服，码数标准，已经回购第二双了。", "positive", "P"),
    ("本来以为这个价格的东西肯定很一般，没想到做工这么扎实，惊喜。", "positive", "contrast"),
    ("颜色比图片稍微深一点，不过面料很软很亲肤，总体很满意。", "positive", "mixed+verdict"),
    ("包装有点简陋，外盒压扁了一个角，但里面的杯子完好无损，保温效果一流，还会再买。",
     "positive", "mixed+verdict"),
    ("这款洗面奶用了一个月，痘痘少了很多，皮肤也没那么油了，回购！", "positive", "P"),
    ("客服小姐姐很耐心，帮我换了尺码，衣服上身效果很好。", "positive", "P"),
    ("孩子特别喜欢这个积木，一玩就是一下午，零件也没有毛刺。", "positive", "P"),
    ("说实话一开始差点退货，因为安装说明看不懂，后来看了商家发的视频十分钟就装好了，桌子很稳，好评。",
     "positive", "mixed+verdict"),
    ("第三次买了，品质一如既往的稳定。", "positive", "P"),
    ("电池续航比我之前的手机强太多了，重度使用一天一充完全没问题。", "positive", "P"),
    ("不愧是老牌子，味道正宗，和小时候吃的一样。", "positive", "P"),
    ("价格比超市便宜二十多块，日期也很新鲜，划算。", "positive", "P"),
    ("挺好的，没什么毛病。", "positive", "P"),
    ("屏幕显示细腻，打游戏也不卡，就是稍微有点发热，瑕不掩瑜，五星。", "positive", "mixed+verdict"),
    # negative
    ("用了不到一周屏幕就出现一条竖线，联系客服一直推脱，非常失望。", "negative", "N"),
    ("真是太棒了，收到的时候盒子是湿的，打开一股霉味，谢谢商家给我这么大的惊喜。", "negative", "sarcasm"),
    ("鞋码严重偏小，平时穿39的买了40还是挤脚，已申请退货。", "negative", "N"),
    ("图片仅供参考系列，实物颜色和详情页完全是两个东西。", "negative", "sarcasm"),
    ("吸力还可以，但是噪音大得像拖拉机，用了两次就放角落吃灰了，不推荐。", "negative", "mixed+verdict"),
    ("好评返现五元，我就想问问这么烂的质量谁会给好评？", "negative", "N"),
    ("第一次穿就起球了，洗了一次缩水一大截，这钱花得冤。", "negative", "N"),
    ("外卖送到的时候汤全洒了，米饭也是凉的，差评。", "negative", "N"),
    ("说是正品，扫码却查不到防伪信息，怀疑是假货。", "negative", "N"),
    ("呵呵，续航十小时？我这个充满电撑不过三小时。", "negative", "sarcasm"),
    ("客服态度很好，可惜问题一直没解决，耳机左耳还是没声音，只能退了。", "negative", "mixed+verdict"),
    ("味道太甜了，齁得慌，一家人都吃不下去，白买了。", "negative", "N"),
    ("发货速度感人，下单十天了还显示在仓库。", "negative", "sarcasm"),
    ("插上电源没反应，换了插座也不行，收到就是坏的。", "negative", "N"),
    ("跟风买的，完全没有宣传的那么神奇，不会回购。", "negative", "N"),
    # neutral
    ("东西已经收到了，还没开始用，用了再来追评。", "neutral", "no opinion yet"),
    ("该用户未填写评价内容，系统默认好评。", "neutral", "system text"),
    ("请问这款有没有大一号的？身高175体重140该选哪个码？", "neutral", "question"),
    ("一般般吧，跟普通的数据线没什么区别。", "neutral", "lukewarm"),
    ("外观好看，但是充电有点慢。", "neutral", "mixed, no verdict"),
    ("中规中矩，这个价位也就这样了。", "neutral", "lukewarm"),
    ("买来送人的，不知道效果怎么样。", "neutral", "no opinion"),
    ("口感偏硬，我不太喜欢；不过包装很精致，送礼有面子。", "neutral", "mixed, no verdict"),
    ("净含量500克，保质期到明年三月，生产日期是上个月的。", "neutral", "facts only"),
    ("快递放在驿站了，明天去取。", "neutral", "logistics status"),
]


def main() -> None:
    assert len(DATA) == 40
    rows = shuffled(DATA, seed=20250705)
    records, gold = [], []
    for i, (text, label, _rule) in enumerate(rows, 1):
        rid = f"r{i:02d}"
        records.append({"id": rid, "text": text})
        gold.append({"id": rid, "label": label})
    write_task(REF, records, gold)


if __name__ == "__main__":
    main()
