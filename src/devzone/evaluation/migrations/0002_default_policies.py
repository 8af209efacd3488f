"""Default differentiated policies (差别化政策) for the 亩均 classes; administrators edit them afterwards.

The texts follow the common practice of 亩均效益 reforms (resource factors priced by class); the amounts are
defaults, not rules of the code.
"""

from django.db import migrations

DEFAULTS = [
    ("A", "electricity", "执行正常电价;有序用电时最后安排限电,优先保障用电需求"),
    ("A", "water", "执行基本水价,优先保障用水"),
    ("A", "land_tax", "城镇土地使用税按规定给予全额减免(或奖励)"),
    ("A", "emission", "优先安排新增排污权指标,可优先参与排污权交易"),
    ("A", "land", "优先保障新增建设用地,支持增资扩产"),
    ("B", "electricity", "执行正常电价"),
    ("B", "water", "执行基本水价"),
    ("B", "land_tax", "城镇土地使用税按规定减半征收"),
    ("B", "emission", "正常安排排污权指标"),
    ("B", "land", "按需安排新增建设用地"),
    ("C", "electricity", "执行差别化电价,每千瓦时加价 0.05 元;有序用电时优先限电"),
    ("C", "water", "执行差别化水价,超定额部分累进加价"),
    ("C", "land_tax", "城镇土地使用税不予减免"),
    ("C", "emission", "原则上不新增排污权指标"),
    ("C", "land", "原则上不新增建设用地,引导提质增效、技术改造"),
    ("D", "electricity", "执行差别化电价,每千瓦时加价 0.10 元;有序用电时率先限电"),
    ("D", "water", "执行差别化水价,每立方米加价;超定额部分累进加价"),
    ("D", "land_tax", "城镇土地使用税不予减免,依法足额征收"),
    ("D", "emission", "不新增排污权指标,不得受让排污权"),
    ("D", "land", "不新增建设用地,倒逼整治、兼并重组或腾退低效用地"),
]


def seed(apps, schema_editor):
    PolicyRule = apps.get_model("evaluation", "PolicyRule")
    if PolicyRule.objects.filter(scheme_key="mujun").exists():
        return
    PolicyRule.objects.bulk_create(
        PolicyRule(scheme_key="mujun", class_key=klass, category=category, text=text, sort_order=index)
        for index, (klass, category, text) in enumerate(DEFAULTS))


def unseed(apps, schema_editor):
    apps.get_model("evaluation", "PolicyRule").objects.filter(scheme_key="mujun").delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
