/* Proviso's C API: compile a policy once, evaluate it many times, from C or any language with
 * a C foreign-function interface. A thin layer over the C++ API (proviso.hpp).
 *
 * Conventions (docs/EMBEDDING.md has the whole story):
 * - Every object the library returns is an opaque handle with its own `_free` function;
 *   freeing NULL does nothing. Strings the library returns are UTF-8, NUL-terminated, with
 *   their length given too, and are freed with proviso_string_free().
 * - Every call that can fail returns a proviso_status; PROVISO_OK is 0 and every other value
 *   is a failure whose message proviso_last_error() gives (thread-local: the message of the
 *   calling thread's last failed call). No C++ exception ever leaves the library.
 * - An input that cannot be decoded or evaluated is not a failure of the call: its JSON line
 *   carries the error, exactly as `proviso eval` prints it.
 * - Threads: a policy is immutable and may be evaluated from many threads at once; compile
 *   from one thread at a time per engine. proviso_last_error() is per thread.
 * - ABI: proviso_abi_version() is PROVISO_ABI_VERSION of the library actually loaded. Structs
 *   passed in start with `struct_size`, which the caller sets to sizeof, so that they can grow.
 */
#ifndef PROVISO_H
#define PROVISO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PROVISO_ABI_VERSION 1

typedef enum proviso_status {
  PROVISO_OK = 0,
  PROVISO_ERROR_INVALID_ARGUMENT = 1, /* a NULL handle or pointer, a bad struct_size, bad UTF-8 */
  PROVISO_ERROR_IO = 2,               /* a file that cannot be read */
  PROVISO_ERROR_COMPILE = 3,          /* the policy has errors: proviso_last_error() has the diagnostics */
  PROVISO_ERROR_OUT_OF_MEMORY = 4,
  PROVISO_ERROR_INTERNAL = 5 /* a bug: please report the message */
} proviso_status;

typedef enum proviso_engine_kind {
  PROVISO_ENGINE_AUTO = 0,       /* the JIT when it compiles within the budget, else the interpreter */
  PROVISO_ENGINE_JIT = 1,        /* the JIT, however long it takes */
  PROVISO_ENGINE_INTERPRETER = 2 /* the reference interpreter */
} proviso_engine_kind;

typedef struct proviso_engine_options {
  size_t struct_size;                 /* sizeof(proviso_engine_options) */
  proviso_engine_kind engine;         /* default PROVISO_ENGINE_AUTO */
  int use_cache;                      /* the JIT's object cache on disk: 1 (default) or 0 */
  const char* cache_dir;              /* NULL: $XDG_CACHE_HOME/proviso, else ~/.cache/proviso */
  unsigned long long cache_max_bytes; /* 0: the default (256 MiB) */
} proviso_engine_options;

typedef struct proviso_engine proviso_engine;
typedef struct proviso_policy proviso_policy;

/* The ABI version of the loaded library (PROVISO_ABI_VERSION when it was built). Any thread. */
int proviso_abi_version(void);

/* A new engine; `opts` NULL means the defaults. Any thread. */
proviso_status proviso_engine_new(const proviso_engine_options* opts, proviso_engine** out);
void proviso_engine_free(proviso_engine* e);

/* Reads, checks and prepares a policy. On PROVISO_ERROR_COMPILE, proviso_last_error() holds
 * the diagnostics as `proviso check` prints them. One thread at a time per engine. The policy
 * does not depend on the engine, which may be freed first. */
proviso_status proviso_compile_file(proviso_engine* e, const char* path, proviso_policy** out);
/* The same from text of `len` bytes; `name` (may be NULL) names it in diagnostics. */
proviso_status proviso_compile_text(proviso_engine* e, const char* text, size_t len, const char* name,
                                    proviso_policy** out);
void proviso_policy_free(proviso_policy* p);

/* The policy's metadata as one JSON object: name, title, version, effective, inputs (name,
 * type, optional), decisions (name, type, clause), engine ("jit" or "interpreter"). */
proviso_status proviso_policy_info(const proviso_policy* p, char** out, size_t* out_len);

/* One input object (JSON text of `len` bytes) in; the JSON line `proviso eval` prints out,
 * without a newline: {"decisions": {...}} or {"error": {"path", "message"}}. Any thread. */
proviso_status proviso_evaluate_json(const proviso_policy* p, const char* json, size_t len, char** out,
                                     size_t* out_len);
/* NDJSON in (one object per line; blank lines skipped), NDJSON out: one line per input line,
 * in order, each ending with a newline. Any thread. */
proviso_status proviso_evaluate_ndjson(const proviso_policy* p, const char* ndjson, size_t len, char** out,
                                       size_t* out_len);

/* One input with explanations: `out` is the line `proviso eval --explain` prints (with its
 * "explain" key), `text` the readable explanation it prints on stderr ("" for an input that
 * failed). Free both with proviso_string_free(). Any thread. */
proviso_status proviso_explain_json(const proviso_policy* p, const char* json, size_t len, char** out, size_t* out_len,
                                    char** text, size_t* text_len);

/* The message of the calling thread's last failed call ("" if none). Valid until the thread's
 * next call into the library. */
const char* proviso_last_error(void);
void proviso_string_free(char* s);

#ifdef __cplusplus
}
#endif

#endif /* PROVISO_H */
