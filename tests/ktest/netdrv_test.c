// SPDX-License-Identifier: GPL-2.0
/*
 * NIC driver suite: PCI enumeration facts, then real frames with a real
 * peer (the runner's tap in a network namespace, or QEMU's user network).
 * Frames are built by hand with the <pv/net.h> structures; replies are
 * checked with its strict parsers (so IPv4 and ICMP checksums are
 * verified). Interrupts do all the receiving: the suite never polls.
 *
 * Boot options: netdrv.ip=A.B.C.D (ours), netdrv.peer=A.B.C.D (the peer,
 * which must answer ARP and ICMP echo), netdrv.mac=xx:..:xx (the MAC the
 * emulator was given), netdrv.driver=NAME (the driver expected on eth0).
 * Without a NIC every case skips; without a peer the peer cases skip.
 */
#include <pv/cmdline.h>
#include <pv/ktest.h>
#include <pv/net.h>
#include <pv/netdev.h>
#include <pv/pci.h>
#include <pv/string.h>
#include <asm/cpu.h>
#include <asm/timer.h>

#define ICMP_ID 0x5056
#define PAYLOAD 56
#define BURST 512
#define WAIT_NS (3ull * 1000000000ull)

static u8 my_ip[4], peer_ip[4], want_mac[ETH_ALEN];
static bool have_ip, have_peer, have_mac;
static char want_driver[16];

static int parse_ip(const char *s, u8 out[4])
{
	for (int i = 0; i < 4; i++) {
		unsigned int v = 0, digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned int)(*s++ - '0');
			digits++;
		}
		if (!digits || v > 255 || (i < 3 ? *s != '.' : *s != '\0'))
			return -1;
		out[i] = (u8)v;
		s++;
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int set_ip(const char *v)
{
	have_ip = !parse_ip(v, my_ip);
	return have_ip ? 0 : -1;
}
KPARAM("netdrv.ip", set_ip, "netdrv suite: our IPv4 address");

static int set_peer(const char *v)
{
	have_peer = !parse_ip(v, peer_ip);
	return have_peer ? 0 : -1;
}
KPARAM("netdrv.peer", set_peer, "netdrv suite: the peer's IPv4 address");

static int set_mac(const char *v)
{
	for (int i = 0; i < ETH_ALEN; i++) {
		int hi = hexval(v[3 * i]), lo = hexval(v[3 * i + 1]);
		char sep = v[3 * i + 2];

		if (hi < 0 || lo < 0 || sep != (i < ETH_ALEN - 1 ? ':' : '\0'))
			return -1;
		want_mac[i] = (u8)(hi << 4 | lo);
	}
	have_mac = true;
	return 0;
}
KPARAM("netdrv.mac", set_mac, "netdrv suite: the MAC eth0 must report");

static int set_driver(const char *v)
{
	if (strlen(v) >= sizeof(want_driver))
		return -1;
	strlcpy(want_driver, v, sizeof(want_driver));
	return 0;
}
KPARAM("netdrv.driver", set_driver, "netdrv suite: driver expected on eth0");

/* ------------------------------------------------ what the handler sees */

struct capture {
	u64 frames, arp_replies, arp_answered, echo_replies, bad_replies;
	u64 foreign; /* frames for foreign_mac (promisc_filter) */
	u8 peer_mac[ETH_ALEN];
	bool peer_known;
	u8 seen[BURST / 8]; /* echo reply sequence numbers */
	u8 last_payload[PAYLOAD];
	u16 last_seq;
};

static struct capture cap;
/* A station that is not us: locally administered, never a NIC's. */
static const u8 foreign_mac[ETH_ALEN] = { 0x02, 0x50, 0x56, 0xf0, 0x0e, 0x01 };
static struct frame txbuf; /* built here, copied by netdev_xmit */

