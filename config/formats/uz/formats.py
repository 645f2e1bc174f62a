# Uzbek (Latin): "30-noyabr, 2026-yil" with the month in lower case (from the catalogue's
# "alt. month" forms), "noyabr, 2026-yil" for a month; Django's uz file capitalises the month.
YEAR_MONTH_FORMAT = r"E, Y-\y\i\l"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
