/* natter-message-row.c
 *
 * One line of the message list: a single wrapping label with Pango markup.
 */
#include "natter-message-row.h"

#include <glib/gi18n.h>
#include <string.h>

#include "natter-nick-color.h"
#include "natter-text.h"

/* Pango alpha for secondary text (times, events, separators): dim without
 * choosing a colour, so it reads on light and dark backgrounds alike. */
#define DIM_ALPHA   "55%"
#define EVENT_ALPHA "65%"

/* Adwaita's error colours (@error_color) for light and dark. */
#define ERROR_LIGHT "#c01c28"
#define ERROR_DARK  "#ff7b63"

/* The background of our nick where a message mentions it. */
#define HIGHLIGHT_LIGHT "#f8e45c"
#define HIGHLIGHT_DARK  "#8a6b00"

struct _NatterMessageRow
{
  GtkWidget      parent_instance;

  GtkLabel      *label;
  GtkWidget     *popover;
  NatterMessage *message;
  char          *menu_link;
};

G_DEFINE_FINAL_TYPE (NatterMessageRow, natter_message_row, GTK_TYPE_WIDGET)

/* ---- markup ------------------------------------------------------------- */

static void
append_nick (GString    *out,
             const char *nick,
             gboolean    dark,
             gboolean    bold)
{
  g_autofree char *escaped = NULL;

  if (nick == NULL || *nick == '\0')
    return;
  escaped = g_markup_escape_text (nick, -1);
  g_string_append_printf (out, "<span foreground=\"%s\"%s>%s</span>",
                          natter_nick_color (nick, dark),
                          bold ? " weight=\"bold\"" : "",
                          escaped);
}

static void
append_text (GString    *out,
             const char *text,
             const char *own_nick,
             gboolean    dark)
{
  g_autofree char *markup = NULL;

  if (text == NULL || *text == '\0')
    return;
  markup = natter_text_to_markup (text, own_nick,
                                  dark ? HIGHLIGHT_DARK : HIGHLIGHT_LIGHT);
  g_string_append (out, markup);
}

/* " (reason)" for parts, quits and kicks; nothing when there is none. */
static void
append_reason (GString    *out,
               const char *reason,
               gboolean    dark)
{
  if (reason == NULL || *reason == '\0')
    return;
  g_string_append (out, " (");
  append_text (out, reason, NULL, dark);
  g_string_append_c (out, ')');
}

static char *
nick_markup (const char *nick,
             gboolean    dark)
{
  GString *out = g_string_new (NULL);

  append_nick (out, nick, dark, FALSE);
  return g_string_free (out, FALSE);
}

static char *
reason_markup (const char *reason,
               gboolean    dark)
{
  GString *out = g_string_new (NULL);

  append_reason (out, reason, dark);
  return g_string_free (out, FALSE);
}

/* Joins, parts, quits, kicks, nick and mode changes: one compact line. */
static void
append_event (GString           *out,
              NatterMessageKind  kind,
              const char        *nick,
              const char        *text,
              gboolean           dark)
{
  g_autofree char *who = nick_markup (nick, dark);

  switch (kind)
    {
    case NATTER_MESSAGE_JOIN:
      g_string_append_printf (out, _("→ %s joined"), who);
      break;

    case NATTER_MESSAGE_PART:
      {
        g_autofree char *why = reason_markup (text, dark);
        g_string_append_printf (out, _("← %s left%s"), who, why);
      }
      break;

    case NATTER_MESSAGE_QUIT:
      {
        g_autofree char *why = reason_markup (text, dark);
        g_string_append_printf (out, _("← %s quit%s"), who, why);
      }
      break;

    case NATTER_MESSAGE_KICK:
      {
        /* text = "victim reason words..." */
        const char *space = text != NULL ? strchr (text, ' ') : NULL;
        g_autofree char *victim = space != NULL ? g_strndup (text, (gsize) (space - text))
                                                : g_strdup (text);
        g_autofree char *victim_markup = nick_markup (victim, dark);
        g_autofree char *why = reason_markup (space != NULL ? space + 1 : NULL, dark);

        g_string_append_printf (out, _("← %s was removed by %s%s"), victim_markup, who, why);
      }
      break;

    case NATTER_MESSAGE_NICK:
      {
        g_autofree char *new_nick = nick_markup (text, dark);
        g_string_append_printf (out, _("%s is now %s"), who, new_nick);
      }
      break;

    case NATTER_MESSAGE_MODE:
      {
        g_autofree char *modes = g_markup_escape_text (text != NULL ? text : "", -1);

        if (nick != NULL && *nick != '\0')
          g_string_append_printf (out, _("%s set mode %s"), who, modes);
        else
          g_string_append_printf (out, _("mode %s"), modes);
      }
      break;

    default:
      break;
    }
}

