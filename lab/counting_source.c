/*
** counting_source.c: a pass-through instruction source that counts (see
** counting_source.h).
*/
#include "counting_source.h"

static int counting_next(void *ctx, struct gs_insn *out, struct gs_err *err)
{
	struct counting_source *cs = ctx;
	int r = cs->inner.next(cs->inner.ctx, out, err);

	if (r > 0 && ++cs->count % cs->every == 0 && cs->tick)
		cs->tick(cs->tick_ctx, cs->count);
	return r;
}

static void counting_close(void *ctx)
{
	struct counting_source *cs = ctx;

	if (cs->inner.close)
		cs->inner.close(cs->inner.ctx);
}

static const char *counting_name(void *ctx)
{
	struct counting_source *cs = ctx;

	return cs->inner.name ? cs->inner.name(cs->inner.ctx) : "?";
}

void counting_source_wrap(struct counting_source *cs, const struct gs_source *inner,
			  uint64_t every, void (*tick)(void *ctx, uint64_t count), void *ctx,
			  struct gs_source *out)
{
	cs->inner = *inner;
	cs->count = 0;
	cs->every = every ? every : 1;
	cs->tick = tick;
	cs->tick_ctx = ctx;
	out->ctx = cs;
	out->next = counting_next;
	out->close = counting_close;
	out->name = counting_name;
}
