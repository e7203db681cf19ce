/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intrusive circular doubly-linked list. A struct list_head is both the
 * list anchor and the link embedded in each element; an empty list points
 * at itself, so insertion and removal never test for NULL.
 */
#ifndef PV_LIST_H
#define PV_LIST_H

#include <pv/types.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name)     \
	{                        \
		&(name), &(name) \
	}
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline void __list_link(struct list_head *n, struct list_head *prev,
			       struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

/* Insert n right after h (stack order). */
static inline void list_add(struct list_head *n, struct list_head *h)
{
	__list_link(n, h, h->next);
}

/* Insert n right before h, i.e. at the tail of list h (queue order). */
static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	__list_link(n, h->prev, h);
}

/*
 * Unlink e. It is left pointing at itself so that a second list_del or a
 * list_empty(e) is harmless rather than a use of stale neighbours.
 */
static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	INIT_LIST_HEAD(e);
}

static inline bool list_empty(const struct list_head *h)
{
	return READ_ONCE(h->next) == h;
}

static inline bool list_is_singular(const struct list_head *h)
{
	return h->next != h && h->next == h->prev;
}

/* Move e from wherever it is to the head / tail of h. */
static inline void list_move(struct list_head *e, struct list_head *h)
{
	list_del(e);
	list_add(e, h);
}

static inline void list_move_tail(struct list_head *e, struct list_head *h)
{
	list_del(e);
	list_add_tail(e, h);
}

static inline void __list_splice(struct list_head *from, struct list_head *prev,
				 struct list_head *next)
{
	struct list_head *first = from->next, *last = from->prev;

	first->prev = prev;
	prev->next = first;
	last->next = next;
	next->prev = last;
}

/* Join all of from's elements at the front of h; from is left empty. */
static inline void list_splice_init(struct list_head *from, struct list_head *h)
{
	if (!list_empty(from)) {
		__list_splice(from, h, h->next);
		INIT_LIST_HEAD(from);
	}
}

/* Join all of from's elements at the back of h; from is left empty. */
static inline void list_splice_tail_init(struct list_head *from,
					 struct list_head *h)
{
	if (!list_empty(from)) {
		__list_splice(from, h->prev, h);
		INIT_LIST_HEAD(from);
	}
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)
#define list_last_entry(h, type, member) list_entry((h)->prev, type, member)
#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)

#define list_for_each(p, h) for ((p) = (h)->next; (p) != (h); (p) = (p)->next)

#define list_for_each_entry(pos, h, member)                           \
	for ((pos) = list_first_entry(h, __typeof__(*(pos)), member); \
	     &(pos)->member != (h); (pos) = list_next_entry(pos, member))

/* As above, but pos may be unlinked (or freed) inside the loop body. */
#define list_for_each_entry_safe(pos, tmp, h, member)                 \
	for ((pos) = list_first_entry(h, __typeof__(*(pos)), member), \
	    (tmp) = list_next_entry(pos, member);                     \
	     &(pos)->member != (h);                                   \
	     (pos) = (tmp), (tmp) = list_next_entry(tmp, member))

#endif