char *
natter_message_row_format_day (gint64     time_ms,
                               GDateTime *now)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (time_ms / 1000);
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GDateTime) now_local = NULL;
  g_autoptr (GDate) day = NULL;
  g_autoptr (GDate) today = NULL;
  int y, m, d;

  if (utc == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (utc);
  now_local = now != NULL ? g_date_time_to_local (now) : g_date_time_new_now_local ();

  g_date_time_get_ymd (local, &y, &m, &d);
  day = g_date_new_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
  g_date_time_get_ymd (now_local, &y, &m, &d);
  today = g_date_new_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);

  switch (g_date_days_between (day, today))
    {
    case 0:
      return g_strdup (_("Today"));
    case 1:
      return g_strdup (_("Yesterday"));
    default:
      /* TRANSLATORS: a day separator in the message list, e.g. "Monday 23 November 2026". */
      return g_date_time_format (local, _("%A %-d %B %Y"));
    }
}

char *
natter_message_row_markup (NatterMessage *msg,
                           const char    *own_nick,
                           gboolean       dark)
{
  GString *out;
  NatterMessageKind kind;
  const char *nick;
  const char *text;
  const char *mention_nick;

  g_return_val_if_fail (NATTER_IS_MESSAGE (msg), NULL);

  kind = natter_message_get_kind (msg);
  nick = natter_message_get_nick (msg);
  text = natter_message_get_text (msg);
  /* Our own words never light up with our own nick. */
  mention_nick = natter_message_has_flag (msg, NATTER_MESSAGE_FLAG_SELF) ? NULL : own_nick;
  out = g_string_new (NULL);

  if (kind == NATTER_MESSAGE_DAY)
    {
      g_autofree char *day = natter_message_row_format_day (natter_message_get_time (msg), NULL);
      g_autofree char *escaped = g_markup_escape_text (day, -1);

      g_string_append (out, "<span alpha=\"" DIM_ALPHA "\" weight=\"bold\">");
      g_string_append (out, escaped);
      g_string_append (out, "</span>");
      return g_string_free (out, FALSE);
    }

  {
    g_autofree char *time = natter_message_format_time (msg);
    g_autofree char *escaped = g_markup_escape_text (time != NULL ? time : "", -1);

    g_string_append (out, "<span alpha=\"" DIM_ALPHA "\" font_features=\"tnum\">");
    g_string_append (out, escaped);
    g_string_append (out, "</span>  ");
  }

  switch (kind)
    {
    case NATTER_MESSAGE_PRIVMSG:
      append_nick (out, nick, dark, TRUE);
      if (nick != NULL && *nick != '\0')
        g_string_append (out, "  ");
      append_text (out, text, mention_nick, dark);
      break;

    case NATTER_MESSAGE_ACTION:
      g_string_append (out, "<i>* ");
      append_nick (out, nick, dark, TRUE);
      g_string_append_c (out, ' ');
      append_text (out, text, mention_nick, dark);
      g_string_append (out, "</i>");
      break;

    case NATTER_MESSAGE_NOTICE:
      {
        g_autofree char *escaped = g_markup_escape_text (nick != NULL ? nick : "", -1);

        g_string_append_printf (out, "<span foreground=\"%s\" weight=\"bold\">-%s-</span> ",
                                natter_nick_color (nick != NULL ? nick : "", dark), escaped);
        append_text (out, text, mention_nick, dark);
      }
      break;

    case NATTER_MESSAGE_JOIN:
    case NATTER_MESSAGE_PART:
    case NATTER_MESSAGE_QUIT:
    case NATTER_MESSAGE_KICK:
    case NATTER_MESSAGE_NICK:
    case NATTER_MESSAGE_MODE:
      g_string_append (out, "<span alpha=\"" EVENT_ALPHA "\">");
      append_event (out, kind, nick, text, dark);
      g_string_append (out, "</span>");
      break;

    case NATTER_MESSAGE_TOPIC:
      if (nick != NULL && *nick != '\0')
        {
          append_nick (out, nick, dark, TRUE);
          g_string_append (out, "<span alpha=\"" EVENT_ALPHA "\"> ");
          g_string_append (out, _("changed the topic to:"));
          g_string_append (out, "</span> ");
        }
      else
        {
          g_string_append (out, "<span alpha=\"" EVENT_ALPHA "\">");
          g_string_append (out, _("Topic:"));
          g_string_append (out, "</span> ");
        }
      append_text (out, text, NULL, dark);
      break;

    case NATTER_MESSAGE_SERVER:
      g_string_append (out, "<span alpha=\"" EVENT_ALPHA "\">");
      append_text (out, text, NULL, dark);
      g_string_append (out, "</span>");
      break;

    case NATTER_MESSAGE_ERROR:
      g_string_append_printf (out, "<span foreground=\"%s\">", dark ? ERROR_DARK : ERROR_LIGHT);
      append_text (out, text, NULL, dark);
      g_string_append (out, "</span>");
      break;

    case NATTER_MESSAGE_STATUS:
      g_string_append (out, "<span alpha=\"" EVENT_ALPHA "\"><i>");
      append_text (out, text, NULL, dark);
      g_string_append (out, "</i></span>");
      break;

    case NATTER_MESSAGE_DAY:
    default:
      append_text (out, text, NULL, dark);
      break;
    }

  return g_string_free (out, FALSE);
}

