/* What NatterConnection may do to its buffers and nobody else does: queue
 * messages, flush them as one batch, set the topic, members and state. */
#pragma once

#include <natter/session.h>
#include "natter-buffer.h"

G_BEGIN_DECLS

/* Queue msg (takes a reference) for the next flush; counts it as unread
 * unless the buffer is being looked at. */
void     natter_buffer_queue         (NatterBuffer *self, NatterMessage *msg);
/* Append what was queued to the model (one items-changed) and to the history
 * (one transaction). Returns FALSE with error when the history write failed;
 * the messages are shown all the same. *stored (may be NULL): a write to the
 * history was made and succeeded. */
gboolean natter_buffer_flush         (NatterBuffer *self, gboolean *stored, GError **error);
gboolean natter_buffer_has_pending   (NatterBuffer *self);

void     natter_buffer_set_name      (NatterBuffer *self, const char *name);
void     natter_buffer_set_topic     (NatterBuffer *self, const char *topic, const char *setter);
void     natter_buffer_set_joined    (NatterBuffer *self, gboolean joined);
/* Replace the member list (one splice). */
void     natter_buffer_set_members   (NatterBuffer *self, const nt_member *members, gsize n);
/* Forget the connection (it is going away or closed this buffer). */
void     natter_buffer_detach        (NatterBuffer *self);

G_END_DECLS
