# Kyrgyz, as CLDR and official documents write it: "2026-ж., 30-ноябрь" (year first, the day
# with a hyphen, the month in lower case); a decimal comma and a non-breaking space between
# thousands ("1 234,5"). Django's own ky file has "30 Ноябрь 2026 ж." and a decimal point.
DATE_FORMAT = "Y-ж., j-E"
DATETIME_FORMAT = "Y-ж., j-E, G:i"
YEAR_MONTH_FORMAT = "Y-ж., E"
MONTH_DAY_FORMAT = "j-E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3