/* ---- context menu ------------------------------------------------------- */

static void
copy_message_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  NatterMessageRow *self = NATTER_MESSAGE_ROW (widget);
  g_autofree char *plain = NULL;

  if (self->message == NULL)
    return;
  plain = natter_message_to_plain (self->message);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), plain != NULL ? plain : "");
}

static void
copy_link_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  NatterMessageRow *self = NATTER_MESSAGE_ROW (widget);

  if (self->menu_link != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->menu_link);
}

/* The menu for a right click or a long press at (x, y); the gesture is
 * claimed so the label does not open its own (link-only) menu as well. */
static void
popup_menu (NatterMessageRow *self,
            GtkGesture       *gesture,
            double            x,
            double            y)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  const char *uri;

  if (self->message == NULL)
    return;
  gtk_gesture_set_state (gesture, GTK_EVENT_SEQUENCE_CLAIMED);

  /* The label tracks the link under the pointer while it moves; read it now,
   * the popover takes the pointer away. */
  uri = gtk_label_get_current_uri (self->label);
  g_free (self->menu_link);
  self->menu_link = g_strdup (uri);

  g_menu_append (menu, _("Copy Message"), "row.copy");
  if (self->menu_link != NULL)
    g_menu_append (menu, _("Copy Link Address"), "row.copy-link");

  if (self->popover == NULL)
    {
      self->popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->popover), FALSE);
      gtk_widget_set_halign (self->popover, GTK_ALIGN_START);
      gtk_widget_set_parent (self->popover, GTK_WIDGET (self));
    }
  else
    gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->popover), G_MENU_MODEL (menu));

  gtk_popover_set_pointing_to (GTK_POPOVER (self->popover),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

static void
on_secondary_pressed (GtkGestureClick  *gesture,
                      int               n_press,
                      double            x,
                      double            y,
                      NatterMessageRow *self)
{
  popup_menu (self, GTK_GESTURE (gesture), x, y);
}

static void
on_long_pressed (GtkGestureLongPress *gesture,
                 double               x,
                 double               y,
                 NatterMessageRow    *self)
{
  popup_menu (self, GTK_GESTURE (gesture), x, y);
}

/* ---- widget ------------------------------------------------------------- */

static void
natter_message_row_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  NatterMessageRow *self = NATTER_MESSAGE_ROW (widget);

  gtk_widget_measure (GTK_WIDGET (self->label), orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
natter_message_row_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  NatterMessageRow *self = NATTER_MESSAGE_ROW (widget);

  gtk_widget_size_allocate (GTK_WIDGET (self->label),
                            &(GtkAllocation) { 0, 0, width, height }, baseline);
  /* A popover lives outside the layout; its parent must place it. */
  if (self->popover != NULL)
    gtk_popover_present (GTK_POPOVER (self->popover));
}

static GtkSizeRequestMode
natter_message_row_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
natter_message_row_dispose (GObject *object)
{
  NatterMessageRow *self = NATTER_MESSAGE_ROW (object);

  if (self->label != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->label));
      self->label = NULL;
    }
  g_clear_pointer (&self->popover, gtk_widget_unparent);
  g_clear_object (&self->message);
  g_clear_pointer (&self->menu_link, g_free);

  G_OBJECT_CLASS (natter_message_row_parent_class)->dispose (object);
}

