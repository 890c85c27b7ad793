// The parallel `proviso eval` (eval_pipeline.h). One mutex guards the queue of chunks waiting
// for a worker and every chunk's `done` flag; a chunk is touched by one thread at a time
// (filled by the reader, then evaluated by one worker or by the reader itself, then written by
// the reader), so its contents need no lock of their own.
//
// The reader is one of the N evaluating threads (N - 1 workers besides it): a chunk it has just
// filled is in its own cache, and when every worker is busy it evaluates that chunk itself
// rather than wait. Measured on 2 CPUs, where a third thread only took turns with the other
// two and every chunk crossed from the reader's cache to a worker's: see bench/README.md.
//
// Memory: each worker allocates from its own malloc arena (glibc's default). Calendars built
// from input-dependent holidays live in a cache shared by every thread (64 MiB, least recently
// used out); one evicted by another thread than its maker goes back to its maker's arena, so
// with N threads the peak can approach N times the cache's budget before it stops growing
// (docs/LIMITS.md). One arena for all threads kept the peak flat but made --jobs 2 slower
// than --jobs 1 on the Qlik OEM workload (lock contention in malloc).
#include "tools/eval_pipeline.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <proviso/rt/cpus.h>

namespace proviso::cli {

Evaluation evaluate_item(Session& session, bool yaml, const std::optional<records::DecodeError>& error,
                         std::string_view text, size_t line, size_t capacity) {
  if (error) return session.input_error(error->path, error->message);
  return yaml ? session.evaluate_yaml(text, line) : session.evaluate_json_padded(text, capacity);
}

size_t available_cpus() { return rt::available_cpus(); }

namespace {

// A chunk is handed to a worker once its text reaches this size. 1 MiB measured better than
// 256 KiB (triage, --jobs 2: 0.97 of the CPU, 0.95 of the wall time) and 64 KiB (1.11 of the CPU,
// 1.19 of the wall time): fewer hand-overs, each worker longer on its own chunk.
constexpr size_t kChunkBytes = size_t{1} << 20;

struct Chunk {
  struct Entry {
    size_t line = 1;
    size_t offset = 0;  // into text
    size_t size = 0;
    std::optional<records::DecodeError> error;
  };
  std::string text;  // the inputs, one after another, then kJsonPadding bytes
  std::vector<Entry> entries;
  std::string out;  // one line per entry, in order
  size_t count = 0;
  bool any_failed = false;
  std::string fatal;  // set when the worker could not finish the chunk (out of memory, ...)
  bool done = false;

  void clear() {
    text.clear();
    entries.clear();
    out.clear();
    count = 0;
    any_failed = false;
    fatal.clear();
    done = false;
  }
};

class Pipeline {
 public:
  Pipeline(bool yaml, size_t jobs, const std::function<Session()>& make_session, Output& out)
      : yaml_(yaml), out_(out), max_in_flight_(2 * jobs), reader_session_(make_session()) {
    // Sessions are made here, on one thread: making one may compile nothing, but it reads the
    // policy's shared state. The reader has its own (reader_session_), the N - 1 workers one each.
    std::vector<Session> sessions;
    sessions.reserve(jobs - 1);
    for (size_t i = 1; i < jobs; ++i) sessions.push_back(make_session());
    for (auto& s : sessions) workers_.emplace_back([this, s = std::move(s)]() mutable { work(s); });
  }

  ~Pipeline() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    work_ready_.notify_all();
    for (auto& t : workers_) t.join();
  }
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Copies one input into the chunk being filled; hands the chunk out when it is full.
  void add(const InputStream::Item& item) {
    if (!filling_) filling_ = take_free_chunk();
    Chunk& c = *filling_;
    std::string_view text = yaml_ ? item.yaml : item.json;
    c.entries.push_back({item.line, c.text.size(), text.size(), item.error});
    c.text.append(text);
    if (c.text.size() >= kChunkBytes) dispatch();
  }

  // Hands out the chunk being filled, if it holds anything: to the workers, or, when a chunk
  // is already waiting for one (all are busy), to this thread at once.
  void dispatch() {
    if (!filling_ || filling_->entries.empty()) return;
    filling_->text.append(records::kJsonPadding, ' ');
    Chunk* c = filling_.get();
    bool workers_busy;
    {
      std::lock_guard lock(mutex_);
      workers_busy = !queue_.empty();
      if (!workers_busy) queue_.push_back(c);
    }
    if (workers_busy)
      evaluate_here(*c);
    else
      work_ready_.notify_one();
    in_flight_.push_back(std::move(filling_));
    // Bounded memory: wait for the oldest chunk before reading more.
    while (in_flight_.size() >= max_in_flight_ && !out_.failed()) write_oldest();
  }

