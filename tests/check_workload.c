/*
** check_workload.c: the workload library. The tables are checked against
** an independent rebuild of each network from its definition (ResNet50
** stages, the Jasper block list, the GNMT layer list), against the
** totals and spot values of workloads.md, and for internal consistency
** (K = Cin*kh*kw, N from the output-size formula); lookups and their
** error messages.
*/
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

static size_t layers_of(const char *net, const struct layer **first)
{
	struct gs_err err = { "" };
	size_t n = 0;

	ck_assert_msg(!workload_layers(net, first, &n, &err), "%s: %s", net, err.msg);
	return n;
}

static const struct layer *find(const char *spec)
{
	struct gs_err err = { "" };
	const struct layer *l = workload_find(spec, &err);

	ck_assert_msg(l != NULL, "%s: %s", spec, err.msg);
	return l;
}

static void assert_gemm(const char *spec, uint32_t M, uint32_t K, uint32_t N)
{
	const struct layer *l = find(spec);

	ck_assert_msg(l->M == M && l->K == K && l->N == N, "%s: %u x %u x %u, expected %u x %u x %u",
		      spec, l->M, l->K, l->N, M, K, N);
}

static uint64_t conv_out(uint64_t in, uint64_t k, uint64_t stride, uint64_t pad, uint64_t dil)
{
	return (in + 2 * pad - dil * (k - 1) - 1) / stride + 1;
}

START_TEST(test_counts)
{
	const struct layer *l;
	size_t n, conv = 0, fc = 0;

	n = layers_of("resnet50", &l);
	ck_assert_uint_eq(n, 54);
	for (size_t i = 0; i < n; i++) {
		conv += l[i].kind == LAYER_CONV2D;
		fc += l[i].kind == LAYER_FC;
	}
	ck_assert_uint_eq(conv, 53);
	ck_assert_uint_eq(fc, 1);
	ck_assert_str_eq(l[0].name, "conv1");
	ck_assert_str_eq(l[n - 1].name, "fc");

	/* prologue + 10 blocks x 5 sub-convs + 1+2+...+10 projections + conv2, conv3, decoder */
	ck_assert_uint_eq(layers_of("jasper", &l), 1 + 50 + 55 + 3);
	/* 4 + 3 x 2 encoder, 2 + 2 attention, 3 x 2 decoder, classifier */
	ck_assert_uint_eq(layers_of("gnmt", &l), 21);
}
END_TEST

/* ResNet50 v1.5 rebuilt from its stage list, compared layer by layer
** (names, order and geometry). */
START_TEST(test_resnet50_structure)
{
	static const struct { int blocks; uint32_t mid; } stage[4] = {
		{ 3, 64 }, { 4, 128 }, { 6, 256 }, { 3, 512 } };
	const struct layer *l;
	size_t n = layers_of("resnet50", &l), at = 0;
	uint32_t cin = 64, h = 56;	/* after conv1 (112) and the 3x3/2 max pool */
	char name[64];

	ck_assert_str_eq(l[0].name, "conv1");
	ck_assert(l[0].cin == 3 && l[0].cout == 64 && l[0].kh == 7 && l[0].kw == 7 &&
		  l[0].stride == 2 && l[0].pad == 3 && l[0].h_in == 224 && l[0].w_in == 224);
	at = 1;
	for (int s = 0; s < 4; s++) {
		for (int b = 0; b < stage[s].blocks; b++) {
			uint32_t mid = stage[s].mid, str = (b == 0 && s > 0) ? 2 : 1;
			uint32_t h_out = (h - 1) / str + 1;
			struct { const char *part; uint32_t ci, co, k, st, pad, hin; } want[4] = {
				{ "conv1", cin, mid, 1, 1, 0, h },
				{ "conv2", mid, mid, 3, str, 1, h },
				{ "conv3", mid, 4 * mid, 1, 1, 0, h_out },
				{ "downsample", cin, 4 * mid, 1, str, 0, h },
			};

			for (int c = 0; c < (b == 0 ? 4 : 3); c++) {
				ck_assert_uint_lt(at, n);
				snprintf(name, sizeof name, "layer%d.%d.%s", s + 1, b, want[c].part);
				ck_assert_str_eq(l[at].name, name);
				ck_assert_str_eq(l[at].net, "resnet50");
				ck_assert_int_eq(l[at].kind, LAYER_CONV2D);
				ck_assert_msg(l[at].cin == want[c].ci && l[at].cout == want[c].co &&
					      l[at].kh == want[c].k && l[at].kw == want[c].k &&
					      l[at].stride == want[c].st && l[at].pad == want[c].pad &&
					      l[at].dilation == 1 && l[at].h_in == want[c].hin &&
					      l[at].w_in == want[c].hin, "%s", name);
				at++;
			}
			cin = 4 * mid;
			h = h_out;
		}
	}
	ck_assert_uint_eq(h, 7);
	ck_assert_uint_eq(at, n - 1);
	ck_assert_str_eq(l[at].name, "fc");
	ck_assert_int_eq(l[at].kind, LAYER_FC);
}
END_TEST

