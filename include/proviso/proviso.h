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
 * - Threads: a policy is immutable and may be evaluated from many threads at once; an engine
 *   may compile from many threads at once. A record belongs to one thread at a time.
 *   proviso_last_error() is per thread.
 * - ABI: proviso_abi_version() is PROVISO_ABI_VERSION of the library actually loaded. Structs
 *   passed in start with `struct_size`, which the caller sets to sizeof, so that they can grow.
 */
#ifndef PROVISO_H
#define PROVISO_H

#include <stddef.h>
#include <stdint.h>

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
  /* Limits on every input of the policies compiled (0: the default of `proviso eval`); an
   * input over one is that input's error. Read only when struct_size covers them. */
  size_t max_input_bytes;  /* per input: 64 MiB */
  size_t max_line_bytes;   /* per NDJSON line: 16 MiB */
  size_t max_depth;        /* nested records and lists: 64 */
  size_t max_string_bytes; /* per string: 1 MiB */
  size_t max_list_length;  /* elements per list: 100000 */
} proviso_engine_options;

typedef struct proviso_engine proviso_engine;
typedef struct proviso_policy proviso_policy;

/* The ABI version of the loaded library (PROVISO_ABI_VERSION when it was built). Any thread. */
int proviso_abi_version(void);

/* A new engine; `opts` NULL means the defaults. Any thread. */
proviso_status proviso_engine_new(const proviso_engine_options* opts, proviso_engine** out);
void proviso_engine_free(proviso_engine* e);

/* Reads, checks and prepares a policy. On PROVISO_ERROR_COMPILE, proviso_last_error() holds
 * the diagnostics as `proviso check` prints them. Any thread, concurrently too. The policy
 * does not depend on the engine, which may be freed first. */
proviso_status proviso_compile_file(proviso_engine* e, const char* path, proviso_policy** out);
/* The same from text of `len` bytes; `name` (may be NULL) names it in diagnostics. Text has no
 * directory: it may import the standard modules only, and no file is read for it (importing a
 * module file, `import "lib/x.policy"`, is an error: use proviso_compile_file). */
proviso_status proviso_compile_text(proviso_engine* e, const char* text, size_t len, const char* name,
                                    proviso_policy** out);
void proviso_policy_free(proviso_policy* p);

/* The policy's metadata as one JSON object: name, title, version, effective, content_hash
 * ("sha256:..." of the source), engine ("jit" or "interpreter"), inputs (name, type,
 * optional), decisions (name, type, clause), fields (path, type, optional: every path
 * proviso_policy_field accepts). */
proviso_status proviso_policy_info(const proviso_policy* p, char** out, size_t* out_len);

/* One input object (JSON text of `len` bytes) in; the JSON line `proviso eval` prints out,
 * without a newline: {"decisions": {...}}; {"decisions": {...}, "errors": {NAME: {"path",
 * "message", "location"}}} when some decisions failed (the others are still given); or
 * {"error": {"path", "message"}} when the input itself cannot be read. Any thread. */
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

/* ---- Typed records: inputs built field by field, without JSON ----
 *
 * A field is named by its path through the inputs' records ("case.severity"), resolved once
 * into a proviso_field for the policy. A value is given as its JSON form would be (a number,
 * or a string such as "2026-11-27T09:00:00Z", "PT4H", "12.50 EUR", "25%", an enum member) and
 * is checked when evaluated exactly as that JSON input would be: a wrong value is the result's
 * error, with its path and message, not a failure of the call. A record belongs to one thread
 * at a time; it keeps what it needs of its policy, which may be freed first. */
typedef int32_t proviso_field;
typedef struct proviso_record proviso_record;
typedef struct proviso_result proviso_result;

/* The field at `path` (NUL-terminated). PROVISO_ERROR_INVALID_ARGUMENT, saying why, when no
 * input field has that path or it is inside a list. A proviso_field is valid for the records
 * of this policy only. Any thread. */
proviso_status proviso_policy_field(const proviso_policy* p, const char* path, proviso_field* out);

/* An empty input for the policy. */
proviso_status proviso_record_new(const proviso_policy* p, proviso_record** out);
void proviso_record_free(proviso_record* r);
/* Nothing set, buffers kept: for the next input. */
proviso_status proviso_record_clear(proviso_record* r);
/* Set one field. Null makes an optional field, record or input absent. A record is present
 * when one of its fields is set. Text is UTF-8 of `len` bytes. */
