"""Records of the two examiner-marked rubric tasks (no gold; marked with the rubric in each task.yaml):

- L3-persona-digital-human: the business scenario for which the candidate writes a digital human's persona
  and behaviour specification;
- L3-guideline-audit: a deliberately flawed labeling guideline that the candidate audits.

Run: .venv/bin/python question_banks/practical/_generators/gen_rubric_records.py
"""
from _common import write_task

PERSONA_SCENARIO = """\
# 业务场景：暖居燃气“数字人客服”上线

**企业**：暖居燃气有限公司（虚构），为某市约 80 万户居民供应管道天然气。

**部署渠道**
- 营业厅自助大屏：语音对话，数字人形象“小暖”（30 岁左右、身穿公司制服的女性工作人员形象）。
  到厅用户中 60 岁以上老人约占一半。
- “暖居燃气”手机 App：文字 + 语音对话，回复会同时被语音播报。

**数字人可以答复或办理的业务**
1. 燃气费查询与缴费指引：App 缴费、银行代扣、营业厅缴费。
2. 开户、过户指引：需携带身份证、房产证明或租赁合同原件，到营业厅办理。
3. 免费入户安全检查预约：每户每年一次，可预约周一至周六 9:00–17:00 的时段。
4. 故障报修登记：灶具打不着火、燃气表显示异常等，登记后由维修人员联系用户。
5. 燃气安全常识问答。
6. 营业厅地址与营业时间：人民路 88 号，周一至周六 8:30–17:30。

**数字人不能办理、必须转人工的业务**：退费、修改户主实名信息、表具更换审批、投诉处理。
人工客服热线 400-000-0000（本题虚构，每天 8:00–20:00）。

**安全要求（公司硬性规定）**
- 用户描述闻到燃气味、怀疑漏气时，数字人必须立即停止其他话题，给出应急指引：不要开关任何电器、不要点火，
  打开门窗通风，关闭燃气表前阀门，离开房间到室外后再拨打 24 小时抢修热线 96000（本题虚构）。
- 不得对事故原因或责任下结论。

**合规要求**
- 核实身份只使用“燃气户号 + 户主姓名”，不得在对话中收集完整身份证号、银行卡号、密码或验证码。
- 不得承诺费用减免、赔偿或时限以外的上门时间；不做任何产品推销。

**你的任务**：为“小暖”写一份可以直接作为大模型系统提示词（system prompt）使用的**数字人人设与行为规范**。
"""

FLAWED_GUIDELINE = """\
# 道路场景图像目标框标注规范 v0.9

## 1. 项目说明
本项目为自动驾驶感知模型标注道路图像中的目标。请大家认真标注，保证质量。

## 2. 标注类别
- **车辆**：道路上的各种车辆。
- **汽车**：小轿车、SUV 等。
- **行人**：图中的人。
- **骑车人**：骑自行车或电动车的人。
- **交通标志**：道路上的各种标志。
- **其他**：其他需要注意的物体。

## 3. 标注方法
1. 用矩形框把目标框住即可。框可以适当画大一些，留出一点余量更保险。
2. 每个目标只标注一次。
3. 被遮挡的目标，请分别框出它的各个可见部分。
4. 太小的目标可以不标。
5. 模糊不清的目标，根据个人判断处理。

## 4. 输出格式
导出为 JSON 文件，每个框记录坐标和类别。

## 5. 质量要求
标注质量要好。质检员会进行抽检，发现问题打回重标。

## 6. 进度与数据
每人每天完成 500 张。为赶进度，可以把图片下载到个人电脑或手机上标注，完成后再上传；
有疑问的图片可以直接发到工作微信群里讨论。
"""


def main() -> None:
    write_task("L3-persona-digital-human", [{"id": "r01", "text": PERSONA_SCENARIO}], None)
    write_task("L3-guideline-audit", [{"id": "r01", "text": FLAWED_GUIDELINE}], None)


if __name__ == "__main__":
    main()