START_TEST(test_resnet50_values)
{
	const struct layer *l;
	size_t n = layers_of("resnet50", &l);
	uint64_t macs = 0;

	for (size_t i = 0; i < n; i++)
		macs += (uint64_t)l[i].M * l[i].K * l[i].N;
	/* 4.089 GMAC: the usual "4.09 GMAC" of ResNet50 (fc included) */
	ck_assert_uint_eq(macs, 4089184256ull);
	ck_assert(macs > 4090000000.0 * 0.995 && macs < 4090000000.0 * 1.005);

	/* rows of workloads.md §7.2 */
	assert_gemm("resnet50:conv1", 64, 147, 12544);
	assert_gemm("resnet50:layer1.0.conv1", 64, 64, 3136);
	assert_gemm("resnet50:layer1.2.conv2", 64, 576, 3136);
	assert_gemm("resnet50:layer1.1.conv1", 64, 256, 3136);
	assert_gemm("resnet50:layer1.0.downsample", 256, 64, 3136);
	assert_gemm("resnet50:layer2.0.conv1", 128, 256, 3136);
	assert_gemm("resnet50:layer2.0.conv2", 128, 1152, 784);
	assert_gemm("resnet50:layer2.3.conv3", 512, 128, 784);
	assert_gemm("resnet50:layer2.0.downsample", 512, 256, 784);
	assert_gemm("resnet50:layer3.0.conv2", 256, 2304, 196);
	assert_gemm("resnet50:layer3.5.conv1", 256, 1024, 196);
	assert_gemm("resnet50:layer3.0.downsample", 1024, 512, 196);
	assert_gemm("resnet50:layer4.0.conv1", 512, 1024, 196);
	assert_gemm("resnet50:layer4.0.conv2", 512, 4608, 49);
	assert_gemm("resnet50:layer4.2.conv3", 2048, 512, 49);
	assert_gemm("resnet50:layer4.0.downsample", 2048, 1024, 49);
	assert_gemm("resnet50:layer4.1.conv1", 512, 2048, 49);
	assert_gemm("resnet50:fc", 1000, 2048, 1);
}
END_TEST

