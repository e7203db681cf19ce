/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network node (net/node.c): the host NIC as the uplink of a named
 * virtual network and the node's own IPv4 stack as that network's
 * internal port. Boot options: net.uplink=DEV[@LINK] | none,
 * net.vlan=N (the node's VLAN; the uplink's access VLAN, or on a trunk its
 * native VLAN unless listed), net.trunk=V,V,... (the uplink is a trunk
 * carrying these VLANs tagged), plus the stack's
 * net.ip=, net.gw=, net.udp_echo= (net/inet_boot.c).
 */
#ifndef PV_NETNODE_H
#define PV_NETNODE_H

#include <pv/printk.h>
#include <pv/types.h>

#ifdef CONFIG_NET
/* After netdev_init(): attach the uplink and start the stack. */
void net_node_init(void);
/* Deferred stack input and timers; call often (idle loop, monitor). */
void net_node_poll(void);
/* Monitor: switches, uplink and stack counters, ARP cache. */
void net_node_print(void);
/* Monitor: `count` echo requests to addr (dotted quad), 1 s apart,
 * printing each reply; returns the number of replies. */
int net_node_ping(const char *addr, unsigned int count);
#else
static inline void net_node_init(void)
{
}

static inline void net_node_poll(void)
{
}

static inline void net_node_print(void)
{
	kprint("net: built without networking (CONFIG_NET)\n");
}

static inline int net_node_ping(const char *addr, unsigned int count)
{
	net_node_print();
	return -1;
}
#endif

#endif
