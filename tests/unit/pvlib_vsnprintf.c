// SPDX-License-Identifier: GPL-2.0
/* lib/vsnprintf.c built for the host as pv_vsnprintf (see pvlib_rename.h). */
#include "pvlib_rename.h"
#include "../../lib/vsnprintf.c"
