#include <stdio.h>
#include <editline/readline.h>
#include <histedit.h>

/*
 * el_set, el_get and history are C-variadic, which Swift cannot call; these
 * fixed-argument wrappers cover the calls Howl's line editor makes.
 */

typedef char *(*howl_el_prompt_func)(EditLine *);
typedef unsigned char (*howl_el_command_func)(EditLine *, int);

static inline int howl_el_set_prompt(EditLine *e, howl_el_prompt_func f, char literal_delimiter) {
  return el_set(e, EL_PROMPT_ESC, f, literal_delimiter);
}

static inline int howl_el_set_editor(EditLine *e, const char *mode) { return el_set(e, EL_EDITOR, mode); }

static inline int howl_el_set_signal_handling(EditLine *e, int on) { return el_set(e, EL_SIGNAL, on); }

static inline int howl_el_set_client_data(EditLine *e, void *data) { return el_set(e, EL_CLIENTDATA, data); }

static inline void *howl_el_client_data(EditLine *e) {
  void *data = NULL;
  el_get(e, EL_CLIENTDATA, &data);
  return data;
}

static inline int howl_el_set_history(EditLine *e, History *h) { return el_set(e, EL_HIST, history, h); }

static inline int howl_el_add_command(EditLine *e, const char *name, const char *help, howl_el_command_func f) {
  return el_set(e, EL_ADDFN, name, help, f);
}

static inline int howl_el_bind(EditLine *e, const char *key, const char *command) {
  return el_set(e, EL_BIND, key, command, NULL);
}

/* `setty -d MODE`: a terminal mode flag for while a line is edited. */
static inline int howl_el_set_edit_tty_mode(EditLine *e, const char *mode) {
  return el_set(e, EL_SETTY, "-d", mode, NULL);
}

static inline int howl_history_set_size(History *h, int size) {
  HistEvent event;
  return history(h, &event, H_SETSIZE, size);
}

static inline int howl_history_set_unique(History *h, int on) {
  HistEvent event;
  return history(h, &event, H_SETUNIQUE, on);
}

static inline int howl_history_enter(History *h, const char *entry) {
  HistEvent event;
  return history(h, &event, H_ENTER, entry);
}
