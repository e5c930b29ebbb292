"""The Python half of heaplab's native `_locale` module: the C locale only."""

CHAR_MAX = 127
LC_CTYPE = 0
LC_NUMERIC = 1
LC_TIME = 2
LC_COLLATE = 3
LC_MONETARY = 4
LC_MESSAGES = 5
LC_ALL = 6
CODESET = 14
D_T_FMT = 0x20028
D_FMT = 0x20029
T_FMT = 0x2002A
RADIXCHAR = 0x10000
THOUSEP = 0x10001


class Error(Exception):
    pass


Error.__module__ = "locale"


def setlocale(category, locale=None):
    if not isinstance(category, int):
        raise TypeError("an integer is required")
    if category < 0 or category > 6:
        raise Error("unsupported locale setting")
    if locale is None or locale in ("", "C", "POSIX", "C.UTF-8", "C.utf8"):
        return "C"
    raise Error("unsupported locale setting")


def localeconv():
    return {'int_curr_symbol': '', 'currency_symbol': '', 'mon_decimal_point': '',
            'mon_thousands_sep': '', 'mon_grouping': [], 'positive_sign': '',
            'negative_sign': '', 'int_frac_digits': 127, 'frac_digits': 127,
            'p_cs_precedes': 127, 'p_sep_by_space': 127, 'n_cs_precedes': 127,
            'n_sep_by_space': 127, 'p_sign_posn': 127, 'n_sign_posn': 127,
            'decimal_point': '.', 'thousands_sep': '', 'grouping': []}


def getencoding():
    return "UTF-8"


def nl_langinfo(key):
    if key == CODESET:
        return "UTF-8"
    if key == RADIXCHAR:
        return "."
    if key == THOUSEP:
        return ""
    if key == D_T_FMT:
        return "%a %b %e %H:%M:%S %Y"
    if key == D_FMT:
        return "%m/%d/%y"
    if key == T_FMT:
        return "%H:%M:%S"
    return ""


def _getdefaultlocale():
    return (None, "UTF-8")


def strcoll(a, b):
    if not isinstance(a, str) or not isinstance(b, str):
        raise TypeError("strcoll arguments must be strings")
    return (a > b) - (a < b)


def strxfrm(s):
    if not isinstance(s, str):
        raise TypeError("strxfrm argument must be str")
    return s
