// SPDX-License-Identifier: GPL-2.0
/*
 * Host benchmark of net/vswitch.c: 64-byte frames forwarded between
 * access ports of one VLAN with learning on (every frame refreshes its
 * source entry and looks up its destination). Port i sends batches of
 * BURST frames to port i+1's MAC ("same"), or each frame of a batch to
 * the next port in turn ("mixed": no two neighbours share a flow, so the
 * switch's per-round flow cache never hits). Prints frames per second
 * (best of ROUNDS), then re-runs itself under callgrind, counting only
 * inside vswitch_rx(), for instructions per frame (the tx callback is a
 * counter, so nearly all of it is the switch). The warm-up, which floods
 * to learn every port, is measured alone and subtracted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pv/vswitch.h>

#define BURST 32
#define ROUNDS 5
#define ROUND_FRAMES (4u << 20)
#define IPF_FRAMES (64u * BURST * 4) /* frames counted under callgrind */

static const unsigned int port_counts[] = { 2, 8, 64 };
static struct vswitch sw;
static struct frame frames[VSWITCH_MAX_PORTS][BURST];
static struct frame *vec[VSWITCH_MAX_PORTS][BURST];
static u64 sunk;

static unsigned int sink_tx(void *priv, struct frame *const f[], unsigned int n)
{
	sunk += n;
	return n;
}

static const struct vswitch_port_ops ops = { .tx = sink_tx };

static void port_mac(u8 *m, unsigned int port)
{
	static const u8 base[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x10, 0, 0 };

	memcpy(m, base, ETH_ALEN);
	m[5] = (u8)port;
}

static unsigned int dest(unsigned int nports, bool mixed, unsigned int p,
			 unsigned int i)
{
	if (!mixed || nports < 3)
		return (p + 1) % nports;
	return (p + 1 + i % (nports - 1)) % nports;
}

static void setup(unsigned int nports, bool mixed)
{
	struct vswitch_port_cfg c;

	vswitch_init(&sw, 0x5eed);
	memset(&c, 0, sizeof(c));
	c.kind = VSWITCH_PORT_GUEST;
	c.mode = VSWITCH_ACCESS;
	c.pvid = 1;
	c.spoof_check = true;
	c.ops = &ops;
	for (unsigned int p = 0; p < nports; p++) {
		port_mac(c.mac, p);
		if (vswitch_port_add(&sw, &c) != (int)p)
			exit(1);
	}
	for (unsigned int p = 0; p < nports; p++) {
		for (unsigned int i = 0; i < BURST; i++) {
			struct frame *f = &frames[p][i];
			u8 *d;

			f->off = FRAME_HEADROOM;
			f->len = 64;
			d = frame_data(f);
			memset(d, 0, 64);
			port_mac(d, dest(nports, mixed, p, i));
			port_mac(d + 6, p);
			d[12] = 0x08;
			vec[p][i] = f;
		}
		/* Warm-up: every port's MAC is learnt before timing. */
		vswitch_rx(&sw, p, vec[p], 1, 0);
	}
}

/* Forwards nframes; returns how many were delivered. */
static u64 forward(unsigned int nports, u64 nframes)
{
	u64 done = 0, delivered = 0;
	unsigned int p = 0;

	while (done < nframes) {
		delivered += vswitch_rx(&sw, p, vec[p], BURST, done);
		done += BURST;
		if (++p == nports)
			p = 0;
	}
	return delivered;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Instructions in vswitch_rx() for "self --ipf nports mixed frames". */
static double ir_of(const char *self, unsigned int nports, bool mixed,
		    unsigned int nframes)
{
	char cmd[512], line[256];
	double ir = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "valgrind --tool=callgrind --toggle-collect=vswitch_rx "
		 "--callgrind-out-file=%s.cg%u-%d-%u %s --ipf %u %d %u "
		 ">/dev/null 2>&1",
		 self, nports, mixed, nframes, self, nports, mixed, nframes);
	if (system(cmd) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s.cg%u-%d-%u", self, nports, mixed,
		 nframes);
	f = fopen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "totals:", 7) ||
		    !strncmp(line, "summary:", 8))
			ir = strtod(strchr(line, ':') + 1, NULL);
	fclose(f);
	return ir;
}

/* Instructions per forwarded frame, the warm-up's share taken out. */
static double ipf(const char *self, unsigned int nports, bool mixed)
{
	double all = ir_of(self, nports, mixed, IPF_FRAMES);
	double warm = ir_of(self, nports, mixed, 0);

	if (all < 0 || warm < 0)
		return -1;
	return (all - warm) / IPF_FRAMES;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "--ipf")) {
		unsigned int n = (unsigned int)atoi(argv[2]);
		u64 nf = (u64)atoi(argv[4]);

		setup(n, atoi(argv[3]));
		return forward(n, nf) == nf ? 0 : 1;
	}
	printf("vswitch: 64-byte frames, bursts of %u, learning on, "
	       "unicast to learnt MACs\n",
	       BURST);
	printf("%6s %6s %14s %16s\n", "ports", "dests", "Mframes/s",
	       "instr/frame");
	for (int mixed = 0; mixed < 2; mixed++) {
		for (unsigned int i = 0;
		     i < sizeof(port_counts) / sizeof(port_counts[0]); i++) {
			unsigned int n = port_counts[i];
			double best = 0, x;

			setup(n, mixed);
			for (int r = 0; r < ROUNDS; r++) {
				double t = now();

				if (forward(n, ROUND_FRAMES) != ROUND_FRAMES) {
					fprintf(stderr,
						"frames were dropped\n");
					return 1;
				}
				t = now() - t;
				if (ROUND_FRAMES / t > best)
					best = ROUND_FRAMES / t;
			}
			x = ipf(argv[0], n, mixed);
			if (x < 0)
				printf("%6u %6s %14.2f %16s\n", n,
				       mixed ? "mixed" : "same", best / 1e6,
				       "n/a");
			else
				printf("%6u %6s %14.2f %16.1f\n", n,
				       mixed ? "mixed" : "same", best / 1e6, x);
		}
	}
	return 0;
}