/* Jasper 10x5 DR rebuilt from the block list of jasper10x5dr, compared
** layer by layer; projections res<j> come from the prologue (j = 0) and
** from residual block j (j >= 1). */
START_TEST(test_jasper_structure)
{
	static const uint32_t filters[5] = { 256, 384, 512, 640, 768 };
	static const uint32_t kernel[5] = { 11, 13, 17, 21, 25 };
	const struct layer *l;
	size_t n = layers_of("jasper", &l), at = 1;
	uint32_t outs[11], nout = 0, cin = 256;
	char name[64];

	ck_assert_str_eq(l[0].name, "conv1");
	ck_assert(l[0].cin == 64 && l[0].cout == 256 && l[0].kw == 11 && l[0].stride == 2 &&
		  l[0].pad == 5 && l[0].dilation == 1 && l[0].w_in == 1000 && l[0].N == 500);
	outs[nout++] = 256;
	for (int b = 0; b < 5; b++) {
		for (int r = 0; r < 2; r++) {
			for (int c = 0; c < 5; c++, at++) {
				ck_assert_uint_lt(at, n);
				snprintf(name, sizeof name, "b%d.%d.conv%d", b + 1, r, c);
				ck_assert_str_eq(l[at].name, name);
				ck_assert_msg(l[at].cin == (c ? filters[b] : cin) &&
					      l[at].cout == filters[b] && l[at].kw == kernel[b] &&
					      l[at].stride == 1 && l[at].dilation == 1 &&
					      l[at].pad == (kernel[b] - 1) / 2 && l[at].w_in == 500,
					      "%s", name);
			}
			for (uint32_t j = 0; j < nout; j++, at++) {
				ck_assert_uint_lt(at, n);
				snprintf(name, sizeof name, "b%d.%d.res%u", b + 1, r, j);
				ck_assert_str_eq(l[at].name, name);
				ck_assert_msg(l[at].cin == outs[j] && l[at].cout == filters[b] &&
					      l[at].kw == 1 && l[at].pad == 0 && l[at].stride == 1 &&
					      l[at].w_in == 500, "%s", name);
			}
			outs[nout++] = filters[b];
			cin = filters[b];
		}
	}
	ck_assert_uint_eq(nout, 11);
	ck_assert_uint_eq(at + 3, n);
	ck_assert_str_eq(l[at].name, "conv2");
	ck_assert(l[at].cin == 768 && l[at].cout == 896 && l[at].kw == 29 &&
		  l[at].dilation == 2 && l[at].pad == 28 && l[at].w_in == 500);
	ck_assert_str_eq(l[at + 1].name, "conv3");
	ck_assert(l[at + 1].cin == 896 && l[at + 1].cout == 1024 && l[at + 1].kw == 1);
	ck_assert_str_eq(l[at + 2].name, "decoder");
	ck_assert(l[at + 2].cin == 1024 && l[at + 2].cout == 29 && l[at + 2].kw == 1);
}
END_TEST

START_TEST(test_jasper_values)
{
	static const uint32_t b5_1_src[10] = { 256, 256, 256, 384, 384, 512, 512, 640, 640, 768 };
	const struct layer *l;
	size_t n = layers_of("jasper", &l);
	uint64_t weights = 0, proj = 0;
	char spec[64];

	for (size_t i = 0; i < n; i++) {
		uint64_t w = (uint64_t)l[i].cout * l[i].cin * l[i].kw;

		ck_assert_int_eq(l[i].kind, LAYER_CONV1D);
		weights += w;
		if (strstr(l[i].name, ".res"))
			proj += w;
	}
	/* 332.5 M conv weights against the published "333M parameters" (the
	** rest is batch-norm scale/shift and the decoder bias) */
	ck_assert_uint_eq(weights, 332510208ull);
	ck_assert(weights > 333e6 * 0.99 && weights < 333e6 * 1.01);
	ck_assert_uint_eq(proj, 12943360ull);

	/* workloads.md §7.3: GEMM M x K per conv */
	assert_gemm("jasper:conv1", 256, 704, 500);
	assert_gemm("jasper:b1.0.conv0", 256, 2816, 500);
	assert_gemm("jasper:b2.0.conv0", 384, 3328, 500);
	assert_gemm("jasper:b2.1.conv0", 384, 4992, 500);
	assert_gemm("jasper:b3.0.conv0", 512, 6528, 500);
	assert_gemm("jasper:b3.0.conv4", 512, 8704, 500);
	assert_gemm("jasper:b4.0.conv0", 640, 10752, 500);
	assert_gemm("jasper:b4.1.conv2", 640, 13440, 500);
	assert_gemm("jasper:b5.0.conv0", 768, 16000, 500);
	assert_gemm("jasper:b5.1.conv4", 768, 19200, 500);
	assert_gemm("jasper:conv2", 896, 22272, 500);
	assert_gemm("jasper:conv3", 1024, 896, 500);
	assert_gemm("jasper:decoder", 29, 1024, 500);
	/* the second B5 block's ten projections (workloads.md's example) */
	for (int j = 0; j < 10; j++) {
		snprintf(spec, sizeof spec, "jasper:b5.1.res%d", j);
		assert_gemm(spec, 768, b5_1_src[j], 500);
	}
	snprintf(spec, sizeof spec, "jasper:b5.1.res%d", 10);
	ck_assert_ptr_null(workload_find(spec, NULL));
}
END_TEST

