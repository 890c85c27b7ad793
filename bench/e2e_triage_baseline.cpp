// The triage workload end to end, written by hand: the yardstick of `proviso eval` on triage
// records (bench/README.md, "End to end"). It reads an NDJSON file in chunks of complete
// lines, parses each chunk with simdjson On Demand's iterate_many, decodes each record into
// bench::TriageCase, checking it as a careful program would (unknown, duplicate or missing
// fields, unknown enum names, severity outside 1..3 are errors), calls bench::triage_baseline
// and writes the line `proviso eval` writes, byte for byte.
//
//   proviso-bench-e2e FILE.ndjson               decisions on standard output
//   proviso-bench-e2e --parse-only FILE.ndjson  the parse floor: every value of every record
//                                               read, nothing evaluated or written; the count
//                                               of values on standard error
//   --per-line                                  one parser.iterate per line instead of
//                                               iterate_many over each chunk (slower)
//
// A record that fails to decode gives an {"error":...} line, as in `proviso eval`, and exit
// status 1. One thread: iterate_many's look-ahead thread is turned off.
#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <cerrno>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "bench/triage_baseline.h"

namespace {

using namespace simdjson;
using proviso::bench::TriageCase;
using proviso::bench::TriageResult;

// Standard output through a buffer of 1 MiB, written with write(2).
class Out {
 public:
  ~Out() { flush(); }
  char* reserve(size_t n) {
    if (used_ + n > sizeof buf_) flush();
    return buf_ + used_;
  }
  void commit(const char* end) { used_ = static_cast<size_t>(end - buf_); }
  void append(std::string_view s) {
    char* p = reserve(s.size());
    std::memcpy(p, s.data(), s.size());
    commit(p + s.size());
  }
  void flush() {
    size_t done = 0;
    while (done < used_) {
      ssize_t n = ::write(1, buf_ + done, used_ - done);
      if (n <= 0) {
        std::perror("proviso-bench-e2e: write");
        std::exit(1);
      }
      done += static_cast<size_t>(n);
    }
    used_ = 0;
  }

 private:
  char buf_[1 << 20];
  size_t used_ = 0;
};

char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

char* put_int(char* p, int64_t v) { return std::to_chars(p, p + 20, v).ptr; }

// The line `proviso eval policies/bench/triage.policy` writes: decisions in declaration order.
void write_result(Out& out, const TriageResult& r) {
  char* p = out.reserve(256);
  p = put(p, R"({"decisions":{"exclusion":)");
  if (r.exclusion) {
    *p++ = '"';
    p = put(p, std::string_view(r.exclusion, r.exclusion_size));
    *p++ = '"';
  } else {
    p = put(p, "null");
  }
  p = put(p, r.covered ? R"(,"covered":true,"initial_response_minutes":)"
                       : R"(,"covered":false,"initial_response_minutes":)");
  p = r.has_initial_response ? put_int(p, r.initial_response_minutes) : put(p, "null");
  p = put(p, r.business_hours_only ? R"(,"business_hours_only":true,"comm_frequency_hours":)"
                                   : R"(,"business_hours_only":false,"comm_frequency_hours":)");
  p = r.has_comm_frequency ? put_int(p, r.comm_frequency_hours) : put(p, "null");
  p = put(p, "}}\n");
  out.commit(p);
}

// Why a record did not decode: the field's path and a message (no JSON escaping needed: both
// are made of the constant names below).
struct Failure {
  const char* path = nullptr;
  const char* message = nullptr;
};

bool fail(Failure& f, const char* path, const char* message) {
  f.path = path;
  f.message = message;
  return false;
}

bool get_flag(ondemand::value v, uint8_t& out, Failure& f, const char* path) {
  bool b;
  if (v.get_bool().get(b)) return fail(f, path, "expected true or false");
  out = b;
  return true;
}

// The `case` object. Fields in any order, each exactly once.
bool decode_case(ondemand::object obj, TriageCase& c, Failure& f) {
  enum : unsigned {
    kTier = 1,
    kSeverity = 2,
    kChannel = 4,
    kRegion = 8,
    kVersion = 16,
    kEvaluation = 32,
    kFees = 64,
    kReproducible = 128,
    kAll = 255
  };
  unsigned seen = 0;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return fail(f, "case", "invalid JSON");
    ondemand::value v;
    if (field.value().get(v)) return fail(f, "case", "invalid JSON");
    unsigned bit;
    const char* path;
    if (key == "tier") {
      bit = kTier, path = "case.tier";
      std::string_view s;
      if (v.get_string().get(s)) return fail(f, path, "expected a string");
      if (s == "Enterprise")
        c.tier = 0;
      else if (s == "Basic")
        c.tier = 1;
      else
        return fail(f, path, "expected one of Enterprise, Basic");
    } else if (key == "severity") {
      bit = kSeverity, path = "case.severity";
      int64_t n;
      if (v.get_int64().get(n) || n < 1 || n > 3) return fail(f, path, "expected an integer from 1 to 3");
      c.severity = n;
    } else if (key == "channel") {
      bit = kChannel, path = "case.channel";
      std::string_view s;
      if (v.get_string().get(s)) return fail(f, path, "expected a string");
      if (s == "Phone")
        c.channel = 0;
      else if (s == "Portal")
        c.channel = 1;
      else if (s == "Email")
        c.channel = 2;
      else
        return fail(f, path, "expected one of Phone, Portal, Email");
    } else if (key == "region_matches") {
      bit = kRegion, path = "case.region_matches";
      if (!get_flag(v, c.region_matches, f, path)) return false;
    } else if (key == "version_supported") {
      bit = kVersion, path = "case.version_supported";
      if (!get_flag(v, c.version_supported, f, path)) return false;
    } else if (key == "evaluation_license") {
      bit = kEvaluation, path = "case.evaluation_license";
      if (!get_flag(v, c.evaluation_license, f, path)) return false;
    } else if (key == "fees_paid") {
      bit = kFees, path = "case.fees_paid";
      if (!get_flag(v, c.fees_paid, f, path)) return false;
    } else if (key == "reproducible") {
      bit = kReproducible, path = "case.reproducible";
      if (!get_flag(v, c.reproducible, f, path)) return false;
    } else {
      return fail(f, "case", "unknown field");
    }
    if (seen & bit) return fail(f, path, "duplicate field");
    seen |= bit;
  }
  if (seen != kAll) return fail(f, "case", "missing required field");
  return true;
}

