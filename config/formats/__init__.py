"""Date and number formats where Django's own locale files fall short (FORMAT_MODULE_PATH).

Only the settings that differ are defined: Django reads any other one from its own locale.
Month names in dates ("alt. month") come from the project's catalogues (months.py), so Kyrgyz
and Uzbek write them in lower case after the day, as their grammars do.
"""