static void
natter_message_row_class_init (NatterMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = natter_message_row_dispose;
  widget_class->measure = natter_message_row_measure;
  widget_class->size_allocate = natter_message_row_size_allocate;
  widget_class->get_request_mode = natter_message_row_get_request_mode;

  gtk_widget_class_set_css_name (widget_class, "messagerow");
  gtk_widget_class_install_action (widget_class, "row.copy", NULL, copy_message_action);
  gtk_widget_class_install_action (widget_class, "row.copy-link", NULL, copy_link_action);
}

static void
natter_message_row_init (NatterMessageRow *self)
{
  GtkGesture *click;
  GtkGesture *long_press;

  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_wrap_mode (self->label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (self->label, 0.0f);
  gtk_label_set_selectable (self->label, FALSE);
  /* Spacing lives in code, not CSS, so the list reads right without a theme
   * rule; the unread line and the mention tint are the theme's (CSS). */
  gtk_widget_set_margin_start (GTK_WIDGET (self->label), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->label), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (self->label), 2);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->label), 2);
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));

  /* Capture phase: the label would otherwise see the click first and, on a
   * link, pop up its own menu without "Copy Message". */
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  long_press = gtk_gesture_long_press_new ();
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (long_press), TRUE);
  g_signal_connect (long_press, "pressed", G_CALLBACK (on_long_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (long_press));
}

GtkWidget *
natter_message_row_new (void)
{
  return g_object_new (NATTER_TYPE_MESSAGE_ROW, NULL);
}

static void
set_class (GtkWidget  *widget,
           const char *css_class,
           gboolean    on)
{
  if (on)
    gtk_widget_add_css_class (widget, css_class);
  else
    gtk_widget_remove_css_class (widget, css_class);
}

static void
render (NatterMessageRow *self,
        const char       *own_nick,
        gboolean          dark)
{
  GtkWidget *widget = GTK_WIDGET (self);
  NatterMessage *msg = self->message;
  gboolean day;
  g_autofree char *markup = NULL;

  if (msg == NULL)
    {
      gtk_label_set_text (self->label, "");
      set_class (widget, "unread-marker", FALSE);
      set_class (widget, "mention", FALSE);
      set_class (widget, "event", FALSE);
      set_class (widget, "day", FALSE);
      return;
    }

  day = natter_message_get_kind (msg) == NATTER_MESSAGE_DAY;
  markup = natter_message_row_markup (msg, own_nick, dark);
  gtk_label_set_markup (self->label, markup);
  gtk_label_set_xalign (self->label, day ? 0.5f : 0.0f);
  gtk_label_set_justify (self->label, day ? GTK_JUSTIFY_CENTER : GTK_JUSTIFY_LEFT);
  gtk_widget_set_margin_top (GTK_WIDGET (self->label), day ? 10 : 2);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->label), day ? 6 : 2);

  set_class (widget, "unread-marker", natter_message_has_flag (msg, NATTER_MESSAGE_FLAG_UNREAD));
  set_class (widget, "mention", natter_message_has_flag (msg, NATTER_MESSAGE_FLAG_MENTION));
  set_class (widget, "event", natter_message_is_event (msg));
  set_class (widget, "day", day);
}

void
natter_message_row_set_message (NatterMessageRow *self,
                                NatterMessage    *msg,
                                const char       *own_nick,
                                gboolean          dark)
{
  g_return_if_fail (NATTER_IS_MESSAGE_ROW (self));
  g_return_if_fail (msg == NULL || NATTER_IS_MESSAGE (msg));

  if (msg == NULL && self->popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->popover));
  g_set_object (&self->message, msg);
  render (self, own_nick, dark);
}

NatterMessage *
natter_message_row_get_message (NatterMessageRow *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_ROW (self), NULL);
  return self->message;
}

void
natter_message_row_refresh (NatterMessageRow *self,
                            const char       *own_nick,
                            gboolean          dark)
{
  g_return_if_fail (NATTER_IS_MESSAGE_ROW (self));
  if (self->message != NULL)
    render (self, own_nick, dark);
}

GtkLabel *
natter_message_row_get_label (NatterMessageRow *self)
{
  g_return_val_if_fail (NATTER_IS_MESSAGE_ROW (self), NULL);
  return self->label;
}