static void build_arp(struct frame *f, struct netdev *dev, u16 op,
		      const u8 *dst_mac, const u8 *tpa)
{
	struct eth_hdr *eh = (void *)frame_data(f);
	struct arp_hdr *a = (void *)(eh + 1);
	static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memcpy(eh->dst, dst_mac ? dst_mac : bcast, ETH_ALEN);
	memcpy(eh->src, dev->mac, ETH_ALEN);
	eh->type = cpu_to_be16(ETH_P_ARP);
	a->htype = cpu_to_be16(1);
	a->ptype = cpu_to_be16(ETH_P_IPV4);
	a->hlen = ETH_ALEN;
	a->plen = 4;
	a->op = cpu_to_be16(op);
	memcpy(a->sha, dev->mac, ETH_ALEN);
	memcpy(a->spa, my_ip, 4);
	memset(a->tha, 0, ETH_ALEN);
	if (dst_mac)
		memcpy(a->tha, dst_mac, ETH_ALEN);
	memcpy(a->tpa, tpa, 4);
	f->len = ETH_HLEN + sizeof(*a);
}

static void build_echo(struct frame *f, struct netdev *dev, u16 seq)
{
	struct eth_hdr *eh = (void *)frame_data(f);
	struct ipv4_hdr *ip = (void *)(eh + 1);
	struct icmp_hdr *ic = (void *)(ip + 1);
	u8 *pl = (u8 *)(ic + 1);

	memcpy(eh->dst, cap.peer_mac, ETH_ALEN);
	memcpy(eh->src, dev->mac, ETH_ALEN);
	eh->type = cpu_to_be16(ETH_P_IPV4);
	ip->ver_ihl = 0x45;
	ip->tos = 0;
	ip->tot_len = cpu_to_be16(sizeof(*ip) + sizeof(*ic) + PAYLOAD);
	ip->id = cpu_to_be16(seq);
	ip->frag_off = cpu_to_be16(IP_FLAG_DF);
	ip->ttl = 64;
	ip->proto = IPPROTO_ICMP;
	memcpy(&ip->saddr, my_ip, 4);
	memcpy(&ip->daddr, peer_ip, 4);
	ip->csum = net_ipv4_csum(ip);
	ic->type = ICMP_ECHO_REQUEST;
	ic->code = 0;
	ic->csum = 0;
	ic->id = cpu_to_be16(ICMP_ID);
	ic->seq = cpu_to_be16(seq);
	for (int i = 0; i < PAYLOAD; i++)
		pl[i] = (u8)(seq + i * 7);
	ic->csum = cpu_to_be16(
		net_csum_fold(net_csum_add(0, ic, sizeof(*ic) + PAYLOAD)));
	f->len = ETH_HLEN + sizeof(*ip) + sizeof(*ic) + PAYLOAD;
}

static void on_arp(struct netdev *dev, const struct net_arp *a)
{
	static struct frame reply;

	if (a->op == ARP_OP_REPLY && !memcmp(a->hdr->spa, peer_ip, 4) &&
	    !memcmp(a->hdr->tpa, my_ip, 4) &&
	    eth_addr_equal(a->hdr->tha, dev->mac)) {
		memcpy(cap.peer_mac, a->hdr->sha, ETH_ALEN);
		WRITE_ONCE(cap.peer_known, true);
		WRITE_ONCE(cap.arp_replies, cap.arp_replies + 1);
	} else if (a->op == ARP_OP_REQUEST && !memcmp(a->hdr->tpa, my_ip, 4)) {
		/* The peer asks for us before it can answer our echoes. */
		struct frame *fp = &reply;

		reply.off = FRAME_HEADROOM;
		build_arp(&reply, dev, ARP_OP_REPLY, a->hdr->sha, a->hdr->spa);
		if (netdev_xmit(dev, &fp, 1) == 1)
			cap.arp_answered++;
	}
}

static void on_ipv4(const u8 *p, size_t len)
{
	struct net_ipv4 ip;
	struct net_icmp ic;
	u16 seq;

	if (net_parse_ipv4(p, len, &ip) || ip.proto != IPPROTO_ICMP ||
	    memcmp(&ip.hdr->saddr, peer_ip, 4))
		return;
	if (net_parse_icmp(&ip, &ic)) {
		cap.bad_replies++; /* checksum or length wrong */
		return;
	}
	if (ic.type != ICMP_ECHO_REPLY || be16_to_cpu(ic.hdr->id) != ICMP_ID ||
	    ip.payload_len != sizeof(struct icmp_hdr) + PAYLOAD)
		return;
	seq = be16_to_cpu(ic.hdr->seq);
	memcpy(cap.last_payload, ic.hdr + 1, PAYLOAD);
	cap.last_seq = seq;
	if (seq < BURST)
		cap.seen[seq / 8] |= (u8)(1u << (seq % 8));
	WRITE_ONCE(cap.echo_replies, cap.echo_replies + 1);
}

