// SPDX-License-Identifier: GPL-2.0
/*
 * The network node: the host NIC is the uplink port of a named virtual
 * network, the node's own IPv4 stack its internal port.
 *
 * Locking. The switch runs under its network's lock and delivers to the
 * internal port there (inet_port_tx, which only queues); the stack runs
 * under node.lock. So that no one takes the network's lock while holding
 * node.lock (the switch takes them the other way round), what the stack
 * sends is copied to an out queue under node.lock and handed to the
 * switch after node.lock is dropped (flush_out). Order: device rx lock ->
 * network lock -> node.lock or device tx lock.
 */
#include <pv/cmdline.h>
#include <pv/inet.h>
#include <pv/netdev.h>
#include <pv/netnode.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <pv/vnet.h>
#include <asm/spinlock.h>
#include <asm/timer.h>

#define NODE_FRAMES 32 /* the stack's own frames (input queue, building) */
#define NODE_OUT_FRAMES 16 /* sent by the stack, waiting for the switch */
#define NODE_LINK_DEFAULT "lan"

static struct {
	char dev[NETDEV_NAME_LEN]; /* "": the first NIC */
	char link[VNET_NAME_MAX];
	bool none; /* net.uplink=none */
	bool given; /* net.uplink= was on the command line */
	u16 vlan;
	bool trunk;
	DECLARE_BITMAP(allowed, VLAN_N_VID);
} opt = { .link = NODE_LINK_DEFAULT, .vlan = 1 };

static struct {
	spinlock_t lock; /* the stack, both pools, the out queue */
	bool up;
	struct vnet *net;
	struct netdev *dev; /* NULL: no uplink */
	int uplink_port, port;
	struct inet in;
	struct frame_pool pool, out_pool;
	struct frame *out, *out_tail; /* oldest first */
	struct frame frames[NODE_FRAMES];
	struct frame out_frames[NODE_OUT_FRAMES];
	u16 ping_id;
} node = { .lock = SPINLOCK_INIT };

static int set_uplink(const char *val)
{
	const char *at = strchr(val, '@');
	size_t n = at ? (size_t)(at - val) : strlen(val);

	opt.given = true;
	if (!strcmp(val, "none")) {
		opt.none = true;
		return 0;
	}
	if (!n || n >= sizeof(opt.dev))
		return -1;
	memcpy(opt.dev, val, n);
	opt.dev[n] = '\0';
	if (at && (!at[1] || strlen(at + 1) >= sizeof(opt.link)))
		return -1;
	if (at)
		strlcpy(opt.link, at + 1, sizeof(opt.link));
	return 0;
}
KPARAM("net.uplink", set_uplink,
       "host NIC as the uplink of a virtual network: DEV[@LINK] (default: the first NIC @lan) or none");

static int parse_vid(const char *s, u16 *vid)
{
	u64 v;

	if (parse_u64(s, &v) || v < 1 || v > 4094)
		return -1;
	*vid = (u16)v;
	return 0;
}

static int set_vlan(const char *val)
{
	return parse_vid(val, &opt.vlan);
}
KPARAM("net.vlan", set_vlan,
       "VLAN of the node's own address; the uplink's access (or trunk native) VLAN");

static int set_trunk(const char *val)
{
	char buf[8];
	u16 vid;

	memset(opt.allowed, 0, sizeof(opt.allowed));
	opt.trunk = true;
	while (*val) {
		const char *c = strchr(val, ',');
		size_t n = c ? (size_t)(c - val) : strlen(val);

		if (!n || n >= sizeof(buf))
			return -1;
		memcpy(buf, val, n);
		buf[n] = '\0';
		if (parse_vid(buf, &vid))
			return -1;
		bitmap_set_bit(opt.allowed, vid);
		val += n + (c ? 1 : 0);
	}
	return 0;
}
KPARAM("net.trunk", set_trunk,
       "make the uplink a trunk carrying these VLANs tagged, e.g. 10,20 (net.vlan, if not listed, is its untagged native VLAN)");

/* Stack -> out queue (under node.lock): the stack frees f afterwards. */
static bool node_tx(void *priv, struct frame *f)
{
	struct frame *c = frame_alloc(&node.out_pool);

	if (!c)
		return false;
	if (!frame_set(c, frame_data(f), f->len)) {
		frame_free(&node.out_pool, c);
		return false;
	}
	c->next = NULL;
	if (node.out)
		node.out_tail->next = c;
	else
		node.out = c;
	node.out_tail = c;
	return true;
}

/* Out queue -> switch; called without node.lock. */
static void flush_out(void)
{
	struct frame *batch[NODE_OUT_FRAMES], *f;
	unsigned int n = 0;
	u64 fl;

	fl = spin_lock_irqsave(&node.lock);
	f = node.out;
	node.out = node.out_tail = NULL;
	spin_unlock_irqrestore(&node.lock, fl);
	for (; f && n < NODE_OUT_FRAMES; f = f->next)
		batch[n++] = f;
	if (!n)
		return;
	vnet_rx(node.net, (unsigned int)node.port, batch, n);
	fl = spin_lock_irqsave(&node.lock);
	for (unsigned int i = 0; i < n; i++)
		frame_free(&node.out_pool, batch[i]);
	spin_unlock_irqrestore(&node.lock, fl);
}

