/* NatterMessageModel: the GListModel behind a chat's message list.
 *
 * Holds NatterMessage items in order, oldest first, and inserts a
 * NATTER_MESSAGE_DAY separator wherever the local date changes (also between
 * a prepended page and what was there). Every mutation emits exactly one
 * items-changed, however many messages it adds, so 100,000 lines cost one
 * signal, not 100,000. */
#pragma once

#include <gio/gio.h>
#include "natter-message.h"

G_BEGIN_DECLS

#define NATTER_TYPE_MESSAGE_MODEL (natter_message_model_get_type ())
G_DECLARE_FINAL_TYPE (NatterMessageModel, natter_message_model, NATTER, MESSAGE_MODEL, GObject)

NatterMessageModel *natter_message_model_new          (void);
void     natter_message_model_append        (NatterMessageModel *self, NatterMessage *msg);
/* msgs[0..n) oldest first, appended at the end: one items-changed. */
void     natter_message_model_append_many   (NatterMessageModel *self, NatterMessage **msgs, guint n);
/* Older messages (oldest first) put before everything: one items-changed at 0. */
void     natter_message_model_prepend_many  (NatterMessageModel *self, NatterMessage **msgs, guint n);
void     natter_message_model_clear         (NatterMessageModel *self);
/* Real messages (day separators not counted). */
guint    natter_message_model_get_n_messages (NatterMessageModel *self);
/* The oldest / newest real message, NULL when empty (transfer none). */
NatterMessage *natter_message_model_get_first (NatterMessageModel *self);
NatterMessage *natter_message_model_get_last  (NatterMessageModel *self);
/* Put the read marker above msg (NULL: no marker). The rows concerned are
 * re-announced with items-changed so their widgets redraw. */
void     natter_message_model_set_read_marker (NatterMessageModel *self, NatterMessage *msg);
NatterMessage *natter_message_model_get_read_marker (NatterMessageModel *self);
/* Position of msg in the model, or G_MAXUINT. */
guint    natter_message_model_find (NatterMessageModel *self, NatterMessage *msg);

G_END_DECLS
