"""_heaplab_time (frozen in heaplab): time.struct_time and the calendar
functions of the time module, copied into it when it is created.

Heaplab reads no time-zone database: local time is UTC (localtime() ==
gmtime(), timezone == 0, tzname == ('UTC', 'UTC'))."""

import time as _time  # the native module, being initialised

__all__ = ('struct_time', 'gmtime', 'localtime', 'mktime', 'strftime',
           'asctime', 'ctime', 'timezone', 'altzone', 'daylight', 'tzname')

timezone = 0
altzone = 0
daylight = 0
tzname = ('UTC', 'UTC')

_FIELDS = ('tm_year', 'tm_mon', 'tm_mday', 'tm_hour', 'tm_min', 'tm_sec',
           'tm_wday', 'tm_yday', 'tm_isdst')
_DAYS = ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday',
         'Sunday')
_MONTHS = ('January', 'February', 'March', 'April', 'May', 'June', 'July',
           'August', 'September', 'October', 'November', 'December')


class struct_time(tuple):
    """The time value sequence returned by gmtime() and localtime()."""

    n_sequence_fields = 9
    n_fields = 11
    n_unnamed_fields = 0

    def __new__(cls, seq, dict=None):
        seq = tuple(seq)
        if not 9 <= len(seq) <= 11:
            raise TypeError("time.struct_time() takes a 9-sequence (%d-sequence given)"
                            % len(seq))
        self = tuple.__new__(cls, seq[:9])
        self._extra = seq[9:] + (None,) * (11 - len(seq))
        return self

    tm_year = property(lambda self: self[0])
    tm_mon = property(lambda self: self[1])
    tm_mday = property(lambda self: self[2])
    tm_hour = property(lambda self: self[3])
    tm_min = property(lambda self: self[4])
    tm_sec = property(lambda self: self[5])
    tm_wday = property(lambda self: self[6])
    tm_yday = property(lambda self: self[7])
    tm_isdst = property(lambda self: self[8])
    tm_zone = property(lambda self: self._extra[0])
    tm_gmtoff = property(lambda self: self._extra[1])

    def __repr__(self):
        return 'time.struct_time(%s)' % ', '.join(
            '%s=%r' % (n, v) for n, v in zip(_FIELDS, self))

    def __reduce__(self):
        return (struct_time, (tuple(self) + self._extra,))


struct_time.__module__ = 'time'


def _civil(days):
    # (year, month, day) of a day count since 1970-01-01 (proleptic
    # Gregorian calendar, eras of 400 years).
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (m <= 2), m, d


def _days(y, m, d):
    # Inverse of _civil.
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def gmtime(seconds=None):
    """The UTC struct_time of seconds since the epoch (default: now)."""
    if seconds is None:
        seconds = _time.time()
    s = int(seconds // 1)
    days, rem = divmod(s, 86400)
    y, m, d = _civil(days)
    yday = days - _days(y, 1, 1) + 1
    return struct_time((y, m, d, rem // 3600, rem // 60 % 60, rem % 60,
                        (days + 3) % 7, yday, 0, 'UTC', 0))


def localtime(seconds=None):
    """The local struct_time of seconds (heaplab: local time is UTC)."""
    return gmtime(seconds)


def mktime(t):
    """Seconds since the epoch of local struct_time or 9-tuple t."""
    y, m, d, hh, mm, ss = tuple(t)[:6]
    m -= 1
    y += m // 12
    m = m % 12 + 1
    return float(_days(y, m, 1) + d - 1) * 86400.0 + hh * 3600 + mm * 60 + ss


def asctime(t=None):
    """'Sun Jun 20 23:21:05 1993' for struct_time t (default: now)."""
    if t is None:
        t = localtime()
    return '%s %s %2d %02d:%02d:%02d %d' % (
        _DAYS[t[6]][:3], _MONTHS[t[1] - 1][:3], t[2], t[3], t[4], t[5], t[0])


def ctime(seconds=None):
    """asctime(localtime(seconds))."""
    return asctime(localtime(seconds))


def strftime(format, t=None):
    """format with its %-directives replaced from struct_time t."""
    if t is None:
        t = localtime()
    t = tuple(t)
    y, m, d, hh, mm, ss, wd, yd = t[:8]
    fields = {
        'Y': str(y), 'y': '%02d' % (y % 100), 'm': '%02d' % m, 'd': '%02d' % d,
        'e': '%2d' % d, 'H': '%02d' % hh, 'M': '%02d' % mm, 'S': '%02d' % ss,
        'I': '%02d' % ((hh + 11) % 12 + 1), 'p': 'AM' if hh < 12 else 'PM',
        'j': '%03d' % yd, 'w': str((wd + 1) % 7), 'u': str(wd + 1),
        'a': _DAYS[wd][:3], 'A': _DAYS[wd], 'b': _MONTHS[m - 1][:3],
        'h': _MONTHS[m - 1][:3], 'B': _MONTHS[m - 1], 'Z': 'UTC', 'z': '+0000',
        'n': '\n', 't': '\t', '%': '%',
    }
    fields['c'] = asctime(t)
    fields['x'] = '%s/%s/%s' % (fields['m'], fields['d'], fields['y'])
    fields['X'] = '%s:%s:%s' % (fields['H'], fields['M'], fields['S'])
    fields['D'] = fields['x']
    fields['T'] = fields['X']
    fields['F'] = '%s-%s-%s' % (fields['Y'], fields['m'], fields['d'])
    fields['R'] = '%s:%s' % (fields['H'], fields['M'])
    out = []
    i, n = 0, len(format)
    while i < n:
        c = format[i]
        if c == '%' and i + 1 < n:
            out.append(fields.get(format[i + 1], format[i:i + 2]))
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)


class _Builtin:
    """A function that, like CPython's built-in ones, does not bind as a
    method when stored in a class (logging.Formatter.converter = localtime)."""

    def __init__(self, f):
        self._f = f
        self.__name__ = self.__qualname__ = f.__name__
        self.__doc__ = f.__doc__
        self.__module__ = 'time'

    def __call__(self, *args, **kwargs):
        return self._f(*args, **kwargs)

    def __repr__(self):
        return '<built-in function %s>' % self.__name__


gmtime = _Builtin(gmtime)
localtime = _Builtin(localtime)
mktime = _Builtin(mktime)
asctime = _Builtin(asctime)
ctime = _Builtin(ctime)
strftime = _Builtin(strftime)
