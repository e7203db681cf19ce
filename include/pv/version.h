/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PV_VERSION_H
#define PV_VERSION_H

#define PV_VERSION "0.1.0"

#endif
