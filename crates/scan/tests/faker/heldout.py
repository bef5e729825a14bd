#!/usr/bin/env python3
"""A second, held-out template set for the faker corpus (issue #22): forms the
scanner was not tuned on (meeting attendees, couriers, bylines, appointments,
`customer=` log fields, letter signatures, sales contacts, patients, transfer
notes, registered addresses) and filler. Written for checking, not asserted:

    FAKER_OUT=/tmp/ho python heldout.py
    FAKER_DIR=/tmp/ho cargo test -p scan --test faker faker_corpus -- --nocapture

(the test then fails only on its minimum counts of identifiers; the table
is what matters). Seeded; Faker zh_CN as in gen.py.
"""
import os
import random
from faker import Faker
fk = Faker('zh_CN'); fk.seed_instance(777); r = random.Random(777)
buf = bytearray(); labels = []
def t(s): buf.extend(s.encode())
def v(k, s):
    st = len(buf); buf.extend(s.encode()); labels.append(('prose.txt', st, len(buf), k))
def nm(): return fk.name()
for _ in range(600):
    k = r.randrange(12)
    if k == 0: t('参会人员：'); v('cn_name', nm()); t('、'); v('cn_name', nm()); t('、'); v('cn_name', nm())
    elif k == 1: t('快递员'); v('cn_name', nm()); t('已揽收，寄件地址：'); v('cn_address', fk.address())
    elif k == 2: t('本报讯（记者'); v('cn_name', nm()); t('）昨日，市政府召开新闻发布会。')
    elif k == 3: t('经研究，决定任命'); v('cn_name', nm()); t('为办公室副主任。')
    elif k == 4: t(f'{fk.date()} customer='); v('cn_name', nm()); t(' status=ok')
    elif k == 5: t('此致 敬礼！'); v('cn_name', nm()); t(f' {fk.date()}')
    elif k == 6: t('请联系我们的销售代表'); v('cn_name', nm()); t('，手机'); v('cn_mobile', fk.phone_number()); t('。')
    elif k == 7: t('患者'); v('cn_name', nm()); t(f'，{r.randint(20,80)}岁，因头痛入院。')
    elif k == 8: t('今天天气很好，我们一起去公园散步，然后吃了午饭。')
    elif k == 9: t('该公司注册地址位于'); v('cn_address', fk.address()); t('，经营范围包括软件开发。')
    elif k == 10: t('转账给'); v('cn_name', nm()); t('，备注：房租')
    else: t('系统于凌晨完成升级，版本号2.3.1，共修复15个问题。')
    buf.extend(b'\n')
OUT = os.environ['FAKER_OUT']
os.makedirs(OUT, exist_ok=True)
open(os.path.join(OUT, 'prose.txt'),'wb').write(bytes(buf))
for f in ['chat.txt','ticket.txt','log.txt','events.jsonl','export.csv','address.txt','bank.txt','decoy.txt']: open(os.path.join(OUT, f),'wb').write(b'')
open(os.path.join(OUT, 'labels.tsv'),'w').write(''.join(f'{a}\t{b}\t{c}\t{d}\n' for a,b,c,d in labels))