static void test_rx(struct netdev *dev, struct frame *const frames[],
		    unsigned int n, void *arg)
{
	for (unsigned int i = 0; i < n; i++) {
		const u8 *p = frame_data(frames[i]);
		struct net_eth eth;
		struct net_arp arp;

		cap.frames++;
		if (net_parse_eth(p, frames[i]->len, &eth) || eth.tagged)
			continue;
		if (eth_addr_equal(eth.hdr->dst, foreign_mac))
			WRITE_ONCE(cap.foreign, cap.foreign + 1);
		if (!eth_addr_equal(eth.hdr->dst, dev->mac) &&
		    !eth_addr_is_multicast(eth.hdr->dst))
			continue;
		if (eth.type == ETH_P_ARP &&
		    !net_parse_arp(p + eth.l3_off, eth.l3_len, &arp))
			on_arp(dev, &arp);
		else if (eth.type == ETH_P_IPV4)
			on_ipv4(p + eth.l3_off, eth.l3_len);
	}
}

/* Wait with interrupts on until *counter reaches target. */
static bool wait_for(const u64 *counter, u64 target, u64 ns)
{
	u64 end = uptime_ns() + ns, flags = irq_save();
	bool ok;

	irq_enable();
	while (READ_ONCE(*counter) < target && uptime_ns() < end)
		cpu_relax();
	ok = READ_ONCE(*counter) >= target;
	irq_restore(flags);
	return ok;
}

static struct netdev *nic(struct ktest *t)
{
	struct netdev *dev = netdev_get(0);

	if (!dev) {
		ktest_skip(t, "no NIC");
		return NULL;
	}
	netdev_set_rx_handler(dev, test_rx, NULL);
	return dev;
}

static struct netdev *nic_peer(struct ktest *t)
{
	struct netdev *dev = nic(t);

	if (dev && (!have_peer || !have_ip)) {
		ktest_skip(t, "no netdrv.peer/netdrv.ip");
		return NULL;
	}
	return dev;
}

static bool send_one(struct netdev *dev, struct frame *f)
{
	struct frame *fp = f;

	return netdev_xmit(dev, &fp, 1) == 1;
}

static bool arp_peer(struct netdev *dev)
{
	u64 want = READ_ONCE(cap.arp_replies) + 1;

	txbuf.off = FRAME_HEADROOM;
	build_arp(&txbuf, dev, ARP_OP_REQUEST, NULL, peer_ip);
	return send_one(dev, &txbuf) &&
	       wait_for(&cap.arp_replies, want, WAIT_NS);
}

static bool echo_once(struct netdev *dev, u16 seq)
{
	u64 want = READ_ONCE(cap.echo_replies) + 1;

	txbuf.off = FRAME_HEADROOM;
	build_echo(&txbuf, dev, seq);
	return send_one(dev, &txbuf) &&
	       wait_for(&cap.echo_replies, want, WAIT_NS);
}

/*
 * Ask the peer, as foreign_mac with our address + 100 (same subnet), who
 * it is: its ARP reply goes to foreign_mac, which only a NIC in
 * promiscuous mode (or without a receive filter) hands up.
 */
static bool send_foreign_arp(struct netdev *dev)
{
	struct eth_hdr *eh = (void *)frame_data(&txbuf);
	struct arp_hdr *a = (void *)(eh + 1);

	txbuf.off = FRAME_HEADROOM;
	build_arp(&txbuf, dev, ARP_OP_REQUEST, NULL, peer_ip);
	memcpy(eh->src, foreign_mac, ETH_ALEN);
	memcpy(a->sha, foreign_mac, ETH_ALEN);
	a->spa[3] = (u8)(my_ip[3] + 100);
	return send_one(dev, &txbuf);
}

/*
 * Did the answer to a foreign ARP request come in? The peer answers in
 * order, so once it answered our own request sent right after, a reply
 * to foreign_mac the NIC let through is in as well.
 */
