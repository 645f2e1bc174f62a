"""Load Kyrgyzstan's oblasts, rayons, towns and city districts.

Frozen here, data and loader both: a migration must do the same thing however the
application's code and data files change later (platforms/data/territories.csv may grow).
"""

import csv
import io

from django.db import migrations

TERRITORIES = """\
code,parent_code,kind,name_en,name_ru,name_ky
KG,,country,Kyrgyzstan,Кыргызстан,Кыргызстан
KG-B,KG,oblast,Batken Region,Баткенская область,Баткен облусу
KG-C,KG,oblast,Chui Region,Чуйская область,Чүй облусу
KG-J,KG,oblast,Jalal-Abad Region,Джалал-Абадская область,Жалал-Абад облусу
KG-N,KG,oblast,Naryn Region,Нарынская область,Нарын облусу
KG-O,KG,oblast,Osh Region,Ошская область,Ош облусу
KG-T,KG,oblast,Talas Region,Таласская область,Талас облусу
KG-Y,KG,oblast,Issyk-Kul Region,Иссык-Кульская область,Ысык-Көл облусу
KG-GB,KG,city_republican,Bishkek,Бишкек,Бишкек
KG-GO,KG,city_republican,Osh,Ош,Ош
KG-B-BATKEN,KG-B,rayon,Batken District,Баткенский район,Баткен району
KG-B-KADAMJAI,KG-B,rayon,Kadamjai District,Кадамжайский район,Кадамжай району
KG-B-LEILEK,KG-B,rayon,Leilek District,Лейлекский район,Лейлек району
KG-B-BATKEN-CITY,KG-B,city,Batken,Баткен,Баткен
KG-B-KYZYL-KIYA-CITY,KG-B,city,Kyzyl-Kiya,Кызыл-Кия,Кызыл-Кыя
KG-B-SULUKTA-CITY,KG-B,city,Sulukta,Сулюкта,Сүлүктү
KG-B-ISFANA-CITY,KG-B,city,Isfana,Исфана,Исфана
KG-B-KADAMJAI-CITY,KG-B,city,Kadamjai,Кадамжай,Кадамжай
KG-B-AIDARKEN-CITY,KG-B,city,Aidarken,Айдаркен,Айдаркен
KG-C-ALAMUDUN,KG-C,rayon,Alamudun District,Аламудунский район,Аламүдүн району
KG-C-CHUI,KG-C,rayon,Chui District,Чуйский район,Чүй району
KG-C-ISSYK-ATA,KG-C,rayon,Issyk-Ata District,Ысык-Атинский район,Ысык-Ата району
KG-C-JAIYL,KG-C,rayon,Jaiyl District,Жайылский район,Жайыл району
KG-C-KEMIN,KG-C,rayon,Kemin District,Кеминский район,Кемин району
KG-C-MOSKVA,KG-C,rayon,Moskva District,Московский район,Москва району
KG-C-PANFILOV,KG-C,rayon,Panfilov District,Панфиловский район,Панфилов району
KG-C-SOKULUK,KG-C,rayon,Sokuluk District,Сокулукский район,Сокулук району
KG-C-TOKMOK-CITY,KG-C,city,Tokmok,Токмок,Токмок
KG-C-KARA-BALTA-CITY,KG-C,city,Kara-Balta,Кара-Балта,Кара-Балта
KG-C-KANT-CITY,KG-C,city,Kant,Кант,Кант
KG-C-SHOPOKOV-CITY,KG-C,city,Shopokov,Шопоков,Шопоков
KG-C-KAINDY-CITY,KG-C,city,Kaindy,Кайынды,Кайыңды
KG-C-KEMIN-CITY,KG-C,city,Kemin,Кемин,Кемин
KG-C-ORLOVKA-CITY,KG-C,city,Orlovka,Орловка,Орловка
KG-J-AKSY,KG-J,rayon,Aksy District,Аксыйский район,Аксы району
KG-J-ALA-BUKA,KG-J,rayon,Ala-Buka District,Ала-Букинский район,Ала-Бука району
KG-J-BAZAR-KORGON,KG-J,rayon,Bazar-Korgon District,Базар-Коргонский район,Базар-Коргон району
KG-J-CHATKAL,KG-J,rayon,Chatkal District,Чаткальский район,Чаткал району
KG-J-NOOKEN,KG-J,rayon,Nooken District,Ноокенский район,Ноокен району
KG-J-SUZAK,KG-J,rayon,Suzak District,Сузакский район,Сузак району
KG-J-TOGUZ-TORO,KG-J,rayon,Toguz-Toro District,Тогуз-Тороуский район,Тогуз-Торо району
KG-J-TOKTOGUL,KG-J,rayon,Toktogul District,Токтогульский район,Токтогул району
KG-J-JALAL-ABAD-CITY,KG-J,city,Jalal-Abad,Джалал-Абад,Жалал-Абад
KG-J-KARA-KUL-CITY,KG-J,city,Kara-Kul,Кара-Куль,Кара-Көл
KG-J-MAILUU-SUU-CITY,KG-J,city,Mailuu-Suu,Майлуу-Суу,Майлуу-Суу
KG-J-TASH-KUMYR-CITY,KG-J,city,Tash-Kumyr,Таш-Кумыр,Таш-Көмүр
KG-J-KERBEN-CITY,KG-J,city,Kerben,Кербен,Кербен
KG-J-KOK-JANGAK-CITY,KG-J,city,Kok-Jangak,Кок-Джангак,Көк-Жаңгак
KG-J-KOCHKOR-ATA-CITY,KG-J,city,Kochkor-Ata,Кочкор-Ата,Кочкор-Ата
KG-J-TOKTOGUL-CITY,KG-J,city,Toktogul,Токтогул,Токтогул
KG-N-AK-TALAA,KG-N,rayon,Ak-Talaa District,Ак-Талинский район,Ак-Талаа району
KG-N-AT-BASHY,KG-N,rayon,At-Bashy District,Ат-Башинский район,Ат-Башы району
KG-N-JUMGAL,KG-N,rayon,Jumgal District,Жумгальский район,Жумгал району
KG-N-KOCHKOR,KG-N,rayon,Kochkor District,Кочкорский район,Кочкор району
KG-N-NARYN,KG-N,rayon,Naryn District,Нарынский район,Нарын району
KG-N-NARYN-CITY,KG-N,city,Naryn,Нарын,Нарын
KG-O-ALAI,KG-O,rayon,Alai District,Алайский район,Алай району
KG-O-ARAVAN,KG-O,rayon,Aravan District,Араванский район,Араван району
KG-O-CHON-ALAI,KG-O,rayon,Chon-Alai District,Чон-Алайский район,Чоң-Алай району
KG-O-KARA-KULJA,KG-O,rayon,Kara-Kulja District,Кара-Кульджинский район,Кара-Кулжа району
KG-O-KARA-SUU,KG-O,rayon,Kara-Suu District,Кара-Суйский район,Кара-Суу району
KG-O-NOOKAT,KG-O,rayon,Nookat District,Ноокатский район,Ноокат району
KG-O-UZGEN,KG-O,rayon,Uzgen District,Узгенский район,Өзгөн району
KG-O-UZGEN-CITY,KG-O,city,Uzgen,Узген,Өзгөн
KG-O-KARA-SUU-CITY,KG-O,city,Kara-Suu,Кара-Суу,Кара-Суу
KG-O-NOOKAT-CITY,KG-O,city,Nookat,Ноокат,Ноокат
KG-T-BAKAI-ATA,KG-T,rayon,Bakai-Ata District,Бакай-Атинский район,Бакай-Ата району
KG-T-KARA-BUURA,KG-T,rayon,Kara-Buura District,Кара-Бууринский район,Кара-Буура району
KG-T-MANAS,KG-T,rayon,Manas District,Манасский район,Манас району
KG-T-TALAS,KG-T,rayon,Talas District,Таласский район,Талас району
KG-T-TALAS-CITY,KG-T,city,Talas,Талас,Талас
KG-Y-AK-SUU,KG-Y,rayon,Ak-Suu District,Ак-Суйский район,Ак-Суу району
KG-Y-ISSYK-KUL,KG-Y,rayon,Issyk-Kul District,Иссык-Кульский район,Ысык-Көл району
KG-Y-JETI-OGUZ,KG-Y,rayon,Jeti-Oguz District,Джети-Огузский район,Жети-Өгүз району
KG-Y-TON,KG-Y,rayon,Ton District,Тонский район,Тоң району
KG-Y-TYUP,KG-Y,rayon,Tyup District,Тюпский район,Түп району
KG-Y-KARAKOL-CITY,KG-Y,city,Karakol,Каракол,Каракол
KG-Y-BALYKCHY-CITY,KG-Y,city,Balykchy,Балыкчы,Балыкчы
KG-Y-CHOLPON-ATA-CITY,KG-Y,city,Cholpon-Ata,Чолпон-Ата,Чолпон-Ата
KG-GB-LENINSKY,KG-GB,city_district,Leninsky District,Ленинский район,Ленин району
KG-GB-OKTYABRSKY,KG-GB,city_district,Oktyabrsky District,Октябрьский район,Октябрь району
KG-GB-PERVOMAISKY,KG-GB,city_district,Pervomaisky District,Первомайский район,Биринчи Май району
KG-GB-SVERDLOVSKY,KG-GB,city_district,Sverdlovsky District,Свердловский район,Свердлов району
"""


def load(apps, schema_editor):
    Territory = apps.get_model("platforms", "Territory")
    known = {t.code: t for t in Territory.objects.all()}
    for row in csv.DictReader(io.StringIO(TERRITORIES)):
        parent = known[row["parent_code"]] if row["parent_code"] else None
        node = known.get(row["code"]) or Territory(code=row["code"])
        node.parent = parent
        node.kind = row["kind"]
        node.name_en = row["name_en"]
        node.name_ru = row["name_ru"]
        node.name_ky = row["name_ky"]
        node.save()
        node.path = f"{parent.path if parent else '/'}{node.pk}/"
        Territory.objects.filter(pk=node.pk).update(path=node.path)
        known[node.code] = node


class Migration(migrations.Migration):
    dependencies = [("platforms", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