/* Switch -> stack (under the network's lock): queue for net_node_poll. */
static unsigned int node_port_tx(void *priv, struct frame *const frames[],
				 unsigned int n)
{
	u64 fl = spin_lock_irqsave(&node.lock);
	unsigned int taken = inet_port_tx(&node.in, frames, n);

	spin_unlock_irqrestore(&node.lock, fl);
	return taken;
}

static const struct vswitch_port_ops node_port_ops = { .tx = node_port_tx };

/* Switch -> wire. */
static unsigned int uplink_tx(void *priv, struct frame *const frames[],
			      unsigned int n)
{
	return netdev_xmit(priv, frames, n);
}

static const struct vswitch_port_ops uplink_ops = { .tx = uplink_tx };

/* Wire -> switch (NIC interrupt or poll), then answer at once. */
static void uplink_rx(struct netdev *dev, struct frame *const frames[],
		      unsigned int n, void *arg)
{
	vnet_rx(node.net, (unsigned int)node.uplink_port, frames, n);
	net_node_poll();
}

void net_node_poll(void)
{
	u64 fl;

	if (!READ_ONCE(node.up))
		return;
	fl = spin_lock_irqsave(&node.lock);
	inet_poll(&node.in, uptime_ns());
	spin_unlock_irqrestore(&node.lock, fl);
	flush_out();
}

static int attach_uplink(struct netdev *dev)
{
	struct vswitch_port_cfg cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.kind = VSWITCH_PORT_UPLINK;
	cfg.mode = opt.trunk ? VSWITCH_TRUNK : VSWITCH_ACCESS;
	/* On a trunk the node's VLAN is native (untagged) unless listed. */
	cfg.pvid = opt.vlan;
	if (opt.trunk && bitmap_test_bit(opt.allowed, opt.vlan))
		cfg.pvid = 0;
	memcpy(cfg.allowed, opt.allowed, sizeof(cfg.allowed));
	memcpy(cfg.mac, dev->mac, ETH_ALEN);
	cfg.ops = &uplink_ops;
	cfg.priv = dev;
	node.uplink_port = vnet_attach(node.net, &cfg);
	if (node.uplink_port < 0)
		return -1;
	/*
	 * Frames from the wire for the guests carry their MACs: without
	 * promiscuous mode the NIC would drop every one of them (the node's
	 * own address and broadcasts would still work).
	 */
	if (netdev_set_promisc(dev, true))
		pr_warn("net: node: %s cannot receive in promiscuous mode: guests on %s get nothing from the wire\n",
			dev->name, opt.link);
	else
		pr_info("net: node: %s promiscuous: frames for every guest on %s\n",
			dev->name, opt.link);
	netdev_set_rx_handler(dev, uplink_rx, NULL);
	return 0;
}

void net_node_init(void)
{
	/* Locally administered, for a node without a NIC of its own. */
	static const u8 own_mac[ETH_ALEN] = { 0x02, 0x50, 0x56, 0, 0, 1 };
	struct vswitch_port_cfg cfg;
	struct netdev *dev = NULL;
	u64 fl;

	/* In-kernel tests drive the NICs themselves unless told otherwise. */
	if (IS_ENABLED(CONFIG_KTEST) && !opt.given)
		return;
	if (IS_ENABLED(CONFIG_NETDEV) && !opt.none) {
		dev = opt.dev[0] ? netdev_find(opt.dev) : netdev_get(0);
		if (opt.dev[0] && !dev)
			pr_err("net: node: no NIC named %s\n", opt.dev);
		if (dev && !dev->opened) {
			pr_err("net: node: %s is not up\n", dev->name);
			dev = NULL;
		}
	}
	/* Without a NIC, only an address makes the node worth having. */
	if (!dev && !inet_boot_cfg.ip)
		return;
	node.net = vnet_get(opt.link);
	if (!node.net) {
		pr_err("net: node: no network %s\n", opt.link);
		return;
	}
	frame_pool_init(&node.pool, node.frames, NODE_FRAMES);
	frame_pool_init(&node.out_pool, node.out_frames, NODE_OUT_FRAMES);
	inet_init(&node.in, dev ? dev->mac : own_mac, &node.pool, node_tx,
		  NULL);

	memset(&cfg, 0, sizeof(cfg));
	cfg.kind = VSWITCH_PORT_INTERNAL;
	cfg.mode = VSWITCH_ACCESS;
	cfg.pvid = opt.vlan;
	memcpy(cfg.mac, node.in.mac, ETH_ALEN);
	cfg.ops = &node_port_ops;
	cfg.priv = &node.in;
	node.port = vnet_attach(node.net, &cfg);
	if (node.port < 0) {
		pr_err("net: node: %s has no free port\n", opt.link);
		return;
	}
	if (IS_ENABLED(CONFIG_NETDEV) && dev && attach_uplink(dev)) {
		pr_err("net: node: cannot attach %s to %s\n", dev->name,
		       opt.link);
		dev = NULL;
	}
	node.dev = dev;
	WRITE_ONCE(node.up, true);

	/* The address (gratuitous ARP) goes out through the switch. */
	fl = spin_lock_irqsave(&node.lock);
	if (inet_boot_apply(&node.in, uptime_ns()))
		pr_err("net: node: bad net.ip/net.gw/net.udp_echo\n");
	spin_unlock_irqrestore(&node.lock, fl);
	flush_out();
	pr_info("net: node on %s vlan %u port %d, uplink %s (%s%s), ip %u.%u.%u.%u/%u, udp echo %u\n",
		opt.link, opt.vlan, node.port, dev ? dev->name : "none",
		opt.trunk ? "trunk" : "access", dev ? "" : ", no NIC",
		node.in.ip >> 24, (node.in.ip >> 16) & 0xff,
		(node.in.ip >> 8) & 0xff, node.in.ip & 0xff,
		inet_boot_cfg.ip ? inet_boot_cfg.prefix : 0,
		inet_boot_cfg.udp_echo);
}

