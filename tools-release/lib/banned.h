/*
 * banned.h: functions that must not be used in xenstable.
 *
 * Each is redefined to a name that does not exist, so a use fails to
 * compile with a message that names the banned function.
 */
#ifndef XS_BANNED_H
#define XS_BANNED_H

#define XS_BANNED(func) sorry_##func##_is_banned_use_strbuf

#undef strcpy
#define strcpy(a, b) XS_BANNED(strcpy)
#undef strcat
#define strcat(a, b) XS_BANNED(strcat)
#undef strncpy
#define strncpy(a, b, n) XS_BANNED(strncpy)
#undef strncat
#define strncat(a, b, n) XS_BANNED(strncat)
#undef sprintf
#define sprintf(...) XS_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) XS_BANNED(vsprintf)
#undef gets
#define gets(a) XS_BANNED(gets)
#undef strtok
#define strtok(a, b) XS_BANNED(strtok)
#undef asctime
#define asctime(t) XS_BANNED(asctime)
#undef ctime
#define ctime(t) XS_BANNED(ctime)
#undef gmtime
#define gmtime(t) XS_BANNED(gmtime)
#undef localtime
#define localtime(t) XS_BANNED(localtime)

#endif