START_TEST(test_gnmt_shapes)
{
	static const struct { const char *name; int kind; uint32_t M, K; } want[] = {
		{ "encoder.rnn_layers.0.fwd.w_ih", LAYER_LSTM_IH, 4096, 1024 },
		{ "encoder.rnn_layers.0.fwd.w_hh", LAYER_LSTM_HH, 4096, 1024 },
		{ "encoder.rnn_layers.0.bwd.w_ih", LAYER_LSTM_IH, 4096, 1024 },
		{ "encoder.rnn_layers.0.bwd.w_hh", LAYER_LSTM_HH, 4096, 1024 },
		{ "encoder.rnn_layers.1.w_ih", LAYER_LSTM_IH, 4096, 2048 },
		{ "encoder.rnn_layers.1.w_hh", LAYER_LSTM_HH, 4096, 1024 },
		{ "encoder.rnn_layers.2.w_ih", LAYER_LSTM_IH, 4096, 1024 },
		{ "encoder.rnn_layers.2.w_hh", LAYER_LSTM_HH, 4096, 1024 },
		{ "encoder.rnn_layers.3.w_ih", LAYER_LSTM_IH, 4096, 1024 },
		{ "encoder.rnn_layers.3.w_hh", LAYER_LSTM_HH, 4096, 1024 },
		{ "decoder.att_rnn.rnn.w_ih", LAYER_LSTM_IH, 4096, 1024 },
		{ "decoder.att_rnn.rnn.w_hh", LAYER_LSTM_HH, 4096, 1024 },
		{ "decoder.att_rnn.attn.linear_q", LAYER_FC, 1024, 1024 },
		{ "decoder.att_rnn.attn.linear_k", LAYER_FC, 1024, 1024 },
		{ "decoder.rnn_layers.0.w_ih", LAYER_LSTM_IH, 4096, 2048 },
		{ "decoder.rnn_layers.0.w_hh", LAYER_LSTM_HH, 4096, 1024 },
		{ "decoder.rnn_layers.1.w_ih", LAYER_LSTM_IH, 4096, 2048 },
		{ "decoder.rnn_layers.1.w_hh", LAYER_LSTM_HH, 4096, 1024 },
		{ "decoder.rnn_layers.2.w_ih", LAYER_LSTM_IH, 4096, 2048 },
		{ "decoder.rnn_layers.2.w_hh", LAYER_LSTM_HH, 4096, 1024 },
		{ "decoder.classifier", LAYER_FC, 32317, 1024 },
	};
	const struct layer *l;
	size_t n = layers_of("gnmt", &l);
	uint64_t weights = 0;

	ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < n; i++) {
		ck_assert_str_eq(l[i].name, want[i].name);
		ck_assert_str_eq(l[i].net, "gnmt");
		ck_assert_int_eq(l[i].kind, want[i].kind);
		ck_assert_uint_eq(l[i].M, want[i].M);
		ck_assert_uint_eq(l[i].K, want[i].K);
		ck_assert_uint_eq(l[i].N, 1);
		weights += (uint64_t)l[i].M * l[i].K;
	}
	/* 14 LSTM matrices of 4096 x 1024, 4 of 4096 x 2048, 2 x 1024^2, 32317 x 1024 */
	ck_assert_uint_eq(weights, 14ull * 4096 * 1024 + 4ull * 4096 * 2048 + 2ull * 1024 * 1024 +
			  32317ull * 1024);
	ck_assert_uint_eq(weights, 127464448ull);
}
END_TEST

