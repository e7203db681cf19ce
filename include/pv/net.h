/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame buffers and strict wire-format parsers (Ethernet/802.1Q, ARP,
 * IPv4, ICMP, UDP). Parsers never trust a length field: every malformed
 * input yields its own enum net_drop so callers can count why frames die.
 * Wire fields use the __bitwise be16/be32 types so sparse catches a
 * missing byte-order conversion.
 */
#ifndef PV_NET_H
#define PV_NET_H

#include <pv/types.h>
#include <pv/endian.h>

#define ETH_ALEN 6
#define ETH_HLEN 14
#define VLAN_HLEN 4
#define ETH_P_IPV4 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_802_3_MAX 1500 /* ethertypes <= this are 802.3 lengths */
#define ETH_P_MIN 0x0600
#define VLAN_VID_MASK 0x0fff
#define VLAN_N_VID 4096

#define IPPROTO_ICMP 1
#define IPPROTO_UDP 17
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

/*
 * Why a frame was dropped. Parser reasons first, then switch reasons;
 * NET_OK is 0 so "if (r)" means "drop".
 */
enum net_drop {
	NET_OK = 0,
	NET_DROP_ETH_SHORT, /* < 14 bytes */
	NET_DROP_ETH_SRC_MCAST, /* source MAC with the group bit */
	NET_DROP_ETH_SRC_ZERO, /* source MAC 00:00:00:00:00:00 */
	NET_DROP_ETH_TYPE, /* ethertype 1501..1535: neither length nor type */
	NET_DROP_ETH_LLC_LEN, /* 802.3 length field beyond the frame */
	NET_DROP_VLAN_SHORT, /* 802.1Q tag cut off */
	NET_DROP_VLAN_QINQ, /* stacked tags (unsupported) */
	NET_DROP_ARP_SHORT,
	NET_DROP_ARP_HTYPE, /* not Ethernet */
	NET_DROP_ARP_PTYPE, /* not IPv4 */
	NET_DROP_ARP_ADDR_LEN, /* hlen != 6 or plen != 4 */
	NET_DROP_ARP_OP, /* not request/reply */
	NET_DROP_IP_SHORT, /* < 20 bytes */
	NET_DROP_IP_VERSION, /* not 4 */
	NET_DROP_IP_IHL, /* IHL < 5 or header beyond the frame */
	NET_DROP_IP_TOTLEN, /* total length < header or > frame */
	NET_DROP_IP_CSUM,
	NET_DROP_IP_EVIL_BIT, /* reserved flag set */
	NET_DROP_L4_FRAGMENT, /* L4 parse asked of a fragment */
	NET_DROP_ICMP_SHORT,
	NET_DROP_ICMP_CSUM,
	NET_DROP_ICMP_ECHO_CODE, /* echo with code != 0 */
	NET_DROP_UDP_SHORT, /* < 8 bytes of payload */
	NET_DROP_UDP_LEN, /* length field < 8 or beyond the IP payload */
	NET_DROP_UDP_CSUM,
	/* Switch reasons. */
	NET_DROP_FRAME_LEN, /* frame buffer length out of range */
	NET_DROP_PORT_DOWN, /* ingress port not configured */
	NET_DROP_MTU_RX, /* payload above the ingress port MTU */
	NET_DROP_MTU_TX, /* payload above the egress port MTU */
	NET_DROP_SPOOF, /* guest sent with a MAC not its own */
	NET_DROP_VLAN_UNTAGGED, /* untagged on a trunk without native VLAN */
	NET_DROP_VLAN_TAGGED, /* tagged with another VLAN on an access port */
	NET_DROP_VLAN_DENIED, /* VLAN not allowed on the trunk */
	NET_DROP_ISOLATED, /* unicast between isolated and non-uplink */
	NET_DROP_HAIRPIN, /* destination learned on the ingress port */
	NET_DROP_NO_DEST, /* flood found no eligible port */
	NET_DROP_TX_FULL, /* egress port refused the frame */
	/* The node's own stack (net/arp.c, ipv4.c, icmp.c, udp.c). */
	NET_DROP_NOT_OURS, /* Ethernet destination is another station */
	NET_DROP_ETH_PROTO, /* not IPv4 or ARP, 802.3, or VLAN-tagged */
	NET_DROP_NO_ADDR, /* the node has no IPv4 address yet */
	NET_DROP_ARP_NOT_OURS, /* ARP about another address */
	NET_DROP_ARP_SENDER, /* bogus sender MAC, or sender claims our IP */
	NET_DROP_ARP_QUEUE_FULL, /* no room to wait for an ARP answer */
	NET_DROP_ARP_UNRESOLVED, /* waited frame's address never answered */
	NET_DROP_IP_OPTIONS, /* header with options (not accepted) */
	NET_DROP_IP_FRAGMENT, /* fragments are not reassembled */
	NET_DROP_IP_NOT_OURS, /* destination neither our address nor bcast */
	NET_DROP_IP_SRC, /* martian source address */
	NET_DROP_IP_PROTO, /* neither ICMP nor UDP */
	NET_DROP_IP_NO_ROUTE, /* off-link destination and no gateway */
	NET_DROP_ICMP_TYPE, /* ICMP message we do not act on */
	NET_DROP_UDP_PORT, /* no socket on the destination port */
	NET_DROP_NO_FRAME, /* frame pool dry */
	NET_DROP_TX, /* the tx callback refused the frame */
	NET_DROP_MAX
};

