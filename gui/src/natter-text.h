/* Message text → what a row shows: Pango markup with clickable links, mention
 * highlight and IRC formatting.
 *
 * IRC formatting codes: ^B bold, ^] italic, ^_ underline, ^^ strikethrough,
 * ^Q monospace, ^V reverse (dropped), ^C[fg[,bg]] mIRC colours (shown with the
 * 16 standard colours; fg only), ^D hex colours (stripped), ^O reset. Codes
 * never leak into the output as junk characters, malformed ones included, and
 * invalid UTF-8 is repaired (U+FFFD) before anything else. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gsize start;   /* byte offsets into the text given */
  gsize end;
  char *url;     /* what to open: "www.x.org" becomes "http://www.x.org" */
} NatterLink;
void natter_link_free (NatterLink *link);

/* Links in plain text: http://, https://, ftp://, irc://, ircs://, mailto:,
 * and bare "www." hosts. Trailing punctuation that ends a sentence (.,;:!?')
 * and an unbalanced closing bracket are not part of the link.
 * Element type: NatterLink. */
GPtrArray *natter_text_find_links (const char *text);

/* TRUE if text mentions nick as a word (case-insensitive, rfc1459 folding;
 * "alice:", "@alice", "alice," count; "malice" and "alice_" do not). */
gboolean   natter_text_mentions   (const char *text, const char *nick);

/* Plain text with every formatting code removed (for notifications, search,
 * copying). Always valid UTF-8. */
char      *natter_text_strip_formatting (const char *text);

/* Pango markup for text: escaped, formatting applied, links as
 * <a href="url">..</a>, and each mention of nick (may be NULL) wrapped in
 * <span weight="bold" background="#..">..</span> using highlight (a
 * "#rrggbb" colour; NULL: bold only). */
char      *natter_text_to_markup  (const char *text, const char *nick,
                                   const char *highlight);

G_END_DECLS