/* Every layer of every network: a consistent GEMM view, unique names,
** and found again by its own "net:name". */
START_TEST(test_consistency)
{
	const char *const *nets = workload_nets();
	char spec[128];

	for (int t = 0; nets[t]; t++) {
		const struct layer *l;
		size_t n = layers_of(nets[t], &l);

		ck_assert_uint_gt(n, 0);
		for (size_t i = 0; i < n; i++) {
			const struct layer *x = &l[i];

			ck_assert_str_eq(x->net, nets[t]);
			ck_assert(x->M > 0 && x->K > 0 && x->N > 0);
			if (x->kind == LAYER_CONV2D || x->kind == LAYER_CONV1D) {
				uint64_t ho = conv_out(x->h_in, x->kh, x->stride, x->pad, x->dilation);
				uint64_t wo = conv_out(x->w_in, x->kw, x->stride, x->pad, x->dilation);

				if (x->kind == LAYER_CONV1D) {
					ck_assert_msg(x->h_in == 1 && x->kh == 1, "%s", x->name);
					ho = 1;	/* stride and pad act along T only */
				} else {
					ck_assert_msg(x->h_in == x->w_in && x->kh == x->kw, "%s", x->name);
				}
				ck_assert_msg(x->stride > 0 && x->dilation > 0, "%s", x->name);
				ck_assert_msg(x->K == x->cin * x->kh * x->kw, "%s", x->name);
				ck_assert_msg(x->M == x->cout, "%s", x->name);
				ck_assert_msg(x->N == ho * wo, "%s: N %u, H_out*W_out %llu", x->name,
					      x->N, (unsigned long long)(ho * wo));
				/* "same" padding everywhere in both networks */
				ck_assert_msg(x->pad == x->dilation * (x->kw - 1) / 2, "%s", x->name);
			} else {
				ck_assert_msg(x->N == 1 && x->cin == 0 && x->cout == 0 && x->kh == 0 &&
					      x->kw == 0 && x->h_in == 0 && x->w_in == 0, "%s", x->name);
			}
			for (size_t j = 0; j < i; j++)
				ck_assert_msg(strcmp(l[j].name, x->name), "%s twice", x->name);
			snprintf(spec, sizeof spec, "%s:%s", nets[t], x->name);
			ck_assert_ptr_eq(find(spec), x);
		}
	}
}
END_TEST

START_TEST(test_nets)
{
	const char *const *nets = workload_nets();
	const struct layer *l;
	struct gs_err err = { "" };
	size_t n;

	ck_assert_str_eq(nets[0], "gnmt");
	ck_assert_str_eq(nets[1], "resnet50");
	ck_assert_str_eq(nets[2], "jasper");
	ck_assert_ptr_null(nets[3]);

	ck_assert_int_eq(workload_layers("foo", &l, &n, &err), -1);
	ck_assert_str_eq(err.msg, "foo: unknown network (expected gnmt, resnet50 or jasper)");
	ck_assert_int_eq(workload_layers("ResNet50", &l, &n, &err), -1);
	ck_assert_str_eq(err.msg, "ResNet50: unknown network (expected gnmt, resnet50 or jasper)");
	ck_assert_int_eq(workload_layers("resnet50:fc", &l, &n, &err), -1);
	ck_assert_int_eq(workload_layers("", &l, &n, &err), -1);
	ck_assert_int_eq(workload_layers(NULL, &l, &n, &err), -1);
	ck_assert_int_eq(workload_layers("resnet", &l, &n, NULL), -1);
}
END_TEST

