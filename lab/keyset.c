/*
** keyset.c: open-addressing set of 128-bit keys (see keyset.h).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "keyset.h"

struct slot {
	uint8_t key[16];
	uint8_t state;		/* 0 = empty */
};

struct keyset {
	struct slot *slot;
	size_t cap, n;		/* cap a power of two, n < cap / 2 */
};

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int parse_key(const char *hex, uint8_t out[16])
{
	for (int i = 0; i < 16; i++) {
		int hi = hexval((unsigned char)hex[2 * i]), lo;

		if (hi < 0 || (lo = hexval((unsigned char)hex[2 * i + 1])) < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return hex[32] == '\0' ? 0 : -1;
}

/* The keys are hashes already: their first bytes index the table. */
static size_t home(const uint8_t key[16], size_t cap)
{
	uint64_t h;

	memcpy(&h, key, sizeof h);
	return (size_t)h & (cap - 1);
}

static struct slot *find(const struct keyset *ks, const uint8_t key[16])
{
	size_t i = home(key, ks->cap);

	while (ks->slot[i].state && memcmp(ks->slot[i].key, key, 16))
		i = (i + 1) & (ks->cap - 1);
	return &ks->slot[i];
}

struct keyset *keyset_new(void)
{
	struct keyset *ks = calloc(1, sizeof *ks);

	if (!ks)
		return NULL;
	ks->cap = 1024;
	ks->slot = calloc(ks->cap, sizeof *ks->slot);
	if (!ks->slot) {
		free(ks);
		return NULL;
	}
	return ks;
}

void keyset_free(struct keyset *ks)
{
	if (ks)
		free(ks->slot);
	free(ks);
}

static int grow(struct keyset *ks)
{
	struct keyset bigger = { calloc(ks->cap * 2, sizeof *ks->slot), ks->cap * 2, ks->n };

	if (!bigger.slot)
		return -1;
	for (size_t i = 0; i < ks->cap; i++)
		if (ks->slot[i].state)
			*find(&bigger, ks->slot[i].key) = ks->slot[i];
	free(ks->slot);
	*ks = bigger;
	return 0;
}

int keyset_raise(struct keyset *ks, const char *key, int state)
{
	uint8_t k[16];
	struct slot *s;

	if (state < 1 || state > 255 || parse_key(key, k))
		return -1;
	if (2 * (ks->n + 1) > ks->cap && grow(ks))
		return -1;
	s = find(ks, k);
	if (!s->state) {
		memcpy(s->key, k, 16);
		ks->n++;
	}
	if (s->state < state)
		s->state = (uint8_t)state;
	return 0;
}

int keyset_get(const struct keyset *ks, const char *key)
{
	uint8_t k[16];

	if (parse_key(key, k))
		return 0;
	return find(ks, k)->state;
}