static bool foreign_reply_seen(struct ktest *t, struct netdev *dev)
{
	u64 before = READ_ONCE(cap.foreign);

	KTEST_EXPECT(t, send_foreign_arp(dev));
	KTEST_EXPECT(t, arp_peer(dev));
	return READ_ONCE(cap.foreign) > before;
}

/* ------------------------------------------------------------------ cases */

static void pci_enumerated(struct ktest *t)
{
	struct pci_dev *host = pci_dev_at(0);

	KTEST_ASSERT(t, pci_nr_devs() >= 2);
	/* 00:00.0 is the host bridge on both QEMU chipsets. */
	KTEST_EXPECT_EQ(t, host->bus | host->slot | host->fn, 0);
	KTEST_EXPECT_EQ(t, host->vendor, 0x8086);
	KTEST_EXPECT_EQ(t, host->class, 0x06);
	KTEST_EXPECT_EQ(t, host->subclass, 0x00);
	for (unsigned int i = 0; i < pci_nr_devs(); i++) {
		struct pci_dev *d = pci_dev_at(i);

		for (unsigned int b = 0; b < PCI_MAX_BARS; b++) {
			const struct pci_bar *bar = &d->bar[b];

			if (!bar->size)
				continue;
			/* Sizes are powers of two and bases aligned. */
			KTEST_EXPECT_EQ(t, bar->size & (bar->size - 1), 0);
			KTEST_EXPECT_EQ(t, bar->base & (bar->size - 1), 0);
			if (bar->mem64)
				KTEST_EXPECT_EQ(t, d->bar[b + 1].size, 0);
		}
	}
}

static void nic_bound(struct ktest *t)
{
	struct netdev *dev = nic(t);
	struct pci_dev *d;

	if (!dev)
		return;
	d = dev->pci;
	KTEST_ASSERT(t, d != NULL);
	KTEST_EXPECT(t, dev->opened);
	KTEST_EXPECT(t, !strcmp(dev->name, "eth0"));
	if (want_driver[0])
		KTEST_EXPECT(t, !strcmp(dev->driver, want_driver));
	KTEST_EXPECT(t, d->vector >= 48);
	if (!strcmp(dev->driver, "virtio-net")) {
		/* Modern virtio: a 64-bit memory BAR for the structures. */
		bool mem64 = false;

		for (unsigned int b = 0; b < PCI_MAX_BARS; b++)
			mem64 |= d->bar[b].mem64 && d->bar[b].size >= 0x4000;
		KTEST_EXPECT(t, mem64);
		/* MSI-X unless the device has none (QEMU vectors=0). */
		KTEST_EXPECT_EQ(t, d->irq_mode,
				d->msix_cap ? PCI_IRQ_MSIX : PCI_IRQ_INTX);
		KTEST_EXPECT(t, pci_find_cap(d, PCI_CAP_ID_VENDOR, 0) != 0);
	} else if (!strcmp(dev->driver, "e1000")) {
		/* 82540EM: 128 KiB registers in BAR 0, 64 I/O ports, INTx. */
		KTEST_EXPECT_EQ(t, d->bar[0].size, 0x20000);
		KTEST_EXPECT(t, !d->bar[0].io);
		KTEST_EXPECT(t, d->bar[1].io);
		KTEST_EXPECT_EQ(t, d->bar[1].size, 0x40);
		KTEST_EXPECT_EQ(t, d->msix_cap, 0);
		KTEST_EXPECT_EQ(t, d->irq_mode, PCI_IRQ_INTX);
		KTEST_EXPECT(t, d->irq_pin != 0);
	}
}

static void link_and_mac(struct ktest *t)
{
	struct netdev *dev = nic(t);
	u64 end;

	if (!dev)
		return;
	end = uptime_ns() + WAIT_NS;
	while (!netdev_link_up(dev) && uptime_ns() < end)
		cpu_relax();
	KTEST_EXPECT(t, dev->link_up);
	if (have_mac)
		KTEST_EXPECT(t, eth_addr_equal(dev->mac, want_mac));
	ktest_log(t, "%s (%s) mac %02x:%02x:%02x:%02x:%02x:%02x link %s",
		  dev->name, dev->driver, dev->mac[0], dev->mac[1], dev->mac[2],
		  dev->mac[3], dev->mac[4], dev->mac[5],
		  dev->link_up ? "up" : "down");
}