// One record: an object whose only key is `case`. D is a document or a document_reference.
template <class D>
bool decode_record(D& doc, TriageCase& c, Failure& f) {
  ondemand::object root;
  if (doc.get_object().get(root)) return fail(f, "", "expected a JSON object with the inputs (case)");
  bool have_case = false;
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return fail(f, "", "invalid JSON");
    if (key != "case") return fail(f, "", "unknown input");
    if (have_case) return fail(f, "case", "duplicate field");
    ondemand::object obj;
    if (field.value().get_object().get(obj)) return fail(f, "case", "expected an object");
    if (!decode_case(obj, c, f)) return false;
    have_case = true;
  }
  if (!have_case) return fail(f, "case", "missing required input");
  return true;
}

// The parse floor: every value read (strings unescaped, numbers and booleans parsed), counted.
bool read_all(ondemand::value v, size_t& values) {
  ondemand::json_type t;
  if (v.type().get(t)) return false;
  ++values;
  switch (t) {
    case ondemand::json_type::object: {
      ondemand::object obj;
      if (v.get_object().get(obj)) return false;
      for (auto field : obj) {
        std::string_view key;
        ondemand::value child;
        if (field.unescaped_key().get(key) || field.value().get(child) || !read_all(child, values)) return false;
      }
      return true;
    }
    case ondemand::json_type::array: {
      ondemand::array arr;
      if (v.get_array().get(arr)) return false;
      for (auto item : arr) {
        ondemand::value child;
        if (item.get(child) || !read_all(child, values)) return false;
      }
      return true;
    }
    case ondemand::json_type::string: {
      std::string_view s;
      return !v.get_string().get(s);
    }
    case ondemand::json_type::number: {
      ondemand::number n;
      return !v.get_number().get(n);
    }
    case ondemand::json_type::boolean: {
      bool b;
      return !v.get_bool().get(b);
    }
    case ondemand::json_type::null: {
      bool null = false;
      return !v.is_null().get(null) && null;
    }
  }
  return false;
}

template <class D>
bool read_document(D& doc, size_t& values) {
  ondemand::object root;
  if (doc.get_object().get(root)) return false;
  ++values;
  for (auto field : root) {
    std::string_view key;
    ondemand::value child;
    if (field.unescaped_key().get(key) || field.value().get(child) || !read_all(child, values)) return false;
  }
  return true;
}

struct Run {
  bool parse_only = false;
  Out* out = nullptr;
  size_t records = 0;
  size_t values = 0;
  bool failed = false;