proviso_status proviso_record_set_null(proviso_record* r, proviso_field f);
proviso_status proviso_record_set_bool(proviso_record* r, proviso_field f, int value);
proviso_status proviso_record_set_int(proviso_record* r, proviso_field f, int64_t value);
proviso_status proviso_record_set_number(proviso_record* r, proviso_field f, const char* number, size_t len);
proviso_status proviso_record_set_text(proviso_record* r, proviso_field f, const char* text, size_t len);

/* Evaluates the record with its policy `p` (the policy it was made for), using the record's own
 * evaluation state (hence not const: one thread at a time per record). `out` is a new result,
 * also when the input was wrong (proviso_result_ok() is then 0). */
proviso_status proviso_evaluate_record(const proviso_policy* p, proviso_record* r, proviso_result** out);

typedef enum proviso_value_kind {
  PROVISO_VALUE_NONE = 0, /* an optional decision without a value */
  PROVISO_VALUE_BOOL = 1,
  PROVISO_VALUE_INTEGER = 2,
  PROVISO_VALUE_DECIMAL = 3,
  PROVISO_VALUE_PERCENT = 4,
  PROVISO_VALUE_MONEY = 5,
  PROVISO_VALUE_DATE = 6,
  PROVISO_VALUE_DATETIME = 7,
  PROVISO_VALUE_DURATION = 8,
  PROVISO_VALUE_BUSINESS_DURATION = 9,
  PROVISO_VALUE_PERIOD = 10,
  PROVISO_VALUE_TEXT = 11,
  PROVISO_VALUE_ENUM = 12,
  PROVISO_VALUE_ZONE = 13,
  PROVISO_VALUE_CALENDAR = 14,
  PROVISO_VALUE_HOLIDAYS = 15,
  PROVISO_VALUE_LIST = 16, /* no text: read lists and records from proviso_evaluate_json */
  PROVISO_VALUE_RECORD = 17
} proviso_value_kind;

/* One decision's value, borrowed from its result (valid until proviso_result_free). */
typedef struct proviso_value {
  size_t struct_size; /* the caller sets sizeof(proviso_value) */
  proviso_value_kind kind;
  const char* name; /* the decision */
  size_t name_len;
  int boolean; /* BOOL */
  /* INTEGER: the integer; DATE: days since 1970-01-01; DATETIME: seconds since the epoch (UTC);
   * DURATION: seconds; PERIOD: months; BUSINESS_DURATION: business days */
  int64_t integer;
  /* DATETIME: the home zone's offset from UTC, seconds east; BUSINESS_DURATION: business seconds */
  int64_t extra;
  /* DECIMAL: exact digits; PERCENT: the fraction ("0.25"); MONEY: the amount ("12.50"); TEXT;
   * ENUM: the member; DATE, DATETIME, DURATION, PERIOD, BUSINESS_DURATION: the JSON form;
   * ZONE, CALENDAR, HOLIDAYS: the name. "" otherwise. */
  const char* text;
  size_t text_len;
  const char* unit; /* MONEY: the currency code; DATETIME: the home zone */
  size_t unit_len;
} proviso_value;

/* 1 when every decision was evaluated; 0 when the input has an error or a decision failed
 * (proviso_result_error_*: the first failure; the JSON functions give each decision's). */
int proviso_result_ok(const proviso_result* r);
/* The number of decisions (0 when not ok). */
size_t proviso_result_count(const proviso_result* r);
/* Decision `i` (0-based, in declaration order), or the one named `name` (NUL-terminated). */
proviso_status proviso_result_value(const proviso_result* r, size_t i, proviso_value* out);
proviso_status proviso_result_find(const proviso_result* r, const char* name, proviso_value* out);
/* When not ok: the field path ("case.severity", "" for the whole input) and the message, as in
 * the error line of `proviso eval`. Borrowed; NULL when ok. */
const char* proviso_result_error_path(const proviso_result* r);
const char* proviso_result_error_message(const proviso_result* r);
void proviso_result_free(proviso_result* r);

/* The message of the calling thread's last failed call ("" if none). Valid until the thread's
 * next call into the library. */
const char* proviso_last_error(void);
void proviso_string_free(char* s);

#ifdef __cplusplus
}
#endif

#endif /* PROVISO_H */