static void arp_reply_from_peer(struct ktest *t)
{
	struct netdev *dev = nic_peer(t);
	u64 irqs, rx;

	if (!dev)
		return;
	irqs = dev->stats.irqs;
	rx = dev->stats.rx_packets;
	KTEST_ASSERT(t, arp_peer(dev));
	KTEST_EXPECT(t, cap.peer_known);
	KTEST_EXPECT(t, !eth_addr_is_multicast(cap.peer_mac));
	/* Interrupts delivered the reply: nothing here polls. */
	KTEST_EXPECT(t, dev->stats.irqs > irqs);
	KTEST_EXPECT(t, dev->stats.rx_packets > rx);
	KTEST_EXPECT(t, dev->stats.tx_packets >= 1);
	ktest_log(t, "peer %u.%u.%u.%u is at %02x:%02x:%02x:%02x:%02x:%02x",
		  peer_ip[0], peer_ip[1], peer_ip[2], peer_ip[3],
		  cap.peer_mac[0], cap.peer_mac[1], cap.peer_mac[2],
		  cap.peer_mac[3], cap.peer_mac[4], cap.peer_mac[5]);
}

static void icmp_echo_from_peer(struct ktest *t)
{
	struct netdev *dev = nic_peer(t);
	u8 want[PAYLOAD];

	if (!dev)
		return;
	if (!cap.peer_known)
		KTEST_ASSERT(t, arp_peer(dev));
	KTEST_ASSERT(t, echo_once(dev, 7));
	KTEST_EXPECT_EQ(t, cap.last_seq, 7);
	for (int i = 0; i < PAYLOAD; i++)
		want[i] = (u8)(7 + i * 7);
	KTEST_EXPECT(t, !memcmp(cap.last_payload, want, PAYLOAD));
	KTEST_EXPECT_EQ(t, cap.bad_replies, 0);
}

/*
 * Send seq [first, first + n) as fast as the transmit ring takes them;
 * with window, never more than window requests without a reply, so the
 * replies cannot overrun the receive ring (e1000 drops on overrun).
 */
static unsigned int send_burst(struct netdev *dev, u16 first, unsigned int n,
			       unsigned int window)
{
	static struct frame burst[16];
	struct frame *fp[16];
	unsigned int sent = 0;
	u64 end = uptime_ns() + WAIT_NS, flags = irq_save();
	u64 replies0 = READ_ONCE(cap.echo_replies);

	irq_enable(); /* completions free ring slots */
	while (sent < n && uptime_ns() < end) {
		unsigned int k = MIN(n - sent, 16u), took;

		if (window) {
			u64 out =
				sent - (READ_ONCE(cap.echo_replies) - replies0);

			if (out + k > window) {
				cpu_relax();
				continue;
			}
		}
		for (unsigned int i = 0; i < k; i++) {
			burst[i].off = FRAME_HEADROOM;
			build_echo(&burst[i], dev, (u16)(first + sent + i));
			fp[i] = &burst[i];
		}
		took = netdev_xmit(dev, fp, k);
		sent += took;
		if (took < k)
			cpu_relax();
	}
	irq_restore(flags);
	return sent;
}

static void burst_echo(struct ktest *t)
{
	struct netdev *dev = nic_peer(t);
	u64 tx0, rx0, replies0, t0, ns;
	unsigned int sent, got = 0;

	if (!dev)
		return;
	if (!cap.peer_known)
		KTEST_ASSERT(t, arp_peer(dev));
	memset(cap.seen, 0, sizeof(cap.seen));
	tx0 = dev->stats.tx_packets;
	rx0 = dev->stats.rx_packets;
	replies0 = cap.echo_replies;
	t0 = uptime_ns();
	/* More than either ring holds: refill and completion must work. */
	sent = send_burst(dev, 0, BURST, 64);
	KTEST_EXPECT_EQ(t, sent, BURST);
	wait_for(&cap.echo_replies, replies0 + sent, WAIT_NS);
	ns = uptime_ns() - t0;
	for (unsigned int s = 0; s < BURST; s++)
		got += (cap.seen[s / 8] >> (s % 8)) & 1;
	KTEST_EXPECT_EQ(t, got, BURST);
	KTEST_EXPECT(t, dev->stats.tx_packets - tx0 >= BURST);
	KTEST_EXPECT(t, dev->stats.rx_packets - rx0 >= BURST);
	KTEST_EXPECT_EQ(t, cap.bad_replies, 0);
	ktest_log(t,
		  "%u echoes, %u distinct replies in %llu us (%llu/s); "
		  "irqs %llu, deferred polls %llu",
		  sent, got, (unsigned long long)(ns / 1000),
		  (unsigned long long)(ns ? (u64)got * 1000000000ull / ns : 0),
		  (unsigned long long)dev->stats.irqs,
		  (unsigned long long)dev->stats.polls_deferred);
}