  // Writes every chunk handed out, in order.
  void drain() {
    while (!in_flight_.empty()) write_oldest();
  }

  const PipelineResult& result() const { return result_; }
  const std::string& fatal() const { return fatal_; }

 private:
  std::unique_ptr<Chunk> take_free_chunk() {
    if (free_.empty()) return std::make_unique<Chunk>();
    auto c = std::move(free_.back());
    free_.pop_back();
    c->clear();
    return c;
  }

  void write_oldest() {
    std::unique_ptr<Chunk> c = std::move(in_flight_.front());
    in_flight_.pop_front();
    {
      // Rather than wait, this thread evaluates the chunks still waiting for a worker (the
      // oldest first: it may be the one to write).
      std::unique_lock lock(mutex_);
      while (!c->done) {
        if (queue_.empty()) {
          chunk_done_.wait(lock);
          continue;
        }
        Chunk* waiting = queue_.front();
        queue_.pop_front();
        lock.unlock();
        evaluate_here(*waiting);
        lock.lock();
      }
    }
    if (!c->fatal.empty() && fatal_.empty()) fatal_ = c->fatal;
    if (fatal_.empty()) {
      out_.write(c->out);
      result_.count += c->count;
      result_.any_failed |= c->any_failed;
    }
    free_.push_back(std::move(c));
  }

  void work(Session& session) {
    for (;;) {
      Chunk* c = nullptr;
      {
        std::unique_lock lock(mutex_);
        work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        c = queue_.front();
        queue_.pop_front();
      }
      evaluate(session, *c);
      {
        std::lock_guard lock(mutex_);
        c->done = true;
      }
      chunk_done_.notify_all();
    }
  }

  // Evaluates a chunk on the reader's thread, with its own session.
  void evaluate_here(Chunk& c) {
    evaluate(reader_session_, c);
    std::lock_guard lock(mutex_);
    c.done = true;
  }

  void evaluate(Session& session, Chunk& c) const {
    try {
      c.out.reserve(c.text.size());
      const size_t end = c.text.size();
      std::vector<JsonLine> lines;
      for (size_t i = 0; i < c.entries.size();) {
        // The common case: a run of JSON lines, written in place in groups.
        lines.clear();
        for (; i < c.entries.size() && !yaml_ && !c.entries[i].error; ++i) {
          const Chunk::Entry& entry = c.entries[i];
          lines.push_back({std::string_view(c.text.data() + entry.offset, entry.size), end - entry.offset});
        }
        if (!lines.empty()) {
          c.any_failed |= session.append_json_lines(c.out, lines) != 0;
          c.count += lines.size();
        }
        if (i == c.entries.size()) break;
        const Chunk::Entry& entry = c.entries[i++];
        std::string_view text(c.text.data() + entry.offset, entry.size);
        Evaluation e = evaluate_item(session, yaml_, entry.error, text, entry.line, end - entry.offset);
        c.any_failed |= !e.ok;
        c.out += e.json;
        c.out += '\n';
        ++c.count;
      }
    } catch (const std::bad_alloc&) {
      c.fatal = "out of memory";
    } catch (const std::exception& e) {  // evaluations catch their own; this is the chunk's output
      c.fatal = std::string("internal error: ") + e.what();
    }
  }

  bool yaml_;
  Output& out_;
  size_t max_in_flight_;
  Session reader_session_;  // the reader's, for the chunks it evaluates itself
  std::vector<std::thread> workers_;

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable chunk_done_;
  std::deque<Chunk*> queue_;  // guarded by mutex_
  bool stopping_ = false;     // guarded by mutex_

  // The reader's own state.
  std::unique_ptr<Chunk> filling_;
  std::deque<std::unique_ptr<Chunk>> in_flight_;
  std::vector<std::unique_ptr<Chunk>> free_;
  PipelineResult result_;
  std::string fatal_;
};

}  // namespace

PipelineResult run_pipeline(InputStream& in, bool yaml, size_t jobs, const std::function<Session()>& make_session,
                            Output& out, std::string* fatal) {
  Pipeline pipeline(yaml, jobs, make_session, out);
  // Before a read that would block, every input read so far is handed out, and for a reader
  // downstream of a pipe its lines are written.
  in.on_idle([&] {
    pipeline.dispatch();
    if (out.interactive()) {
      pipeline.drain();
      out.flush();
    }
  });
  InputStream::Item item;
  while (!out.failed() && pipeline.fatal().empty() && in.next(&item)) pipeline.add(item);
  pipeline.dispatch();
  pipeline.drain();
  in.on_idle({});
  *fatal = pipeline.fatal();
  return pipeline.result();
}

}  // namespace proviso::cli
