// SPDX-License-Identifier: GPL-2.0
/*
 * Named virtual networks (include/pv/vnet.h). A guest NIC's transmit
 * copies its frame into one of the network's frame buffers and runs the
 * switch under the network's lock; the switch hands frames to each
 * destination port's tx, which for a guest copies them into that guest's
 * receive queue. The lock serialises the switch (it is not re-entrant);
 * guest receive paths take only their own queue locks and never call back
 * into a network, so holding it there is safe.
 */
#include <pv/heap.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <pv/vnet.h>
#include <asm/spinlock.h>
#include <asm/timer.h>

#define VNET_FRAMES 64

/* What a guest NIC's net_priv points at: its network and switch port. */
struct vnet_guest {
	struct vnet *net;
	unsigned int port;
};

struct vnet {
	char name[VNET_NAME_MAX];
	spinlock_t lock;
	struct frame_pool pool;
	struct frame frames[VNET_FRAMES];
	struct vnet_guest guest[VSWITCH_MAX_PORTS]; /* by switch port */
	struct vswitch sw; /* points into itself: last, never copied */
};

static struct vnet *nets[VNET_MAX];
static spinlock_t nets_lock = SPINLOCK_INIT;

struct vnet *vnet_get(const char *name)
{
	struct vnet *n = NULL;
	unsigned int i;

	spin_lock(&nets_lock);
	for (i = 0; i < VNET_MAX && nets[i]; i++)
		if (!strcmp(nets[i]->name, name)) {
			n = nets[i];
			break;
		}
	if (!n && i < VNET_MAX && strlen(name) < VNET_NAME_MAX) {
		n = kzalloc(sizeof(*n));
		if (n) {
			strlcpy(n->name, name, sizeof(n->name));
			frame_pool_init(&n->pool, n->frames, VNET_FRAMES);
			vswitch_init(&n->sw, (u32)uptime_ns() ^ 0x9E3779B9u);
			nets[i] = n;
			pr_info("vnet %s: created\n", name);
		}
	}
	spin_unlock(&nets_lock);
	return n;
}

const char *vnet_name(const struct vnet *n)
{
	return n->name;
}

/* Switch -> guest: copy each frame into the guest's receive queue. */
static unsigned int guest_tx(void *priv, struct frame *const frames[],
			     unsigned int nr)
{
	struct netport *p = priv;
	unsigned int taken = 0;

	for (unsigned int i = 0; i < nr; i++)
		taken += p->rx(p, frame_data(frames[i]), frames[i]->len);
	return taken;
}

static const struct vswitch_port_ops guest_ops = { .tx = guest_tx };

unsigned int vnet_rx(struct vnet *n, unsigned int port,
		     struct frame *const frames[], unsigned int nr)
{
	u64 f = spin_lock_irqsave(&n->lock);
	unsigned int done = vswitch_rx(&n->sw, port, frames, nr, uptime_ns());

	spin_unlock_irqrestore(&n->lock, f);
	return done;
}

/* Guest -> switch (netport xmit): the guest's frame is borrowed. */
static bool guest_xmit(struct netport *p, const void *data, size_t len)
{
	const struct vnet_guest *g = p->net_priv;
	struct vnet *n = g->net;
	unsigned int done;
	struct frame *fr;
	u64 f;

	f = spin_lock_irqsave(&n->lock);
	fr = frame_alloc(&n->pool);
	if (!fr || !frame_set(fr, data, len)) {
		if (fr)
			frame_free(&n->pool, fr);
		spin_unlock_irqrestore(&n->lock, f);
		return false;
	}
	done = vswitch_rx(&n->sw, g->port, &fr, 1, uptime_ns());
	frame_free(&n->pool, fr);
	spin_unlock_irqrestore(&n->lock, f);
	return done == 1;
}

int vnet_attach(struct vnet *n, const struct vswitch_port_cfg *cfg)
{
	u64 f = spin_lock_irqsave(&n->lock);
	int port = vswitch_port_add(&n->sw, cfg);

	spin_unlock_irqrestore(&n->lock, f);
	return port;
}

int vnet_attach_guest(struct vnet *n, struct netport *p,
		      const struct vnet_port_opts *o)
{
	struct vswitch_port_cfg cfg;
	int port;

	memset(&cfg, 0, sizeof(cfg));
	cfg.kind = VSWITCH_PORT_GUEST;
	cfg.mode = VSWITCH_ACCESS;
	cfg.pvid = o->vlan;
	cfg.isolated = o->isolated;
	cfg.spoof_check = !o->allow_spoof;
	memcpy(cfg.mac, p->mac, ETH_ALEN);
	cfg.ops = &guest_ops;
	cfg.priv = p;
	port = vnet_attach(n, &cfg);
	if (port < 0)
		return -1;
	n->guest[port] = (struct vnet_guest){ n, (unsigned int)port };
	WRITE_ONCE(p->net_priv, &n->guest[port]);
	barrier();
	WRITE_ONCE(p->xmit, guest_xmit);
	pr_info("vnet %s: port %d: %s vlan %u%s\n", n->name, port, p->name,
		o->vlan, o->isolated ? " isolated" : "");
	return port;
}

void vnet_print_all(void)
{
	for (unsigned int i = 0; i < VNET_MAX; i++) {
		struct vnet *n = READ_ONCE(nets[i]);
		u64 f;

		if (!n)
			break;
		kprint("vnet %s:\n", n->name);
		f = spin_lock_irqsave(&n->lock);
		vswitch_print_ports(&n->sw);
		vswitch_print_fdb(&n->sw, uptime_ns());
		spin_unlock_irqrestore(&n->lock, f);
	}
}