static void reset_mid_traffic(struct ktest *t)
{
	struct netdev *dev = nic_peer(t);
	u8 mac[ETH_ALEN];
	u64 resets;
	unsigned int sent;
	u64 end;

	if (!dev)
		return;
	if (!cap.peer_known)
		KTEST_ASSERT(t, arp_peer(dev));
	memcpy(mac, dev->mac, ETH_ALEN);
	resets = dev->stats.resets;
	/* Frames still in the transmit ring and replies on their way in. */
	sent = send_burst(dev, 1000, 64, 0);
	KTEST_EXPECT_EQ(t, sent, 64);
	KTEST_ASSERT_EQ(t, netdev_reset(dev), 0);
	KTEST_EXPECT_EQ(t, dev->stats.resets, resets + 1);
	/* Every transmit copy came back to the pool; the receive ring holds
	 * its frames again (none leaked or doubled). */
	KTEST_EXPECT_EQ(t, dev->tx_pool.nr_free, dev->tx_pool.total);
	KTEST_EXPECT(t, dev->rx_pool.nr_free < dev->rx_pool.total);
	KTEST_EXPECT(t, eth_addr_equal(dev->mac, mac));
	end = uptime_ns() + WAIT_NS;
	while (!netdev_link_up(dev) && uptime_ns() < end)
		cpu_relax();
	KTEST_EXPECT(t, dev->link_up);
	/* And traffic flows again, through interrupts. */
	KTEST_EXPECT(t, echo_once(dev, 42));
	KTEST_EXPECT(t, arp_peer(dev));
}

static bool reset_and_wait(struct netdev *dev)
{
	u64 end = uptime_ns() + WAIT_NS;

	if (netdev_reset(dev))
		return false;
	while (!netdev_link_up(dev) && uptime_ns() < end)
		cpu_relax();
	return dev->link_up;
}

/*
 * The receive filter: closed from the start, open in promiscuous mode,
 * closed again when asked, and each mode survives a reset (QEMU's
 * virtio-net comes out of a reset promiscuous: the driver must close it).
 */
static void promisc_filter(struct ktest *t)
{
	struct netdev *dev = nic_peer(t);
	bool can_filter, seen;
	u64 foreign;

	if (!dev)
		return;
	if (!cap.peer_known)
		KTEST_ASSERT(t, arp_peer(dev));
	KTEST_EXPECT(t, !dev->promisc);
	seen = foreign_reply_seen(t, dev);
	can_filter = !netdev_set_promisc(dev, false);
	/* Filtered from the start exactly when the driver can filter; if it
	 * cannot, the device must have no filter either, or a switch could
	 * not use it as its uplink. */
	KTEST_EXPECT_EQ(t, seen, !can_filter);
	if (!can_filter)
		ktest_log(
			t,
			"%s: no receive filter to set; frames for other MACs arrive anyway",
			dev->driver);
	foreign = dev->stats.rx_foreign;
	KTEST_ASSERT_EQ(t, netdev_set_promisc(dev, true), 0);
	KTEST_EXPECT(t, dev->promisc);
	KTEST_EXPECT(t, foreign_reply_seen(t, dev));
	KTEST_EXPECT(t, dev->stats.rx_foreign > foreign);
	KTEST_ASSERT(t, reset_and_wait(dev));
	KTEST_EXPECT(t, foreign_reply_seen(t, dev));
	if (can_filter) {
		KTEST_ASSERT_EQ(t, netdev_set_promisc(dev, false), 0);
		KTEST_EXPECT(t, !foreign_reply_seen(t, dev));
		KTEST_ASSERT(t, reset_and_wait(dev));
		KTEST_EXPECT(t, !foreign_reply_seen(t, dev));
	} else {
		KTEST_EXPECT(t, netdev_set_promisc(dev, false) != 0);
		KTEST_EXPECT(t, dev->promisc); /* unchanged */
	}
	ktest_log(t,
		  "%s: %llu frames for other MACs received in promiscuous mode",
		  dev->driver, (unsigned long long)dev->stats.rx_foreign);
}

