// `proviso eval --jobs N` with N > 1: inputs are read on the calling thread and copied into
// chunks (about 1 MiB, or a single longer input); N threads, each with its own Session, decode,
// evaluate and encode whole chunks: N - 1 workers, and the calling thread itself whenever the
// workers are all busy or it would otherwise wait; the calling thread writes the chunks'
// output lines in input order. At most 2N chunks are in flight, so memory stays bounded whatever the input's
// size. When the input would block (a pipe or terminal with nothing ready), the chunk being
// filled is handed out at once and, for an interactive output, every finished line is written
// and flushed before the read: a reader downstream still sees each result as soon as its input
// is complete.
#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <proviso/proviso.hpp>
#include <string>

#include "tools/input_stream.h"
#include "tools/output.h"

namespace proviso::cli {

struct PipelineResult {
  size_t count = 0;         // inputs evaluated (each gave one output line)
  bool any_failed = false;  // some input gave an {"error": ...} line
};

// Evaluates every input of `in` on `jobs` threads (jobs >= 2), each with a Session made by
// `make_session`, writing one line per input to `out` in input order. Stops early when
// writing fails (out.failed()), reading fails (in.read_error()) or a worker runs out of
// memory (`fatal` is then set to the reason; nothing after the failed chunk is written).
PipelineResult run_pipeline(InputStream& in, bool yaml, size_t jobs, const std::function<Session()>& make_session,
                            Output& out, std::string* fatal);

// One input as InputStream gives it: its error line when it could not be read whole, else its
// evaluation as YAML or as JSON in place (`capacity` readable bytes from `text.data()`).
Evaluation evaluate_item(Session& session, bool yaml, const std::optional<records::DecodeError>& error,
                         std::string_view text, size_t line, size_t capacity);

// The number of CPUs this process may run on (its affinity mask, capped by its cgroup's CPU
// quota: rt::available_cpus), at least 1.
size_t available_cpus();

}  // namespace proviso::cli
