/* natter-chat-input.c: the chat's input line. */
#include "natter-chat-input.h"

#include "natter-completion.h"

struct _NatterChatInput
{
  GtkWidget     parent_instance;

  GtkEntry     *entry;
  NatterBuffer *buffer;          /* weak: the window owns it */

  /* Up/Down: position in the buffer's input history, counted back from the
   * newest (0 = the line being typed, which is kept in draft). */
  guint         history_pos;
  char         *draft;

  /* Tab: consecutive presses cycle through the matches of the original text. */
  char         *complete_line;
  gsize         complete_cursor;
  guint         complete_cycle;
  gboolean      completing;      /* our own edit: do not reset the cycle */
};

G_DEFINE_FINAL_TYPE (NatterChatInput, natter_chat_input, GTK_TYPE_WIDGET)

enum { SUBMIT, PAGE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
set_text (NatterChatInput *self, const char *text, int cursor)
{
  self->completing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text ? text : "");
  gtk_editable_set_position (GTK_EDITABLE (self->entry), cursor);
  self->completing = FALSE;
}

static void
reset_completion (NatterChatInput *self)
{
  g_clear_pointer (&self->complete_line, g_free);
  self->complete_cycle = 0;
}

static void
on_changed (GtkEditable *editable, NatterChatInput *self)
{
  if (!self->completing)
    {
      reset_completion (self);
      self->history_pos = 0;
    }
}

static void
history_step (NatterChatInput *self, int direction)
{
  GPtrArray *hist;
  guint pos;

  if (self->buffer == NULL)
    return;
  hist = natter_buffer_get_input_history (self->buffer);
  if (hist == NULL || hist->len == 0)
    return;
  if (direction < 0)   /* Up: older */
    {
      if (self->history_pos >= hist->len)
        return;
      if (self->history_pos == 0)
        {
          g_free (self->draft);
          self->draft = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry)));
        }
      pos = ++self->history_pos;
    }
  else
    {
      if (self->history_pos == 0)
        return;
      pos = --self->history_pos;
    }
  if (pos == 0)
    set_text (self, self->draft, -1);
  else
    set_text (self, g_ptr_array_index (hist, hist->len - pos), -1);
  self->history_pos = pos;
}

static void
complete (NatterChatInput *self)
{
  g_auto (GStrv) candidates = NULL;
  g_autofree char *line = NULL;
  gsize cursor;

  if (self->buffer == NULL)
    return;
  if (self->complete_line == NULL)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
      int pos = gtk_editable_get_position (GTK_EDITABLE (self->entry));
      self->complete_line = g_strdup (text);
      self->complete_cursor = (gsize) (g_utf8_offset_to_pointer (text, pos) - text);
      self->complete_cycle = 0;
    }
  candidates = natter_buffer_completion_candidates (self->buffer);
  if (natter_complete (self->complete_line, self->complete_cursor,
                       (const char * const *) candidates, self->complete_cycle,
                       &line, &cursor))
    {
      set_text (self, line, (int) g_utf8_strlen (line, (gssize) cursor));
      self->complete_cycle++;
    }
  else
    gtk_widget_error_bell (GTK_WIDGET (self));
}

static gboolean
on_key (GtkEventControllerKey *ctrl, guint keyval, guint keycode, GdkModifierType state, NatterChatInput *self)
{
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Up:
      history_step (self, -1);
      return TRUE;
    case GDK_KEY_Down:
      history_step (self, +1);
      return TRUE;
    case GDK_KEY_Tab:
    case GDK_KEY_ISO_Left_Tab:
      if (state & GDK_SHIFT_MASK)
        return FALSE;
      complete (self);
      return TRUE;
    case GDK_KEY_Page_Up:
      g_signal_emit (self, signals[PAGE], 0, -1);
      return TRUE;
    case GDK_KEY_Page_Down:
      g_signal_emit (self, signals[PAGE], 0, +1);
      return TRUE;
    default:
      return FALSE;
    }
}

/* A pasted text with line breaks is sent line by line; if one line fails, it
 * and everything after it stay in the input. */
static void
on_activate (GtkEntry *entry, NatterChatInput *self)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  g_auto (GStrv) lines = g_strsplit_set (text, "\r\n", -1);
  guint i;

  for (i = 0; lines[i]; i++)
    {
      gboolean ok = FALSE;
      if (lines[i][0] == '\0')
        continue;
      g_signal_emit (self, signals[SUBMIT], 0, lines[i], &ok);
      if (!ok)
        break;
    }
  if (lines[i] == NULL)
    set_text (self, "", 0);
  else
    {
      g_autofree char *rest = g_strjoinv ("\n", lines + i);
      set_text (self, rest, -1);
    }
  self->history_pos = 0;
  g_clear_pointer (&self->draft, g_free);
}

void
natter_chat_input_set_buffer (NatterChatInput *self, NatterBuffer *buffer)
{
  if (self->buffer == buffer)
    return;
  /* The half-typed line belongs to the chat it was typed in. */
  if (self->buffer)
    g_object_set_data_full (G_OBJECT (self->buffer), "natter-draft",
                            g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry))), g_free);
  self->buffer = buffer;
  reset_completion (self);
  self->history_pos = 0;
  g_clear_pointer (&self->draft, g_free);
  set_text (self, buffer ? g_object_get_data (G_OBJECT (buffer), "natter-draft") : "", -1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->entry), buffer != NULL);
}

GtkEditable *
natter_chat_input_get_editable (NatterChatInput *self)
{
  return GTK_EDITABLE (self->entry);
}

static gboolean
natter_chat_input_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (NATTER_CHAT_INPUT (widget)->entry));
}

static void
natter_chat_input_dispose (GObject *object)
{
  NatterChatInput *self = NATTER_CHAT_INPUT (object);

  if (self->entry)
    {
      gtk_widget_unparent (GTK_WIDGET (self->entry));
      self->entry = NULL;
    }
  reset_completion (self);
  g_clear_pointer (&self->draft, g_free);
  G_OBJECT_CLASS (natter_chat_input_parent_class)->dispose (object);
}

static void
natter_chat_input_class_init (NatterChatInputClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = natter_chat_input_dispose;
  widget_class->grab_focus = natter_chat_input_grab_focus;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "chatinput");

  signals[SUBMIT] = g_signal_new ("submit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, g_signal_accumulator_first_wins, NULL, NULL,
                                  G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
  signals[PAGE] = g_signal_new ("page", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
natter_chat_input_init (NatterChatInput *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->entry), TRUE);
  /* Tab must reach us before focus moves on. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);
  g_signal_connect (self->entry, "activate", G_CALLBACK (on_activate), self);
  g_signal_connect (self->entry, "changed", G_CALLBACK (on_changed), self);
  gtk_widget_set_parent (GTK_WIDGET (self->entry), GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL, "Message", -1);
}

GtkWidget *
natter_chat_input_new (void)
{
  return g_object_new (NATTER_TYPE_CHAT_INPUT, NULL);
}