const char *net_drop_name(enum net_drop r);

struct eth_hdr {
	u8 dst[ETH_ALEN];
	u8 src[ETH_ALEN];
	be16 type;
} __packed;

struct vlan_tag {
	be16 tci;
	be16 type; /* encapsulated ethertype */
} __packed;

struct arp_hdr {
	be16 htype;
	be16 ptype;
	u8 hlen;
	u8 plen;
	be16 op;
	u8 sha[ETH_ALEN];
	u8 spa[4];
	u8 tha[ETH_ALEN];
	u8 tpa[4];
} __packed;

struct ipv4_hdr {
	u8 ver_ihl;
	u8 tos;
	be16 tot_len;
	be16 id;
	be16 frag_off; /* flags (3 bits) and offset in 8-byte units */
	u8 ttl;
	u8 proto;
	be16 csum;
	be32 saddr;
	be32 daddr;
} __packed;

#define IP_FLAG_RESERVED 0x8000
#define IP_FLAG_DF 0x4000
#define IP_FLAG_MF 0x2000
#define IP_OFFSET_MASK 0x1fff

struct icmp_hdr {
	u8 type;
	u8 code;
	be16 csum;
	be16 id;
	be16 seq;
} __packed;

struct udp_hdr {
	be16 sport;
	be16 dport;
	be16 len;
	be16 csum;
} __packed;

/* Results of the parsers: pointers into the caller's buffer. */
struct net_eth {
	const struct eth_hdr *hdr;
	bool tagged;
	bool llc; /* 802.3 length frame: type holds the length */
	u16 tci; /* whole TCI when tagged (PCP, DEI, VID) */
	u16 vid;
	u16 type; /* ethertype after any tag, CPU order */
	u16 l3_off; /* offset of the payload */
	u16 l3_len;
};

struct net_arp {
	const struct arp_hdr *hdr;
	u16 op;
};

struct net_ipv4 {
	const struct ipv4_hdr *hdr;
	u8 proto;
	bool frag; /* MF set or non-zero offset */
	u16 hlen; /* header bytes, options included */
	u16 tot_len;
	const u8 *payload; /* after the header */
	u16 payload_len; /* tot_len - hlen: Ethernet padding excluded */
};

struct net_icmp {
	const struct icmp_hdr *hdr;
	u8 type;
	u8 code;
	bool echo; /* echo request or reply */
};

struct net_udp {
	const struct udp_hdr *hdr;
	u16 sport, dport;
	const u8 *payload;
	u16 payload_len;
};

enum net_drop net_parse_eth(const u8 *p, size_t len, struct net_eth *out);
enum net_drop net_parse_arp(const u8 *p, size_t len, struct net_arp *out);
enum net_drop net_parse_ipv4(const u8 *p, size_t len, struct net_ipv4 *out);
enum net_drop net_parse_icmp(const struct net_ipv4 *ip, struct net_icmp *out);
enum net_drop net_parse_udp(const struct net_ipv4 *ip, struct net_udp *out);

/*
 * Internet checksum: net_csum_add() sums big-endian 16-bit words into an
 * accumulator (an odd tail is padded with zero); net_csum_fold() returns
 * the complemented 16-bit result in CPU order (0 means "sums to 0xffff").
 */
u32 net_csum_add(u32 sum, const void *p, size_t len);
u16 net_csum_fold(u32 sum);
/* Checksum to store in an IPv4 header (its csum field is skipped). */
be16 net_ipv4_csum(const struct ipv4_hdr *ip);
/* UDP checksum over pseudo-header + datagram (csum field treated as 0). */
be16 net_udp_csum(const struct ipv4_hdr *ip, const void *udp, u16 len);

static inline bool eth_addr_is_multicast(const u8 *a)
{
	return a[0] & 1;
}

static inline bool eth_addr_equal(const u8 *a, const u8 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] &&
	       a[4] == b[4] && a[5] == b[5];
}

/*
 * Frame buffers: a fixed array carved into a free list up front, so the
 * fast path never allocates. Data starts FRAME_HEADROOM bytes in, which
 * leaves room to push an 802.1Q tag without copying the payload.
 */
#define FRAME_DATA_MAX 2048
#define FRAME_HEADROOM 64

struct frame {
	struct frame *next; /* free list / caller queues */
	u16 off; /* start of data in buf */
	u16 len; /* data bytes */
	u16 vid; /* switch metadata: VLAN the frame travels in */
	u16 pcp; /* switch metadata: priority bits of the tag */
	u8 buf[FRAME_HEADROOM + FRAME_DATA_MAX];
};

static inline u8 *frame_data(struct frame *f)
{
	return f->buf + f->off;
}

struct frame_pool {
	struct frame *free;
	u32 nr_free;
	u32 total;
};

/* Thread frames[0..n-1] onto the pool's free list. */
void frame_pool_init(struct frame_pool *pool, struct frame *frames, u32 n);
/* A reset frame (off = headroom, len = 0), or NULL when the pool is dry. */
struct frame *frame_alloc(struct frame_pool *pool);
void frame_free(struct frame_pool *pool, struct frame *f);
/* Copy len bytes in as the frame's data; false if len is too large. */
bool frame_set(struct frame *f, const void *data, size_t len);

#endif
