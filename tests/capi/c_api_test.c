/* The C API from C (include/proviso/proviso.h), linked against the shared library: every
 * call's status and output, bad use (NULL handles, a bad struct_size, invalid UTF-8, a policy
 * with errors, a missing file, an input of the wrong shape), and one policy evaluated from 8
 * threads at once, each result checked against the single-threaded answer; typed records and
 * results (fields by path, values, errors as in JSON, bad use), also from 8 threads at once.
 * Usage: proviso-c-api-test SOURCE_DIR */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proviso/proviso.h>

static int failures = 0;

#define CHECK(cond)                                                      \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                        \
    }                                                                    \
  } while (0)

static char* read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char* buf = malloc((size_t)n + 1);
  *len = fread(buf, 1, (size_t)n, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

static const char* POLICY =
    "policy demo \"Demo\"\n"
    "  home zone zone \"UTC\"\n"
    "input case {\n  severity: integer 1..3\n  opened: datetime\n}\n"
    "decision due: datetime  clause \"1\" = case.opened + (if case.severity == 1 then 4 hours else 8 hours)\n";

struct job {
  const proviso_policy* policy;
  const char* ndjson;
  size_t len;
  const char* expected;
  int ok;
};

/* Typed records from one thread: its own record, fields looked up concurrently with the other
 * threads, each answer checked against the JSON path's. */
static int typed_round(const proviso_policy* policy, int seed) {
  proviso_field severity = -1, opened = -1;
  proviso_record* record = NULL;
  if (proviso_policy_field(policy, "case.severity", &severity) != PROVISO_OK ||
      proviso_policy_field(policy, "case.opened", &opened) != PROVISO_OK ||
      proviso_record_new(policy, &record) != PROVISO_OK)
    return 0;
  int ok = 1;
  for (int i = 0; i < 50 && ok; ++i) {
    int sev = 1 + (seed + i) % 4; /* 4 is out of range: an error result */
    char when[32], json[96];
    snprintf(when, sizeof when, "2026-03-%02dT%02d:00:00Z", 1 + (seed + i) % 28, (seed * 7 + i) % 24);
    snprintf(json, sizeof json, "{\"case\": {\"severity\": %d, \"opened\": \"%s\"}}", sev, when);
    char* line = NULL;
    size_t line_len = 0;
    proviso_result* result = NULL;
    proviso_record_clear(record);
    proviso_record_set_int(record, severity, sev);
    proviso_record_set_text(record, opened, when, strlen(when));
    if (proviso_evaluate_json(policy, json, strlen(json), &line, &line_len) != PROVISO_OK ||
        proviso_evaluate_record(policy, record, &result) != PROVISO_OK) {
      ok = 0;
    } else if (proviso_result_ok(result)) {
      proviso_value v;
      memset(&v, 0, sizeof v);
      v.struct_size = sizeof v;
      char expected[96];
      ok = proviso_result_value(result, 0, &v) == PROVISO_OK;
      snprintf(expected, sizeof expected, "{\"decisions\":{\"due\":\"%s\"}}", ok ? v.text : "");
      ok = ok && strcmp(expected, line) == 0;
    } else {
      ok = strstr(line, proviso_result_error_message(result)) != NULL && sev == 4;
    }
    proviso_result_free(result);
    proviso_string_free(line);
  }
  proviso_record_free(record);
  return ok;
}

/* Compiles on a shared engine from several threads at once, then evaluates. */
struct compile_job {
  proviso_engine* engine;
  const char* text;
  int ok;
};

static void* compile_and_evaluate(void* arg) {
  struct compile_job* j = arg;
  proviso_policy* p = NULL;
  char* out = NULL;
  size_t len = 0;
  const char* in = "{\"case\": {\"severity\": 1, \"opened\": \"2026-03-02T09:00:00Z\"}}";
  j->ok = proviso_compile_text(j->engine, j->text, strlen(j->text), "threads.policy", &p) == PROVISO_OK &&
          proviso_evaluate_json(p, in, strlen(in), &out, &len) == PROVISO_OK &&
          strcmp(out, "{\"decisions\":{\"due\":\"2026-03-02T13:00:00+00:00\"}}") == 0;
  proviso_string_free(out);
  proviso_policy_free(p);
  return NULL;
}

struct typed_job {
  const proviso_policy* policy;
  int seed, ok;
};

static void* evaluate_typed(void* arg) {
  struct typed_job* j = arg;
  j->ok = typed_round(j->policy, j->seed);
  return NULL;
}

static void* evaluate_many(void* arg) {
  struct job* j = arg;
  j->ok = 1;
  for (int round = 0; round < 20; ++round) {
    char* out = NULL;
    size_t out_len = 0;
    if (proviso_evaluate_ndjson(j->policy, j->ndjson, j->len, &out, &out_len) != PROVISO_OK ||
        strcmp(out, j->expected) != 0)
      j->ok = 0;
    proviso_string_free(out);
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s SOURCE_DIR\n", argv[0]);
    return 2;
  }
  CHECK(proviso_abi_version() == PROVISO_ABI_VERSION);

  /* Engines: defaults, options, a struct_size from an older caller. */
  proviso_engine* engine = NULL;
  proviso_engine_options opts;
  memset(&opts, 0, sizeof opts);
  opts.struct_size = sizeof opts;
  opts.engine = PROVISO_ENGINE_INTERPRETER;
  CHECK(proviso_engine_new(&opts, &engine) == PROVISO_OK && engine != NULL);
  proviso_engine* bad = NULL;
  opts.struct_size = 4;
  CHECK(proviso_engine_new(&opts, &bad) == PROVISO_ERROR_INVALID_ARGUMENT && bad == NULL);
  CHECK(strstr(proviso_last_error(), "struct_size") != NULL);
  CHECK(proviso_engine_new(NULL, NULL) == PROVISO_ERROR_INVALID_ARGUMENT);
  proviso_engine* jit = NULL;
  CHECK(proviso_engine_new(NULL, &jit) == PROVISO_OK);
  /* A caller built before the limits were added passes the first version's size: accepted. */
  proviso_engine* older = NULL;
  opts.struct_size = offsetof(proviso_engine_options, max_input_bytes);
  CHECK(proviso_engine_new(&opts, &older) == PROVISO_OK && older != NULL);
  proviso_engine_free(older);
  /* Limits: a string over max_string_bytes is that input's error. */
  proviso_engine* strict = NULL;
  proviso_policy* limited = NULL;
  opts.struct_size = sizeof opts;
  opts.max_string_bytes = 8;
  CHECK(proviso_engine_new(&opts, &strict) == PROVISO_OK);
  CHECK(proviso_compile_text(strict, POLICY, strlen(POLICY), NULL, &limited) == PROVISO_OK);
  {
    const char* in = "{\"case\": {\"severity\": 1, \"opened\": \"2026-03-02T09:00:00Z\"}}";
    char* line = NULL;
    size_t n = 0;
    CHECK(proviso_evaluate_json(limited, in, strlen(in), &line, &n) == PROVISO_OK);
    CHECK(line &&
          strcmp(line, "{\"error\":{\"path\":\"case.opened\",\"message\":\"string longer than 8 bytes\"}}") == 0);
    proviso_string_free(line);
  }
  opts.max_string_bytes = 0;
  proviso_policy_free(limited);
  proviso_engine_free(strict);

  /* Compiling: text, a file, errors. */
  proviso_policy* policy = NULL;
  CHECK(proviso_compile_text(engine, POLICY, strlen(POLICY), "demo.policy", &policy) == PROVISO_OK);
  proviso_policy* broken = NULL;
  const char* bad_text = "policy x \"X\"\ndecision d: integer clause \"1\" = nosuch\n";
  CHECK(proviso_compile_text(engine, bad_text, strlen(bad_text), "bad.policy", &broken) == PROVISO_ERROR_COMPILE);
  CHECK(broken == NULL);
  CHECK(strstr(proviso_last_error(), "bad.policy:2:") != NULL);
  const char invalid_utf8[] = "policy x \"\xff\"\n";
  CHECK(proviso_compile_text(engine, invalid_utf8, sizeof invalid_utf8 - 1, NULL, &broken) ==
        PROVISO_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(proviso_last_error(), "UTF-8") != NULL);
  CHECK(proviso_compile_file(engine, "/nonexistent/x.policy", &broken) == PROVISO_ERROR_IO);
  CHECK(strstr(proviso_last_error(), "cannot read") != NULL);
  CHECK(proviso_compile_file(NULL, "x", &broken) == PROVISO_ERROR_INVALID_ARGUMENT);

  char path[4096];
  snprintf(path, sizeof path, "%s/policies/qlik/oem_maintenance.policy", argv[1]);
  proviso_policy* qlik = NULL;
  CHECK(proviso_compile_file(jit, path, &qlik) == PROVISO_OK);

  /* Metadata. */
  char* info = NULL;
  size_t info_len = 0;
  CHECK(proviso_policy_info(qlik, &info, &info_len) == PROVISO_OK);
  CHECK(info && strlen(info) == info_len && strstr(info, "\"name\":\"qlik.oem_maintenance\"") != NULL);
  CHECK(strstr(info, "{\"name\":\"initial_response_due\",\"type\":\"datetime?\",\"clause\":\"5.2, 6.2\"}") != NULL);
  CHECK(strstr(info, "\"content_hash\":\"sha256:") != NULL);
  CHECK(strstr(info, "{\"path\":\"case.severity\",\"type\":\"integer 1..3\",\"optional\":false}") != NULL);
  proviso_string_free(info);

  /* One input. */
  const char* input = "{\"case\": {\"severity\": 1, \"opened\": \"2026-03-02T09:00:00Z\"}}";
  char* out = NULL;
  size_t out_len = 0;
  CHECK(proviso_evaluate_json(policy, input, strlen(input), &out, &out_len) == PROVISO_OK);
  CHECK(out && strcmp(out, "{\"decisions\":{\"due\":\"2026-03-02T13:00:00+00:00\"}}") == 0);
  CHECK(out_len == strlen(out));
  proviso_string_free(out);
  /* An input of the wrong shape is an error line, not a failed call. */
  const char* wrong = "{\"case\": {\"severity\": 7, \"opened\": \"2026-03-02T09:00:00Z\"}}";
  CHECK(proviso_evaluate_json(policy, wrong, strlen(wrong), &out, &out_len) == PROVISO_OK);
  CHECK(out && strstr(out, "{\"error\":{\"path\":\"case.severity\"") == out);
  proviso_string_free(out);
  CHECK(proviso_evaluate_json(policy, "[1, 2", 5, &out, &out_len) == PROVISO_OK);
  CHECK(out && strstr(out, "{\"error\":") == out);
  proviso_string_free(out);
  CHECK(proviso_evaluate_json(NULL, input, strlen(input), &out, &out_len) == PROVISO_ERROR_INVALID_ARGUMENT);
  CHECK(proviso_evaluate_json(policy, input, strlen(input), NULL, NULL) == PROVISO_ERROR_INVALID_ARGUMENT);

  /* Explanations: the line with "explain" and the readable text. */
  char* text = NULL;
  size_t text_len = 0;
  CHECK(proviso_explain_json(policy, input, strlen(input), &out, &out_len, &text, &text_len) == PROVISO_OK);
  CHECK(out && strstr(out, "\"explain\":") != NULL);
  CHECK(text && strlen(text) == text_len && strstr(text, "due = 2026-03-02T13:00:00+00:00") != NULL);
  proviso_string_free(out);
  proviso_string_free(text);
  CHECK(proviso_explain_json(policy, input, strlen(input), &out, &out_len, NULL, NULL) ==
        PROVISO_ERROR_INVALID_ARGUMENT);

  /* NDJSON: blank lines skipped, one line out per input, in order. */
  const char* ndjson =
      "{\"case\": {\"severity\": 1, \"opened\": \"2026-03-02T09:00:00Z\"}}\n"
      "\n"
      "{\"case\": {\"severity\": 2, \"opened\": \"2026-03-02T09:00:00Z\"}}\r\n"
      "{\"case\": {}}\n";
  CHECK(proviso_evaluate_ndjson(policy, ndjson, strlen(ndjson), &out, &out_len) == PROVISO_OK);
  const char* expected =
      "{\"decisions\":{\"due\":\"2026-03-02T13:00:00+00:00\"}}\n"
      "{\"decisions\":{\"due\":\"2026-03-02T17:00:00+00:00\"}}\n";
  CHECK(out && strncmp(out, expected, strlen(expected)) == 0);
  CHECK(out && strstr(out + strlen(expected), "{\"error\":") == out + strlen(expected));
  proviso_string_free(out);

  /* The Qlik deadlines from 8 threads at once, against the single-threaded answer. */
  snprintf(path, sizeof path, "%s/policies/qlik/deadlines.ndjson", argv[1]);
  size_t len = 0;
  char* records = read_file(path, &len);
  CHECK(records != NULL);
  if (records) {
    size_t cut = 0, lines = 0;
    while (cut < len && lines < 300) {
      if (records[cut++] == '\n') ++lines;
    }
    /* Thread t evaluates the records from line 10 * t on: its answer, single-threaded, first. */
    char* expected_by_thread[8];
    size_t start_by_thread[8];
    for (int t = 0; t < 8; ++t) {
      size_t start = 0;
      for (int skip = 0; skip < 10 * t && start < cut;)
        if (records[start++] == '\n') ++skip;
      start_by_thread[t] = start;
      expected_by_thread[t] = NULL;
      size_t n = 0;
      CHECK(proviso_evaluate_ndjson(qlik, records + start, cut - start, &expected_by_thread[t], &n) == PROVISO_OK);
    }
    pthread_t threads[8];
    struct job jobs[8];
    for (int t = 0; t < 8; ++t) {
      jobs[t].policy = qlik;
      jobs[t].ndjson = records + start_by_thread[t];
      jobs[t].len = cut - start_by_thread[t];
      jobs[t].expected = expected_by_thread[t];
      pthread_create(&threads[t], NULL, evaluate_many, &jobs[t]);
    }
    for (int t = 0; t < 8; ++t) {
      pthread_join(threads[t], NULL);
      CHECK(jobs[t].ok);
      proviso_string_free(expected_by_thread[t]);
    }
    free(records);
  }

  /* Typed records: fields by path, values by kind, errors as in JSON, bad use refused. */
  proviso_field severity = -1, opened = -1, again = -1, none_field = -1;
  CHECK(proviso_policy_field(policy, "case.severity", &severity) == PROVISO_OK && severity >= 0);
  CHECK(proviso_policy_field(policy, "case.opened", &opened) == PROVISO_OK && opened != severity);
  CHECK(proviso_policy_field(policy, "case.severity", &again) == PROVISO_OK && again == severity);
  CHECK(proviso_policy_field(policy, "case.sevrity", &none_field) == PROVISO_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(proviso_last_error(), "no field `sevrity` in `case`") != NULL);
  CHECK(proviso_policy_field(NULL, "case.severity", &none_field) == PROVISO_ERROR_INVALID_ARGUMENT);
  proviso_record* record = NULL;
  CHECK(proviso_record_new(policy, &record) == PROVISO_OK && record != NULL);
  CHECK(proviso_record_set_int(record, severity, 1) == PROVISO_OK);
  CHECK(proviso_record_set_text(record, opened, "2026-03-02T09:00:00Z", 20) == PROVISO_OK);
  proviso_result* result = NULL;
  CHECK(proviso_evaluate_record(policy, record, &result) == PROVISO_OK && result != NULL);
  CHECK(proviso_result_ok(result) == 1 && proviso_result_count(result) == 1);
  CHECK(proviso_result_error_path(result) == NULL);
  proviso_value value;
  memset(&value, 0, sizeof value);
  value.struct_size = sizeof value;
  CHECK(proviso_result_value(result, 0, &value) == PROVISO_OK);
  CHECK(value.kind == PROVISO_VALUE_DATETIME && strcmp(value.name, "due") == 0 && value.name_len == 3);
  CHECK(strcmp(value.text, "2026-03-02T13:00:00+00:00") == 0 && value.text_len == 25);
  CHECK(value.integer == 1772456400 && value.extra == 0 && strcmp(value.unit, "UTC") == 0);
  CHECK(proviso_result_find(result, "due", &value) == PROVISO_OK && value.kind == PROVISO_VALUE_DATETIME);
  CHECK(proviso_result_find(result, "nope", &value) == PROVISO_ERROR_INVALID_ARGUMENT);
  CHECK(proviso_result_value(result, 1, &value) == PROVISO_ERROR_INVALID_ARGUMENT);
  value.struct_size = 8;
  CHECK(proviso_result_value(result, 0, &value) == PROVISO_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(proviso_last_error(), "struct_size") != NULL);
  proviso_result_free(result);
  /* A wrong value is the result's error, as `proviso eval` would say it. */
  CHECK(proviso_record_set_int(record, severity, 7) == PROVISO_OK);
  CHECK(proviso_evaluate_record(policy, record, &result) == PROVISO_OK);
  CHECK(proviso_result_ok(result) == 0 && proviso_result_count(result) == 0);
  CHECK(proviso_result_error_path(result) && strcmp(proviso_result_error_path(result), "case.severity") == 0);
  CHECK(proviso_result_error_message(result) &&
        strstr(proviso_result_error_message(result), "expected an integer from 1 to 3, got 7") != NULL);
  proviso_result_free(result);
  CHECK(proviso_record_clear(record) == PROVISO_OK);
  CHECK(proviso_evaluate_record(policy, record, &result) == PROVISO_OK && proviso_result_ok(result) == 0);
  CHECK(strcmp(proviso_result_error_path(result), "case") == 0);
  proviso_result_free(result);
  /* Bad use: a foreign field, invalid UTF-8, another policy, NULLs. */
  CHECK(proviso_record_set_int(record, 99, 1) == PROVISO_ERROR_INVALID_ARGUMENT);
  CHECK(proviso_record_set_int(record, -1, 1) == PROVISO_ERROR_INVALID_ARGUMENT);
  CHECK(proviso_record_set_text(record, opened, "\xff", 1) == PROVISO_ERROR_INVALID_ARGUMENT);
  CHECK(strstr(proviso_last_error(), "UTF-8") != NULL);
  CHECK(proviso_record_set_text(NULL, opened, "x", 1) == PROVISO_ERROR_INVALID_ARGUMENT);
  CHECK(proviso_record_set_number(record, severity, NULL, 3) == PROVISO_ERROR_INVALID_ARGUMENT);
  CHECK(proviso_evaluate_record(qlik, record, &result) == PROVISO_ERROR_INVALID_ARGUMENT && result == NULL);
  CHECK(strstr(proviso_last_error(), "another policy") != NULL);
  CHECK(proviso_evaluate_record(policy, NULL, &result) == PROVISO_ERROR_INVALID_ARGUMENT);
  CHECK(proviso_result_ok(NULL) == 0 && proviso_result_count(NULL) == 0 && proviso_result_error_path(NULL) == NULL);
  proviso_result_free(NULL);
  proviso_record_free(NULL);

  /* A record outlives its policy. */
  proviso_policy* brief = NULL;
  proviso_record* kept = NULL;
  proviso_field brief_severity = -1, brief_opened = -1;
  CHECK(proviso_compile_text(engine, POLICY, strlen(POLICY), NULL, &brief) == PROVISO_OK);
  CHECK(proviso_policy_field(brief, "case.severity", &brief_severity) == PROVISO_OK);
  CHECK(proviso_policy_field(brief, "case.opened", &brief_opened) == PROVISO_OK);
  CHECK(proviso_record_new(brief, &kept) == PROVISO_OK);
  proviso_policy_free(brief);
  CHECK(proviso_record_set_int(kept, brief_severity, 2) == PROVISO_OK);
  CHECK(proviso_record_set_text(kept, brief_opened, "2026-03-02T09:00:00Z", 20) == PROVISO_OK);
  proviso_record_free(kept);
  proviso_record_free(record);

  /* Typed records from 8 threads at once, each against the JSON answers. */
  {
    pthread_t threads[8];
    struct typed_job jobs[8];
    for (int t = 0; t < 8; ++t) {
      jobs[t].policy = policy;
      jobs[t].seed = 13 * t;
      jobs[t].ok = 0;
      pthread_create(&threads[t], NULL, evaluate_typed, &jobs[t]);
    }
    for (int t = 0; t < 8; ++t) {
      pthread_join(threads[t], NULL);
      CHECK(jobs[t].ok);
    }
  }

  /* Compiles on one engine from 4 threads at once (the JIT and its object cache included). */
  {
    pthread_t threads[4];
    struct compile_job jobs[4];
    for (int t = 0; t < 4; ++t) {
      jobs[t].engine = t % 2 ? jit : engine;
      jobs[t].text = POLICY;
      jobs[t].ok = 0;
      pthread_create(&threads[t], NULL, compile_and_evaluate, &jobs[t]);
    }
    for (int t = 0; t < 4; ++t) {
      pthread_join(threads[t], NULL);
      CHECK(jobs[t].ok);
    }
  }

  /* A policy outlives its engine. */
  proviso_engine* short_lived = NULL;
  proviso_policy* orphan = NULL;
  CHECK(proviso_engine_new(NULL, &short_lived) == PROVISO_OK);
  CHECK(proviso_compile_text(short_lived, POLICY, strlen(POLICY), NULL, &orphan) == PROVISO_OK);
  proviso_engine_free(short_lived);
  CHECK(proviso_evaluate_json(orphan, input, strlen(input), &out, &out_len) == PROVISO_OK);
  CHECK(out && strcmp(out, "{\"decisions\":{\"due\":\"2026-03-02T13:00:00+00:00\"}}") == 0);
  proviso_string_free(out);
  proviso_policy_free(orphan);

  /* A decision that fails leaves the others: the JSON line has both keys; a typed result is
   * not ok, has no typed decisions, and names the first failure. */
  {
    static const char* partial =
        "policy partial \"Partial\"\n  home zone zone \"UTC\"\n"
        "input case {\n  count: integer\n}\n"
        "decision share: decimal  clause \"1\" = 10 / case.count\n"
        "decision next: integer  clause \"2\" = case.count + 1\n";
    proviso_policy* pp = NULL;
    CHECK(proviso_compile_text(jit, partial, strlen(partial), "partial.policy", &pp) == PROVISO_OK);
    const char* zero = "{\"case\": {\"count\": 0}}";
    out = NULL;
    CHECK(proviso_evaluate_json(pp, zero, strlen(zero), &out, &out_len) == PROVISO_OK);
    CHECK(out && strstr(out, "{\"decisions\":{\"next\":1},\"errors\":{\"share\":{\"path\":") == out);
    CHECK(out && strstr(out, "\"location\":\"partial.policy:6:39\"") != NULL);
    proviso_string_free(out);
    proviso_field count = -1;
    CHECK(proviso_policy_field(pp, "case.count", &count) == PROVISO_OK);
    proviso_record* rec = NULL;
    CHECK(proviso_record_new(pp, &rec) == PROVISO_OK);
    CHECK(proviso_record_set_int(rec, count, 0) == PROVISO_OK);
    proviso_result* res = NULL;
    CHECK(proviso_evaluate_record(pp, rec, &res) == PROVISO_OK);
    CHECK(proviso_result_ok(res) == 0 && proviso_result_count(res) == 0);
    CHECK(proviso_result_error_message(res) && strstr(proviso_result_error_message(res), "by zero") != NULL);
    proviso_result_free(res);
    proviso_record_free(rec);
    proviso_policy_free(pp);
  }

  proviso_policy_free(policy);
  proviso_policy_free(qlik);
  proviso_policy_free(NULL);
  proviso_engine_free(engine);
  proviso_engine_free(jit);
  proviso_engine_free(NULL);
  proviso_string_free(NULL);
  if (failures)
    fprintf(stderr, "%d check(s) failed\n", failures);
  else
    printf("ok\n");
  return failures ? 1 : 0;
}
