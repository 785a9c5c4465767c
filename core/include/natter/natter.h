/* libnatter: the Natter chat core — IRC codec, server engine, client session
 * and server transports, on libnp. */
#ifndef NATTER_NATTER_H
#define NATTER_NATTER_H

#include "export.h"
#include "msg.h"
#include "casemap.h"
#include "engine.h"
#include "session.h"
#include "server.h"

NT_BEGIN_DECLS
/* "0.1.0" */
NT_API const char *nt_version(void);
NT_END_DECLS

#endif /* NATTER_NATTER_H */
