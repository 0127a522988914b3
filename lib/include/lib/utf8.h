/* UTF-8 encoding. */
#ifndef LIB_UTF8_H
#define LIB_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Writes code point 'cp' (at most 0x10ffff) to 'out' as 1 to 4 bytes;
 * returns how many. */
size_t utf8_encode(uint32_t cp, char *out);

#endif
