// SPDX-License-Identifier: GPL-2.0
/* lib/string.c built for the host as pv_memcpy etc. (see pvlib_rename.h). */
#include "pvlib_rename.h"
#include "../../lib/string.c"