  template <class D>
  void record(D& doc) {
    ++records;
    if (parse_only) {
      if (!read_document(doc, values)) {
        std::fprintf(stderr, "proviso-bench-e2e: record %zu: invalid JSON\n", records);
        failed = true;
      }
      return;
    }
    TriageCase c{};
    Failure f;
    if (!decode_record(doc, c, f)) {
      out->append(R"({"error":{"path":")");
      out->append(f.path);
      out->append(R"(","message":")");
      out->append(f.message);
      out->append("\"}}\n");
      failed = true;
      return;
    }
    TriageResult r;
    proviso::bench::triage_baseline(c, r);
    write_result(*out, r);
  }
};

// Runs `run` on every record of the complete lines text[0, len); capacity bytes are readable
// from text (len + SIMDJSON_PADDING at least). False on a JSON syntax error.
bool parse_lines(ondemand::parser& parser, Run& run, bool per_line, const char* text, size_t len, size_t capacity) {
  if (per_line) {
    const char* p = text;
    const char* end = text + len;
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (!nl) nl = end;
      auto n = static_cast<size_t>(nl - p);
      if (n > 0) {
        ondemand::document doc;
        // The rest of the buffer follows the line: readable, as iterate needs.
        if (auto e = parser.iterate(p, n, capacity - static_cast<size_t>(p - text)).get(doc)) {
          std::fprintf(stderr, "proviso-bench-e2e: record %zu: %s\n", run.records + 1, error_message(e));
          return false;
        }
        run.record(doc);
      }
      p = nl + 1;
    }
    return true;
  }
  ondemand::document_stream docs;
  if (auto e = parser.iterate_many(text, len, len).get(docs)) {
    std::fprintf(stderr, "proviso-bench-e2e: %s\n", error_message(e));
    return false;
  }
  for (auto result : docs) {
    ondemand::document_reference doc;
    if (auto e = std::move(result).get(doc)) {
      std::fprintf(stderr, "proviso-bench-e2e: record %zu: %s\n", run.records + 1, error_message(e));
      return false;
    }
    run.record(doc);
  }
  // An unfinished last record is left out of the stream: an error here.
  if (docs.truncated_bytes() > 0) {
    std::fprintf(stderr, "proviso-bench-e2e: record %zu: incomplete JSON\n", run.records + 1);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  bool parse_only = false, per_line = false;
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--parse-only")
      parse_only = true;
    else if (a == "--per-line")
      per_line = true;
    else if (!path && a.substr(0, 1) != "-")
      path = argv[i];
    else
      path = nullptr, i = argc;
  }
  if (!path) {
    std::fprintf(stderr, "usage: proviso-bench-e2e [--parse-only] [--per-line] FILE.ndjson\n");
    return 2;
  }
  int fd = ::open(path, O_RDONLY);
  if (fd < 0) {
    std::fprintf(stderr, "proviso-bench-e2e: cannot read %s: %s\n", path, std::strerror(errno));
    return 2;
  }

  static Out out;
  Run run;
  run.parse_only = parse_only;
  run.out = &out;
  ondemand::parser parser;
  parser.threaded = false;
  // The file is read in chunks of 1 MiB into one buffer, reused: reading it whole into fresh
  // memory costs a page fault per 4 KiB, which on this machine took more system time than
  // the parse took user time. Each chunk is cut after its last newline; the rest moves to the
  // front of the buffer for the next read. A line longer than the buffer doubles it.
  size_t size = size_t{1} << 20;
  std::unique_ptr<char[]> buf(new char[size + SIMDJSON_PADDING]);
  size_t have = 0;
  bool eof = false;
  while (!eof || have > 0) {
    while (!eof && have < size) {
      ssize_t n = ::read(fd, buf.get() + have, size - have);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        std::fprintf(stderr, "proviso-bench-e2e: cannot read %s: %s\n", path, std::strerror(errno));
        return 2;
      }
      if (n == 0) eof = true;
      have += static_cast<size_t>(n);
    }
    size_t complete = have;
    if (!eof) {
      const char* last = static_cast<const char*>(memrchr(buf.get(), '\n', have));
      if (!last) {
        std::unique_ptr<char[]> bigger(new char[2 * size + SIMDJSON_PADDING]);
        std::memcpy(bigger.get(), buf.get(), have);
        buf = std::move(bigger);
        size *= 2;
        continue;
      }
      complete = static_cast<size_t>(last - buf.get()) + 1;
    }
    if (complete > 0 && !parse_lines(parser, run, per_line, buf.get(), complete, size + SIMDJSON_PADDING)) return 1;
    std::memmove(buf.get(), buf.get() + complete, have - complete);
    have -= complete;
  }
  ::close(fd);
  out.flush();
  if (parse_only) std::fprintf(stderr, "proviso-bench-e2e: %zu records, %zu values read\n", run.records, run.values);
  return run.failed ? 1 : 0;
}
