/* What a NatterBuffer asks of its connection. */
#pragma once

#include <natter/casemap.h>
#include "natter-connection.h"

G_BEGIN_DECLS

/* The session's case mapping (rfc1459 until the server says otherwise). */
nt_casemap natter_connection_get_casemap (NatterConnection *self);

G_END_DECLS