void net_node_print(void)
{
	u64 fl;

	vnet_print_all();
	if (!READ_ONCE(node.up)) {
		kprint("node: no address (net.ip=) and no uplink\n");
		return;
	}
	if (IS_ENABLED(CONFIG_NETDEV) && node.dev) {
		const struct netdev_stats *s = &node.dev->stats;

		kprint("uplink %s (%s) on %s port %d: rx %llu/%lluB tx %llu/%lluB rx_dropped %llu tx_dropped %llu errors %llu resets %llu promisc %s rx_foreign %llu\n",
		       node.dev->name, node.dev->driver, opt.link,
		       node.uplink_port, (unsigned long long)s->rx_packets,
		       (unsigned long long)s->rx_bytes,
		       (unsigned long long)s->tx_packets,
		       (unsigned long long)s->tx_bytes,
		       (unsigned long long)s->rx_dropped,
		       (unsigned long long)s->tx_dropped,
		       (unsigned long long)s->errors,
		       (unsigned long long)s->resets,
		       READ_ONCE(node.dev->promisc) ? "on" : "off",
		       (unsigned long long)s->rx_foreign);
	}
	kprint("node on %s port %d:\n", opt.link, node.port);
	fl = spin_lock_irqsave(&node.lock);
	inet_print_stats(&node.in);
	inet_print_arp(&node.in, uptime_ns());
	spin_unlock_irqrestore(&node.lock, fl);
}

/* Replies that arrived so far; prints each one for (id, seq < sent). */
static unsigned int ping_collect(u16 id, const u64 *sent_at, unsigned int sent)
{
	struct inet_echo e;
	unsigned int got = 0;
	bool have;
	u64 fl;

	for (;;) {
		fl = spin_lock_irqsave(&node.lock);
		have = inet_ping_reply(&node.in, &e);
		spin_unlock_irqrestore(&node.lock, fl);
		if (!have)
			return got;
		if (e.id != id || e.seq >= sent)
			continue;
		kprint("ping: reply from %u.%u.%u.%u seq=%u bytes=%u time=%llu us\n",
		       e.from >> 24, (e.from >> 16) & 0xff,
		       (e.from >> 8) & 0xff, e.from & 0xff, e.seq, e.len,
		       (unsigned long long)((e.at - sent_at[e.seq]) / 1000));
		got++;
	}
}

int net_node_ping(const char *addr, unsigned int count)
{
	static const char payload[32] = "PureVisor node ping";
	u64 sent_at[32];
	unsigned int got = 0;
	u32 ip;
	u16 id;
	u64 fl;

	if (!READ_ONCE(node.up) || !node.in.ip) {
		kprint("ping: the node has no address (net.ip=)\n");
		return -1;
	}
	if (inet_parse_addr(addr, &ip)) {
		kprint("ping: bad address '%s'\n", addr);
		return -1;
	}
	if (count > ARRAY_SIZE(sent_at))
		count = ARRAY_SIZE(sent_at);
	id = ++node.ping_id;
	for (unsigned int seq = 0; seq < count; seq++) {
		u64 end;
		int r;

		sent_at[seq] = uptime_ns();
		fl = spin_lock_irqsave(&node.lock);
		r = inet_ping(&node.in, ip, id, (u16)seq, payload,
			      sizeof(payload), sent_at[seq]);
		spin_unlock_irqrestore(&node.lock, fl);
		flush_out();
		if (r)
			kprint("ping: seq=%u not sent\n", seq);
		/* A second per request; the stack answers ARP meanwhile. */
		end = sent_at[seq] + 1000000000ull;
		while (uptime_ns() < end) {
			net_node_poll();
			got += ping_collect(id, sent_at, seq + 1);
			cpu_relax();
		}
	}
	kprint("ping: %s: %u sent, %u received\n", addr, count, got);
	return (int)got;
}