static void counters(struct ktest *t)
{
	struct netdev *dev = nic(t);
	const struct netdev_stats *s;

	if (!dev)
		return;
	s = &dev->stats;
	ktest_log(t,
		  "rx %llu/%llu B, tx %llu/%llu B, rx_dropped %llu, "
		  "tx_dropped %llu, errors %llu, resets %llu, irqs %llu",
		  (unsigned long long)s->rx_packets,
		  (unsigned long long)s->rx_bytes,
		  (unsigned long long)s->tx_packets,
		  (unsigned long long)s->tx_bytes,
		  (unsigned long long)s->rx_dropped,
		  (unsigned long long)s->tx_dropped,
		  (unsigned long long)s->errors, (unsigned long long)s->resets,
		  (unsigned long long)s->irqs);
	/* A well-behaved device never tripped the checks. */
	KTEST_EXPECT_EQ(t, s->errors, 0);
	if (have_peer) {
		KTEST_EXPECT(t, s->rx_bytes >= s->rx_packets * 42);
		KTEST_EXPECT(t, s->tx_bytes >= s->tx_packets * 42);
		KTEST_EXPECT(t, s->irqs > 0);
	}
	/* Oversized and runt frames are refused, not sent. */
	{
		u64 drops = s->tx_dropped;
		struct frame *fp = &txbuf;

		txbuf.off = FRAME_HEADROOM;
		txbuf.len = 8;
		KTEST_EXPECT_EQ(t, netdev_xmit(dev, &fp, 1), 0);
		txbuf.len = FRAME_DATA_MAX;
		KTEST_EXPECT_EQ(t, netdev_xmit(dev, &fp, 1), 0);
		KTEST_EXPECT_EQ(t, s->tx_dropped, drops + 2);
	}
	netdev_set_rx_handler(dev, NULL, NULL);
}

/* A device that reports an impossible completion is reset, not trusted. */
static void bad_completion_resets(struct ktest *t)
{
	struct netdev *dev = nic(t);
	u64 errors, resets, rx, dropped;

	if (!dev)
		return;
	errors = dev->stats.errors;
	resets = dev->stats.resets;
	rx = dev->stats.rx_packets;
	dropped = dev->stats.rx_dropped;
	KTEST_ASSERT_EQ(t, netdev_inject_bad_rx(dev), 0);
	netdev_poll(dev, NETDEV_IRQ_BUDGET);
	KTEST_EXPECT_EQ(t, dev->stats.errors, errors + 1);
	KTEST_EXPECT_EQ(t, dev->stats.resets, resets + 1);
	/* Nothing from the bogus entry went up the stack. */
	KTEST_EXPECT_EQ(t, dev->stats.rx_packets, rx);
	KTEST_EXPECT_EQ(t, dev->stats.rx_dropped, dropped);
	KTEST_EXPECT_EQ(t, dev->tx_pool.nr_free, dev->tx_pool.total);
	if (have_peer && have_ip) {
		netdev_set_rx_handler(dev, test_rx, NULL);
		KTEST_EXPECT(t, echo_once(dev, 77));
		netdev_set_rx_handler(dev, NULL, NULL);
	}
}

static const struct ktest_case netdrv_cases[] = {
	KTEST_CASE(pci_enumerated),
	KTEST_CASE(nic_bound),
	KTEST_CASE(link_and_mac),
	KTEST_CASE(arp_reply_from_peer),
	KTEST_CASE(icmp_echo_from_peer),
	KTEST_CASE(burst_echo),
	KTEST_CASE(reset_mid_traffic),
	KTEST_CASE(promisc_filter),
	KTEST_CASE(counters),
	KTEST_CASE(bad_completion_resets),
};
KTEST_SUITE("netdrv", netdrv_cases);
