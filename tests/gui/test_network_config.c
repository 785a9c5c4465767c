/* Saved networks: validation as the connect form does it, irc:// URIs, and
 * the round trip through GSettings (memory backend, compiled schema from the
 * build tree, both given by CTest's environment). */
#include <string.h>

#include "natter-network-config.h"

static NatterNetworkConfig *
valid_config (void)
{
  NatterNetworkConfig *cfg = natter_network_config_new ("Example", "irc.example.org", 0, "alice");
  return cfg;
}

static void
assert_invalid (const NatterNetworkConfig *cfg, const char *field)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (natter_network_config_validate (cfg, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  /* The message names the field, so the form can point at it. */
  if (!g_str_has_prefix (error->message, field))
    g_error ("expected an error about %s, got: %s", field, error->message);
}

static void
test_new_copy (void)
{
  g_autoptr(NatterNetworkConfig) cfg = valid_config ();
  g_autoptr(NatterNetworkConfig) copy = NULL;
  NatterNetworkConfig *boxed;
  const char * const chans[] = { "#a", "#b", NULL };

  g_assert_cmpstr (cfg->name, ==, "Example");
  g_assert_cmpstr (cfg->host, ==, "irc.example.org");
  g_assert_cmpuint (cfg->port, ==, 6667);
  g_assert_cmpstr (cfg->nick, ==, "alice");
  g_assert_null (cfg->realname);
  g_assert_null (cfg->password);
  g_assert_nonnull (cfg->channels);
  g_assert_null (cfg->channels[0]);
  g_assert_false (cfg->hosted);

  cfg->realname = g_strdup ("Alice A.");
  cfg->password = g_strdup ("pw");
  g_strfreev (cfg->channels);
  cfg->channels = g_strdupv ((char **) chans);
  cfg->hosted = TRUE;
  copy = natter_network_config_copy (cfg);
  g_assert_true (copy != cfg);
  g_assert_true (copy->channels != cfg->channels);
  g_assert_cmpstr (copy->name, ==, "Example");
  g_assert_cmpstr (copy->realname, ==, "Alice A.");
  g_assert_cmpstr (copy->password, ==, "pw");
  g_assert_cmpstrv (copy->channels, chans);
  g_assert_true (copy->hosted);

  /* A real boxed type: GValue and friends can carry it. */
  g_assert_true (G_TYPE_IS_BOXED (NATTER_TYPE_NETWORK_CONFIG));
  g_assert_cmpstr (g_type_name (NATTER_TYPE_NETWORK_CONFIG), ==, "NatterNetworkConfig");
  boxed = g_boxed_copy (NATTER_TYPE_NETWORK_CONFIG, cfg);
  g_assert_cmpstr (boxed->host, ==, "irc.example.org");
  g_boxed_free (NATTER_TYPE_NETWORK_CONFIG, boxed);

  {
    g_autoptr(NatterNetworkConfig) other = natter_network_config_new ("x", "h", 7000, "n");
    g_assert_cmpuint (other->port, ==, 7000);
  }
}

static void
test_validate (void)
{
  g_autoptr(NatterNetworkConfig) cfg = valid_config ();
  g_autoptr(GError) error = NULL;
  char *saved;

  g_assert_true (natter_network_config_validate (cfg, &error));
  g_assert_no_error (error);

  saved = cfg->host;
  cfg->host = NULL;               assert_invalid (cfg, "Server");
  cfg->host = (char *) "";        assert_invalid (cfg, "Server");
  cfg->host = (char *) "irc example.org"; assert_invalid (cfg, "Server");
  cfg->host = (char *) "irc://e.org"; assert_invalid (cfg, "Server");
  cfg->host = (char *) "::1";
  g_assert_true (natter_network_config_validate (cfg, NULL));
  cfg->host = (char *) "127.0.0.1";
  g_assert_true (natter_network_config_validate (cfg, NULL));
  cfg->host = saved;

  cfg->port = 0;                  assert_invalid (cfg, "Port");
  cfg->port = 1;
  g_assert_true (natter_network_config_validate (cfg, NULL));
  cfg->port = 65535;
  g_assert_true (natter_network_config_validate (cfg, NULL));

  saved = cfg->nick;
  cfg->nick = NULL;               assert_invalid (cfg, "Nickname");
  cfg->nick = (char *) "";        assert_invalid (cfg, "Nickname");
  cfg->nick = (char *) "9lives";  assert_invalid (cfg, "Nickname");
  cfg->nick = (char *) "-x";      assert_invalid (cfg, "Nickname");
  cfg->nick = (char *) "a b";     assert_invalid (cfg, "Nickname");
  cfg->nick = (char *) "bad!";    assert_invalid (cfg, "Nickname");
  cfg->nick = (char *) "ünï";     assert_invalid (cfg, "Nickname");
  cfg->nick = (char *) "abcdefghijabcdefghijabcdefghijX"; assert_invalid (cfg, "Nickname");
  cfg->nick = (char *) "abcdefghijabcdefghijabcdefghij";
  g_assert_true (natter_network_config_validate (cfg, NULL));
  cfg->nick = (char *) "[x]`_^{|}-9\\";
  g_assert_true (natter_network_config_validate (cfg, NULL));
  cfg->nick = saved;

  cfg->realname = g_strdup ("a\r\nQUIT");
  assert_invalid (cfg, "Real name");
  g_clear_pointer (&cfg->realname, g_free);
  cfg->password = g_strdup ("p\nw");
  assert_invalid (cfg, "Password");
  g_clear_pointer (&cfg->password, g_free);

  {
    const char * const good[] = { "#natter", "&local", "##dev", NULL };
    const char * const bad[][2] = { { "natter", NULL }, { "#", NULL }, { "#a b", NULL },
                                    { "#a,b", NULL }, { "", NULL },
                                    { "#abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij", NULL } };

    g_strfreev (cfg->channels);
    cfg->channels = g_strdupv ((char **) good);
    g_assert_true (natter_network_config_validate (cfg, NULL));
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_strfreev (cfg->channels);
        cfg->channels = g_strdupv ((char **) bad[i]);
        assert_invalid (cfg, "Channels");
      }
    g_clear_pointer (&cfg->channels, g_strfreev);
    /* No channel list at all is as good as an empty one. */
    g_assert_true (natter_network_config_validate (cfg, NULL));
  }
}

