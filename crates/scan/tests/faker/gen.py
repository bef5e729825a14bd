#!/usr/bin/env python3
"""Labelled corpus for the scanner from an independent source (issue #22).

Names, addresses, companies, identifiers and card numbers come from the
`Faker` library's zh_CN locale (plus surnames of the published Hundred Family
Surnames list that Faker lacks); the templates are written from real formats:
prose, chat exports with speaker labels, customer-service tickets, log lines
with `name=` fields and embedded JSON, JSON events, CSV exports with Chinese
headers, addresses with building letters, floors, rooms and postcodes, bank
lines where the card number follows `在我行开立账户` and no card keyword.
Decoys (bad check digits, Luhn failures, order numbers, timestamps, hotlines,
place names, brands, titles such as `王经理`, `客户单位：…`) are never
labelled.

Deterministic: `python gen.py` (Faker seeded) rewrites the files next to it
(`FAKER_SEED=n FAKER_OUT=dir` writes another seed elsewhere, for a held-out
check: `FAKER_DIR=dir cargo test -p scan --test faker -- --nocapture`):
one file per form (`prose.txt`, `chat.txt`, `ticket.txt`, `log.txt`,
`events.jsonl`, `export.csv`, `address.txt`, `bank.txt`, `decoy.txt`) and
`labels.tsv` (`file<TAB>start<TAB>end<TAB>kind`, UTF-8 byte offsets).

Requires: `pip install Faker` (tested with 40.x).
"""

import json
import os
import random

from faker import Faker

SEED = int(os.environ.get("FAKER_SEED", "22"))
HERE = os.environ.get("FAKER_OUT") or os.path.dirname(os.path.abspath(__file__))
LINES_PER_FORM = 400

fk = Faker("zh_CN")
fk.seed_instance(SEED)
rnd = random.Random(SEED)

# surnames of the Hundred Family Surnames list that Faker's zh_CN locale
# rarely or never gives, so the corpus does not test Faker's list alone
EXTRA_SURNAMES = list("萧傅阎赖鞠洪邝晁巫凤廉岑裘柏单雍卓蔺闻莘蒯阚") + [
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "令狐",
    "司徒",
    "慕容",
]


def name():
    if rnd.random() < 0.12:
        return rnd.choice(EXTRA_SURNAMES) + fk.first_name()
    return fk.name()


def mobile():
    return fk.phone_number()


W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_check(s17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(s17, W)) % 11]


def cn_id():
    return fk.ssn()


def bad_id():
    s = fk.ssn()
    good = s[17]
    bad = rnd.choice([c for c in "0123456789X" if c != good])
    return s[:17] + bad


def luhn_ok(s):
    total = 0
    for i, c in enumerate(reversed(s)):
        v = int(c)
        if i % 2 == 1:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


def card(kind):
    return fk.credit_card_number(card_type=kind)


def unionpay():
    while True:
        s = "62" + "".join(rnd.choice("0123456789") for _ in range(14))
        for d in "0123456789":
            if luhn_ok(s[:15] + d):
                return s[:15] + d


def luhn_bad(s):
    last = int(s[-1])
    return s[:-1] + str((last + rnd.randint(1, 9)) % 10)


def order_number():
    # a 16-digit number that passes Luhn and starts like a Visa card, after
    # an order keyword
    while True:
        s = "4" + "".join(rnd.choice("0123456789") for _ in range(15))
        if luhn_ok(s):
            return s


def email():
    return fk.email()


def ipv4():
    return fk.ipv4_public()


def postcode():
    return fk.postcode()


UNITS = ["栋", "幢", "座", "号楼"]


def address():
    """An address as written, and nothing after it."""
    r = rnd.random()
    if r < 0.35:
        # Faker's own address: province, city/county, district, street,
        # building letter with 座, then the postcode
        return fk.address()
    prov = fk.province()
    city = fk.city()
    dist = fk.district() + rnd.choice(["区", "区", "县"])
    street = fk.street_name()
    num = f"{rnd.randint(1, 999)}号"
    head = prov + city + dist if rnd.random() < 0.7 else city + dist
    tail = ""
    k = rnd.random()
    if k < 0.3:
        tail = f"{fk.company_prefix()}大厦{rnd.randint(1, 45)}层"
        if rnd.random() < 0.5:
            tail += f"{rnd.randint(1, 45)}0{rnd.randint(1, 9)}室"
    elif k < 0.6:
        tail = (
            f"{fk.company_prefix()}小区{rnd.randint(1, 30)}{rnd.choice(UNITS)}"
            f"{rnd.randint(1, 6)}单元{rnd.randint(1, 30)}0{rnd.randint(1, 4)}室"
        )
    elif k < 0.75:
        tail = f"{rnd.choice('ABCDEFGH')}座{rnd.randint(2, 30)}楼"
    elif k < 0.85:
        # a village address: 村, 组
        return head + f"{fk.company_prefix()}镇{fk.last_name()}家村{rnd.randint(1, 12)}组{rnd.randint(1, 99)}号"
    a = head + street + num + tail
    if rnd.random() < 0.35:
        # a trailing postcode after a space is part of the address
        a += " " + postcode()
    return a


