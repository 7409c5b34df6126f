/*
** insn.c: instruction names (see insn.h).
*/
#include <stddef.h>

#include "insn.h"

static const char *const op_names[OP__COUNT] = {
#define GS_OP_NAME(e, m, c) m,
	GS_OPS(GS_OP_NAME)
#undef GS_OP_NAME
};

static const char *const op_classes[OP__COUNT] = {
#define GS_OP_CLASS(e, m, c) c,
	GS_OPS(GS_OP_CLASS)
#undef GS_OP_CLASS
};

const char *gs_op_name(int op)
{
	return op >= 0 && op < OP__COUNT ? op_names[op] : "?";
}

const char *gs_op_class(int op)
{
	return op >= 0 && op < OP__COUNT ? op_classes[op] : "?";
}
