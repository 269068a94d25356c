// PCRE2, 8-bit code units (UTF-8), as Debian's libpcre2-dev installs it.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