static void assert_find_error(const char *spec, const char *msg)
{
	struct gs_err err = { "" };

	ck_assert_ptr_null(workload_find(spec, &err));
	ck_assert_str_eq(err.msg, msg);
}

START_TEST(test_find_errors)
{
	static const char malformed[] = ": malformed workload, expected NET:LAYER "
					"(e.g. resnet50:layer2.0.conv2)";
	struct gs_err err = { "" };
	char *big;

	assert_find_error("resnet50:layer9.conv1",
			  "resnet50:layer9.conv1: no such layer (gssim workloads resnet50 lists them)");
	assert_find_error("resnet50:FC", "resnet50:FC: no such layer (gssim workloads resnet50 lists them)");
	assert_find_error("jasper:b6.0.conv0",
			  "jasper:b6.0.conv0: no such layer (gssim workloads jasper lists them)");
	assert_find_error("gnmt:encoder.rnn_layers.0.w_ih",
			  "gnmt:encoder.rnn_layers.0.w_ih: no such layer (gssim workloads gnmt lists them)");
	/* a layer of another network */
	assert_find_error("gnmt:fc", "gnmt:fc: no such layer (gssim workloads gnmt lists them)");
	assert_find_error("foo:conv1", "foo: unknown network (expected gnmt, resnet50 or jasper)");
	assert_find_error("Jasper:conv1", "Jasper: unknown network (expected gnmt, resnet50 or jasper)");
	assert_find_error("resnet50 :fc",
			  "resnet50 : unknown network (expected gnmt, resnet50 or jasper)");
	assert_find_error("resnet50", "resnet50: malformed workload, expected NET:LAYER "
			  "(e.g. resnet50:layer2.0.conv2)");
	assert_find_error(":fc", ":fc: malformed workload, expected NET:LAYER "
			  "(e.g. resnet50:layer2.0.conv2)");
	assert_find_error("resnet50:", "resnet50:: malformed workload, expected NET:LAYER "
			  "(e.g. resnet50:layer2.0.conv2)");
	assert_find_error("resnet50:fc:x", "resnet50:fc:x: malformed workload, expected NET:LAYER "
			  "(e.g. resnet50:layer2.0.conv2)");
	assert_find_error("", "workload: missing NET:LAYER (e.g. resnet50:layer2.0.conv2)");
	assert_find_error(NULL, "workload: missing NET:LAYER (e.g. resnet50:layer2.0.conv2)");
	ck_assert_ptr_null(workload_find("resnet50:nope", NULL));

	/* a huge spec: the message stays bounded and well formed */
	big = malloc(5001);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 5000);
	big[5000] = 0;
	ck_assert_ptr_null(workload_find(big, &err));
	ck_assert_uint_eq(strlen(err.msg), 200 + strlen(malformed));
	ck_assert_str_eq(err.msg + 200, malformed);
	memcpy(big, "resnet50:", 9);
	ck_assert_ptr_null(workload_find(big, &err));
	ck_assert(strstr(err.msg, ": no such layer (gssim workloads resnet50 lists them)") != NULL);
	big[100] = ':';
	big[0] = 'q';
	ck_assert_ptr_null(workload_find(big, &err));
	ck_assert(strstr(err.msg, "malformed workload") != NULL);
	free(big);
}
END_TEST

Suite *workload_suite(void)
{
	Suite *s = suite_create("workload");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_resnet50_structure);
	tcase_add_test(tc, test_resnet50_values);
	tcase_add_test(tc, test_jasper_structure);
	tcase_add_test(tc, test_jasper_values);
	tcase_add_test(tc, test_gnmt_shapes);
	tcase_add_test(tc, test_consistency);
	tcase_add_test(tc, test_nets);
	tcase_add_test(tc, test_find_errors);
	suite_add_tcase(s, tc);
	return s;
}
