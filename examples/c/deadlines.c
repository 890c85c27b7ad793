/* A ticketing backend's use of Proviso from C: compile the contract's policy once, then compute
 * the deadlines of each case as it arrives (one JSON object per line on standard input) and
 * print the decisions line by line.
 *
 *   cc deadlines.c $(pkg-config --cflags --libs proviso) -o deadlines
 *   ./deadlines policies/qlik/oem_maintenance.policy < policies/qlik/deadlines.ndjson
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <proviso/proviso.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s POLICY < cases.ndjson\n", argv[0]);
    return 2;
  }
  proviso_engine* engine = NULL;
  proviso_policy* policy = NULL;
  if (proviso_engine_new(NULL, &engine) != PROVISO_OK || proviso_compile_file(engine, argv[1], &policy) != PROVISO_OK) {
    fprintf(stderr, "%s\n", proviso_last_error());
    proviso_engine_free(engine);
    return 1;
  }
  char* line = NULL;
  size_t cap = 0;
  ssize_t n;
  int failed = 0;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    char* out = NULL;
    size_t out_len = 0;
    if (proviso_evaluate_json(policy, line, (size_t)n, &out, &out_len) != PROVISO_OK) {
      fprintf(stderr, "%s\n", proviso_last_error());
      failed = 1;
      break;
    }
    /* A case that cannot be evaluated is an {"error": ...} line, like `proviso eval`. */
    if (strncmp(out, "{\"error\"", 8) == 0) failed = 1;
    fwrite(out, 1, out_len, stdout);
    fputc('\n', stdout);
    proviso_string_free(out);
  }
  free(line);
  proviso_policy_free(policy);
  proviso_engine_free(engine);
  return failed;
}
