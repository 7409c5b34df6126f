/*
** keyset.h: a set of point keys (32 hex digits) with a small state per
** key, for a sweep's resume and status over millions of points: 17 bytes
** a key, open addressing, no per-key allocation.
*/
#ifndef gs_keyset_h
#define gs_keyset_h

#include <stddef.h>

struct keyset;

struct keyset *keyset_new(void);
void keyset_free(struct keyset *ks);
/* Raise key's state to at least state (1..255); -1 when out of memory or
** the key is not 32 hex digits. */
int keyset_raise(struct keyset *ks, const char *key, int state);
/* The key's state, 0 when absent. */
int keyset_get(const struct keyset *ks, const char *key);

#endif
