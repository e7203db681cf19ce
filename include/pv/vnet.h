/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named virtual networks: each is one in-hypervisor switch (net/vswitch.c)
 * with a lock and a frame pool, created the first time a VM config or the
 * host names it. Guest NICs (struct netport) attach as access ports; the
 * node's own stack and host NICs attach as internal and uplink ports.
 */
#ifndef PV_VNET_H
#define PV_VNET_H

#include <pv/netport.h>
#include <pv/vswitch.h>

#define VNET_MAX 8
#define VNET_NAME_MAX 32

struct vnet;

struct vnet_port_opts {
	u16 vlan; /* access VLAN, 1..4094 */
	bool isolated; /* talks to uplinks only */
	bool allow_spoof; /* else the source MAC must be the NIC's */
};

/* The network of that name, created if new; NULL when VNET_MAX exist or
 * memory is short. */
struct vnet *vnet_get(const char *name);
/* Attach a guest NIC: its transmits enter the switch, the switch's
 * deliveries reach its rx. Returns the switch port or -1. */
int vnet_attach_guest(struct vnet *n, struct netport *p,
		      const struct vnet_port_opts *o);
/* Attach a port with another kind (uplink NIC, internal stack): frames
 * the switch sends to it go to ops->tx. Returns the port or -1. */
int vnet_attach(struct vnet *n, const struct vswitch_port_cfg *cfg);
/* Frames from a non-guest port into the switch (borrowed). */
unsigned int vnet_rx(struct vnet *n, unsigned int port,
		     struct frame *const frames[], unsigned int nr);
const char *vnet_name(const struct vnet *n);
/* Monitor: every network's ports and counters, and MAC table. */
void vnet_print_all(void);

#endif