static NatterNetworkConfig *
uri_ok (const char *uri)
{
  g_autoptr(GError) error = NULL;
  NatterNetworkConfig *cfg = natter_network_config_from_uri (uri, "bob", &error);

  if (cfg == NULL)
    g_error ("“%s” should parse: %s", uri, error->message);
  g_assert_true (natter_network_config_validate (cfg, NULL));
  return cfg;
}

static void
uri_fails (const char *uri, int code, const char *needle)
{
  g_autoptr(GError) error = NULL;
  NatterNetworkConfig *cfg = natter_network_config_from_uri (uri, "bob", &error);

  g_assert_null (cfg);
  g_assert_error (error, G_IO_ERROR, code);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("“%s”: expected “%s” in: %s", uri, needle, error->message);
}

static void
test_from_uri (void)
{
  {
    g_autoptr(NatterNetworkConfig) cfg = uri_ok ("irc://irc.example.org");
    g_assert_cmpstr (cfg->host, ==, "irc.example.org");
    g_assert_cmpstr (cfg->name, ==, "irc.example.org");
    g_assert_cmpuint (cfg->port, ==, 6667);
    g_assert_cmpstr (cfg->nick, ==, "bob");
    g_assert_null (cfg->channels[0]);
    g_assert_false (cfg->hosted);
  }
  {
    g_autoptr(NatterNetworkConfig) cfg = uri_ok ("IRC://irc.example.org:7000/#natter,#dev");
    const char * const want[] = { "#natter", "#dev", NULL };
    g_assert_cmpuint (cfg->port, ==, 7000);
    g_assert_cmpstrv (cfg->channels, want);
  }
  {
    /* A missing '#' is added; %23 is a '#'; draft flags are not channels. */
    g_autoptr(NatterNetworkConfig) cfg = uri_ok ("irc://e.org/natter,%23%23dev,&loc,needkey");
    const char * const want[] = { "#natter", "##dev", "&loc", NULL };
    g_assert_cmpstrv (cfg->channels, want);
  }
  {
    g_autoptr(NatterNetworkConfig) cfg = uri_ok ("irc://e.org:6667/%23natter?key=x");
    const char * const want[] = { "#natter", NULL };
    g_assert_cmpstrv (cfg->channels, want);
  }
  {
    g_autoptr(NatterNetworkConfig) cfg = uri_ok ("irc://e.org#natter");
    const char * const want[] = { "#natter", NULL };
    g_assert_cmpstrv (cfg->channels, want);
  }
  {
    g_autoptr(NatterNetworkConfig) cfg = uri_ok ("irc://e.org:/");
    g_assert_cmpuint (cfg->port, ==, 6667);
    g_assert_null (cfg->channels[0]);
  }
  {
    g_autoptr(NatterNetworkConfig) cfg = uri_ok ("irc://[::1]:6697/#v6");
    g_assert_cmpstr (cfg->host, ==, "::1");
    g_assert_cmpuint (cfg->port, ==, 6697);
  }
  {
    g_autoptr(NatterNetworkConfig) cfg = uri_ok ("irc://carol:s%40cret@e.org:1");
    g_assert_cmpstr (cfg->nick, ==, "carol");
    g_assert_cmpstr (cfg->password, ==, "s@cret");
    g_assert_cmpuint (cfg->port, ==, 1);
  }
  {
    /* As people paste it, without the scheme. */
    g_autoptr(NatterNetworkConfig) cfg = uri_ok ("  irc.example.org:65535/natter");
    const char * const want[] = { "#natter", NULL };
    g_assert_cmpstr (cfg->host, ==, "irc.example.org");
    g_assert_cmpuint (cfg->port, ==, 65535);
    g_assert_cmpstrv (cfg->channels, want);
  }

  uri_fails ("ircs://irc.example.org:6697/#natter", G_IO_ERROR_NOT_SUPPORTED, "ircs://");
  uri_fails ("IRCS://e.org", G_IO_ERROR_NOT_SUPPORTED, NULL);
  uri_fails ("http://example.org", G_IO_ERROR_INVALID_ARGUMENT, "irc://");
  uri_fails ("irc://", G_IO_ERROR_INVALID_ARGUMENT, "Server");
  uri_fails ("irc:///#a", G_IO_ERROR_INVALID_ARGUMENT, "Server");
  uri_fails ("", G_IO_ERROR_INVALID_ARGUMENT, "Server");
  uri_fails (NULL, G_IO_ERROR_INVALID_ARGUMENT, NULL);
  uri_fails ("irc://e.org:0", G_IO_ERROR_INVALID_ARGUMENT, "Port");
  uri_fails ("irc://e.org:65536", G_IO_ERROR_INVALID_ARGUMENT, "65536");
  uri_fails ("irc://e.org:99999999999999999999", G_IO_ERROR_INVALID_ARGUMENT, "Port");
  uri_fails ("irc://e.org:-1", G_IO_ERROR_INVALID_ARGUMENT, "Port");
  uri_fails ("irc://e.org:66a", G_IO_ERROR_INVALID_ARGUMENT, "not a number");
  uri_fails ("irc://[::1/#a", G_IO_ERROR_INVALID_ARGUMENT, "]");
  uri_fails ("irc://e.org/%zz", G_IO_ERROR_INVALID_ARGUMENT, "%");
  uri_fails ("irc://e.org/%23a%20b", G_IO_ERROR_INVALID_ARGUMENT, "Channels");
  uri_fails ("irc://bad host/", G_IO_ERROR_INVALID_ARGUMENT, "Server");

  {
    /* A login name used as the default nick is made into a valid nick. */
    struct { const char *in, *out; } cases[] = {
      { "9bad", "_9bad" }, { "john.doe", "john_doe" }, { "Jöhn", "J_hn" }, { "", "guest" },
      { NULL, "guest" }, { "...", "guest" }, { "abcdefghijabcdefghijabcdefghijXYZ", "abcdefghijabcdefghijabcdefghij" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(NatterNetworkConfig) cfg = natter_network_config_from_uri ("irc://e.org", cases[i].in, &error);
        g_assert_no_error (error);
        g_assert_cmpstr (cfg->nick, ==, cases[i].out);
      }
  }
  {
    /* A nick given in the address itself is checked, not rewritten. */
    g_autoptr(GError) error = NULL;
    g_assert_null (natter_network_config_from_uri ("irc://9bad@e.org", "bob", &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_true (g_str_has_prefix (error->message, "Nickname"));
  }
}

static void
test_settings_round_trip (void)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GPtrArray) configs = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_network_config_free);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GPtrArray) empty = NULL;
  g_autoptr(GVariant) raw = NULL;
  NatterNetworkConfig *a, *b;
  const char * const chans[] = { "#natter", "#dev", NULL };

  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL)
    {
      g_test_skip ("GSETTINGS_SCHEMA_DIR is not set (run through ctest)");
      return;
    }
  g_assert_cmpstr (g_getenv ("GSETTINGS_BACKEND"), ==, "memory");
  settings = g_settings_new ("org.natter.Natter");

  empty = natter_network_config_load (settings);
  g_assert_cmpuint (empty->len, ==, 0);

  a = natter_network_config_new ("Example", "irc.example.org", 6697, "alice");
  a->realname = g_strdup ("Alice Liddell");
  a->password = g_strdup ("s3cret");
  g_strfreev (a->channels);
  a->channels = g_strdupv ((char **) chans);
  g_ptr_array_add (configs, a);
  b = natter_network_config_new ("This computer", "127.0.0.1", 6668, "bob");
  b->hosted = TRUE;
  g_ptr_array_add (configs, b);

  natter_network_config_save (settings, configs);

  raw = g_settings_get_value (settings, "networks");
  g_assert_cmpstr (g_variant_get_type_string (raw), ==, "a(ssqsssasb)");
  g_assert_cmpuint (g_variant_n_children (raw), ==, 2);

  loaded = natter_network_config_load (settings);
  g_assert_cmpuint (loaded->len, ==, 2);
  a = g_ptr_array_index (loaded, 0);
  g_assert_cmpstr (a->name, ==, "Example");
  g_assert_cmpstr (a->host, ==, "irc.example.org");
  g_assert_cmpuint (a->port, ==, 6697);
  g_assert_cmpstr (a->nick, ==, "alice");
  g_assert_cmpstr (a->realname, ==, "Alice Liddell");
  g_assert_cmpstr (a->password, ==, "s3cret");
  g_assert_cmpstrv (a->channels, chans);
  g_assert_false (a->hosted);
  b = g_ptr_array_index (loaded, 1);
  g_assert_cmpstr (b->name, ==, "This computer");
  g_assert_cmpstr (b->host, ==, "127.0.0.1");
  g_assert_cmpuint (b->port, ==, 6668);
  g_assert_null (b->realname);
  g_assert_null (b->password);
  g_assert_nonnull (b->channels);
  g_assert_null (b->channels[0]);
  g_assert_true (b->hosted);

  /* A new GSettings object sees the same (the backend, not a cache). */
  {
    g_autoptr(GSettings) again = g_settings_new ("org.natter.Natter");
    g_autoptr(GPtrArray) second = natter_network_config_load (again);
    g_assert_cmpuint (second->len, ==, 2);
  }

  /* Removing one and saving again leaves exactly the other. */
  g_ptr_array_remove_index (loaded, 0);
  natter_network_config_save (settings, loaded);
  {
    g_autoptr(GPtrArray) after = natter_network_config_load (settings);
    g_assert_cmpuint (after->len, ==, 1);
    g_assert_cmpstr (((NatterNetworkConfig *) g_ptr_array_index (after, 0))->name, ==, "This computer");
  }

  /* An entry written by hand with an empty name shows its host instead, and
   * invalid UTF-8 handed to save does not corrupt the key. */
  {
    g_autoptr(GPtrArray) odd = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_network_config_free);
    g_autoptr(GPtrArray) back = NULL;
    NatterNetworkConfig *c = natter_network_config_new (NULL, "e.org", 6667, "n\xff");

    g_ptr_array_add (odd, c);
    natter_network_config_save (settings, odd);
    back = natter_network_config_load (settings);
    g_assert_cmpuint (back->len, ==, 1);
    c = g_ptr_array_index (back, 0);
    g_assert_cmpstr (c->name, ==, "e.org");
    g_assert_true (g_utf8_validate (c->nick, -1, NULL));
  }

  natter_network_config_save (settings, NULL);
  {
    g_autoptr(GPtrArray) none = natter_network_config_load (settings);
    g_assert_cmpuint (none->len, ==, 0);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/network-config/new-copy", test_new_copy);
  g_test_add_func ("/network-config/validate", test_validate);
  g_test_add_func ("/network-config/from-uri", test_from_uri);
  g_test_add_func ("/network-config/settings-round-trip", test_settings_round_trip);
  return g_test_run ();
}