def company():
    return fk.company()


class Form:
    def __init__(self, file):
        self.file = file
        self.buf = bytearray()
        self.labels = []
        self.line = []

    def t(self, s):
        self.buf += s.encode()
        return self

    def v(self, kind, s):
        st = len(self.buf)
        self.buf += s.encode()
        self.labels.append((self.file, st, len(self.buf), kind))
        return self

    def nl(self):
        self.buf += b"\n"


def hm():
    return f"{rnd.randint(8, 22):02d}:{rnd.randint(0, 59):02d}"


def ts():
    return fk.date_time_between(start_date="-2y").strftime("%Y-%m-%d %H:%M:%S")


DEPTS = ["财务部", "市场部", "研发中心", "客服中心", "人力资源部", "采购部", "法务部"]
TITLES = ["经理", "总监", "主任", "副总经理", "科长", "会计"]


def prose(f):
    k = rnd.randrange(14)
    if k == 0:
        f.t("新来的同事叫").v("cn_name", name()).t(f"，负责{rnd.choice(DEPTS)}的日常工作。")
    elif k == 1:
        f.v("cn_name", name()).t(f"同志自{rnd.randint(1995, 2023)}年起担任{company()}{rnd.choice(TITLES)}。")
    elif k == 2:
        f.t("昨天").v("cn_name", name()).t("和").v("cn_name", name()).t(f"去{fk.city()}出差了，下周一回来。")
    elif k == 3:
        f.t("据").v("cn_name", name()).t("介绍，该项目预计年底完工。")
    elif k == 4:
        f.t("本次会议由").v("cn_name", name()).t("主持，").v("cn_name", name()).t("记录。")
    elif k == 5:
        f.v("cn_name", name()).t("说下周再联系，电话").v("cn_mobile", mobile()).t("。")
    elif k == 6:
        f.t("感谢").v("cn_name", name()).t("老师的耐心指导！")
    elif k == 7:
        f.t(f"{rnd.randint(2018, 2025)}年{rnd.randint(1, 12)}月，").v("cn_name", name()).t(
            f"加入{company()}，任{rnd.choice(DEPTS)}{rnd.choice(TITLES)}。"
        )
    elif k == 8:
        f.t("经查，").v("cn_name", name()).t("（身份证号").v("cn_id", cn_id()).t("）于当日到场。")
    elif k == 9:
        f.t("王经理说这批货要先发给").v("cn_name", name()).t("，再通知张总。")
    elif k == 10:
        f.t("请将材料交给").v("cn_name", name()).t("，她的邮箱是").v("email", email()).t("。")
    elif k == 11:
        f.t(f"上周末我们去了{fk.city()}，参观了{fk.company_prefix()}科技园。")
    elif k == 12:
        f.v("cn_name", name()).t("、").v("cn_name", name()).t("等三人获评年度优秀员工。")
    else:
        f.t("我的朋友").v("cn_name", name()).t("住在").v("cn_address", address()).t("。")


def chat(f):
    k = rnd.randrange(8)
    if k < 3:
        f.t(f"[{hm()}] ").v("cn_name", name()).t("：")
        f.t(rnd.choice(["收到", "好的，我马上处理", "明天上午开会", "文件已经发群里了", "谁有空帮忙看一下"]))
    elif k == 3:
        f.t(f"[{hm()}] ").v("cn_name", name()).t("：@").v("cn_name", name()).t(" 麻烦看一下这个工单")
    elif k == 4:
        f.v("cn_name", name()).t(" 邀请 ").v("cn_name", name()).t(" 加入了群聊")
    elif k == 5:
        f.t(f"{ts()} ").v("cn_name", name()).t(" 撤回了一条消息")
    elif k == 6:
        f.t(f"[{hm()}] ").v("cn_name", name()).t("：我的手机号是").v("cn_mobile", mobile())
    else:
        f.t("@").v("cn_name", name()).t(" 收到请回复")


