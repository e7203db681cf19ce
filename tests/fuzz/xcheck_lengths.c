// SPDX-License-Identifier: GPL-2.0
/*
 * Writes random encodings that x86_decode() accepts, back to back, and
 * their offsets; the Makefile checks that objdump splits them identically.
 * Usage: xcheck_lengths MODE COUNT OUT.bin OUT.offsets
 */
#include <stdio.h>
#include <stdlib.h>
#include <asm/emulate.h>

static u64 state = 88172645463325252ull;

static unsigned int rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (unsigned int)state;
}

#define PICK(a) ((a)[rnd() % sizeof(a)])

/* Every opcode the decoder handles (0x0F is followed by B6/B7/BE/BF). */
static const u8 ops[] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
	0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d,
	0x63, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a,
	0x8b, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa8, 0xa9, 0xaa, 0xab, 0xc6,
	0xc7, 0xf6, 0xf7, 0xfe, 0xff, 0x0f,
};
static const u8 segs[] = { 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65 };
static const u8 reps[] = { 0xf0, 0xf2, 0xf3 };
static const u8 esc[] = { 0xb6, 0xb7, 0xbe, 0xbf };

int main(int argc, char **argv)
{
	unsigned int off = 0;
	int mode, count;
	FILE *bin, *offs;

	if (argc != 5)
		return 2;
	mode = atoi(argv[1]);
	count = atoi(argv[2]);
	bin = fopen(argv[3], "wb");
	offs = fopen(argv[4], "w");
	if (!bin || !offs)
		return 2;
	for (int i = 0; i < count; i++) {
		struct x86_insn in;
		u8 b[X86_MAX_INSN_LEN];
		unsigned int k = 0;

		/* At most one prefix of each group, in the usual order. */
		if (rnd() % 3 == 0)
			b[k++] = PICK(segs);
		if (rnd() % 3 == 0)
			b[k++] = 0x66;
		if (rnd() % 3 == 0)
			b[k++] = 0x67;
		if (rnd() % 5 == 0)
			b[k++] = PICK(reps);
		if (mode == X86_MODE_64 && rnd() % 2)
			b[k++] = 0x40 | (rnd() & 15);
		b[k++] = PICK(ops);
		if (b[k - 1] == 0x0f)
			b[k++] = PICK(esc);
		while (k < sizeof(b))
			b[k++] = rnd();
		if (x86_decode(&in, b, sizeof(b), mode))
			continue;
		fwrite(b, 1, in.len, bin);
		fprintf(offs, "%x\n", off);
		off += in.len;
	}
	fclose(bin);
	fclose(offs);
	return 0;
}