def ticket(f):
    k = rnd.randrange(9)
    no = rnd.randint(10**9, 10**10 - 1)
    if k == 0:
        f.t(f"工单号：{no}，受理人：").v("cn_name", name()).t("，来电人：").v("cn_name", name())
        f.t("，联系电话：").v("cn_mobile", mobile())
    elif k == 1:
        f.t("来电人").v("cn_name", name()).t("反映宽带无法连接，已派单。")
    elif k == 2:
        f.t("投诉人：").v("cn_name", name()).t("，投诉内容：快递延误三天。")
    elif k == 3:
        f.t("已联系").v("cn_name", name()).t("，客户表示满意，工单关闭。")
    elif k == 4:
        f.t("客户").v("cn_name", name()).t("来电咨询账单问题，已解释。")
    elif k == 5:
        f.t("客户单位：").t(company()).t("，对接人：").v("cn_name", name())
    elif k == 6:
        f.t("回访记录：").v("cn_name", name()).t("女士对处理结果表示认可。")
    elif k == 7:
        f.t(f"工单{no}：").v("cn_name", name()).t("来电要求修改收货地址为").v("cn_address", address())
    else:
        f.t("受理人：").v("cn_name", name()).t(f" 受理时间：{ts()} 处理结果：已解决")


def log(f):
    k = rnd.randrange(6)
    host = f"app{rnd.randint(1, 9)}"
    pre = f"{ts()} {host} INFO "
    if k == 0:
        f.t(pre + "login ok name=").v("cn_name", name()).t(" ip=").v("ipv4", ipv4())
    elif k == 1:
        f.t(pre + 'payload={"realName":"').v("cn_name", name()).t('","idCard":"').v("cn_id", cn_id()).t('"}')
    elif k == 2:
        f.t(pre + "update profile userName=").v("cn_name", name()).t(" mobile=").v("cn_mobile", mobile())
    elif k == 3:
        f.t(pre + f"request done status=200 cost={rnd.randint(3, 900)}ms trace={rnd.getrandbits(64):016x}")
    elif k == 4:
        f.t(pre + "send sms to ").v("cn_mobile", mobile()).t(" for 用户").v("cn_name", name())
    else:
        f.t(pre + '{"operator":"').v("cn_name", name()).t('","action":"审批通过"}')


def events(f):
    k = rnd.randrange(4)
    # JSON written by json.dumps (ensure_ascii=False); values spliced so the
    # label offsets are exact
    if k == 0:
        n, m = name(), mobile()
        f.t('{"event":"register","realName":"').v("cn_name", n).t('","mobile":"').v("cn_mobile", m).t('"}')
    elif k == 1:
        n = name()
        f.t('{"event":"profile_update","msg":"用户').v("cn_name", n).t('修改了收货地址","ts":"' + ts() + '"}')
    elif k == 2:
        f.t('{"event":"order","userName":"').v("cn_name", name()).t('","orderNo":"' + order_number() + '","address":"')
        f.v("cn_address", address()).t('"}')
    else:
        f.t('{"event":"login","user":{"姓名":"').v("cn_name", name()).t('","email":"').v("email", email()).t('"}}')


def csv_row(f):
    f.v("cn_name", name()).t(",").v("cn_mobile", mobile()).t(",").v("cn_id", cn_id()).t(",")
    a = address()
    if "," in a:
        a = a.replace(",", "，")
    f.v("cn_address", a).t(",")
    k = rnd.randrange(4)
    if k == 0:
        f.t("由").v("cn_name", name()).t("推荐")
    elif k == 1:
        f.t("已回访")
    elif k == 2:
        f.t("老客户，").v("cn_name", name()).t("的同事")
    else:
        f.t(company())


def address_line(f):
    k = rnd.randrange(5)
    if k == 0:
        f.t("收货地址：").v("cn_address", address())
    elif k == 1:
        f.t("我家住在").v("cn_address", address()).t("，欢迎来玩。")
    elif k == 2:
        f.t("请寄往").v("cn_address", address()).t("，收件人").v("cn_name", name()).t("。")
    elif k == 3:
        f.t("公司地址：").v("cn_address", address()).t(" 电话：").v("cn_mobile", mobile())
        if rnd.random() < 0.3:
            f.t("，邮编：" + postcode())
    else:
        f.v("cn_address", address())


def bank(f):
    k = rnd.randrange(8)
    if k == 0:
        f.v("cn_name", name()).t("于" + fk.date() + "在我行开立账户").v("bank_card", card("visa"))
    elif k == 1:
        f.t("客户").v("cn_name", name()).t("在我行开立账户").v("bank_card", card("mastercard")).t("，币种美元。")
    elif k == 2:
        f.t("借记卡号：").v("bank_card", unionpay())
    elif k == 3:
        f.t("持卡人").v("cn_name", name()).t("，信用卡").v("bank_card", card("visa")).t("已激活")
    elif k == 4:
        f.t("订单号" + order_number() + "已支付，金额" + str(rnd.randint(1, 9999)) + ".00元")
    elif k == 6:
        # no card keyword at all
        f.t("今日向").v("cn_name", name()).t("名下").v("bank_card", card(rnd.choice(["visa", "mastercard"])))
        f.t(f"转入{rnd.randint(100, 99999)}元")
    elif k == 7:
        f.t("构建号 " + order_number() + "，流水 " + order_number())
    else:
        f.t("在我行开立账户" + luhn_bad(card("mastercard")) + "（校验失败，已退回）")


PLACES = ["黄山", "温州", "金华", "常州", "洪湖", "武汉", "高邮", "江阴", "马鞍山", "安庆", "龙岩", "丽江", "白山", "石家庄", "齐齐哈尔"]
BRANDS = ["康师傅", "周大福", "金龙鱼", "王老吉", "白云山", "高德地图", "方正证券", "华为", "海尔", "格力", "马应龙", "贵州茅台", "曹操出行"]


def decoy(f):
    k = rnd.randrange(10)
    if k == 0:
        f.t("身份证号" + bad_id() + "校验位错误")
    elif k == 1:
        f.t("订单号：" + order_number() + "，请在30分钟内支付")
    elif k == 2:
        f.t(f"时间戳 {rnd.randint(1600000000000, 1800000000000)} 已同步")
    elif k == 3:
        f.t(rnd.choice(["客服热线400-800-", "服务热线400-600-", "热线 95"]) + str(rnd.randint(1000, 9999)))
    elif k == 4:
        f.t(f"我们计划下个月去{rnd.choice(PLACES)}旅游，顺便看看{rnd.choice(PLACES)}。")
    elif k == 5:
        f.t(f"超市里{rnd.choice(BRANDS)}的产品打折了，{rnd.choice(BRANDS)}也在促销。")
    elif k == 6:
        f.t(rnd.choice(["王经理", "李总", "张老师", "陈主任", "刘师傅", "赵医生"]) + "明天上午到公司开会。")
    elif k == 7:
        f.t("客户单位：" + company() + "，合同已签署。")
    elif k == 8:
        f.t("卡号" + luhn_bad(unionpay()) + "无效")
    else:
        f.t(f"版本号 v{rnd.randint(1, 9)}.{rnd.randint(0, 20)}.{rnd.randint(0, 99)}，构建号 {rnd.randint(10**15, 10**16 - 1)}")


def main():
    forms = [
        ("prose.txt", prose),
        ("chat.txt", chat),
        ("ticket.txt", ticket),
        ("log.txt", log),
        ("events.jsonl", events),
        ("export.csv", csv_row),
        ("address.txt", address_line),
        ("bank.txt", bank),
        ("decoy.txt", decoy),
    ]
    labels = []
    for file, fn in forms:
        f = Form(file)
        if file.endswith(".csv"):
            f.t("姓名,手机号,身份证号,地址,备注")
            f.nl()
        for _ in range(LINES_PER_FORM):
            fn(f)
            f.nl()
        with open(os.path.join(HERE, file), "wb") as out:
            out.write(bytes(f.buf))
        labels += f.labels
        # JSON lines must parse
        if file.endswith(".jsonl"):
            for line in f.buf.decode().splitlines():
                json.loads(line)
    with open(os.path.join(HERE, "labels.tsv"), "w", encoding="utf-8") as out:
        out.write("# file\tstart\tend\tkind (UTF-8 byte offsets; written by gen.py)\n")
        for file, s, e, k in labels:
            out.write(f"{file}\t{s}\t{e}\t{k}\n")


if __name__ == "__main__":
    main()
